"""Test data for the Google simulator: a service-account key and Directory API resources.

Resource shapes follow the ``User``, ``Group`` and ``Member`` schemas of the ``admin:directory_v1``
discovery document (googleapis/google-api-python-client,
``googleapiclient/discovery_cache/documents/admin.directory_v1.json``): camelCase names, int64 values
(``directMembersCount``) as strings, ``kind`` and ``etag`` on every resource.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CUSTOMER_ID = "C03az79cb"
DOMAIN = "example.com"


@lru_cache(maxsize=2)
def _rsa_key(index: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(index: int = 0) -> str:
    return (
        _rsa_key(index)
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


def public_key_pem(index: int = 0) -> str:
    return (
        _rsa_key(index)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def service_account_key(token_uri: str, index: int = 0) -> dict[str, Any]:
    """A service-account JSON key with the fields (and order) of the file the Cloud console downloads."""
    return {
        "type": "service_account",
        "project_id": "dirsync-test",
        "private_key_id": hashlib.sha1(f"key{index}".encode()).hexdigest(),
        "private_key": private_key_pem(index),
        "client_email": "dirsync@dirsync-test.iam.gserviceaccount.com",
        "client_id": "109876543210987654321",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/dirsync%40dirsync-test.iam.gserviceaccount.com",
        "universe_domain": "googleapis.com",
    }


def etag(*parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    return f'"{digest[:27]}/{digest[27:40]}"'


def user_id(index: int) -> str:
    return str(100000000000000000000 + index)


def group_id(index: int) -> str:
    return f"0{index:05d}3znysh7"


def make_user(index: int, *, domain: str = DOMAIN, manager_index: int | None = None) -> dict[str, Any]:
    given, family = f"Given{index}", f"Family{index}"
    email = f"user{index}@{domain}"
    user: dict[str, Any] = {
        "kind": "admin#directory#user",
        "id": user_id(index),
        "etag": etag("user", index, 0),
        "primaryEmail": email,
        "name": {
            "givenName": given,
            "familyName": family,
            "fullName": f"{given} {family}",
            "displayName": "",
        },
        "isAdmin": False,
        "isDelegatedAdmin": False,
        "lastLoginTime": "1970-01-01T00:00:00.000Z",
        "creationTime": "2024-03-04T09:10:11.000Z",
        "agreedToTerms": True,
        "suspended": False,
        "archived": False,
        "changePasswordAtNextLogin": False,
        "ipWhitelisted": False,
        "emails": [{"address": email, "primary": True}, {"address": f"u{index}@alias.{domain}"}],
        "externalIds": [{"value": f"E{index:06d}", "type": "organization"}],
        "organizations": [
            {
                "title": "Engineer",
                "primary": True,
                "customType": "",
                "department": f"Dept{index % 10}",
                "costCenter": f"CC{index % 7}",
            }
        ],
        "languages": [{"languageCode": "en", "preference": "preferred"}],
        "customerId": CUSTOMER_ID,
        "orgUnitPath": "/",
        "isMailboxSetup": True,
        "isEnrolledIn2Sv": False,
        "isEnforcedIn2Sv": False,
        "includeInGlobalAddressList": True,
        "thumbnailPhotoUrl": f"https://lh3.google.com/ao/photo-{index}",
        "thumbnailPhotoEtag": etag("photo", index),
    }
    if manager_index is not None:
        user["relations"] = [{"value": f"user{manager_index}@{domain}", "type": "manager"}]
    return user


def make_group(index: int, *, domain: str = DOMAIN, members_count: int = 0) -> dict[str, Any]:
    return {
        "kind": "admin#directory#group",
        "id": group_id(index),
        "etag": etag("group", index, 0),
        "email": f"group{index}@{domain}",
        "name": f"Group {index}",
        "directMembersCount": str(members_count),
        "description": f"Test group {index}",
        "adminCreated": True,
        "nonEditableAliases": [f"group{index}@{domain}.test-google-a.com"],
    }


def make_member(user: dict[str, Any], *, role: str = "MEMBER") -> dict[str, Any]:
    return {
        "kind": "admin#directory#member",
        "etag": etag("member", user["id"]),
        "id": user["id"],
        "email": user.get("primaryEmail") or user.get("email"),
        "role": role,
        "type": "USER",
        "status": "ACTIVE",
    }


def make_group_member(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "admin#directory#member",
        "etag": etag("member", group["id"]),
        "id": group["id"],
        "email": group["email"],
        "role": "MEMBER",
        "type": "GROUP",
        "status": "ACTIVE",
    }
