from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.scim_error_body import ScimErrorBody
from ...models.scim_search_groups_body import ScimSearchGroupsBody
from ...types import Response


def _get_kwargs(
    directory_id: str,
    *,
    body: ScimSearchGroupsBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/scim/v2/{directory_id}/Groups/.search".format(
            directory_id=quote(str(directory_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ScimErrorBody | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.json())
        return response_200

    if response.status_code == 400:
        response_400 = ScimErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ScimErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ScimErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ScimErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = ScimErrorBody.from_dict(response.json())

        return response_412

    if response.status_code == 500:
        response_500 = ScimErrorBody.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ScimErrorBody | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    directory_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimSearchGroupsBody,
) -> Response[ScimErrorBody | str]:
    """Search groups (POST)

     RFC 7644 §3.4.3: the query parameters of the GET list as a SearchRequest body (`{"schemas":
    ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": …, "attributes": [...],
    "startIndex": 1, "count": 10}`); answers a ListResponse.

    Args:
        directory_id (str):
        body (ScimSearchGroupsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScimErrorBody | str]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    directory_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimSearchGroupsBody,
) -> ScimErrorBody | str | None:
    """Search groups (POST)

     RFC 7644 §3.4.3: the query parameters of the GET list as a SearchRequest body (`{"schemas":
    ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": …, "attributes": [...],
    "startIndex": 1, "count": 10}`); answers a ListResponse.

    Args:
        directory_id (str):
        body (ScimSearchGroupsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScimErrorBody | str
    """

    return sync_detailed(
        directory_id=directory_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    directory_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimSearchGroupsBody,
) -> Response[ScimErrorBody | str]:
    """Search groups (POST)

     RFC 7644 §3.4.3: the query parameters of the GET list as a SearchRequest body (`{"schemas":
    ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": …, "attributes": [...],
    "startIndex": 1, "count": 10}`); answers a ListResponse.

    Args:
        directory_id (str):
        body (ScimSearchGroupsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ScimErrorBody | str]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    directory_id: str,
    *,
    client: AuthenticatedClient,
    body: ScimSearchGroupsBody,
) -> ScimErrorBody | str | None:
    """Search groups (POST)

     RFC 7644 §3.4.3: the query parameters of the GET list as a SearchRequest body (`{"schemas":
    ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": …, "attributes": [...],
    "startIndex": 1, "count": 10}`); answers a ListResponse.

    Args:
        directory_id (str):
        body (ScimSearchGroupsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ScimErrorBody | str
    """

    return (
        await asyncio_detailed(
            directory_id=directory_id,
            client=client,
            body=body,
        )
    ).parsed
