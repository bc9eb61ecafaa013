"""The one small base for wire Structs."""

from __future__ import annotations

from typing import Annotated

import msgspec


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies: unknown fields are an error, not silently dropped."""


class Output(msgspec.Struct, kw_only=True):
    """Base of response bodies."""


# Postgres text cannot hold NUL; saying so in the schema keeps clients and fuzzers honest.
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, msgspec.Meta(pattern=NO_NUL)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
