"""Real servers for tests, started on 127.0.0.1 on a free port and stopped after.

Each server is a small class with ``start()`` and ``stop()``; ``fixtures.py``
turns them into pytest fixtures. Nothing here is mocked: Radicale and
Xandikos run as their own processes, aiosmtpd runs in a thread.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 20) -> None:
    """Wait until ``port`` accepts connections; fail with the server's log if it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text()[-3000:]
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    tail = log.read_text()[-3000:]
    raise RuntimeError(f"server did not listen on {port} within {timeout}s:\n{tail}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process politely, then firmly."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
