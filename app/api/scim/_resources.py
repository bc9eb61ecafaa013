"""SCIM Users and Groups endpoints (RFC 7644 §3.3-3.6): thin handlers over ``app.services.scim``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from app.api.deps import Conn, SettingsDep
from app.api.scim._responses import Projection, list_response, scim_response
from app.api.scim.deps import ScimAuth
from app.scim import mapping
from app.scim.errors import ScimError
from app.scim.search import parse_search
from app.services import scim as scim_service
from app.services.directory import DirectoryAuth
from app.settings import Settings

Filter = Annotated[str | None, QueryParameter(name="filter", description="RFC 7644 §3.4.2.2 filter")]
StartIndex = Annotated[
    int, QueryParameter(name="startIndex", description="1-based index of the first result")
]
Count = Annotated[int | None, QueryParameter(name="count", description="Page size (at most maxResults)")]
SortBy = Annotated[str | None, QueryParameter(name="sortBy")]
SortOrder = Annotated[str | None, QueryParameter(name="sortOrder", description="ascending or descending")]
Attributes = Annotated[str | None, QueryParameter(name="attributes")]
Excluded = Annotated[str | None, QueryParameter(name="excludedAttributes")]
Resource = JSONBody[dict[str, Any]]
PatchBody = JSONBody[dict[str, Any]]
SearchBody = JSONBody[dict[str, Any]]
_SEARCH_DESCRIPTION = (
    "RFC 7644 §3.4.3: the query parameters of the GET list as a SearchRequest body "
    '(`{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": …, '
    '"attributes": [...], "startIndex": 1, "count": 10}`); answers a ListResponse.'
)


def base_url(settings: Settings, auth: DirectoryAuth) -> str:
    return f"{settings.base_url()}/scim/v2/{auth.directory_id}"


def list_query(
    settings: Settings,
    filter_: str | None,
    start: int,
    count: int | None,
    sort_by: str | None,
    order: str | None,
) -> scim_service.ListQuery:
    if order is not None and order.lower() not in ("ascending", "descending"):
        raise ScimError(400, "sortOrder must be ascending or descending", "invalidValue")
    limit = settings.scim.max_results
    return scim_service.ListQuery(
        filter=filter_,
        start_index=max(start, 1),  # RFC 7644 §3.4.2.4: values below 1 mean 1
        count=min(max(count, 0), limit) if count is not None else min(100, limit),
        sort_by=sort_by,
        descending=order is not None and order.lower() == "descending",
    )


def _etag_headers(row: dict[str, Any], location: str | None = None) -> dict[str, str]:
    headers = {"ETag": mapping.etag(row["version"])}
    if location:
        headers["Location"] = location
    return headers


def _not_modified(request: Request[Any, Any, Any], row: dict[str, Any]) -> bool:
    header = request.headers.get("if-none-match")
    return header is not None and scim_service.version_matches(row["version"], header)


async def _user_list(
    conn: Conn, auth: DirectoryAuth, settings: Settings, query: scim_service.ListQuery, projection: Projection
) -> Response[bytes]:
    total, rows = await scim_service.list_users(conn, auth, query)
    groups = {}
    if rows and projection.wants("groups"):
        groups = await scim_service.user_groups(conn, auth, [r["id"] for r in rows])
    base = base_url(settings, auth)
    resources = [
        projection.apply(mapping.user_to_scim(r, f"{base}/Users/{r['id']}", groups.get(r["id"])))
        for r in rows
    ]
    return scim_response(list_response(resources, total, query.start_index))


async def _group_list(
    conn: Conn, auth: DirectoryAuth, settings: Settings, query: scim_service.ListQuery, projection: Projection
) -> Response[bytes]:
    total, rows = await scim_service.list_groups(conn, auth, query)
    members = {}
    if rows and projection.wants("members"):
        members = await scim_service.group_members(conn, auth, [r["id"] for r in rows])
    base = base_url(settings, auth)
    resources = [
        projection.apply(mapping.group_to_scim(r, f"{base}/Groups/{r['id']}", members.get(r["id"])))
        for r in rows
    ]
    return scim_response(list_response(resources, total, query.start_index))


class UsersController(Controller):
    path = "/Users"

    def _location(self, settings: Settings, auth: DirectoryAuth, row: dict[str, Any]) -> str:
        return f"{base_url(settings, auth)}/Users/{row['id']}"

    async def _render(
        self, conn: Conn, auth: DirectoryAuth, settings: Settings, row: dict[str, Any], projection: Projection
    ) -> dict[str, Any]:
        groups = row.get("groups")
        if groups is None and projection.wants("groups"):
            groups = (await scim_service.user_groups(conn, auth, [row["id"]]))[row["id"]]
        resource = mapping.user_to_scim(row, f"{base_url(settings, auth)}/Users/{row['id']}", groups)
        return projection.apply(resource)

    @get("/", summary="List or filter users", operation_id="scim_list_users")
    async def list_users(
        self,
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        filter_: Filter = None,
        start_index: StartIndex = 1,
        count: Count = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        query = list_query(app_settings, filter_, start_index, count, sort_by, sort_order)
        projection = Projection.parse(attributes, excluded_attributes)
        return await _user_list(conn, scim_auth, app_settings, query, projection)

    @post(
        "/.search",
        summary="Search users (POST)",
        description=_SEARCH_DESCRIPTION,
        operation_id="scim_search_users",
        status_code=200,
    )
    async def search_users(
        self, conn: Conn, scim_auth: ScimAuth, app_settings: SettingsDep, data: SearchBody
    ) -> Response[bytes]:
        search = parse_search(data)
        query = list_query(
            app_settings, search.filter, search.start_index, search.count, search.sort_by, search.sort_order
        )
        projection = Projection.parse(search.attributes, search.excluded_attributes)
        return await _user_list(conn, scim_auth, app_settings, query, projection)

    @post("/", summary="Create a user", operation_id="scim_create_user", status_code=201)
    async def create_user(
        self,
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        data: Resource,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.create_user(conn, scim_auth, data)
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 201, _etag_headers(row, self._location(app_settings, scim_auth, row)))

    @get("/{user_id:str}", summary="Read a user", operation_id="scim_get_user")
    async def get_user(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        user_id: FromPath[str],
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.get_user(conn, scim_auth, user_id)
        if _not_modified(request, row):
            return Response(b"", status_code=304, headers={"ETag": mapping.etag(row["version"])})
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @put("/{user_id:str}", summary="Replace a user", operation_id="scim_replace_user")
    async def replace_user(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        user_id: FromPath[str],
        data: Resource,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.replace_user(conn, scim_auth, user_id, data, request.headers.get("if-match"))
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @patch("/{user_id:str}", summary="Patch a user", operation_id="scim_patch_user")
    async def patch_user(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        user_id: FromPath[str],
        data: PatchBody,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.patch_user(conn, scim_auth, user_id, data, request.headers.get("if-match"))
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @delete("/{user_id:str}", summary="Delete a user", operation_id="scim_delete_user", status_code=204)
    async def delete_user(
        self, request: Request[Any, Any, Any], conn: Conn, scim_auth: ScimAuth, user_id: FromPath[str]
    ) -> None:
        await scim_service.delete_user(conn, scim_auth, user_id, request.headers.get("if-match"))


class GroupsController(Controller):
    path = "/Groups"

    def _location(self, settings: Settings, auth: DirectoryAuth, row: dict[str, Any]) -> str:
        return f"{base_url(settings, auth)}/Groups/{row['id']}"

    async def _render(
        self, conn: Conn, auth: DirectoryAuth, settings: Settings, row: dict[str, Any], projection: Projection
    ) -> dict[str, Any]:
        members = None
        if projection.wants("members"):
            members = (await scim_service.group_members(conn, auth, [row["id"]]))[row["id"]]
        resource = mapping.group_to_scim(row, f"{base_url(settings, auth)}/Groups/{row['id']}", members)
        return projection.apply(resource)

    @get("/", summary="List or filter groups", operation_id="scim_list_groups")
    async def list_groups(
        self,
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        filter_: Filter = None,
        start_index: StartIndex = 1,
        count: Count = None,
        sort_by: SortBy = None,
        sort_order: SortOrder = None,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        query = list_query(app_settings, filter_, start_index, count, sort_by, sort_order)
        projection = Projection.parse(attributes, excluded_attributes)
        return await _group_list(conn, scim_auth, app_settings, query, projection)

    @post(
        "/.search",
        summary="Search groups (POST)",
        description=_SEARCH_DESCRIPTION,
        operation_id="scim_search_groups",
        status_code=200,
    )
    async def search_groups(
        self, conn: Conn, scim_auth: ScimAuth, app_settings: SettingsDep, data: SearchBody
    ) -> Response[bytes]:
        search = parse_search(data)
        query = list_query(
            app_settings, search.filter, search.start_index, search.count, search.sort_by, search.sort_order
        )
        projection = Projection.parse(search.attributes, search.excluded_attributes)
        return await _group_list(conn, scim_auth, app_settings, query, projection)

    @post("/", summary="Create a group", operation_id="scim_create_group", status_code=201)
    async def create_group(
        self,
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        data: Resource,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.create_group(conn, scim_auth, data)
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 201, _etag_headers(row, self._location(app_settings, scim_auth, row)))

    @get("/{group_id:str}", summary="Read a group", operation_id="scim_get_group")
    async def get_group(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        group_id: FromPath[str],
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.get_group(conn, scim_auth, group_id)
        if _not_modified(request, row):
            return Response(b"", status_code=304, headers={"ETag": mapping.etag(row["version"])})
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @put("/{group_id:str}", summary="Replace a group", operation_id="scim_replace_group")
    async def replace_group(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        group_id: FromPath[str],
        data: Resource,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.replace_group(
            conn, scim_auth, group_id, data, request.headers.get("if-match")
        )
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @patch(
        "/{group_id:str}",
        summary="Patch a group",
        description="Answers 204 (as Entra ID expects) unless attributes or excludedAttributes "
        "ask for a body",
        operation_id="scim_patch_group",
    )
    async def patch_group(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        scim_auth: ScimAuth,
        app_settings: SettingsDep,
        group_id: FromPath[str],
        data: PatchBody,
        attributes: Attributes = None,
        excluded_attributes: Excluded = None,
    ) -> Response[bytes]:
        row = await scim_service.patch_group(conn, scim_auth, group_id, data, request.headers.get("if-match"))
        if attributes is None and excluded_attributes is None:
            # RFC 7644 §3.5.2 allows 204; a body would list every member of a large group.
            return Response(b"", status_code=204, headers={"ETag": mapping.etag(row["version"])})
        resource = await self._render(
            conn, scim_auth, app_settings, row, Projection.parse(attributes, excluded_attributes)
        )
        return scim_response(resource, 200, _etag_headers(row))

    @delete("/{group_id:str}", summary="Delete a group", operation_id="scim_delete_group", status_code=204)
    async def delete_group(
        self, request: Request[Any, Any, Any], conn: Conn, scim_auth: ScimAuth, group_id: FromPath[str]
    ) -> None:
        await scim_service.delete_group(conn, scim_auth, group_id, request.headers.get("if-match"))
