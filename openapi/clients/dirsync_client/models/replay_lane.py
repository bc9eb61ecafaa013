from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayLane")


@_attrs_define
class ReplayLane:
    """
    Attributes:
        directory_id (None | str):
        id (str):
        event_id (None | str | Unset):
        failed_since (datetime.datetime | None | Unset):
        from_sequence (int | None | Unset):
        to_sequence (int | None | Unset):
    """

    directory_id: None | str
    id: str
    event_id: None | str | Unset = UNSET
    failed_since: datetime.datetime | None | Unset = UNSET
    from_sequence: int | None | Unset = UNSET
    to_sequence: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        directory_id: None | str
        directory_id = self.directory_id

        id = self.id

        event_id: None | str | Unset
        if isinstance(self.event_id, Unset):
            event_id = UNSET
        else:
            event_id = self.event_id

        failed_since: None | str | Unset
        if isinstance(self.failed_since, Unset):
            failed_since = UNSET
        elif isinstance(self.failed_since, datetime.datetime):
            failed_since = self.failed_since.isoformat()
        else:
            failed_since = self.failed_since

        from_sequence: int | None | Unset
        if isinstance(self.from_sequence, Unset):
            from_sequence = UNSET
        else:
            from_sequence = self.from_sequence

        to_sequence: int | None | Unset
        if isinstance(self.to_sequence, Unset):
            to_sequence = UNSET
        else:
            to_sequence = self.to_sequence

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "directory_id": directory_id,
                "id": id,
            }
        )
        if event_id is not UNSET:
            field_dict["event_id"] = event_id
        if failed_since is not UNSET:
            field_dict["failed_since"] = failed_since
        if from_sequence is not UNSET:
            field_dict["from_sequence"] = from_sequence
        if to_sequence is not UNSET:
            field_dict["to_sequence"] = to_sequence

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_directory_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        directory_id = _parse_directory_id(d.pop("directory_id"))

        id = d.pop("id")

        def _parse_event_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        event_id = _parse_event_id(d.pop("event_id", UNSET))

        def _parse_failed_since(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                failed_since_type_0 = datetime.datetime.fromisoformat(data)

                return failed_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        failed_since = _parse_failed_since(d.pop("failed_since", UNSET))

        def _parse_from_sequence(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        from_sequence = _parse_from_sequence(d.pop("from_sequence", UNSET))

        def _parse_to_sequence(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        to_sequence = _parse_to_sequence(d.pop("to_sequence", UNSET))

        replay_lane = cls(
            directory_id=directory_id,
            id=id,
            event_id=event_id,
            failed_since=failed_since,
            from_sequence=from_sequence,
            to_sequence=to_sequence,
        )

        replay_lane.additional_properties = d
        return replay_lane

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
