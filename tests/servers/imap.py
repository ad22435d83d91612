"""Dovecot from Debian's packages on 127.0.0.1: a real IMAP server holding the REPLY mailbox.

Started unprivileged: as the user running the tests, or, as root, as
``nobody`` (Dovecot's master then has no rights to drop). Its config, its
passwd-file user and its Maildir live in one folder made for it; a plain
IMAP port and an IMAPS port (with the self-signed test certificate) listen
on 127.0.0.1. Mail goes in with IMAP APPEND, as a mail server would put it.
Where Dovecot is missing the tests skip naming the binary; with
``$CAREERCONV_REQUIRE_IMAP`` set (``.ci/run`` sets it) they fail instead.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from servers import free_port, stop_process, wait_for_port

REQUIRE_ENV = "CAREERCONV_REQUIRE_IMAP"
DOVECOT_CANDIDATES = ("/usr/sbin/dovecot",)
IMAP_USER = "replies"
IMAP_PASSWORD = "imap-secret-do-not-print"  # a test-only secret, planted to check it never leaks


def dovecot_path() -> str | None:
    """Debian's dovecot binary, or None."""
    return next((p for p in DOVECOT_CANDIDATES if Path(p).is_file()), None) or shutil.which("dovecot")


def require_dovecot() -> str:
    """The dovecot binary; skips the calling test (fails under CI) when it is missing."""
    path = dovecot_path()
    if path is None:
        message = (
            "the IMAP tests need /usr/sbin/dovecot (bash .ci/setup-imap.sh, or apt-get install dovecot-imapd)"
        )
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def _config(folder: Path, user: str, group: str, port: int, tls_port: int) -> str:
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{folder}/cert.pem
ssl_key = <{folder}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={folder}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


class ImapServer:
    """A running Dovecot with one mailbox user; ``append`` puts a message into a folder."""

    def __init__(self, binary: str, certificate: tuple[Path, Path]) -> None:
        self.binary = binary
        self.certificate = certificate
        self.port = free_port()
        self.tls_port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="careerconv-imap-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Write the config and the user, start Dovecot, wait for its port."""
        root = os.geteuid() == 0
        user = "nobody" if root else pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name
        f = self.folder
        (f / "home").mkdir()
        shutil.copy(self.certificate[0], f / "cert.pem")
        shutil.copy(self.certificate[1], f / "key.pem")
        (f / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n")
        (f / "dovecot.conf").write_text(_config(f, user, group, self.port, self.tls_port))
        f.chmod(0o755)
        if root:
            for path in [f, *f.rglob("*")]:
                shutil.chown(path, user, group)
        log = f / "dovecot.log"
        log.touch()
        if root:
            shutil.chown(log, user, group)
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(f / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            user=user if root else None,
            group=group if root else None,
        )
        wait_for_port(self.port, self.process, log)

    def stop(self) -> None:
        """Stop Dovecot and remove its folder."""
        if self.process is not None:
            stop_process(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4:
        """A logged-in IMAP session (plain, on loopback)."""
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(IMAP_USER, IMAP_PASSWORD)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put one message into ``folder`` (made when missing), as delivery would."""
        imap = self.connect()
        try:
            if folder != "INBOX":
                imap.create(folder)
            typ, _ = imap.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            imap.logout()

    def count(self, folder: str = "INBOX") -> int:
        """How many messages ``folder`` holds (none is ever deleted by a reader)."""
        imap = self.connect()
        try:
            typ, data = imap.select(folder, readonly=True)
            assert typ == "OK"
            return int(data[0] or 0)
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        """Every message's flags, in order (a reader that only peeks changes none)."""
        imap = self.connect()
        try:
            imap.select(folder, readonly=True)
            _typ, data = imap.fetch("1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()
