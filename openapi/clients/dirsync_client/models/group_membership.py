from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_group import DirectoryGroup
    from ..models.directory_user import DirectoryUser


T = TypeVar("T", bound="GroupMembership")


@_attrs_define
class GroupMembership:
    """
    Attributes:
        group (DirectoryGroup):
        object_ (Literal['directory_group_membership']):
        user (DirectoryUser):
    """

    group: DirectoryGroup
    object_: Literal["directory_group_membership"]
    user: DirectoryUser
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        group = self.group.to_dict()

        object_ = self.object_

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "group": group,
                "object": object_,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_group import DirectoryGroup
        from ..models.directory_user import DirectoryUser

        d = dict(src_dict)
        group = DirectoryGroup.from_dict(d.pop("group"))

        object_ = cast(Literal["directory_group_membership"], d.pop("object"))
        if object_ != "directory_group_membership":
            raise ValueError(f"object must match const 'directory_group_membership', got '{object_}'")

        user = DirectoryUser.from_dict(d.pop("user"))

        group_membership = cls(
            group=group,
            object_=object_,
            user=user,
        )

        group_membership.additional_properties = d
        return group_membership

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
