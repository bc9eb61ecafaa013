from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReplayEvent")


@_attrs_define
class ReplayEvent:
    """
    Attributes:
        event_id (str):
        kind (Literal['event']):
    """

    event_id: str
    kind: Literal["event"]

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        kind = self.kind

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_id": event_id,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        event_id = d.pop("event_id")

        kind = cast(Literal["event"], d.pop("kind"))
        if kind != "event":
            raise ValueError(f"kind must match const 'event', got '{kind}'")

        replay_event = cls(
            event_id=event_id,
            kind=kind,
        )

        return replay_event
