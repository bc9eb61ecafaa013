from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest

from app.settings import SettingsError, load_settings


def test_defaults_need_nothing() -> None:
    settings = load_settings({})
    assert settings.env == "prod"
    assert settings.delivery.allow_loopback is False
    assert settings.database.url is None


def test_nested_groups_come_from_prefixed_variables() -> None:
    key = base64.b64encode(b"k" * 32).decode()
    settings = load_settings(
        {
            "DIRSYNC_DATABASE_URL": "postgresql://db/dirsync",
            "DIRSYNC_DATABASE_POOL_MAX_SIZE": "7",
            "DIRSYNC_REDIS_URL": "redis://cache:6379/0",
            "DIRSYNC_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
            "DIRSYNC_PUBLIC_BASE_URL": "https://sync.example.com/",
            "DIRSYNC_OPERATOR_TOKEN": "op",
            "DIRSYNC_DELIVERY_ALLOW_LOOPBACK": "true",
            "DIRSYNC_CRYPTO_KEYS": f"2026a:{key},2025b:{key}",
            "DIRSYNC_TEST_WHATEVER": "ignored: reserved for the test suite",
            "UNRELATED": "x",
        }
    )
    assert settings.database.pool_max_size == 7
    assert settings.kafka.bootstrap_servers == "kafka:9092"
    assert settings.base_url() == "https://sync.example.com"
    assert settings.delivery.allow_loopback is True
    assert [kid for kid, _ in settings.encryption_keys()] == ["2026a", "2025b"]


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"DIRSYNC_DATABASE_POOL_MAX_SIZE": "many"}, "DIRSYNC_DATABASE_POOL_MAX_SIZE"),
        ({"DIRSYNC_DATABASE_POOL_MAX_SIZE": "0"}, "DIRSYNC_DATABASE_POOL_MAX_SIZE"),
        ({"DIRSYNC_HTTP_PORT": "70000"}, "DIRSYNC_HTTP_PORT"),
        ({"DIRSYNC_ENV": "staging"}, "DIRSYNC_ENV"),
        ({"DIRSYNC_DELIVERY_ALLOW_LOOPBACK": "perhaps"}, "DIRSYNC_DELIVERY_ALLOW_LOOPBACK"),
        ({"DIRSYNC_DATABSE_URL": "postgresql://typo"}, "DIRSYNC_DATABSE_URL"),
        ({"DIRSYNC_CRYPTO_KEYS": "nokeyid"}, "DIRSYNC_CRYPTO_KEYS"),
        ({"DIRSYNC_CRYPTO_KEYS": "k1:" + base64.b64encode(b"short").decode()}, "DIRSYNC_CRYPTO_KEYS"),
        ({"DIRSYNC_CRYPTO_KEYS": "k1:not base64!"}, "DIRSYNC_CRYPTO_KEYS"),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(environ)
    message = str(info.value)
    assert message.startswith(variable) or variable in message
    assert "\n" not in message


def test_bad_setting_stops_startup_with_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")}
    env["DIRSYNC_HTTP_PORT"] = "eighty"
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dirsync: DIRSYNC_HTTP_PORT")


def test_missing_database_url_is_named_at_startup() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRSYNC_")}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "dirsync: DIRSYNC_DATABASE_URL is required"
