"""aiosmtpd on 127.0.0.1: keeps every message, can refuse chosen recipients, can ask for AUTH."""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from attrs import define, field

from servers import free_port

SMTP_USER = "mailer"
SMTP_PASSWORD = "smtp-secret-do-not-print"  # a test-only secret, planted to check it never leaks


@define
class Received:
    """One message as the server got it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """The parsed message."""
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@define
class _Handler:
    refuse: set[str] = field(factory=set)
    messages: list[Received] = field(factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw))
        return "250 Message accepted for delivery"


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode() == SMTP_USER
        and data.password.decode() == SMTP_PASSWORD
    )
    # handled=False lets aiosmtpd answer "535 authentication failed" itself.
    return AuthResult(success=ok, handled=False)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA file) and its key."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class SmtpServer:
    """A running aiosmtpd; ``messages`` holds what it received, ``refuse`` what it rejects.

    ``tls`` is None (plain), ``"starttls"`` (STARTTLS required before AUTH and
    mail) or ``"tls"`` (TLS from the first byte); both need ``certificate``.
    """

    def __init__(
        self,
        *,
        require_auth: bool = False,
        tls: str | None = None,
        certificate: tuple[Path, Path] | None = None,
    ) -> None:
        self.port = free_port()
        self.handler = _Handler()
        kwargs: dict[str, Any] = {}
        if require_auth:
            kwargs = {"authenticator": _authenticator, "auth_required": True}
            if tls is None:
                # Plain-text AUTH is fine on loopback in a test; real servers use TLS.
                kwargs["auth_require_tls"] = False
        if tls is not None:
            assert certificate is not None, "a TLS server needs a certificate"
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            if tls == "starttls":
                kwargs |= {"tls_context": context, "require_starttls": True}
            else:
                kwargs["ssl_context"] = context
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def messages(self) -> list[Received]:
        """Messages received so far."""
        return self.handler.messages

    @property
    def refuse(self) -> set[str]:
        """Recipient addresses (lower case) answered with 550."""
        return self.handler.refuse

    def start(self) -> None:
        """Start listening."""
        self.controller.start()

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()
