"""Delivery fixtures: receivers on loopback, an in-process arq worker with a tiny retry schedule."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import msgspec
import pytest
from arq.worker import Worker

from app.settings import Settings
from app.worker import make_worker
from tests.delivery.receiver import Receiver

FAST = {
    "retry_schedule": [0.05, 0.1, 0.1],
    "retry_jitter": 0.0,
    "lease_seconds": 2.0,
    "sweep_interval": 1,
}


def delivery_settings(settings: Settings, **overrides: Any) -> Settings:
    delivery = msgspec.structs.replace(settings.delivery, **{**FAST, **overrides})
    return msgspec.structs.replace(settings, delivery=delivery)


class Workers:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.running: list[tuple[Worker, asyncio.Task[None]]] = []

    async def start(
        self, *, poll_delay: float = 0.01, max_jobs: int = 50, **delivery_overrides: Any
    ) -> Worker:
        worker = make_worker(
            delivery_settings(self.settings, **delivery_overrides),
            poll_delay=poll_delay,
            max_jobs=max_jobs,
            handle_signals=False,
        )
        task = asyncio.create_task(worker.async_run())
        self.running.append((worker, task))
        # Wait until it is listening for commits.
        while "delivery_listener" not in worker.ctx:
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        return worker

    async def stop(self, worker: Worker) -> None:
        """Stop abruptly: running jobs are cancelled mid-request, as if the process died."""
        for entry in list(self.running):
            if entry[0] is worker:
                self.running.remove(entry)
                # A dead process starts nothing more: neither the poll nor the commit listener.
                worker.allow_pick_jobs = False
                # Kill the jobs mid-request (as a dead process would), then let arq's own
                # bookkeeping settle so no Redis pipeline is left half-used.
                for job in list(worker.job_tasks.values()):
                    job.cancel()
                await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
                await worker.close()
                entry[1].cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await entry[1]

    async def stop_all(self) -> None:
        for worker, _ in list(self.running):
            await self.stop(worker)


@pytest.fixture
async def workers(settings: Settings, redis: Any) -> AsyncIterator[Workers]:
    pool = Workers(settings)
    yield pool
    await pool.stop_all()


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[[], Awaitable[Receiver]]]:
    started: list[Receiver] = []

    async def make() -> Receiver:
        receiver = await Receiver().start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        await receiver.stop()


@pytest.fixture
async def endpoints(
    http: httpx.AsyncClient, pool: Any
) -> AsyncIterator[Callable[..., Awaitable[dict[str, Any]]]]:
    """Create an endpoint through the API for a receiver; the receiver learns its secret."""
    tenants: set[str] = set()

    async def make(tenant: Any, receiver: Receiver, **fields: Any) -> dict[str, Any]:
        response = await http.post(
            "/v1/webhook_endpoints", json={"url": receiver.url, **fields}, headers=tenant.headers
        )
        assert response.status_code == 201, response.text
        endpoint = response.json()
        secret = await http.get(f"/v1/webhook_endpoints/{endpoint['id']}/secret", headers=tenant.headers)
        receiver.secrets = [secret.json()["secret"]]
        tenants.add(tenant.id)
        return endpoint

    yield make
    # Leave nothing for later tests' workers to retry.
    async with pool.acquire() as conn:
        await conn.execute(
            "UPDATE webhook_endpoints SET enabled = false WHERE tenant_id = ANY ($1)", list(tenants)
        )
