from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_endpoint_secret import WebhookEndpointSecret
from ...types import UNSET, Response, Unset


def _get_kwargs(
    endpoint_id: str,
    *,
    overlap_seconds: int | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_overlap_seconds: int | None | Unset
    if isinstance(overlap_seconds, Unset):
        json_overlap_seconds = UNSET
    else:
        json_overlap_seconds = overlap_seconds
    params["overlap_seconds"] = json_overlap_seconds

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook_endpoints/{endpoint_id}/secret/rotate".format(
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookEndpointSecret | None:
    if response.status_code == 200:
        response_200 = WebhookEndpointSecret.from_dict(response.json())

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
) -> Response[Problem | WebhookEndpointSecret]:
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
    overlap_seconds: int | None | Unset = UNSET,
) -> Response[Problem | WebhookEndpointSecret]:
    """Rotate the signing secret (both are signed with during the overlap)

    Args:
        endpoint_id (str):
        overlap_seconds (int | None | Unset): Seconds the old secret keeps signing (default 24 h)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointSecret]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        overlap_seconds=overlap_seconds,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    overlap_seconds: int | None | Unset = UNSET,
) -> Problem | WebhookEndpointSecret | None:
    """Rotate the signing secret (both are signed with during the overlap)

    Args:
        endpoint_id (str):
        overlap_seconds (int | None | Unset): Seconds the old secret keeps signing (default 24 h)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointSecret
    """

    return sync_detailed(
        endpoint_id=endpoint_id,
        client=client,
        overlap_seconds=overlap_seconds,
    ).parsed


async def asyncio_detailed(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    overlap_seconds: int | None | Unset = UNSET,
) -> Response[Problem | WebhookEndpointSecret]:
    """Rotate the signing secret (both are signed with during the overlap)

    Args:
        endpoint_id (str):
        overlap_seconds (int | None | Unset): Seconds the old secret keeps signing (default 24 h)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointSecret]
    """

    kwargs = _get_kwargs(
        endpoint_id=endpoint_id,
        overlap_seconds=overlap_seconds,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    endpoint_id: str,
    *,
    client: AuthenticatedClient,
    overlap_seconds: int | None | Unset = UNSET,
) -> Problem | WebhookEndpointSecret | None:
    """Rotate the signing secret (both are signed with during the overlap)

    Args:
        endpoint_id (str):
        overlap_seconds (int | None | Unset): Seconds the old secret keeps signing (default 24 h)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointSecret
    """

    return (
        await asyncio_detailed(
            endpoint_id=endpoint_id,
            client=client,
            overlap_seconds=overlap_seconds,
        )
    ).parsed
