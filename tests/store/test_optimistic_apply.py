"""A batch of one user upsert is applied optimistically (app.services._optimistic): read without a
lock, commit only if the directory row is unchanged. It must give exactly what the locking path
gives, and fall back to it whenever the snapshot went stale or a write fails."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import asyncpg
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.changes import ChangeBatch, Email, UserUpsert
from app.errors import DirsyncError, UserNameTaken
from app.services import _optimistic
from app.services import directory as directory_service
from app.services.directory import DirectoryUpdate
from app.store import event as event_store
from app.store import optimistic as optimistic_store
from tests.factories import add_members, apply, group_upsert, make_directory, user_upsert
from tests.store.test_bulk_apply import _outcome, _state


async def _never(*_: Any) -> None:
    return None


def _counting() -> tuple[list[bool], Any]:
    """try_optimistic, recording whether each call committed (True) or fell back (False)."""
    calls: list[bool] = []
    real = _optimistic.try_optimistic

    async def wrapped(*args: Any) -> Any:
        result = await real(*args)
        calls.append(result is not None)
        return result

    return calls, wrapped


changes_st = st.tuples(
    st.sampled_from(["x0", "x1", "x2"]),
    st.sampled_from(["ann", "bob", "ANN"]),
    st.sampled_from([None, "eng"]),
    st.sampled_from(["active", "inactive"]),
    st.dictionaries(st.sampled_from(["org", "b"]), st.sampled_from([1, "x"]), max_size=2),
    st.booleans(),
)


def _change(
    tag: str, ext: str, name: str, title: str | None, state: Any, raw: Any, by_id: bool
) -> UserUpsert:
    return UserUpsert(
        id=f"du_{tag}{ext}" if by_id else None,
        external_id=None if by_id else ext,
        username=name,
        job_title=title,
        state=state,
        emails=(Email(value=f"{name}@example.com"),),
        raw_attributes=raw,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(changes_st, min_size=1, max_size=8), sources=st.lists(st.booleans(), max_size=8))
async def test_optimistic_path_matches_the_locking_path(pool, tenant, changes, sources) -> None:
    mappings = {"attribute_mappings": {"org": "org"}, "role_mappings": {"eng": "admin"}}
    fast, _ = await make_directory(pool, tenant.id, **mappings)
    locked, _ = await make_directory(pool, tenant.id, **mappings)
    for directory in (fast, locked):  # x0 is in a group, so that its events carry groups and roles
        await apply(pool, tenant.id, directory.id, user_upsert("seed", external_id="x0"), group_upsert("eng"))
        await apply(pool, tenant.id, directory.id, add_members("ext-eng", "x0"))
    calls, counting = _counting()
    for i, values in enumerate(changes):
        source = f"src-{i % 3}" if i < len(sources) and sources[i] else None
        with patch.object(directory_service, "try_optimistic", counting):
            got = await _outcome_with_source(pool, tenant.id, fast.id, _change(fast.id, *values), source)
        with patch.object(directory_service, "try_optimistic", _never):
            want = await _outcome_with_source(pool, tenant.id, locked.id, _change(locked.id, *values), source)
        assert got == want
    assert await _state(pool, tenant.id, fast.id) == await _state(pool, tenant.id, locked.id)
    assert len(calls) == len(changes)


async def _outcome_with_source(
    pool, tenant_id: str, directory_id: str, change: Any, source: str | None
) -> Any:
    if source is None:
        return await _outcome(pool, tenant_id, directory_id, [change])
    try:
        async with pool.acquire() as conn:
            result = await directory_service.apply_changes(
                conn, tenant_id, directory_id, ChangeBatch(changes=(change,), source_id=source)
            )
    except DirsyncError as exc:
        return (type(exc).__name__, str(exc))
    return (result.duplicate, [msgspec.json.decode(e.body)["type"] for e in result.events])


async def test_a_single_upsert_commits_without_the_lock_path(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    calls, counting = _counting()
    with patch.object(directory_service, "try_optimistic", counting):
        created = await apply(pool, tenant.id, directory.id, user_upsert("ann"))
        updated = await apply(pool, tenant.id, directory.id, user_upsert("ann", job_title="Eng"))
        unchanged = await apply(pool, tenant.id, directory.id, user_upsert("ann", job_title="Eng"))
    assert calls == [True, True, True]
    assert [e.sequence for e in created.events + updated.events] == [1, 2]
    assert unchanged.events == []
    body = msgspec.json.decode(updated.events[0].body)
    assert body["type"] == "user.updated"
    assert body["previous_attributes"] == {"job_title": None}
    assert body["data"]["job_title"] == "Eng"
    # The snapshot's timestamps (read through row_to_json) encode exactly as stored ones do.
    assert body["data"]["created_at"] == msgspec.json.decode(created.events[0].body)["data"]["created_at"]


async def _interleave(pool, action: Any) -> Any:
    """Patch the snapshot read so that ``action`` runs (and commits) right after it."""
    real = optimistic_store.read
    pending = [action]

    async def read_then_act(*args: Any, **kwargs: Any) -> Any:
        snapshot = await real(*args, **kwargs)
        if pending:  # once: the action's own apply reads without interleaving
            async with pool.acquire() as other:
                await pending.pop()(other)
        return snapshot

    return patch.object(optimistic_store, "read", read_then_act)


async def test_a_commit_between_read_and_write_sends_the_batch_through_the_lock(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await apply(pool, tenant.id, directory.id, user_upsert("ann"))

    async def rename(other: Any) -> None:
        batch = ChangeBatch(changes=(user_upsert("ann", first_name="Anna"),))
        await directory_service.apply_changes(other, tenant.id, directory.id, batch)

    calls, counting = _counting()
    with await _interleave(pool, rename), patch.object(directory_service, "try_optimistic", counting):
        result = await apply(
            pool, tenant.id, directory.id, user_upsert("ann", first_name="Anna", job_title="Eng")
        )
    assert calls == [True, False]  # the rename commits optimistically; then ours is stale
    # The locking path saw the rename: only the job title changed, and the sequence is gapless.
    body = msgspec.json.decode(result.events[0].body)
    assert (body["sequence"], body["previous_attributes"]) == (3, {"job_title": None})
    async with pool.acquire() as conn:
        events = await event_store.list_directory_bodies(
            conn, tenant.id, directory.id, after=0, limit=10, types=None
        )
    assert [msgspec.json.decode(body)["sequence"] for body, _ in events] == [1, 2, 3]


async def test_a_mapping_change_between_read_and_write_is_not_missed(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)

    async def map_org(other: Any) -> None:
        update = DirectoryUpdate(attribute_mappings={"team": "org"})
        await directory_service.update_directory(other, tenant.id, directory.id, update)

    with await _interleave(pool, map_org):
        result = await apply(pool, tenant.id, directory.id, user_upsert("ann", raw_attributes={"org": "R&D"}))
    body = msgspec.json.decode(result.events[0].body)
    assert body["data"]["custom_attributes"] == {"team": "R&D"}


async def test_a_failed_write_falls_back_and_raises_the_precise_error(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await apply(pool, tenant.id, directory.id, user_upsert("ann"))
    calls, counting = _counting()
    with patch.object(directory_service, "try_optimistic", counting), pytest.raises(UserNameTaken):
        await apply(pool, tenant.id, directory.id, user_upsert("ANN", external_id="other"))
    assert calls == [False]
    async with pool.acquire() as conn:
        assert (
            await conn.fetchval(
                "SELECT last_sequence FROM directories WHERE tenant_id = $1 AND id = $2",
                tenant.id,
                directory.id,
            )
            == 1
        )
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM directory_users WHERE tenant_id = $1 AND directory_id = $2",
                tenant.id,
                directory.id,
            )
            == 1
        )


async def test_a_replayed_source_id_is_a_duplicate_without_writing(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    first = await apply(pool, tenant.id, directory.id, user_upsert("ann"), source_id="req-1")
    again = await apply(pool, tenant.id, directory.id, user_upsert("ann", job_title="x"), source_id="req-1")
    assert (first.duplicate, len(first.events)) == (False, 1)
    assert (again.duplicate, again.events) == (True, [])


@pytest.mark.parametrize(
    "text",
    ["", "plain", "it's", "$$", "$q$ $q0$ $qabc$", "back\\slash", "naïve ✓ 日本", '{"a": "b\'c"}'],
)
async def test_quoted_literals_round_trip(conn: asyncpg.Connection, text: str) -> None:
    assert await conn.fetchval(f"SELECT {optimistic_store.quote(text)}::text") == text


def test_a_nul_is_refused_in_a_literal() -> None:
    with pytest.raises(ValueError, match="NUL"):
        optimistic_store.quote("a\x00b")
