"""Discovery (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes, /Schemas, telling the truth."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath

from app.api.deps import SettingsDep
from app.api.scim._resources import base_url
from app.api.scim._responses import list_response, scim_response
from app.api.scim.deps import ScimAuth
from app.scim import schema
from app.scim.errors import ScimError
from app.services.directory import DirectoryAuth
from app.settings import Settings


def service_provider_config(settings: Settings, auth: DirectoryAuth) -> dict[str, Any]:
    base = base_url(settings, auth)
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": f"{settings.base_url()}/docs",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": settings.scim.max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": True},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The directory's SCIM token: Authorization: Bearer <token>",
                "primary": True,
            },
            {
                "type": "httpbasic",
                "name": "HTTP Basic",
                "description": "Any user name, the directory's SCIM token as the password",
            },
        ],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base}/ServiceProviderConfig"},
    }


def resource_types(settings: Settings, auth: DirectoryAuth) -> list[dict[str, Any]]:
    base = base_url(settings, auth)
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "User Account",
            "schema": schema.USER_SCHEMA,
            "schemaExtensions": [{"schema": schema.ENTERPRISE_SCHEMA, "required": False}],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"},
        },
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Group",
            "schema": schema.GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"},
        },
    ]


def schemas(settings: Settings, auth: DirectoryAuth) -> list[dict[str, Any]]:
    base = base_url(settings, auth)
    return [
        {**doc, "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{doc['id']}"}}
        for doc in schema.SCHEMA_DOCUMENTS
    ]


class DiscoveryController(Controller):
    path = "/"

    @get("/ServiceProviderConfig", summary="Service provider configuration", operation_id="scim_config")
    async def config(self, scim_auth: ScimAuth, app_settings: SettingsDep) -> Response[bytes]:
        return scim_response(service_provider_config(app_settings, scim_auth))

    @get("/ResourceTypes", summary="Resource types", operation_id="scim_resource_types")
    async def resource_types(self, scim_auth: ScimAuth, app_settings: SettingsDep) -> Response[bytes]:
        found = resource_types(app_settings, scim_auth)
        return scim_response(list_response(found, len(found), 1))

    @get("/ResourceTypes/{name:str}", summary="One resource type", operation_id="scim_resource_type")
    async def resource_type(
        self, scim_auth: ScimAuth, app_settings: SettingsDep, name: FromPath[str]
    ) -> Response[bytes]:
        for found in resource_types(app_settings, scim_auth):
            if found["id"].lower() == name.lower():
                return scim_response(found)
        raise ScimError(404, f"no resource type {name}")

    @get("/Schemas", summary="Schemas", operation_id="scim_schemas")
    async def schemas(self, scim_auth: ScimAuth, app_settings: SettingsDep) -> Response[bytes]:
        found = schemas(app_settings, scim_auth)
        return scim_response(list_response(found, len(found), 1))

    @get("/Schemas/{schema_id:str}", summary="One schema", operation_id="scim_schema")
    async def schema(
        self, scim_auth: ScimAuth, app_settings: SettingsDep, schema_id: FromPath[str]
    ) -> Response[bytes]:
        for found in schemas(app_settings, scim_auth):
            if found["id"].lower() == schema_id.lower():
                return scim_response(found)
        raise ScimError(404, f"no schema {schema_id}")
