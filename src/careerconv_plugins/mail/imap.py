"""The mailbox of iMIP REPLYs, read over IMAP (the I/O half of reading answers back).

``ImapSettings.from_settings`` reads the ``imap_*`` settings of the ``imip``
adapter. ``ReplyMailbox.answers`` opens the folder read-only (EXAMINE, and
BODY.PEEK: no flag is changed, nothing is ever deleted), reads the messages
it has not read yet and keeps the newest answer per invite and attendee.
With a state file it remembers the folder's UIDVALIDITY, the highest UID
read and the answers found, so a re-run reads no message twice; a changed
UIDVALIDITY (the folder was rebuilt) reads the folder again. Errors name the
setting and the fix, never the IMAP dialogue or the password.
"""

from __future__ import annotations

import contextlib
import imaplib
import json
import os
import re
import ssl
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from attrs import field, frozen

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.ports import AnswersReport, AttendeeAnswer
from careerconv_plugins.files import read_text, write_atomic
from careerconv_plugins.mail.replies import Reply, newest, replies_of
from careerconv_plugins.settings import seconds_setting, shown_env

_PORTS = {"tls": 993, "starttls": 143, "none": 143}
_BATCH = 50  # messages per FETCH: a bounded answer, few round trips
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
MOST_BYTES = 1 << 20
"""The largest message read: a REPLY is a few kilobytes; anything bigger is not one."""
ADAPTER = "imip"


