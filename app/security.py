"""Secrets: generation, hashing and constant-time comparison of bearer tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_TOKEN_BYTES = 32  # 256 bits of entropy


def new_token(prefix: str) -> str:
    """A random bearer token such as ``dsk_…``: 256 random bits, URL-safe."""
    return f"{prefix}_{secrets.token_urlsafe(_TOKEN_BYTES)}"


def hash_token(token: str) -> bytes:
    """SHA-256 of a token: tokens carry 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(token.encode()).digest()


def token_matches(token: str, stored_hash: bytes) -> bool:
    return hmac.compare_digest(hash_token(token), stored_hash)


def display_prefix(token: str) -> str:
    """The part of a token safe to show again later (prefix plus a few characters)."""
    head, _, rest = token.partition("_")
    return f"{head}_{rest[:6]}"
