"""`dirsync dev --google-demo`: a Google Workspace simulator and a demo directory synced from it.

The simulator lives in the test tree (``tests/google_sim``), so this works from a source checkout
only. Each start replaces the previous demo directory (the simulator's data and keys are
in-memory, so the old directory could no longer reach it).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from pathlib import Path
from typing import Any

import msgspec
import structlog
from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool

from app.db import connect
from app.errors import DirsyncError
from app.services import directory as directory_service
from app.services import google as google_service
from app.services.directory import DirectoryCreate
from app.settings import Settings

log = structlog.get_logger()
REPO = Path(__file__).resolve().parents[1]


class GoogleDemo(msgspec.Struct):
    directory_id: str
    simulator_url: str
    simulator: Any = None


def _simulator_class() -> Any:
    if not (REPO / "tests" / "google_sim").is_dir():
        raise SystemExit("--google-demo needs a source checkout (the simulator is tests/google_sim)")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("tests.google_sim").GoogleSimulator


async def start_google_demo(settings: Settings, tenant_id: str, state_file: Path) -> GoogleDemo:
    """Start the simulator (25 users, 3 groups) and a Google directory for the demo tenant; queue its sync."""
    sim = _simulator_class()()
    sim.seed(25, groups=3, members_per_group=5)
    await sim.start()
    conn = await connect(settings.database.url or "")
    try:
        if state_file.exists():
            previous = msgspec.json.decode(state_file.read_bytes(), type=GoogleDemo)
            with contextlib.suppress(DirsyncError):
                await directory_service.delete_directory(conn, tenant_id, previous.directory_id)
        directory, _token = await directory_service.create_directory(
            conn,
            tenant_id,
            DirectoryCreate(
                name="Google demo (simulator)",
                provider="google",
                settings={"api_base_url": sim.base_url},
                credentials=sim.credentials(),
            ),
            keys=settings.encryption_keys(),
        )
    finally:
        await conn.close()
    demo = GoogleDemo(directory_id=directory.id, simulator_url=sim.base_url)
    state_file.write_bytes(msgspec.json.encode(demo))
    redis = ArqRedis(pool_or_conn=ConnectionPool.from_url(settings.redis.url or ""))
    try:
        await google_service.enqueue_sync(redis, tenant_id, directory.id, full=True)
    finally:
        await redis.aclose()
    demo.simulator = sim
    log.info("google_demo_started", directory_id=directory.id, simulator=sim.base_url)
    return demo


async def stop_google_demo(demo: GoogleDemo) -> None:
    if demo.simulator is not None:
        await demo.simulator.stop()
