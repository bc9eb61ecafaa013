"""Webhook endpoints: CRUD, secrets and rotation, test pings, replays, the attempt log."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Any

import msgspec
from arq.connections import ArqRedis

from app import crypto
from app.db import Connection
from app.delivery.http import UnsafeDestination, WebhookSender, check_url, resolve_vetted
from app.delivery.signing import new_secret, redacted, sign_headers
from app.delivery.wake import kick
from app.errors import EventNotFound, UnsafeWebhookUrl, WebhookEndpointNotFound
from app.ids import new_id
from app.services import webhook_secrets
from app.settings import DeliverySettings
from app.store import delivery as delivery_store
from app.store import delivery_queries
from app.store import webhook_endpoint as endpoint_store
from app.store.delivery import AttemptRow
from app.store.webhook_endpoint import EndpointRow


class ReplayLane(msgspec.Struct, kw_only=True):
    id: str
    directory_id: str | None
    from_sequence: int | None = None
    to_sequence: int | None = None
    event_id: str | None = None
    failed_since: datetime | None = None


async def validate_url(url: str, settings: DeliverySettings) -> None:
    """Refuse a malformed URL or a literal unsafe address now; names are vetted at every send
    (their addresses may change, and may not exist yet)."""
    try:
        _, host, port = check_url(url, settings)
        if _is_ip_literal(host):
            await resolve_vetted(host, port, settings)
    except UnsafeDestination as exc:
        raise UnsafeWebhookUrl(str(exc)) from None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def get(conn: Connection, tenant_id: str, endpoint_id: str) -> EndpointRow:
    endpoint = await endpoint_store.get_endpoint(conn, tenant_id, endpoint_id)
    if endpoint is None:
        raise WebhookEndpointNotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


async def list_endpoints(
    conn: Connection, tenant_id: str, *, after: str | None, limit: int
) -> list[EndpointRow]:
    return await endpoint_store.list_endpoints(conn, tenant_id, after=after, limit=limit)


def _clean_ids(fields: dict[str, Any]) -> None:
    # Postgres text cannot hold NUL, and no directory id contains one.
    if fields.get("directory_ids") is not None:
        fields["directory_ids"] = [d.replace("\x00", "") for d in fields["directory_ids"]]


async def create(
    conn: Connection, tenant_id: str, fields: dict[str, Any], settings: DeliverySettings, keys: crypto.Keys
) -> EndpointRow:
    _clean_ids(fields)
    await validate_url(fields["url"], settings)
    endpoint_id = new_id("we")
    stored = webhook_secrets.seal(tenant_id, endpoint_id, webhook_secrets.Secrets(secret=new_secret()), keys)
    return await endpoint_store.insert_endpoint(
        conn,
        tenant_id,
        endpoint_id=endpoint_id,
        url=fields["url"],
        description=fields.get("description", ""),
        enabled=fields.get("enabled", True),
        event_types=fields.get("event_types"),
        directory_ids=fields.get("directory_ids"),
        max_rate=fields.get("max_rate"),
        secret=stored.secret,
        secrets_sealed=stored.secrets_sealed,
        secrets_key_id=stored.secrets_key_id,
    )


async def update(
    conn: Connection,
    redis: ArqRedis,
    tenant_id: str,
    endpoint_id: str,
    changes: dict[str, Any],
    settings: DeliverySettings,
) -> EndpointRow:
    _clean_ids(changes)
    if "url" in changes:
        await validate_url(changes["url"], settings)
    async with conn.transaction():
        before = await get(conn, tenant_id, endpoint_id)
        endpoint = await endpoint_store.update_endpoint(conn, tenant_id, endpoint_id, changes)
        if endpoint is None:
            raise WebhookEndpointNotFound(f"no webhook endpoint {endpoint_id}")
        if endpoint.enabled and not before.enabled:
            await delivery_store.reset_streams(conn, tenant_id, endpoint_id)
    if endpoint.enabled and not before.enabled:
        # Re-enabled: resume every stream from its cursor now.
        await kick_endpoint(conn, redis, tenant_id, endpoint_id)
    return endpoint


async def kick_endpoint(conn: Connection, redis: ArqRedis, tenant_id: str, endpoint_id: str) -> None:
    for stream_id in await delivery_store.streams_of_endpoint(conn, tenant_id, endpoint_id):
        await kick(redis, tenant_id, endpoint_id, stream_id)


async def delete(conn: Connection, tenant_id: str, endpoint_id: str) -> None:
    if not await endpoint_store.delete_endpoint(conn, tenant_id, endpoint_id):
        raise WebhookEndpointNotFound(f"no webhook endpoint {endpoint_id}")


async def reveal_secret(
    conn: Connection, tenant_id: str, endpoint_id: str, keys: crypto.Keys
) -> tuple[EndpointRow, webhook_secrets.Secrets]:
    endpoint = await get(conn, tenant_id, endpoint_id)
    return endpoint, webhook_secrets.open_secrets(endpoint, keys)


async def rotate_secret(
    conn: Connection,
    redis: ArqRedis,
    tenant_id: str,
    endpoint_id: str,
    overlap_seconds: float,
    keys: crypto.Keys,
) -> tuple[EndpointRow, webhook_secrets.Secrets]:
    row, secrets = await webhook_secrets.rotate(
        conn, tenant_id, endpoint_id, new_secret=new_secret(), overlap_seconds=overlap_seconds, keys=keys
    )
    if secrets.previous_secret is None:
        # The old secret did not open, so its streams were held: they resume now, not at their
        # next look (the engine's held retry).
        await kick_endpoint(conn, redis, tenant_id, endpoint_id)
    return row, secrets


async def send_test(
    conn: Connection, tenant_id: str, endpoint_id: str, settings: DeliverySettings, keys: crypto.Keys
) -> AttemptRow:
    """Send a signed ``ping`` now (not part of any stream) and log it as an attempt."""
    endpoint = await get(conn, tenant_id, endpoint_id)
    now = datetime.now(UTC)
    event_id = new_id("evt")
    body = msgspec.json.encode(
        {
            "id": event_id,
            "type": "ping",
            "occurred_at": now,
            "data": {"object": "webhook_endpoint", "id": endpoint.id, "url": endpoint.url},
        }
    )
    secrets = webhook_secrets.signing_secrets(
        endpoint, webhook_secrets.open_secrets(endpoint, keys), now.timestamp()
    )
    headers = sign_headers(secrets, event_id, int(now.timestamp()), body)
    sender = WebhookSender(settings)
    try:
        result = await sender.post(endpoint.url, body, headers)
    finally:
        await sender.aclose()
    return await delivery_store.insert_test_attempt(
        conn,
        tenant_id,
        attempt_id=new_id("att"),
        endpoint_id=endpoint.id,
        event_id=event_id,
        status=result.status,
        latency_ms=result.latency_ms,
        error=result.error,
        response_excerpt=result.response_excerpt,
        request_headers=redacted(headers),
    )


async def replay(
    conn: Connection, redis: ArqRedis, tenant_id: str, endpoint_id: str, request: dict[str, Any]
) -> list[ReplayLane]:
    """Queue a replay as one ordered lane per directory (see docs/webhooks.md#replay).

    A selection that matches nothing (an empty range) queues nothing and answers an empty list.
    """
    await get(conn, tenant_id, endpoint_id)
    _clean_ids(request)
    lanes = await _plan_replay(conn, tenant_id, endpoint_id, request)
    if not lanes:
        return []
    await delivery_store.insert_replay_streams(
        conn,
        tenant_id,
        endpoint_id,
        [
            {
                "id": lane.id,
                "directory_id": lane.directory_id,
                "cursor": (lane.from_sequence or 1) - 1,
                "range_to": lane.to_sequence,
                "failed_since": lane.failed_since,
                "event_id": lane.event_id,
            }
            for lane in lanes
        ],
    )
    for lane in lanes:
        await kick(redis, tenant_id, endpoint_id, lane.id)
    return lanes


async def _plan_replay(
    conn: Connection, tenant_id: str, endpoint_id: str, request: dict[str, Any]
) -> list[ReplayLane]:
    kind = request["kind"]
    if kind == "event":
        position = await delivery_queries.get_event_position(conn, tenant_id, request["event_id"])
        if position is None:
            raise EventNotFound(f"no event {request['event_id']}")
        return [ReplayLane(id=new_id("rpl"), directory_id=position[0], event_id=request["event_id"])]
    if kind == "failed":
        since = request["since"]
        directories, signals = await delivery_queries.given_up_since(conn, tenant_id, endpoint_id, since)
        lanes = [ReplayLane(id=new_id("rpl"), directory_id=d, failed_since=since) for d in directories]
        lanes += [ReplayLane(id=new_id("rpl"), directory_id=None, event_id=e) for e in signals]
        return lanes
    if kind == "range":
        to_sequence = request.get("to_sequence")
        if to_sequence is None:
            # Up to what exists now: later events reach the endpoint through its live stream.
            to_sequence = await delivery_queries.last_sequence(conn, tenant_id, request["directory_id"])
        if to_sequence < request["from_sequence"]:
            return []
        lane = ReplayLane(
            id=new_id("rpl"),
            directory_id=request["directory_id"],
            from_sequence=request["from_sequence"],
            to_sequence=to_sequence,
        )
        return [lane]
    until = request.get("until") or datetime.now(UTC)
    ranges = await delivery_queries.sequence_ranges_by_time(
        conn, tenant_id, directory_ids=request.get("directory_ids"), since=request["since"], until=until
    )
    return [
        ReplayLane(id=new_id("rpl"), directory_id=d, from_sequence=first, to_sequence=last)
        for d, first, last in ranges
    ]


async def list_attempts(
    conn: Connection,
    tenant_id: str,
    endpoint_id: str,
    *,
    event_id: str | None,
    cursor: str | None,
    limit: int,
) -> list[AttemptRow]:
    await get(conn, tenant_id, endpoint_id)
    return await delivery_store.list_attempts(
        conn, tenant_id, endpoint_id, event_id=event_id, before=cursor, limit=limit
    )
