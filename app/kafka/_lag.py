"""Relay lag for the API's ``/metrics``: read from Postgres at scrape time.

The relay runs in a worker, which Prometheus does not scrape; the cursor and the event log are in
Postgres, so any API process can tell how far behind the relay is (and a dead relay shows as
growing lag instead of a missing series).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge, generate_latest

from app.db import Connection
from app.store import kafka_relay as store

_REGISTRY = CollectorRegistry(auto_describe=True)
_EVENTS = Gauge(
    "dirsync_kafka_relay_lag_events",
    "Committed events the Kafka relay has not yet had acknowledged by the broker",
    registry=_REGISTRY,
)
_AGE = Gauge(
    "dirsync_kafka_relay_lag_seconds",
    "Age of the oldest event not yet acknowledged by the broker (0 when caught up)",
    registry=_REGISTRY,
)
_RELAYED = Gauge(
    "dirsync_kafka_relay_relayed_events",
    "Events acknowledged by the broker since the relay cursor was created",
    registry=_REGISTRY,
)
_UPDATED = Gauge(
    "dirsync_kafka_relay_cursor_updated_timestamp_seconds",
    "When the relay last advanced its cursor (unix time)",
    registry=_REGISTRY,
)


async def render_lag_metrics(conn: Connection, name: str = "default") -> bytes:
    lag = await store.get_lag(conn, name)
    _EVENTS.set(lag.events)
    _AGE.set(lag.oldest_age_seconds)
    _RELAYED.set(lag.relayed)
    _UPDATED.set(lag.cursor_updated_at.timestamp() if lag.cursor_updated_at else 0)
    return bytes(generate_latest(_REGISTRY))
