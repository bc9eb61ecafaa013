"""Webhook delivery: signing, safe outbound HTTP, ordered streams, waking and sweeping."""

from app.store.delivery_queries import directory_events_delivered

__all__ = ["directory_events_delivered"]
