"""Runs of upserts are applied set-based (app.services._bulk): they must give exactly what the
per-change path gives, events, errors and stored state alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.changes import Email, GroupUpsert, MembershipReplace, Ref, UserUpsert
from app.errors import DirsyncError, UserNameTaken
from app.services import _bulk
from app.store import group as group_store
from app.store import user as user_store
from tests.factories import apply, make_directory, user_upsert

_VOLATILE = {"id", "directory_id", "created_at", "updated_at", "groups"}


def _strip(value: Any) -> Any:
    """Drop what differs between two directories (ids, timestamps); a user's groups by name."""
    if isinstance(value, dict):
        out = {k: _strip(v) for k, v in value.items() if k not in _VOLATILE}
        if "groups" in value:
            out["groups"] = [g["name"] for g in value["groups"]]
        return out
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _normal(result: Any) -> list[tuple[str, Any, Any]]:
    out = []
    for event in result.events:
        body = msgspec.json.decode(event.body)
        out.append((body["type"], _strip(body["data"]), body["previous_attributes"]))
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
    return (
        sorted(msgspec.json.encode(_strip(msgspec.to_builtins(u))) for u in users),
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
replace_changes = st.builds(
    lambda g, us: MembershipReplace(group=Ref(external_id=g), users=tuple(Ref(external_id=u) for u in us)),
    st.sampled_from(["g0", "g1", "g2"]),
    st.lists(refs, max_size=4),
)
runs = st.one_of(
    st.lists(user_changes, min_size=2, max_size=6),
    st.lists(group_changes, min_size=2, max_size=4),
    st.lists(replace_changes, min_size=2, max_size=3),
    st.lists(st.one_of(user_changes, group_changes, replace_changes), min_size=2, max_size=6),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(runs, min_size=1, max_size=5))
async def test_set_based_runs_match_the_per_change_path(pool, tenant, batches) -> None:
    await _compare(pool, tenant.id, lambda _: batches)


async def _compare(pool, tenant_id: str, make: Callable[[str], list[list[Any]]]) -> list[Any]:
    """Apply the batches set-based in one directory and change by change in another: same
    events, errors and final state. Returns the outcomes."""
    mappings = {"attribute_mappings": {"org": "org"}, "role_mappings": {"ops": "admin"}}
    bulk, _ = await make_directory(pool, tenant_id, **mappings)
    single, _ = await make_directory(pool, tenant_id, **mappings)
    outcomes = []
    for batch, same in zip(make("a"), make("b"), strict=True):
        got = await _outcome(pool, tenant_id, bulk.id, batch)
        with patch.object(_bulk, "_MIN_RUN", 10**9):
            want = await _outcome(pool, tenant_id, single.id, same)
        assert got == want
        outcomes.append(got)
    assert await _state(pool, tenant_id, bulk.id) == await _state(pool, tenant_id, single.id)
    return outcomes


def _replace(group: str, *users: str) -> MembershipReplace:
    return MembershipReplace(group=Ref(external_id=group), users=tuple(Ref(external_id=u) for u in users))


async def test_a_page_of_membership_replaces_matches_the_per_change_path(pool, tenant) -> None:
    def batches(tag: str) -> list[list[Any]]:
        # Ids in the same order in both directories: a group change's events are ordered by user id.
        users = [user_upsert(f"u{i}", id=f"du_{tag}{i}", external_id=f"x{i}") for i in range(5)]
        names = ["eng", "ops", "all"]
        groups = [GroupUpsert(id=f"dg_{tag}{i}", external_id=f"g{i}", name=n) for i, n in enumerate(names)]
        return [
            [*users, *groups],
            [_replace("g0", "x0", "x1", "x2"), _replace("g1", "x1", "x2", "x0"), _replace("g2", "x2", "x1")],
            [_replace("g0", "x3", "x1"), _replace("g1", "x1", "x4"), _replace("g2", "x2", "x1")],
            [_replace("g0", "x3"), _replace("g1", "x9")],  # unknown member: UnknownMembers
            [_replace("g0", "x3"), _replace("g0", "x4")],  # one group twice
            [_replace("g0", "x3"), _replace("nope", "x4")],  # GroupNotFound
        ]

    outcomes = await _compare(pool, tenant.id, batches)
    assert len(outcomes[1]) == 8 and outcomes[2][0][0] == "group.user_removed"
    assert outcomes[3][0] == "UnknownMembers" and outcomes[5][0] == "GroupNotFound"


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
