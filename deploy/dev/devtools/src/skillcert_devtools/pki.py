"""A stand-in public-key infrastructure for tests and benchmarks: a root CA, an issuing CA under
it (the certificate service's production-shaped signing CA), an RFC 3161 time-stamping authority
and the CRLs of both CAs, served over HTTP on 127.0.0.1 as a real TSA and CRL distribution
point are.

    with DevPki.create() as pki:           # serves on a free loopback port
        pki.tsa_url, pki.crl_url("issuing")
        pki.write_secrets(path)            # the secret-store layout the service loads

The time-stamper signs with pyHanko's in-process ``DummyTimeStamper`` behind a plain HTTP
endpoint (``application/timestamp-query`` in, ``application/timestamp-reply`` out), so the
service's client is the same ``HTTPTimeStamper`` that talks to a commercial TSA.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.timestamps import DummyTimeStamper

from certificate.pdf import SigningIdentity, generate_identity, issue_certificate, make_crl

ROOT_NAME = "Skillcert Test Root CA"
ISSUING_NAME = "Skillcert Test Issuing CA"
TSA_NAME = "Skillcert Test TSA"
ORGANISATION = "Skillcert Test PKI"


@dataclass
class DevPki:
    root: SigningIdentity
    issuing: SigningIdentity
    tsa: SigningIdentity
    base_url: str
    # Serial numbers each CA lists as revoked in its CRL ("root" / "issuing").
    revoked: dict[str, set[int]] = field(default_factory=lambda: {"root": set(), "issuing": set()})
    _server: ThreadingHTTPServer | None = None

    @classmethod
    def create(cls, host: str = "127.0.0.1") -> DevPki:
        """Keys and certificates for a fresh PKI, and its HTTP server bound (not yet serving)."""
        server = ThreadingHTTPServer((host, 0), _Handler)
        base_url = f"http://{host}:{server.server_address[1]}"
        root = generate_identity(ROOT_NAME, ORGANISATION)
        issuing = issue_certificate(
            ISSUING_NAME, ORGANISATION, root, purpose="ca", crl_url=f"{base_url}/crl/root.crl"
        )
        tsa = issue_certificate(
            TSA_NAME, ORGANISATION, root, purpose="tsa", crl_url=f"{base_url}/crl/root.crl"
        )
        pki = cls(root=root, issuing=issuing, tsa=tsa, base_url=base_url, _server=server)
        server.pki = pki  # type: ignore[attr-defined]
        return pki

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/tsa"

    def crl_url(self, ca: str) -> str:
        return f"{self.base_url}/crl/{ca}.crl"

    def crl(self, ca: str) -> bytes:
        issuer = self.root if ca == "root" else self.issuing
        return make_crl(issuer, sorted(self.revoked[ca]))

    def timestamper(self) -> DummyTimeStamper:
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(
                self.tsa.certificate.public_bytes(serialization.Encoding.DER)
            ),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                self.tsa.private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
        )

    def root_pem(self) -> str:
        return self.root.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def write_secrets(
        self, directory: Path, *, passphrase: str = "issuing-ca-passphrase", p12: bool = True
    ) -> Path:
        """The issuing CA (PKCS#12 or PEM key + chain) and the key-encryption passphrase, laid
        out as the certificate service reads a mounted secret store (docs/security.md)."""
        directory.mkdir(parents=True, exist_ok=True)
        if p12:
            (directory / "issuing-ca.p12").write_bytes(
                pkcs12.serialize_key_and_certificates(
                    b"issuing-ca",
                    self.issuing.private_key,
                    self.issuing.certificate,
                    list(self.issuing.chain),
                    serialization.BestAvailableEncryption(passphrase.encode()),
                )
            )
        else:
            (directory / "issuing-ca.key.pem").write_bytes(
                self.issuing.key_pem(password=passphrase.encode())
            )
            (directory / "issuing-ca.chain.pem").write_bytes(self.issuing.cert_pem())
        (directory / "issuing-ca.passphrase").write_text(passphrase + "\n")
        (directory / "signing-key.passphrase").write_text("stored-signer-keys-passphrase\n")
        return directory

    def start(self) -> Self:
        assert self._server is not None
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    @property
    def pki(self) -> DevPki:
        pki: DevPki = self.server.pki  # type: ignore[attr-defined]
        return pki

    def do_GET(self) -> None:
        for ca in ("root", "issuing"):
            if self.path == f"/crl/{ca}.crl":
                self._reply(200, "application/pkix-crl", self.pki.crl(ca))
                return
        self._reply(404, "text/plain", b"not found")

    def do_POST(self) -> None:
        if self.path != "/tsa":
            self._reply(404, "text/plain", b"not found")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            request = tsp.TimeStampReq.load(body)
            response = self.pki.timestamper().request_tsa_response(request)
        except Exception as exc:
            self._reply(400, "text/plain", str(exc).encode())
            return
        self._reply(200, "application/timestamp-reply", response.dump())

    def _reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass
