from __future__ import annotations

import json

from app.openapi import DOCUMENT, render


def test_committed_document_matches_the_code() -> None:
    assert DOCUMENT.read_bytes() == render(), "openapi/openapi.json drifted from the code: run `make openapi`"


def test_every_operation_is_documented() -> None:
    document = json.loads(render())
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("operationId"), where
            assert operation.get("summary"), where
            assert operation.get("tags"), where
            if path.startswith("/v1/") or path.startswith("/admin/"):
                assert operation.get("security"), f"{where} has no security requirement"


def test_settings_reference_in_docs_matches_the_settings_struct() -> None:
    from app.openapi import OPERATING_DOC, render_operating_doc

    assert OPERATING_DOC.read_text() == render_operating_doc(), (
        "docs/operating.md drifted: run `make openapi`"
    )
