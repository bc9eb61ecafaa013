"""Loopback webhook receivers for bench/fanout.py: one uvicorn process, one port per endpoint.

Each request is answered 204 at once and its receipt time recorded; GET /stats returns them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import uvicorn

RECEIPTS: list[tuple[str, str, float]] = []


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "GET":
        payload = json.dumps(RECEIPTS).encode()
        RECEIPTS.clear()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": payload})
        return
    now = time.time()
    event_id = next((v.decode() for k, v in scope["headers"] if k == b"webhook-id"), "")
    RECEIPTS.append((event_id, str(scope["server"][1]), now))  # one port per endpoint
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def main(ports: list[int]) -> None:
    servers = [
        uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=p, log_config=None, access_log=False, lifespan="off")
        )
        for p in ports
    ]
    await asyncio.gather(*(s.serve() for s in servers))


if __name__ == "__main__":
    asyncio.run(main([int(p) for p in sys.argv[1:]]))
