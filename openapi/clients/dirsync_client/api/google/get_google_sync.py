from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sync_status import SyncStatus
from ...types import Response


def _get_kwargs(
    directory_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/directories/{directory_id}/sync".format(
            directory_id=quote(str(directory_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SyncStatus | None:
    if response.status_code == 200:
        response_200 = SyncStatus.from_dict(response.json())

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

    if response.status_code == 405:
        response_405 = Problem.from_dict(response.json())

        return response_405

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SyncStatus]:
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
) -> Response[Problem | SyncStatus]:
    """Sync progress of a Google Workspace directory

     Phase, counts, start and finish times and the last error of the directory's initial sync or latest
    reconcile, and how many push channels are live.

    Args:
        directory_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SyncStatus]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    directory_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | SyncStatus | None:
    """Sync progress of a Google Workspace directory

     Phase, counts, start and finish times and the last error of the directory's initial sync or latest
    reconcile, and how many push channels are live.

    Args:
        directory_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SyncStatus
    """

    return sync_detailed(
        directory_id=directory_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    directory_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | SyncStatus]:
    """Sync progress of a Google Workspace directory

     Phase, counts, start and finish times and the last error of the directory's initial sync or latest
    reconcile, and how many push channels are live.

    Args:
        directory_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SyncStatus]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    directory_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | SyncStatus | None:
    """Sync progress of a Google Workspace directory

     Phase, counts, start and finish times and the last error of the directory's initial sync or latest
    reconcile, and how many push channels are live.

    Args:
        directory_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SyncStatus
    """

    return (
        await asyncio_detailed(
            directory_id=directory_id,
            client=client,
        )
    ).parsed
