from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sync_status_kind_type_1 import SyncStatusKindType1
from ..models.sync_status_kind_type_2_type_1 import SyncStatusKindType2Type1
from ..models.sync_status_kind_type_3_type_1 import SyncStatusKindType3Type1
from ..models.sync_status_phase import SyncStatusPhase

if TYPE_CHECKING:
    from ..models.sync_status_counts import SyncStatusCounts


T = TypeVar("T", bound="SyncStatus")


@_attrs_define
class SyncStatus:
    """
    Attributes:
        consecutive_failures (int):
        counts (SyncStatusCounts):
        directory_id (str):
        finished_at (datetime.datetime | None):
        groups_synced_at (datetime.datetime | None):
        initial_completed_at (datetime.datetime | None):
        kind (None | SyncStatusKindType1 | SyncStatusKindType2Type1 | SyncStatusKindType3Type1):
        last_error (None | str):
        last_error_at (datetime.datetime | None):
        live_channels (int):
        next_attempt_at (datetime.datetime | None):
        phase (SyncStatusPhase):
        started_at (datetime.datetime | None):
        users_synced_at (datetime.datetime | None):
    """

    consecutive_failures: int
    counts: SyncStatusCounts
    directory_id: str
    finished_at: datetime.datetime | None
    groups_synced_at: datetime.datetime | None
    initial_completed_at: datetime.datetime | None
    kind: None | SyncStatusKindType1 | SyncStatusKindType2Type1 | SyncStatusKindType3Type1
    last_error: None | str
    last_error_at: datetime.datetime | None
    live_channels: int
    next_attempt_at: datetime.datetime | None
    phase: SyncStatusPhase
    started_at: datetime.datetime | None
    users_synced_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        consecutive_failures = self.consecutive_failures

        counts = self.counts.to_dict()

        directory_id = self.directory_id

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        groups_synced_at: None | str
        if isinstance(self.groups_synced_at, datetime.datetime):
            groups_synced_at = self.groups_synced_at.isoformat()
        else:
            groups_synced_at = self.groups_synced_at

        initial_completed_at: None | str
        if isinstance(self.initial_completed_at, datetime.datetime):
            initial_completed_at = self.initial_completed_at.isoformat()
        else:
            initial_completed_at = self.initial_completed_at

        kind: None | str
        if (
            isinstance(self.kind, SyncStatusKindType1)
            or isinstance(self.kind, SyncStatusKindType2Type1)
            or isinstance(self.kind, SyncStatusKindType3Type1)
        ):
            kind = self.kind.value
        else:
            kind = self.kind

        last_error: None | str
        last_error = self.last_error

        last_error_at: None | str
        if isinstance(self.last_error_at, datetime.datetime):
            last_error_at = self.last_error_at.isoformat()
        else:
            last_error_at = self.last_error_at

        live_channels = self.live_channels

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        phase = self.phase.value

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        users_synced_at: None | str
        if isinstance(self.users_synced_at, datetime.datetime):
            users_synced_at = self.users_synced_at.isoformat()
        else:
            users_synced_at = self.users_synced_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "consecutive_failures": consecutive_failures,
                "counts": counts,
                "directory_id": directory_id,
                "finished_at": finished_at,
                "groups_synced_at": groups_synced_at,
                "initial_completed_at": initial_completed_at,
                "kind": kind,
                "last_error": last_error,
                "last_error_at": last_error_at,
                "live_channels": live_channels,
                "next_attempt_at": next_attempt_at,
                "phase": phase,
                "started_at": started_at,
                "users_synced_at": users_synced_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.sync_status_counts import SyncStatusCounts

        d = dict(src_dict)
        consecutive_failures = d.pop("consecutive_failures")

        counts = SyncStatusCounts.from_dict(d.pop("counts"))

        directory_id = d.pop("directory_id")

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_groups_synced_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                groups_synced_at_type_0 = datetime.datetime.fromisoformat(data)

                return groups_synced_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        groups_synced_at = _parse_groups_synced_at(d.pop("groups_synced_at"))

        def _parse_initial_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                initial_completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return initial_completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        initial_completed_at = _parse_initial_completed_at(d.pop("initial_completed_at"))

        def _parse_kind(
            data: object,
        ) -> None | SyncStatusKindType1 | SyncStatusKindType2Type1 | SyncStatusKindType3Type1:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_1 = SyncStatusKindType1(data)

                return kind_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_2_type_1 = SyncStatusKindType2Type1(data)

                return kind_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_3_type_1 = SyncStatusKindType3Type1(data)

                return kind_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SyncStatusKindType1 | SyncStatusKindType2Type1 | SyncStatusKindType3Type1, data)

        kind = _parse_kind(d.pop("kind"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_last_error_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_error_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_error_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_error_at = _parse_last_error_at(d.pop("last_error_at"))

        live_channels = d.pop("live_channels")

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        phase = SyncStatusPhase(d.pop("phase"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_users_synced_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                users_synced_at_type_0 = datetime.datetime.fromisoformat(data)

                return users_synced_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        users_synced_at = _parse_users_synced_at(d.pop("users_synced_at"))

        sync_status = cls(
            consecutive_failures=consecutive_failures,
            counts=counts,
            directory_id=directory_id,
            finished_at=finished_at,
            groups_synced_at=groups_synced_at,
            initial_completed_at=initial_completed_at,
            kind=kind,
            last_error=last_error,
            last_error_at=last_error_at,
            live_channels=live_channels,
            next_attempt_at=next_attempt_at,
            phase=phase,
            started_at=started_at,
            users_synced_at=users_synced_at,
        )

        sync_status.additional_properties = d
        return sync_status

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
