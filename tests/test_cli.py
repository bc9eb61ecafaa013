"""The `dirsync` command as a user runs it: real subprocesses against the test database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.embedded import free_port


def run_cli(
    *args: str, database_url: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_") or k.startswith("DIRSYNC_TEST_")
    }
    env["DIRSYNC_DATABASE_URL"] = database_url
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_tenants_and_keys_from_the_command_line(database_url: str) -> None:
    created = run_cli("tenants", "create", "Umbrella", database_url=database_url)
    assert created.returncode == 0, created.stderr
    body = json.loads(created.stdout)
    tenant_id = body["tenant"]["id"]
    assert body["api_key"]["secret"].startswith("dsk_")

    key = json.loads(run_cli("keys", "create", tenant_id, "--name", "ops", database_url=database_url).stdout)
    listed = json.loads(run_cli("keys", "list", tenant_id, database_url=database_url).stdout)
    assert {k["name"] for k in listed} == {"default", "ops"}
    revoked = json.loads(run_cli("keys", "revoke", tenant_id, key["id"], database_url=database_url).stdout)
    assert revoked["revoked_at"] is not None

    missing = run_cli("keys", "revoke", tenant_id, "key_nope", database_url=database_url)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "dirsync: no API key key_nope"


def test_migrate_command_is_idempotent(database_url: str) -> None:
    result = run_cli("migrate", database_url=database_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "applied 0 migration(s)"


@pytest.mark.slow
def test_dev_brings_up_api_and_worker_and_prints_a_working_key(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_") or k.startswith("DIRSYNC_TEST_")
    }
    env.update(
        DIRSYNC_DATABASE_URL=database_url,
        DIRSYNC_REDIS_URL=redis_url,
        DIRSYNC_DATA_DIR=str(tmp_path / "data"),
        DIRSYNC_HTTP_PORT=str(port),
    )
    with subprocess.Popen(
        [sys.executable, "-m", "app.cli", "dev"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            assert process.stdout is not None
            printed: dict[str, str] = {}
            # The banner is printed only once the API is listening and the worker is running.
            for line in process.stdout:
                if ":" in line and line.startswith("  "):
                    label, _, value = line.strip().partition(":")
                    printed[label] = value.strip()
                if "Ctrl-C" in line:
                    break
            assert printed["API base URL"] == f"http://127.0.0.1:{port}/v1"
            assert printed["API docs"] == f"http://127.0.0.1:{port}/docs"
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                assert client.get("/readyz").status_code == 200
                me = client.get("/v1/tenant", headers={"Authorization": f"Bearer {printed['Demo API key']}"})
                assert me.status_code == 200
                assert me.json()["id"] == printed["Demo tenant"]
                assert client.get("/docs/openapi.json").status_code == 200
            # Ctrl-C in a terminal signals the whole foreground process group.
            os.killpg(process.pid, signal.SIGINT)
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
