"""A throwaway PostgreSQL cluster: ``initdb`` into a temp folder, ``postgres`` on 127.0.0.1.

The binaries come from Debian's packages (``apt-get install -y postgresql``),
found under ``/usr/lib/postgresql/<version>/bin`` (the newest wins) or on
``PATH``. PostgreSQL refuses to run as root: when the tests run as root, ``initdb``
and ``postgres`` are started as the ``postgres`` system user (which the
Debian package creates; ``subprocess`` drops to its uid and gid, like
``runuser -u postgres --`` would), in a folder that user owns.

The cluster trusts local connections (it listens only on 127.0.0.1 and on a
unix socket in its own folder) and, for tests, runs with ``fsync=off``: it
is for tests and benchmarks and is deleted afterwards.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from attrs import define, field

from servers import free_port, stop_process

SUPERUSER = "postgres"
RUN_AS = "postgres"  # the system user that runs the cluster when we are root


def find_bin_dir() -> Path:
    """The folder with ``initdb`` and ``postgres``, or an error that says how to install them."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("postgres"):
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found; run .ci/setup-postgres.sh (apt-get install -y postgresql)"
    )


def _cluster_user() -> dict[str, object]:
    """``subprocess`` arguments that drop root to the cluster user (no shell, no runuser)."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(RUN_AS)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@define
class PostgresServer:
    """A running throwaway cluster; ``dsn()`` connects as the superuser over TCP."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    _databases: int = field(default=0)

    @property
    def socket_dir(self) -> Path:
        """Where the unix socket is (besides TCP on 127.0.0.1)."""
        return self.root / "socket"

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.root / "postgres.log"

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string for ``dbname`` on this cluster (no password: trust)."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname}"

    def create_database(self, prefix: str = "test") -> str:
        """Create a new empty database and return its DSN."""
        self._databases += 1
        name = f"{prefix}_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.dsn(name)

    def drop_database(self, dsn: str) -> None:
        """Drop the database of ``dsn``, closing whatever still holds it open."""
        name = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def stop(self) -> None:
        """Stop the server (SIGINT: a fast shutdown) and delete the cluster."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                stop_process(self.process)
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        """The tail of the server log, for failure messages."""
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


def start_postgres(timeout: float = 30, *, durable: bool = False) -> PostgresServer:
    """initdb a new cluster in a temp folder and start it on a free port on 127.0.0.1.

    Tests run it with ``fsync`` off; ``durable=True`` keeps PostgreSQL's safe
    defaults, for benchmarks whose figures should mean something.
    """
    bin_dir = find_bin_dir()
    # Not under pytest's tmp_path: its parents are private to root, and the
    # cluster user must be able to reach its own folder.
    root = Path(tempfile.mkdtemp(prefix="careerconv-pg-"))
    data, sockets = root / "data", root / "socket"
    sockets.mkdir()
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam(RUN_AS)
        except KeyError:
            shutil.rmtree(root)
            raise RuntimeError(
                f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as; "
                "install Debian's postgresql package (it creates the user)"
            ) from None
        for path in (root, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    init = subprocess.run(
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ],
        capture_output=True,
        check=False,
        **_cluster_user(),
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed ({init.returncode}):\n{init.stderr.decode()[-3000:]}")
    port = free_port()
    log = root / "postgres.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={sockets}",
                "-c",
                "max_connections=100",
                "-c",
                "shared_buffers=128MB",
                *(
                    []
                    if durable
                    else [
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                    ]
                ),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=root,
            **_cluster_user(),
        )
    server = PostgresServer(root, port, process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            text = server.log_text()
            shutil.rmtree(root, ignore_errors=True)
            raise RuntimeError(f"postgres exited with {process.returncode}:\n{text}")
        try:
            with psycopg.connect(server.dsn(), connect_timeout=2):
                return server
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                text = server.log_text()
                server.stop()
                raise RuntimeError(f"postgres did not start within {timeout}s:\n{text}") from None
            time.sleep(0.05)
