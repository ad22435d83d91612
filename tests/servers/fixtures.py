"""Pytest fixtures for the real servers, loaded by ``tests/conftest.py`` (``pytest_plugins``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from servers.calendars import CalendarServer, start_radicale, start_xandikos
from servers.imap import ImapServer, require_dovecot
from servers.smtp import SmtpServer, make_certificate


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalendarServer]:
    """Radicale with htpasswd auth on a free port (user ``mara``), shared by the session.

    Tests that write use a calendar of their own under ``home_url``.
    """
    server = start_radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CalendarServer]:
    """Xandikos with a default calendar on a free port, shared by the session."""
    server = start_xandikos(tmp_path_factory.mktemp("xandikos"))
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """aiosmtpd without auth; set ``refuse`` to reject recipients."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_auth_server() -> Iterator[SmtpServer]:
    """aiosmtpd that requires AUTH LOGIN/PLAIN (see ``servers.smtp.SMTP_USER``)."""
    server = SmtpServer(require_auth=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def xandikos_imip(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[CalendarServer, SmtpServer]]:
    """Xandikos that mails iMIP for external attendees into an aiosmtpd of its own."""
    smtp = SmtpServer()
    smtp.start()
    server = start_xandikos(tmp_path_factory.mktemp("xandikos-imip"), smtp_port=smtp.port)
    yield server, smtp
    server.stop()
    smtp.stop()


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key for 127.0.0.1 (made with the openssl command)."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp_starttls_server(tls_certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """aiosmtpd that requires STARTTLS, then AUTH, before it takes mail."""
    server = SmtpServer(require_auth=True, tls="starttls", certificate=tls_certificate)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_tls_server(tls_certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """aiosmtpd that speaks TLS from the first byte (the "port 465" way)."""
    server = SmtpServer(tls="tls", certificate=tls_certificate)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap_server(tls_certificate: tuple[Path, Path]) -> Iterator[ImapServer]:
    """Dovecot from Debian's packages with one mailbox user (skipped, or failed in CI, without it)."""
    server = ImapServer(require_dovecot(), tls_certificate)
    server.start()
    yield server
    server.stop()
