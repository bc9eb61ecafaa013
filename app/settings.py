"""Settings: one msgspec Struct loaded from ``DIRSYNC_*`` environment variables.

A variable ``DIRSYNC_<GROUP>_<FIELD>`` sets ``Settings.<group>.<field>``; a variable
``DIRSYNC_<FIELD>`` sets a top-level field. Unknown ``DIRSYNC_*`` names are refused, so a
typo never silently falls back to a default. ``DIRSYNC_TEST_*`` is reserved for the test suite.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec

ENV_PREFIX = "DIRSYNC_"
_RESERVED_PREFIXES = ("DIRSYNC_TEST_",)


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class DatabaseSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: str | None = None
    pool_min_size: Annotated[int, msgspec.Meta(ge=0)] = 2
    pool_max_size: Annotated[int, msgspec.Meta(ge=1)] = 20


class RedisSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: str | None = None


class KafkaSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    bootstrap_servers: str | None = None
    topic: str = "dirsync.events"
    topic_per_tenant: bool = False
    partitions: Annotated[int, msgspec.Meta(ge=1)] = 12
    replication_factor: Annotated[int, msgspec.Meta(ge=1)] = 1
    enable_idempotence: bool = False
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    create_topics: bool = True
    request_timeout_ms: Annotated[int, msgspec.Meta(ge=1000)] = 30000
    batch_events: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 5000
    max_batch_bytes: Annotated[int, msgspec.Meta(ge=16384)] = 1_000_000
    poll_interval_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5.0


class HttpSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=0, le=65535)] = 8000
    max_body_bytes: Annotated[int, msgspec.Meta(ge=1024)] = 5 * 1024 * 1024


class WorkerSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Jobs one worker process runs at once; most are delivery streams, each one request at a time.
    max_jobs: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1000


class CryptoSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # "kid1:<base64 32 bytes>,kid2:<base64 32 bytes>"; the first key encrypts, all keys decrypt.
    keys: str | None = None


def _default_retry_schedule() -> list[float]:
    # About a day: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h.
    return [5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200]


class DeliverySettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    allow_loopback: bool = False
    allow_http: bool = False
    # Seconds to wait before each retry; after the last one the event is given up for the stream.
    # As an environment variable: a JSON list, e.g. DIRSYNC_DELIVERY_RETRY_SCHEDULE='[1, 5, 30]'.
    retry_schedule: list[Annotated[float, msgspec.Meta(ge=0)]] = msgspec.field(
        default_factory=_default_retry_schedule
    )
    retry_jitter: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.2
    # Longest Retry-After (429/503) honoured, in seconds.
    max_retry_after: Annotated[float, msgspec.Meta(ge=0)] = 43200
    # An endpoint failing continuously for this long is disabled (3 days).
    disable_after: Annotated[float, msgspec.Meta(ge=0)] = 3 * 86400
    connect_timeout: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    total_timeout: Annotated[float, msgspec.Meta(gt=0)] = 15.0
    max_response_bytes: Annotated[int, msgspec.Meta(ge=0)] = 64 * 1024
    # Requests in flight per endpoint per worker process.
    max_in_flight_per_endpoint: Annotated[int, msgspec.Meta(ge=1)] = 16
    # Deliveries per job run before the stream goes back to the end of the queue (fairness).
    batch_size: Annotated[int, msgspec.Meta(ge=1)] = 50
    # A drained stream's job waits this long for the next commit before it ends (while the
    # worker has free slots): steady traffic then skips the queue round trip per event.
    linger_seconds: Annotated[float, msgspec.Meta(ge=0, le=10)] = 2.0
    # A stream is leased to one job at a time; a killed worker's lease expires after this.
    lease_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    # The sweep re-enqueues every stream with pending events (covers a flushed Redis).
    sweep_interval: Annotated[int, msgspec.Meta(ge=1, le=60)] = 10
    attempt_retention_days: Annotated[int, msgspec.Meta(ge=1)] = 30
    secret_rotation_overlap: Annotated[float, msgspec.Meta(ge=0)] = 86400


class ScimSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    request_log_enabled: bool = True
    request_log_retention_hours: Annotated[int, msgspec.Meta(ge=1)] = 72
    # Bodies larger than this are logged as a size marker only.
    request_log_max_body_bytes: Annotated[int, msgspec.Meta(ge=0)] = 64 * 1024
    max_results: Annotated[int, msgspec.Meta(ge=1)] = 1000


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    env: Literal["dev", "test", "prod"] = "prod"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] | None = None
    operator_token: str | None = None
    public_base_url: str | None = None
    data_dir: str = ".dirsync"
    # The worker's event loop (and `dirsync dev`'s): uvloop when installed, unless "asyncio".
    event_loop: Literal["auto", "asyncio"] = "auto"
    database: DatabaseSettings = msgspec.field(default_factory=DatabaseSettings)
    redis: RedisSettings = msgspec.field(default_factory=RedisSettings)
    kafka: KafkaSettings = msgspec.field(default_factory=KafkaSettings)
    http: HttpSettings = msgspec.field(default_factory=HttpSettings)
    crypto: CryptoSettings = msgspec.field(default_factory=CryptoSettings)
    delivery: DeliverySettings = msgspec.field(default_factory=DeliverySettings)
    scim: ScimSettings = msgspec.field(default_factory=ScimSettings)
    worker: WorkerSettings = msgspec.field(default_factory=WorkerSettings)

    @property
    def json_logs(self) -> bool:
        if self.log_format is not None:
            return self.log_format == "json"
        return self.env == "prod"

    def base_url(self) -> str:
        """The externally visible base URL (SCIM base URLs and docs links are built from it)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.http.host}:{self.http.port}"

    def encryption_keys(self) -> list[tuple[str, bytes]]:
        """Parsed ``DIRSYNC_CRYPTO_KEYS``: ``[(key_id, 32-byte key), ...]``, the first one active."""
        return parse_encryption_keys(self.crypto.keys or "")