@frozen
class ImapSettings:
    """Where the REPLYs arrive: host, port, security (``tls``, ``starttls``, ``none``), login, folder."""

    host: str
    port: int
    security: str
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    timeout: float = 10.0
    ca_file: str = ""

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, str], environ: Mapping[str, str] | None = None
    ) -> ImapSettings | None:
        """The ``imap_*`` settings, or None when ``imap_host`` is not set (no answers read)."""
        env = os.environ if environ is None else environ
        where = f"mail adapter {ADAPTER!r}"
        host = settings.get("imap_host", "").strip()
        if not host:
            given = sorted(k for k in settings if k.startswith("imap_"))
            if given:
                raise ConfigurationError(
                    f"{where}: {', '.join(given)} given without 'imap_host'; set imap_host to the "
                    "IMAP server that receives the REPLYs, or leave the imap settings out"
                )
            return None
        security = settings.get("imap_security", "tls").strip().lower()
        if security not in _PORTS:
            raise ConfigurationError(f"{where}: setting 'imap_security' must be 'tls', 'starttls' or 'none'")
        try:
            port = int(settings.get("imap_port", "") or _PORTS[security])
        except ValueError:
            port = 0
        if not 0 < port < 65536:
            raise ConfigurationError(f"{where}: setting 'imap_port' must be a TCP port number")
        user = settings.get("imap_user", "").strip()
        if not user:
            raise ConfigurationError(
                f"{where}: setting 'imap_user' is missing; give the login of the mailbox the REPLYs reach"
            )
        if "imap_password" in settings:
            raise ConfigurationError(
                f"{where}: do not put the password in the settings; set 'imap_password_env' to the "
                "name of an environment variable that holds it"
            )
        name = settings.get("imap_password_env", "").strip()
        if not name:
            raise ConfigurationError(
                f"{where}: setting 'imap_password_env' is missing; name the environment variable "
                "that holds the IMAP password for 'imap_user'"
            )
        if name not in env:
            raise ConfigurationError(
                f"{where}: environment variable {shown_env(name)} (setting 'imap_password_env') is "
                "not set; export it with the IMAP password"
            )
        folder = settings.get("imap_folder", "").strip() or "INBOX"
        timeout = seconds_setting(settings, "imap_timeout", where=where, default=10, most=300)
        ca_file = settings.get("ca_file", "").strip()
        return cls(host, port, security, user, env[name], folder, timeout, ca_file)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ReplyMailbox:
    """Reads REPLYs from one IMAP folder; ``state_file`` remembers what was read."""

    def __init__(self, settings: ImapSettings, state_file: Path | None = None) -> None:
        self.settings = settings
        self.state_file = state_file
        self.fetched = 0  # messages fetched by the last call, for tests and -v

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """The newest answer of each attendee to each of ``uids`` found in the folder."""
        mailbox, validity, last, kept = self._load()
        imap = self._open()
        try:
            now_validity = self._examine(imap)
            if (mailbox, now_validity) != (self._mailbox(), validity):
                # Another folder, or a new one under the same name: read it all, answers are kept.
                last = 0
            found, last = self._read_new(imap, last)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise AdapterError(
                ADAPTER,
                f"reading the REPLYs from {self._where()} failed ({type(exc).__name__}); will try again",
                retryable=True,
            ) from None
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                imap.logout()
        kept = newest(found, kept)
        self._save(now_validity, last, kept.values())
        asked = set(uids)
        answers: dict[str, dict[str, AttendeeAnswer]] = {}
        marks: dict[str, dict[str, str]] = {}
        for (uid, address), reply in kept.items():
            if uid in asked:
                answers.setdefault(uid, {})[address] = reply.answer
                marks.setdefault(uid, {})[address] = reply.mark
        return AnswersReport(answers, marks=marks)

    def _open(self) -> imaplib.IMAP4:
        s = self.settings
        context = ssl.create_default_context(cafile=str(Path(s.ca_file).expanduser()) if s.ca_file else None)
        try:
            if s.security == "tls":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=context, timeout=s.timeout
                )
            else:
                imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    imap.starttls(ssl_context=context)
        except ssl.SSLError as exc:
            raise AdapterError(
                ADAPTER,
                f"TLS with the IMAP server {self._where()} failed ({exc.reason or 'handshake'}); check "
                "'imap_security', 'imap_port' and, for a private certificate, 'ca_file'",
                misconfigured=True,
            ) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise AdapterError(
                ADAPTER,
                f"could not reach the IMAP server {self._where()} ({type(exc).__name__}); check "
                "'imap_host' and 'imap_port', or try again later",
                retryable=True,
            ) from None
        try:
            imap.login(s.user, s.password)
        except (OSError, imaplib.IMAP4.error):
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                imap.logout()
            raise AdapterError(
                ADAPTER,
                f"{self._where()} refused the login of {s.user!r}; check 'imap_user' and the password "
                "in the variable named by 'imap_password_env'",
                misconfigured=True,
            ) from None
        return imap

    def _examine(self, imap: imaplib.IMAP4) -> int:
        """Open the folder read-only; its UIDVALIDITY."""
        typ, _ = imap.select(_quoted(self.settings.folder), readonly=True)
        if typ != "OK":
            raise AdapterError(
                ADAPTER,
                f"the IMAP folder {self.settings.folder!r} does not exist on {self._where()}; "
                "set 'imap_folder' to the folder that receives the REPLYs (default INBOX)",
                misconfigured=True,
            )
        _, data = imap.response("UIDVALIDITY")
        try:
            return int(data[0]) if data and data[0] is not None else 0
        except (TypeError, ValueError):
            return 0

    def _read_new(self, imap: imaplib.IMAP4, last: int) -> tuple[list[Reply], int]:
        typ, data = imap.uid("SEARCH", f"UID {last + 1}:*")
        if typ != "OK":
            raise imaplib.IMAP4.error("SEARCH")
        # "n:*" names the last message even when its UID is below n: take only the new ones.
        new = sorted(u for u in (int(x) for x in (data[0] or b"").split()) if u > last)
        found: list[Reply] = []
        self.fetched = 0
        for start in range(0, len(new), _BATCH):
            batch = new[start : start + _BATCH]
            small = self._small(imap, batch)
            if small:
                typ, parts = imap.uid("FETCH", ",".join(map(str, small)), "(UID BODY.PEEK[])")
                if typ != "OK":
                    raise imaplib.IMAP4.error("FETCH")
                for part in parts:
                    if isinstance(part, tuple) and _UID.search(part[0]):
                        self.fetched += 1
                        found += replies_of(part[1])
            last = max(last, batch[-1])
        return found, last

    @staticmethod
    def _small(imap: imaplib.IMAP4, batch: list[int]) -> list[int]:
        """The messages of ``batch`` no larger than a REPLY can be; big mail is left unread."""
        typ, parts = imap.uid("FETCH", ",".join(map(str, batch)), "(UID RFC822.SIZE)")
        if typ != "OK":
            raise imaplib.IMAP4.error("FETCH")
        out = []
        for part in parts:
            line = part[0] if isinstance(part, tuple) else part
            uid, size = _UID.search(line or b""), _SIZE.search(line or b"")
            if uid and size and int(size.group(1)) <= MOST_BYTES:
                out.append(int(uid.group(1)))
        return sorted(out)

    def _mailbox(self) -> str:
        """Which folder the remembered UIDs are of: message UIDs mean nothing in another."""
        s = self.settings
        return f"{s.user}@{s.host}:{s.port}/{s.folder}"

    def _load(self) -> tuple[str, int, int, dict[tuple[str, str], Reply]]:
        if self.state_file is None:
            return "", 0, 0, {}
        try:
            text = read_text(self.state_file)
            state = json.loads(text) if text else {}
            replies = [
                Reply(r[0], r[1], AttendeeAnswer(r[2]), int(r[3]), datetime.fromisoformat(r[4]))
                for r in state.get("replies", [])
            ]
            return (
                str(state.get("mailbox", "")),
                int(state.get("uidvalidity", 0)),
                int(state.get("last_uid", 0)),
                newest(replies),
            )
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            return "", 0, 0, {}  # an unreadable memory: read the folder again, nothing is lost

    def _save(self, validity: int, last: int, replies: Iterable[Reply]) -> None:
        if self.state_file is None:
            return
        state = {
            "mailbox": self._mailbox(),
            "uidvalidity": validity,
            "last_uid": last,
            "replies": [[r.uid, r.address, r.answer.value, r.sequence, r.stamp.isoformat()] for r in replies],
        }
        try:
            write_atomic(self.state_file, json.dumps(state, indent=1, sort_keys=True))
        except OSError as exc:
            raise AdapterError(
                ADAPTER,
                f"could not keep what was read in {self.state_file} ({type(exc).__name__}); check "
                "that 'state_directory' is writable",
                retryable=True,
            ) from None
