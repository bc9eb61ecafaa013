"""A real HTTP webhook receiver on loopback that verifies every request with `standardwebhooks`."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook

from app.embedded import free_port

Reply = tuple[int, dict[str, str], bytes]
Behaviour = Callable[["Received"], Awaitable[Reply] | Reply]


class Received:
    def __init__(self, headers: dict[str, str], body: bytes) -> None:
        self.headers = headers
        self.body = body
        self.at = time.monotonic()
        self.payload: dict[str, Any] = json.loads(body)

    @property
    def event_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def sequence(self) -> int | None:
        return self.payload.get("sequence")


class Receiver:
    """Records every request; ``behaviour`` decides the reply (default 204)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.secrets: list[str] = []
        self.received: list[Received] = []
        self.answered: list[tuple[Received, int]] = []
        self.unverified: list[str] = []
        self.behaviour: Behaviour | None = None
        self.server = uvicorn.Server(
            uvicorn.Config(
                self._app,
                host="127.0.0.1",
                port=self.port,
                log_config=None,
                access_log=False,
                lifespan="off",
                interface="asgi3",
            )
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> Receiver:
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.005)
        return self

    async def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        if self._task is not None:
            await self._task

    def verify(self, received: Received) -> None:
        """Every configured secret must verify the request on its own (rotation sends both)."""
        if not self.secrets:
            self.unverified.append("no secret configured")
        for secret in self.secrets:
            try:
                Webhook(secret).verify(received.body, received.headers)
            except Exception as exc:
                self.unverified.append(f"{received.event_id}: {exc}")

    def delivered(self) -> list[Received]:
        """Requests answered 2xx, in arrival order."""
        return [r for r, status in self.answered if 200 <= status < 300]

    def delivered_sequences(self, directory_id: str | None = None) -> list[int]:
        return [
            r.sequence
            for r in self.delivered()
            if r.sequence is not None and (directory_id is None or r.payload["directory_id"] == directory_id)
        ]

    def hold(self, sequence: int, directory_id: str | None = None) -> tuple[asyncio.Event, asyncio.Event]:
        """Hold the first request for event ``sequence`` (of ``directory_id``, if given) until
        ``release`` is set; ``in_flight`` is set once it is here. Returns (in_flight, release);
        every other request is answered 204 at once."""
        in_flight, release = asyncio.Event(), asyncio.Event()

        async def behaviour(request: Received) -> Reply:
            ours = directory_id is None or request.payload["directory_id"] == directory_id
            if request.sequence == sequence and ours and not release.is_set():
                in_flight.set()
                await release.wait()
            return 204, {}, b""

        self.behaviour = behaviour
        return in_flight, release

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        received = Received(headers, body)
        self.received.append(received)
        self.verify(received)
        status, extra, reply = 204, {}, b""
        if self.behaviour is not None:
            outcome = self.behaviour(received)
            status, extra, reply = await outcome if asyncio.iscoroutine(outcome) else outcome  # type: ignore[misc]
        self.answered.append((received, status))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in extra.items()],
            }
        )
        await send({"type": "http.response.body", "body": reply})


async def wait_for(
    condition: Callable[[], bool | Awaitable[bool]], timeout: float = 15.0, what: str = "condition"
) -> None:
    """Poll ``condition`` (plain or async) until true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = condition()
        if not isinstance(answer, bool):
            answer = await answer
        if answer:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def assert_in_order(receiver: Receiver, directory_id: str, expected: list[int]) -> None:
    """Every request for sequence N came after N-1 was answered 2xx (or given up, if ``expected``
    skips it), and the first 2xx of each sequence came in ``expected`` order."""
    seen: list[int] = []
    for received, status in receiver.answered:
        if received.payload.get("directory_id") != directory_id or received.sequence is None:
            continue
        earlier = [s for s in expected if s < received.sequence]
        assert all(s in seen for s in earlier), (
            f"sequence {received.sequence} sent before {earlier} delivered"
        )
        if 200 <= status < 300 and received.sequence not in seen:
            seen.append(received.sequence)
    assert seen == expected, seen
    assert receiver.unverified == []
