from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_group_raw_attributes import DirectoryGroupRawAttributes


T = TypeVar("T", bound="DirectoryGroup")


@_attrs_define
class DirectoryGroup:
    """
    Attributes:
        created_at (datetime.datetime):
        directory_id (str):
        external_id (None | str):
        id (str):
        name (str):
        object_ (Literal['directory_group']):
        raw_attributes (DirectoryGroupRawAttributes):
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    directory_id: str
    external_id: None | str
    id: str
    name: str
    object_: Literal["directory_group"]
    raw_attributes: DirectoryGroupRawAttributes
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        directory_id = self.directory_id

        external_id: None | str
        external_id = self.external_id

        id = self.id

        name = self.name

        object_ = self.object_

        raw_attributes = self.raw_attributes.to_dict()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "directory_id": directory_id,
                "external_id": external_id,
                "id": id,
                "name": name,
                "object": object_,
                "raw_attributes": raw_attributes,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_group_raw_attributes import DirectoryGroupRawAttributes

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        directory_id = d.pop("directory_id")

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        id = d.pop("id")

        name = d.pop("name")

        object_ = cast(Literal["directory_group"], d.pop("object"))
        if object_ != "directory_group":
            raise ValueError(f"object must match const 'directory_group', got '{object_}'")

        raw_attributes = DirectoryGroupRawAttributes.from_dict(d.pop("raw_attributes"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        directory_group = cls(
            created_at=created_at,
            directory_id=directory_id,
            external_id=external_id,
            id=id,
            name=name,
            object_=object_,
            raw_attributes=raw_attributes,
            updated_at=updated_at,
        )

        directory_group.additional_properties = d
        return directory_group

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
