"""Outbound webhook HTTP with SSRF protection.

The destination host is resolved once, every address is vetted, and the request goes to the
vetted address itself (the URL's host stays in the Host header and in TLS SNI), so a DNS answer
that changes between the check and the connection (DNS rebinding) cannot redirect it. Redirects
are never followed, the response body is read up to a bound, and connect and total time are
limited.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import time
from typing import Final
from urllib.parse import urlsplit

import msgspec

from app.delivery.http1 import Http1Client, ProtocolError, Target
from app.settings import DeliverySettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
USER_AGENT: Final = "dirsync-webhooks/1"
EXCERPT_BYTES: Final = 1024


class UnsafeDestination(Exception):
    """The URL is not allowed as a webhook destination; the message says why."""


class SendResult(msgspec.Struct, kw_only=True):
    status: int | None
    latency_ms: float
    error: str | None = None
    response_excerpt: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _refusal(address: IPAddress, allow_loopback: bool) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _refusal(address.ipv4_mapped, allow_loopback)
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    checks = (
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("unspecified", address.is_unspecified),
        ("not globally routable", not address.is_global),
    )
    for reason, refused in checks:
        if refused:
            return reason
    return None


def check_url(url: str, settings: DeliverySettings) -> tuple[str, str, int]:
    """Validate the URL's shape; return (scheme, host, port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeDestination(f"invalid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeDestination("the URL must be https")
    if scheme == "http" and not settings.allow_http:
        raise UnsafeDestination("the URL must be https (http is disabled on this server)")
    if not parts.hostname:
        raise UnsafeDestination("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeDestination("credentials in the URL are not allowed")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


async def resolve_vetted(host: str, port: int, settings: DeliverySettings) -> IPAddress:
    """Resolve ``host`` and return an address to connect to; refuse if ANY address is unsafe."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise UnsafeDestination(f"cannot resolve {host}: {exc.strerror or exc}") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise UnsafeDestination(f"{host} has no addresses")
    for address in addresses:
        reason = _refusal(address, settings.allow_loopback)
        if reason is not None:
            raise UnsafeDestination(f"{host} resolves to {address}, a {reason} address")
    return addresses[0]


class _ResolveCache:
    """Vetted addresses for a few seconds, so a burst to one host resolves it once."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, int], tuple[float, IPAddress]] = {}

    async def get(self, host: str, port: int, settings: DeliverySettings) -> IPAddress:
        now = time.monotonic()
        entry = self._entries.get((host, port))
        if entry is not None and entry[0] > now:
            return entry[1]
        address = await resolve_vetted(host, port, settings)
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[(host, port)] = (now + self.ttl, address)
        return address


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class WebhookSender:
    """One shared client per process; ``post`` never raises for network or HTTP failures."""

    def __init__(self, settings: DeliverySettings, *, tls: ssl.SSLContext | None = None) -> None:
        """``tls``: the context for https (certificate checks always on); default trusts the
        public CAs (certifi's, else the system's)."""
        self.settings = settings
        self._cache = _ResolveCache()
        self._targets: dict[str, tuple[float, Target, str]] = {}
        self.client = Http1Client(
            connect_timeout=settings.connect_timeout, max_body=settings.max_response_bytes, tls=tls
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def pinned_request(self, url: str) -> tuple[str, str, str | None]:
        """(URL with the vetted IP as host, Host header value, SNI name)."""
        target, path = await self._target(url)
        ip_host = f"[{target.address}]" if ":" in target.address else target.address
        netloc = f"{ip_host}:{urlsplit(url).port}" if urlsplit(url).port else ip_host
        return f"{target.scheme}://{netloc}{path}", target.host_header, target.sni

    async def _target(self, url: str) -> tuple[Target, str]:
        """Where to send ``url`` and the request path; vetted answers are reused for a few seconds."""
        now = time.monotonic()
        cached = self._targets.get(url)
        if cached is not None and cached[0] > now:
            return cached[1], cached[2]
        scheme, host, port = check_url(url, self.settings)
        address = await self._cache.get(host, port, self.settings)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        target = Target(
            scheme=scheme,
            address=str(address),
            port=port,
            host_header=parts.netloc.rpartition("@")[2],
            sni=host if scheme == "https" else None,
        )
        if len(self._targets) > 10_000:
            self._targets.clear()
        self._targets[url] = (now + self._cache.ttl, target, path)
        return target, path

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult:
        started = time.perf_counter()
        try:
            target, path = await self._target(url)
        except UnsafeDestination as exc:
            return SendResult(status=None, latency_ms=0.0, error=f"refused: {exc}")
        all_headers = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
        all_headers.pop("host", None)
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                response = await self.client.post(target, path, all_headers, body)
        except TimeoutError:
            return SendResult(
                status=None, latency_ms=_ms(started), error=f"timeout after {self.settings.total_timeout}s"
            )
        except (OSError, EOFError, ssl.SSLError, ProtocolError, ValueError) as exc:
            return SendResult(status=None, latency_ms=_ms(started), error=_describe(exc))
        retry_after = None
        if response.status in (429, 503):
            retry_after = _retry_after(response.headers.get("retry-after"))
        return SendResult(
            status=response.status,
            latency_ms=_ms(started),
            response_excerpt=response.body[:EXCERPT_BYTES].decode("utf-8", "replace"),
            retry_after=retry_after,
            error=None if 200 <= response.status < 300 else f"HTTP {response.status}",
        )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, asyncio.IncompleteReadError):
        return "connection closed before the response ended"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
