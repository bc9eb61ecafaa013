"""Normalized changes: the only input the directory store accepts.

Provider adapters (``providers/``) turn IdP payloads into these; the store applies a batch in
one transaction, diffs against stored state and appends events. Users and groups are addressed
either by our id (SCIM addresses resources by the id we assigned) or by the IdP's external id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

UserState = Literal["active", "inactive", "suspended"]
DirectoryStateName = Literal["active", "inactive"]
ShortText = Annotated[str, msgspec.Meta(max_length=1024)]


class Email(msgspec.Struct, kw_only=True, frozen=True):
    value: ShortText
    type: str | None = None
    primary: bool = False


class Ref(msgspec.Struct, kw_only=True, frozen=True):
    """A user or group, by our id (``du_…``/``dg_…``) or by the IdP's external id."""

    id: str | None = None
    external_id: str | None = None


class UserUpsert(msgspec.Struct, kw_only=True, frozen=True, tag="user_upsert"):
    """Create the user, or replace its modelled fields. ``id`` may be preassigned (SCIM POST)."""

    id: str | None = None
    external_id: str | None = None
    username: ShortText
    emails: tuple[Email, ...] = ()
    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    state: UserState = "active"
    job_title: str | None = None
    department: str | None = None
    employee_number: str | None = None
    manager_external_id: str | None = None
    raw_attributes: dict[str, Any] = msgspec.field(default_factory=dict)


class UserRemove(msgspec.Struct, kw_only=True, frozen=True, tag="user_remove"):
    user: Ref


class GroupUpsert(msgspec.Struct, kw_only=True, frozen=True, tag="group_upsert"):
    id: str | None = None
    external_id: str | None = None
    name: ShortText
    raw_attributes: dict[str, Any] = msgspec.field(default_factory=dict)


class GroupRemove(msgspec.Struct, kw_only=True, frozen=True, tag="group_remove"):
    group: Ref


class MembershipAdd(msgspec.Struct, kw_only=True, frozen=True, tag="membership_add"):
    group: Ref
    users: tuple[Ref, ...]


class MembershipRemove(msgspec.Struct, kw_only=True, frozen=True, tag="membership_remove"):
    group: Ref
    users: tuple[Ref, ...]


class MembershipReplace(msgspec.Struct, kw_only=True, frozen=True, tag="membership_replace"):
    """Set the group's members to exactly ``users`` (SCIM PUT, reconcile passes)."""

    group: Ref
    users: tuple[Ref, ...]


class DirectoryStateChange(msgspec.Struct, kw_only=True, frozen=True, tag="directory_state"):
    state: DirectoryStateName


Change = (
    UserUpsert
    | UserRemove
    | GroupUpsert
    | GroupRemove
    | MembershipAdd
    | MembershipRemove
    | MembershipReplace
    | DirectoryStateChange
)


class ChangeBatch(msgspec.Struct, kw_only=True, frozen=True):
    """Changes applied atomically. ``source_id`` (the IdP's event or request id) makes a retry a no-op."""

    changes: tuple[Change, ...]
    source_id: str | None = None
    occurred_at: datetime | None = None
