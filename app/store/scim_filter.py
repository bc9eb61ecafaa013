"""Compile a SCIM filter AST (``app.scim.filter``) into a parameterised SQL condition.

Values only ever travel as ``$n`` parameters; the SQL text is built from fixed fragments and
column names chosen here. Modelled attributes compile to their columns (``userName`` to
``lower(username)``, so the unique expression index answers ``userName eq``); attributes we do not
model are looked up case-insensitively in ``raw_attributes``. ``caseExact=false`` attributes
(RFC 7643 §2.2) compare case-insensitively.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from app.scim import schema
from app.scim.filter import And, AttrPath, FilterError, Node, Not, Or, ValuePath


class Text(msgspec.Struct, frozen=True):
    expr: str
    case_exact: bool = False


class Active(msgspec.Struct, frozen=True):
    expr: str


class Time(msgspec.Struct, frozen=True):
    expr: str


class Json(msgspec.Struct, frozen=True):
    """A jsonb expression; multi-valued attributes match when any element does."""

    expr: str
    sub: str | None = None
    # Elements are objects we wrote ourselves with known lower-case keys (emails): look keys up
    # directly instead of scanning them case-insensitively.
    exact_keys: bool = False


class Membership(msgspec.Struct, frozen=True):
    """The other side of a membership, compared by id (``members.value``, ``groups.value``)."""

    exists: str  # an EXISTS subquery prefix ending in ``AND``; the compared column is ``other``


Operand = Text | Active | Time | Json | Membership
Resolver = Callable[[AttrPath], Operand]

_TEXT_OPS = {
    "eq": "{l} = {r}",
    "ne": "{l} IS DISTINCT FROM {r}",
    "co": "strpos({l}, {r}) > 0",
    "sw": "starts_with({l}, {r})",
    "ew": "right({l}, length({r})) = {r}",
    "gt": "{l} > {r}",
    "ge": "{l} >= {r}",
    "lt": "{l} < {r}",
    "le": "{l} <= {r}",
}
_ORDER_OPS = {"eq": "=", "ne": "IS DISTINCT FROM", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


class SqlFilter:
    """Collects parameters while compiling; ``first_param`` follows the caller's own ``$1..``."""

    def __init__(self, first_param: int) -> None:
        self.params: list[Any] = []
        self.first = first_param

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${self.first + len(self.params) - 1}"

    # --- nodes ---
    def compile(self, node: Node, resolve: Resolver) -> str:
        if isinstance(node, And):
            return f"({self.compile(node.left, resolve)} AND {self.compile(node.right, resolve)})"
        if isinstance(node, Or):
            return f"({self.compile(node.left, resolve)} OR {self.compile(node.right, resolve)})"
        if isinstance(node, Not):
            return f"(NOT coalesce({self.compile(node.inner, resolve)}, false))"
        if isinstance(node, ValuePath):
            return self.value_path(node, resolve)
        return self.compare(resolve(node.attr), node.op, node.value)

    def value_path(self, node: ValuePath, resolve: Resolver) -> str:
        """Unscoped by design: a subquery over one row's jsonb inside a tenant-scoped query."""
        operand = resolve(node.attr)
        if not isinstance(operand, Json) or operand.sub is not None:
            raise FilterError(f"{node.attr} is not a multi-valued complex attribute")

        def inner(attr: AttrPath) -> Operand:
            if attr.uri is not None or attr.sub is not None:
                raise FilterError(f"{attr} cannot be used inside {node.attr}[...]")
            return Json("e.elem", attr.name, operand.exact_keys)

        condition = self.compile(node.filter, inner)
        return f"EXISTS (SELECT 1 FROM {self.elements(operand.expr)} WHERE {condition})"

    # --- operands ---
    def compare(self, operand: Operand, op: str, value: Any) -> str:
        if isinstance(operand, Text):
            return self.text(operand.expr, op, value, case_exact=operand.case_exact)
        if isinstance(operand, Active):
            return self.active(operand.expr, op, value)
        if isinstance(operand, Time):
            return self.time(operand.expr, op, value)
        if isinstance(operand, Membership):
            return f"{operand.exists} {self.text('other', op, value, case_exact=True)})"
        return self.json(operand, op, value)

    def text(self, expr: str, op: str, value: Any, *, case_exact: bool) -> str:
        if op == "pr":
            return f"({expr} IS NOT NULL AND {expr} <> '')"
        if value is None:
            return self._null(expr, op)
        if isinstance(value, bool):
            value = "true" if value else "false"
        left, right = expr, self.param(str(value))
        if not case_exact:
            left, right = f"lower({expr})", f"lower({right})"
        return "(" + _TEXT_OPS[op].format(l=left, r=right) + ")"

    def _null(self, expr: str, op: str) -> str:
        if op == "eq":
            return f"({expr} IS NULL)"
        if op == "ne":
            return f"({expr} IS NOT NULL)"
        raise FilterError(f"{op} cannot compare with null")

    def active(self, expr: str, op: str, value: Any) -> str:
        if op == "pr":
            return "TRUE"
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if not isinstance(value, bool) or op not in ("eq", "ne"):
            raise FilterError("active compares only with eq/ne and true/false")
        wanted = value if op == "eq" else not value
        return f"({expr} = 'active')" if wanted else f"({expr} <> 'active')"

    def time(self, expr: str, op: str, value: Any) -> str:
        if op == "pr":
            return f"({expr} IS NOT NULL)"
        if op not in _ORDER_OPS or not isinstance(value, str):
            raise FilterError(f"{op} does not apply to a dateTime, or the value is not a dateTime string")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise FilterError(f"not a dateTime: {value[:40]!r}") from None
        if moment.tzinfo is None:
            raise FilterError(f"dateTime needs a time zone: {value[:40]!r}")
        return f"({expr} {_ORDER_OPS[op]} {self.param(moment)})"

    def elements(self, expr: str) -> str:
        """A multi-valued attribute's elements; a single value counts as a list of one."""
        return (
            f"jsonb_array_elements(CASE WHEN {expr} IS NULL THEN '[]'::jsonb "
            f"WHEN jsonb_typeof({expr}) = 'array' THEN {expr} ELSE jsonb_build_array({expr}) END) AS e(elem)"
        )

    def get(self, expr: str, key: str) -> str:
        """``expr -> key``, the key matched case-insensitively (attribute names are).

        Unscoped by design: a subquery over one row's jsonb inside a tenant-scoped query.
        """
        return (
            f"(SELECT kv.v FROM jsonb_each(CASE jsonb_typeof({expr}) WHEN 'object' THEN {expr} "
            f"ELSE '{{}}'::jsonb END) AS kv(k, v) WHERE lower(kv.k) = lower({self.param(key)}) LIMIT 1)"
        )

    def key(self, expr: str, key: str, *, exact: bool) -> str:
        if exact:
            return f"({expr} -> {self.param(key.lower())})"
        return self.get(expr, key)

    def json(self, operand: Json, op: str, value: Any) -> str:
        """Unscoped by design: a subquery over one row's jsonb inside a tenant-scoped query."""
        if operand.expr == "e.elem":  # inside a value path: compare one element's sub-attribute
            key = operand.sub or "value"
            return self.json_scalar(self.key("e.elem", key, exact=operand.exact_keys), op, value)
        sub = operand.sub
        expr = operand.expr
        if op == "pr" and sub is None:
            return f"(jsonb_typeof({expr}) IS NOT NULL AND {expr} NOT IN ('null', '\"\"', '[]', '{{}}'))"
        element = "e.elem"
        target = (
            self.key(element, sub, exact=operand.exact_keys)
            if sub
            else f"(CASE jsonb_typeof({element}) WHEN 'object' THEN "
            f"{self.key(element, 'value', exact=operand.exact_keys)} ELSE {element} END)"
        )
        condition = self.json_scalar(target, op, value)
        return f"EXISTS (SELECT 1 FROM {self.elements(expr)} WHERE {condition})"

    def json_scalar(self, expr: str, op: str, value: Any) -> str:
        text = f"({expr} #>> '{{}}')"
        if op == "pr":
            return f"({text} IS NOT NULL AND {text} <> '')"
        if value is None:
            return self._null(text, op)
        if isinstance(value, bool):
            if op not in ("eq", "ne"):
                raise FilterError(f"{op} does not apply to booleans")
            return self.text(text, op, value, case_exact=False)
        if isinstance(value, int | float):
            if op not in _ORDER_OPS:
                raise FilterError(f"{op} does not apply to numbers")
            number = f"(CASE jsonb_typeof({expr}) WHEN 'number' THEN ({text})::numeric END)"
            return f"({number} {_ORDER_OPS[op]} {self.param(value)}::numeric)"
        return self.text(text, op, value, case_exact=False)


