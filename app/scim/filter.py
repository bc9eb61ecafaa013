"""SCIM filters and PATCH paths (RFC 7644 §3.4.2.2, §3.5.2): parsed once into an AST.

The grammar, with precedence ``not`` > ``and`` > ``or``::

    FILTER    = attrExp / logExp / valuePath / "not" "(" FILTER ")" / "(" FILTER ")"
    valuePath = attrPath "[" valFilter "]"
    attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
    attrPath  = [URI ":"] ATTRNAME *1subAttr
    PATH      = attrPath / valuePath [subAttr]          (PATCH ``path``)

Attribute names and operators are case-insensitive. As IdPs' own samples show unquoted string
values (``userName eq jdoe``), a bare word that is not ``true``/``false``/``null`` or a number is
read as a string. Everything else that does not parse raises ``FilterError``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

COMPARE_OPS = frozenset({"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"})
MAX_FILTER_LENGTH = 4096
MAX_DEPTH = 64

_ATTRNAME = r"(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)"
_ATTR_PATH = re.compile(
    rf"^(?:(?P<uri>urn:[A-Za-z0-9.:_-]*?):)?(?P<name>{_ATTRNAME})(?:\.(?P<sub>{_ATTRNAME}))?$"
)
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<punct>[()\[\]])
      | (?P<string>"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")
      | (?P<word>[^\s()\[\]"]+)
    )""",
    re.VERBOSE,
)


class FilterError(ValueError):
    """The filter (or PATCH path) does not parse; ``scim_type`` is the RFC 7644 §3.12 scimType."""

    def __init__(self, detail: str, scim_type: str = "invalidFilter") -> None:
        super().__init__(detail)
        self.detail = detail
        self.scim_type = scim_type


class AttrPath(msgspec.Struct, frozen=True):
    """``[uri:]name[.sub]``; ``uri`` is kept as written, names are compared case-insensitively."""

    name: str
    sub: str | None = None
    uri: str | None = None

    def __str__(self) -> str:
        text = f"{self.uri}:{self.name}" if self.uri else self.name
        return f"{text}.{self.sub}" if self.sub else text


class Compare(msgspec.Struct, frozen=True, tag="compare"):
    attr: AttrPath
    op: str  # lower case: one of COMPARE_OPS or "pr"
    value: Any = None


class And(msgspec.Struct, frozen=True, tag="and"):
    left: Node
    right: Node


class Or(msgspec.Struct, frozen=True, tag="or"):
    left: Node
    right: Node


class Not(msgspec.Struct, frozen=True, tag="not"):
    inner: Node


class ValuePath(msgspec.Struct, frozen=True, tag="value_path"):
    attr: AttrPath
    filter: Node


Node = Compare | And | Or | Not | ValuePath


class PatchPath(msgspec.Struct, frozen=True):
    """A PATCH ``path``: an attribute, optionally narrowed by a value filter and a sub-attribute."""

    attr: AttrPath
    filter: Node | None = None
    sub: str | None = None

    def __str__(self) -> str:
        if self.filter is None:
            return str(self.attr)
        text = f"{self.attr}[{to_string(self.filter)}]"
        return f"{text}.{self.sub}" if self.sub else text


