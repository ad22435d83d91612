"""``careerconv serve``: the pages run alone, as a process on 127.0.0.1, and its one-line refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from support.web_home import SECRET_ENV, WebTeam


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "careerconv.cli", "--home", str(home), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_runs_the_pages_with_their_headers(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    port = _free_port()
    proc = _serve(team.home, port, dict(os.environ))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                link = team.mail_link("proposal")
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{link}", timeout=5) as response:
                    body = response.read().decode()
                    headers = response.headers
                break
            except OSError:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.2)
        assert "Send my answer" in body
        assert "script-src 'none'" in headers["content-security-policy"]
        assert headers.get("server") is None
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert "/l/" not in out + err, "a signed link reached the log"


def test_serve_without_its_secret_says_what_to_set(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    proc = _serve(team.home, _free_port(), env)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"${SECRET_ENV}" in err and "unset" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