# --- resolvers: attribute paths to operands -------------------------------------------------

_ENTERPRISE = schema.ENTERPRISE_SCHEMA.lower()
_USER_COLUMNS: dict[tuple[str | None, str, str | None], Operand] = {
    (None, "id", None): Text("u.id", case_exact=True),
    (None, "externalid", None): Text("u.external_id", case_exact=True),
    (None, "username", None): Text("u.username"),
    (None, "displayname", None): Text("u.display_name"),
    (None, "title", None): Text("u.job_title"),
    (None, "name", "givenname"): Text("u.first_name"),
    (None, "name", "familyname"): Text("u.last_name"),
    (None, "active", None): Active("u.state"),
    (None, "emails", None): Json("u.emails", exact_keys=True),
    (None, "meta", "created"): Time("u.created_at"),
    (None, "meta", "lastmodified"): Time("u.updated_at"),
    (_ENTERPRISE, "department", None): Text("u.department"),
    (_ENTERPRISE, "employeenumber", None): Text("u.employee_number"),
    (_ENTERPRISE, "manager", None): Text("u.manager_external_id", case_exact=True),
    (_ENTERPRISE, "manager", "value"): Text("u.manager_external_id", case_exact=True),
}
_USER_GROUPS = Membership(
    "EXISTS (SELECT 1 FROM directory_memberships m, LATERAL (SELECT m.group_id AS other) o "
    "WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id AND"
)
_GROUP_MEMBERS = Membership(
    "EXISTS (SELECT 1 FROM directory_memberships m, LATERAL (SELECT m.user_id AS other) o "
    "WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND"
)
_GROUP_COLUMNS: dict[tuple[str | None, str, str | None], Operand] = {
    (None, "id", None): Text("g.id", case_exact=True),
    (None, "externalid", None): Text("g.external_id", case_exact=True),
    (None, "displayname", None): Text("g.name"),
    (None, "meta", "created"): Time("g.created_at"),
    (None, "meta", "lastmodified"): Time("g.updated_at"),
    (None, "members", None): _GROUP_MEMBERS,
    (None, "members", "value"): _GROUP_MEMBERS,
}


