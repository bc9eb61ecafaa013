"""Loopback webhook receivers for bench/fanout.py: one process, one port per endpoint.

A minimal HTTP/1.1 keep-alive server on asyncio (uvicorn cost more CPU per request than the
delivery path it measures). Each POST is answered ``204`` at once and its receipt time recorded
with the ``webhook-id`` and the port; ``GET /stats`` returns the receipts so far and forgets them.
Signatures are not checked here: the delivery tests verify every request with `standardwebhooks`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

RECEIPTS: list[tuple[str, str, float]] = []
SEEN: set[tuple[str, str]] = set()  # distinct (webhook-id, port): progress without the receipts
_NO_CONTENT = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"


class _Receiver(asyncio.Protocol):
    def __init__(self, port: int) -> None:
        self.port = str(port)
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self._answer(lines[0], headers)

    def _answer(self, request_line: str, headers: dict[str, str]) -> None:
        assert self.transport is not None
        if request_line.startswith("GET /count"):
            body = str(len(SEEN)).encode()
            self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            return
        if request_line.startswith("GET"):
            body = json.dumps(RECEIPTS).encode()
            RECEIPTS.clear()
            SEEN.clear()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                % (len(body), body)
            )
            return
        webhook_id = headers.get("webhook-id", "")
        RECEIPTS.append((webhook_id, self.port, time.time()))
        SEEN.add((webhook_id, self.port))
        self.transport.write(_NO_CONTENT)


async def main(ports: list[int]) -> None:
    loop = asyncio.get_running_loop()
    for port in ports:
        await loop.create_server(lambda p=port: _Receiver(p), "127.0.0.1", port, backlog=1024)
    await asyncio.Event().wait()


if __name__ == "__main__":
    # Plain asyncio whatever the worker runs on: the receivers are the fixed part of the setup.
    asyncio.run(main([int(p) for p in sys.argv[1:]]))
