from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ReplayTime")


@_attrs_define
class ReplayTime:
    """
    Attributes:
        kind (Literal['time']):
        since (datetime.datetime):
        directory_ids (list[str] | None | Unset):
        until (datetime.datetime | None | Unset):
    """

    kind: Literal["time"]
    since: datetime.datetime
    directory_ids: list[str] | None | Unset = UNSET
    until: datetime.datetime | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        since = self.since.isoformat()

        directory_ids: list[str] | None | Unset
        if isinstance(self.directory_ids, Unset):
            directory_ids = UNSET
        elif isinstance(self.directory_ids, list):
            directory_ids = self.directory_ids

        else:
            directory_ids = self.directory_ids

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.datetime):
            until = self.until.isoformat()
        else:
            until = self.until

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "since": since,
            }
        )
        if directory_ids is not UNSET:
            field_dict["directory_ids"] = directory_ids
        if until is not UNSET:
            field_dict["until"] = until

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = cast(Literal["time"], d.pop("kind"))
        if kind != "time":
            raise ValueError(f"kind must match const 'time', got '{kind}'")

        since = datetime.datetime.fromisoformat(d.pop("since"))

        def _parse_directory_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                directory_ids_type_0 = cast(list[str], data)

                return directory_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        directory_ids = _parse_directory_ids(d.pop("directory_ids", UNSET))

        def _parse_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.datetime.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        replay_time = cls(
            kind=kind,
            since=since,
            directory_ids=directory_ids,
            until=until,
        )

        return replay_time
