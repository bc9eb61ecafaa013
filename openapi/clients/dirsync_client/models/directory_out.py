from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_out_attribute_mappings import DirectoryOutAttributeMappings
    from ..models.directory_out_role_mappings import DirectoryOutRoleMappings
    from ..models.directory_out_settings import DirectoryOutSettings


T = TypeVar("T", bound="DirectoryOut")


@_attrs_define
class DirectoryOut:
    """
    Attributes:
        attribute_mappings (DirectoryOutAttributeMappings):
        created_at (datetime.datetime):
        id (str):
        last_sequence (int):
        name (str):
        provider (str):
        role_mappings (DirectoryOutRoleMappings):
        scim_base_url (str):
        settings (DirectoryOutSettings):
        state (str): active | inactive | deleting | deleted
        updated_at (datetime.datetime):
    """

    attribute_mappings: DirectoryOutAttributeMappings
    created_at: datetime.datetime
    id: str
    last_sequence: int
    name: str
    provider: str
    role_mappings: DirectoryOutRoleMappings
    scim_base_url: str
    settings: DirectoryOutSettings
    state: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attribute_mappings = self.attribute_mappings.to_dict()

        created_at = self.created_at.isoformat()

        id = self.id

        last_sequence = self.last_sequence

        name = self.name

        provider = self.provider

        role_mappings = self.role_mappings.to_dict()

        scim_base_url = self.scim_base_url

        settings = self.settings.to_dict()

        state = self.state

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attribute_mappings": attribute_mappings,
                "created_at": created_at,
                "id": id,
                "last_sequence": last_sequence,
                "name": name,
                "provider": provider,
                "role_mappings": role_mappings,
                "scim_base_url": scim_base_url,
                "settings": settings,
                "state": state,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_out_attribute_mappings import DirectoryOutAttributeMappings
        from ..models.directory_out_role_mappings import DirectoryOutRoleMappings
        from ..models.directory_out_settings import DirectoryOutSettings

        d = dict(src_dict)
        attribute_mappings = DirectoryOutAttributeMappings.from_dict(d.pop("attribute_mappings"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        last_sequence = d.pop("last_sequence")

        name = d.pop("name")

        provider = d.pop("provider")

        role_mappings = DirectoryOutRoleMappings.from_dict(d.pop("role_mappings"))

        scim_base_url = d.pop("scim_base_url")

        settings = DirectoryOutSettings.from_dict(d.pop("settings"))

        state = d.pop("state")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        directory_out = cls(
            attribute_mappings=attribute_mappings,
            created_at=created_at,
            id=id,
            last_sequence=last_sequence,
            name=name,
            provider=provider,
            role_mappings=role_mappings,
            scim_base_url=scim_base_url,
            settings=settings,
            state=state,
            updated_at=updated_at,
        )

        directory_out.additional_properties = d
        return directory_out

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
