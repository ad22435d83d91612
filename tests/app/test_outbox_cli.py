"""``dispatch`` and ``status`` when another dispatcher holds entries or the store."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from careerconv.app import App
from support.cli import NOW, Cli
from tests_support_paths import EXAMPLES


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    runner("propose", "jonas")
    yield runner


def crashed_dispatcher(home: Path, lease_minutes: int = 5) -> int:
    """Claim every due entry as a dispatcher would, then stop without saving (a crash)."""
    app = App.load(home)
    try:
        now = datetime.fromisoformat(NOW)
        return len(app.store.claim_outbox(now, 100, now + timedelta(minutes=lease_minutes)))
    finally:
        app.close()


def test_entries_a_crashed_dispatcher_holds_are_shown_with_when_they_free_up(cli: Cli) -> None:
    claimed = crashed_dispatcher(cli.home)
    assert claimed >= 1
    out = cli("dispatch")
    assert "nothing to deliver now:" in out
    assert f"{claimed} entr" in out and "out with another dispatcher until 2027-01-04 08:05Z" in out
    status = cli("status")
    assert (
        f"outbox: {claimed} pending" in status and "out with a dispatcher until 2027-01-04 08:05Z" in status
    )
    cli.now("2027-01-04T08:06:00+00:00")  # the lease ran out: the entries are free again
    assert "delivered" in cli("dispatch")
    assert "0 pending, 0 failed" in cli("status")


def test_an_entry_waiting_for_its_next_attempt_is_named_by_dispatch(cli: Cli) -> None:
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    config = cli.home / "careerconv.toml"
    text = config.read_text()
    config.write_text(
        text.replace('[[calendar]]\nadapter = "ics"\nsettings = { directory = "invites" }\n', "")
    )
    assert "3 entries wait for an adapter that is not configured" in cli("dispatch")
    out = cli("dispatch")
    assert "nothing to deliver now:" in out and "3 entries wait for a later attempt, the first at" in out


def test_dispatch_loop_waits_while_another_writer_holds_the_store(cli: Cli) -> None:
    holder = sqlite3.connect(cli.home / "careerconv.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process's write transaction, held for a while
    released = threading.Timer(6.0, holder.execute, args=("COMMIT",))
    released.start()
    try:
        out = cli("dispatch", "--loop", "--runs", "1", "--interval", "0.2")
    finally:
        released.join()
        holder.close()
    assert "locked by another writer" in out and "trying again in 0.2 s" in out
    assert "delivered 1" in out  # it waited, then went on
    assert "0 pending, 0 failed" in cli("status")
