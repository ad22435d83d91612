"""Fault injection: servers that fail, time out or drop the line; a store that fails
mid-transaction; a full disk.

What must hold: a plan change commits whole or not at all; effects are
retried with backoff (never sooner than a Retry-After) and end as dead
letters with a clear reason after the configured attempts; ``careerconv
status`` shows what is pending and failed and why, and ``careerconv retry``
queues the failed ones again, after which they are delivered once.
Everything runs through the real adapters and ``careerconv.cli.main``.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import os
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve as attrs_evolve

from careerconv.app import App
from careerconv.cli import main
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.errors import AdapterError
from careerconv_core.outbox import Channel, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_core.services import Services
from careerconv_core.testing import FixedClock, SequentialIds
from careerconv_plugins.sql.sealing import create_key_file
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from fakes.fake_jira import FakeJira
from resilience.crash.scenario import T0, started, through_review
from servers import free_port
from servers.calendars import CalendarServer
from support.sealed import home_key
from support.world import PEOPLE

pytestmark = pytest.mark.servers

JIRA_ENV = "CC_FAULTS_JIRA_TOKEN"
CALDAV_ENV = "CC_FAULTS_CALDAV_PASSWORD"
LATER = T0 + timedelta(days=10)  # every entry of the scenario is due by then


# ----------------------------------------------------------------- the rig
def write_home(home: Path, calendar: str, tracker: str, attempts: int = 3) -> Path:
    """A careerconv home with the given calendar and tracker tables, files for the rest."""
    home.mkdir(parents=True, exist_ok=True)
    create_key_file(home / "careerconv.key")
    (home / "careerconv.toml").write_text(
        f"""\
[store]
adapter = "sqlite"
settings = {{ path = "careerconv.db", key_file = "careerconv.key" }}

{calendar}

{tracker}

[[notifier]]
adapter = "mailfiles"
settings = {{ directory = "mail", from_address = "careers@example.com" }}

[[hris_writer]]
adapter = "files"
settings = {{ directory = "hris" }}

[hris_source]
adapter = "orgfile"

[catalog]
adapter = "builtin"

