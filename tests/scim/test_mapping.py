"""SCIM User/Group <-> normalized changes and stored rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from app.changes import Email
from app.scim import mapping
from app.scim.errors import ScimError
from tests.scim import fixtures

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def row_from(upsert: Any) -> dict[str, Any]:
    data = msgspec.to_builtins(upsert)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return {
        **data,
        "emails": data["emails"],
        "version": 3,
        "created_at": now,
        "updated_at": now,
    }


def test_okta_create_user_maps_modelled_fields_and_keeps_the_rest() -> None:
    upsert = mapping.user_from_scim(
        mapping.canonicalize(fixtures.body("okta/user_create"), "User"), user_id="du_1"
    )
    assert upsert.username == "test.user@okta.local"
    assert upsert.external_id == "00ujl29u0le5T6Aj10h7"
    assert (upsert.first_name, upsert.last_name, upsert.display_name) == ("Test", "User", "Test User")
    assert upsert.emails == (Email(value="test.user@okta.local", type="work", primary=True),)
    assert upsert.state == "active"
    assert upsert.raw_attributes == {"locale": "en-US"}  # password and groups are never stored


def test_round_trip_keeps_unknown_attributes_and_extensions() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE, "urn:example:ext:1.0:User"],
        "userName": "bjensen",
        "name": {"givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen III"},
        "title": "Tour Guide",
        "active": "False",
        "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
        ENTERPRISE: {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "department": "Tour Operations",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith"},
        },
        "urn:example:ext:1.0:User": {"badge": 42},
    }
    upsert = mapping.user_from_scim(mapping.canonicalize(body, "User"), user_id="du_1")
    assert upsert.state == "inactive"
    assert (upsert.job_title, upsert.department, upsert.employee_number) == (
        "Tour Guide",
        "Tour Operations",
        "701984",
    )
    assert upsert.manager_external_id == "26118915-6090-4610-87e4-49d8ca9f808d"
    out = mapping.user_to_scim(row_from(upsert), "https://x/Users/du_1", None)
    for key in ("userName", "name", "title", "phoneNumbers", ENTERPRISE, "urn:example:ext:1.0:User"):
        assert out[key] == body[key], key
    assert out["active"] is False
    assert set(out["schemas"]) == set(body["schemas"])
    assert out["meta"]["version"] == 'W/"3"'
    assert out["meta"]["location"] == "https://x/Users/du_1"


def test_canonicalize_fixes_attribute_casing() -> None:
    body = {"USERNAME": "a", "Name": {"GivenName": "B"}, "EMAILS": [{"Value": "a@x", "Primary": "True"}]}
    assert mapping.canonicalize(body, "User") == {
        "userName": "a",
        "name": {"givenName": "B"},
        "emails": [{"value": "a@x", "primary": True}],
    }


def test_entra_flattened_enterprise_keys() -> None:
    body = {"userName": "a", f"{ENTERPRISE}:employeeNumber": "7"}
    assert mapping.canonicalize(body, "User")[ENTERPRISE] == {"employeeNumber": "7"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"userName": ""},
        {"userName": 5.5, "active": "maybe"},
        {"userName": "a", "emails": "x"},
        {"userName": {}},
    ],
)
def test_invalid_users(body: dict[str, Any]) -> None:
    with pytest.raises(ScimError) as info:
        mapping.user_from_scim(mapping.canonicalize(body, "User"), user_id="du_1")
    assert info.value.status == 400


def test_group_mapping() -> None:
    body = fixtures.body("entra/group_create")
    upsert = mapping.group_from_scim(mapping.canonicalize(body, "Group"), group_id="dg_1")
    assert (upsert.name, upsert.external_id, upsert.raw_attributes) == (
        "displayName",
        "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        {},
    )
    assert mapping.member_ids([{"value": "a", "$ref": None}, {"value": "b"}]) == ["a", "b"]
    with pytest.raises(ScimError):
        mapping.member_ids([{"display": "no value"}])
