"""Radicale (with htpasswd auth) and Xandikos, each in its own process on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from attrs import define, field

from servers import free_port, stop_process, wait_for_port

USER = "mara"
PASSWORD = "correct horse battery staple"  # a test-only secret, planted to check it never leaks


@define
class CalendarServer:
    """A running CalDAV server: its base URL, the user's home URL and its log file."""

    name: str
    base_url: str
    home_url: str
    user: str
    password: str
    folder: Path
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def stop(self) -> None:
        """Stop the server process."""
        stop_process(self.process)

    def log_text(self) -> str:
        """Everything the server has logged so far."""
        return self.log.read_text(errors="replace")


def start_radicale(root: Path) -> CalendarServer:
    """Radicale with htpasswd (plain) authentication and owner-only rights."""
    root.mkdir(parents=True, exist_ok=True)
    htpasswd = root / "htpasswd"
    htpasswd.write_text(f"{USER}:{PASSWORD}\nother:other-password\n")
    port = free_port()
    log = root / "radicale.log"
    command = [
        sys.executable,
        "-m",
        "radicale",
        "--server-hosts",
        f"127.0.0.1:{port}",
        "--storage-filesystem-folder",
        str(root / "collections"),
        "--auth-type",
        "htpasswd",
        "--auth-htpasswd-filename",
        str(htpasswd),
        "--auth-htpasswd-encryption",
        "plain",
        "--rights-type",
        "owner_only",
        "--logging-level",
        "info",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    wait_for_port(port, process, log)
    base = f"http://127.0.0.1:{port}"
    return CalendarServer("radicale", base, f"{base}/{USER}/", USER, PASSWORD, root, log, process)


def start_xandikos(
    root: Path, *, smtp_port: int | None = None, email: str = "mara@example.com"
) -> CalendarServer:
    """Xandikos with a default calendar; with ``smtp_port`` it mails iMIP through that relay.

    ``email`` is the user's calendar address: events they organize are
    scheduled by the server (RFC 6638), and remote attendees get iMIP mail.

    Xandikos only offers Basic auth over its own TLS, so it runs without auth
    here; the auth paths are tested against Radicale.
    """
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = root / "xandikos.log"
    command = [
        sys.executable,
        "-m",
        "xandikos",
        "serve",
        "-d",
        str(root / "data"),
        "--state-dir",
        str(root / "state"),
        "-l",
        "127.0.0.1",
        "-p",
        str(port),
        "--defaults",
        "--current-user-principal",
        f"/{USER}/",
        "--no-detect-systemd",
    ]
    if smtp_port is not None:
        command += [
            "--imip-send",
            "smtp",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(smtp_port),
            "--smtp-from",
            "calendar@example.com",
        ]
    env = {**os.environ, "EMAIL": email}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    wait_for_port(port, process, log)
    base = f"http://127.0.0.1:{port}"
    return CalendarServer("xandikos", base, f"{base}/{USER}/", USER, "", root, log, process)
