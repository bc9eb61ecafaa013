"""Every SQL statement in app/store filters by tenant_id (the way polar lints its org scoping).

A function that must run unscoped (it resolves the tenant, spans tenants for maintenance, or
carries no data) is either listed in UNSCOPED or says "Unscoped by design" in its docstring.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "app" / "store"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# tenant_id used as a filter or key: "tenant_id = $1", "(tenant_id, ...", "tenant_id IN", ...
SCOPED = re.compile(r"tenant_id\s*(=|IN\b)|\(\s*tenant_id\s*,|tenant_id\s*\)", re.IGNORECASE)
EXEMPT_MODULES = {"migration.py"}  # schema management, not tenant data
MARKER = "unscoped by design"
UNSCOPED = {
    "directory.py:get_token_row",  # SCIM names only the directory: this lookup resolves its tenant
    "directory.py:list_deleting",  # the purge job spans tenants
    "event.py:begin",  # transaction control and NOTIFY carry no data
    "event.py:rollback",
    "event.py:commit_and_notify",
    "event.py:notify",
    "optimistic.py:write",  # calls dirsync_apply_user (migration 0009), which filters by tenant_id
}


def sql_statements(function: ast.AsyncFunctionDef | ast.FunctionDef) -> list[str]:
    """String literals that hold SQL; f-strings are read whole, with {} for the interpolations."""
    texts: list[str] = []
    inside_fstrings: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            inside_fstrings.update(id(v) for v in node.values)
            texts.append("".join(str(p) for p in parts))
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings:
            texts.append(node.value)
    return [text for text in texts if SQL.search(text)]


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
            docstring = ast.get_docstring(node) or ""
            if f"{path.name}:{node.name}" in UNSCOPED or MARKER in docstring.lower():
                continue
            for statement in sql_statements(node):
                if inspect.cleandoc(statement) == docstring:
                    continue
                checked += 1
                if not SCOPED.search(statement):
                    offenders.append(f"{path.name}:{node.name}")
    assert checked > 20
    assert not offenders, f"queries without a tenant_id filter: {sorted(set(offenders))}"
