"""SCIM filters compiled to SQL, run against real Postgres rows."""

from __future__ import annotations

from typing import Any

import pytest

from app.ids import new_id
from app.scim.filter import parse_filter
from app.store import scim as store
from app.store.scim_filter import compile_filter
from tests.conftest import TenantFixture

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

USERS: list[dict[str, Any]] = [
    {
        "username": "BJensen@example.com",
        "external_id": "ext-1",
        "first_name": "Barbara",
        "last_name": "Jensen",
        "display_name": "Babs",
        "state": "active",
        "job_title": "Tour Guide",
        "department": "Tours",
        "employee_number": "701984",
        "manager_external_id": "mgr-1",
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": True},
            {"value": "babs@jensen.org", "type": "home", "primary": False},
        ],
        "raw_attributes": {
            "userType": "Employee",
            "phoneNumbers": [{"value": "+1 555 0100", "type": "work"}],
            "urn:example:ext:1.0:User": {"badge": 42},
        },
    },
    {
        "username": "jsmith",
        "external_id": "ext-2",
        "first_name": "James",
        "last_name": "O'Malley",
        "display_name": None,
        "state": "inactive",
        "job_title": None,
        "department": None,
        "employee_number": None,
        "manager_external_id": None,
        "emails": [{"value": "james@example.org", "type": "work", "primary": True}],
        "raw_attributes": {"userType": "Intern", "urn:example:ext:1.0:User": {"badge": 7}},
    },
    {
        "username": "nobody",
        "external_id": None,
        "first_name": None,
        "last_name": None,
        "display_name": None,
        "state": "suspended",
        "job_title": "",
        "department": None,
        "employee_number": None,
        "manager_external_id": None,
        "emails": [],
        "raw_attributes": {},
    },
]


@pytest.fixture
async def directory(conn: Any, tenant: TenantFixture) -> str:
    directory_id = new_id("dir")
    await conn.execute(
        "INSERT INTO directories (tenant_id, id, name, provider) VALUES ($1, $2, 'd', 'scim')",
        tenant.id,
        directory_id,
    )
    for index, user in enumerate(USERS):
        await conn.execute(
            """
            INSERT INTO directory_users (tenant_id, directory_id, id, external_id, username, emails,
                first_name, last_name, display_name, state, job_title, department, employee_number,
                manager_external_id, raw_attributes, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                    '2026-01-01T00:00:00Z'::timestamptz + make_interval(days => $16),
                    '2026-01-01T00:00:00Z'::timestamptz + make_interval(days => $16))
            """,
            tenant.id,
            directory_id,
            f"du_{index}",
            user["external_id"],
            user["username"],
            user["emails"],
            user["first_name"],
            user["last_name"],
            user["display_name"],
            user["state"],
            user["job_title"],
            user["department"],
            user["employee_number"],
            user["manager_external_id"],
            user["raw_attributes"],
            index,
        )
    return directory_id


