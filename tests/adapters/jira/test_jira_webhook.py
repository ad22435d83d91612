"""The Jira webhook receiver over real HTTP on 127.0.0.1 (issue 13, item 11).

The fake Jira sends what Jira Cloud sends (body shape checked against Atlassian's
OpenAPI description where it covers it, ``X-Hub-Signature``,
``X-Atlassian-Webhook-Identifier``); the receiver checks the signature, the
window and replays, then reads the named issues back as ``sync-tickets`` does.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import requests

from careerconv.app import App
from careerconv.ticket_sync import sync_named_issues
from careerconv_plugins.jira.asgi_http import serve
from careerconv_plugins.jira.webhook import ChangedIssue, JiraWebhookApp
from fakes.fake_jira import FakeJira
from fakes.jira_spec import require_spec
from fakes.jira_webhooks import WebhookSender, payload_violations
from resilience.test_faults import ICS_TABLE, JIRA_ENV, LATER, cli, fill, jira_table, write_home

SECRET = b"webhook-secret-not-real"


class Heard:
    """What the receiver handed on, delivery by delivery."""

    def __init__(self, fail: int = 0) -> None:
        self.calls: list[list[ChangedIssue]] = []
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, issues: Sequence[ChangedIssue]) -> None:
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise RuntimeError("store busy")
            self.calls.append(list(issues))


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    require_spec()
    with FakeJira("Cloud") as fake:
        fake.add_user("Rae Report", "rae@example.com", "acc-rae", "rae")
        yield fake


def _receiver(on_issues: object, **options: object) -> Iterator[str]:
    server = serve(JiraWebhookApp(SECRET, on_issues, **options))  # type: ignore[arg-type]
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jira"
    finally:
        server.shutdown()
        server.server_close()


def _issue(fake: FakeJira) -> dict[str, object]:
    fake.state.issues["CAREER-1"] = {
        "id": "10001", "key": "CAREER-1", "project": "CAREER", "status": "10000", "properties": {},
        "fields": {"summary": "Lead the review", "labels": ["careerconv-cc-p1-a-a1"]},
    }  # fmt: skip
    return fake.state.issues["CAREER-1"]


def test_a_signed_delivery_names_its_issue_and_a_replay_or_forgery_does_nothing(
    jira: FakeJira, caplog: pytest.LogCaptureFixture
) -> None:
    heard = Heard()
    for url in _receiver(heard):
        sender = WebhookSender(jira, url, SECRET).subscribe()
        _issue(jira)
        jira.set_status("CAREER-1", "Done")
        (first,) = sender.sent
        body = json.loads(first.body)
        assert payload_violations(body) == []
        assert body["changelog"]["items"][0]["toString"] == "Done"
        assert first.status == 204
        assert heard.calls == [
            [ChangedIssue("jira:issue_updated", "10001", "CAREER-1", ("careerconv-cc-p1-a-a1",))]
        ]
        assert sender.resend(first).status == 200  # Jira's retry: the same identifier
        forged = sender.post(first.body, {"X-Hub-Signature": "sha256=" + "0" * 64})
        unsigned = sender.post(first.body, {"X-Hub-Signature": ""})
        assert (forged.status, unsigned.status) == (401, 401)
        stale = dict(body, timestamp=body["timestamp"] - 7_200_000)
        assert sender.post(json.dumps(stale).encode()).status == 400
        assert sender.post(b"not json").status == 400
        assert requests.get(url, timeout=5).status_code == 405
        other = dict(body, webhookEvent="comment_created")
        assert sender.post(json.dumps(other).encode()).status == 204
        jira.delete_issue("CAREER-1")
        assert sender.sent[-1].status == 204
        assert payload_violations(json.loads(sender.sent[-1].body)) == []
    assert [c[0].event for c in heard.calls] == ["jira:issue_updated", "jira:issue_deleted"]
    logged = caplog.text
    assert SECRET.decode() not in logged and "Lead the review" not in logged


def test_a_delivery_whose_handling_failed_gets_through_on_jiras_retry(jira: FakeJira) -> None:
    heard = Heard(fail=1)
    for url in _receiver(heard):
        sender = WebhookSender(jira, url, SECRET).subscribe()
        _issue(jira)
        logging.disable(logging.ERROR)
        try:
            jira.set_status("CAREER-1", "Done")
        finally:
            logging.disable(logging.NOTSET)
        (first,) = sender.sent
        assert first.status == 500
        assert sender.resend(first).status == 204
    assert len(heard.calls) == 1


def test_statuses_changed_in_jira_reach_the_plan_through_the_webhook(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JIRA_ENV, jira.state.token)
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira, state_directory="jira"), attempts=5)
    fill(home)
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "jira       delivered 1" in out
    app = App.load(home)

    def on_issues(issues: Sequence[ChangedIssue]) -> None:
        sync_named_issues(app, [(i.issue_id, i.labels) for i in issues])

    def action() -> tuple[str, bool]:
        (plan,) = app.store.find_plans()
        assert plan.grow is not None
        found = plan.grow.action("a1")
        return found.status.value, found.ticket_deleted

    try:
        for url in _receiver(on_issues):
            sender = WebhookSender(jira, url, SECRET).subscribe()
            [key] = jira.state.issues
            jira.set_status(key, "Done")
            assert sender.sent[-1].status == 204
            assert action() == ("done", False)
            jira.set_status(key, "To Do")  # reopened in Jira
            assert action() == ("open", False)
            jira.delete_issue(key)
            assert sender.sent[-1].status == 204
            assert action() == ("open", True)  # reported deleted, never recreated
            assert jira.state.issues == {}
    finally:
        app.close()


def test_the_jira_webhook_command_applies_a_status_and_refuses_without_its_secret(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JIRA_ENV, jira.state.token)
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira, state_directory="jira"), attempts=5)
    fill(home)
    code, _ = cli(capsys, monkeypatch, home, LATER, "dispatch")
    monkeypatch.delenv("JIRA_WEBHOOK_SECRET", raising=False)
    code, out = cli(capsys, monkeypatch, home, LATER, "jira-webhook", "--port", "0")
    assert code != 0 and "JIRA_WEBHOOK_SECRET is not set" in out and "Traceback" not in out
    env = {**os.environ, "CAREERCONV_NOW": LATER.isoformat(), "JIRA_WEBHOOK_SECRET": SECRET.decode()}
    command = [sys.executable, "-m", "careerconv.cli", "--home", str(home), "jira-webhook", "--port", "0"]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            url = re.search(r"http://\S+/", first)
            assert url, first
            sender = WebhookSender(jira, url.group(0), SECRET).subscribe()
            [key] = jira.state.issues
            jira.set_status(key, "Done")
            assert sender.sent[-1].status == 204
            assert "jira: 1 ticket(s) read, 0 deleted" in proc.stdout.readline()
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
    code, out = cli(capsys, monkeypatch, home, LATER, "actions")
    assert re.search(r"r1:a1\s+done", out), out


@pytest.mark.parametrize("host", ["no such host.invalid", "\udcff", "x" * 5000])
def test_a_host_it_cannot_listen_on_is_one_line_naming_the_options(
    host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = write_home(
        tmp_path / "home", ICS_TABLE, '[[tracker]]\nadapter = "files"\nsettings = { directory = "t" }'
    )
    monkeypatch.setenv("JIRA_WEBHOOK_SECRET", SECRET.decode())
    code, out = cli(capsys, monkeypatch, home, LATER, "jira-webhook", "--host", host, "--port", "0")
    assert code != 0 and "cannot listen on" in out and "check --host and --port" in out
    assert "Traceback" not in out and len(out) < 500


def test_an_oversized_body_is_refused_over_http_and_in_chunks_under_any_asgi_host() -> None:
    heard = Heard()
    for url in _receiver(heard):
        # Refused from the Content-Length alone, before a byte of the body is read.
        where = urllib.parse.urlsplit(url)
        connection = http.client.HTTPConnection(str(where.hostname), where.port, timeout=10)
        connection.putrequest("POST", where.path)
        connection.putheader("Content-Length", str(2 * 1024 * 1024))
        connection.endheaders()
        assert connection.getresponse().status == 413
        connection.close()
    app = JiraWebhookApp(SECRET, heard)
    chunks = [{"type": "http.request", "body": b"x" * 65536, "more_body": True}] * 17
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return chunks.pop(0) if chunks else {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": [(b"x-hub-signature", b"sha256=00")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert heard.calls == []
