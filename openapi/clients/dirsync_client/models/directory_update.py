from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.directory_update_attribute_mappings_type_0 import DirectoryUpdateAttributeMappingsType0
    from ..models.directory_update_credentials_type_0 import DirectoryUpdateCredentialsType0
    from ..models.directory_update_role_mappings_type_0 import DirectoryUpdateRoleMappingsType0
    from ..models.directory_update_settings_type_0 import DirectoryUpdateSettingsType0


T = TypeVar("T", bound="DirectoryUpdate")


@_attrs_define
class DirectoryUpdate:
    """
    Attributes:
        attribute_mappings (DirectoryUpdateAttributeMappingsType0 | Unset):
        credentials (DirectoryUpdateCredentialsType0 | None | Unset):
        name (str | Unset):
        role_mappings (DirectoryUpdateRoleMappingsType0 | Unset):
        settings (DirectoryUpdateSettingsType0 | Unset):
    """

    attribute_mappings: DirectoryUpdateAttributeMappingsType0 | Unset = UNSET
    credentials: DirectoryUpdateCredentialsType0 | None | Unset = UNSET
    name: str | Unset = UNSET
    role_mappings: DirectoryUpdateRoleMappingsType0 | Unset = UNSET
    settings: DirectoryUpdateSettingsType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.directory_update_credentials_type_0 import DirectoryUpdateCredentialsType0

        attribute_mappings: dict[str, Any] | Unset
        if isinstance(self.attribute_mappings, Unset):
            attribute_mappings = UNSET
        else:
            attribute_mappings = self.attribute_mappings.to_dict()

        credentials: dict[str, Any] | None | Unset
        if isinstance(self.credentials, Unset):
            credentials = UNSET
        elif isinstance(self.credentials, DirectoryUpdateCredentialsType0):
            credentials = self.credentials.to_dict()
        else:
            credentials = self.credentials

        name: str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        role_mappings: dict[str, Any] | Unset
        if isinstance(self.role_mappings, Unset):
            role_mappings = UNSET
        else:
            role_mappings = self.role_mappings.to_dict()

        settings: dict[str, Any] | Unset
        if isinstance(self.settings, Unset):
            settings = UNSET
        else:
            settings = self.settings.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if attribute_mappings is not UNSET:
            field_dict["attribute_mappings"] = attribute_mappings
        if credentials is not UNSET:
            field_dict["credentials"] = credentials
        if name is not UNSET:
            field_dict["name"] = name
        if role_mappings is not UNSET:
            field_dict["role_mappings"] = role_mappings
        if settings is not UNSET:
            field_dict["settings"] = settings

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_update_attribute_mappings_type_0 import DirectoryUpdateAttributeMappingsType0
        from ..models.directory_update_credentials_type_0 import DirectoryUpdateCredentialsType0
        from ..models.directory_update_role_mappings_type_0 import DirectoryUpdateRoleMappingsType0
        from ..models.directory_update_settings_type_0 import DirectoryUpdateSettingsType0

        d = dict(src_dict)

        def _parse_attribute_mappings(data: object) -> DirectoryUpdateAttributeMappingsType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, dict):
                raise TypeError()
            attribute_mappings_type_0 = DirectoryUpdateAttributeMappingsType0.from_dict(data)

            return attribute_mappings_type_0

        attribute_mappings = _parse_attribute_mappings(d.pop("attribute_mappings", UNSET))

        def _parse_credentials(data: object) -> DirectoryUpdateCredentialsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                credentials_type_0 = DirectoryUpdateCredentialsType0.from_dict(data)

                return credentials_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DirectoryUpdateCredentialsType0 | None | Unset, data)

        credentials = _parse_credentials(d.pop("credentials", UNSET))

        def _parse_name(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_role_mappings(data: object) -> DirectoryUpdateRoleMappingsType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, dict):
                raise TypeError()
            role_mappings_type_0 = DirectoryUpdateRoleMappingsType0.from_dict(data)

            return role_mappings_type_0

        role_mappings = _parse_role_mappings(d.pop("role_mappings", UNSET))

        def _parse_settings(data: object) -> DirectoryUpdateSettingsType0 | Unset:
            if isinstance(data, Unset):
                return data
            if not isinstance(data, dict):
                raise TypeError()
            settings_type_0 = DirectoryUpdateSettingsType0.from_dict(data)

            return settings_type_0

        settings = _parse_settings(d.pop("settings", UNSET))

        directory_update = cls(
            attribute_mappings=attribute_mappings,
            credentials=credentials,
            name=name,
            role_mappings=role_mappings,
            settings=settings,
        )

        return directory_update
