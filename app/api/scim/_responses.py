"""SCIM wire helpers: the media type, error bodies, list responses and attribute projection."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response

from app.scim import schema
from app.scim.filter import FilterError, parse_attr_path

MEDIA_TYPE = "application/scim+json"
_encode = msgspec.json.Encoder().encode


class ScimErrorBody(msgspec.Struct, kw_only=True, omit_defaults=True):
    """An RFC 7644 §3.12 error."""

    schemas: list[str] = msgspec.field(default_factory=lambda: [schema.ERROR_SCHEMA])
    status: Annotated[str, msgspec.Meta(description="The HTTP status code, as a string")]
    scimType: str | None = None  # noqa: N815 - the RFC's name
    detail: str | None = None


def scim_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(_encode(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def error_response(
    status: int, detail: str | None, scim_type: str | None = None, headers: dict[str, str] | None = None
) -> Response[bytes]:
    return scim_response(
        ScimErrorBody(status=str(status), scimType=scim_type, detail=detail), status, headers
    )


def list_response(resources: list[dict[str, Any]], total: int, start_index: int) -> dict[str, Any]:
    return {
        "schemas": [schema.LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def _names(text: str | None) -> list[tuple[str, str | None]]:
    """``attributes`` / ``excludedAttributes``: comma-separated paths as (top-level key, sub)."""
    if not text:
        return []
    names: list[tuple[str, str | None]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            attr = parse_attr_path(item)
        except FilterError:
            names.append((item.lower(), None))  # e.g. the extension URN itself
            continue
        if attr.uri and attr.uri.lower() not in schema.CORE_SCHEMAS:
            full = f"{attr.uri}:{attr.name}".lower()
            if (attr.sub is None and full.endswith(":user")) or full.endswith(":group"):
                names.append((full, None))
            else:
                names.append((attr.uri.lower(), attr.name.lower()))
        else:
            names.append((attr.name.lower(), attr.sub.lower() if attr.sub else None))
    return names


class Projection(msgspec.Struct, frozen=True):
    include: list[tuple[str, str | None]]
    exclude: list[tuple[str, str | None]]

    @classmethod
    def parse(cls, attributes: str | None, excluded: str | None) -> Projection:
        return cls(_names(attributes), _names(excluded))

    def wants(self, name: str) -> bool:
        """Whether top-level attribute ``name`` (e.g. ``members``, ``groups``) will be returned."""
        key = name.lower()
        if self.include:
            return any(top == key for top, _ in self.include)
        return not any(top == key and sub is None for top, sub in self.exclude)

    def apply(self, resource: dict[str, Any]) -> dict[str, Any]:
        """RFC 7644 §3.9: ``id`` and ``schemas`` are always returned."""
        if self.include:
            out: dict[str, Any] = {}
            for key, value in resource.items():
                lowered = key.lower()
                if lowered in ("id", "schemas"):
                    out[key] = value
                    continue
                subs = [sub for top, sub in self.include if top == lowered]
                if not subs:
                    continue
                if None in subs or not isinstance(value, dict | list):
                    out[key] = value
                else:
                    out[key] = _pick(value, {s for s in subs if s})
            return out
        out = dict(resource)
        for top, sub in self.exclude:
            found = next((k for k in out if k.lower() == top), None)
            if found is None or top in ("id", "schemas"):
                continue
            key = found
            if sub is None:
                del out[key]
            else:
                out[key] = _drop(out[key], sub)
        return out


def _pick(value: Any, subs: set[str]) -> Any:
    if isinstance(value, list):
        return [_pick(v, subs) for v in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k.lower() in subs}
    return value


def _drop(value: Any, sub: str) -> Any:
    if isinstance(value, list):
        return [_drop(v, sub) for v in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k.lower() != sub}
    return value
