from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayRange")


@_attrs_define
class ReplayRange:
    """
    Attributes:
        directory_id (str):
        from_sequence (int):
        kind (Literal['range']):
        to_sequence (int | None | Unset):
    """

    directory_id: str
    from_sequence: int
    kind: Literal["range"]
    to_sequence: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        directory_id = self.directory_id

        from_sequence = self.from_sequence

        kind = self.kind

        to_sequence: int | None | Unset
        if isinstance(self.to_sequence, Unset):
            to_sequence = UNSET
        else:
            to_sequence = self.to_sequence

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "directory_id": directory_id,
                "from_sequence": from_sequence,
                "kind": kind,
            }
        )
        if to_sequence is not UNSET:
            field_dict["to_sequence"] = to_sequence

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        directory_id = d.pop("directory_id")

        from_sequence = d.pop("from_sequence")

        kind = cast(Literal["range"], d.pop("kind"))
        if kind != "range":
            raise ValueError(f"kind must match const 'range', got '{kind}'")

        def _parse_to_sequence(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        to_sequence = _parse_to_sequence(d.pop("to_sequence", UNSET))

        replay_range = cls(
            directory_id=directory_id,
            from_sequence=from_sequence,
            kind=kind,
            to_sequence=to_sequence,
        )

        return replay_range
