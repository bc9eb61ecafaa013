"""Wire schemas shared by several controllers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

import msgspec

from app.schema import NO_NUL, Input, Name, Output
from app.services.tenant import NewApiKey
from app.store.tenant import ApiKeyRow, TenantRow

T = TypeVar("T")


class Tenant(Output):
    id: str
    name: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: TenantRow) -> Tenant:
        return cls(id=row.id, name=row.name, created_at=row.created_at)


class ApiKey(Output):
    id: str
    name: str
    prefix: Annotated[str, msgspec.Meta(description="The first characters of the key, to recognise it later")]
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: ApiKeyRow) -> ApiKey:
        return cls(
            id=row.id, name=row.name, prefix=row.prefix, created_at=row.created_at, revoked_at=row.revoked_at
        )


class ApiKeyWithSecret(ApiKey):
    secret: Annotated[str, msgspec.Meta(description="The key itself (dsk_...). Shown once; store it now.")]

    @classmethod
    def from_new(cls, new: NewApiKey) -> ApiKeyWithSecret:
        row = new.key
        return cls(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
            secret=new.secret,
        )


class TenantCreate(Input):
    name: Name


class ApiKeyCreate(Input):
    name: Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)] = ""


class TenantCreated(Output):
    tenant: Tenant
    api_key: ApiKeyWithSecret


class Page(Output, Generic[T]):
    data: list[T]
    next_cursor: str | None = None