# --- lexing ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"filter longer than {MAX_FILTER_LENGTH} characters", "tooMany")
    found: list[tuple[str, str]] = []
    pos = 0
    end = len(text.rstrip())
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise FilterError(f"unexpected character at position {pos}: {text[pos : pos + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


def parse_attr_path(text: str, *, scim_type: str = "invalidFilter") -> AttrPath:
    match = _ATTR_PATH.match(text)
    if match is None:
        raise FilterError(f"not an attribute path: {text[:100]!r}", scim_type)
    return AttrPath(name=match["name"], sub=match["sub"], uri=match["uri"])


def _literal(kind: str, text: str) -> Any:
    if kind == "string":
        try:
            return json.loads(text)
        except ValueError:
            raise FilterError(f"invalid string literal {text[:40]!r}") from None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if _NUMBER.match(text):
        number = float(text) if any(c in text for c in ".eE") else int(text)
        if isinstance(number, float) and number in (float("inf"), float("-inf")):
            raise FilterError(f"number out of range: {text[:40]}")
        return number
    return text  # lenient: an unquoted string (seen in IdP samples)


# --- parsing --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FilterError("filter ended unexpectedly")
        self.pos += 1
        return token

    def expect(self, punct: str) -> None:
        kind, text = self.take()
        if kind != "punct" or text != punct:
            raise FilterError(f"expected {punct!r}, found {text[:40]!r}")

    def at_word(self, *words: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "word" and token[1].lower() in words

    def parse_or(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterError("filter nested too deeply")
        node = self.parse_and()
        while self.at_word("or"):
            self.pos += 1
            node = Or(node, self.parse_and())
        self.depth -= 1
        return node

    def parse_and(self) -> Node:
        node = self.parse_unary()
        while self.at_word("and"):
            self.pos += 1
            node = And(node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        kind, text = self.take()
        if kind == "punct" and text == "(":
            inner = self.parse_or()
            self.expect(")")
            return inner
        if kind == "word" and text.lower() == "not":
            self.expect("(")
            inner = self.parse_or()
            self.expect(")")
            return Not(inner)
        if kind != "word":
            raise FilterError(f"expected an attribute, found {text[:40]!r}")
        attr = parse_attr_path(text)
        token = self.peek()
        if token == ("punct", "["):
            if attr.sub is not None:
                raise FilterError(f"a value filter cannot follow a sub-attribute: {text[:60]!r}")
            self.pos += 1
            inner = self.parse_or()
            self.expect("]")
            return ValuePath(attr, inner)
        return self.parse_comparison(attr)

    def parse_comparison(self, attr: AttrPath) -> Node:
        kind, text = self.take()
        op = text.lower()
        if kind != "word" or (op not in COMPARE_OPS and op != "pr"):
            raise FilterError(f"expected an operator after {attr}, found {text[:40]!r}")
        if op == "pr":
            return Compare(attr, "pr")
        kind, text = self.take()
        if kind == "punct":
            raise FilterError(f"expected a value after {attr} {op}, found {text!r}")
        return Compare(attr, op, _literal(kind, text))


def parse_filter(text: str) -> Node:
    """Parse a ``filter`` query parameter; raises ``FilterError`` (scimType invalidFilter)."""
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise FilterError("empty filter")
    node = parser.parse_or()
    if parser.peek() is not None:
        raise FilterError(f"unexpected {parser.peek()[1][:40]!r} after the filter")  # type: ignore[index]
    return node


def parse_path(text: str) -> PatchPath:
    """Parse a PATCH ``path`` (RFC 7644 §3.5.2); raises ``FilterError`` with scimType invalidPath."""
    text = text.strip()
    bracket = text.find("[")
    if bracket < 0:
        return PatchPath(parse_attr_path(text, scim_type="invalidPath"))
    close = text.rfind("]")
    if close < bracket:
        raise FilterError(f"unbalanced brackets in path {text[:100]!r}", "invalidPath")
    attr = parse_attr_path(text[:bracket], scim_type="invalidPath")
    if attr.sub is not None:
        raise FilterError(f"a value filter cannot follow a sub-attribute: {text[:100]!r}", "invalidPath")
    inner = parse_filter(text[bracket + 1 : close])
    rest = text[close + 1 :]
    sub = None
    if rest:
        if not rest.startswith(".") or not re.fullmatch(_ATTRNAME, rest[1:]):
            raise FilterError(f"unexpected {rest[:40]!r} after the value filter", "invalidPath")
        sub = rest[1:]
    return PatchPath(attr, inner, sub)


# --- rendering ------------------------------------------------------------------------------


def _render_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return json.dumps(value)


def _group(node: Node) -> str:
    text = to_string(node)
    return f"({text})" if isinstance(node, And | Or) else text


def to_string(node: Node) -> str:
    """Render an AST as a filter that parses back to the same AST."""
    if isinstance(node, Compare):
        if node.op == "pr":
            return f"{node.attr} pr"
        return f"{node.attr} {node.op} {_render_value(node.value)}"
    if isinstance(node, And):
        return f"{_group(node.left)} and {_group(node.right)}"
    if isinstance(node, Or):
        return f"{_group(node.left)} or {_group(node.right)}"
    if isinstance(node, Not):
        return f"not ({to_string(node.inner)})"
    return f"{node.attr}[{to_string(node.filter)}]"


__all__ = [
    "COMPARE_OPS",
    "And",
    "AttrPath",
    "Compare",
    "FilterError",
    "Node",
    "Not",
    "Or",
    "PatchPath",
    "ValuePath",
    "parse_attr_path",
    "parse_filter",
    "parse_path",
    "to_string",
]
