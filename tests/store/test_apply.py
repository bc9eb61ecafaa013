from __future__ import annotations

import time

import msgspec
import pytest

from app.changes import (
    ChangeBatch,
    DirectoryStateChange,
    GroupRemove,
    MembershipAdd,
    MembershipRemove,
    MembershipReplace,
    Ref,
    UserRemove,
)
from app.errors import DirectoryInactive, GroupNotFound, UnknownMembers, UserNameTaken, UserNotFound
from app.services import directory as directory_service
from app.store import directory as directory_store
from app.store import user as user_store
from app.worker.directory import directory_purge
from tests.factories import add_members, apply, group_upsert, make_directory, user_upsert


def bodies(result):
    return [msgspec.json.decode(e.body) for e in result.events]


async def test_create_update_noop_and_sequences(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    result = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("alice"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-alice"),
    )
    assert [e.type for e in result.events] == ["user.created", "group.created", "group.user_added"]
    assert [e.sequence for e in result.events] == [1, 2, 3]
    event = bodies(result)[2]
    assert event["id"].startswith("evt_") and event["provider"] == "scim"
    assert event["data"]["object"] == "directory_group_membership"
    assert event["data"]["user"]["groups"] == [{"id": event["data"]["group"]["id"], "name": "eng"}]
    again = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("alice"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-alice"),
    )
    assert again.events == []
    async with pool.acquire() as conn:
        assert (await directory_store.get(conn, tenant.id, directory.id)).last_sequence == 3


async def test_previous_attributes_are_exactly_the_changed_fields(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id, attribute_mappings={"cost_center": "org.cc"})
    await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("bob", raw_attributes={"keep": 1, "drop": 2, "org": {"cc": "A"}}),
    )
    result = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert(
            "bob", state="inactive", job_title="CTO", raw_attributes={"keep": 1, "new": 3, "org": {"cc": "B"}}
        ),
    )
    (event,) = bodies(result)
    assert event["type"] == "user.updated"
    assert event["previous_attributes"] == {
        "state": "active",
        "job_title": None,
        "custom_attributes": {"cost_center": "A"},
        "raw_attributes": {"drop": 2, "new": None, "org": {"cc": "A"}},
    }
    assert event["data"]["state"] == "inactive"
    assert event["data"]["custom_attributes"] == {"cost_center": "B"}
    async with pool.acquire() as conn:
        user = await user_store.get(conn, tenant.id, directory.id, user_id=None, external_id="ext-bob")
    assert user.version == 2


async def test_idempotent_source_id(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    first = await apply(pool, tenant.id, directory.id, user_upsert("carol"), source_id="req-1")
    assert len(first.events) == 1 and not first.duplicate
    second = await apply(
        pool, tenant.id, directory.id, user_upsert("carol", job_title="X"), source_id="req-1"
    )
    assert second.duplicate and second.events == []
    async with pool.acquire() as conn:
        user = await user_store.get(conn, tenant.id, directory.id, user_id=None, external_id="ext-carol")
    assert user.job_title is None


async def test_group_removal_emits_member_removals_first(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id, role_mappings={"eng": "developer"})
    await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("a"),
        user_upsert("b"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-a", "ext-b"),
    )
    result = await apply(pool, tenant.id, directory.id, GroupRemove(group=Ref(external_id="ext-eng")))
    events = bodies(result)
    assert [e["type"] for e in events] == ["group.user_removed", "group.user_removed", "group.deleted"]
    assert all(e["data"]["user"]["groups"] == [] and e["data"]["user"]["roles"] == [] for e in events[:2])


async def test_user_removal_and_roles(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id, role_mappings={"eng": "developer", "ops": "admin"})
    created = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("a"),
        group_upsert("eng"),
        group_upsert("ops"),
        add_members("ext-eng", "ext-a"),
        add_members("ext-ops", "ext-a"),
    )
    assert bodies(created)[-1]["data"]["user"]["roles"] == ["admin", "developer"]
    result = await apply(pool, tenant.id, directory.id, UserRemove(user=Ref(external_id="ext-a")))
    assert [e.type for e in result.events] == ["group.user_removed", "group.user_removed", "user.deleted"]


