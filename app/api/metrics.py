"""Prometheus metrics (request counts and latency from the middleware; later areas add theirs)."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from app.delivery import metrics as delivery_metrics


@get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    operation_id="metrics",
    media_type="text/plain",
)
async def metrics(state: State) -> Response[bytes]:
    await delivery_metrics.refresh(state.pool)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
