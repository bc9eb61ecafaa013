from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReplayFailed")


@_attrs_define
class ReplayFailed:
    """
    Attributes:
        kind (Literal['failed']):
        since (datetime.datetime):
    """

    kind: Literal["failed"]
    since: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        since = self.since.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "since": since,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = cast(Literal["failed"], d.pop("kind"))
        if kind != "failed":
            raise ValueError(f"kind must match const 'failed', got '{kind}'")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        replay_failed = cls(
            kind=kind,
            since=since,
        )

        return replay_failed
