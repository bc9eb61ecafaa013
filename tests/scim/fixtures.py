"""Load the published SCIM examples under tests/fixtures/scim/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "scim"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / f"{name}.json").read_text())
    assert data["source"], f"{name} must cite its source"
    return data


def body(name: str) -> Any:
    return load(name)["request"]["body"]


def all_fixtures() -> list[str]:
    return sorted(str(p.relative_to(ROOT).with_suffix("")) for p in ROOT.rglob("*.json"))
