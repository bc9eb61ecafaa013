"""Standard Webhooks signing (https://www.standardwebhooks.com/): secrets and headers."""

from __future__ import annotations

import base64
import functools
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    """A fresh signing secret, ``whsec_`` + base64 of 24 random bytes (as Svix issues them)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


@functools.lru_cache(maxsize=4096)
def _key(secret: str) -> bytes:
    """The HMAC key a secret stands for (decoded once per secret, not once per request)."""
    raw = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(raw + "=" * (-len(raw) % 4))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``."""
    to_sign = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.digest(_key(secret), to_sign, "sha256")).decode()


def sign_headers(secrets_: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers; one signature per secret, space-separated (rotation)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join([signature(s, msg_id, timestamp, body) for s in secrets_]),
    }


def redacted(headers: dict[str, str]) -> dict[str, str]:
    """The headers as the attempt log keeps them: each signature replaced by ``v1,[redacted]``."""
    count = headers["webhook-signature"].count(" ") + 1
    return {**headers, "webhook-signature": " ".join(["v1,[redacted]"] * count)}
