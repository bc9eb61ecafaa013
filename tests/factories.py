"""Small factories for tests: they commit through the pool, so use them with fresh tenants."""

from __future__ import annotations

from typing import Any

import asyncpg

from app.changes import Change, ChangeBatch, Email, GroupUpsert, MembershipAdd, Ref, UserUpsert
from app.services import directory as directory_service
from app.services.directory import ApplyResult, Directory, DirectoryCreate
from app.settings import parse_encryption_keys
from tests.conftest import CRYPTO_KEYS

KEYS = parse_encryption_keys(CRYPTO_KEYS)


async def make_directory(
    pool: asyncpg.Pool, tenant_id: str, *, provider: str = "scim", name: str = "Acme", **overrides: Any
) -> tuple[Directory, str]:
    """Create a committed directory; returns it and its SCIM token."""
    keys = overrides.pop("keys", KEYS)
    data = DirectoryCreate(name=name, provider=provider, **overrides)  # type: ignore[arg-type]
    async with pool.acquire() as conn:
        return await directory_service.create_directory(conn, tenant_id, data, keys=keys)


def user_upsert(username: str, **overrides: Any) -> UserUpsert:
    values: dict[str, Any] = {
        "external_id": f"ext-{username}",
        "username": username,
        "emails": (Email(value=f"{username}@example.com", type="work", primary=True),),
        "first_name": username.capitalize(),
        "last_name": "Tester",
    }
    values.update(overrides)
    return UserUpsert(**values)


def group_upsert(name: str, **overrides: Any) -> GroupUpsert:
    return GroupUpsert(**{"external_id": f"ext-{name}", "name": name, **overrides})


def add_members(group_external_id: str, *user_external_ids: str) -> MembershipAdd:
    return MembershipAdd(
        group=Ref(external_id=group_external_id), users=tuple(Ref(external_id=u) for u in user_external_ids)
    )


async def apply(
    pool: asyncpg.Pool, tenant_id: str, directory_id: str, *changes: Change, source_id: str | None = None
) -> ApplyResult:
    async with pool.acquire() as conn:
        return await directory_service.apply_changes(
            conn, tenant_id, directory_id, ChangeBatch(changes=changes, source_id=source_id)
        )
