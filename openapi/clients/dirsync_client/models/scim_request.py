from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ScimRequest")


@_attrs_define
class ScimRequest:
    """
    Attributes:
        created_at (datetime.datetime):
        directory_id (str):
        id (str):
        latency_ms (float):
        method (str):
        path (str):
        query (str):
        request_body (Any):
        response_body (Any):
        status (int):
        user_agent (None | str):
    """

    created_at: datetime.datetime
    directory_id: str
    id: str
    latency_ms: float
    method: str
    path: str
    query: str
    request_body: Any
    response_body: Any
    status: int
    user_agent: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        directory_id = self.directory_id

        id = self.id

        latency_ms = self.latency_ms

        method = self.method

        path = self.path

        query = self.query

        request_body = self.request_body

        response_body = self.response_body

        status = self.status

        user_agent: None | str
        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "directory_id": directory_id,
                "id": id,
                "latency_ms": latency_ms,
                "method": method,
                "path": path,
                "query": query,
                "request_body": request_body,
                "response_body": response_body,
                "status": status,
                "user_agent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        directory_id = d.pop("directory_id")

        id = d.pop("id")

        latency_ms = d.pop("latency_ms")

        method = d.pop("method")

        path = d.pop("path")

        query = d.pop("query")

        request_body = d.pop("request_body")

        response_body = d.pop("response_body")

        status = d.pop("status")

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("user_agent"))

        scim_request = cls(
            created_at=created_at,
            directory_id=directory_id,
            id=id,
            latency_ms=latency_ms,
            method=method,
            path=path,
            query=query,
            request_body=request_body,
            response_body=response_body,
            status=status,
            user_agent=user_agent,
        )

        scim_request.additional_properties = d
        return scim_request

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
