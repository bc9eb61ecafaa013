"""The SCIM filter parser (RFC 7644 §3.4.2.2): examples, errors, round trip, no crash."""

from __future__ import annotations

import contextlib
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scim.filter import (
    And,
    AttrPath,
    Compare,
    FilterError,
    Node,
    Not,
    Or,
    PatchPath,
    ValuePath,
    parse_filter,
    parse_path,
    to_string,
)
from tests.scim import fixtures


@pytest.mark.parametrize("text", fixtures.load("rfc7644/filters")["request"]["filters"])
def test_every_rfc_example_parses_and_round_trips(text: str) -> None:
    node = parse_filter(text)
    assert parse_filter(to_string(node)) == node


def test_precedence_not_and_or() -> None:
    node = parse_filter("a eq 1 or b eq 2 and not (c pr)")
    assert node == Or(
        Compare(AttrPath("a"), "eq", 1),
        And(Compare(AttrPath("b"), "eq", 2), Not(Compare(AttrPath("c"), "pr"))),
    )


def test_operators_and_attribute_names_are_case_insensitive_in_parsing() -> None:
    node = parse_filter('USERNAME EQ "x" AND Title PR')
    assert node == And(Compare(AttrPath("USERNAME"), "eq", "x"), Compare(AttrPath("Title"), "pr"))


def test_urn_prefixed_attribute() -> None:
    node = parse_filter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m1"')
    assert node == Compare(
        AttrPath("manager", "value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"), "eq", "m1"
    )


def test_value_path() -> None:
    node = parse_filter('emails[type eq "work" and value co "@x"]')
    assert node == ValuePath(
        AttrPath("emails"),
        And(Compare(AttrPath("type"), "eq", "work"), Compare(AttrPath("value"), "co", "@x")),
    )


def test_literals() -> None:
    assert parse_filter("a eq true") == Compare(AttrPath("a"), "eq", True)
    assert parse_filter("a eq null") == Compare(AttrPath("a"), "eq", None)
    assert parse_filter("a gt -1.5e3") == Compare(AttrPath("a"), "gt", -1500.0)
    assert parse_filter('a eq "q\\"uote"') == Compare(AttrPath("a"), "eq", 'q"uote')
    # Entra's own samples leave values unquoted: read a bare word as a string.
    assert parse_filter("userName eq jdoe") == Compare(AttrPath("userName"), "eq", "jdoe")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "userName",
        'userName zz "x"',
        "userName eq",
        '(userName eq "x"',
        'userName eq "x")',
        'emails[type eq "work"',
        'not userName eq "x"',
        'userName eq "x" and',
        'a.b.c eq "x"',
        '"x" eq userName',
        'userName eq "unterminated',
        'emails[type eq "w"].value eq "x"',
        "a eq 1e999",
        "(" * 100 + "a pr" + ")" * 100,
    ],
)
def test_invalid_filters_raise_invalid_filter(text: str) -> None:
    with pytest.raises(FilterError) as info:
        parse_filter(text)
    assert info.value.scim_type in ("invalidFilter", "tooMany")


def test_patch_paths() -> None:
    assert parse_path('emails[type eq "work"].value') == PatchPath(
        AttrPath("emails"), Compare(AttrPath("type"), "eq", "work"), "value"
    )
    assert parse_path("name.givenName") == PatchPath(AttrPath("name", "givenName"))
    assert str(parse_path('members[value eq "1"]')) == 'members[value eq "1"]'
    with pytest.raises(FilterError) as info:
        parse_path("emails[type eq ]")
    assert info.value.scim_type in ("invalidFilter", "invalidPath")


# --- property tests -------------------------------------------------------------------------

_names = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,8}\Z").filter(
    lambda s: s.lower() not in ("and", "or", "not", "pr", "true", "false", "null")
)
_uris = st.sampled_from(
    [
        None,
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ]
)
_attrs = st.builds(AttrPath, _names, st.none() | _names, _uris)
_values = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_ops = st.sampled_from(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"])
_compares = st.builds(Compare, _attrs, _ops, _values) | st.builds(lambda a: Compare(a, "pr"), _attrs)


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return (
        st.builds(And, children, children)
        | st.builds(Or, children, children)
        | st.builds(Not, children)
        | st.builds(ValuePath, st.builds(AttrPath, _names), children)
    )


_nodes = st.recursive(_compares, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_nodes)
def test_round_trip_ast_string_ast(node: Node) -> None:
    assert parse_filter(to_string(node)) == node


_alphabet = st.sampled_from([*list(string.printable), "[", "]", "(", ")", '"', "\\", "é", "\x00"])
_fragments = st.sampled_from(
    [
        " eq ",
        " and ",
        " or ",
        "not (",
        ")",
        "(",
        "[",
        "]",
        '"x"',
        " pr",
        "emails",
        ".value",
        "urn:a:b:",
        " 12 ",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_fragments | st.text(_alphabet, max_size=6), max_size=12).map("".join))
def test_no_crash_on_arbitrary_input(text: str) -> None:
    try:
        node = parse_filter(text)
    except FilterError as exc:
        assert exc.detail
        return
    assert parse_filter(to_string(node)) == node  # whatever parses also round-trips


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_no_crash_on_arbitrary_paths(text: str) -> None:
    with contextlib.suppress(FilterError):
        parse_path(text)
