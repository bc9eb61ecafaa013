"""Directories, and reads of their users, groups and members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.api.deps import Conn, SettingsDep, TenantId
from app.api.schemas import Page
from app.events import DirectoryGroup, DirectoryUser
from app.schema import Output
from app.services import directory as directory_service
from app.services import directory_objects
from app.services.directory import Directory, DirectoryCreate, DirectoryUpdate
from app.settings import Settings

Limit = Annotated[int, QueryParameter(ge=1, le=500)]


class DirectoryOut(Output):
    id: str
    name: str
    provider: str
    state: Annotated[str, msgspec.Meta(description="active | inactive | deleting | deleted")]
    scim_base_url: str
    settings: dict[str, Any]
    role_mappings: dict[str, str]
    attribute_mappings: dict[str, str]
    last_sequence: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def build(cls, directory: Directory, settings: Settings) -> DirectoryOut:
        return cls(**_fields(directory, settings))


class DirectoryWithToken(DirectoryOut):
    scim_token: Annotated[
        str, msgspec.Meta(description="The SCIM bearer token (dst_...). Shown once; store it now.")
    ]


def _fields(directory: Directory, settings: Settings) -> dict[str, Any]:
    values = msgspec.structs.asdict(directory)
    values.pop("tenant_id")
    values["scim_base_url"] = f"{settings.base_url()}/scim/v2/{directory.id}"
    return values


class DirectoryController(Controller):
    path = "/v1/directories"
    tags = ["directories"]

    @post("/", summary="Create a directory (its SCIM token is shown once)", operation_id="create_directory")
    async def create(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, data: JSONBody[DirectoryCreate]
    ) -> DirectoryWithToken:
        directory, token = await directory_service.create_directory(
            conn, tenant_id, data, keys=app_settings.encryption_keys()
        )
        return DirectoryWithToken(**_fields(directory, app_settings), scim_token=token)

    @get("/", summary="List directories", operation_id="list_directories")
    async def list(
        self,
        conn: Conn,
        tenant_id: TenantId,
        app_settings: SettingsDep,
        cursor: FromQuery[str | None] = None,
        limit: Limit = 100,
    ) -> Page[DirectoryOut]:
        rows, next_cursor = await directory_service.list_directories(
            conn, tenant_id, after=cursor, limit=limit
        )
        return Page(data=[DirectoryOut.build(d, app_settings) for d in rows], next_cursor=next_cursor)

    @get("/{directory_id:str}", summary="Read a directory", operation_id="get_directory")
    async def read(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, directory_id: FromPath[str]
    ) -> DirectoryOut:
        directory = await directory_service.get_directory(conn, tenant_id, directory_id)
        return DirectoryOut.build(directory, app_settings)

    @patch("/{directory_id:str}", summary="Update a directory", operation_id="update_directory")
    async def update(
        self,
        conn: Conn,
        tenant_id: TenantId,
        app_settings: SettingsDep,
        directory_id: FromPath[str],
        data: JSONBody[DirectoryUpdate],
    ) -> DirectoryOut:
        directory = await directory_service.update_directory(
            conn, tenant_id, directory_id, data, keys=app_settings.encryption_keys()
        )
        return DirectoryOut.build(directory, app_settings)

    @delete(
        "/{directory_id:str}",
        summary="Delete a directory (emits directory.deleted; users and groups are purged later)",
        operation_id="delete_directory",
        status_code=200,
    )
    async def remove(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, directory_id: FromPath[str]
    ) -> DirectoryOut:
        directory = await directory_service.delete_directory(conn, tenant_id, directory_id)
        return DirectoryOut.build(directory, app_settings)

    @post(
        "/{directory_id:str}/scim_token/rotate",
        summary="Rotate the SCIM token (the previous one keeps working for 24 hours)",
        operation_id="rotate_directory_scim_token",
        status_code=200,
    )
    async def rotate_token(
        self, conn: Conn, tenant_id: TenantId, app_settings: SettingsDep, directory_id: FromPath[str]
    ) -> DirectoryWithToken:
        directory, token = await directory_service.rotate_scim_token(conn, tenant_id, directory_id)
        return DirectoryWithToken(**_fields(directory, app_settings), scim_token=token)

    @get("/{directory_id:str}/users", summary="List a directory's users", operation_id="list_directory_users")
    async def list_users(
        self,
        conn: Conn,
        tenant_id: TenantId,
        directory_id: FromPath[str],
        user_state: Annotated[
            Literal["active", "inactive", "suspended"] | None,
            QueryParameter(name="state", description="Only users in this state"),
        ] = None,
        group: Annotated[str | None, QueryParameter(description="Only members of this group id")] = None,
        email: Annotated[
            str | None, QueryParameter(max_length=1024, description="Case-insensitive exact email")
        ] = None,
        cursor: FromQuery[str | None] = None,
        limit: Limit = 100,
    ) -> Page[DirectoryUser]:
        users, next_cursor = await directory_objects.list_users(
            conn,
            tenant_id,
            directory_id,
            after=cursor,
            limit=limit,
            state=user_state,
            group_id=group,
            email=email,
        )
        return Page(data=users, next_cursor=next_cursor)

    @get(
        "/{directory_id:str}/users/{user_id:str}",
        summary="Read a user with its groups and roles",
        operation_id="get_directory_user",
    )
    async def read_user(
        self, conn: Conn, tenant_id: TenantId, directory_id: FromPath[str], user_id: FromPath[str]
    ) -> DirectoryUser:
        return await directory_objects.get_user(conn, tenant_id, directory_id, user_id)

    @get(
        "/{directory_id:str}/groups",
        summary="List a directory's groups",
        operation_id="list_directory_groups",
    )
    async def list_groups(
        self,
        conn: Conn,
        tenant_id: TenantId,
        directory_id: FromPath[str],
        cursor: FromQuery[str | None] = None,
        limit: Limit = 100,
    ) -> Page[DirectoryGroup]:
        groups, next_cursor = await directory_objects.list_groups(
            conn, tenant_id, directory_id, after=cursor, limit=limit
        )
        return Page(data=groups, next_cursor=next_cursor)

    @get(
        "/{directory_id:str}/groups/{group_id:str}",
        summary="Read a group",
        operation_id="get_directory_group",
    )
    async def read_group(
        self, conn: Conn, tenant_id: TenantId, directory_id: FromPath[str], group_id: FromPath[str]
    ) -> DirectoryGroup:
        return await directory_objects.get_group(conn, tenant_id, directory_id, group_id)

    @get(
        "/{directory_id:str}/groups/{group_id:str}/members",
        summary="List a group's members",
        operation_id="list_directory_group_members",
    )
    async def list_members(
        self,
        conn: Conn,
        tenant_id: TenantId,
        directory_id: FromPath[str],
        group_id: FromPath[str],
        cursor: FromQuery[str | None] = None,
        limit: Limit = 100,
    ) -> Page[DirectoryUser]:
        users, next_cursor = await directory_objects.list_members(
            conn, tenant_id, directory_id, group_id, after=cursor, limit=limit
        )
        return Page(data=users, next_cursor=next_cursor)
