"""Google Workspace directories: initial sync, reconcile, push channels and push notifications.

The adapter (``providers.google``) talks to Google and produces ChangeBatches; this service applies
them through ``app.services.directory.apply_changes``, one transaction per Directory API page, and
keeps the directory's sync progress and channels in ``app.store.google``.
"""

from app.services.google._channels import RENEW_BEFORE, ensure_channels, push_address, stop_channels
from app.services.google._jobs import enqueue_sync, sync_directory, tick
from app.services.google._push import PushOutcome, handle_push
from app.services.google._runtime import (
    TOKENS,
    GoogleDirectorySettings,
    Runtime,
    load_client,
    open_runtime,
    parse_settings,
)
from app.services.google._status import SyncStatus, get_status
from app.services.google._sync import SyncResult, run_sync, sync_due
from providers import google as adapter

__all__ = [
    "RENEW_BEFORE",
    "TOKENS",
    "GoogleDirectorySettings",
    "PushOutcome",
    "Runtime",
    "SyncResult",
    "SyncStatus",
    "adapter",
    "enqueue_sync",
    "ensure_channels",
    "get_status",
    "handle_push",
    "load_client",
    "open_runtime",
    "parse_settings",
    "push_address",
    "run_sync",
    "stop_channels",
    "sync_directory",
    "sync_due",
    "tick",
]