def _uri(attr: AttrPath) -> str | None:
    if attr.uri is None or attr.uri.lower() in schema.CORE_SCHEMAS:
        return None
    return attr.uri.lower()


def resolver(builder: SqlFilter, resource_type: str) -> Resolver:
    """Map attribute paths of ``resource_type`` to operands over alias ``u`` (users) or ``g``."""
    columns = _USER_COLUMNS if resource_type == "User" else _GROUP_COLUMNS
    alias = "u" if resource_type == "User" else "g"

    def resolve(attr: AttrPath) -> Operand:
        uri, name = _uri(attr), attr.name.lower()
        sub = attr.sub.lower() if attr.sub else None
        found = columns.get((uri, name, sub))
        if found is not None:
            return found
        if resource_type == "User" and uri is None and name == "emails":
            return Json("u.emails", attr.sub, exact_keys=True)
        if resource_type == "User" and uri is None and name == "groups" and sub in (None, "value"):
            return _USER_GROUPS
        base = f"{alias}.raw_attributes"
        if uri is not None:
            base = builder.get(base, attr.uri or "")
        return Json(builder.get(base, attr.name), attr.sub)

    return resolve


def compile_filter(node: Node, resource_type: str, first_param: int) -> tuple[str, list[Any]]:
    """``(condition, params)`` for a parsed filter; raises ``FilterError`` for a bad comparison."""
    builder = SqlFilter(first_param)
    return builder.compile(node, resolver(builder, resource_type)), builder.params


_USER_SORT = {
    "username": "lower(u.username)",
    "externalid": "u.external_id",
    "displayname": "lower(u.display_name)",
    "name.givenname": "lower(u.first_name)",
    "name.familyname": "lower(u.last_name)",
    "title": "lower(u.job_title)",
    "active": "u.state",
    "emails": "lower(u.emails -> 0 ->> 'value')",
    "emails.value": "lower(u.emails -> 0 ->> 'value')",
    "meta.created": "u.created_at",
    "meta.lastmodified": "u.updated_at",
    "id": "u.id",
}
_GROUP_SORT = {
    "displayname": "lower(g.name)",
    "externalid": "g.external_id",
    "meta.created": "g.created_at",
    "meta.lastmodified": "g.updated_at",
    "id": "g.id",
}


def sort_expression(resource_type: str, sort_by: str) -> str:
    """The SQL expression for ``sortBy`` (RFC 7644 §3.4.2.3); unknown attributes raise."""
    table = _USER_SORT if resource_type == "User" else _GROUP_SORT
    key = sort_by.lower()
    if key.startswith(schema.USER_SCHEMA.lower() + ":") or key.startswith(schema.GROUP_SCHEMA.lower() + ":"):
        key = key.split(":")[-1]
    if key not in table:
        raise FilterError(f"cannot sort by {sort_by[:100]!r}", "invalidValue")
    return table[key]
