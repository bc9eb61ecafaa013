from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.replay_event import ReplayEvent
from ...models.replay_failed import ReplayFailed
from ...models.replay_queued import ReplayQueued
from ...models.replay_range import ReplayRange
from ...models.replay_time import ReplayTime
from ...types import Response


def _get_kwargs(
    endpoint_id: str,
    *,
    body: ReplayEvent | ReplayFailed | ReplayRange | ReplayTime,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook_endpoints/{endpoint_id}/replay".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    if isinstance(body, ReplayEvent) or isinstance(body, ReplayRange) or isinstance(body, ReplayTime):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ReplayQueued | None:
    if response.status_code == 202:
        response_202 = ReplayQueued.from_dict(response.json())

        return response_202

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | ReplayQueued]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayEvent | ReplayFailed | ReplayRange | ReplayTime,
) -> Response[Problem | ReplayQueued]:
    """Re-send events with their original ids and bodies, in order per directory

    Args:
        endpoint_id (str):
        body (ReplayEvent | ReplayFailed | ReplayRange | ReplayTime):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayQueued]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayEvent | ReplayFailed | ReplayRange | ReplayTime,
) -> Problem | ReplayQueued | None:
    """Re-send events with their original ids and bodies, in order per directory

    Args:
        endpoint_id (str):
        body (ReplayEvent | ReplayFailed | ReplayRange | ReplayTime):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayQueued
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayEvent | ReplayFailed | ReplayRange | ReplayTime,
) -> Response[Problem | ReplayQueued]:
    """Re-send events with their original ids and bodies, in order per directory

    Args:
        endpoint_id (str):
        body (ReplayEvent | ReplayFailed | ReplayRange | ReplayTime):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayQueued]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    body: ReplayEvent | ReplayFailed | ReplayRange | ReplayTime,
) -> Problem | ReplayQueued | None:
    """Re-send events with their original ids and bodies, in order per directory

    Args:
        endpoint_id (str):
        body (ReplayEvent | ReplayFailed | ReplayRange | ReplayTime):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayQueued
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            body=body,
        )
    ).parsed
