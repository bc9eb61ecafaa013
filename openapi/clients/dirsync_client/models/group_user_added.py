from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.group_membership import GroupMembership
    from ..models.group_user_added_previous_attributes_type_0 import GroupUserAddedPreviousAttributesType0


T = TypeVar("T", bound="GroupUserAdded")


@_attrs_define
class GroupUserAdded:
    """
    Attributes:
        data (GroupMembership):
        directory_id (str):
        id (str):
        occurred_at (datetime.datetime):
        provider (str):
        recorded_at (datetime.datetime):
        sequence (int):
        type_ (Literal['group.user_added']):
        previous_attributes (GroupUserAddedPreviousAttributesType0 | None | Unset):
    """

    data: GroupMembership
    directory_id: str
    id: str
    occurred_at: datetime.datetime
    provider: str
    recorded_at: datetime.datetime
    sequence: int
    type_: Literal["group.user_added"]
    previous_attributes: GroupUserAddedPreviousAttributesType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.group_user_added_previous_attributes_type_0 import GroupUserAddedPreviousAttributesType0

        data = self.data.to_dict()

        directory_id = self.directory_id

        id = self.id

        occurred_at = self.occurred_at.isoformat()

        provider = self.provider

        recorded_at = self.recorded_at.isoformat()

        sequence = self.sequence

        type_ = self.type_

        previous_attributes: dict[str, Any] | None | Unset
        if isinstance(self.previous_attributes, Unset):
            previous_attributes = UNSET
        elif isinstance(self.previous_attributes, GroupUserAddedPreviousAttributesType0):
            previous_attributes = self.previous_attributes.to_dict()
        else:
            previous_attributes = self.previous_attributes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "directory_id": directory_id,
                "id": id,
                "occurred_at": occurred_at,
                "provider": provider,
                "recorded_at": recorded_at,
                "sequence": sequence,
                "type": type_,
            }
        )
        if previous_attributes is not UNSET:
            field_dict["previous_attributes"] = previous_attributes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.group_membership import GroupMembership
        from ..models.group_user_added_previous_attributes_type_0 import GroupUserAddedPreviousAttributesType0

        d = dict(src_dict)
        data = GroupMembership.from_dict(d.pop("data"))

        directory_id = d.pop("directory_id")

        id = d.pop("id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        provider = d.pop("provider")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        sequence = d.pop("sequence")

        type_ = cast(Literal["group.user_added"], d.pop("type"))
        if type_ != "group.user_added":
            raise ValueError(f"type must match const 'group.user_added', got '{type_}'")

        def _parse_previous_attributes(data: object) -> GroupUserAddedPreviousAttributesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                previous_attributes_type_0 = GroupUserAddedPreviousAttributesType0.from_dict(data)

                return previous_attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GroupUserAddedPreviousAttributesType0 | None | Unset, data)

        previous_attributes = _parse_previous_attributes(d.pop("previous_attributes", UNSET))

        group_user_added = cls(
            data=data,
            directory_id=directory_id,
            id=id,
            occurred_at=occurred_at,
            provider=provider,
            recorded_at=recorded_at,
            sequence=sequence,
            type_=type_,
            previous_attributes=previous_attributes,
        )

        group_user_added.additional_properties = d
        return group_user_added

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
