"""The arq worker: jobs are thin, they take a connection and call a service."""

from app.worker.settings import make_worker, worker_settings

__all__ = ["make_worker", "worker_settings"]