CASES = [
    ('userName eq "bjensen@EXAMPLE.com"', ["BJensen@example.com"]),
    ('USERNAME Eq "JSMITH"', ["jsmith"]),
    ('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ["jsmith"]),
    ('userName ew ".COM"', ["BJensen@example.com"]),
    ('userName ne "jsmith"', ["BJensen@example.com", "nobody"]),
    ('userName gt "j"', ["jsmith", "nobody"]),
    ('externalId eq "ext-1"', ["BJensen@example.com"]),
    ('externalId eq "EXT-1"', []),  # caseExact
    ('name.familyName co "o\'malley"', ["jsmith"]),
    ("title pr", ["BJensen@example.com"]),
    ("not (title pr)", ["jsmith", "nobody"]),
    ("active eq true", ["BJensen@example.com"]),
    ("active eq false", ["jsmith", "nobody"]),
    ('emails co "example.org"', ["jsmith"]),
    ('emails.value co "@jensen"', ["BJensen@example.com"]),
    ('emails[type eq "work" and value co "@example.com"]', ["BJensen@example.com"]),
    ('emails[type eq "home"] or emails[value sw "james"]', ["BJensen@example.com", "jsmith"]),
    ("emails.primary eq true", ["BJensen@example.com", "jsmith"]),
    ("emails pr", ["BJensen@example.com", "jsmith"]),
    (f'{ENTERPRISE}:department eq "tours"', ["BJensen@example.com"]),
    (f'{ENTERPRISE}:manager.value eq "mgr-1"', ["BJensen@example.com"]),
    (f"{ENTERPRISE}:employeeNumber pr", ["BJensen@example.com"]),
    ('userType eq "employee"', ["BJensen@example.com"]),
    ('usertype eq "Intern" or displayName eq "babs"', ["BJensen@example.com", "jsmith"]),
    ('phoneNumbers[type eq "work" and value sw "+1"]', ["BJensen@example.com"]),
    ('phoneNumbers.value co "555"', ["BJensen@example.com"]),
    ("urn:example:ext:1.0:User:badge gt 10", ["BJensen@example.com"]),
    ("urn:example:ext:1.0:User:badge le 10", ["jsmith"]),
    ('meta.created gt "2026-01-01T12:00:00Z"', ["jsmith", "nobody"]),
    ('meta.lastModified le "2026-01-02T00:00:00+00:00"', ["BJensen@example.com", "jsmith"]),
    ('userName eq "x" or (title pr and not (userName eq "nobody"))', ["BJensen@example.com"]),
    ("displayName eq null", ["jsmith", "nobody"]),
    ("groups pr", []),
    ("'; DROP TABLE directory_users; -- eq 1", None),  # parses as nothing useful: invalid
]


@pytest.mark.parametrize(("text", "expected"), CASES)
async def test_filters_against_postgres(
    conn: Any, tenant: TenantFixture, directory: str, text: str, expected: Any
) -> None:
    from app.scim.filter import FilterError

    try:
        node = parse_filter(text)
    except FilterError:
        assert expected is None
        return
    total, rows = await store.list_users(conn, tenant.id, directory, filter_node=node, sort_by="userName")
    assert sorted(r["username"] for r in rows) == sorted(expected)
    assert total == len(expected)


async def test_values_are_parameters_never_sql(conn: Any, tenant: TenantFixture, directory: str) -> None:
    evil = "x'); DELETE FROM directory_users; --"
    sql, params = compile_filter(parse_filter(f'userName eq "{evil}"'), "User", 3)
    assert "DELETE" not in sql
    assert params == [evil]
    _, rows = await store.list_users(
        conn, tenant.id, directory, filter_node=parse_filter(f'userName eq "{evil}"')
    )
    assert rows == []
    total, _ = await store.list_users(conn, tenant.id, directory, filter_node=None)
    assert total == 3


async def test_sorting_and_paging(conn: Any, tenant: TenantFixture, directory: str) -> None:
    total, rows = await store.list_users(
        conn,
        tenant.id,
        directory,
        filter_node=None,
        sort_by="name.givenName",
        descending=True,
        offset=0,
        limit=2,
    )
    assert total == 3
    assert [r["first_name"] for r in rows] == ["James", "Barbara"]
    total, rows = await store.list_users(conn, tenant.id, directory, filter_node=None, offset=2, limit=5)
    assert total == 3
    assert [r["id"] for r in rows] == ["du_2"]
    total, rows = await store.list_users(conn, tenant.id, directory, filter_node=None, offset=10, limit=5)
    assert (total, rows) == (3, [])


async def test_user_name_eq_uses_the_unique_index(conn: Any, tenant: TenantFixture, directory: str) -> None:
    await conn.execute(
        """
        INSERT INTO directory_users (tenant_id, directory_id, id, username, state)
        SELECT $1, $2, 'du_bulk' || n, 'user' || n || '@example.com', 'active' FROM generate_series(1, 5000) n
        """,
        tenant.id,
        directory,
    )
    await conn.execute("ANALYZE directory_users")
    condition, params = compile_filter(parse_filter('userName eq "USER42@example.com"'), "User", 3)
    rows = await conn.fetch(
        "EXPLAIN SELECT u.id FROM directory_users u "
        f"WHERE u.tenant_id = $1 AND u.directory_id = $2 AND {condition}",
        tenant.id,
        directory,
        *params,
    )
    plan = "\n".join(r[0] for r in rows)
    assert "directory_users_username" in plan, plan
    total, found = await store.list_users(
        conn, tenant.id, directory, filter_node=parse_filter('userName eq "USER42@example.com"')
    )
    assert (total, [r["id"] for r in found]) == (1, ["du_bulk42"])


async def test_other_tenants_rows_are_invisible(conn: Any, tenant: TenantFixture, directory: str) -> None:
    total, rows = await store.list_users(conn, "ten_other", directory, filter_node=None)
    assert (total, rows) == (0, [])
