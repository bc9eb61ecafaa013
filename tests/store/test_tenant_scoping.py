"""Every SQL statement in app/store filters by tenant_id (the way polar lints its org scoping).

A function that must run unscoped (it resolves the tenant, or is operator-only / cross-tenant
maintenance) says so with "Unscoped by design" in its docstring.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "app" / "store"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
EXEMPT_MODULES = {"migration.py"}  # schema management, not tenant data
MARKER = "unscoped by design"


def sql_statements(function: ast.AsyncFunctionDef | ast.FunctionDef) -> list[str]:
    return [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value)
    ]


def test_every_store_query_is_tenant_scoped() -> None:
    offenders: list[str] = []
    checked = 0
    for path in sorted(STORE.glob("*.py")):
        if path.name in EXEMPT_MODULES:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                continue
            docstring = (ast.get_docstring(node) or "").lower()
            for statement in sql_statements(node):
                if statement.strip() == docstring.strip():
                    continue
                checked += 1
                if "tenant_id" not in statement and MARKER not in docstring:
                    offenders.append(f"{path.name}:{node.name}")
    assert checked > 0
    assert not offenders, f"queries without a tenant_id filter: {offenders}"