[dispatch]
max_attempts = {attempts}
base_seconds = 30
""",
        encoding="utf-8",
    )
    return home


def jira_table(fake: FakeJira, **extra: str) -> str:
    settings = {
        "url": fake.url,
        "project": "CAREER",
        "deployment": "cloud",
        "email": "bot@example.com",
        "token_env": JIRA_ENV,
        "timeout": "1",
        "max_attempts": "1",
        **extra,
    }
    inner = ", ".join(f'{k} = "{v}"' for k, v in settings.items())
    return f'[[tracker]]\nadapter = "jira"\nsettings = {{ {inner} }}'


def caldav_table(url: str, user: str = "mara") -> str:
    return (
        f'[[calendar]]\nadapter = "caldav"\nsettings = {{ url = "{url}", user = "{user}", '
        f'password_env = "{CALDAV_ENV}", timeout = "1" }}'
    )


ICS_TABLE = '[[calendar]]\nadapter = "ics"\nsettings = { directory = "invites" }'
FILES_TRACKER = '[[tracker]]\nadapter = "files"\nsettings = { directory = "tickets" }'


def fill(home: Path, *, review: bool = True) -> str:
    """Run the use cases so the outbox holds invites, notices and (with ``review``) a ticket."""
    app = App.load(home)
    clock = FixedClock(T0)
    try:
        app.store.commit(PlanChange(people=PEOPLE))
        svc = Services(app.store, clock, SequentialIds("f"), app.settings)
        return through_review(svc, clock, "r1") if review else started(svc, clock, "r1")
    finally:
        app.close()


def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path, now: datetime, *argv: str
) -> tuple[int, str]:
    """Run ``careerconv --home home argv`` at ``now``; (exit code, stdout + stderr)."""
    monkeypatch.setenv("CAREERCONV_NOW", now.isoformat())
    capsys.readouterr()
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def entries(home: Path, channel: Channel) -> list[Any]:
    with SqliteStore(home / "careerconv.db", key=home_key(home)) as store:
        return [e for e in store.outbox() if e.channel is channel]


@pytest.fixture
def jira(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJira]:
    with FakeJira("Cloud") as fake:
        fake.add_user("Rae Report", "rae@example.com", "acc-rae", "rae")
        monkeypatch.setenv(JIRA_ENV, fake.state.token)
        yield fake


# ----------------------------------------------------------- tracker faults
def test_jira_500_backs_off_then_dead_letters_then_retry_delivers_once(
    tmp_path: Path,
    jira: FakeJira,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira), attempts=3)
    fill(home)
    jira.fail(500, times=1000, match="/search")
    now = LATER
    waits = []
    for _attempt in range(3):
        code, out = cli(capsys, monkeypatch, home, now, "dispatch")
        assert code == 0 and "Traceback" not in out
        [ticket] = entries(home, Channel.TRACKER)
        waits.append(ticket.next_attempt_at - now)
        now = ticket.next_attempt_at + timedelta(seconds=1)
    # Exponential backoff from 30 s, +-25% jitter; the third failure is final.
    assert timedelta(seconds=22) <= waits[0] <= timedelta(seconds=38)
    assert timedelta(seconds=45) <= waits[1] <= timedelta(seconds=75)
    assert ticket.status is OutboxStatus.FAILED and ticket.attempts == 3
    assert "gave up after 3 attempts" in ticket.last_error and "500" in ticket.last_error
    assert not jira.by_label("careerconv-cc-f1-a-a1")

    code, out = cli(capsys, monkeypatch, home, now, "status")
    assert code == 0
    assert "0 pending, 1 failed" in out
    assert "failed  " in out and "tracker:cc-f1-a-a1 after 3 attempt(s): gave up after 3 attempts" in out
    assert "500" in out and "run 'careerconv retry'" in out

    jira.state.faults.clear()
    code, out = cli(capsys, monkeypatch, home, now, "retry")
    assert (code, out.strip()) == (0, "1 failed entry queued again")
    assert "1 pending, 0 failed" in cli(capsys, monkeypatch, home, now, "status")[1]
    code, out = cli(capsys, monkeypatch, home, now, "dispatch")
    assert code == 0 and "jira       delivered 1" in out
    assert len(jira.by_label("careerconv-cc-f1-a-a1")) == 1
    assert "0 pending, 0 failed" in cli(capsys, monkeypatch, home, now, "status")[1]


def test_an_unset_jira_token_holds_back_only_the_tickets(
    tmp_path: Path,
    jira: FakeJira,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira), attempts=3)
    fill(home)
    monkeypatch.delenv(JIRA_ENV)
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "Traceback" not in out
    [ticket] = entries(home, Channel.TRACKER)
    assert ticket.status is OutboxStatus.PENDING and JIRA_ENV in ticket.last_error
    others = entries(home, Channel.CALENDAR) + entries(home, Channel.NOTIFIER)
    assert others and all(e.status is OutboxStatus.DELIVERED for e in others)
    assert jira.requests() == []  # nothing was sent without a token


def test_jira_sync_tickets_never_deletes_what_was_not_made_and_advises_resync(
    tmp_path: Path,
    jira: FakeJira,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jira.state.search_lag = 600.0  # Cloud's index does not see the new issue during this test
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira, state_directory="jira"), attempts=3)
    fill(home)
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")  # before any dispatch
    # The pending ticket is pushed first (created), then read by its id, not found missing.
    assert code == 0 and "pushed careerconv's changes first: delivered 1" in out
    assert "1 ticket(s) read, 0 deleted" in out
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "jira       delivered" not in out and len(jira.state.issues) == 1
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")  # inside the lag window
    assert code == 0 and "1 ticket(s) read, 0 deleted" in out
    [issue] = jira.state.issues
    jira.delete_issue(issue)  # now really deleted in Jira
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")
    assert code == 0 and "1 ticket(s) read, 1 deleted" in out
    code, out = cli(capsys, monkeypatch, home, LATER, "action", "done", "r1:a1")
    assert code == 0
    cli(capsys, monkeypatch, home, LATER, "dispatch")
    code, out = cli(capsys, monkeypatch, home, LATER, "status")
    assert "ticket deleted in Jira" in out
    assert "careerconv action resync REPORT:ACTION" in out
    assert "run 'careerconv retry'" not in out
    assert jira.state.issues == {}


def test_jira_429_retry_after_is_honoured_and_shown(
    tmp_path: Path,
    jira: FakeJira,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira), attempts=5)
    fill(home)
    jira.fail(429, times=1000, retry_after="900")
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "jira       delivered 0, unchanged 0, retrying 1" in out
    [ticket] = entries(home, Channel.TRACKER)
    assert ticket.status is OutboxStatus.PENDING
    assert ticket.next_attempt_at - LATER >= timedelta(seconds=900)  # never sooner than asked
    assert "429" in ticket.last_error or "rate" in ticket.last_error.lower()
    code, out = cli(capsys, monkeypatch, home, LATER, "status")
    assert "1 pending, 0 failed" in out and f"pending {ticket.id} tracker:cc-f1-a-a1 attempt 2" in out
    assert ticket.last_error in out
    # Before the Retry-After has passed, nothing is claimed.
    asked = len(jira.requests())
    cli(capsys, monkeypatch, home, LATER + timedelta(seconds=600), "dispatch")
    assert len(jira.requests()) == asked
    jira.state.faults.clear()
    code, out = cli(capsys, monkeypatch, home, ticket.next_attempt_at, "dispatch")
    assert "jira       delivered 1" in out
    assert len(jira.by_label("careerconv-cc-f1-a-a1")) == 1


def test_jira_that_does_not_answer_in_time_is_retried(
    tmp_path: Path,
    jira: FakeJira,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira), attempts=3)
    fill(home)
    jira.slow(2.5, times=1, match="/search")
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "retrying 1" in out
    [ticket] = entries(home, Channel.TRACKER)
    assert ticket.status is OutboxStatus.PENDING and ticket.attempts == 1
    assert ticket.last_error and jira.state.token not in ticket.last_error
    code, out = cli(capsys, monkeypatch, home, ticket.next_attempt_at, "dispatch")
    assert "jira       delivered 1" in out
    assert len(jira.by_label("careerconv-cc-f1-a-a1")) == 1


# ---------------------------------------------------------- calendar faults
class FaultyProxy:
    """An HTTP proxy in front of a CalDAV server: ``mode`` is ``pass``, ``503`` or ``drop``."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.removeprefix("http://").split("/")[0]
        self.mode = "pass"
        self.seen = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                proxy.seen += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if proxy.mode == "drop":
                    # Close without a word: the client sees the connection reset.
                    linger_off = b"\x01\x00\x00\x00\x00\x00\x00\x00"  # l_onoff=1, l_linger=0: RST
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_off)
                    self.close_connection = True
                    self.connection.close()
                    return
                if proxy.mode == "503":
                    self.send_response(503)
                    self.send_header("Retry-After", "1200")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(proxy.upstream, timeout=10)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("transfer-encoding", "content-length", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCALENDAR = do_OPTIONS = _any  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _invites(home: Path) -> list[Any]:
    return entries(home, Channel.CALENDAR)


@pytest.mark.parametrize("mode", ["503", "drop"])
def test_caldav_503_or_dropped_connection_is_retried_then_delivered(
    mode: str,
    tmp_path: Path,
    radicale: CalendarServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CALDAV_ENV, radicale.password)
    with FaultyProxy(radicale.base_url) as proxy:
        url = f"{proxy.url}/{radicale.user}/faults-{mode}/"
        home = write_home(tmp_path / "home", caldav_table(url), FILES_TRACKER, attempts=4)
        fill(home, review=False)
        proxy.mode = mode
        code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
        assert code == 0 and "caldav     delivered 0, unchanged 0, retrying 3" in out
        assert "Traceback" not in out and radicale.password not in out
        invites = _invites(home)
        assert {e.status for e in invites} == {OutboxStatus.PENDING}
        if mode == "503":  # the server's Retry-After (20 min) beats the 30 s backoff
            assert all(e.next_attempt_at - LATER >= timedelta(seconds=1200) for e in invites)
        assert all("503" in e.last_error if mode == "503" else e.last_error for e in invites)
        status = cli(capsys, monkeypatch, home, LATER, "status")[1]
        assert "3 pending" in status and invites[0].last_error in status
        proxy.mode = "pass"
        code, out = cli(capsys, monkeypatch, home, LATER + timedelta(hours=1), "dispatch")
        assert "caldav     delivered 3" in out
    collection = radicale.folder / "collections" / "collection-root" / radicale.user / f"faults-{mode}"
    assert len(list(collection.glob("*.ics"))) == 3


def test_a_stopped_caldav_server_dead_letters_with_the_host_in_the_reason(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CALDAV_ENV, "x")
    port = free_port()  # nobody listens there: a stopped server
    home = write_home(
        tmp_path / "home", caldav_table(f"http://127.0.0.1:{port}/mara/c/"), FILES_TRACKER, attempts=2
    )
    fill(home, review=False)
    now = LATER
    for _ in range(2):
        assert cli(capsys, monkeypatch, home, now, "dispatch")[0] == 0
        now += timedelta(hours=2)
    invites = _invites(home)
    assert {e.status for e in invites} == {OutboxStatus.FAILED}
    reason = invites[0].last_error
    assert reason.startswith("gave up after 2 attempts") and f"127.0.0.1:{port}" in reason
    status = cli(capsys, monkeypatch, home, now, "status")[1]
    assert "0 pending, 3 failed" in status and reason in status
    code, out = cli(capsys, monkeypatch, home, now, "retry", invites[0].id)
    assert (code, out.strip()) == (0, "1 failed entry queued again")
    assert "1 pending, 2 failed" in cli(capsys, monkeypatch, home, now, "status")[1]


# -------------------------------------------------------------- store faults
def test_a_store_failing_between_plan_and_outbox_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = write_home(tmp_path / "home", ICS_TABLE, FILES_TRACKER)
    plan_id = fill(home, review=False)
    db = home / "careerconv.db"

    def snapshot() -> tuple[list[Any], ...]:
        with sqlite3.connect(db) as conn:
            return tuple(
                conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608 - ours
                for t in ("plans", "due", "outbox", "people")
            )

    before = snapshot()
    written: list[str] = []
    original = SqliteStore._write_plans

    def plans_then_fail(self: SqliteStore, conn: sqlite3.Connection, plans: Any) -> None:
        original(self, conn, plans)
        written.append("plans")  # the plan row is written inside the transaction...
        raise sqlite3.OperationalError("disk I/O error")  # ...and the outbox write fails

    monkeypatch.setattr(SqliteStore, "_write_plans", plans_then_fail)
    app = App.load(home)
    clock = FixedClock(T0 + timedelta(hours=1))
    svc = Services(app.store, clock, SequentialIds("g"), app.settings)
    now = clock()
    with pytest.raises(AdapterError, match="commit failed") as caught:
        svc.place_conversations(
            plan_id,
            "m1",
            {
                ConversationKind.PINNACLE: (now + timedelta(days=2), now + timedelta(days=2, hours=1)),
            },
        )
    app.close()
    assert written == ["plans"] and "disk I/O error" in str(caught.value)
    assert snapshot() == before  # not the plan, not its due rows, not one outbox entry
    monkeypatch.undo()
    # The store still works, and the same step now commits whole.
    app = App.load(home)
    svc = Services(app.store, clock, SequentialIds("h"), app.settings)
    svc.place_conversations(
        plan_id,
        "m1",
        {
            ConversationKind.PINNACLE: (now + timedelta(days=2), now + timedelta(days=2, hours=1)),
        },
    )
    assert app.store.load_plan(plan_id).version == before[0][0][4] + 1
    app.close()
    assert len(snapshot()[2]) == len(before[2]) + 1


# --------------------------------------------------------------- disk full
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 256 KiB tmpfs (we run as root); None when mounting is not allowed here."""
    target = tmp_path / "tiny"
    target.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(target)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    yield target if mounted else None
    if mounted:
        subprocess.run(["umount", str(target)], check=False)


def test_a_full_disk_under_the_ics_folder_is_retried_then_delivered(
    tmp_path: Path,
    tiny_disk: Path | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    folder = tiny_disk or tmp_path / "invites"
    table = f'[[calendar]]\nadapter = "ics"\nsettings = {{ directory = "{folder}" }}'
    write_home(home, table, FILES_TRACKER)
    fill(home, review=False)
    if tiny_disk is not None:
        ballast = tiny_disk / "ballast"
        with contextlib.suppress(OSError), ballast.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
    else:  # no mount allowed: the file-write boundary answers ENOSPC instead

        def full(*_a: Any, **_k: Any) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("careerconv_plugins.ics.adapter.write_atomic", full)
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "ics        delivered 0, unchanged 0, retrying 3" in out
    invites = _invites(home)
    assert all("No space left on device (ENOSPC)" in e.last_error for e in invites)
    assert not list((folder / "invites").glob("*.ics"))  # no half-written invite
    assert not list(folder.rglob("*.tmp"))  # and no temporary file left behind
    status = cli(capsys, monkeypatch, home, LATER, "status")[1]
    assert "3 pending" in status and "ENOSPC" in status
    if tiny_disk is not None:
        (tiny_disk / "ballast").unlink()
    else:
        monkeypatch.undo()
        monkeypatch.setenv("CAREERCONV_NOW", LATER.isoformat())
    code, out = cli(capsys, monkeypatch, home, LATER + timedelta(hours=1), "dispatch")
    assert "ics        delivered 3" in out
    assert len(list((folder / "invites").glob("*.ics"))) == 3


# ------------------------------------------------- an org sync cut short
def test_an_org_sync_cut_short_after_storing_people_still_starts_the_handoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the SCIM crash test: people were committed before the handoffs, so a crash in
    between lost the handoff for good (the repeat saw no manager change left to act on)."""
    from careerconv_core import serialization
    from careerconv_core.ports import OrgSnapshot
    from careerconv_core.views import NoticeKind, NoticeView

    home = write_home(tmp_path / "home", ICS_TABLE, FILES_TRACKER)
    plan_id = fill(home, review=False)
    moved = tuple(attrs_evolve(p, manager_id="m2") if p.id == "r1" else p for p in PEOPLE)
    app = App.load(home)
    svc = Services(app.store, FixedClock(T0 + timedelta(days=1)), SequentialIds("k"), app.settings)

    def crash(*_a: Any, **_k: Any) -> Any:
        raise KeyboardInterrupt  # the process dies here, as far as the store can tell

    monkeypatch.setattr(Services, "manager_changed", crash)
    with pytest.raises(KeyboardInterrupt):
        svc.sync_org(OrgSnapshot(moved), complete=True)
    monkeypatch.undo()
    svc.sync_org(OrgSnapshot(moved), complete=True)  # the repeat
    svc.sync_org(OrgSnapshot(moved), complete=True)  # and once more: nothing new
    plan = app.store.load_plan(plan_id)
    asks = [
        e
        for e in app.store.outbox()
        if e.channel is Channel.NOTIFIER
        and serialization.loads(e.payload, NoticeView).kind is NoticeKind.CONSENT_REQUEST
    ]
    assert app.store.load_person("r1").manager_id == "m2"
    assert len(plan.handoffs) == 1 and plan.handoffs[0].new_manager_id == "m2"
    assert len(asks) == 1
    app.close()
