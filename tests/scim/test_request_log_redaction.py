"""Redaction of SCIM request log bodies (pure)."""

from __future__ import annotations

from app.api.scim._log import REDACTED, _body, redact
from app.settings import load_settings


def test_passwords_are_redacted_wherever_they_are() -> None:
    body = {
        "userName": "a",
        "password": "secret",
        "Operations": [
            {"op": "replace", "path": "password", "value": "p1"},
            {"op": "Replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:password", "value": "p2"},
            {"op": "replace", "value": {"Password": "p3", "displayName": "ok"}},
            {"op": "replace", "path": "displayName", "value": "visible"},
        ],
    }
    out = redact(body)
    assert out["password"] == REDACTED
    assert [op.get("value") for op in out["Operations"]] == [
        REDACTED,
        REDACTED,
        {"Password": REDACTED, "displayName": "ok"},
        "visible",
    ]
    assert "secret" not in str(out) and "p1" not in str(out)
    assert body["password"] == "secret"  # the original is untouched


def test_large_and_unparsable_bodies() -> None:
    assert _body(b"", 10) is None
    assert _body(b'{"a": "0123456789"}', 5) == {"truncated": True, "bytes": 19}
    assert _body(b"{not json", 100) == {"unparsed": "{not json", "bytes": 9}


def test_retention_is_a_setting() -> None:
    settings = load_settings({"DIRSYNC_SCIM_REQUEST_LOG_RETENTION_HOURS": "6"})
    assert settings.scim.request_log_retention_hours == 6
    assert load_settings({}).scim.request_log_enabled is True
