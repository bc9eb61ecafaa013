"""The SCIM schemas we serve (RFC 7643 §4, §8.7): attribute definitions for User, Group and the
Enterprise User extension. They drive discovery (/Schemas), canonical attribute casing, which
attributes are multi-valued or boolean, and caseExact matching in filters.
"""

from __future__ import annotations

from typing import Any

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
CORE_SCHEMAS = {USER_SCHEMA.lower(): USER_SCHEMA, GROUP_SCHEMA.lower(): GROUP_SCHEMA}


def attr(
    name: str,
    type_: str = "string",
    *,
    multi: bool = False,
    required: bool = False,
    case_exact: bool = False,
    mutability: str = "readWrite",
    returned: str = "default",
    uniqueness: str = "none",
    sub: list[dict[str, Any]] | None = None,
    description: str = "",
    canonical: list[str] | None = None,
    reference_types: list[str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "type": type_,
        "multiValued": multi,
        "description": description or name,
        "required": required,
        "caseExact": case_exact,
        "mutability": mutability,
        "returned": returned,
        "uniqueness": uniqueness,
    }
    if sub is not None:
        out["subAttributes"] = sub
    if canonical is not None:
        out["canonicalValues"] = canonical
    if reference_types is not None:
        out["referenceTypes"] = reference_types
    return out


def _multi(name: str, *, types: list[str], extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    sub = [
        attr("value"),
        attr("display"),
        attr("type", canonical=types),
        attr("primary", "boolean"),
        *(extra or []),
    ]
    return attr(name, "complex", multi=True, sub=sub)


USER_ATTRIBUTES: list[dict[str, Any]] = [
    attr("userName", required=True, uniqueness="server", description="Unique identifier for the User"),
    attr(
        "name",
        "complex",
        sub=[
            attr(n)
            for n in (
                "formatted",
                "familyName",
                "givenName",
                "middleName",
                "honorificPrefix",
                "honorificSuffix",
            )
        ],
    ),
    attr("displayName"),
    attr("nickName"),
    attr("profileUrl", "reference", reference_types=["external"]),
    attr("title"),
    attr("userType"),
    attr("preferredLanguage"),
    attr("locale"),
    attr("timezone"),
    attr("active", "boolean"),
    attr("password", mutability="writeOnly", returned="never"),
    _multi("emails", types=["work", "home", "other"]),
    _multi("phoneNumbers", types=["work", "home", "mobile", "fax", "pager", "other"]),
    _multi("ims", types=["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
    _multi("photos", types=["photo", "thumbnail"]),
    attr(
        "addresses",
        "complex",
        multi=True,
        sub=[
            attr(n)
            for n in ("formatted", "streetAddress", "locality", "region", "postalCode", "country", "type")
        ]
        + [attr("primary", "boolean")],
    ),
    attr(
        "groups",
        "complex",
        multi=True,
        mutability="readOnly",
        sub=[
            attr("value", mutability="readOnly"),
            attr("$ref", "reference", mutability="readOnly", reference_types=["Group"]),
            attr("display", mutability="readOnly"),
            attr("type", mutability="readOnly", canonical=["direct", "indirect"]),
        ],
    ),
    _multi("entitlements", types=[]),
    _multi("roles", types=[]),
    _multi("x509Certificates", types=[]),
]

ENTERPRISE_ATTRIBUTES: list[dict[str, Any]] = [
    attr("employeeNumber"),
    attr("costCenter"),
    attr("organization"),
    attr("division"),
    attr("department"),
    attr(
        "manager",
        "complex",
        sub=[
            attr("value"),
            attr("$ref", "reference", reference_types=["User"]),
            attr("displayName", mutability="readOnly"),
        ],
    ),
]

GROUP_ATTRIBUTES: list[dict[str, Any]] = [
    attr("displayName", required=True),
    attr(
        "members",
        "complex",
        multi=True,
        sub=[
            attr("value", mutability="immutable"),
            attr("$ref", "reference", mutability="immutable", reference_types=["User", "Group"]),
            attr("display", mutability="readOnly"),
            attr("type", mutability="immutable", canonical=["User", "Group"]),
        ],
    ),
]

COMMON_ATTRIBUTES = {"id": "id", "externalid": "externalId", "meta": "meta", "schemas": "schemas"}


def _index(attributes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["name"].lower(): a for a in attributes}


USER_INDEX = _index(USER_ATTRIBUTES)
GROUP_INDEX = _index(GROUP_ATTRIBUTES)
ENTERPRISE_INDEX = _index(ENTERPRISE_ATTRIBUTES)


def definition(resource_type: str, name: str, uri: str | None = None) -> dict[str, Any] | None:
    """The attribute definition for ``[uri:]name`` on a resource type, if we define it."""
    key = name.lower()
    if uri is not None:
        if uri.lower() == ENTERPRISE_SCHEMA.lower() and resource_type == "User":
            return ENTERPRISE_INDEX.get(key)
        if uri.lower() not in CORE_SCHEMAS:
            return None
    return (USER_INDEX if resource_type == "User" else GROUP_INDEX).get(key)


def sub_definition(parent: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if parent is None:
        return None
    for sub in parent.get("subAttributes", []):
        if sub["name"].lower() == name.lower():
            return dict(sub)
    return None


def schema_document(
    schema_id: str, name: str, description: str, attributes: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": schema_id,
        "name": name,
        "description": description,
        "attributes": attributes,
    }


SCHEMA_DOCUMENTS = [
    schema_document(USER_SCHEMA, "User", "User Account", USER_ATTRIBUTES),
    schema_document(GROUP_SCHEMA, "Group", "Group", GROUP_ATTRIBUTES),
    schema_document(ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise User", ENTERPRISE_ATTRIBUTES),
]
