"""An endpoint's ``max_rate``, kept across every worker process: one schedule per endpoint in Redis.

Each request to a rate-limited endpoint reserves the next free slot of that endpoint's schedule
(slots are ``1 / max_rate`` seconds apart, on Redis's clock) in one script call, then waits for
it. A slot further away than the caller will wait is not taken: the stream's run ends and looks
again then, holding no job slot meanwhile. Requests to one endpoint are therefore never closer
than ``1 / max_rate`` apart, whichever workers send them. If Redis cannot be reached, each process
falls back to a token bucket of its own (deliveries go on; the limit is then per process).
"""

from __future__ import annotations

import time

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger()

# KEYS: the endpoint's next free slot (microseconds on Redis's clock). ARGV: slot spacing (us),
# the longest wait the caller accepts (us). Returns {1 if reserved else 0, wait in us}.
_RESERVE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
local wait = slot - now
if wait > tonumber(ARGV[2]) then return {0, wait} end
local after = slot + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.ceil((after - now) / 1000) + 1000)
return {1, wait}
"""


def rate_key(tenant_id: str, endpoint_id: str) -> str:
    return f"dirsync:delivery:rate:{tenant_id}:{endpoint_id}"


class TokenBucket:
    """The fallback: a token bucket per endpoint in this process (capacity one second's worth)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.tokens = float(rate)
        self.updated = time.monotonic()

    def reserve(self, max_wait: float) -> tuple[bool, float]:
        """As ``RateLimits.reserve``: a reserved token may be one still to come (tokens < 0)."""
        now = time.monotonic()
        self.tokens = min(float(self.rate), self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        wait = max(0.0, (1 - self.tokens) / self.rate)
        if wait > max_wait:
            return False, wait
        self.tokens -= 1
        return True, wait


class RateLimits:
    def __init__(self, redis: Redis | None) -> None:
        self._script = None if redis is None else redis.register_script(_RESERVE)
        self._buckets: dict[str, TokenBucket] = {}
        self._local = False  # on the fallback since Redis last failed (logged once per outage)

    async def reserve(
        self, tenant_id: str, endpoint_id: str, rate: int, max_wait: float
    ) -> tuple[bool, float]:
        """Take the endpoint's next slot if it is at most ``max_wait`` seconds away.

        Returns (reserved, seconds until the slot): send after that long if reserved, else come
        back then.
        """
        if self._script is not None:
            try:
                reserved, wait_us = await self._script(
                    [rate_key(tenant_id, endpoint_id)], [round(1_000_000 / rate), round(max_wait * 1_000_000)]
                )
            except RedisError as exc:
                if not self._local:
                    log.warning("delivery_rate_limits_local", error=str(exc))
                self._local = True
            else:
                if self._local:
                    log.info("delivery_rate_limits_shared")
                self._local = False
                return bool(reserved), int(wait_us) / 1_000_000
        bucket = self._buckets.get(endpoint_id)
        if bucket is None or bucket.rate != rate:
            bucket = self._buckets[endpoint_id] = TokenBucket(rate)
        return bucket.reserve(max_wait)
