"""No Docker engine runs here: the compose file is checked by parsing it."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.cli import COMMANDS
from app.settings import is_setting_variable

DOCKER = Path(__file__).resolve().parents[1] / "docker"


def load_compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def test_compose_has_the_whole_stack() -> None:
    services = load_compose()["services"]
    assert {"api", "worker", "migrate", "postgres", "redis", "kafka"} <= set(services)


def test_every_dirsync_command_and_setting_is_real() -> None:
    services = load_compose()["services"]
    ours = {name: s for name, s in services.items() if str(s.get("image", "")).startswith("dirsync")}
    assert set(ours) == {"api", "worker", "migrate"}
    for name, service in ours.items():
        command = service["command"]
        assert command[0] in COMMANDS, f"{name}: {command[0]} is not a dirsync subcommand"
        for variable in service["environment"]:
            assert is_setting_variable(variable), f"{name}: {variable} is not a dirsync setting"
    assert [s["command"][0] for s in ours.values()].count("serve") == 1


def test_dockerfile_runs_as_non_root_with_dirsync_entrypoint() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    assert text.count("FROM ") >= 2, "multi-stage build"
    assert "\nUSER dirsync\n" in text
    assert 'ENTRYPOINT ["dirsync"]' in text
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in line.split()[1:]:
                name = pair.split("=")[0]
                assert not name.startswith("DIRSYNC_") or is_setting_variable(name), name
