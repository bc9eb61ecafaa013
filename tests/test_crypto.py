from __future__ import annotations

import base64
import os
from datetime import timedelta

import pytest

from app import crypto
from app.errors import Unauthenticated
from app.services import directory as directory_service
from tests.factories import KEYS, make_directory


def new_key(key_id: str) -> tuple[str, bytes]:
    return key_id, base64.b64decode(base64.b64encode(os.urandom(32)))


def test_round_trip_and_aad_binding() -> None:
    keys = [new_key("a")]
    blob, key_id = crypto.encrypt_json({"token": "s3cret"}, keys, aad=b"dir_1")
    assert key_id == "a" and b"s3cret" not in blob
    assert crypto.decrypt_json(blob, key_id, keys, aad=b"dir_1") == {"token": "s3cret"}
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_json(blob, key_id, keys, aad=b"dir_2")
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt_json(blob, "missing", keys, aad=b"dir_1")


async def test_credentials_encrypted_and_reencrypted_on_rotation(pool, tenant) -> None:
    old = [new_key("old")]
    directory, _ = await make_directory(
        pool, tenant.id, provider="okta", credentials={"api_token": "t0k"}, keys=old
    )
    rotated = [new_key("new"), *old]
    async with pool.acquire() as conn:
        raw = await conn.fetchrow(
            "SELECT credentials, credentials_key_id FROM directories WHERE tenant_id = $1 AND id = $2",
            tenant.id,
            directory.id,
        )
        assert raw["credentials_key_id"] == "old" and b"t0k" not in raw["credentials"]
        # Any configured key decrypts; the active key encrypts after re-encryption.
        assert await directory_service.get_credentials(conn, tenant.id, directory.id, keys=rotated) == {
            "api_token": "t0k"
        }
        assert await directory_service.reencrypt_credentials(conn, tenant.id, keys=rotated) == 1
        assert await directory_service.reencrypt_credentials(conn, tenant.id, keys=rotated) == 0
        new_only = rotated[:1]
        assert await directory_service.get_credentials(conn, tenant.id, directory.id, keys=new_only) == {
            "api_token": "t0k"
        }


async def test_scim_token_rotation_overlap(pool, tenant) -> None:
    directory, first = await make_directory(pool, tenant.id)
    async with pool.acquire() as conn:
        auth = await directory_service.authenticate_scim(conn, directory.id, first)
        assert (auth.tenant_id, auth.directory_id, auth.provider) == (tenant.id, directory.id, "scim")
        with pytest.raises(Unauthenticated):
            await directory_service.authenticate_scim(conn, directory.id, first + "x")
        _, second = await directory_service.rotate_scim_token(conn, tenant.id, directory.id)
        await directory_service.authenticate_scim(conn, directory.id, first)  # still inside the overlap
        await directory_service.authenticate_scim(conn, directory.id, second)
        _, third = await directory_service.rotate_scim_token(
            conn, tenant.id, directory.id, overlap=timedelta(seconds=-1)
        )
        with pytest.raises(Unauthenticated):
            await directory_service.authenticate_scim(conn, directory.id, second)  # overlap over
        with pytest.raises(Unauthenticated):
            await directory_service.authenticate_scim(conn, directory.id, first)  # two rotations ago
        await directory_service.authenticate_scim(conn, directory.id, third)


def test_factory_keys_are_the_test_settings_keys(settings) -> None:
    assert settings.encryption_keys() == KEYS
