"""Webhook fan-out: 10 endpoints x 20 directories, loopback receivers, next to the ceiling.

Phase 1 (throughput): commit BENCH_EVENTS events (default 20,000) across 20 directories as fast
as the database takes them; every event goes to 10 endpoints. Deliveries/s = deliveries / time
from the first commit to the last receipt. Commit-to-receipt = receipt time minus the time the
committing transaction returned.

Phase 2 (latency): commit single events, round-robin over the directories, for BENCH_SECONDS
(default 10) and report commit-to-receipt p50/p99, at two rates:
- "steady": BENCH_RATE events/s (default 200), each fanned out to all 10 endpoints, so 2,000
  deliveries/s. This is how we read the issue's "200 events/s": events committed, not requests.
- "steady_low": BENCH_RATE / 10 events/s (default 20), so 200 deliveries/s: the same target read
  as 200 webhook requests/s.
The percentiles are given over the whole phase and over the commits after its first second.
A phase starts warm when the previous one ended less than the worker's linger (2 s) before.

Phase 3 (cold start): all streams idle (their jobs ended), then one commit to each of the 20
directories at once, so 200 streams start through the queue together; p50 and max.

Ceiling ("baseline"): the same HTTP client as the worker (app.delivery.http.WebhookSender)
posting the same bodies to the same receivers, 64 in flight, no queue and no database, on the
same event loop. It is measured twice, before phase 1 on the quiet box and after the worker's
phases (BENCH_CEILING_BODIES bodies x 10 endpoints each time), and the higher is the baseline.
"ratio" = phase-1 deliveries/s / baseline. Next to it, CPU time per request: the worker
process(es) during phase 1 and the ceiling's client. On a shared machine whose CPU is taken
away at times (steal), rates swing by a third between runs while these barely move.

Receivers (bench/_fanout_receiver.py) are a minimal asyncio HTTP/1.1 keep-alive server that only
records receipt times; signature verification is the delivery tests' job (`standardwebhooks`).
Knobs: BENCH_WORKERS (worker processes, default 1), BENCH_EVENTS, BENCH_RATE, BENCH_SECONDS,
BENCH_CEILING_BODIES, BENCH_REDIS_URL (a Redis database no other worker reads; the bench flushes
it), BENCH_PROFILE (run the first worker under cProfile into that file), and any
DIRSYNC_DELIVERY_* setting for the workers.

The worker runs as its own process (`dirsync worker`), as do the receivers; Postgres and Redis
are the local ones or embedded. CPU placement (bench/_pinning.py): the process under test (the
worker, or the ceiling's client) runs on the first CPU, everything else (receivers, Postgres,
Redis, this script's committing) on the others, as in a deployment where the worker does not share
its core with the database. That holds for the ceiling and phase 1; phases 2 and 3 (latency) run
with every process free to use every CPU. BENCH_PIN=0 leaves placement to the scheduler
throughout. Prints one JSON line last.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis.asyncio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db import connect
from app.delivery.http import WebhookSender
from app.delivery.signing import new_secret, sign_headers
from app.embedded import ensure_database, free_port, start_local_services
from app.ids import new_id
from app.loop import run as run_loop
from app.settings import DeliverySettings
from app.store.migration import apply_migrations
from bench._pinning import Pinning, parent_of
from tests.delivery.factories import user_created

WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "20000"))
RATE = int(os.environ.get("BENCH_RATE", "200"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ENDPOINTS = 10
DIRECTORIES = 20
BATCH = 50  # events per commit in phase 1
CONCURRENCY = 64
LOOP = "asyncio" if os.environ.get("DIRSYNC_EVENT_LOOP") == "asyncio" else "auto"
CEILING_BODIES = int(os.environ.get("BENCH_CEILING_BODIES", "3000"))  # x 10 endpoints
CEILING_CPU_US: list[float] = []  # the ceiling client's CPU per request, per measurement


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request_us(before: list[float | None], after: list[float | None], requests: int) -> float | None:
    if None in before or None in after or not requests:
        return None
    used = sum(a - b for a, b in zip(after, before, strict=True))  # type: ignore[operator]
    return round(used / requests * 1e6, 1)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))] * 1000, 2)


async def commit_events(conn, tenant_id: str, directory_id: str, count: int) -> list[tuple[str, str]]:
    """Append events the way the store does; returns [(event id, body)] once committed."""
    out = []
    async with conn.transaction():
        last = await conn.fetchval(
            "SELECT last_sequence FROM directories WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            tenant_id,
            directory_id,
        )
        rows = []
        now = datetime.now(UTC)
        for sequence in range(last + 1, last + count + 1):
            event_id = new_id("evt")
            body = user_created(directory_id, sequence, event_id, now).decode()
            rows.append((tenant_id, event_id, directory_id, sequence, "user.created", now, now, body))
            out.append((event_id, body))
        await conn.executemany(
            """
            INSERT INTO events (tenant_id, id, directory_id, sequence, type, occurred_at, recorded_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            rows,
        )
        await conn.execute(
            "UPDATE directories SET last_sequence = $3 WHERE tenant_id = $1 AND id = $2",
            tenant_id,
            directory_id,
            last + count,
        )
        payload = json.dumps({"tenant_id": tenant_id, "directory_id": directory_id, "sequence": last + count})
        await conn.execute("SELECT pg_notify('dirsync_events', $1)", payload)
    return out


