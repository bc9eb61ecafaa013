from __future__ import annotations

import msgspec

from tests.factories import add_members, apply, group_upsert, make_directory, user_upsert


async def test_smoke(pool, tenant) -> None:
    directory, token = await make_directory(pool, tenant.id)
    assert token.startswith("dst_")
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
    body = msgspec.json.decode(result.events[2].body)
    assert body["data"]["user"]["groups"][0]["name"] == "eng"
    again = await apply(
        pool,
        tenant.id,
        directory.id,
        user_upsert("alice"),
        group_upsert("eng"),
        add_members("ext-eng", "ext-alice"),
    )
    assert again.events == []
    upd = await apply(
        pool, tenant.id, directory.id, user_upsert("alice", state="inactive", raw_attributes={"a": 1})
    )
    body = msgspec.json.decode(upd.events[0].body)
    assert body["previous_attributes"] == {"state": "active", "raw_attributes": {"a": None}}
    assert body["sequence"] == 4
