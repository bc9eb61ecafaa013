from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ScimErrorBody")


@_attrs_define
class ScimErrorBody:
    """
    Attributes:
        status (str): The HTTP status code, as a string
        detail (None | str | Unset):
        schemas (list[str] | Unset):
        scim_type (None | str | Unset):
    """

    status: str
    detail: None | str | Unset = UNSET
    schemas: list[str] | Unset = UNSET
    scim_type: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        detail: None | str | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        else:
            detail = self.detail

        schemas: list[str] | Unset = UNSET
        if not isinstance(self.schemas, Unset):
            schemas = self.schemas

        scim_type: None | str | Unset
        if isinstance(self.scim_type, Unset):
            scim_type = UNSET
        else:
            scim_type = self.scim_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if detail is not UNSET:
            field_dict["detail"] = detail
        if schemas is not UNSET:
            field_dict["schemas"] = schemas
        if scim_type is not UNSET:
            field_dict["scimType"] = scim_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = d.pop("status")

        def _parse_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))

        schemas = cast(list[str], d.pop("schemas", UNSET))

        def _parse_scim_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scim_type = _parse_scim_type(d.pop("scimType", UNSET))

        scim_error_body = cls(
            status=status,
            detail=detail,
            schemas=schemas,
            scim_type=scim_type,
        )

        scim_error_body.additional_properties = d
        return scim_error_body

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
