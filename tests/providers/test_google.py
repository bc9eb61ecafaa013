"""The Google adapter against the simulator: tokens, paging, backoff, mapping, push parsing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from app.changes import GroupUpsert, MembershipReplace, UserRemove, UserUpsert
from providers.google import (
    DirectoryClient,
    GoogleApiError,
    GoogleAuthError,
    InvalidNotification,
    RetryPolicy,
    TokenCache,
    build_assertion,
    changes_for_notification,
    channel_token_matches,
    hash_channel_token,
    iter_group_batches,
    iter_user_batches,
    parse_credentials,
    parse_notification,
    parse_retry_after,
    removal_batches,
    user_to_upsert,
)
from tests.google_sim import GoogleSimulator
from tests.google_sim._data import make_user, public_key_pem, service_account_key


@pytest.fixture
async def sim() -> AsyncIterator[GoogleSimulator]:
    simulator = GoogleSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def http_client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def client_for(sim: GoogleSimulator, http: httpx.AsyncClient, **options: object) -> DirectoryClient:
    return DirectoryClient(
        http,
        parse_credentials(sim.credentials()),
        tokens=TokenCache(),
        api_base_url=sim.base_url,
        **options,  # type: ignore[arg-type]
    )


def test_assertion_is_rs256_jwt_bearer_with_the_delegation_claims() -> None:
    creds = parse_credentials(
        {
            "service_account_key": service_account_key("https://oauth2.example/token"),
            "admin_email": "admin@example.com",
            "customer_id": "C01",
        }
    )
    token = build_assertion(creds, "https://oauth2.example/token", now=1_700_000_000)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(
        token,
        public_key_pem(),
        algorithms=["RS256"],
        audience="https://oauth2.example/token",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert header["alg"] == "RS256" and header["kid"] == creds.service_account_key.private_key_id
    assert claims["iss"] == "dirsync@dirsync-test.iam.gserviceaccount.com"
    assert claims["sub"] == "admin@example.com"
    assert claims["exp"] - claims["iat"] == 3600
    assert "https://www.googleapis.com/auth/admin.directory.user.readonly" in claims["scope"].split()


async def test_token_is_cached_and_refreshed_after_expiry(
    sim: GoogleSimulator, http_client: httpx.AsyncClient
) -> None:
    sim.seed(3)
    now = [1000.0]
    client = client_for(sim, http_client)
    client.tokens = TokenCache(clock=lambda: now[0])
    await client.get_user(sim.users[next(iter(sim.users))]["id"])
    await client.get_user(next(iter(sim.users)))
    assert sim.token_requests == 1
    now[0] += 3600 - 299  # inside the refresh margin: a new token before the old one dies
    await client.get_user(next(iter(sim.users)))
    assert sim.token_requests == 2


async def test_a_token_revoked_early_is_refreshed_once(
    sim: GoogleSimulator, http_client: httpx.AsyncClient
) -> None:
    sim.seed(2)
    client = client_for(sim, http_client)
    await client.get_user(next(iter(sim.users)))
    sim.expire_tokens()
    user = await client.get_user(next(iter(sim.users)))
    assert user["kind"] == "admin#directory#user"
    assert sim.token_requests == 2


async def test_a_key_google_does_not_know_is_refused(
    sim: GoogleSimulator, http_client: httpx.AsyncClient
) -> None:
    creds = sim.credentials()
    creds["service_account_key"] = service_account_key(sim.token_uri, index=1)
    client = DirectoryClient(
        http_client, parse_credentials(creds), tokens=TokenCache(), api_base_url=sim.base_url
    )
    with pytest.raises(GoogleAuthError, match="invalid_grant"):
        await client.get_user("anyone")


async def test_429_is_retried_after_retry_after(sim: GoogleSimulator, http_client: httpx.AsyncClient) -> None:
    sim.seed(5)
    sleeps = Sleeps()
    client = client_for(sim, http_client, sleep=sleeps)
    sim.fail_next(2, status=429, retry_after="3")
    batches = [b async for b, _ in iter_user_batches(client)]
    assert sleeps.delays == [3.0, 3.0]
    assert len(batches[0].changes) == 5
    assert client.retries == 2


async def test_5xx_and_quota_errors_back_off_then_give_up(
    sim: GoogleSimulator, http_client: httpx.AsyncClient
) -> None:
    sim.seed(1)
    sleeps = Sleeps()
    client = client_for(sim, http_client, sleep=sleeps, retry=RetryPolicy(max_attempts=3, base_delay=1))
    sim.fail_next(1, status=403, retry_after=None, reason="userRateLimitExceeded")
    sim.fail_next(5, status=503, retry_after=None, reason="backendError")
    with pytest.raises(GoogleApiError) as caught:
        await client.get_user(next(iter(sim.users)))
    assert caught.value.status == 503
    assert len(sleeps.delays) == 2 and 0.5 <= sleeps.delays[0] <= 1.0 and 1.0 <= sleeps.delays[1] <= 2.0


async def test_a_client_error_is_not_retried(sim: GoogleSimulator, http_client: httpx.AsyncClient) -> None:
    sleeps = Sleeps()
    client = client_for(sim, http_client, sleep=sleeps)
    sim.fail_next(1, status=400, retry_after=None, reason="invalid")
    with pytest.raises(GoogleApiError):
        await client.get_user("x")
    assert sleeps.delays == []


def test_retry_after_as_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 23 Nov 2026 10:00:07 GMT", now) == 7.0
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("soon") is None


async def test_users_are_paged_500_at_a_time(sim: GoogleSimulator, http_client: httpx.AsyncClient) -> None:
    sim.seed(1203)
    client = client_for(sim, http_client)
    pages = [(b, ids) async for b, ids in iter_user_batches(client)]
    assert [len(b.changes) for b, _ in pages] == [500, 500, 203]
    assert len({i for _, ids in pages for i in ids}) == 1203


def test_user_mapping() -> None:
    user = make_user(7, manager_index=3)
    user["suspended"] = True
    upsert = user_to_upsert(user)
    assert upsert.external_id == user["id"] and upsert.username == "user7@example.com"
    assert upsert.state == "suspended"
    assert (upsert.first_name, upsert.last_name, upsert.display_name) == (
        "Given7",
        "Family7",
        "Given7 Family7",
    )
    assert upsert.emails[0].value == "user7@example.com" and upsert.emails[0].primary
    assert [e.value for e in upsert.emails] == ["user7@example.com", "u7@alias.example.com"]
    assert (upsert.job_title, upsert.department, upsert.employee_number) == ("Engineer", "Dept7", "E000007")
    assert upsert.manager_external_id == "user3@example.com"
    assert upsert.raw_attributes["orgUnitPath"] == "/"
    for volatile in ("etag", "lastLoginTime", "kind", "thumbnailPhotoEtag", "primaryEmail", "name"):
        assert volatile not in upsert.raw_attributes
    user["lastLoginTime"] = "2026-11-23T10:00:00.000Z"
    user["etag"] = '"changed"'
    assert user_to_upsert(user) == upsert  # logins alone never make a user.updated


async def test_groups_carry_members_and_nested_groups(
    sim: GoogleSimulator, http_client: httpx.AsyncClient
) -> None:
    sim.seed(4)
    ids = list(sim.users)
    parent, child = sim.add_group(1), sim.add_group(2)
    sim.add_member(parent["id"], ids[0])
    sim.add_member(parent["id"], ids[1])
    sim.add_nested_group(parent["id"], child["id"])
    sim.members[parent["id"]].append(
        {
            "kind": "admin#directory#member",
            "id": "999",
            "email": "ext@other.org",
            "role": "MEMBER",
            "type": "USER",
        }
    )
    client = client_for(sim, http_client)
    [(batch, group_ids)] = [x async for x in iter_group_batches(client, set(ids))]
    assert group_ids == [parent["id"], child["id"]]
    upserts = [c for c in batch.changes if isinstance(c, GroupUpsert)]
    replaces = {c.group.external_id: c for c in batch.changes if isinstance(c, MembershipReplace)}
    assert upserts[0].name == "Group 1"
    assert upserts[0].raw_attributes["nested_groups"] == [
        {"id": child["id"], "email": child["email"], "role": "MEMBER"}
    ]
    assert "directMembersCount" not in upserts[0].raw_attributes
    assert [u.external_id for u in replaces[parent["id"]].users] == sorted(ids[:2])
    assert replaces[child["id"]].users == ()


def test_removal_batches_name_only_what_is_missing() -> None:
    [batch] = removal_batches("user", ["a", "b", "c"], {"b"})
    assert [c.user.external_id for c in batch.changes if isinstance(c, UserRemove)] == ["a", "c"]
    assert removal_batches("group", ["a"], {"a"}) == []
    assert len(removal_batches("user", [str(i) for i in range(1001)], set(), chunk=500)) == 3


def test_push_headers_parse() -> None:
    headers = {
        "x-goog-channel-id": "chan",
        "x-goog-channel-token": "secret",
        "x-goog-resource-state": "update",
        "x-goog-message-number": "42",
        "x-goog-resource-id": "res",
    }
    note = parse_notification(headers, b'{"kind":"admin#directory#user","id":"123","primaryEmail":"a@b.c"}')
    assert (note.user_id, note.message_number, note.is_sync) == ("123", 42, False)
    assert note.source_id == "google:chan:42"
    sync = parse_notification({**headers, "x-goog-resource-state": "sync", "x-goog-message-number": "1"}, b"")
    assert sync.is_sync
    with pytest.raises(InvalidNotification):
        parse_notification({**headers, "x-goog-message-number": "x"}, b"{}")
    with pytest.raises(InvalidNotification):
        parse_notification(headers, b"not json")
    with pytest.raises(InvalidNotification):
        parse_notification({**headers, "x-goog-resource-state": "exists"}, b'{"id": "1"}')
    assert channel_token_matches("secret", hash_channel_token("secret"))
    assert not channel_token_matches("Secret", hash_channel_token("secret"))


async def test_notification_fetches_the_user(sim: GoogleSimulator, http_client: httpx.AsyncClient) -> None:
    sim.seed(2)
    first = next(iter(sim.users))
    sim.update_user(first, suspended=True)
    client = client_for(sim, http_client)
    headers = {"x-goog-channel-id": "c", "x-goog-resource-state": "update", "x-goog-message-number": "5"}
    batch = await changes_for_notification(
        client, parse_notification(headers, f'{{"id":"{first}"}}'.encode())
    )
    [change] = batch.changes
    assert isinstance(change, UserUpsert) and change.state == "suspended"
    sim.delete_user(first)
    batch = await changes_for_notification(
        client, parse_notification(headers, f'{{"id":"{first}"}}'.encode())
    )
    assert batch.changes == (UserRemove(user=batch.changes[0].user),)  # type: ignore[union-attr]
    assert batch.source_id == "google:c:5"


async def test_watch_and_stop_a_channel(sim: GoogleSimulator, http_client: httpx.AsyncClient) -> None:
    client = client_for(sim, http_client)
    channel = await client.watch_users(
        event="update", channel_id="ch1", token="tok", address="https://example.com/hooks/google/dir_1"
    )
    assert channel.resource_id and channel.expires_at() is not None
    assert sim.channels["ch1"].event == "update"
    await client.stop_channel("ch1", channel.resource_id)
    assert sim.channels["ch1"].stopped
    await client.stop_channel("ch1", channel.resource_id)  # already stopped: fine
