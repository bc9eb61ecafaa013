"""The body of ``POST /Users/.search`` and ``POST /Groups/.search`` (RFC 7644 §3.4.3).

A SearchRequest carries the query parameters of RFC 7644 §3.4.2 as JSON: ``attributes`` and
``excludedAttributes`` are arrays of attribute paths, ``startIndex`` and ``count`` integers.
Member names are matched case-insensitively, like every SCIM attribute name (RFC 7643 §2.1).
"""

from __future__ import annotations

from typing import Any

import msgspec

from app.scim import schema
from app.scim.errors import ScimError


class SearchRequest(msgspec.Struct, kw_only=True, frozen=True):
    filter: str | None = None
    start_index: int = 1
    count: int | None = None
    sort_by: str | None = None
    sort_order: str | None = None
    attributes: str | None = None  # comma-separated, as the query parameter
    excluded_attributes: str | None = None


_STRINGS = {"filter": "filter", "sortby": "sort_by", "sortorder": "sort_order"}
_INTEGERS = {"startindex": "start_index", "count": "count"}
_LISTS = {"attributes": "attributes", "excludedattributes": "excluded_attributes"}


def _text(name: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ScimError(400, f"{name} must be a string", "invalidValue")


def _integer(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScimError(400, f"{name} must be an integer", "invalidValue")
    return value


def _names(name: str, value: Any) -> str | None:
    """An array of attribute names (a comma-separated string is accepted too)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    raise ScimError(400, f"{name} must be an array of attribute names", "invalidValue")


def parse_search(body: Any) -> SearchRequest:
    if not isinstance(body, dict):
        raise ScimError(400, "a search body must be a SearchRequest object", "invalidSyntax")
    fields: dict[str, Any] = {}
    for key, value in body.items():
        lowered = key.lower()
        if lowered == "schemas":
            if not isinstance(value, list) or schema.SEARCH_REQUEST.lower() not in [
                str(s).lower() for s in value
            ]:
                raise ScimError(400, f"schemas must contain {schema.SEARCH_REQUEST}", "invalidSyntax")
        elif lowered in _STRINGS:
            fields[_STRINGS[lowered]] = _text(key, value)
        elif lowered in _INTEGERS:
            fields[_INTEGERS[lowered]] = _integer(key, value)
        elif lowered in _LISTS:
            fields[_LISTS[lowered]] = _names(key, value)
    if fields.get("start_index") is None:
        fields.pop("start_index", None)
    return SearchRequest(**fields)
