"""Prometheus metrics (request counts and latency from the middleware; later areas add theirs)."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from app.api.deps import Conn, SettingsDep
from app.delivery import metrics as delivery_metrics
from app.kafka import render_lag_metrics


@get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    operation_id="metrics",
    media_type="text/plain",
)
async def metrics(conn: Conn, app_settings: SettingsDep, state: State) -> Response[bytes]:
    await delivery_metrics.refresh(state.pool)
    body = generate_latest(REGISTRY)
    if app_settings.kafka.bootstrap_servers:
        body += await render_lag_metrics(conn)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
