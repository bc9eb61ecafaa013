from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.delivery_attempt_request_headers import DeliveryAttemptRequestHeaders


T = TypeVar("T", bound="DeliveryAttempt")


@_attrs_define
class DeliveryAttempt:
    """
    Attributes:
        attempt (int):
        created_at (datetime.datetime):
        directory_id (None | str):
        endpoint_id (str):
        error (None | str):
        event_id (str):
        event_type (str):
        id (str):
        latency_ms (float):
        outcome (str): delivered | retrying | given_up
        replay (bool):
        request_headers (DeliveryAttemptRequestHeaders):
        response_excerpt (None | str):
        sequence (int | None):
        status (int | None):
        test (bool):
    """

    attempt: int
    created_at: datetime.datetime
    directory_id: None | str
    endpoint_id: str
    error: None | str
    event_id: str
    event_type: str
    id: str
    latency_ms: float
    outcome: str
    replay: bool
    request_headers: DeliveryAttemptRequestHeaders
    response_excerpt: None | str
    sequence: int | None
    status: int | None
    test: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        created_at = self.created_at.isoformat()

        directory_id: None | str
        directory_id = self.directory_id

        endpoint_id = self.endpoint_id

        error: None | str
        error = self.error

        event_id = self.event_id

        event_type = self.event_type

        id = self.id

        latency_ms = self.latency_ms

        outcome = self.outcome

        replay = self.replay

        request_headers = self.request_headers.to_dict()

        response_excerpt: None | str
        response_excerpt = self.response_excerpt

        sequence: int | None
        sequence = self.sequence

        status: int | None
        status = self.status

        test = self.test

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt": attempt,
                "created_at": created_at,
                "directory_id": directory_id,
                "endpoint_id": endpoint_id,
                "error": error,
                "event_id": event_id,
                "event_type": event_type,
                "id": id,
                "latency_ms": latency_ms,
                "outcome": outcome,
                "replay": replay,
                "request_headers": request_headers,
                "response_excerpt": response_excerpt,
                "sequence": sequence,
                "status": status,
                "test": test,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.delivery_attempt_request_headers import DeliveryAttemptRequestHeaders

        d = dict(src_dict)
        attempt = d.pop("attempt")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_directory_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        directory_id = _parse_directory_id(d.pop("directory_id"))

        endpoint_id = d.pop("endpoint_id")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        event_id = d.pop("event_id")

        event_type = d.pop("event_type")

        id = d.pop("id")

        latency_ms = d.pop("latency_ms")

        outcome = d.pop("outcome")

        replay = d.pop("replay")

        request_headers = DeliveryAttemptRequestHeaders.from_dict(d.pop("request_headers"))

        def _parse_response_excerpt(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        response_excerpt = _parse_response_excerpt(d.pop("response_excerpt"))

        def _parse_sequence(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        sequence = _parse_sequence(d.pop("sequence"))

        def _parse_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status = _parse_status(d.pop("status"))

        test = d.pop("test")

        delivery_attempt = cls(
            attempt=attempt,
            created_at=created_at,
            directory_id=directory_id,
            endpoint_id=endpoint_id,
            error=error,
            event_id=event_id,
            event_type=event_type,
            id=id,
            latency_ms=latency_ms,
            outcome=outcome,
            replay=replay,
            request_headers=request_headers,
            response_excerpt=response_excerpt,
            sequence=sequence,
            status=status,
            test=test,
        )

        delivery_attempt.additional_properties = d
        return delivery_attempt

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
