from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_list import EventList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    directory_id: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_directory_id: None | str | Unset
    if isinstance(directory_id, Unset):
        json_directory_id = UNSET
    else:
        json_directory_id = directory_id
    params["directory_id"] = json_directory_id

    json_after: None | str | Unset
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_types: None | str | Unset
    if isinstance(types, Unset):
        json_types = UNSET
    else:
        json_types = types
    params["types"] = json_types

    params["limit"] = limit

    params["wait"] = wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventList | Problem | None:
    if response.status_code == 200:
        response_200 = EventList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    directory_id: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: int | Unset = 0,
) -> Response[EventList | Problem]:
    """List events (optionally long-poll for new ones)

    Args:
        directory_id (None | str | Unset):
        after (None | str | Unset): With directory_id: return events after this sequence
        cursor (None | str | Unset): next_cursor from the previous page
        types (None | str | Unset): Comma-separated event types
        limit (int | Unset):  Default: 100.
        wait (int | Unset): Long-poll seconds Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        after=after,
        cursor=cursor,
        types=types,
        limit=limit,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    directory_id: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: int | Unset = 0,
) -> EventList | Problem | None:
    """List events (optionally long-poll for new ones)

    Args:
        directory_id (None | str | Unset):
        after (None | str | Unset): With directory_id: return events after this sequence
        cursor (None | str | Unset): next_cursor from the previous page
        types (None | str | Unset): Comma-separated event types
        limit (int | Unset):  Default: 100.
        wait (int | Unset): Long-poll seconds Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return sync_detailed(
        client=client,
        directory_id=directory_id,
        after=after,
        cursor=cursor,
        types=types,
        limit=limit,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    directory_id: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: int | Unset = 0,
) -> Response[EventList | Problem]:
    """List events (optionally long-poll for new ones)

    Args:
        directory_id (None | str | Unset):
        after (None | str | Unset): With directory_id: return events after this sequence
        cursor (None | str | Unset): next_cursor from the previous page
        types (None | str | Unset): Comma-separated event types
        limit (int | Unset):  Default: 100.
        wait (int | Unset): Long-poll seconds Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventList | Problem]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        after=after,
        cursor=cursor,
        types=types,
        limit=limit,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    directory_id: None | str | Unset = UNSET,
    after: None | str | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    types: None | str | Unset = UNSET,
    limit: int | Unset = 100,
    wait: int | Unset = 0,
) -> EventList | Problem | None:
    """List events (optionally long-poll for new ones)

    Args:
        directory_id (None | str | Unset):
        after (None | str | Unset): With directory_id: return events after this sequence
        cursor (None | str | Unset): next_cursor from the previous page
        types (None | str | Unset): Comma-separated event types
        limit (int | Unset):  Default: 100.
        wait (int | Unset): Long-poll seconds Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            directory_id=directory_id,
            after=after,
            cursor=cursor,
            types=types,
            limit=limit,
            wait=wait,
        )
    ).parsed
