"""Push notifications of ``users.watch`` channels (Admin SDK push notification guide).

Google POSTs to the channel's address with ``X-Goog-Channel-ID``, ``X-Goog-Channel-Token`` (the token
we chose when creating the channel), ``X-Goog-Resource-State`` (``sync`` first, then the event:
add, update, delete, undelete, makeAdmin), ``X-Goog-Message-Number`` (int64, increasing per channel)
and ``X-Goog-Resource-ID``; the body is a partial ``User`` (``kind``, ``id``, ``etag``, ``primaryEmail``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import msgspec

from app.changes import ChangeBatch, Ref, UserRemove
from providers.google._client import DirectoryClient
from providers.google._errors import GoogleError, GoogleNotFound
from providers.google._mapping import user_to_upsert

USER_EVENTS = ("add", "update", "delete", "undelete", "makeAdmin")
SYNC_STATE = "sync"


class InvalidNotification(GoogleError):
    """Headers or body are not a push notification we can act on."""


class PushNotification(msgspec.Struct, kw_only=True, frozen=True):
    channel_id: str
    channel_token: str
    resource_state: str
    message_number: int
    resource_id: str | None = None
    user_id: str | None = None
    user_email: str | None = None

    @property
    def is_sync(self) -> bool:
        return self.resource_state == SYNC_STATE

    @property
    def source_id(self) -> str:
        return f"google:{self.channel_id}:{self.message_number}"


def hash_channel_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def channel_token_matches(presented: str, stored_hash: bytes) -> bool:
    """Constant-time check of ``X-Goog-Channel-Token`` against the hash we stored."""
    return hmac.compare_digest(hash_channel_token(presented), stored_hash)


def parse_notification(headers: Mapping[str, str], body: bytes) -> PushNotification:
    channel_id = headers.get("x-goog-channel-id")
    state = headers.get("x-goog-resource-state")
    number = headers.get("x-goog-message-number", "")
    if not channel_id or not state:
        raise InvalidNotification("missing X-Goog-Channel-ID or X-Goog-Resource-State")
    if not number.isdigit():
        raise InvalidNotification("X-Goog-Message-Number must be an integer")
    user_id = user_email = None
    if state != SYNC_STATE:
        if state not in USER_EVENTS:
            raise InvalidNotification(f"unknown resource state {state!r}")
        try:
            payload: Any = msgspec.json.decode(body) if body else {}
        except msgspec.DecodeError:
            raise InvalidNotification("body is not JSON") from None
        if not isinstance(payload, dict) or not payload.get("id"):
            raise InvalidNotification("body names no user id")
        user_id, user_email = str(payload["id"]), payload.get("primaryEmail")
    return PushNotification(
        channel_id=channel_id,
        channel_token=headers.get("x-goog-channel-token", ""),
        resource_state=state,
        message_number=int(number),
        resource_id=headers.get("x-goog-resource-id"),
        user_id=user_id,
        user_email=user_email if isinstance(user_email, str) else None,
    )


async def changes_for_notification(client: DirectoryClient, note: PushNotification) -> ChangeBatch:
    """Fetch the user the notification names (never trust the partial body) and say what to apply."""
    assert note.user_id is not None
    removal = ChangeBatch(changes=(UserRemove(user=Ref(external_id=note.user_id)),), source_id=note.source_id)
    try:
        user = await client.get_user(note.user_id)
    except GoogleNotFound:
        return removal
    if user.get("deletionTime"):
        return removal
    return ChangeBatch(changes=(user_to_upsert(user),), source_id=note.source_id)
