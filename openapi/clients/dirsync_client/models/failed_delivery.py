from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.webhook_endpoint_summary import WebhookEndpointSummary


T = TypeVar("T", bound="FailedDelivery")


@_attrs_define
class FailedDelivery:
    """
    Attributes:
        attempts (int):
        directory_id (None | str):
        endpoint (WebhookEndpointSummary):
        event_id (str):
        last_error (None | str):
        last_status (int | None):
        object_ (Literal['failed_delivery']):
        sequence (int | None):
    """

    attempts: int
    directory_id: None | str
    endpoint: WebhookEndpointSummary
    event_id: str
    last_error: None | str
    last_status: int | None
    object_: Literal["failed_delivery"]
    sequence: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        directory_id: None | str
        directory_id = self.directory_id

        endpoint = self.endpoint.to_dict()

        event_id = self.event_id

        last_error: None | str
        last_error = self.last_error

        last_status: int | None
        last_status = self.last_status

        object_ = self.object_

        sequence: int | None
        sequence = self.sequence

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "directory_id": directory_id,
                "endpoint": endpoint,
                "event_id": event_id,
                "last_error": last_error,
                "last_status": last_status,
                "object": object_,
                "sequence": sequence,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.webhook_endpoint_summary import WebhookEndpointSummary

        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_directory_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        directory_id = _parse_directory_id(d.pop("directory_id"))

        endpoint = WebhookEndpointSummary.from_dict(d.pop("endpoint"))

        event_id = d.pop("event_id")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_last_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_status = _parse_last_status(d.pop("last_status"))

        object_ = cast(Literal["failed_delivery"], d.pop("object"))
        if object_ != "failed_delivery":
            raise ValueError(f"object must match const 'failed_delivery', got '{object_}'")

        def _parse_sequence(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        sequence = _parse_sequence(d.pop("sequence"))

        failed_delivery = cls(
            attempts=attempts,
            directory_id=directory_id,
            endpoint=endpoint,
            event_id=event_id,
            last_error=last_error,
            last_status=last_status,
            object_=object_,
            sequence=sequence,
        )

        failed_delivery.additional_properties = d
        return failed_delivery

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
