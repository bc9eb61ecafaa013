"""Runs of upserts are applied set-based (app.services._bulk): they must give exactly what the
per-change path gives, events, errors and stored state alike."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.changes import Email, GroupUpsert, UserUpsert
from app.errors import DirsyncError, UserNameTaken
from app.services import _bulk
from app.store import group as group_store
from app.store import user as user_store
from tests.factories import apply, make_directory, user_upsert

_VOLATILE = {"id", "directory_id", "created_at", "updated_at", "groups"}


def _normal(result: Any) -> list[tuple[str, Any, Any]]:
    out = []
    for event in result.events:
        body = msgspec.json.decode(event.body)
        data = body["data"]
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in _VOLATILE}
        out.append((body["type"], data, body["previous_attributes"]))
    return out


async def _outcome(pool, tenant_id: str, directory_id: str, changes: list[Any]) -> Any:
    try:
        return _normal(await apply(pool, tenant_id, directory_id, *changes))
    except DirsyncError as exc:
        return (type(exc).__name__, str(exc))


async def _state(pool, tenant_id: str, directory_id: str) -> Any:
    async with pool.acquire() as conn:
        users = await user_store.list_all(conn, tenant_id, directory_id)
        groups = await group_store.list_all(conn, tenant_id, directory_id)
    strip = {"id", "directory_id", "created_at", "updated_at"}
    return (
        sorted(
            (msgspec.json.encode({k: v for k, v in msgspec.to_builtins(u).items() if k not in strip}))
            for u in users
        ),
        sorted(
            (g.external_id or "", g.name, g.version, msgspec.json.encode(g.raw_attributes)) for g in groups
        ),
    )


refs = st.sampled_from([f"x{i}" for i in range(5)])
user_changes = st.builds(
    lambda ext, name, title, raw: UserUpsert(
        external_id=ext,
        username=name,
        job_title=title,
        emails=(Email(value=f"{name}@example.com"),),
        raw_attributes=raw,
    ),
    refs,
    st.sampled_from(["ann", "bob", "cid", "dee", "ANN", "eve"]),
    st.sampled_from([None, "eng"]),
    st.dictionaries(st.sampled_from(["org", "b"]), st.sampled_from([1, "x"]), max_size=2),
)
group_changes = st.builds(
    lambda ext, name: GroupUpsert(external_id=ext, name=name),
    st.sampled_from(["g0", "g1", "g2"]),
    st.sampled_from(["eng", "ops"]),
)
runs = st.one_of(
    st.lists(user_changes, min_size=2, max_size=6),
    st.lists(group_changes, min_size=2, max_size=4),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(runs, min_size=1, max_size=5))
async def test_set_based_runs_match_the_per_change_path(pool, tenant, batches) -> None:
    mappings = {"attribute_mappings": {"org": "org"}, "role_mappings": {}}
    bulk, _ = await make_directory(pool, tenant.id, **mappings)
    single, _ = await make_directory(pool, tenant.id, **mappings)
    for batch in batches:
        got = await _outcome(pool, tenant.id, bulk.id, batch)
        with patch.object(_bulk, "_MIN_RUN", 10**9):
            want = await _outcome(pool, tenant.id, single.id, batch)
        assert got == want
    assert await _state(pool, tenant.id, bulk.id) == await _state(pool, tenant.id, single.id)


async def test_a_page_of_users_is_created_then_updated_in_change_order(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id, attribute_mappings={"cc": "org.cc"})
    page = [user_upsert(f"user{i:03}", raw_attributes={"org": {"cc": i}}) for i in range(300)]
    created = await apply(pool, tenant.id, directory.id, *page)
    bodies = [msgspec.json.decode(e.body) for e in created.events]
    assert [b["data"]["username"] for b in bodies] == [f"user{i:03}" for i in range(300)]
    assert [b["sequence"] for b in bodies] == list(range(1, 301))
    assert bodies[7]["data"]["custom_attributes"] == {"cc": 7}
    page[5] = user_upsert("user005", job_title="cto", raw_attributes={"org": {"cc": 5}})
    page[2] = msgspec.structs.replace(page[2], username="renamed")
    updated = await apply(pool, tenant.id, directory.id, *page)
    bodies = [msgspec.json.decode(e.body) for e in updated.events]
    assert [(b["type"], b["previous_attributes"]) for b in bodies] == [
        ("user.updated", {"username": "user002"}),
        ("user.updated", {"job_title": None}),
    ]
    async with pool.acquire() as conn:
        rows = {u.external_id: u for u in await user_store.list_all(conn, tenant.id, directory.id)}
    assert rows["ext-user002"].username == "renamed" and rows["ext-user002"].version == 2
    assert rows["ext-user005"].job_title == "cto" and rows["ext-user006"].version == 1
    assert (await apply(pool, tenant.id, directory.id, *page)).events == []


async def test_a_taken_username_fails_the_whole_run(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await apply(pool, tenant.id, directory.id, user_upsert("alice"))
    page = [user_upsert(f"user{i}") for i in range(10)] + [user_upsert("ALICE", external_id="other")]
    try:
        await apply(pool, tenant.id, directory.id, *page)
    except UserNameTaken as exc:
        assert "'ALICE'" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected UserNameTaken")
    async with pool.acquire() as conn:
        assert [u.username for u in await user_store.list_all(conn, tenant.id, directory.id)] == ["alice"]


async def test_preassigned_ids_are_kept(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    result = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("a", id="du_preassigned_a", external_id=None),
        user_upsert("b", id="du_preassigned_b"),
    )
    assert [msgspec.json.decode(e.body)["data"]["id"] for e in result.events] == [
        "du_preassigned_a",
        "du_preassigned_b",
    ]