async def receipts(ports: list[int]) -> list[tuple[str, str, float]]:
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.get(f"http://127.0.0.1:{ports[0]}/stats")
        return [tuple(r) for r in response.json()]


async def wait_for_receipts(ports, expected: int, timeout: float) -> list[tuple[str, str, float]]:
    """Poll a cheap count (the receipts themselves are fetched once, at the end, so the harness
    takes next to no CPU from the worker while it runs)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=60) as client:
        while time.monotonic() < deadline:
            count = int((await client.get(f"http://127.0.0.1:{ports[0]}/count")).text)
            print(f"  receipts {count}/{expected}", file=sys.stderr)
            if count >= expected:
                break
            await asyncio.sleep(0.25)
    return await receipts(ports)


async def ceiling(urls: list[str], bodies: list[tuple[str, str]], secret: str) -> float:
    """The worker's own sender posting the same bodies, same receivers, no queue, no database."""
    sender = WebhookSender(DeliverySettings(allow_http=True, allow_loopback=True))
    work = [(url, event_id, body.encode()) for event_id, body in bodies for url in urls]
    position = 0

    async def one() -> None:
        nonlocal position
        while position < len(work):
            url, event_id, body = work[position]
            position += 1
            headers = sign_headers([secret], event_id, int(time.time()), body)
            result = await sender.post(url, body, headers)
            assert result.ok, result

    started, cpu_started = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one() for _ in range(CONCURRENCY)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    await sender.aclose()
    CEILING_CPU_US.append(cpu / len(work) * 1e6)
    return len(work) / elapsed


async def steady_rate(
    conn, tenant_id: str, directories: list[str], ports: list[int], rate: int, worker_pids: list[int]
) -> dict:
    """Commit one event at a time at ``rate`` events/s for SECONDS; commit-to-receipt percentiles,
    and the worker's CPU per delivery over the phase (commits to the last receipt)."""
    committed_at: dict[str, float] = {}
    cpu_before = [cpu_seconds(pid) for pid in worker_pids]
    interval = 1 / rate
    began = next_at = time.perf_counter()
    began_wall = time.time()
    print(f"steady rate {rate} events/s from {began_wall:.3f}", file=sys.stderr)
    for n in range(rate * SECONDS):
        batch = await commit_events(conn, tenant_id, directories[n % DIRECTORIES], 1)
        committed_at[batch[0][0]] = time.time()
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    achieved = len(committed_at) / (time.perf_counter() - began)
    got = await wait_for_receipts(ports, len(committed_at) * ENDPOINTS, timeout=600)
    worker_cpu_us = cpu_per_request_us(cpu_before, [cpu_seconds(pid) for pid in worker_pids], len(got))
    latencies = [t - committed_at[e] for e, _, t in got if e in committed_at]
    if os.environ.get("BENCH_DUMP"):  # a file: (seconds into the phase, latency) per delivery
        with open(f"{os.environ['BENCH_DUMP']}.{rate}", "w") as dump:
            for e, _, t in got:
                if e in committed_at:
                    dump.write(f"{committed_at[e] - began_wall:.3f} {t - committed_at[e]:.4f}\n")
    # The phase starts with every stream idle (their jobs ended after phase 1): its first
    # commits wake 200 streams through the queue at once. After the first second the streams
    # are warm, which is what a steady rate means; both figures are reported.
    warm = [t - committed_at[e] for e, _, t in got if e in committed_at and committed_at[e] - began_wall >= 1]
    return {
        "events_per_s": round(achieved),
        "deliveries_per_s": round(achieved * ENDPOINTS),
        "deliveries": len(latencies),
        "commit_to_receipt_p50_ms": pct(latencies, 0.5) if latencies else None,
        "commit_to_receipt_p99_ms": pct(latencies, 0.99) if latencies else None,
        "commit_to_receipt_max_ms": pct(latencies, 1.0) if latencies else None,
        "after_first_second_p50_ms": pct(warm, 0.5) if warm else None,
        "after_first_second_p99_ms": pct(warm, 0.99) if warm else None,
        "worker_cpu_us_per_delivery": worker_cpu_us,
    }


