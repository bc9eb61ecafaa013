"""Run one relay in its own process until killed (the crash test SIGKILLs it)."""

from __future__ import annotations

import asyncio
import sys

from app.kafka import KafkaRelay
from app.settings import load_settings


async def main(name: str) -> None:
    relay = KafkaRelay(load_settings(), name=name, max_backoff=0.5)
    await relay.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