_GROUPS = {
    name: info.type
    for name, info in ((f.name, f) for f in msgspec.structs.fields(Settings))
    if isinstance(info.type, type) and issubclass(info.type, msgspec.Struct)
}
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def env_name(path: tuple[str, ...]) -> str:
    return ENV_PREFIX + "_".join(path).upper()


def _field_names(struct: type[msgspec.Struct]) -> set[str]:
    return {f.name for f in msgspec.structs.fields(struct)}


def _place(key: str) -> tuple[str, ...]:
    for group, struct in _GROUPS.items():
        prefix = group + "_"
        if key.startswith(prefix) and key[len(prefix) :] in _field_names(struct):
            return (group, key[len(prefix) :])
    if key in _field_names(Settings) and key not in _GROUPS:
        return (key,)
    raise SettingsError(f"{ENV_PREFIX}{key.upper()} is not a dirsync setting (see docs/operating.md)")


def is_setting_variable(name: str) -> bool:
    """Whether ``name`` is a ``DIRSYNC_*`` variable that sets a field of Settings."""
    if not name.startswith(ENV_PREFIX):
        return False
    try:
        _place(name[len(ENV_PREFIX) :].lower())
    except SettingsError:
        return False
    return True


def parse_encryption_keys(raw: str) -> list[tuple[str, bytes]]:
    keys: list[tuple[str, bytes]] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise SettingsError(
                "DIRSYNC_CRYPTO_KEYS: expected comma-separated 'key_id:base64key' items, "
                f"got an item starting {item[:6]!r}"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SettingsError(f"DIRSYNC_CRYPTO_KEYS: key {key_id!r} is not valid base64") from exc
        if len(key) != 32:
            raise SettingsError(
                f"DIRSYNC_CRYPTO_KEYS: key {key_id!r} must be 32 bytes (AES-256), got {len(key)}"
            )
        keys.append((key_id, key))
    return keys


def _error_variable(message: str) -> str | None:
    match = re.search(r"at `\$\.([a-z_.]+)`", message)
    if not match:
        return None
    return env_name(tuple(match.group(1).split(".")))


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from the environment (and keyword overrides, used by `dirsync dev` and tests)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(_RESERVED_PREFIXES):
            continue
        path = _place(name[len(ENV_PREFIX) :].lower())
        target = values
        for part in path[:-1]:
            target = target.setdefault(part, {})
        # List settings (e.g. the retry schedule) are given as JSON lists.
        target[path[-1]] = msgspec.json.decode(raw) if raw.lstrip().startswith("[") else raw
    for key, value in overrides.items():
        group, _, field = key.partition("__")
        if field:
            values.setdefault(group, {})[field] = value
        else:
            values[group] = value
    try:
        settings = msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as exc:
        variable = _error_variable(str(exc))
        detail = str(exc).split(" - at ")[0]
        raise SettingsError(f"{variable or 'settings'}: {detail}") from None
    settings.encryption_keys()  # validate eagerly
    return settings


DESCRIPTIONS: dict[str, str] = {
    "env": "`dev`, `test` or `prod`; `dev` turns on console logs",
    "log_level": "`debug`, `info`, `warning` or `error`",
    "log_format": "`console` or `json` (default: json in prod, console otherwise)",
    "operator_token": "bearer token for the operator API (`/admin/...`); unset disables it",
    "public_base_url": "externally visible base URL, used in SCIM base URLs and links",
    "data_dir": "where `dirsync dev` keeps embedded Postgres/Redis data and dev secrets",
    "event_loop": "`auto` (uvloop when installed) or `asyncio`: the worker's and `dirsync dev`'s event loop",
    "database.url": "PostgreSQL URL (`postgresql://user:pass@host/db`); required except for `dirsync dev`",
    "database.pool_min_size": "minimum pooled connections per process",
    "database.pool_max_size": "maximum pooled connections per process",
    "redis.url": "Redis URL for jobs and locks (`redis://host:6379/0`); required except for `dirsync dev`",
    "kafka.bootstrap_servers": "enables the Kafka firehose when set (`host:9092,host2:9092`)",
    "kafka.topic": "topic for all events (or the prefix with `topic_per_tenant`)",
    "kafka.topic_per_tenant": "one topic per tenant (`<topic>.<tenant_id>`)",
    "kafka.partitions": "partitions when the relay creates a topic",
    "kafka.replication_factor": "replication factor when the relay creates a topic",
    "kafka.enable_idempotence": "use the idempotent producer (needs broker support)",
    "kafka.security_protocol": "`PLAINTEXT`, `SSL`, `SASL_PLAINTEXT` or `SASL_SSL`",
    "kafka.sasl_mechanism": "SASL mechanism, e.g. `PLAIN`, `SCRAM-SHA-512`",
    "kafka.sasl_username": "SASL username",
    "kafka.sasl_password": "SASL password",
    "kafka.ssl_cafile": "CA bundle to verify the brokers (with `SSL` / `SASL_SSL`; default: system CAs)",
    "kafka.ssl_certfile": "client certificate for mutual TLS",
    "kafka.ssl_keyfile": "client private key for mutual TLS",
    "kafka.create_topics": "create missing topics (with `partitions` and `replication_factor`) on startup",
    "kafka.request_timeout_ms": "how long a produce may wait for the broker before the relay retries",
    "kafka.batch_events": "events the relay reads and publishes per round trip",
    "kafka.max_batch_bytes": "largest record batch per partition (below the broker's `message.max.bytes`)",
    "kafka.poll_interval_seconds": "fallback poll interval; commit notifications (LISTEN) wake it sooner",
    "http.host": "interface `dirsync serve` binds",
    "http.port": "port `dirsync serve` binds",
    "http.max_body_bytes": "largest accepted request body; larger gets 413",
    "crypto.keys": "`key_id:base64(32 bytes)` list, comma-separated; the first encrypts, all decrypt",
    "delivery.allow_loopback": "allow webhook targets on loopback addresses (dev and tests only)",
    "delivery.allow_http": "allow plain-http webhook targets (https only by default)",
    "scim.request_log_enabled": "log every SCIM request and response (secrets redacted) per directory",
    "scim.request_log_retention_hours": "hours SCIM request log entries are kept (then pruned by the worker)",
    "scim.request_log_max_body_bytes": "larger SCIM bodies are logged as a size marker only",
    "scim.max_results": "largest SCIM page (`count`), advertised as filter.maxResults",
    "delivery.retry_schedule": "seconds before each retry, a JSON list "
    "(default `[5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200]`); after the last, the event is given up",
    "delivery.retry_jitter": "each retry delay is multiplied by a random factor in 1 ± this",
    "delivery.max_retry_after": "longest `Retry-After` (429/503) honoured, in seconds",
    "delivery.disable_after": "seconds of continuous failure after which an endpoint is disabled",
    "delivery.connect_timeout": "webhook connect timeout, seconds",
    "delivery.total_timeout": "webhook request timeout (connect, send, read), seconds",
    "delivery.max_response_bytes": "most response bytes read from a webhook receiver (1 KiB is logged)",
    "delivery.max_in_flight_per_endpoint": "concurrent requests per endpoint per worker process",
    "delivery.batch_size": "deliveries per job run before the stream yields to others (fairness)",
    "delivery.linger_seconds": "seconds a drained stream's job waits for the next commit before it ends",
    "delivery.lease_seconds": "a stream's lease; a killed worker's streams resume after it expires",
    "delivery.sweep_interval": "seconds between sweeps that re-enqueue streams with pending events",
    "delivery.attempt_retention_days": "days the attempt log is kept",
    "worker.max_jobs": "jobs one worker process runs at once (each delivery stream is one job)",
    "delivery.secret_rotation_overlap": "default seconds the previous secret keeps signing after a rotation",
}


def settings_reference() -> str:
    """The settings table of docs/operating.md, generated from the Struct."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]

    def walk(struct: type[msgspec.Struct], prefix: tuple[str, ...]) -> None:
        for field in msgspec.structs.fields(struct):
            path = (*prefix, field.name)
            if field.name in _GROUPS and not prefix:
                walk(_GROUPS[field.name], path)
                continue
            default = "" if field.default in (msgspec.NODEFAULT, None) else f"`{field.default}`"
            rows.append(f"| `{env_name(path)}` | {default} | {DESCRIPTIONS['.'.join(path)]} |")

    walk(Settings, ())
    return "\n".join(rows) + "\n"
