from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.directory_create_provider import DirectoryCreateProvider
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.directory_create_attribute_mappings import DirectoryCreateAttributeMappings
    from ..models.directory_create_credentials_type_0 import DirectoryCreateCredentialsType0
    from ..models.directory_create_role_mappings import DirectoryCreateRoleMappings
    from ..models.directory_create_settings import DirectoryCreateSettings


T = TypeVar("T", bound="DirectoryCreate")


@_attrs_define
class DirectoryCreate:
    """
    Attributes:
        name (str):
        provider (DirectoryCreateProvider):
        attribute_mappings (DirectoryCreateAttributeMappings | Unset):
        credentials (DirectoryCreateCredentialsType0 | None | Unset):
        role_mappings (DirectoryCreateRoleMappings | Unset):
        settings (DirectoryCreateSettings | Unset):
    """

    name: str
    provider: DirectoryCreateProvider
    attribute_mappings: DirectoryCreateAttributeMappings | Unset = UNSET
    credentials: DirectoryCreateCredentialsType0 | None | Unset = UNSET
    role_mappings: DirectoryCreateRoleMappings | Unset = UNSET
    settings: DirectoryCreateSettings | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.directory_create_credentials_type_0 import DirectoryCreateCredentialsType0

        name = self.name

        provider = self.provider.value

        attribute_mappings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.attribute_mappings, Unset):
            attribute_mappings = self.attribute_mappings.to_dict()

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, DirectoryCreateCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        role_mappings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.role_mappings, Unset):
            role_mappings = self.role_mappings.to_dict()

        settings: dict[str, Any] | Unset = UNSET
        if not isinstance(self.settings, Unset):
            settings = self.settings.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "provider": provider,
            }
        )
        if attribute_mappings is not UNSET:
            field_dict["attribute_mappings"] = attribute_mappings
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if role_mappings is not UNSET:
            field_dict["role_mappings"] = role_mappings
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_create_attribute_mappings import DirectoryCreateAttributeMappings
        from ..models.directory_create_credentials_type_0 import DirectoryCreateCredentialsType0
        from ..models.directory_create_role_mappings import DirectoryCreateRoleMappings
        from ..models.directory_create_settings import DirectoryCreateSettings

        d = dict(src_dict)
        name = d.pop("name")

        provider = DirectoryCreateProvider(d.pop("provider"))

        _attribute_mappings = d.pop("attribute_mappings", UNSET)
        attribute_mappings: DirectoryCreateAttributeMappings | Unset
        if isinstance(_attribute_mappings, Unset):
            attribute_mappings = UNSET
        else:
            attribute_mappings = DirectoryCreateAttributeMappings.from_dict(_attribute_mappings)

        def _parse_credentials(data: object) -> DirectoryCreateCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = DirectoryCreateCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DirectoryCreateCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        _role_mappings = d.pop("role_mappings", UNSET)
        role_mappings: DirectoryCreateRoleMappings | Unset
        if isinstance(_role_mappings, Unset):
            role_mappings = UNSET
        else:
            role_mappings = DirectoryCreateRoleMappings.from_dict(_role_mappings)

        _settings = d.pop("settings", UNSET)
        settings: DirectoryCreateSettings | Unset
        if isinstance(_settings, Unset):
            settings = UNSET
        else:
            settings = DirectoryCreateSettings.from_dict(_settings)

        directory_create = cls(
            name=name,
            provider=provider,
            attribute_mappings=attribute_mappings,
            credentials=credentials,
            role_mappings=role_mappings,
            settings=settings,
        )

        return directory_create
