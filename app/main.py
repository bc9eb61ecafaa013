"""The Litestar application factory."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator, Sequence
from contextlib import asynccontextmanager

import msgspec
from arq.connections import ArqRedis
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, ScalarRenderPlugin
from litestar.openapi.spec import Components, Schema, SecurityScheme, Tag
from litestar.plugins.prometheus import PrometheusConfig
from litestar.routes import HTTPRoute
from litestar.types import ControllerRouterHandler
from redis.asyncio import ConnectionPool

from app import __version__
from app.api.admin import AdminTenantController
from app.api.deps import connection_middleware, provide_conn, provide_settings, provide_tenant_id
from app.api.directories import DirectoryController
from app.api.events import EventController
from app.api.google import GoogleHookController, GoogleSyncController
from app.api.health import healthz, readyz
from app.api.metrics import metrics
from app.api.middleware import (
    options_allow_middleware,
    request_context_middleware,
    strict_slash_middleware,
)
from app.api.problems import EXCEPTION_HANDLERS, problem_spec
from app.api.scim import document_scim_errors, scim_aware, scim_router
from app.api.scim_requests import ScimRequestController
from app.api.tenant import TenantController
from app.api.webhook_endpoints import WebhookEndpointController
from app.db import create_pool
from app.services.event_hub import EventHub
from app.settings import Settings, SettingsError

API_DESCRIPTION = """\
dirsync turns every way an identity provider reports a change (SCIM 2.0, Okta, Microsoft Entra ID,
Google Workspace) into one ordered, replayable stream of events per directory, delivered as signed
webhooks. Authenticate with `Authorization: Bearer dsk_...`. Errors are RFC 9457 problem details.
"""

# Routers that need the tenant's API key. Later areas append their controllers here.
V1_CONTROLLERS: list[type] = [
    TenantController,
    DirectoryController,
    EventController,
    GoogleSyncController,
    ScimRequestController,
    WebhookEndpointController,
]


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="dirsync",
        version=__version__,
        description=API_DESCRIPTION,
        path="/docs",
        render_plugins=[ScalarRenderPlugin(path="/"), JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "apiKey": SecurityScheme(
                    type="http", scheme="bearer", description="A tenant API key (dsk_...)"
                ),
                "scimToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A directory's SCIM token (Basic: token as password)",
                ),
                "operatorToken": SecurityScheme(
                    type="http", scheme="bearer", description="The operator token (DIRSYNC_OPERATOR_TOKEN)"
                ),
            }
        ),
        tags=[
            Tag(name="tenant", description="The calling tenant and its API keys"),
            Tag(name="directories", description="Directories, their users, groups and members"),
            Tag(name="events", description="The ordered event stream, per directory or tenant-wide"),
            Tag(name="admin", description="Operator API: tenants"),
            Tag(name="operations", description="Health and metrics"),
            Tag(name="google", description="Google Workspace directories: sync progress"),
            Tag(name="hooks", description="Push receivers called by identity providers"),
            Tag(name="scim", description="SCIM 2.0 service provider per directory (RFC 7643/7644)"),
            Tag(name="webhooks", description="Webhook endpoints, secrets, replay and the attempt log"),
        ],
    )


def create_app(
    settings: Settings, *, extra_route_handlers: Sequence[ControllerRouterHandler] = ()
) -> Litestar:
    """Build the app; ``extra_route_handlers`` lets tests mount probes (e.g. a route that crashes)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        if not settings.database.url:
            raise SettingsError("DIRSYNC_DATABASE_URL is required (or run `dirsync dev`)")
        if not settings.redis.url:
            raise SettingsError("DIRSYNC_REDIS_URL is required (or run `dirsync dev`)")
        pool = await create_pool(settings)
        redis = ArqRedis(pool_or_conn=ConnectionPool.from_url(settings.redis.url))
        app.state.pool = pool
        app.state.redis = redis
        # One shared LISTEN connection for Events API long-polls, opened on first use.
        app.state.event_hub = EventHub(settings.database.url)
        try:
            yield
        finally:
            await app.state.event_hub.close()
            await redis.aclose()
            await pool.close()

    v1 = Router(
        path="/",
        route_handlers=V1_CONTROLLERS,
        dependencies={"tenant_id": Provide(provide_tenant_id)},
        security=[{"apiKey": []}],
    )
    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            AdminTenantController,
            v1,
            scim_router(),
            GoogleHookController,
            metrics,
            *extra_route_handlers,
        ],
        dependencies={
            "conn": Provide(provide_conn),
            # Not "settings": a body field of that name (directories) would collide with it in litestar.
            "app_settings": Provide(provide_settings, sync_to_thread=False),
        },
        exception_handlers={
            **EXCEPTION_HANDLERS,
            HTTPException: scim_aware(EXCEPTION_HANDLERS[HTTPException]),
        },
        middleware=[
            request_context_middleware,
            strict_slash_middleware,
            connection_middleware,
            options_allow_middleware,
            PrometheusConfig(
                app_name="dirsync",
                prefix="dirsync",
                group_path=True,
                exclude=["/metrics"],
                exclude_unhandled_paths=True,
            ).middleware,
        ],
        openapi_config=openapi_config(),
        lifespan=[lifespan],
        request_max_body_size=settings.http.max_body_bytes,
        state=_initial_state(settings),
        debug=False,
    )
    document_problems(app)
    document_scim_errors(app)
    forbid_unknown_fields_in_schema(app)
    return app


def _struct_classes(base: type[msgspec.Struct]) -> Iterator[type[msgspec.Struct]]:
    for cls in base.__subclasses__():
        yield cls
        yield from _struct_classes(cls)


def forbid_unknown_fields_in_schema(app: Litestar) -> None:
    """Mark request Structs that refuse unknown fields with ``additionalProperties: false``.

    Litestar leaves them open, so generated clients and fuzzers would send extras we reject.
    """
    strict = {
        cls.__name__ for cls in _struct_classes(msgspec.Struct) if cls.__struct_config__.forbid_unknown_fields
    }
    components = app.openapi_schema.components
    for name, schema in (components.schemas or {}).items():
        if name in strict and isinstance(schema, Schema):
            schema.additional_properties = False


def document_problems(app: Litestar) -> None:
    """Describe every REST error response as problem details in the OpenAPI document.

    Litestar documents validation errors with its own exception shape; ours is RFC 9457, so each
    handler gets explicit responses (handler-declared ones win). SCIM routes document their own.
    """
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(("/scim", "/docs")):
            continue
        for handler in route.route_handlers:
            codes = {400: "Invalid request (body, query or path)", 500: "Internal error (no internals shown)"}
            if handler.resolve_security():
                codes[401] = "Missing, malformed, unknown or revoked credentials"
            if "{" in route.path or route.path.startswith("/v1/"):
                codes[404] = "No such resource for this tenant"
            if "{" in route.path:
                # An empty path parameter collapses onto the parent route, which may not allow the method.
                codes[405] = "Method not allowed (for example an empty id in the path)"
            if route.path.startswith("/v1/") and handler.http_methods & {"POST", "PUT", "PATCH", "DELETE"}:
                codes[409] = "Conflicts with the current state (e.g. the directory is being deleted)"
            if handler.http_methods & {"POST", "PUT", "PATCH"}:
                codes[413] = "Body larger than DIRSYNC_HTTP_MAX_BODY_BYTES"
            problems = {code: problem_spec(text) for code, text in codes.items()}
            handler.responses = {**problems, **(handler.responses or {})}


def _initial_state(settings: Settings) -> State:
    return State({"settings": settings})


__all__ = ["create_app"]
