"""The SCIM protocol error (RFC 7644 §3.12): an HTTP status, an optional scimType, a detail."""

from __future__ import annotations


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type
