"""Sequences are gapless per directory, writers of different directories never wait on each other,
and the tenant-wide cursor never skips an event that commits late."""

from __future__ import annotations

import asyncio

from app.changes import ChangeBatch
from app.services import directory as directory_service
from app.services import event as event_service
from app.store import event as event_store
from tests.factories import apply, make_directory, user_upsert


async def read_until(pool, tenant_id, after, count):
    """The horizon is cluster-wide: other databases' open transactions can hold it back briefly."""
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        page = await event_service._tenant_page(pool, tenant_id, after, 100, None)
        if len(page.bodies) >= count or asyncio.get_running_loop().time() > deadline:
            return page
        await asyncio.sleep(0.05)


async def test_concurrent_writers_get_gapless_sequences(pool, tenant) -> None:
    directory, _ = await make_directory(pool, tenant.id)
    await asyncio.gather(*(apply(pool, tenant.id, directory.id, user_upsert(f"w{i}")) for i in range(40)))
    async with pool.acquire() as conn:
        rows = await event_store.list_directory_events(conn, tenant.id, directory.id, after=0, limit=100)
    assert [r.sequence for r in rows] == list(range(1, 41))


async def test_other_directories_do_not_wait(pool, tenant) -> None:
    held, _ = await make_directory(pool, tenant.id, name="held")
    free, _ = await make_directory(pool, tenant.id, name="free")
    async with pool.acquire() as conn:
        tx = conn.transaction()
        await tx.start()
        try:
            await directory_service.apply_changes(
                conn, tenant.id, held.id, ChangeBatch(changes=(user_upsert("h"),))
            )
            # The held directory's row lock is taken; another directory still commits promptly.
            result = await asyncio.wait_for(apply(pool, tenant.id, free.id, user_upsert("f")), timeout=5)
            assert result.events[0].sequence == 1
            # A second writer on the held directory does wait.
            blocked = asyncio.ensure_future(apply(pool, tenant.id, held.id, user_upsert("h2")))
            done, _ = await asyncio.wait({blocked}, timeout=0.3)
            assert not done
        finally:
            await tx.commit()
    assert (await asyncio.wait_for(blocked, timeout=5)).events[0].sequence == 2


async def test_tenant_cursor_never_skips_a_late_commit(pool, tenant) -> None:
    dir_a, _ = await make_directory(pool, tenant.id, name="a")
    dir_b, _ = await make_directory(pool, tenant.id, name="b")
    async with pool.acquire() as reader:
        before = await event_store.list_tenant_bodies(reader, tenant.id, after=None, limit=100, types=None)
    assert before == []
    async with pool.acquire() as writer_a:
        tx = writer_a.transaction()
        await tx.start()
        try:
            late = await directory_service.apply_changes(
                writer_a, tenant.id, dir_a.id, ChangeBatch(changes=(user_upsert("late"),))
            )
            early = await apply(pool, tenant.id, dir_b.id, user_upsert("early"))
            async with pool.acquire() as reader:
                visible = await event_store.list_tenant_bodies(
                    reader, tenant.id, after=None, limit=100, types=None
                )
            # B committed, but A (older) is still open: the reader must not move past A.
            assert visible == []
        finally:
            await tx.commit()
    page = await read_until(pool, tenant.id, None, 2)
    got = page.bodies
    assert len(got) == 2
    assert late.events[0].id in got[0] and early.events[0].id in got[1]
    after = event_service.decode_stream_cursor(page.next_cursor)
    assert (await event_service._tenant_page(pool, tenant.id, after, 100, None)).bodies == []
