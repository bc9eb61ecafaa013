from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.failed_delivery import FailedDelivery


T = TypeVar("T", bound="WebhookEndpointEventFailed")


@_attrs_define
class WebhookEndpointEventFailed:
    """
    Attributes:
        data (FailedDelivery):
        id (str):
        occurred_at (datetime.datetime):
        recorded_at (datetime.datetime):
        type_ (Literal['webhook_endpoint.event_failed']):
    """

    data: FailedDelivery
    id: str
    occurred_at: datetime.datetime
    recorded_at: datetime.datetime
    type_: Literal["webhook_endpoint.event_failed"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        id = self.id

        occurred_at = self.occurred_at.isoformat()

        recorded_at = self.recorded_at.isoformat()

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "id": id,
                "occurred_at": occurred_at,
                "recorded_at": recorded_at,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.failed_delivery import FailedDelivery

        d = dict(src_dict)
        data = FailedDelivery.from_dict(d.pop("data"))

        id = d.pop("id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        type_ = cast(Literal["webhook_endpoint.event_failed"], d.pop("type"))
        if type_ != "webhook_endpoint.event_failed":
            raise ValueError(f"type must match const 'webhook_endpoint.event_failed', got '{type_}'")

        webhook_endpoint_event_failed = cls(
            data=data,
            id=id,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
            type_=type_,
        )

        webhook_endpoint_event_failed.additional_properties = d
        return webhook_endpoint_event_failed

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
