"""Google sync jobs against the simulator and the real store: initial sync, reconcile, channels."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
import pytest
from arq.connections import ArqRedis

from app.services import directory as directory_service
from app.services import google as google_service
from app.settings import Settings
from app.store import google as google_store
from tests.conftest import TenantFixture
from tests.google_sim import GoogleSimulator
from tests.google_sim.fixtures import events, google_directory, membership_pairs, sim, user_rows

__all__ = ["sim"]


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def push_settings(settings: Settings) -> Settings:
    return msgspec.structs.replace(settings, public_base_url="https://dirsync.example")


def types(evts: list[dict]) -> list[str]:
    return [e["type"] for e in evts]


async def test_initial_sync(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, push_settings: Settings
) -> None:
    sim.seed(30, groups=4, members_per_group=5)
    groups = list(sim.groups)
    sim.add_nested_group(groups[0], groups[1])
    directory_id = await google_directory(pool, tenant.id, sim)
    async with google_service.open_runtime(push_settings) as runtime:
        result = await google_service.sync_directory(pool, runtime, push_settings, tenant.id, directory_id)
    assert result is not None and result.ok, result
    assert result.counts["users_seen"] == 30 and result.counts["groups_seen"] == 4
    users = await user_rows(pool, tenant.id, directory_id)
    assert len(users) == 30
    first = sim.users[next(iter(sim.users))]
    assert users[first["id"]]["username"] == first["primaryEmail"]
    assert users[first["id"]]["employee_number"] == "E000000"
    assert len(await membership_pairs(pool, tenant.id, directory_id)) == 20
    emitted = types(await events(pool, tenant.id, directory_id))
    assert emitted.count("user.created") == 30 and emitted.count("group.created") == 4
    assert emitted.count("group.user_added") == 20
    async with pool.acquire() as conn:
        state = await google_service.get_status(conn, tenant.id, directory_id)
    assert (state.phase, state.kind, state.live_channels) == ("idle", "initial", 5)
    assert state.started_at and state.finished_at and state.initial_completed_at
    assert {c.event for c in sim.live_channels()} == {"add", "update", "delete", "undelete", "makeAdmin"}
    assert all(
        c.address == f"https://dirsync.example/hooks/google/{directory_id}" for c in sim.live_channels()
    )


async def test_reconcile_without_changes_emits_nothing(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(12, groups=3, members_per_group=4)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    async with google_service.open_runtime(settings) as runtime:
        await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        before = len(await events(pool, tenant.id, directory_id))
        for user_id in list(sim.users)[:3]:
            sim.update_user(user_id, lastLoginTime="2026-11-23T10:00:00.000Z")  # logins change nothing
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id)
    assert result.ok and result.counts["events"] == 0
    assert len(await events(pool, tenant.id, directory_id)) == before
    async with pool.acquire() as conn:
        state = await google_service.get_status(conn, tenant.id, directory_id)
    assert state.kind == "reconcile"


async def test_membership_change_is_picked_up_by_reconcile(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(6, groups=2, members_per_group=2)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    group_id = next(iter(sim.groups))
    member = sim.members[group_id][0]["id"]
    newcomer = next(u for u in sim.users if u not in {m["id"] for m in sim.members[group_id]})
    async with google_service.open_runtime(settings) as runtime:
        await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        before = len(await events(pool, tenant.id, directory_id))
        sim.remove_member(group_id, member)
        sim.add_member(group_id, newcomer)
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id, users=False)
    assert result.ok
    new = (await events(pool, tenant.id, directory_id))[before:]
    assert sorted(types(new)) == ["group.user_added", "group.user_removed"]
    pairs = await membership_pairs(pool, tenant.id, directory_id)
    assert (group_id, newcomer) in pairs and (group_id, member) not in pairs


async def test_users_missing_from_google_are_removed(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(5)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    gone = list(sim.users)[2]
    async with google_service.open_runtime(settings) as runtime:
        await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        sim.delete_user(gone)
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id, groups=False)
    assert result.counts["users_removed"] == 1
    assert types(await events(pool, tenant.id, directory_id))[-1] == "user.deleted"
    assert gone not in await user_rows(pool, tenant.id, directory_id)


async def test_429_backs_off_as_told_by_retry_after(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(3, groups=1, members_per_group=2)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    sim.fail_next(2, status=429, retry_after="7", path="/admin/directory/v1/users")
    sim.fail_next(1, status=503, retry_after="2", path="/admin/directory/v1/groups")
    sleeps = Sleeps()
    async with google_service.open_runtime(settings, sleep=sleeps) as runtime:
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id)
    assert result.ok and result.counts["retries"] == 3
    assert sleeps.delays == [7.0, 7.0, 2.0]
    assert len(await user_rows(pool, tenant.id, directory_id)) == 3


async def test_a_real_retry_after_is_waited_for(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(2)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    sim.fail_next(1, status=429, retry_after="1", path="/admin/directory/v1/users")
    loop_time = __import__("asyncio").get_running_loop().time
    started = loop_time()
    async with google_service.open_runtime(settings) as runtime:
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id, groups=False)
    assert result.ok and loop_time() - started >= 1.0


async def test_a_failing_sync_is_recorded_and_never_half_applies_a_page(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(10, groups=3, members_per_group=2)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    broken = list(sim.groups)[1]
    sim.fail_next(100, status=503, retry_after=None, path=f"/admin/directory/v1/groups/{broken}/members")
    async with google_service.open_runtime(settings, sleep=Sleeps()) as runtime:
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        assert not result.ok and "503" in (result.error or "")
        async with pool.acquire() as conn:
            state = await google_service.get_status(conn, tenant.id, directory_id)
            raw_state = await google_store.get_sync_state(conn, tenant.id, directory_id)
            groups = await google_store.list_group_external_ids(conn, tenant.id, directory_id)
        assert state.phase == "failed" and "503" in (state.last_error or "")
        assert state.consecutive_failures == 1 and state.next_attempt_at is not None
        assert groups == []  # the page with the broken group was not applied at all
        assert len(await user_rows(pool, tenant.id, directory_id)) == 10
        now = datetime.now(UTC)
        assert google_service.sync_due(raw_state, google_service.parse_settings({}), now) == (False, False)
        later = now + timedelta(minutes=2)
        assert google_service.sync_due(raw_state, google_service.parse_settings({}), later) == (True, True)
        sim.failures.clear()
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id)
    assert result.ok
    async with pool.acquire() as conn:
        assert len(await google_store.list_group_external_ids(conn, tenant.id, directory_id)) == 3
        state = await google_service.get_status(conn, tenant.id, directory_id)
    assert state.phase == "idle" and state.consecutive_failures == 0


async def test_token_expiry_and_refresh_across_syncs(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    sim.seed(3)
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    async with google_service.open_runtime(settings, tokens=google_service.adapter.TokenCache()) as runtime:
        await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        await google_service.run_sync(pool, runtime, tenant.id, directory_id)
        assert sim.token_requests == 1  # cached across passes
        sim.expire_tokens()
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id)
    assert result.ok and sim.token_requests == 2


async def test_channels_are_renewed_before_they_expire(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, push_settings: Settings
) -> None:
    directory_id = await google_directory(pool, tenant.id, sim)
    sim.channel_ttl_ms = 30 * 60 * 1000  # Google grants less than we asked for: 30 minutes
    async with google_service.open_runtime(push_settings) as runtime:
        first = await google_service.ensure_channels(pool, runtime, push_settings, tenant.id, directory_id)
        assert len(first) == 5
        sim.channel_ttl_ms = 6 * 3600 * 1000
        renewed = await google_service.ensure_channels(pool, runtime, push_settings, tenant.id, directory_id)
        assert len(renewed) == 5 and not set(renewed) & set(first)
        assert all(sim.channels[c].stopped for c in first)
        assert (
            await google_service.ensure_channels(pool, runtime, push_settings, tenant.id, directory_id) == []
        )
    async with pool.acquire() as conn:
        live = await google_store.list_live_channels(conn, tenant.id, directory_id)
    assert sorted(c.id for c in live) == sorted(renewed)


async def test_two_channel_upkeeps_of_one_directory_at_once_make_one_set(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, push_settings: Settings
) -> None:
    # The sync job's upkeep and the tick's channels job, running together.
    directory_id = await google_directory(pool, tenant.id, sim)
    async with google_service.open_runtime(push_settings) as runtime:
        made = await asyncio.gather(
            *(
                google_service.ensure_channels(pool, runtime, push_settings, tenant.id, directory_id)
                for _ in range(2)
            )
        )
    assert sorted(len(channels) for channels in made) == [0, 5]
    assert len(sim.live_channels()) == 5
    async with pool.acquire() as conn:
        assert len(await google_store.list_live_channels(conn, tenant.id, directory_id)) == 5


async def test_tick_queues_syncs_renewals_and_stops(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, push_settings: Settings, redis
) -> None:
    queue = ArqRedis(connection_pool=redis.connection_pool)
    directory_id = await google_directory(pool, tenant.id, sim)
    queued = await google_service.tick(pool, queue)
    assert queued["syncs"] >= 1 and queued["channels"] >= 1
    assert (
        await queue.enqueue_job(
            "google_sync", tenant.id, directory_id, False, _job_id=f"google_sync:{directory_id}"
        )
        is None
    )
    async with google_service.open_runtime(push_settings) as runtime:
        await google_service.ensure_channels(pool, runtime, push_settings, tenant.id, directory_id)
        async with pool.acquire() as conn:
            await directory_service.delete_directory(conn, tenant.id, directory_id)
        await redis.flushdb()
        queued = await google_service.tick(pool, queue)
        assert queued["stops"] >= 1
        assert await google_service.stop_channels(pool, runtime, tenant.id, directory_id) == 5
    assert sim.live_channels() == []


async def test_a_user_pushed_while_the_pass_runs_is_not_removed(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    from app.changes import ChangeBatch
    from providers.google import user_to_upsert
    from tests.google_sim._data import make_user

    sim.seed(501)  # two pages of users
    directory_id = await google_directory(pool, tenant.id, sim, push=False)
    late = make_user(5000)  # created in Google after the listing began: no page of this pass names it
    pushed: list[str] = []

    async def push_meanwhile(method: str, path: str, query: dict[str, str]) -> None:
        if path == "/admin/directory/v1/users" and query.get("pageToken") and not pushed:
            pushed.append(late["id"])
            async with pool.acquire() as conn:
                await directory_service.apply_changes(
                    conn, tenant.id, directory_id, ChangeBatch(changes=(user_to_upsert(late),))
                )

    sim.before_request = push_meanwhile
    async with google_service.open_runtime(settings) as runtime:
        result = await google_service.run_sync(pool, runtime, tenant.id, directory_id, groups=False)
    assert result.ok and result.counts["users_removed"] == 0
    assert late["id"] in await user_rows(pool, tenant.id, directory_id)


async def test_invalid_settings_are_recorded_as_the_sync_error(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    directory_id = await google_directory(pool, tenant.id, sim, users_reconcile_minutes="often")
    async with google_service.open_runtime(settings) as runtime:
        result = await google_service.sync_directory(pool, runtime, settings, tenant.id, directory_id)
    assert result is not None and not result.ok
    async with pool.acquire() as conn:
        state = await google_service.get_status(conn, tenant.id, directory_id)
    assert state.phase == "failed" and "users_reconcile_minutes" in (state.last_error or "")


async def test_a_refused_key_is_recorded_as_the_sync_error(
    pool: asyncpg.Pool, tenant: TenantFixture, sim: GoogleSimulator, settings: Settings
) -> None:
    from tests.factories import make_directory
    from tests.google_sim._data import service_account_key

    credentials = sim.credentials()
    credentials["service_account_key"] = service_account_key(
        sim.token_uri, index=1
    )  # not the key Google knows
    directory, _ = await make_directory(
        pool, tenant.id, provider="google", settings={"api_base_url": sim.base_url}, credentials=credentials
    )
    async with google_service.open_runtime(settings) as runtime:
        result = await google_service.run_sync(pool, runtime, tenant.id, directory.id)
    assert not result.ok and "invalid_grant" in (result.error or "")
