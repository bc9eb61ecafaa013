"""Prometheus metrics (request counts and latency from the middleware; later areas add theirs)."""

from __future__ import annotations

from litestar import Response, get
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest


@get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    operation_id="metrics",
    media_type="text/plain",
    sync_to_thread=False,
)
def metrics() -> Response[bytes]:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
