"""Delivery figures for ``/metrics``, read from Postgres at scrape time.

Deliveries happen in the worker processes, so the API cannot count them itself; the streams keep
the counters in Postgres and every scrape reads them, which stays right with any number of workers
and survives their restarts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from app.db import Pool
from app.store.delivery import LATENCY_BUCKETS_MS
from app.store.delivery_queries import EndpointStats, endpoint_stats


class DeliveryCollector:
    """Yields the figures of the last refresh (the refresh itself is async, see MetricsController)."""

    def __init__(self) -> None:
        self.stats: list[EndpointStats] = []

    def collect(self) -> Iterator[Any]:
        labels = ["tenant_id", "endpoint_id"]
        delivered = CounterMetricFamily(
            "dirsync_webhook_deliveries", "Webhook requests answered with 2xx", labels=labels
        )
        failed = CounterMetricFamily(
            "dirsync_webhook_failures", "Webhook attempts that failed", labels=labels
        )
        given_up = CounterMetricFamily(
            "dirsync_webhook_given_up", "Events given up after the last retry", labels=labels
        )
        lag = GaugeMetricFamily(
            "dirsync_webhook_stream_lag_seconds",
            "Age of the oldest undelivered event over the endpoint's streams",
            labels=labels,
        )
        enabled = GaugeMetricFamily(
            "dirsync_webhook_endpoint_enabled", "1 if the endpoint is enabled", labels=labels
        )
        latency = HistogramMetricFamily(
            "dirsync_webhook_latency_seconds", "Webhook request latency", labels=labels
        )
        for s in self.stats:
            values = [s.tenant_id, s.endpoint_id]
            delivered.add_metric(values, s.delivered_total)
            failed.add_metric(values, s.failed_total)
            given_up.add_metric(values, s.given_up_total)
            lag.add_metric(values, s.lag_seconds)
            enabled.add_metric(values, 1.0 if s.enabled else 0.0)
            cumulative, buckets = 0, []
            for bound, count in zip([*LATENCY_BUCKETS_MS, float("inf")], s.latency_buckets, strict=False):
                cumulative += count
                buckets.append(("+Inf" if bound == float("inf") else str(bound / 1000), cumulative))
            latency.add_metric(values, buckets, s.latency_sum_ms / 1000)
        yield from (delivered, failed, given_up, lag, enabled, latency)


COLLECTOR = DeliveryCollector()
REGISTRY.register(COLLECTOR)


async def refresh(pool: Pool) -> None:
    """Read the per-endpoint figures the next collection yields."""
    async with pool.acquire() as conn:
        COLLECTOR.stats = await endpoint_stats(conn)