async def cold_start(conn, tenant_id: str, directories: list[str], ports: list[int]) -> dict:
    """Every stream idle (its job ended after lingering), then one commit to each directory at
    once: 200 streams start through the queue together. Commit-to-receipt of those deliveries."""
    linger = float(os.environ.get("DIRSYNC_DELIVERY_LINGER_SECONDS", "2.0"))
    await asyncio.sleep(linger + 1.5)
    print("cold start", file=sys.stderr)
    committed_at: dict[str, float] = {}
    for directory_id in directories:
        batch = await commit_events(conn, tenant_id, directory_id, 1)
        committed_at[batch[0][0]] = time.time()
    got = await wait_for_receipts(ports, len(committed_at) * ENDPOINTS, timeout=60)
    latencies = [t - committed_at[e] for e, _, t in got if e in committed_at]
    return {
        "deliveries": len(latencies),
        "commit_to_receipt_p50_ms": pct(latencies, 0.5),
        "commit_to_receipt_max_ms": pct(latencies, 1.0),
    }


async def main() -> None:
    # A Redis of our own (BENCH_REDIS_URL): a shared one may have other workers on the same queue.
    services = await start_local_services(
        Path(tempfile.mkdtemp()), database_url=None, redis_url=os.environ.get("BENCH_REDIS_URL")
    )
    if os.environ.get("BENCH_REDIS_URL"):
        # Ours alone: jobs a previous run left (their streams are gone) would cost every poll.
        flush = redis.asyncio.Redis.from_url(services.redis_url)
        await flush.flushdb()
        await flush.aclose()
    admin = await connect(services.database_url)
    await admin.execute('DROP DATABASE IF EXISTS "dirsync_bench_fanout" WITH (FORCE)')
    await admin.close()
    db_url = await ensure_database(services.database_url, "dirsync_bench_fanout")
    conn = await connect(db_url)
    pin = Pinning()
    postmaster = parent_of(await conn.fetchval("SELECT pg_backend_pid()"))
    if postmaster is not None:
        pin.server("postgres", postmaster, with_children=True)
    probe = redis.asyncio.Redis.from_url(services.redis_url)
    pin.server("redis", int((await probe.info("server"))["process_id"]), with_children=False)
    await probe.aclose()
    pin.as_rest()
    await apply_migrations(conn)
    tenant_id = new_id("ten")
    await conn.execute("INSERT INTO tenants (id, name) VALUES ($1, 'bench')", tenant_id)
    ports = [free_port() for _ in range(ENDPOINTS)]
    urls = [f"http://127.0.0.1:{p}/hook" for p in ports]
    secret = new_secret()
    for url in urls:
        await conn.execute(
            "INSERT INTO webhook_endpoints (tenant_id, id, url, secret) VALUES ($1, $2, $3, $4)",
            tenant_id,
            new_id("we"),
            url,
            secret,
        )
    directories = [new_id("dir") for _ in range(DIRECTORIES)]
    for directory_id in directories:
        await conn.execute(
            "INSERT INTO directories (tenant_id, id, name, provider) VALUES ($1, $2, 'bench', 'scim')",
            tenant_id,
            directory_id,
        )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")},
        "DIRSYNC_DATABASE_URL": db_url,
        "DIRSYNC_REDIS_URL": services.redis_url,
        "DIRSYNC_LOG_LEVEL": "warning",
        "DIRSYNC_DELIVERY_ALLOW_HTTP": "true",
        "DIRSYNC_DELIVERY_ALLOW_LOOPBACK": "true",
        **{k: v for k, v in os.environ.items() if k.startswith("DIRSYNC_DELIVERY_")},
    }
    receiver = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_fanout_receiver.py")), *map(str, ports)],
        stderr=subprocess.DEVNULL,
    )
    pin.as_rest(receiver.pid)
    profile = os.environ.get("BENCH_PROFILE")  # a file: the (first) worker runs under cProfile
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                *(["-m", "cProfile", "-o", profile] if profile and i == 0 else []),
                "-m",
                "app.cli",
                "worker",
            ],
            env=env,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            preexec_fn=pin.preexec,
        )
        for i in range(WORKERS)
    ]
    for worker in workers:
        pin.sender_process(worker.pid)
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(500):
                try:
                    await client.get(f"http://127.0.0.1:{ports[-1]}/stats")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
        await asyncio.sleep(2)  # the worker's LISTEN connection

        # Ceiling, first measurement: on the quiet box, with bodies shaped like phase 1's.
        print("ceiling (before)", file=sys.stderr)
        now = datetime.now(UTC)
        shaped = []
        for n in range(CEILING_BODIES):
            event_id = new_id("evt")
            shaped.append(
                (event_id, user_created(directories[n % DIRECTORIES], n + 1, event_id, now).decode())
            )
        pin.as_sender()
        ceiling_before = await ceiling(urls, shaped, secret)
        pin.as_rest()
        await receipts(ports)

        # Phase 1: throughput.
        committed_at: dict[str, float] = {}
        all_bodies: list[tuple[str, str]] = []
        started = time.time()
        worker_cpu_before = [cpu_seconds(w.pid) for w in workers]
        per_directory = EVENTS // DIRECTORIES
        for _ in range(per_directory // BATCH):
            for directory_id in directories:
                batch = await commit_events(conn, tenant_id, directory_id, BATCH)
                now = time.time()
                for event_id, _body in batch:
                    committed_at[event_id] = now
                all_bodies += batch
        commit_seconds = time.time() - started
        expected = len(committed_at) * ENDPOINTS
        got = await wait_for_receipts(ports, expected, timeout=1800)
        worker_cpu_us = cpu_per_request_us(worker_cpu_before, [cpu_seconds(w.pid) for w in workers], expected)
        last = max(t for _, _, t in got)
        unique = {(e, p) for e, p, _ in got}
        throughput = len(unique) / (last - started)
        lat1 = [t - committed_at[e] for e, _, t in got if e in committed_at]

        # Phase 2: latency at steady rates of single-event commits, every process free to use every
        # CPU (the placement is for comparing throughput; see bench/_pinning.py).
        pin.spread()
        pids = [w.pid for w in workers]
        steady = await steady_rate(conn, tenant_id, directories, ports, RATE, pids)
        steady_low = await steady_rate(conn, tenant_id, directories, ports, max(1, RATE // ENDPOINTS), pids)
        cold = await cold_start(conn, tenant_id, directories, ports)

        # Ceiling, second measurement: same client, the same bodies as phase 1, same receivers,
        # no queue, no database, on the box as the worker's phases left it. The ratio is taken
        # against the higher of the two.
        print("ceiling (after)", file=sys.stderr)
        sample = random.Random(1).sample(all_bodies, min(len(all_bodies), CEILING_BODIES))
        pin.place()
        pin.as_sender()
        ceiling_after = await ceiling(urls, sample, secret)
        pin.as_rest()
        ceiling_rps = max(ceiling_before, ceiling_after)
        await receipts(ports)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        receiver.terminate()
        receiver.wait()
        await conn.close()
        pin.undo()
        services.stop()
    print(
        json.dumps(
            {
                "bench": "fanout",
                "workers": WORKERS,
                "event_loop": LOOP,
                "events": len(committed_at),
                "deliveries": len(unique),
                "deliveries_expected": expected,
                "commit_seconds": round(commit_seconds, 2),
                "deliveries_per_s": round(throughput),
                "throughput_commit_to_receipt_p50_ms": pct(lat1, 0.5),
                "throughput_commit_to_receipt_p99_ms": pct(lat1, 0.99),
                "steady": steady,
                "steady_low": steady_low,
                "cold_start": cold,
                "baseline": round(ceiling_rps),
                "baseline_before": round(ceiling_before),
                "baseline_after": round(ceiling_after),
                "baseline_what": "same sender, bodies and receivers, 64 in flight, no queue, no DB; "
                "the higher of a run before and a run after the worker's phases",
                "ratio": round(throughput / ceiling_rps, 3),
                # CPU time per request, which a busy or shared machine disturbs far less than
                # wall-clock rates: the worker process(es) in phase 1 (up to a poll of the last
                # receipt), and the ceiling's client (the lower of its two runs).
                "worker_cpu_us_per_delivery": worker_cpu_us,
                "ceiling_cpu_us_per_request": round(min(CEILING_CPU_US), 1),
                "pinning": pin.describe(),
            }
        )
    )


if __name__ == "__main__":
    # The same event loop as the worker (DIRSYNC_EVENT_LOOP, default uvloop), so the ceiling's
    # client runs exactly as the worker's does.
    run_loop(main(), LOOP)
