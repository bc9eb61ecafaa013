"""Prefixed ULIDs: ``ten_``, ``dir_``, ``du_``, ``dg_``, ``evt_``, ``we_``, ``key_``."""

from __future__ import annotations

import os
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Every 10-bit value as its two base32 characters: the random part is 8 lookups, not a bit loop.
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]


def new_id(prefix: str) -> str:
    return new_ids(prefix, 1)[0]


def id_floor(prefix: str, milliseconds: int) -> str:
    """The lowest id of that millisecond: every id created earlier sorts below it."""
    return f"{prefix}_{_timestamp_part(milliseconds)}" + "0" * 16


def _timestamp_part(milliseconds: int) -> str:
    chars = []
    for _ in range(10):
        chars.append(_CROCKFORD[milliseconds & 31])
        milliseconds >>= 5
    return "".join(reversed(chars))


_RANDOM_SPAN = 1 << 80
_lock = threading.Lock()
_last = [0, 0]  # the millisecond and the 80-bit random part of the last id handed out


def _next_block(count: int) -> tuple[int, int]:
    """A millisecond and the first of ``count`` consecutive random parts (monotonic ULIDs).

    Within one millisecond the random part counts up from the previous id's, so ids created one
    after the other sort in creation order even when the clock has not moved (or went back); a
    new millisecond starts from fresh randomness (its top bit clear, so counting cannot overflow).
    """
    now = time.time_ns() // 1_000_000
    with _lock:
        last_ms, last_random = _last
        if now > last_ms or last_random + count >= _RANDOM_SPAN:
            ms, start = max(now, last_ms + (now <= last_ms)), int.from_bytes(os.urandom(10)) >> 1
        else:
            ms, start = last_ms, last_random + 1
        _last[0], _last[1] = ms, start + count - 1
    return ms, start


def new_ids(prefix: str, count: int) -> list[str]:
    """``count`` ULIDs, increasing, after every id handed out before: the same format as
    ``new_id``, built in bulk (a 1,000-event batch spends microseconds here instead of tens of
    milliseconds)."""
    ms, start = _next_block(count)
    head = f"{prefix}_{_timestamp_part(ms)}"
    pairs = _PAIRS
    ids = []
    top, top_chars = -1, ""
    for n in range(start, start + count):
        # Consecutive ids share their top 60 bits (12 characters): encode those once per change.
        if n >> 20 != top:
            top = n >> 20
            top_chars = head + "".join([pairs[top >> shift & 1023] for shift in (50, 40, 30, 20, 10, 0)])
        ids.append(top_chars + pairs[n >> 10 & 1023] + pairs[n & 1023])
    return ids
