from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_user import DirectoryUser
    from ..models.user_updated_previous_attributes import UserUpdatedPreviousAttributes


T = TypeVar("T", bound="UserUpdated")


@_attrs_define
class UserUpdated:
    """
    Attributes:
        data (DirectoryUser):
        directory_id (str):
        id (str):
        occurred_at (datetime.datetime):
        previous_attributes (UserUpdatedPreviousAttributes):
        provider (str):
        recorded_at (datetime.datetime):
        sequence (int):
        type_ (Literal['user.updated']):
    """

    data: DirectoryUser
    directory_id: str
    id: str
    occurred_at: datetime.datetime
    previous_attributes: UserUpdatedPreviousAttributes
    provider: str
    recorded_at: datetime.datetime
    sequence: int
    type_: Literal["user.updated"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        directory_id = self.directory_id

        id = self.id

        occurred_at = self.occurred_at.isoformat()

        previous_attributes = self.previous_attributes.to_dict()

        provider = self.provider

        recorded_at = self.recorded_at.isoformat()

        sequence = self.sequence

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "directory_id": directory_id,
                "id": id,
                "occurred_at": occurred_at,
                "previous_attributes": previous_attributes,
                "provider": provider,
                "recorded_at": recorded_at,
                "sequence": sequence,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_user import DirectoryUser
        from ..models.user_updated_previous_attributes import UserUpdatedPreviousAttributes

        d = dict(src_dict)
        data = DirectoryUser.from_dict(d.pop("data"))

        directory_id = d.pop("directory_id")

        id = d.pop("id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        previous_attributes = UserUpdatedPreviousAttributes.from_dict(d.pop("previous_attributes"))

        provider = d.pop("provider")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        sequence = d.pop("sequence")

        type_ = cast(Literal["user.updated"], d.pop("type"))
        if type_ != "user.updated":
            raise ValueError(f"type must match const 'user.updated', got '{type_}'")

        user_updated = cls(
            data=data,
            directory_id=directory_id,
            id=id,
            occurred_at=occurred_at,
            previous_attributes=previous_attributes,
            provider=provider,
            recorded_at=recorded_at,
            sequence=sequence,
            type_=type_,
        )

        user_updated.additional_properties = d
        return user_updated

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
