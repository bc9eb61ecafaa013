"""The one small base for wire Structs."""

from __future__ import annotations

import msgspec


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are an error, not silently dropped."""


class Output(msgspec.Struct, kw_only=True):
    """Base of response bodies."""
