"""The event contract tenants receive by webhook, Events API and Kafka alike (ARCHITECTURE.md).

Every event is a frozen Struct in a tagged union on ``type``; ``data`` is the object after the
change and ``previous_attributes`` the old values of exactly the fields that changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from app.changes import Email, UserState


class GroupSummary(msgspec.Struct, kw_only=True, frozen=True):
    id: str
    name: str


class DirectoryUser(msgspec.Struct, kw_only=True, frozen=True, tag="directory_user", tag_field="object"):
    id: str
    directory_id: str
    external_id: str | None
    username: str
    emails: tuple[Email, ...]
    first_name: str | None
    last_name: str | None
    display_name: str | None
    state: UserState
    job_title: str | None
    department: str | None
    employee_number: str | None
    manager_external_id: str | None
    groups: tuple[GroupSummary, ...]
    roles: tuple[str, ...]
    custom_attributes: dict[str, Any]
    raw_attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class DirectoryGroup(msgspec.Struct, kw_only=True, frozen=True, tag="directory_group", tag_field="object"):
    id: str
    directory_id: str
    external_id: str | None
    name: str
    raw_attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class GroupMembership(
    msgspec.Struct, kw_only=True, frozen=True, tag="directory_group_membership", tag_field="object"
):
    user: DirectoryUser
    group: DirectoryGroup


class DirectorySummary(msgspec.Struct, kw_only=True, frozen=True, tag="directory", tag_field="object"):
    id: str
    name: str
    provider: str
    state: str


class EventBase(msgspec.Struct, kw_only=True, frozen=True, tag_field="type", omit_defaults=False):
    id: str
    directory_id: str
    sequence: int
    occurred_at: datetime
    recorded_at: datetime
    provider: str


class DirectoryActivated(EventBase, frozen=True, tag="directory.activated"):
    data: DirectorySummary
    previous_attributes: dict[str, Any] | None = None


class DirectoryDeleted(EventBase, frozen=True, tag="directory.deleted"):
    data: DirectorySummary
    previous_attributes: dict[str, Any] | None = None


class UserCreated(EventBase, frozen=True, tag="user.created"):
    data: DirectoryUser
    previous_attributes: dict[str, Any] | None = None


class UserUpdated(EventBase, frozen=True, tag="user.updated"):
    data: DirectoryUser
    previous_attributes: dict[str, Any]


class UserDeleted(EventBase, frozen=True, tag="user.deleted"):
    data: DirectoryUser
    previous_attributes: dict[str, Any] | None = None


class GroupCreated(EventBase, frozen=True, tag="group.created"):
    data: DirectoryGroup
    previous_attributes: dict[str, Any] | None = None


class GroupUpdated(EventBase, frozen=True, tag="group.updated"):
    data: DirectoryGroup
    previous_attributes: dict[str, Any]


class GroupDeleted(EventBase, frozen=True, tag="group.deleted"):
    data: DirectoryGroup
    previous_attributes: dict[str, Any] | None = None


class GroupUserAdded(EventBase, frozen=True, tag="group.user_added"):
    data: GroupMembership
    previous_attributes: dict[str, Any] | None = None


class GroupUserRemoved(EventBase, frozen=True, tag="group.user_removed"):
    data: GroupMembership
    previous_attributes: dict[str, Any] | None = None


DirectoryEvent = (
    DirectoryActivated
    | DirectoryDeleted
    | UserCreated
    | UserUpdated
    | UserDeleted
    | GroupCreated
    | GroupUpdated
    | GroupDeleted
    | GroupUserAdded
    | GroupUserRemoved
)

DIRECTORY_EVENT_TYPES: tuple[str, ...] = tuple(str(t.__struct_config__.tag) for t in DirectoryEvent.__args__)


# Tenant-level operational signals: no directory, no directory sequence (ARCHITECTURE.md).
class TenantEventBase(msgspec.Struct, kw_only=True, frozen=True, tag_field="type"):
    id: str
    occurred_at: datetime
    recorded_at: datetime


class WebhookEndpointSummary(
    msgspec.Struct, kw_only=True, frozen=True, tag="webhook_endpoint", tag_field="object"
):
    id: str
    url: str
    enabled: bool
    disabled_reason: str | None = None


class WebhookEndpointDisabled(TenantEventBase, frozen=True, tag="webhook_endpoint.disabled"):
    data: WebhookEndpointSummary


class FailedDelivery(msgspec.Struct, kw_only=True, frozen=True, tag="failed_delivery", tag_field="object"):
    endpoint: WebhookEndpointSummary
    event_id: str
    directory_id: str | None
    sequence: int | None
    attempts: int
    last_status: int | None
    last_error: str | None


class WebhookEndpointEventFailed(TenantEventBase, frozen=True, tag="webhook_endpoint.event_failed"):
    data: FailedDelivery


TenantEvent = WebhookEndpointDisabled | WebhookEndpointEventFailed
Event = DirectoryEvent | TenantEvent
EVENT_TYPES: tuple[str, ...] = (
    *DIRECTORY_EVENT_TYPES,
    "webhook_endpoint.disabled",
    "webhook_endpoint.event_failed",
)
EventType = Literal[
    "directory.activated",
    "directory.deleted",
    "user.created",
    "user.updated",
    "user.deleted",
    "group.created",
    "group.updated",
    "group.deleted",
    "group.user_added",
    "group.user_removed",
    "webhook_endpoint.disabled",
    "webhook_endpoint.event_failed",
]
