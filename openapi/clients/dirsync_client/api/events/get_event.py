from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.directory_activated import DirectoryActivated
from ...models.directory_deleted import DirectoryDeleted
from ...models.group_created import GroupCreated
from ...models.group_deleted import GroupDeleted
from ...models.group_updated import GroupUpdated
from ...models.group_user_added import GroupUserAdded
from ...models.group_user_removed import GroupUserRemoved
from ...models.problem import Problem
from ...models.user_created import UserCreated
from ...models.user_deleted import UserDeleted
from ...models.user_updated import UserUpdated
from ...models.webhook_endpoint_disabled import WebhookEndpointDisabled
from ...models.webhook_endpoint_event_failed import WebhookEndpointEventFailed
from ...types import Response


def _get_kwargs(
    event_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events/{event_id}".format(
            event_id=quote(str(event_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            DirectoryActivated
            | DirectoryDeleted
            | GroupCreated
            | GroupDeleted
            | GroupUpdated
            | GroupUserAdded
            | GroupUserRemoved
            | UserCreated
            | UserDeleted
            | UserUpdated
            | WebhookEndpointDisabled
            | WebhookEndpointEventFailed
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = DirectoryActivated.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_1 = DirectoryDeleted.from_dict(data)

                return response_200_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_2 = UserCreated.from_dict(data)

                return response_200_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_3 = UserUpdated.from_dict(data)

                return response_200_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_4 = UserDeleted.from_dict(data)

                return response_200_type_4
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_5 = GroupCreated.from_dict(data)

                return response_200_type_5
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_6 = GroupUpdated.from_dict(data)

                return response_200_type_6
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_7 = GroupDeleted.from_dict(data)

                return response_200_type_7
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_8 = GroupUserAdded.from_dict(data)

                return response_200_type_8
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_9 = GroupUserRemoved.from_dict(data)

                return response_200_type_9
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_10 = WebhookEndpointDisabled.from_dict(data)

                return response_200_type_10
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_11 = WebhookEndpointEventFailed.from_dict(data)

            return response_200_type_11

        response_200 = _parse_response_200(response.json())

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
) -> Response[
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
]:
    """Read one event

    Args:
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DirectoryActivated | DirectoryDeleted | GroupCreated | GroupDeleted | GroupUpdated | GroupUserAdded | GroupUserRemoved | UserCreated | UserDeleted | UserUpdated | WebhookEndpointDisabled | WebhookEndpointEventFailed | Problem]
    """

    kwargs = _get_kwargs(
        event_id=event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> (
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
    | None
):
    """Read one event

    Args:
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DirectoryActivated | DirectoryDeleted | GroupCreated | GroupDeleted | GroupUpdated | GroupUserAdded | GroupUserRemoved | UserCreated | UserDeleted | UserUpdated | WebhookEndpointDisabled | WebhookEndpointEventFailed | Problem
    """

    return sync_detailed(
        event_id=event_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
]:
    """Read one event

    Args:
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DirectoryActivated | DirectoryDeleted | GroupCreated | GroupDeleted | GroupUpdated | GroupUserAdded | GroupUserRemoved | UserCreated | UserDeleted | UserUpdated | WebhookEndpointDisabled | WebhookEndpointEventFailed | Problem]
    """

    kwargs = _get_kwargs(
        event_id=event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    event_id: str,
    *,
    client: AuthenticatedClient,
) -> (
    DirectoryActivated
    | DirectoryDeleted
    | GroupCreated
    | GroupDeleted
    | GroupUpdated
    | GroupUserAdded
    | GroupUserRemoved
    | UserCreated
    | UserDeleted
    | UserUpdated
    | WebhookEndpointDisabled
    | WebhookEndpointEventFailed
    | Problem
    | None
):
    """Read one event

    Args:
        event_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DirectoryActivated | DirectoryDeleted | GroupCreated | GroupDeleted | GroupUpdated | GroupUserAdded | GroupUserRemoved | UserCreated | UserDeleted | UserUpdated | WebhookEndpointDisabled | WebhookEndpointEventFailed | Problem
    """

    return (
        await asyncio_detailed(
            event_id=event_id,
            client=client,
        )
    ).parsed
