"""SCIM resources (RFC 7643) to normalized changes and stored rows back to SCIM resources.

Modelled attributes map to our columns; every other attribute the IdP sent (phoneNumbers,
addresses, the rest of ``name`` and of the enterprise extension, unknown extension URNs, ...)
is kept in ``raw_attributes`` so a GET returns what was sent. Input is normalized first:
attribute names to their canonical casing and Entra's ``"True"``/``"False"`` to booleans.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.changes import Email, GroupUpsert, UserUpsert
from app.scim import schema
from app.scim.errors import ScimError

READ_ONLY = {"id", "meta", "schemas", "groups", "password"}
_ENTERPRISE_LOWER = schema.ENTERPRISE_SCHEMA.lower()
_MODELLED_NAME = ("givenName", "familyName")
_MODELLED_ENTERPRISE = ("department", "employeeNumber")


def to_bool(value: Any, attribute: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # Entra sends "True"/"False"
    raise ScimError(400, f"{attribute} must be a boolean", "invalidValue")


def _canonical_value(definition: dict[str, Any] | None, value: Any, name: str) -> Any:
    if definition is None:
        return value
    if definition["type"] == "boolean" and value is not None:
        return to_bool(value, name)
    subs = definition.get("subAttributes")
    if subs and isinstance(value, dict):
        return _canonical_object(value, subs, name)
    if subs and isinstance(value, list):
        return [_canonical_object(v, subs, name) if isinstance(v, dict) else v for v in value]
    return value


def _canonical_object(value: dict[str, Any], subs: list[dict[str, Any]], parent: str) -> dict[str, Any]:
    index = {s["name"].lower(): s for s in subs}
    out: dict[str, Any] = {}
    for key, item in value.items():
        definition = index.get(key.lower())
        name = definition["name"] if definition else key
        out[name] = _canonical_value(definition, item, f"{parent}.{name}")
    return out


def canonicalize(resource: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """Canonical attribute casing and value types for a SCIM resource body."""
    index = schema.USER_INDEX if resource_type == "User" else schema.GROUP_INDEX
    out: dict[str, Any] = {}
    for key, value in resource.items():
        lowered = key.lower()
        if lowered in schema.COMMON_ATTRIBUTES:
            out[schema.COMMON_ATTRIBUTES[lowered]] = value
        elif lowered == _ENTERPRISE_LOWER and resource_type == "User":
            extension = value if isinstance(value, dict) else {}
            current = out.setdefault(schema.ENTERPRISE_SCHEMA, {})
            current.update(_canonical_object(extension, schema.ENTERPRISE_ATTRIBUTES, "enterprise"))
        elif lowered.startswith(_ENTERPRISE_LOWER + ":") and resource_type == "User":
            # Entra flattens extension attributes into "urn:...:User:employeeNumber" keys.
            sub = key[len(_ENTERPRISE_LOWER) + 1 :]
            current = out.setdefault(schema.ENTERPRISE_SCHEMA, {})
            current.update(_canonical_object({sub: value}, schema.ENTERPRISE_ATTRIBUTES, "enterprise"))
        elif lowered == "manager" and resource_type == "User":
            # Older Entra requests address the enterprise manager as a core "manager" path.
            manager = value[0] if isinstance(value, list) and value else value
            current = out.setdefault(schema.ENTERPRISE_SCHEMA, {})
            current.update(
                _canonical_object({"manager": manager}, schema.ENTERPRISE_ATTRIBUTES, "enterprise")
            )
        elif lowered in index:
            definition = index[lowered]
            out[definition["name"]] = _canonical_value(definition, value, definition["name"])
        else:
            out[key] = value
    return out


def _text(resource: dict[str, Any], key: str) -> str | None:
    value = resource.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ScimError(400, f"{key} must be a string", "invalidValue")
    return str(value)


def _emails(value: Any) -> tuple[Email, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ScimError(400, "emails must be an array", "invalidValue")
    emails: list[Email] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise ScimError(400, "each email needs a string value", "invalidValue")
        kind = item.get("type")
        emails.append(
            Email(
                value=item["value"],
                type=kind if isinstance(kind, str) else None,
                primary=to_bool(item.get("primary", False), "emails.primary"),
            )
        )
    return tuple(emails)


def _strip(value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if k not in keys and v is not None}


def user_from_scim(resource: dict[str, Any], *, user_id: str, current_state: str | None = None) -> UserUpsert:
    """A canonical SCIM User to the store's ``UserUpsert`` (the whole resource: PUT semantics)."""
    user_name = _text(resource, "userName")
    if not user_name:
        raise ScimError(400, "userName is required", "invalidValue")
    name = resource.get("name") if isinstance(resource.get("name"), dict) else {}
    assert isinstance(name, dict)
    enterprise = resource.get(schema.ENTERPRISE_SCHEMA)
    enterprise = enterprise if isinstance(enterprise, dict) else {}
    manager = enterprise.get("manager")
    manager_id = manager.get("value") if isinstance(manager, dict) else manager
    active = to_bool(resource.get("active", True), "active")
    state = "active" if active else ("suspended" if current_state == "suspended" else "inactive")

    raw: dict[str, Any] = {}
    for key, value in resource.items():
        if key in READ_ONLY or value is None:
            continue
        if key in ("userName", "externalId", "displayName", "active", "emails", "title"):
            continue
        if key == "name":
            rest = _strip(value, _MODELLED_NAME)
            if rest:
                raw["name"] = rest
        elif key == schema.ENTERPRISE_SCHEMA:
            rest = _strip(value, _MODELLED_ENTERPRISE)
            manager_rest = _strip(rest.pop("manager", None), ("value",))
            if manager_rest:
                rest["manager"] = manager_rest
            if rest:
                raw[key] = rest
        else:
            raw[key] = value
    return UserUpsert(
        id=user_id,
        external_id=_text(resource, "externalId"),
        username=user_name,
        emails=_emails(resource.get("emails")),
        first_name=_nonempty(name.get("givenName")),
        last_name=_nonempty(name.get("familyName")),
        display_name=_text(resource, "displayName"),
        state=state,  # type: ignore[arg-type]
        job_title=_text(resource, "title"),
        department=_nonempty(enterprise.get("department")),
        employee_number=_nonempty(enterprise.get("employeeNumber")),
        manager_external_id=_nonempty(manager_id),
        raw_attributes=raw,
    )