async def test_membership_replace_and_remove(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await apply(
        pool, tenant.id, directory.id, user_upsert("a"), user_upsert("b"), user_upsert("c"), group_upsert("g")
    )
    await apply(pool, tenant.id, directory.id, add_members("ext-g", "ext-a", "ext-b"))
    refs = (Ref(external_id="ext-b"), Ref(external_id="ext-c"))
    result = await apply(
        pool, tenant.id, directory.id, MembershipReplace(group=Ref(external_id="ext-g"), users=refs)
    )
    assert [(e["type"], e["data"]["user"]["username"]) for e in bodies(result)] == [
        ("group.user_removed", "a"),
        ("group.user_added", "c"),
    ]
    same = await apply(
        pool, tenant.id, directory.id, MembershipReplace(group=Ref(external_id="ext-g"), users=refs)
    )
    assert same.events == []
    removed = await apply(
        pool, tenant.id, directory.id, MembershipRemove(group=Ref(external_id="ext-g"), users=refs[:1])
    )
    assert [e.type for e in removed.events] == ["group.user_removed"]


async def test_errors_change_nothing(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await apply(pool, tenant.id, directory.id, user_upsert("Dana"), group_upsert("g"))
    with pytest.raises(UserNameTaken):
        await apply(pool, tenant.id, directory.id, user_upsert("x"), user_upsert("dana", external_id="other"))
    with pytest.raises(UnknownMembers):
        await apply(pool, tenant.id, directory.id, add_members("ext-g", "ext-Dana", "nobody"))
    with pytest.raises(GroupNotFound):
        await apply(pool, tenant.id, directory.id, add_members("nope", "ext-Dana"))
    with pytest.raises(UserNotFound):
        await apply(pool, tenant.id, directory.id, UserRemove(user=Ref(id="du_missing")))
    async with pool.acquire() as conn:
        assert (await directory_store.get(conn, tenant.id, directory.id)).last_sequence == 2
        assert len(await user_store.list_all(conn, tenant.id, directory.id)) == 1


async def test_upsert_with_preassigned_id(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    result = await apply(
        pool, tenant.id, directory.id, user_upsert("eve", id="du_01PRESET", external_id=None)
    )
    assert bodies(result)[0]["data"]["id"] == "du_01PRESET"
    renamed = user_upsert("eve", id="du_01PRESET", external_id=None)
    renamed = msgspec.structs.replace(renamed, username="eve2")
    update = await apply(pool, tenant.id, directory.id, renamed)
    assert bodies(update)[0]["previous_attributes"] == {"username": "eve"}


async def test_directory_state_change(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    assert (await apply(pool, tenant.id, directory.id, DirectoryStateChange(state="inactive"))).events == []
    result = await apply(pool, tenant.id, directory.id, DirectoryStateChange(state="active"))
    (event,) = bodies(result)
    assert event["type"] == "directory.activated" and event["previous_attributes"] == {"state": "inactive"}


async def test_thousand_member_add_is_set_based(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    users = [user_upsert(f"u{i}") for i in range(1000)]
    await apply(pool, tenant.id, directory.id, group_upsert("big"), *users)
    change = MembershipAdd(
        group=Ref(external_id="ext-big"), users=tuple(Ref(external_id=f"ext-u{i}") for i in range(1000))
    )
    started = time.perf_counter()
    result = await apply(pool, tenant.id, directory.id, change)
    elapsed = time.perf_counter() - started
    assert len(result.events) == 1000
    assert elapsed < 1.0, elapsed  # the SCIM bench holds the real 250 ms budget on a quiet machine


async def test_delete_then_purge(pool, tenant) -> None:
    directory, token = await make_directory(pool, tenant.id)
    await apply(
        pool, tenant.id, directory.id, user_upsert("a"), group_upsert("g"), add_members("ext-g", "ext-a")
    )
    async with pool.acquire() as conn:
        deleted = await directory_service.delete_directory(conn, tenant.id, directory.id)
        assert deleted.state == "deleting" and deleted.last_sequence == 4
        with pytest.raises(DirectoryInactive):
            await directory_service.apply_changes(
                conn, tenant.id, directory.id, ChangeBatch(changes=(user_upsert("b"),))
            )
        with pytest.raises(Exception, match="invalid token"):
            await directory_service.authenticate_scim(conn, directory.id, token)
    assert await directory_purge({"pool": pool}) >= 1
    async with pool.acquire() as conn:
        assert (await directory_store.get(conn, tenant.id, directory.id)).state == "deleted"
        assert await user_store.list_all(conn, tenant.id, directory.id) == []
        events = await conn.fetchval(
            "SELECT count(*) FROM events WHERE tenant_id = $1 AND directory_id = $2", tenant.id, directory.id
        )
    assert events == 4
