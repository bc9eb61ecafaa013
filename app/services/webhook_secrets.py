"""Webhook signing secrets at rest: sealed with AES-256-GCM under ``DIRSYNC_CRYPTO_KEYS``.

The same key machinery as provider credentials (``app.crypto``): the first configured key seals,
every configured key opens, and the associated data binds a sealed blob to its endpoint, so a
blob copied to another row does not open. Both secrets of an endpoint (the current one and, during
a rotation's overlap, the previous one) are sealed together as one JSON object. With no key
configured (local development) secrets are stored in plaintext. The worker's startup pass seals
plaintext rows once a key is configured and re-seals rows under an older key.
"""

from __future__ import annotations

import msgspec
import structlog

from app import crypto
from app.db import Connection, Pool
from app.errors import SigningSecretUnavailable, WebhookEndpointNotFound
from app.store import webhook_endpoint as endpoint_store
from app.store.webhook_endpoint import EndpointRow

log = structlog.get_logger()


class Secrets(msgspec.Struct, frozen=True, kw_only=True):
    secret: str
    previous_secret: str | None = None


class StoredSecrets(msgspec.Struct, frozen=True, kw_only=True):
    """Column values: sealed (blob and key id) or, with no key configured, plaintext."""

    secret: str | None
    previous_secret: str | None
    secrets_sealed: bytes | None
    secrets_key_id: str | None


def _aad(tenant_id: str, endpoint_id: str) -> bytes:
    return f"dirsync:webhook_secrets:{tenant_id}:{endpoint_id}".encode()


def seal(tenant_id: str, endpoint_id: str, secrets: Secrets, keys: crypto.Keys) -> StoredSecrets:
    if not keys:
        return StoredSecrets(
            secret=secrets.secret,
            previous_secret=secrets.previous_secret,
            secrets_sealed=None,
            secrets_key_id=None,
        )
    blob, key_id = crypto.encrypt(msgspec.json.encode(secrets), keys, aad=_aad(tenant_id, endpoint_id))
    return StoredSecrets(secret=None, previous_secret=None, secrets_sealed=blob, secrets_key_id=key_id)


def open_secrets(endpoint: EndpointRow, keys: crypto.Keys) -> Secrets:
    """The endpoint's secrets; ``SigningSecretUnavailable`` if its blob does not open with ``keys``
    (the key it was sealed with is no longer configured)."""
    if endpoint.secrets_sealed is None or endpoint.secrets_key_id is None:
        assert endpoint.secret is not None
        return Secrets(secret=endpoint.secret, previous_secret=endpoint.previous_secret)
    try:
        plaintext = crypto.decrypt(
            endpoint.secrets_sealed,
            endpoint.secrets_key_id,
            keys,
            aad=_aad(endpoint.tenant_id, endpoint.id),
        )
    except crypto.CryptoError as exc:
        # The key id is the operator's business; the tenant's answer does not carry it.
        log.error(
            "webhook_secret_unavailable",
            tenant_id=endpoint.tenant_id,
            endpoint_id=endpoint.id,
            key_id=endpoint.secrets_key_id,
            error=str(exc),
        )
        raise SigningSecretUnavailable(
            "the endpoint's signing secret was sealed with a key this deployment no longer has; "
            "the operator must restore it (rotating the secret works meanwhile, without an overlap)"
        ) from exc
    return msgspec.json.decode(plaintext, type=Secrets)


def signing_secrets(endpoint: EndpointRow, secrets: Secrets, now: float) -> list[str]:
    """The current secret, and the previous one while its rotation overlap lasts (``now``: epoch
    seconds, the clock the signature's timestamp is read from)."""
    expires = endpoint.previous_secret_expires_at
    if secrets.previous_secret is not None and expires is not None and expires.timestamp() > now:
        return [secrets.secret, secrets.previous_secret]
    return [secrets.secret]


async def _store(
    conn: Connection, tenant_id: str, endpoint_id: str, stored: StoredSecrets, overlap_seconds: float | None
) -> EndpointRow | None:
    return await endpoint_store.set_secrets(
        conn,
        tenant_id,
        endpoint_id,
        secret=stored.secret,
        previous_secret=stored.previous_secret,
        secrets_sealed=stored.secrets_sealed,
        secrets_key_id=stored.secrets_key_id,
        overlap_seconds=overlap_seconds,
    )


async def rotate(
    conn: Connection,
    tenant_id: str,
    endpoint_id: str,
    *,
    new_secret: str,
    overlap_seconds: float,
    keys: crypto.Keys,
) -> tuple[EndpointRow, Secrets]:
    async with conn.transaction():
        endpoint = await endpoint_store.lock_endpoint(conn, tenant_id, endpoint_id)
        if endpoint is None:
            raise WebhookEndpointNotFound(f"no webhook endpoint {endpoint_id}")
        try:
            previous: str | None = open_secrets(endpoint, keys).secret
        except SigningSecretUnavailable:
            # The old secret is lost to this deployment: the new one takes over at once, which is
            # the tenant's way out while the operator cannot restore the key.
            previous = None
        secrets = Secrets(secret=new_secret, previous_secret=previous)
        stored = seal(tenant_id, endpoint_id, secrets, keys)
        overlap = overlap_seconds if previous is not None else 0.0
        row = await _store(conn, tenant_id, endpoint_id, stored, overlap)
    assert row is not None
    return row, secrets


async def reencrypt_secrets(conn: Connection, tenant_id: str, *, keys: crypto.Keys) -> int:
    """Seal the tenant's secrets still in plaintext or under an older key with the active key."""
    active = crypto.active_key_id(keys)
    if active is None:
        return 0
    count = 0
    for endpoint_id in await endpoint_store.list_unsealed_or_stale(conn, tenant_id, active):
        async with conn.transaction():
            endpoint = await endpoint_store.lock_endpoint(conn, tenant_id, endpoint_id)
            if endpoint is None or endpoint.secrets_key_id == active:
                continue
            try:
                opened = open_secrets(endpoint, keys)
            except SigningSecretUnavailable:
                continue  # its key is not configured here: the row stays as it is (logged)
            stored = seal(tenant_id, endpoint_id, opened, keys)
            await _store(conn, tenant_id, endpoint_id, stored, None)
        count += 1
    return count


async def seal_plaintext_secrets(pool: Pool, keys: crypto.Keys) -> int:
    """Startup pass: seal plaintext secrets, and re-seal those under an older key, with the active
    key (so a key rotation completes when the workers restart with the new key listed first)."""
    active = crypto.active_key_id(keys)
    if active is None:
        return 0
    async with pool.acquire() as conn:
        tenants = await endpoint_store.tenants_with_stale_secrets(conn, active)
        sealed = 0
        for tenant_id in tenants:
            sealed += await reencrypt_secrets(conn, tenant_id, keys=keys)
    if sealed:
        log.info("webhook_secrets_sealed", endpoints=sealed)
    return sealed
