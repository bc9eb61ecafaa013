from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.push_outcome import PushOutcome
from ...models.receive_google_push_x_goog_resource_state import ReceiveGooglePushXGoogResourceState
from ...types import UNSET, Response, Unset


def _get_kwargs(
    directory_id: str,
    *,
    x_goog_channel_id: str,
    x_goog_resource_state: ReceiveGooglePushXGoogResourceState,
    x_goog_message_number: str,
    x_goog_channel_token: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-Goog-Channel-ID"] = x_goog_channel_id

    headers["X-Goog-Resource-State"] = str(x_goog_resource_state)

    headers["X-Goog-Message-Number"] = x_goog_message_number

    if not isinstance(x_goog_channel_token, Unset):
        headers["X-Goog-Channel-Token"] = x_goog_channel_token

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/hooks/google/{directory_id}".format(
            directory_id=quote(str(directory_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | PushOutcome | None:
    if response.status_code == 200:
        response_200 = PushOutcome.from_dict(response.json())

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

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | PushOutcome]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    directory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_channel_id: str,
    x_goog_resource_state: ReceiveGooglePushXGoogResourceState,
    x_goog_message_number: str,
    x_goog_channel_token: None | str | Unset = UNSET,
) -> Response[Problem | PushOutcome]:
    """Receive a Google users.watch push notification

     Called by Google for the directory's watch channels; authenticated by X-Goog-Channel-Token. Answers
    200 once the change is applied (or was a sync message or a repeat), 401 for an unknown channel or
    token, 503 when Google could not be asked for the user (Google then redelivers).

    Args:
        directory_id (str):
        x_goog_channel_id (str):
        x_goog_resource_state (ReceiveGooglePushXGoogResourceState):
        x_goog_message_number (str):
        x_goog_channel_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PushOutcome]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        x_goog_channel_id=x_goog_channel_id,
        x_goog_resource_state=x_goog_resource_state,
        x_goog_message_number=x_goog_message_number,
        x_goog_channel_token=x_goog_channel_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    directory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_channel_id: str,
    x_goog_resource_state: ReceiveGooglePushXGoogResourceState,
    x_goog_message_number: str,
    x_goog_channel_token: None | str | Unset = UNSET,
) -> Problem | PushOutcome | None:
    """Receive a Google users.watch push notification

     Called by Google for the directory's watch channels; authenticated by X-Goog-Channel-Token. Answers
    200 once the change is applied (or was a sync message or a repeat), 401 for an unknown channel or
    token, 503 when Google could not be asked for the user (Google then redelivers).

    Args:
        directory_id (str):
        x_goog_channel_id (str):
        x_goog_resource_state (ReceiveGooglePushXGoogResourceState):
        x_goog_message_number (str):
        x_goog_channel_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PushOutcome
    """

    return sync_detailed(
        directory_id=directory_id,
        client=client,
        x_goog_channel_id=x_goog_channel_id,
        x_goog_resource_state=x_goog_resource_state,
        x_goog_message_number=x_goog_message_number,
        x_goog_channel_token=x_goog_channel_token,
    ).parsed


async def asyncio_detailed(
    directory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_channel_id: str,
    x_goog_resource_state: ReceiveGooglePushXGoogResourceState,
    x_goog_message_number: str,
    x_goog_channel_token: None | str | Unset = UNSET,
) -> Response[Problem | PushOutcome]:
    """Receive a Google users.watch push notification

     Called by Google for the directory's watch channels; authenticated by X-Goog-Channel-Token. Answers
    200 once the change is applied (or was a sync message or a repeat), 401 for an unknown channel or
    token, 503 when Google could not be asked for the user (Google then redelivers).

    Args:
        directory_id (str):
        x_goog_channel_id (str):
        x_goog_resource_state (ReceiveGooglePushXGoogResourceState):
        x_goog_message_number (str):
        x_goog_channel_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PushOutcome]
    """

    kwargs = _get_kwargs(
        directory_id=directory_id,
        x_goog_channel_id=x_goog_channel_id,
        x_goog_resource_state=x_goog_resource_state,
        x_goog_message_number=x_goog_message_number,
        x_goog_channel_token=x_goog_channel_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    directory_id: str,
    *,
    client: AuthenticatedClient | Client,
    x_goog_channel_id: str,
    x_goog_resource_state: ReceiveGooglePushXGoogResourceState,
    x_goog_message_number: str,
    x_goog_channel_token: None | str | Unset = UNSET,
) -> Problem | PushOutcome | None:
    """Receive a Google users.watch push notification

     Called by Google for the directory's watch channels; authenticated by X-Goog-Channel-Token. Answers
    200 once the change is applied (or was a sync message or a repeat), 401 for an unknown channel or
    token, 503 when Google could not be asked for the user (Google then redelivers).

    Args:
        directory_id (str):
        x_goog_channel_id (str):
        x_goog_resource_state (ReceiveGooglePushXGoogResourceState):
        x_goog_message_number (str):
        x_goog_channel_token (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PushOutcome
    """

    return (
        await asyncio_detailed(
            directory_id=directory_id,
            client=client,
            x_goog_channel_id=x_goog_channel_id,
            x_goog_resource_state=x_goog_resource_state,
            x_goog_message_number=x_goog_message_number,
            x_goog_channel_token=x_goog_channel_token,
        )
    ).parsed
