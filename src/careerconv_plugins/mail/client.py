"""SMTP delivery (the I/O half of the mail adapters), with errors translated at the boundary.

``SmtpSettings.from_settings`` checks the settings and reads the password from
the environment variable named by ``password_env``. ``SmtpConnection`` sends
messages over one connection and turns each ``smtplib`` failure into either
``AdapterError`` (connection, login, TLS) or a list of refused recipients.
Messages name host, port and addresses, never the SMTP dialogue or the password.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from attrs import field, frozen

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_plugins.settings import password_from_env, seconds_setting

_PORTS = {"none": 25, "starttls": 587, "tls": 465}


@frozen
class SmtpSettings:
    """Where and how to send: host, port, security (``none``, ``starttls``, ``tls``), login."""

    host: str
    port: int
    security: str
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 10.0
    ca_file: str = ""

    @classmethod
    def from_settings(
        cls, adapter: str, settings: Mapping[str, str], environ: Mapping[str, str] | None = None
    ) -> SmtpSettings:
        """Read ``host``, ``port``, ``security``, ``user``, ``password_env``,
        ``from_address``, ``timeout`` and ``ca_file`` (a CA bundle for a relay with a
        private certificate); raise ``ConfigurationError`` naming the bad one."""
        env = os.environ if environ is None else environ
        where = f"mail adapter {adapter!r}"
        host = settings.get("host", "").strip()
        if not host:
            raise ConfigurationError(
                f"{where}: setting 'host' is missing; give your SMTP relay, for example "
                'host = "smtp.example.com"'
            )
        security = settings.get("security", "starttls").strip().lower()
        if security not in _PORTS:
            raise ConfigurationError(f"{where}: setting 'security' must be 'starttls', 'tls' or 'none'")
        try:
            port = int(settings.get("port", "") or _PORTS[security])
        except ValueError:
            port = 0
        if not 0 < port < 65536:
            raise ConfigurationError(f"{where}: setting 'port' must be a TCP port number")
        user = settings.get("user", "").strip()
        password = password_from_env(settings, env, where=where, what="the SMTP password")
        sender = settings.get("from_address", "").strip()
        if sender and "@" not in sender:
            raise ConfigurationError(
                f"{where}: setting 'from_address' must be an address like careers@example.com"
            )
        timeout = seconds_setting(settings, "timeout", where=where, default=10, most=300)
        ca_file = settings.get("ca_file", "").strip()
        if ca_file and not Path(ca_file).expanduser().is_file():
            raise ConfigurationError(
                f"{where}: setting 'ca_file' names {ca_file}, which is not a file; give the "
                "PEM file of the certificate authority that signed the relay's certificate"
            )
        return cls(host, port, security, user, password, sender, timeout, ca_file)


class SmtpConnection:
    """One SMTP session; use as a context manager. ``adapter`` names errors."""

    def __init__(self, adapter: str, settings: SmtpSettings) -> None:
        self.adapter = adapter
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def __enter__(self) -> SmtpConnection:
        s = self.settings
        context = ssl.create_default_context(cafile=str(Path(s.ca_file).expanduser()) if s.ca_file else None)
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            self._smtp = smtp
            if s.security == "starttls":
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password)
        except smtplib.SMTPAuthenticationError:
            self._close()
            raise AdapterError(
                self.adapter,
                f"{self._where()} refused the login of {s.user!r}; check 'user' and the "
                "password in the variable named by 'password_env'",
            ) from None
        except smtplib.SMTPNotSupportedError:
            self._close()
            raise AdapterError(
                self.adapter,
                f"{self._where()} does not offer STARTTLS or AUTH; check 'security' and 'port'",
            ) from None
        except ssl.SSLError as exc:
            self._close()
            raise AdapterError(
                self.adapter,
                f"TLS with {self._where()} failed ({exc.reason or 'handshake'}); check "
                "'security', 'port' and, for a private certificate, 'ca_file'",
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise AdapterError(
                self.adapter,
                f"could not talk to the SMTP server {self._where()} ({type(exc).__name__}); will try again",
                retryable=True,
            ) from None
        return self

    def _close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> dict[str, int]:
        """Send ``message`` to ``recipients``; return the refused ones with their codes.

        :raises AdapterError: the whole message was not taken (retryable for 4xx
            answers and dropped connections).
        """
        if self._smtp is None:
            raise AdapterError(self.adapter, "no SMTP connection", retryable=True)
        sender = self.settings.sender or str(message["From"].addresses[0].addr_spec)
        try:
            refused = self._smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
        except smtplib.SMTPRecipientsRefused as exc:
            return {addr: int(code) for addr, (code, _text) in exc.recipients.items()}
        except smtplib.SMTPSenderRefused as exc:
            raise AdapterError(
                self.adapter,
                f"{self._where()} refused the sender {sender} ({exc.smtp_code}); check 'from_address'",
                retryable=400 <= exc.smtp_code < 500,
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise AdapterError(
                self.adapter,
                f"{self._where()} did not take the message ({exc.smtp_code})",
                retryable=400 <= exc.smtp_code < 500,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            raise AdapterError(
                self.adapter,
                f"the connection to {self._where()} broke ({type(exc).__name__}); will try again",
                retryable=True,
            ) from None
        return {addr: int(code) for addr, (code, _text) in refused.items()}
