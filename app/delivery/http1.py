"""A small HTTP/1.1 client for webhook POSTs: keep-alive connections on asyncio streams.

It does only what delivery needs, and so costs a fraction of a general client per request:
it connects to the address it is given (the caller has vetted it; the URL's host goes in the
``Host`` header and in TLS SNI), never follows redirects, reads at most ``max_body`` bytes of a
response (``Content-Length``, chunked, or until close) and keeps a connection for reuse only
when the response was read to its end. Time limits are the caller's (``asyncio.timeout``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from typing import Final

import msgspec

# Longest status line plus headers accepted from a receiver.
MAX_HEAD_BYTES: Final = 64 * 1024
# An idle connection older than this is closed rather than reused (servers drop idle ones).
IDLE_SECONDS: Final = 20.0
MAX_IDLE_PER_TARGET: Final = 64


class ProtocolError(Exception):
    """The receiver's answer is not HTTP/1.x we can read."""


class Response(msgspec.Struct, kw_only=True):
    status: int
    headers: dict[str, str]
    body: bytes


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """Where to connect (a vetted address) and what to say (Host header, SNI name)."""

    scheme: str
    address: str
    port: int
    host_header: str
    sni: str | None


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = time.monotonic()

    def usable(self) -> bool:
        fresh = time.monotonic() - self.idle_since < IDLE_SECONDS
        return fresh and not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


def _tls_context() -> ssl.SSLContext:
    try:
        import certifi  # optional: without it, the system's CA store

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:
        return ssl.create_default_context()


class Http1Client:
    """Keep-alive connections per target; one request at a time on each connection."""

    def __init__(self, *, connect_timeout: float, max_body: int, tls: ssl.SSLContext | None = None) -> None:
        self.connect_timeout = connect_timeout
        self.max_body = max_body
        self._idle: dict[Target, list[_Connection]] = {}
        self._tls = tls  # None: the default context (certifi's or the system's CAs), made on first use

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def post(self, target: Target, path: str, headers: dict[str, str], body: bytes) -> Response:
        request = _request_bytes(path, target.host_header, headers, body)
        connection = self._take_idle(target)
        if connection is not None:
            try:
                return await self._exchange(target, connection, request)
            except (ConnectionError, asyncio.IncompleteReadError):
                # The server closed the kept-alive connection before reading the request: it was
                # never processed, so send it once more on a new connection.
                connection.close()
        return await self._exchange(target, await self._connect(target), request)

    def _take_idle(self, target: Target) -> _Connection | None:
        connections = self._idle.get(target)
        while connections:
            connection = connections.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _connect(self, target: Target) -> _Connection:
        tls: ssl.SSLContext | None = None
        if target.scheme == "https":
            tls = self._tls = self._tls or _tls_context()
        async with asyncio.timeout(self.connect_timeout):
            reader, writer = await asyncio.open_connection(
                target.address,
                target.port,
                ssl=tls,
                server_hostname=target.sni if tls is not None else None,
                limit=MAX_HEAD_BYTES,
            )
        return _Connection(reader, writer)

    async def _exchange(self, target: Target, connection: _Connection, request: bytes) -> Response:
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            response, reusable = await self._read_response(connection.reader)
        except BaseException:
            connection.close()
            raise
        if reusable:
            connection.idle_since = time.monotonic()
            idle = self._idle.setdefault(target, [])
            if len(idle) < MAX_IDLE_PER_TARGET:
                idle.append(connection)
                return response
        connection.close()
        return response

    async def _read_response(self, reader: asyncio.StreamReader) -> tuple[Response, bool]:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                raise ProtocolError("response headers too large") from None
            version, status, headers = _parse_head(head)
            if status >= 200 or status == 101:
                break  # 1xx interim answers (100 Continue) are skipped
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        if status in (204, 304):
            return Response(status=status, headers=headers, body=b""), keep_alive
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, complete = await self._read_chunked(reader)
        elif "content-length" in headers:
            body, complete = await self._read_length(reader, headers["content-length"])
        else:
            body, complete = await _read_until_close(reader, self.max_body), False
        return Response(status=status, headers=headers, body=body), keep_alive and complete

    async def _read_length(self, reader: asyncio.StreamReader, value: str) -> tuple[bytes, bool]:
        try:
            length = int(value)
        except ValueError:
            raise ProtocolError("bad content-length") from None
        if length > self.max_body:
            return await _read_until_close(reader, self.max_body), False
        return await reader.readexactly(length), True

    async def _read_chunked(self, reader: asyncio.StreamReader) -> tuple[bytes, bool]:
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ProtocolError("bad chunk size") from None
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                return bytes(body), True
            if len(body) + size > self.max_body:
                body += await _read_until_close(reader, self.max_body - len(body))
                return bytes(body), False
            body += await reader.readexactly(size)
            await reader.readexactly(2)


def _request_bytes(path: str, host_header: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"host: {host_header}", f"content-length: {len(body)}"]
    for name, value in headers.items():
        if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
            raise ValueError(f"header {name!r} contains a line break")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _parse_head(head: bytes) -> tuple[str, int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return parts[0], int(parts[1]), headers


async def _read_until_close(reader: asyncio.StreamReader, limit: int) -> bytes:
    """Up to ``limit`` bytes, fewer if the connection ends first."""
    body = bytearray()
    while len(body) < limit:
        chunk = await reader.read(limit - len(body))
        if not chunk:
            break
        body += chunk
    return bytes(body)
