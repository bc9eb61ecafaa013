from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.webhook_endpoint_create_event_types_type_0_item import WebhookEndpointCreateEventTypesType0Item
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookEndpointCreate")


@_attrs_define
class WebhookEndpointCreate:
    """
    Attributes:
        url (str): https URL that receives the POSTs (http only where the server allows it)
        description (str | Unset):  Default: ''.
        directory_ids (list[str] | None | Unset):
        enabled (bool | Unset):  Default: True.
        event_types (list[WebhookEndpointCreateEventTypesType0Item] | None | Unset): Types to deliver; null means every
            directory event type (signals need listing)
        max_rate (int | None | Unset): Most requests per second to this endpoint
    """

    url: str
    description: str | Unset = ""
    directory_ids: list[str] | None | Unset = UNSET
    enabled: bool | Unset = True
    event_types: list[WebhookEndpointCreateEventTypesType0Item] | None | Unset = UNSET
    max_rate: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        description = self.description

        directory_ids: list[str] | None | Unset
        if isinstance(self.directory_ids, Unset):
            directory_ids = UNSET
        elif isinstance(self.directory_ids, list):
            directory_ids = self.directory_ids

        else:
            directory_ids = self.directory_ids

        enabled = self.enabled

        event_types: list[str] | None | Unset
        if isinstance(self.event_types, Unset):
            event_types = UNSET
        elif isinstance(self.event_types, list):
            event_types = []
            for event_types_type_0_item_data in self.event_types:
                event_types_type_0_item = event_types_type_0_item_data.value
                event_types.append(event_types_type_0_item)

        else:
            event_types = self.event_types

        max_rate: int | None | Unset
        if isinstance(self.max_rate, Unset):
            max_rate = UNSET
        else:
            max_rate = self.max_rate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if directory_ids is not UNSET:
            field_dict["directory_ids"] = directory_ids
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if max_rate is not UNSET:
            field_dict["max_rate"] = max_rate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        description = d.pop("description", UNSET)

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

        enabled = d.pop("enabled", UNSET)

        def _parse_event_types(data: object) -> list[WebhookEndpointCreateEventTypesType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                event_types_type_0 = []
                _event_types_type_0 = data
                for event_types_type_0_item_data in _event_types_type_0:
                    event_types_type_0_item = WebhookEndpointCreateEventTypesType0Item(event_types_type_0_item_data)

                    event_types_type_0.append(event_types_type_0_item)

                return event_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[WebhookEndpointCreateEventTypesType0Item] | None | Unset, data)

        event_types = _parse_event_types(d.pop("event_types", UNSET))

        def _parse_max_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_rate = _parse_max_rate(d.pop("max_rate", UNSET))

        webhook_endpoint_create = cls(
            url=url,
            description=description,
            directory_ids=directory_ids,
            enabled=enabled,
            event_types=event_types,
            max_rate=max_rate,
        )

        return webhook_endpoint_create
