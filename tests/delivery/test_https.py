"""The webhook sender over real TLS on loopback: a certificate made for the test, checked the way
a public one is (chain, name), the Host header and SNI naming the URL's host although the
connection goes to the vetted address."""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.delivery.http import WebhookSender
from app.settings import DeliverySettings
from tests.delivery.test_http1 import read_request

SETTINGS = DeliverySettings(allow_http=False, allow_loopback=True)


def _certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the name ``localhost`` only (no IP address)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class TlsReceiver:
    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.server_names: list[str | None] = []
        self.address = ""


@pytest.fixture
async def tls_receiver(tmp_path: Path) -> AsyncIterator[tuple[TlsReceiver, int, Path]]:
    cert_path, key_path = _certificate(tmp_path)
    receiver = TlsReceiver()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    context.sni_callback = lambda _sock, name, _ctx: receiver.server_names.append(name)  # type: ignore[assignment,func-returns-value]

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                receiver.requests.append(await read_request(reader))
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    # Listen where the sender will connect: the first address "localhost" resolves to here.
    infos = await asyncio.get_running_loop().getaddrinfo("localhost", 0, type=socket.SOCK_STREAM)
    server = await asyncio.start_server(serve, infos[0][4][0], 0, ssl=context)
    receiver.address, port = server.sockets[0].getsockname()[:2]
    yield receiver, port, cert_path
    server.close()


async def test_https_delivery_checks_the_certificate_and_sends_sni_and_host(tls_receiver) -> None:
    receiver, port, cert_path = tls_receiver
    sender = WebhookSender(SETTINGS, tls=ssl.create_default_context(cafile=str(cert_path)))
    try:
        first = await sender.post(f"https://localhost:{port}/hook", b"{}", {"webhook-id": "msg_1"})
        second = await sender.post(f"https://localhost:{port}/hook", b"{}", {"webhook-id": "msg_2"})
    finally:
        await sender.aclose()
    assert (first.status, second.status) == (204, 204), (first.error, second.error)
    assert receiver.server_names == ["localhost"]  # one TLS handshake: the connection was kept
    assert len(receiver.requests) == 2
    head = receiver.requests[0].split(b"\r\n\r\n")[0].lower()
    assert f"host: localhost:{port}".encode() in head.split(b"\r\n")


async def test_an_untrusted_certificate_is_refused(tls_receiver) -> None:
    receiver, port, _ = tls_receiver
    sender = WebhookSender(SETTINGS)  # the public CAs only
    try:
        result = await sender.post(f"https://localhost:{port}/hook", b"{}", {})
    finally:
        await sender.aclose()
    assert result.status is None and not result.ok
    assert "CERTIFICATE_VERIFY_FAILED" in (result.error or ""), result.error
    assert receiver.requests == []


async def test_a_certificate_for_another_name_is_refused(tls_receiver) -> None:
    receiver, port, cert_path = tls_receiver
    sender = WebhookSender(SETTINGS, tls=ssl.create_default_context(cafile=str(cert_path)))
    try:
        # Trusted certificate, but it names "localhost", not the address itself.
        host = receiver.address if ":" not in receiver.address else f"[{receiver.address}]"
        result = await sender.post(f"https://{host}:{port}/hook", b"{}", {})
    finally:
        await sender.aclose()
    assert result.status is None
    assert "CERTIFICATE_VERIFY_FAILED" in (result.error or ""), result.error
    assert receiver.requests == []
