"""CPU placement for benches that compare a sender against its ceiling on one small machine.

The process under test (the worker, or the ceiling's bare client) gets the first CPU to itself;
everything else (the receivers, Postgres, Redis, the bench's own committing) runs on the
others. Both sides of a comparison then run the same way, and as they would in a deployment,
where the worker does not share its core with the database. Left to the scheduler on a 2-core
VM, the worker, Postgres and the receivers took turns on both cores, and the worker's CPU per
delivery swung from 56 to 96 microseconds between runs of the same code.

That placement is for comparing throughput only. The latency phases run with every process free
to use every CPU (``spread``): crowding Postgres, Redis, the receivers and the committing onto one
core of two queues them behind each other, which no deployment does. On a slow 2-core VM that
took the p99 at 2,000 deliveries/s from 8 to 10 ms (free) to 112 to 274 ms (pinned).

Pinning needs Linux and at least two usable CPUs. Server processes (the Postgres server's and
Redis's) are moved only where the bench may (root, or the same user), and put back as they were
at the end. ``BENCH_PIN=0`` turns it all off.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def _cpus() -> list[int]:
    if not hasattr(os, "sched_getaffinity"):
        return []
    return sorted(os.sched_getaffinity(0))


class Pinning:
    def __init__(self) -> None:
        cpus = _cpus()
        self.enabled = os.environ.get("BENCH_PIN", "1") != "0" and len(cpus) >= 2
        self.sender = set(cpus[:1])
        self.rest = set(cpus[1:])
        self.servers_pinned: list[str] = []
        self._restore: dict[int, set[int]] = {}
        # What ``place`` puts back after ``spread``: (pid, with its children, CPUs).
        self._placed: dict[int, tuple[bool, set[int]]] = {}

    def describe(self) -> dict[str, object]:
        if not self.enabled:
            return {"enabled": False}
        return {
            "enabled": True,
            "sender_cpus": sorted(self.sender),
            "rest_cpus": sorted(self.rest),
            "servers_pinned": self.servers_pinned,
            "latency_phases": "every CPU",
        }

    def _pin(self, pid: int, cpus: set[int], *, restore: bool) -> bool:
        """Every thread of ``pid`` onto ``cpus``; False if not allowed or gone."""
        try:
            threads = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            threads = [pid]
        try:
            for tid in threads:
                if restore:
                    self._restore.setdefault(tid, os.sched_getaffinity(tid))
                os.sched_setaffinity(tid, cpus)
        except OSError:
            return False
        return True

    def preexec(self) -> None:
        """For ``subprocess.Popen(preexec_fn=...)`` of the process under test."""
        if self.enabled:
            os.sched_setaffinity(0, self.sender)

    def sender_process(self, pid: int) -> None:
        """Remember a process started with ``preexec`` (the worker), for ``spread`` and ``place``."""
        if self.enabled:
            self._placed[pid] = (False, self.sender)

    def as_sender(self) -> None:
        """This process (the ceiling's client) onto the sender's CPU."""
        if self.enabled:
            self._pin(os.getpid(), self.sender, restore=False)
            self._placed[os.getpid()] = (False, self.sender)

    def as_rest(self, pid: int | None = None) -> None:
        """A helper process (default: this one) onto the other CPUs."""
        if self.enabled:
            pid = os.getpid() if pid is None else pid
            self._pin(pid, self.rest, restore=False)
            self._placed[pid] = (False, self.rest)

    def spread(self) -> None:
        """Every process placed so far onto every CPU (for the latency phases), until ``place``."""
        if self.enabled:
            for pid, (with_children, _cpus) in self._placed.items():
                for p in [pid, *(_children(pid) if with_children else [])]:
                    self._pin(p, self.sender | self.rest, restore=False)

    def place(self) -> None:
        """Every process back where it was placed (after ``spread``)."""
        if self.enabled:
            for pid, (with_children, cpus) in self._placed.items():
                for p in [pid, *(_children(pid) if with_children else [])]:
                    self._pin(p, cpus, restore=False)

    def server(self, name: str, pid: int, *, with_children: bool) -> None:
        """A server (and, for Postgres, every process of it) onto the other CPUs, until ``undo``.

        New Postgres backends inherit the postmaster's CPUs, so connections made later follow.
        """
        if not self.enabled:
            return
        pids = [pid, *(_children(pid) if with_children else [])]
        pinned = [self._pin(p, self.rest, restore=True) for p in pids]  # each one, not up to a failure
        if all(pinned):
            self.servers_pinned.append(name)
            self._placed[pid] = (with_children, self.rest)

    def undo(self) -> None:
        self._placed.clear()
        for tid, cpus in self._restore.items():
            with contextlib.suppress(OSError):
                os.sched_setaffinity(tid, cpus)
        self._restore.clear()


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])
    except (OSError, ValueError):
        return None
