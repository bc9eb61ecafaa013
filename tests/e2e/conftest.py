"""The end-to-end test reuses the delivery fixtures: loopback receivers and an in-process worker."""

from tests.delivery.conftest import receivers, workers

__all__ = ["receivers", "workers"]
