"""Google Directory API resources to normalized changes.

Field names per the ``User``, ``Group`` and ``Member`` schemas of the ``admin:directory_v1`` discovery
document. A reconcile must emit nothing when nothing changed, so fields that move without an admin
changing anything (``etag``, ``lastLoginTime``, ``directMembersCount``, ...) are not kept.
"""

from __future__ import annotations

from typing import Any

from app.changes import Email, GroupUpsert, MembershipReplace, Ref, UserState, UserUpsert

# Modelled fields, and fields that change on their own (logins, photo and member counts).
_USER_MODELLED = frozenset({"id", "primaryEmail", "name", "suspended", "emails"})
_USER_VOLATILE = frozenset(
    {"kind", "etag", "lastLoginTime", "thumbnailPhotoEtag", "thumbnailPhotoUrl", "isMailboxSetup"}
)
_GROUP_DROPPED = frozenset({"kind", "etag", "id", "name", "directMembersCount"})
EMPLOYEE_ID_TYPE = "organization"  # the admin console's "Employee ID" is the externalId of type organization


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _primary(items: Any, predicate: Any = None) -> dict[str, Any] | None:
    """The item marked primary, else the first one (that matches ``predicate``)."""
    if not isinstance(items, list):
        return None
    candidates = [i for i in items if isinstance(i, dict) and (predicate is None or predicate(i))]
    for item in candidates:
        if item.get("primary"):
            return item
    return candidates[0] if candidates else None


def _emails(user: dict[str, Any]) -> tuple[Email, ...]:
    primary = _text(user.get("primaryEmail"))
    result: list[Email] = []
    seen: set[str] = set()
    if primary:
        result.append(Email(value=primary, type="work", primary=True))
        seen.add(primary.lower())
    for item in user.get("emails") or ():
        address = _text(item.get("address")) if isinstance(item, dict) else None
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        kind = _text(item.get("customType")) or _text(item.get("type"))
        result.append(Email(value=address, type=kind, primary=False))
    return tuple(result)


def user_state(user: dict[str, Any]) -> UserState:
    if user.get("suspended") is True:
        return "suspended"
    if user.get("archived") is True:
        return "inactive"
    return "active"


def user_to_upsert(user: dict[str, Any]) -> UserUpsert:
    """A ``User`` resource (projection=full) as a UserUpsert keyed by Google's immutable id."""
    raw_name = user.get("name")
    name: dict[str, Any] = raw_name if isinstance(raw_name, dict) else {}
    org = _primary(user.get("organizations"))
    employee = _primary(user.get("externalIds"), lambda i: i.get("type") == EMPLOYEE_ID_TYPE)
    manager = _primary(user.get("relations"), lambda i: i.get("type") == "manager")
    return UserUpsert(
        external_id=str(user["id"]),
        username=str(user["primaryEmail"]),
        emails=_emails(user),
        first_name=_text(name.get("givenName")),
        last_name=_text(name.get("familyName")),
        display_name=_text(name.get("displayName")) or _text(name.get("fullName")),
        state=user_state(user),
        job_title=_text(org.get("title")) if org else None,
        department=_text(org.get("department")) if org else None,
        employee_number=_text(employee.get("value")) if employee else None,
        # Google names the manager by email (relations[type=manager].value); Google accepts an email
        # wherever it takes a userKey, so the email is the manager's identifier at the IdP.
        manager_external_id=_text(manager.get("value")) if manager else None,
        raw_attributes={k: v for k, v in user.items() if k not in _USER_MODELLED and k not in _USER_VOLATILE},
    )


def group_to_upsert(group: dict[str, Any], members: list[dict[str, Any]]) -> GroupUpsert:
    """A ``Group`` resource; nested groups (members of type GROUP) are kept in raw_attributes."""
    raw = {k: v for k, v in group.items() if k not in _GROUP_DROPPED}
    nested = sorted(
        (
            {"id": m.get("id"), "email": m.get("email"), "role": m.get("role")}
            for m in members
            if m.get("type") == "GROUP"
        ),
        key=lambda m: str(m["id"]),
    )
    if nested:
        raw["nested_groups"] = nested
    if any(m.get("type") == "CUSTOMER" for m in members):
        raw["includes_all_users"] = True
    return GroupUpsert(
        external_id=str(group["id"]),
        name=_text(group.get("name")) or str(group.get("email")),
        raw_attributes=raw,
    )


def members_to_replace(
    group_id: str, members: list[dict[str, Any]], known_user_ids: set[str] | frozenset[str]
) -> MembershipReplace:
    """Direct USER members that are users of this directory (external members are skipped)."""
    user_ids = sorted(
        {str(m["id"]) for m in members if m.get("type") == "USER" and str(m.get("id")) in known_user_ids}
    )
    return MembershipReplace(
        group=Ref(external_id=group_id), users=tuple(Ref(external_id=u) for u in user_ids)
    )
