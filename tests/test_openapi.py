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


def test_committed_client_matches_the_document(tmp_path) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    bin_dir = Path(sys.executable).parent
    committed = DOCUMENT.parent / "clients" / "dirsync_client"
    out = tmp_path / "dirsync_client"
    # Same ruff settings as the committed client (the generator formats its output with ruff).
    (tmp_path / "ruff.toml").write_bytes((committed.parent / "ruff.toml").read_bytes())
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(DOCUMENT),
            "--meta",
            "none",
            "--output-path",
            str(out),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=120,
    )

    def tree(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
            and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(root).parts)
        }

    assert tree(committed) == tree(out), "openapi/clients drifted from openapi.json: run `make openapi`"
