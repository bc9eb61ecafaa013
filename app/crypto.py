"""AES-256-GCM for provider credentials at rest, under a key id so keys can rotate.

Keys come from ``Settings.encryption_keys()`` (passed in by the caller, never read from a global):
the first key encrypts, every configured key decrypts. The blob is ``nonce (12 bytes) || ciphertext``
and the associated data binds it to its owner, so a blob copied to another directory fails to open.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

Keys = Sequence[tuple[str, bytes]]
_NONCE_BYTES = 12


class CryptoError(Exception):
    """No key configured, unknown key id, or a blob that does not authenticate."""


def encrypt(plaintext: bytes, keys: Keys, *, aad: bytes) -> tuple[bytes, str]:
    """Encrypt under the active (first) key; returns (blob, key_id)."""
    if not keys:
        raise CryptoError("no encryption key configured (DIRSYNC_CRYPTO_KEYS)")
    key_id, key = keys[0]
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad), key_id


def decrypt(blob: bytes, key_id: str, keys: Keys, *, aad: bytes) -> bytes:
    key = dict(keys).get(key_id)
    if key is None:
        raise CryptoError(f"encryption key {key_id!r} is not configured (DIRSYNC_CRYPTO_KEYS)")
    try:
        return AESGCM(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise CryptoError("ciphertext does not authenticate under its key") from exc


def encrypt_json(value: dict[str, Any], keys: Keys, *, aad: bytes) -> tuple[bytes, str]:
    return encrypt(msgspec.json.encode(value), keys, aad=aad)


def decrypt_json(blob: bytes, key_id: str, keys: Keys, *, aad: bytes) -> dict[str, Any]:
    value = msgspec.json.decode(decrypt(blob, key_id, keys, aad=aad))
    if not isinstance(value, dict):
        raise CryptoError("decrypted credentials are not a JSON object")
    return value


def active_key_id(keys: Keys) -> str | None:
    return keys[0][0] if keys else None
