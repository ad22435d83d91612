"""``-v``, ``-vv`` and ``-q``: what the command line says besides its answer, and never a note."""

from __future__ import annotations

import http.server
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from careerconv_plugins import http as shared_http
from support.cli import Cli, ready_home
from tests_support_paths import EXAMPLES

NOTE = "PRIVATE-NOTE-MARKER-71"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = ready_home(Cli(tmp_path / "home", capsys, monkeypatch), ("jonas", "aylin", "lukas"))
    yield runner


def test_verbose_says_what_each_adapter_did_and_quiet_says_nothing_but_errors(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("schedule", "jonas", "--start", "2027-01-05")
    story = cli.home / "story.toml"
    story.write_text(f'[life_story]\nnotes = "{NOTE}"\n')
    cli("record", "jonas", "life_story", "--file", str(story))
    out = cli("dispatch", "-v")  # after the command, as well as before it
    assert "careerconv: INFO: careerconv_core.dispatch: calendar ics: delivered" in out
    assert "notifier mailfiles: delivered" in out and NOTE not in out
    monkeypatch.setenv("CAREERCONV_PROGRESS", "1")
    quiet = cli("-q", "schedule", "aylin", "--start", "2027-01-05")
    assert "scheduling maya's team" not in quiet and "aylin:" in quiet  # the answer, no progress
    shown = cli("schedule", "lukas", "--start", "2027-01-05")
    assert "scheduling maya's team" in shown  # without -q the progress shows
    assert "not allowed with argument" in cli("-v", "-q", "status", code=2)  # one or the other


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_very_verbose_logs_each_request_without_query_credentials_or_body(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="careerconv_plugins.http")
    url = f"http://user:s3cret@{server}/v2/Users?token=s3cret#frag"
    with requests.Session() as session:
        answer = shared_http.send(session, "GET", url, adapter="scim", timeout=5, data=NOTE)
    assert answer.status_code == 204
    (line,) = [r.getMessage() for r in caplog.records]
    assert line.startswith(f"GET http://{server}/v2/Users -> 204 in ") and line.endswith(" ms")
    assert "s3cret" not in line and "token" not in line and NOTE not in line


def test_a_dispatch_of_several_batches_shows_how_far_it_is_unless_quiet(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("schedule", "jonas", "aylin", "--start", "2027-01-05")
    monkeypatch.setenv("CAREERCONV_PROGRESS", "1")
    assert "delivering" not in cli("-q", "dispatch", "--limit", "2")  # quiet: none
    cli("reschedule", "jonas", "grow_review", "--to", "2027-02-10T14:00", "--as", "maya")
    cli("reschedule", "aylin", "grow_review", "--to", "2027-02-11T14:00", "--as", "maya")
    out = cli("dispatch", "--limit", "1")
    assert "delivering 1/2" in out and "delivering 2/2" in out


def test_an_org_import_shows_how_far_it_is_unless_quiet_or_json(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = str(EXAMPLES / "org-later.toml")  # priya's manager changes: a handoff among the writes
    monkeypatch.setenv("CAREERCONV_PROGRESS", "1")
    assert "org import:" not in cli("-q", "org", "import", "--dry-run", later)
    assert "org import:" not in cli("org", "import", later, "--json")
    monkeypatch.delenv("CAREERCONV_PROGRESS")
    assert "org import:" not in cli("org", "import", later)  # not a terminal: none
    monkeypatch.setenv("CAREERCONV_PROGRESS", "1")
    shown = cli("org", "import", str(EXAMPLES / "org.toml"))  # back: the handoff again
    assert "org import: 11 people read; writes 1/3\r" in shown
    assert "org import: 11 people read; writes 3/3\n" in shown
