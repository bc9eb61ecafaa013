"""The runner of long-lived processes: uvloop where available, a collector tuned for a server."""

from __future__ import annotations

import json
import subprocess
import sys

import uvloop

from app.loop import GC_YOUNG_THRESHOLD, new_event_loop

_PROBE = """
import gc, json
from app.loop import tune_gc
before = gc.get_threshold()
tune_gc()
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": gc.get_freeze_count()}))
"""


def test_the_collector_is_tuned_for_a_long_running_process() -> None:
    # In a process of its own: freezing the collector here would change when this one collects.
    probe = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(probe.stdout)

    assert seen["after"] == [GC_YOUNG_THRESHOLD, *seen["before"][1:]]
    assert seen["frozen"] > 0  # what start-up made is out of the collector's sight


def test_the_loop_is_uvloop_unless_asked_for_asyncio() -> None:
    for choice, expected in (("auto", uvloop.Loop), ("asyncio", None)):
        loop = new_event_loop(choice)  # type: ignore[arg-type]
        try:
            assert isinstance(loop, expected) if expected else not isinstance(loop, uvloop.Loop)
        finally:
            loop.close()
