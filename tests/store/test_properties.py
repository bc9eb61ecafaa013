"""Property: a consumer applying the emitted events in order holds exactly the store's state,
and a change that changes nothing emits nothing."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.changes import (
    GroupRemove,
    GroupUpsert,
    MembershipAdd,
    MembershipRemove,
    MembershipReplace,
    Ref,
    UserRemove,
    UserUpsert,
)
from app.errors import DirsyncError
from app.store import group as group_store
from app.store import user as user_store
from tests.factories import apply, make_directory

USER_FIELDS = (
    "external_id",
    "username",
    "state",
    "job_title",
    "raw_attributes",
    "custom_attributes",
    "emails",
)

user_refs = st.sampled_from([f"u{i}" for i in range(4)])
group_refs = st.sampled_from([f"g{i}" for i in range(3)])
user_upserts = st.builds(
    lambda ext, name, state, title, raw: UserUpsert(
        external_id=ext, username=name, state=state, job_title=title, raw_attributes=raw
    ),
    user_refs,
    st.sampled_from(["ann", "bob", "cid", "dee", "ANN"]),
    st.sampled_from(["active", "inactive", "suspended"]),
    st.sampled_from([None, "eng", "cto"]),
    st.dictionaries(st.sampled_from(["a", "b", "dept"]), st.sampled_from([1, "x", None]), max_size=2),
)
group_upserts = st.builds(
    lambda ext, name: GroupUpsert(external_id=ext, name=name),
    group_refs,
    st.sampled_from(["eng", "ops", "all"]),
)
members = st.lists(user_refs, max_size=4, unique=True).map(lambda xs: tuple(Ref(external_id=x) for x in xs))
changes = st.one_of(
    user_upserts,
    group_upserts,
    user_refs.map(lambda r: UserRemove(user=Ref(external_id=r))),
    group_refs.map(lambda r: GroupRemove(group=Ref(external_id=r))),
    st.builds(lambda g, us: MembershipAdd(group=Ref(external_id=g), users=us), group_refs, members),
    st.builds(lambda g, us: MembershipRemove(group=Ref(external_id=g), users=us), group_refs, members),
    st.builds(lambda g, us: MembershipReplace(group=Ref(external_id=g), users=us), group_refs, members),
)
IDEMPOTENT = (UserUpsert, GroupUpsert, MembershipAdd, MembershipReplace)


class Consumer:
    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.members: set[tuple[str, str]] = set()

    def apply(self, event: dict[str, Any]) -> None:
        kind, data = event["type"], event["data"]
        if kind in ("user.created", "user.updated"):
            self.users[data["id"]] = {f: data[f] for f in USER_FIELDS}
        elif kind == "user.deleted":
            del self.users[data["id"]]
        elif kind in ("group.created", "group.updated"):
            self.groups[data["id"]] = {"external_id": data["external_id"], "name": data["name"]}
        elif kind == "group.deleted":
            del self.groups[data["id"]]
        elif kind in ("group.user_added", "group.user_removed"):
            pair = (data["group"]["id"], data["user"]["id"])
            if kind == "group.user_added":
                self.members.add(pair)
            else:
                self.members.discard(pair)
            # The user inside a membership event reflects memberships after this event.
            expected = {g for g, u in self.members if u == data["user"]["id"]}
            assert {g["id"] for g in data["user"]["groups"]} == expected


async def store_state(pool, tenant_id: str, directory_id: str) -> Consumer:
    state = Consumer()
    async with pool.acquire() as conn:
        for user in await user_store.list_all(conn, tenant_id, directory_id):
            values = msgspec.to_builtins({f: getattr(user, f) for f in USER_FIELDS})
            values["emails"] = list(values["emails"])
            state.users[user.id] = values
        for group in await group_store.list_all(conn, tenant_id, directory_id):
            state.groups[group.id] = {"external_id": group.external_id, "name": group.name}
        state.members = set(await group_store.list_memberships(conn, tenant_id, directory_id))
    return state


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.lists(changes, min_size=1, max_size=3), min_size=1, max_size=8))
async def test_events_rebuild_the_store(pool, tenant, batches) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    consumer = Consumer()
    expected_sequence = 1
    for batch in batches:
        try:
            result = await apply(pool, tenant.id, directory.id, *batch)
        except DirsyncError:
            continue  # rejected batches change nothing: checked by the final comparison
        for event in result.events:
            body = msgspec.json.decode(event.body)
            assert body["sequence"] == expected_sequence
            expected_sequence += 1
            consumer.apply(body)
        if len(batch) == 1 and isinstance(batch[0], IDEMPOTENT):
            assert (await apply(pool, tenant.id, directory.id, *batch)).events == []
    stored = await store_state(pool, tenant.id, directory.id)
    assert consumer.users == stored.users
    assert consumer.groups == stored.groups
    assert consumer.members == stored.members
