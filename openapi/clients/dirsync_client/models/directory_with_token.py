from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.directory_with_token_attribute_mappings import DirectoryWithTokenAttributeMappings
    from ..models.directory_with_token_role_mappings import DirectoryWithTokenRoleMappings
    from ..models.directory_with_token_settings import DirectoryWithTokenSettings


T = TypeVar("T", bound="DirectoryWithToken")


@_attrs_define
class DirectoryWithToken:
    """
    Attributes:
        attribute_mappings (DirectoryWithTokenAttributeMappings):
        created_at (datetime.datetime):
        id (str):
        last_sequence (int):
        name (str):
        provider (str):
        role_mappings (DirectoryWithTokenRoleMappings):
        scim_base_url (str):
        scim_token (str): The SCIM bearer token (dst_...). Shown once; store it now.
        settings (DirectoryWithTokenSettings):
        state (str): active | inactive | deleting | deleted
        updated_at (datetime.datetime):
    """

    attribute_mappings: DirectoryWithTokenAttributeMappings
    created_at: datetime.datetime
    id: str
    last_sequence: int
    name: str
    provider: str
    role_mappings: DirectoryWithTokenRoleMappings
    scim_base_url: str
    scim_token: str
    settings: DirectoryWithTokenSettings
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

        scim_token = self.scim_token

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
                "scim_token": scim_token,
                "settings": settings,
                "state": state,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_with_token_attribute_mappings import DirectoryWithTokenAttributeMappings
        from ..models.directory_with_token_role_mappings import DirectoryWithTokenRoleMappings
        from ..models.directory_with_token_settings import DirectoryWithTokenSettings

        d = dict(src_dict)
        attribute_mappings = DirectoryWithTokenAttributeMappings.from_dict(d.pop("attribute_mappings"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        last_sequence = d.pop("last_sequence")

        name = d.pop("name")

        provider = d.pop("provider")

        role_mappings = DirectoryWithTokenRoleMappings.from_dict(d.pop("role_mappings"))

        scim_base_url = d.pop("scim_base_url")

        scim_token = d.pop("scim_token")

        settings = DirectoryWithTokenSettings.from_dict(d.pop("settings"))

        state = d.pop("state")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        directory_with_token = cls(
            attribute_mappings=attribute_mappings,
            created_at=created_at,
            id=id,
            last_sequence=last_sequence,
            name=name,
            provider=provider,
            role_mappings=role_mappings,
            scim_base_url=scim_base_url,
            scim_token=scim_token,
            settings=settings,
            state=state,
            updated_at=updated_at,
        )

        directory_with_token.additional_properties = d
        return directory_with_token

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
