from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.directory_group import DirectoryGroup
    from ..models.group_created_previous_attributes_type_0 import GroupCreatedPreviousAttributesType0


T = TypeVar("T", bound="GroupCreated")


@_attrs_define
class GroupCreated:
    """
    Attributes:
        data (DirectoryGroup):
        directory_id (str):
        id (str):
        occurred_at (datetime.datetime):
        provider (str):
        recorded_at (datetime.datetime):
        sequence (int):
        type_ (Literal['group.created']):
        previous_attributes (GroupCreatedPreviousAttributesType0 | None | Unset):
    """

    data: DirectoryGroup
    directory_id: str
    id: str
    occurred_at: datetime.datetime
    provider: str
    recorded_at: datetime.datetime
    sequence: int
    type_: Literal["group.created"]
    previous_attributes: GroupCreatedPreviousAttributesType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.group_created_previous_attributes_type_0 import GroupCreatedPreviousAttributesType0

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
        elif isinstance(self.previous_attributes, GroupCreatedPreviousAttributesType0):
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
        from ..models.directory_group import DirectoryGroup
        from ..models.group_created_previous_attributes_type_0 import GroupCreatedPreviousAttributesType0

        d = dict(src_dict)
        data = DirectoryGroup.from_dict(d.pop("data"))

        directory_id = d.pop("directory_id")

        id = d.pop("id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        provider = d.pop("provider")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        sequence = d.pop("sequence")

        type_ = cast(Literal["group.created"], d.pop("type"))
        if type_ != "group.created":
            raise ValueError(f"type must match const 'group.created', got '{type_}'")

        def _parse_previous_attributes(data: object) -> GroupCreatedPreviousAttributesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                previous_attributes_type_0 = GroupCreatedPreviousAttributesType0.from_dict(data)

                return previous_attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GroupCreatedPreviousAttributesType0 | None | Unset, data)

        previous_attributes = _parse_previous_attributes(d.pop("previous_attributes", UNSET))

        group_created = cls(
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

        group_created.additional_properties = d
        return group_created

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
