"""Google Workspace: a directory's sync progress, a manual sync, and the push receiver."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import structlog
from arq.connections import ArqRedis
from litestar import Controller, Request, get, post
from litestar.params import FromPath, HeaderParameter

from app.api.deps import Conn, TenantId
from app.api.problems import problem_spec
from app.db import Pool
from app.services import google as google_service
from app.services.google import PushOutcome, SyncStatus

log = structlog.get_logger()


ResourceState = Literal["sync", "add", "update", "delete", "undelete", "makeAdmin"]


class GoogleSyncController(Controller):
    path = "/v1/directories"
    tags = ["google"]

    @get(
        "/{directory_id:str}/sync",
        summary="Sync progress of a Google Workspace directory",
        description="Phase, counts, start and finish times and the last error of the directory's "
        "initial sync or latest reconcile, and how many push channels are live.",
        operation_id="get_google_sync",
    )
    async def read(self, conn: Conn, tenant_id: TenantId, directory_id: FromPath[str]) -> SyncStatus:
        structlog.contextvars.bind_contextvars(directory_id=directory_id)
        return await google_service.get_status(conn, tenant_id, directory_id)

    @post(
        "/{directory_id:str}/sync",
        summary="Start a full sync of a Google Workspace directory now",
        description="Queues a full pass over users and groups (a reconcile once the initial sync is "
        "done). A pass already queued or running is not started twice.",
        operation_id="start_google_sync",
        status_code=202,
    )
    async def start(
        self, request: Request[Any, Any, Any], conn: Conn, tenant_id: TenantId, directory_id: FromPath[str]
    ) -> SyncStatus:
        structlog.contextvars.bind_contextvars(directory_id=directory_id)
        status = await google_service.get_status(conn, tenant_id, directory_id)
        redis: ArqRedis = request.app.state.redis
        await google_service.enqueue_sync(redis, tenant_id, directory_id, full=True)
        return status


class GoogleHookController(Controller):
    path = "/hooks/google"
    tags = ["hooks"]

    @post(
        "/{directory_id:str}",
        summary="Receive a Google users.watch push notification",
        description="Called by Google for the directory's watch channels; authenticated by "
        "X-Goog-Channel-Token. Answers 200 once the change is applied (or was a sync message or a "
        "repeat), 401 for an unknown channel or token, 503 when Google could not be asked for the user "
        "(Google then redelivers).",
        operation_id="receive_google_push",
        status_code=200,
        security=[],
        responses={
            401: problem_spec("Unknown channel, or X-Goog-Channel-Token does not match"),
            503: problem_spec("Google could not be asked for the user; Google redelivers"),
        },
    )
    async def receive(
        self,
        request: Request[Any, Any, Any],
        directory_id: FromPath[str],
        channel_id: Annotated[str, HeaderParameter(name="X-Goog-Channel-ID", max_length=200)],
        resource_state: Annotated[ResourceState, HeaderParameter(name="X-Goog-Resource-State")],
        message_number: Annotated[
            str, HeaderParameter(name="X-Goog-Message-Number", pattern=r"^[0-9]{1,18}$")
        ],
        channel_token: Annotated[
            str | None, HeaderParameter(name="X-Goog-Channel-Token", max_length=500)
        ] = None,
    ) -> PushOutcome:
        """The headers are declared for the API reference; the service reads them from the request."""
        pool: Pool = request.app.state.pool
        headers = {k.lower(): v for k, v in request.headers.items()}
        body = await request.body()
        async with google_service.open_runtime(request.app.state.settings) as runtime:
            return await google_service.handle_push(pool, runtime, directory_id, headers, body)
