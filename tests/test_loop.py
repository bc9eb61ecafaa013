"""The runner of long-lived processes: uvloop where available, a collector tuned for a server."""

from __future__ import annotations

import gc

import uvloop

from app.loop import GC_YOUNG_THRESHOLD, new_event_loop, tune_gc


def test_the_collector_is_tuned_for_a_long_running_process() -> None:
    threshold = gc.get_threshold()
    try:
        tune_gc()

        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, threshold[1], threshold[2])
        assert gc.get_freeze_count() > 0  # what start-up made is out of the collector's sight
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_loop_is_uvloop_unless_asked_for_asyncio() -> None:
    for choice, expected in (("auto", uvloop.Loop), ("asyncio", None)):
        loop = new_event_loop(choice)  # type: ignore[arg-type]
        try:
            assert isinstance(loop, expected) if expected else not isinstance(loop, uvloop.Loop)
        finally:
            loop.close()
