"""The Python snippets in docs/ run: each is executed against real inputs built by our code."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from standardwebhooks.webhooks import WebhookVerificationError

from app.delivery.signing import new_secret, sign_headers

DOCS = Path(__file__).resolve().parents[1] / "docs"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


class FakeRequest:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


def snippets(name: str) -> list[str]:
    blocks = PYTHON_BLOCK.findall((DOCS / name).read_text())
    assert blocks, f"docs/{name} has no Python snippet"
    return blocks


@pytest.mark.parametrize("snippet", snippets("webhooks.md"))
def test_webhook_verification_snippet_accepts_our_signature_and_rejects_a_forgery(snippet: str) -> None:
    secret = new_secret()
    raw_body = b'{"type":"user.created","id":"evt_01TEST"}'
    headers = sign_headers([secret], "evt_01TEST", int(time.time()), raw_body)
    namespace = {"secret": secret, "raw_body": raw_body, "request": FakeRequest(headers)}
    exec(compile(snippet, "docs/webhooks.md", "exec"), namespace)
    assert namespace["event"]["id"] == "evt_01TEST"

    forged = {"secret": new_secret(), "raw_body": raw_body, "request": FakeRequest(headers)}
    with pytest.raises(WebhookVerificationError):
        exec(compile(snippet, "docs/webhooks.md", "exec"), forged)
