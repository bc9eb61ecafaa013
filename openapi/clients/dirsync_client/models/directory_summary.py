from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DirectorySummary")


@_attrs_define
class DirectorySummary:
    """
    Attributes:
        id (str):
        name (str):
        object_ (Literal['directory']):
        provider (str):
        state (str):
    """

    id: str
    name: str
    object_: Literal["directory"]
    provider: str
    state: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        object_ = self.object_

        provider = self.provider

        state = self.state

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "object": object_,
                "provider": provider,
                "state": state,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        object_ = cast(Literal["directory"], d.pop("object"))
        if object_ != "directory":
            raise ValueError(f"object must match const 'directory', got '{object_}'")

        provider = d.pop("provider")

        state = d.pop("state")

        directory_summary = cls(
            id=id,
            name=name,
            object_=object_,
            provider=provider,
            state=state,
        )

        directory_summary.additional_properties = d
        return directory_summary

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