def _nonempty(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ScimError(400, "expected a string value", "invalidValue")
    return str(value)


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def meta(resource_type: str, row: dict[str, Any], location: str) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "created": _iso(row["created_at"]),
        "lastModified": _iso(row["updated_at"]),
        "location": location,
        "version": etag(row["version"]),
    }


def etag(version: int) -> str:
    return f'W/"{version}"'


def _enterprise(row: dict[str, Any], raw: dict[str, Any] | None) -> dict[str, Any]:
    enterprise = dict(raw or {})
    for column, key in (("department", "department"), ("employee_number", "employeeNumber")):
        if row.get(column) is not None:
            enterprise[key] = row[column]
    if row.get("manager_external_id") is not None:
        enterprise["manager"] = {**(enterprise.get("manager") or {}), "value": row["manager_external_id"]}
    return enterprise


def user_to_scim(row: dict[str, Any], location: str, groups: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A stored user row (directory_users columns) as a SCIM User resource."""
    raw = dict(row.get("raw_attributes") or {})
    out: dict[str, Any] = {"schemas": [schema.USER_SCHEMA], "id": row["id"]}
    if row.get("external_id") is not None:
        out["externalId"] = row["external_id"]
    out["userName"] = row["username"]
    name = dict(raw.pop("name", None) or {})
    if row.get("first_name") is not None:
        name["givenName"] = row["first_name"]
    if row.get("last_name") is not None:
        name["familyName"] = row["last_name"]
    if name:
        out["name"] = name
    if row.get("display_name") is not None:
        out["displayName"] = row["display_name"]
    if row.get("job_title") is not None:
        out["title"] = row["job_title"]
    out["active"] = row["state"] == "active"
    emails = row.get("emails") or []
    if emails:
        out["emails"] = [
            {k: v for k, v in e.items() if v is not None and not (k == "primary" and v is False)}
            for e in emails
        ]
    enterprise = _enterprise(row, raw.pop(schema.ENTERPRISE_SCHEMA, None))
    for key, value in raw.items():
        out[key] = value
    if enterprise:
        out[schema.ENTERPRISE_SCHEMA] = enterprise
    extensions = [k for k in out if k.lower().startswith("urn:") and isinstance(out[k], dict)]
    out["schemas"] = [schema.USER_SCHEMA, *extensions]
    if groups is not None:
        out["groups"] = groups
    out["meta"] = meta("User", row, location)
    return out


def group_from_scim(resource: dict[str, Any], *, group_id: str) -> GroupUpsert:
    name = _text(resource, "displayName")
    if not name:
        raise ScimError(400, "displayName is required", "invalidValue")
    raw = {
        k: v
        for k, v in resource.items()
        if k not in READ_ONLY and k not in ("displayName", "externalId", "members") and v is not None
    }
    return GroupUpsert(id=group_id, external_id=_text(resource, "externalId"), name=name, raw_attributes=raw)


def member_ids(value: Any) -> list[str]:
    """The user ids in a ``members`` value (an array of ``{"value": id}``; a lone object accepted)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    ids: list[str] = []
    for item in items:
        member = item.get("value") if isinstance(item, dict) else item
        if not isinstance(member, str) or not member:
            raise ScimError(400, "each member needs a string value", "invalidValue")
        ids.append(member)
    return ids


def group_to_scim(row: dict[str, Any], location: str, members: list[dict[str, Any]] | None) -> dict[str, Any]:
    raw = dict(row.get("raw_attributes") or {})
    out: dict[str, Any] = {"schemas": [schema.GROUP_SCHEMA], "id": row["id"]}
    if row.get("external_id") is not None:
        out["externalId"] = row["external_id"]
    out["displayName"] = row["name"]
    out.update(raw)
    extensions = [k for k in out if k.lower().startswith("urn:") and isinstance(out[k], dict)]
    out["schemas"] = [schema.GROUP_SCHEMA, *extensions]
    if members is not None:
        out["members"] = members
    out["meta"] = meta("Group", row, location)
    return out
