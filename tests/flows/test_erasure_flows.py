"""``person erase`` end to end: what careerconv delivered is called back where an adapter can take it back.

The report shares an HR summary and the goal on tickets, each delivered (to the
embedded file writer and to BambooHR, the stateful fake in tests/fakes), then
asks to be erased: the plan's key is destroyed, the HR record is withdrawn, the
goal comes off every ticket, the meetings are cancelled, and what cannot be
called back (mail that was sent, the tickets' actions) is listed. The goal is
then in no byte of the store, its WAL or any file careerconv wrote.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from flows.test_hr_consent import Record, bamboo, hr, to_conversation_3
from servers import postgres_fixtures
from support.cli import Cli

postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn
__all__ = ["bamboo", "hr", "postgres_dsn", "postgres_server"]

GOAL = "Become a VP of Engineering"


def _bytes_of(folder: Path, *names: str) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for name in names for p in folder.rglob(name) if p.is_file()}


def test_erasure_withdraws_the_hr_record_and_takes_the_goal_off_tickets(hr: tuple[Cli, Record]) -> None:
    cli, record = hr
    to_conversation_3(cli)
    cli("consent", "jonas", "--summary-to-hris", "--goal-in-summary", "--goal-on-tickets", "--as", "jonas")
    cli("dispatch")
    sent = record()
    assert sent is not None and GOAL in sent
    tickets = _bytes_of(cli.home / "tickets", "*")
    assert any(GOAL.encode() in data for data in tickets.values())

    out = cli("person", "erase", "jonas", "--yes")
    assert "hris hris:" in out and "record withdrawn" in out
    assert "goal removed; the action stays" in out
    assert "cannot be called back by careerconv" in out  # the mail that was sent
    cli("dispatch")

    assert record() is None, "the erasure withdrew the HR record"
    for path, data in _bytes_of(cli.home / "tickets", "*").items():
        assert GOAL.encode() not in data, path
    for path, data in _bytes_of(cli.home, "careerconv.db*").items():
        assert GOAL.encode() not in data and b"Jonas Weber" not in data, path
    trail = cli("audit", "jonas", "--verify")
    assert "every link checked" in trail
    assert "erasure: to careerconv" in trail and "hr_retraction" in trail


def test_erasure_on_postgresql_says_what_the_database_keeps(
    postgres_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    config = cli.home / "careerconv.toml"
    sqlite = 'adapter = "sqlite"\nsettings = { path = "careerconv.db", key_file = "careerconv.key" }'
    assert sqlite in config.read_text()
    postgres = f'adapter = "postgres"\nsettings = {{ dsn = "{postgres_dsn}", key_file = "careerconv.key" }}'
    config.write_text(config.read_text().replace(sqlite, postgres))
    to_conversation_3(cli)
    out = cli("person", "erase", "jonas", "--yes")
    assert "PostgreSQL:" in out and "write-ahead log (pg_wal)" in out, out
    assert "rotate the master key" in out
    with psycopg.connect(postgres_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM people WHERE id = 'jonas'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM plans").fetchone() == (0,)


def test_erasure_on_sqlite_says_what_backups_keep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    to_conversation_3(cli)
    out = cli("person", "erase", "jonas", "--yes")
    assert "SQLite: the file and its WAL are vacuumed" in out and "PostgreSQL" not in out
