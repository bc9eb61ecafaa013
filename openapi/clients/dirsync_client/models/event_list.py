from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_activated import DirectoryActivated
    from ..models.directory_deleted import DirectoryDeleted
    from ..models.group_created import GroupCreated
    from ..models.group_deleted import GroupDeleted
    from ..models.group_updated import GroupUpdated
    from ..models.group_user_added import GroupUserAdded
    from ..models.group_user_removed import GroupUserRemoved
    from ..models.user_created import UserCreated
    from ..models.user_deleted import UserDeleted
    from ..models.user_updated import UserUpdated
    from ..models.webhook_endpoint_disabled import WebhookEndpointDisabled
    from ..models.webhook_endpoint_event_failed import WebhookEndpointEventFailed


T = TypeVar("T", bound="EventList")


@_attrs_define
class EventList:
    """
    Attributes:
        data (list[DirectoryActivated | DirectoryDeleted | GroupCreated | GroupDeleted | GroupUpdated | GroupUserAdded |
            GroupUserRemoved | UserCreated | UserDeleted | UserUpdated | WebhookEndpointDisabled |
            WebhookEndpointEventFailed]):
        has_more (bool):
        next_cursor (str): Where to continue: pass it back as `cursor` (or `after` with `directory_id`). Always present;
            an empty `data` means you are caught up.
    """

    data: list[
        DirectoryActivated
        | DirectoryDeleted
        | GroupCreated
        | GroupDeleted
        | GroupUpdated
        | GroupUserAdded
        | GroupUserRemoved
        | UserCreated
        | UserDeleted
        | UserUpdated
        | WebhookEndpointDisabled
        | WebhookEndpointEventFailed
    ]
    has_more: bool
    next_cursor: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.directory_activated import DirectoryActivated
        from ..models.directory_deleted import DirectoryDeleted
        from ..models.group_created import GroupCreated
        from ..models.group_deleted import GroupDeleted
        from ..models.group_updated import GroupUpdated
        from ..models.group_user_added import GroupUserAdded
        from ..models.group_user_removed import GroupUserRemoved
        from ..models.user_created import UserCreated
        from ..models.user_deleted import UserDeleted
        from ..models.user_updated import UserUpdated
        from ..models.webhook_endpoint_disabled import WebhookEndpointDisabled

        data = []
        for data_item_data in self.data:
            data_item: dict[str, Any]
            if (
                isinstance(data_item_data, DirectoryActivated)
                or isinstance(data_item_data, DirectoryDeleted)
                or isinstance(data_item_data, UserCreated)
                or isinstance(data_item_data, UserUpdated)
                or isinstance(data_item_data, UserDeleted)
                or isinstance(data_item_data, GroupCreated)
                or isinstance(data_item_data, GroupUpdated)
                or isinstance(data_item_data, GroupDeleted)
                or isinstance(data_item_data, GroupUserAdded)
                or isinstance(data_item_data, GroupUserRemoved)
                or isinstance(data_item_data, WebhookEndpointDisabled)
            ):
                data_item = data_item_data.to_dict()
            else:
                data_item = data_item_data.to_dict()

            data.append(data_item)

        has_more = self.has_more

        next_cursor = self.next_cursor

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "has_more": has_more,
                "next_cursor": next_cursor,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_activated import DirectoryActivated
        from ..models.directory_deleted import DirectoryDeleted
        from ..models.group_created import GroupCreated
        from ..models.group_deleted import GroupDeleted
        from ..models.group_updated import GroupUpdated
        from ..models.group_user_added import GroupUserAdded
        from ..models.group_user_removed import GroupUserRemoved
        from ..models.user_created import UserCreated
        from ..models.user_deleted import UserDeleted
        from ..models.user_updated import UserUpdated
        from ..models.webhook_endpoint_disabled import WebhookEndpointDisabled
        from ..models.webhook_endpoint_event_failed import WebhookEndpointEventFailed

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:

            def _parse_data_item(
                data: object,
            ) -> (
                DirectoryActivated
                | DirectoryDeleted
                | GroupCreated
                | GroupDeleted
                | GroupUpdated
                | GroupUserAdded
                | GroupUserRemoved
                | UserCreated
                | UserDeleted
                | UserUpdated
                | WebhookEndpointDisabled
                | WebhookEndpointEventFailed
            ):
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_0 = DirectoryActivated.from_dict(data)

                    return data_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_1 = DirectoryDeleted.from_dict(data)

                    return data_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_2 = UserCreated.from_dict(data)

                    return data_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_3 = UserUpdated.from_dict(data)

                    return data_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_4 = UserDeleted.from_dict(data)

                    return data_item_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_5 = GroupCreated.from_dict(data)

                    return data_item_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_6 = GroupUpdated.from_dict(data)

                    return data_item_type_6
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_7 = GroupDeleted.from_dict(data)

                    return data_item_type_7
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_8 = GroupUserAdded.from_dict(data)

                    return data_item_type_8
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_9 = GroupUserRemoved.from_dict(data)

                    return data_item_type_9
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    data_item_type_10 = WebhookEndpointDisabled.from_dict(data)

                    return data_item_type_10
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                data_item_type_11 = WebhookEndpointEventFailed.from_dict(data)

                return data_item_type_11

            data_item = _parse_data_item(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        next_cursor = d.pop("next_cursor")

        event_list = cls(
            data=data,
            has_more=has_more,
            next_cursor=next_cursor,
        )

        event_list.additional_properties = d
        return event_list

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
