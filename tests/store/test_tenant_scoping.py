"""Every store statement filters by tenant_id (the few unscoped lookups are named here)."""

from __future__ import annotations

import inspect
import re

import pytest

from app.store import directory, event, group, user

UNSCOPED = {
    # SCIM names only the directory: this lookup resolves its tenant.
    "directory.get_token_row",
    # The purge job spans tenants.
    "directory.list_deleting",
    # Transaction control and NOTIFY carry no data.
    "event.begin",
    "event.rollback",
    "event.commit_and_notify",
    "event.notify",
}
SCOPED = re.compile(r"tenant_id\s*=\s*\$\d|\(tenant_id, |tenant_id = \$1")

functions = [
    (f"{module.__name__.rsplit('.', 1)[1]}.{name}", fn)
    for module in (directory, event, group, user)
    for name, fn in inspect.getmembers(module, inspect.iscoroutinefunction)
    if fn.__module__ == module.__name__
]


@pytest.mark.parametrize(("name", "fn"), functions, ids=[n for n, _ in functions])
def test_statement_filters_by_tenant(name, fn) -> None:
    if name in UNSCOPED:
        return
    assert SCOPED.search(inspect.getsource(fn)), f"{name} has a statement without a tenant_id filter"
