"""Sync planning: Directory API pages in, one ChangeBatch per page out (never half a page)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any, Literal

from app.changes import Change, ChangeBatch, GroupRemove, Ref, UserRemove
from providers.google._client import DirectoryClient
from providers.google._mapping import group_to_upsert, members_to_replace, user_to_upsert

REMOVAL_CHUNK = 500
MEMBER_CONCURRENCY = 8


async def iter_user_batches(client: DirectoryClient) -> AsyncIterator[tuple[ChangeBatch, list[str]]]:
    """users.list page by page: the page's upserts, and the Google ids it named."""
    async for page in client.iter_user_pages():
        users = [u for u in page.users if u.get("id") and u.get("primaryEmail")]
        changes = tuple(user_to_upsert(u) for u in users)
        yield ChangeBatch(changes=changes), [str(u["id"]) for u in users]


async def iter_group_batches(
    client: DirectoryClient, known_user_ids: set[str] | frozenset[str]
) -> AsyncIterator[tuple[ChangeBatch, list[str]]]:
    """groups.list page by page, each group with its members (members.list), as one batch.

    ``known_user_ids`` are the Google ids of the directory's users: members outside it
    (external addresses) are not memberships we can store.
    """
    semaphore = asyncio.Semaphore(MEMBER_CONCURRENCY)

    async def members_of(group_id: str) -> list[dict[str, Any]]:
        async with semaphore:
            return await client.list_members(group_id)

    async for page in client.iter_group_pages():
        groups = [g for g in page.groups if g.get("id")]
        # Fetch the whole page's members before yielding: a failure loses the page, never half of it.
        members = await asyncio.gather(*(members_of(str(g["id"])) for g in groups))
        changes: list[Change] = []
        for group, group_members in zip(groups, members, strict=True):
            changes.append(group_to_upsert(group, group_members))
        for group, group_members in zip(groups, members, strict=True):
            changes.append(members_to_replace(str(group["id"]), group_members, known_user_ids))
        yield ChangeBatch(changes=tuple(changes)), [str(g["id"]) for g in groups]


def removal_batches(
    kind: Literal["user", "group"], stored: Iterable[str], seen: set[str], chunk: int = REMOVAL_CHUNK
) -> list[ChangeBatch]:
    """Remove what the store has and a complete listing no longer names."""
    missing = sorted(set(stored) - seen)
    batches: list[ChangeBatch] = []
    for start in range(0, len(missing), chunk):
        part = missing[start : start + chunk]
        changes: tuple[Change, ...] = (
            tuple(UserRemove(user=Ref(external_id=i)) for i in part)
            if kind == "user"
            else tuple(GroupRemove(group=Ref(external_id=i)) for i in part)
        )
        batches.append(ChangeBatch(changes=changes))
    return batches
