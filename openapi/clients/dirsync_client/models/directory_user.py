from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.directory_user_state import DirectoryUserState

if TYPE_CHECKING:
    from ..models.directory_user_custom_attributes import DirectoryUserCustomAttributes
    from ..models.directory_user_raw_attributes import DirectoryUserRawAttributes
    from ..models.email import Email
    from ..models.group_summary import GroupSummary


T = TypeVar("T", bound="DirectoryUser")


@_attrs_define
class DirectoryUser:
    """
    Attributes:
        created_at (datetime.datetime):
        custom_attributes (DirectoryUserCustomAttributes):
        department (None | str):
        directory_id (str):
        display_name (None | str):
        emails (list[Email]):
        employee_number (None | str):
        external_id (None | str):
        first_name (None | str):
        groups (list[GroupSummary]):
        id (str):
        job_title (None | str):
        last_name (None | str):
        manager_external_id (None | str):
        object_ (Literal['directory_user']):
        raw_attributes (DirectoryUserRawAttributes):
        roles (list[str]):
        state (DirectoryUserState):
        updated_at (datetime.datetime):
        username (str):
    """

    created_at: datetime.datetime
    custom_attributes: DirectoryUserCustomAttributes
    department: None | str
    directory_id: str
    display_name: None | str
    emails: list[Email]
    employee_number: None | str
    external_id: None | str
    first_name: None | str
    groups: list[GroupSummary]
    id: str
    job_title: None | str
    last_name: None | str
    manager_external_id: None | str
    object_: Literal["directory_user"]
    raw_attributes: DirectoryUserRawAttributes
    roles: list[str]
    state: DirectoryUserState
    updated_at: datetime.datetime
    username: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        custom_attributes = self.custom_attributes.to_dict()

        department: None | str
        department = self.department

        directory_id = self.directory_id

        display_name: None | str
        display_name = self.display_name

        emails = []
        for emails_item_data in self.emails:
            emails_item = emails_item_data.to_dict()
            emails.append(emails_item)

        employee_number: None | str
        employee_number = self.employee_number

        external_id: None | str
        external_id = self.external_id

        first_name: None | str
        first_name = self.first_name

        groups = []
        for groups_item_data in self.groups:
            groups_item = groups_item_data.to_dict()
            groups.append(groups_item)

        id = self.id

        job_title: None | str
        job_title = self.job_title

        last_name: None | str
        last_name = self.last_name

        manager_external_id: None | str
        manager_external_id = self.manager_external_id

        object_ = self.object_

        raw_attributes = self.raw_attributes.to_dict()

        roles = self.roles

        state = self.state.value

        updated_at = self.updated_at.isoformat()

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "custom_attributes": custom_attributes,
                "department": department,
                "directory_id": directory_id,
                "display_name": display_name,
                "emails": emails,
                "employee_number": employee_number,
                "external_id": external_id,
                "first_name": first_name,
                "groups": groups,
                "id": id,
                "job_title": job_title,
                "last_name": last_name,
                "manager_external_id": manager_external_id,
                "object": object_,
                "raw_attributes": raw_attributes,
                "roles": roles,
                "state": state,
                "updated_at": updated_at,
                "username": username,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.directory_user_custom_attributes import DirectoryUserCustomAttributes
        from ..models.directory_user_raw_attributes import DirectoryUserRawAttributes
        from ..models.email import Email
        from ..models.group_summary import GroupSummary

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        custom_attributes = DirectoryUserCustomAttributes.from_dict(d.pop("custom_attributes"))

        def _parse_department(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        department = _parse_department(d.pop("department"))

        directory_id = d.pop("directory_id")

        def _parse_display_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        display_name = _parse_display_name(d.pop("display_name"))

        emails = []
        _emails = d.pop("emails")
        for emails_item_data in _emails:
            emails_item = Email.from_dict(emails_item_data)

            emails.append(emails_item)

        def _parse_employee_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        employee_number = _parse_employee_number(d.pop("employee_number"))

        def _parse_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        external_id = _parse_external_id(d.pop("external_id"))

        def _parse_first_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        first_name = _parse_first_name(d.pop("first_name"))

        groups = []
        _groups = d.pop("groups")
        for groups_item_data in _groups:
            groups_item = GroupSummary.from_dict(groups_item_data)

            groups.append(groups_item)

        id = d.pop("id")

        def _parse_job_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        job_title = _parse_job_title(d.pop("job_title"))

        def _parse_last_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_name = _parse_last_name(d.pop("last_name"))

        def _parse_manager_external_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        manager_external_id = _parse_manager_external_id(d.pop("manager_external_id"))

        object_ = cast(Literal["directory_user"], d.pop("object"))
        if object_ != "directory_user":
            raise ValueError(f"object must match const 'directory_user', got '{object_}'")

        raw_attributes = DirectoryUserRawAttributes.from_dict(d.pop("raw_attributes"))

        roles = cast(list[str], d.pop("roles"))

        state = DirectoryUserState(d.pop("state"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        username = d.pop("username")

        directory_user = cls(
            created_at=created_at,
            custom_attributes=custom_attributes,
            department=department,
            directory_id=directory_id,
            display_name=display_name,
            emails=emails,
            employee_number=employee_number,
            external_id=external_id,
            first_name=first_name,
            groups=groups,
            id=id,
            job_title=job_title,
            last_name=last_name,
            manager_external_id=manager_external_id,
            object_=object_,
            raw_attributes=raw_attributes,
            roles=roles,
            state=state,
            updated_at=updated_at,
            username=username,
        )

        directory_user.additional_properties = d
        return directory_user

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
