"""HTTPS through the pinned connection: the socket goes to the vetted address, while TLS still
names and verifies the host (SNI and certificate), against a local TLS server."""

from __future__ import annotations

import asyncio
import datetime
import http.server
import ssl
import threading

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from flows.enrichment.ssrf import Allowlist, GuardedTransport


class _Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """A TLS server on 127.0.0.1 whose certificate names shop.example only."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop.example")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(datetime.datetime(2020, 1, 1))
            .not_valid_after(datetime.datetime(2040, 1, 1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("shop.example")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], ssl.create_default_context(cafile=folder / "cert.pem")
    server.shutdown()


def _get(port: int, trust: ssl.SSLContext, host: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = GuardedTransport(Allowlist([f"{host}:{port}"]),
                                     lambda name, _: ["127.0.0.1"], 5, trust)
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(f"https://{host}:{port}/")
    return asyncio.run(run())


def test_https_to_the_pinned_address_sends_and_verifies_the_host_name(tls_server):
    port, trust = tls_server
    response = _get(port, trust, "shop.example")
    assert response.status_code == 200 and response.text == f"host=shop.example:{port}"
    assert response.extensions["network_stream"].get_extra_info(
        "ssl_object").server_hostname == "shop.example"


def test_a_certificate_for_another_name_is_refused_although_the_address_is_the_same(
        tls_server):
    port, trust = tls_server
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED|match"):
        _get(port, trust, "other.example")
