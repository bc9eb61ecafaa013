"""The webhook HTTP/1.1 client against raw loopback servers: framing, bounds and keep-alive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from app.delivery.http import WebhookSender
from app.settings import DeliverySettings

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
SETTINGS = DeliverySettings(allow_http=True, allow_loopback=True, max_response_bytes=2048)


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length"))
    return head + await reader.readexactly(length)


class RawServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Handler], Awaitable[tuple[RawServer, str]]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> tuple[RawServer, str]:
        raw = RawServer(handler)
        server = await asyncio.start_server(raw._serve, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return raw, f"http://127.0.0.1:{port}/hook?x=1"

    yield start
    for server in servers:
        server.close()


async def test_keeps_the_connection_alive_between_requests(raw_server) -> None:
    async def handler(reader, writer) -> None:
        while True:
            raw.requests.append(await read_request(reader))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")

    raw, url = await raw_server(handler)
    sender = WebhookSender(SETTINGS)
    try:
        results = [await sender.post(url, b'{"n":%d}' % n, {"webhook-id": "evt_1"}) for n in range(3)]
    finally:
        await sender.aclose()
    assert [r.status for r in results] == [200, 200, 200]
    assert results[0].response_excerpt == "ok"
    assert raw.connections == 1
    first = raw.requests[0]
    assert first.startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert b"\r\nwebhook-id: evt_1\r\n" in first and first.endswith(b'{"n":0}')


async def test_reads_chunked_answers_and_bounds_them(raw_server) -> None:
    async def handler(reader, writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        await read_request(reader)
        writer.write(b"HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n")
        for _ in range(100):
            writer.write(b"400\r\n" + b"x" * 1024 + b"\r\n")  # far more than the bound, never ends
        await writer.drain()
        await asyncio.sleep(5)

    _, url = await raw_server(handler)
    sender = WebhookSender(SETTINGS)
    try:
        small = await sender.post(url, b"{}", {})
        big = await asyncio.wait_for(sender.post(url, b"{}", {}), 2)
    finally:
        await sender.aclose()
    assert small.status == 500 and small.response_excerpt == "hello" and small.error == "HTTP 500"
    assert big.status == 500 and big.response_excerpt == "x" * 1024


async def test_a_kept_connection_the_server_dropped_is_replaced(raw_server) -> None:
    async def handler(reader, writer) -> None:
        raw.requests.append(await read_request(reader))
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await writer.drain()
        # ...and the server closes this keep-alive connection, as idle servers do.

    raw, url = await raw_server(handler)
    sender = WebhookSender(SETTINGS)
    try:
        first = await sender.post(url, b"{}", {})
        await asyncio.sleep(0.05)
        second = await sender.post(url, b"{}", {})
    finally:
        await sender.aclose()
    assert (first.status, second.status) == (204, 204)
    assert raw.connections == 2 and len(raw.requests) == 2


async def test_garbage_and_early_close_are_errors(raw_server) -> None:
    async def handler(reader, writer) -> None:
        await read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")

    _, url = await raw_server(handler)
    sender = WebhookSender(SETTINGS)
    try:
        garbage = await sender.post(url, b"{}", {})
        refused = await sender.post("http://127.0.0.1:9/hook", b"{}", {})
    finally:
        await sender.aclose()
    assert garbage.status is None and "HTTP/1.x" in (garbage.error or "")
    assert refused.status is None and refused.error
