"""The PATCH engine (RFC 7644 §3.5.2) over resource dicts, with Okta's and Entra's dialects."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scim import mapping
from app.scim.errors import ScimError
from app.scim.patch import apply_operations, parse_patch, split_member_operations
from tests.scim import fixtures

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def user() -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "du_1",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "active": True,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home"},
        ],
        "addresses": [{"type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood"}],
    }


def patch(resource: dict[str, Any], name: str) -> dict[str, Any]:
    return mapping.canonicalize(apply_operations(resource, parse_patch(fixtures.body(name))), "User")


def test_okta_deactivation_is_a_no_path_replace() -> None:
    assert patch(user(), "okta/user_deactivate")["active"] is False


def test_entra_disable_with_string_false_and_capitalised_op() -> None:
    assert patch(user(), "entra/disable_user_without_flag")["active"] is False
    assert patch(user(), "entra/disable_user_with_flag")["active"] is False
    assert patch(user(), "entra/user_disable")["active"] is False


def test_entra_value_path_sub_attribute_and_name() -> None:
    patched = patch(user(), "entra/user_patch_multi_valued")
    assert patched["emails"][0] == {"value": "updatedEmail@microsoft.com", "type": "work", "primary": True}
    assert patched["emails"][1]["value"] == "babs@jensen.org"
    assert patched["name"] == {"givenName": "Barbara", "familyName": "updatedFamilyName"}


def test_entra_value_path_creates_a_missing_work_email() -> None:
    resource = user()
    resource["emails"] = [{"value": "babs@jensen.org", "type": "home"}]
    patched = patch(resource, "entra/user_patch_multi_valued")
    assert {"type": "work", "value": "updatedEmail@microsoft.com"} in patched["emails"]


def test_entra_replace_multiple_without_flag() -> None:
    patched = patch(user(), "entra/replace_multiple_without_flag")
    assert patched["displayName"] == "Pvlo"
    assert patched["name"] == {"givenName": "Gtfd", "familyName": "Pkqf"}
    assert patched["externalId"] == "Eqpj"
    assert patched[ENTERPRISE] == {"employeeNumber": "Eqpj"}
    assert patched["emails"][0]["value"] == "TestBcwqnm@test.microsoft.com"


def test_entra_no_path_replace_with_path_keys() -> None:
    patched = patch(user(), "entra/replace_multiple_with_flag")
    assert patched["displayName"] == "Bjfe"
    assert patched["name"] == {"givenName": "Kkom", "familyName": "Unua"}
    assert patched[ENTERPRISE] == {"employeeNumber": "Aklq"}
    assert patched["emails"][0]["value"] == "TestMhvaes@test.microsoft.com"


def test_entra_add_single_value() -> None:
    assert patch(user(), "entra/add_single_value_without_flag")["nickName"] == "Babs"


def test_rfc_add_without_path_merges_multi_valued() -> None:
    patched = patch(user(), "rfc7644/patch_add_no_path")
    assert patched["nickName"] == "Babs"
    # the home email already exists: add does not duplicate it
    assert patched["emails"] == user()["emails"]


def test_rfc_replace_without_path_replaces_the_list() -> None:
    patched = patch(user(), "rfc7644/patch_replace_no_path")
    assert patched["emails"] == [
        {"value": "bjensen@example.com", "type": "work", "primary": True},
        {"value": "babs@jensen.org", "type": "home"},
    ]


def test_rfc_replace_filtered_value_and_sub_attribute() -> None:
    patched = patch(user(), "rfc7644/patch_replace_address")
    assert patched["addresses"][0]["streetAddress"] == "911 Universal City Plaza"
    assert patched["addresses"][0]["postalCode"] == "91608"
    patched = patch(patched, "rfc7644/patch_replace_street")
    assert patched["addresses"][0]["streetAddress"] == "1010 Broadway Ave"
    assert patched["addresses"][0]["postalCode"] == "91608"


def test_rfc_remove_filtered_values() -> None:
    patched = patch(user(), "rfc7644/patch_remove_filtered_emails")
    assert patched["emails"] == [{"value": "babs@jensen.org", "type": "home"}]


def test_primary_moves_when_a_new_primary_is_added() -> None:
    ops = parse_patch(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "add", "path": "emails", "value": [{"value": "n@x", "type": "other", "primary": True}]}
            ],
        }
    )
    patched = apply_operations(user(), ops)
    assert [e.get("primary") for e in patched["emails"]] == [False, None, True]


def test_sub_attribute_paths_and_removal() -> None:
    ops = parse_patch(
        {
            "Operations": [
                {"op": "add", "path": "name.middleName", "value": "J"},
                {"op": "remove", "path": "name.givenName"},
                {"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": "m1"}},
                {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Sales"},
                {"op": "add", "path": "urn:example:ext:1.0:User:badge", "value": "42"},
            ]
        }
    )
    patched = apply_operations(user(), ops)
    assert patched["name"] == {"familyName": "Jensen", "middleName": "J"}
    assert patched[ENTERPRISE] == {"manager": {"value": "m1"}, "department": "Sales"}
    assert patched["urn:example:ext:1.0:User"] == {"badge": "42"}


def test_case_insensitive_attribute_names() -> None:
    ops = parse_patch({"Operations": [{"op": "replace", "path": "NAME.GIVENNAME", "value": "B"}]})
    assert apply_operations(user(), ops)["name"]["givenName"] == "B"


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ({"Operations": [{"op": "move", "path": "x", "value": 1}]}, "invalidSyntax"),
        ({"Operations": []}, "invalidSyntax"),
        ({"schemas": ["urn:wrong"], "Operations": [{"op": "add", "path": "x", "value": 1}]}, "invalidSyntax"),
        ({"Operations": [{"op": "remove"}]}, "noTarget"),
        ({"Operations": [{"op": "add", "path": "emails[type eq", "value": 1}]}, "invalidPath"),
        ({"Operations": [{"op": "add", "value": "not an object"}]}, "invalidValue"),
        ({"Operations": [{"op": "replace", "path": "id", "value": "other"}]}, "mutability"),
    ],
)
def test_bad_patches(body: dict[str, Any], scim_type: str) -> None:
    with pytest.raises(ScimError) as info:
        apply_operations(user(), parse_patch(body))
    assert info.value.status == 400
    assert info.value.scim_type == scim_type


def test_replace_filter_without_match_and_no_seed_is_no_target() -> None:
    ops = parse_patch(
        {"Operations": [{"op": "replace", "path": 'emails[value co "zzz"].type', "value": "x"}]}
    )
    with pytest.raises(ScimError) as info:
        apply_operations(user(), ops)
    assert info.value.scim_type == "noTarget"


def test_okta_group_rename_carries_the_id() -> None:
    group = {"id": "abf4dd94-a4c0-4f67-89c9-76b03340cb9b", "displayName": "Old"}
    rest, steps = split_member_operations(parse_patch(fixtures.body("okta/group_rename")))
    assert steps == []
    assert apply_operations(group, rest)["displayName"] == "Test SCIMv2"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "okta/group_membership",
            [
                ("remove", ["89bb1940-b905-4575-9e7f-6f887cfb368e"]),
                ("add", ["23a35c27-23d3-4c03-b4c5-6443c09e7173"]),
            ],
        ),
        (
            "okta/group_replace_members",
            [("replace", ["23a35c27-23d3-4c03-b4c5-6443c09e7173", "89bb1940-b905-4575-9e7f-6f887cfb368e"])],
        ),
        ("entra/group_add_members", [("add", ["f648f8d5ea4e4cd38e9c"])]),
        ("entra/group_remove_members", [("remove", ["f648f8d5ea4e4cd38e9c"])]),
        ("entra/remove_member_without_flag", [("remove", ["u1091"])]),
        ("entra/remove_member_with_flag", [("remove", ["7f4bc1a3-285e-48ae-8202-5accb43efb0e"])]),
        ("rfc7644/patch_add_member", [("add", ["2819c223-7f76-453a-919d-413861904646"])]),
        ("rfc7644/patch_remove_member", [("remove", ["2819c223-7f76-453a-919d-413861904646"])]),
        ("rfc7644/patch_remove_all_members", [("replace", [])]),
        (
            "rfc7644/patch_remove_all_then_add_members",
            [
                ("replace", []),
                ("add", ["2819c223-7f76-453a-919d-413861904646", "08e1d05d-121c-4561-8b96-473d93df9210"]),
            ],
        ),
    ],
)
def test_member_operations_become_steps(name: str, expected: list[Any]) -> None:
    rest, steps = split_member_operations(parse_patch(fixtures.body(name)))
    assert rest == []
    assert steps == expected


def test_members_in_a_no_path_value_and_or_filters() -> None:
    body = {
        "Operations": [
            {"op": "add", "value": {"members": [{"value": "a"}], "displayName": "G"}},
            {"op": "remove", "path": 'members[value eq "b" or value eq "c"]'},
        ]
    }
    rest, steps = split_member_operations(parse_patch(body))
    assert steps == [("add", ["a"]), ("remove", ["b", "c"])]
    assert len(rest) == 1
    with pytest.raises(ScimError):
        split_member_operations(
            parse_patch({"Operations": [{"op": "remove", "path": 'members[display eq "x"]'}]})
        )


# --- no crash on arbitrary PATCH bodies -------------------------------------------------------


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["True", "False", "", "x", "work"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["value", "type", "primary", "a"]), inner, max_size=3)
    ),
    max_leaves=8,
)
_paths = st.sampled_from(
    [
        None,
        "",
        "emails",
        'emails[type eq "work"].value',
        'emails[type eq "work"]',
        "emails.value",
        "name.givenName",
        "name",
        "active",
        "id",
        "members",
        'members[value eq "x"]',
        f"{ENTERPRISE}:manager",
        f"{ENTERPRISE}:manager.value",
        ENTERPRISE,
        "urn:x:y:1.0:User:z",
        'addresses[type eq "work" or primary eq true].locality',
        "bad path[",
        "userName",
    ]
)
_ops = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "Replace", "remove", "REMOVE", "copy"])},
    optional={"path": _paths, "value": _json | st.dictionaries(_paths.filter(bool), _json, max_size=3)},
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ops, min_size=1, max_size=4))
def test_arbitrary_patches_fail_cleanly(operations: list[dict[str, Any]]) -> None:
    try:
        ops = parse_patch({"Operations": operations})
        patched = mapping.canonicalize(apply_operations(user(), ops), "User")
        mapping.user_from_scim(patched, user_id="du_1")
        split_member_operations(ops)
    except ScimError as exc:
        assert 400 <= exc.status < 500


def test_legacy_entra_manager_path_lands_in_the_enterprise_extension() -> None:
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {
                "op": "Add",
                "path": "manager",
                "value": [
                    {
                        "$ref": "http://.../scim/Users/2819c223-7f76-453a-919d-413861904646",
                        "value": "2819c223-7f76-453a-919d-413861904646",
                    }
                ],
            }
        ],
    }
    patched = patch_body(user(), body)
    upsert = mapping.user_from_scim(patched, user_id="du_1")
    assert upsert.manager_external_id == "2819c223-7f76-453a-919d-413861904646"
    assert "manager" not in patched


def patch_body(resource: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return mapping.canonicalize(apply_operations(resource, parse_patch(body)), "User")
