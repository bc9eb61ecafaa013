"""REST: a directory's SCIM request log (what the customer's IdP sent and what we answered)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter

from app.api.deps import Conn, TenantId
from app.api.schemas import Page
from app.errors import DirectoryNotFound
from app.schema import Output
from app.store import scim_request_log as log_store


class ScimRequest(Output):
    id: str
    directory_id: str
    method: str
    path: str
    query: str
    status: int
    latency_ms: float
    user_agent: str | None
    request_body: Any
    response_body: Any
    created_at: datetime

    @classmethod
    def from_row(cls, row: log_store.ScimRequestRow) -> ScimRequest:
        return cls(
            id=row.id,
            directory_id=row.directory_id,
            method=row.method,
            path=row.path,
            query=row.query,
            status=row.status,
            latency_ms=row.latency_ms,
            user_agent=row.user_agent,
            request_body=row.request_body,
            response_body=row.response_body,
            created_at=row.created_at,
        )


class ScimRequestController(Controller):
    path = "/v1/directories/{directory_id:str}/scim_requests"
    tags = ["scim"]

    @get(
        "/",
        summary="List the SCIM requests a directory received, newest first",
        description="Bodies have passwords redacted; the Authorization header is never stored. "
        "Entries are kept for DIRSYNC_SCIM_REQUEST_LOG_RETENTION_HOURS.",
        operation_id="list_scim_requests",
    )
    async def list_requests(
        self,
        conn: Conn,
        tenant_id: TenantId,
        directory_id: FromPath[str],
        cursor: FromQuery[str | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    ) -> Page[ScimRequest]:
        if not await log_store.directory_exists(conn, tenant_id, directory_id):
            raise DirectoryNotFound(f"no directory {directory_id}")
        rows = await log_store.list_requests(conn, tenant_id, directory_id, before=cursor, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(data=[ScimRequest.from_row(r) for r in rows], next_cursor=rows[-1].id if more else None)
