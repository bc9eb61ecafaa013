"""Outbound safety: https only, no private/loopback/link-local targets, pinned address, no redirects."""

from __future__ import annotations

import asyncio

import pytest

from app.delivery.http import UnsafeDestination, WebhookSender, check_url, resolve_vetted
from app.settings import DeliverySettings

STRICT = DeliverySettings()
HTTP_ONLY = DeliverySettings(allow_http=True)
LOOPBACK = DeliverySettings(allow_http=True, allow_loopback=True)


def test_https_is_required_unless_allowed() -> None:
    with pytest.raises(UnsafeDestination, match="https"):
        check_url("http://example.com/hook", STRICT)
    assert check_url("http://example.com/hook", HTTP_ONLY) == ("http", "example.com", 80)
    assert check_url("https://example.com:8443/x", STRICT) == ("https", "example.com", 8443)
    for bad in ("ftp://example.com/", "https:///nohost", "https://user:pw@example.com/"):
        with pytest.raises(UnsafeDestination):
            check_url(bad, STRICT)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.9.9.9",
        "[::1]",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "[fe80::1]",
        "[fc00::1]",
        "224.0.0.1",
        "[ff02::1]",
        "0.0.0.0",
        "240.0.0.1",
        "100.64.0.1",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
    ],
)
async def test_non_public_addresses_are_refused(host: str) -> None:
    with pytest.raises(UnsafeDestination):
        await resolve_vetted(host, 443, STRICT)


async def test_a_hostname_resolving_to_loopback_is_refused() -> None:
    with pytest.raises(UnsafeDestination, match="loopback"):
        await resolve_vetted("localhost", 443, STRICT)
    assert (await resolve_vetted("localhost", 443, LOOPBACK)).is_loopback
    assert not (await resolve_vetted("8.8.8.8", 443, STRICT)).is_private


async def test_sender_refuses_loopback_by_name_and_sends_nothing(receivers) -> None:
    receiver = await receivers()
    sender = WebhookSender(HTTP_ONLY)
    try:
        result = await sender.post(f"http://localhost:{receiver.port}/hook", b"{}", {})
    finally:
        await sender.aclose()
    assert result.status is None and result.error is not None and "loopback" in result.error
    assert receiver.received == []


async def test_connects_to_the_vetted_address_keeping_the_host_header(receivers) -> None:
    receiver = await receivers()
    sender = WebhookSender(LOOPBACK)
    try:
        target, host_header, sni = await sender.pinned_request(f"http://localhost:{receiver.port}/hook?a=1")
        assert target.startswith(("http://127.0.0.1:", "http://[::1]:")) and target.endswith("/hook?a=1")
        assert host_header == f"localhost:{receiver.port}" and sni is None
        _, _, https_sni = await sender.pinned_request("https://localhost/hook")
        assert https_sni == "localhost"
        result = await sender.post(receiver.url, b'{"a":1}', {"webhook-id": "evt_1"})
    finally:
        await sender.aclose()
    assert result.status == 204
    assert receiver.received[0].headers["host"] == f"127.0.0.1:{receiver.port}"


async def test_redirects_are_not_followed_and_bodies_are_bounded(receivers) -> None:
    receiver = await receivers()
    receiver.behaviour = lambda r: (
        (302, {"location": "http://169.254.169.254/"}, b"")
        if r.payload.get("redirect")
        else (500, {}, b"x" * 5_000_000)
    )
    sender = WebhookSender(DeliverySettings(allow_http=True, allow_loopback=True, max_response_bytes=10_000))
    try:
        redirected = await sender.post(receiver.url, b'{"redirect": true}', {})
        big = await sender.post(receiver.url, b"{}", {})
    finally:
        await sender.aclose()
    assert redirected.status == 302 and not redirected.ok
    assert len(receiver.received) == 2
    assert big.status == 500 and big.response_excerpt is not None and len(big.response_excerpt) == 1024


async def test_timeouts_are_errors_not_hangs(receivers) -> None:
    import asyncio

    receiver = await receivers()
    gate = asyncio.Event()

    async def slow(_r):
        await gate.wait()
        return 200, {}, b""

    receiver.behaviour = slow
    sender = WebhookSender(DeliverySettings(allow_http=True, allow_loopback=True, total_timeout=0.3))
    try:
        result = await sender.post(receiver.url, b"{}", {})
    finally:
        gate.set()
        await sender.aclose()
    assert result.status is None and result.error is not None and "timeout" in result.error


async def test_api_refuses_unsafe_urls(tenant, http) -> None:
    for url in ("https://10.0.0.1/hook", "https://169.254.169.254/latest", "http://127.0.0.1:0/"):
        response = await http.post("/v1/webhook_endpoints", json={"url": url}, headers=tenant.headers)
        assert response.status_code == 400, url
        expected = "validation-error" if url.endswith(":0/") else "unsafe-webhook-url"
        assert response.json()["type"].endswith(expected), url
    for url in ("ftp://example.com/x", "https://user:pw@example.com/", "https://[::1]/"):
        response = await http.post("/v1/webhook_endpoints", json={"url": url}, headers=tenant.headers)
        assert response.status_code == 400, url


async def test_a_name_resolving_to_loopback_is_refused_at_send_time(
    pool, tenant, workers, receivers, endpoints, settings
) -> None:
    """Accepted at creation (names are vetted when sending), refused by a worker without loopback."""
    from tests.delivery.factories import append_events, make_directory

    receiver = await receivers()
    receiver.url = f"http://localhost:{receiver.port}/hook"
    endpoint = await endpoints(tenant, receiver)
    await workers.start(allow_loopback=False)
    directory_id = await make_directory(pool, tenant.id)
    await append_events(pool, tenant.id, directory_id, 1)
    rows: list = []

    async def attempts() -> list:
        async with pool.acquire() as conn:
            return await conn.fetch(
                "SELECT error FROM delivery_attempts WHERE tenant_id = $1 AND endpoint_id = $2",
                tenant.id,
                endpoint["id"],
            )

    for _ in range(500):
        rows = await attempts()
        if rows:
            break
        await asyncio.sleep(0.01)
    assert rows and "refused" in rows[0]["error"] and "loopback" in rows[0]["error"]
    assert receiver.received == []
