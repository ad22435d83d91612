"""``audit``, ``person export``, ``person erase`` and ``maintain`` end to end, on a real SQLite home.

The home is made by ``init`` (encrypted at rest) and its invites go to ``.ics``
files through ``dispatch``; the trail is then tampered with in the database
file itself, behind careerconv's back.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import Cli
from tests_support_paths import EXAMPLES

RECORDS = EXAMPLES / "records"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    runner("propose", "jonas")
    runner("accept", "jonas", "--as", "jonas")
    runner("ready", "jonas")
    runner("schedule", "jonas", "--start", "2027-01-05")
    runner("dispatch")
    yield runner


def _db(cli: Cli) -> Path:
    (found,) = cli.home.glob("*.db")
    return found


def test_audit_shows_each_invite_delivered_and_each_export(cli: Cli) -> None:
    cli("export", "jonas")
    out = cli("audit", "jonas")
    lines = out.splitlines()
    assert sum(" invite plan " in line for line in lines) == 3  # the three conversations
    assert "to ics: meeting time, agenda, attendees; consent: the report's opt-in to the plan (M1)" in out
    assert lines[-1].split(": to ")[1].startswith("maya: the plan page; consent: the current manager")
    assert "every link checked" in cli("audit", "jonas", "--verify")


def test_verify_names_a_record_edited_in_the_file(cli: Cli) -> None:
    conn = sqlite3.connect(_db(cli), isolation_level=None)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("UPDATE audit SET subject_id = 'someone-else' WHERE seq = 2")
    finally:
        conn.close()
    out = cli("audit", "jonas", "--verify", code=1)
    assert "the audit trail is broken at record 2: record 2 was changed after it was written" in out


def test_person_export_writes_the_persons_json_and_plan_page(cli: Cli, tmp_path: Path) -> None:
    cli("record", "jonas", "life_story", "--file", str(RECORDS / "jonas-life-story.toml"))
    out = cli("person", "export", "jonas", "--out", str(tmp_path / "jonas.json"))
    (page,) = tmp_path.glob("jonas.plan-*.html")
    assert page.name in out
    document = json.loads((tmp_path / "jonas.json").read_text(encoding="utf-8"))
    assert document["format"] == "careerconv.subject-export/1"
    assert document["person"]["id"] == "jonas"
    assert document["plans"][0]["life_story"]["notes"]  # the report's own notes: theirs to have
    assert "calendar" in {e["channel"] for e in document["outbox"]}
    assert document["plans"][0]["id"] in page.name and "<html" in page.read_text(encoding="utf-8").lower()
    manager = json.loads(cli("person", "export", "maya"))
    assert manager["plans"] == [] and manager["plans_as_manager"][0]["report_id"] == "jonas"
    assert "life_story" not in json.dumps(manager["plans_as_manager"])
    assert "subject_export" in cli("audit", "jonas")


def test_person_erase_destroys_the_plan_queues_cancels_and_lists_what_left(cli: Cli) -> None:
    cli.monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert "not confirmed; nothing erased" in cli("person", "erase", "jonas", code=2)
    out = cli("person", "erase", "jonas", "--yes")
    assert "erased jonas: 1 plan key(s) destroyed" in out
    assert "calendar calendar:" in out and "event cancelled" in out
    cli("dispatch")
    trail = cli("audit", "jonas", "--verify")  # jonas is gone; the records about them stay, details shredded
    assert "details destroyed with the plan's key" in trail
    assert "erasure: to careerconv: 1 plan(s) destroyed, 3 retraction(s) queued" in trail
    assert "meeting time, agenda, attendees, cancellation" in trail  # the cancellations, sent after
    conn = sqlite3.connect(_db(cli))
    try:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM audit ORDER BY seq")]
        plans = conn.execute("SELECT count(*) FROM plans").fetchone()[0]
        people = conn.execute("SELECT count(*) FROM people WHERE id = 'jonas'").fetchone()[0]
    finally:
        conn.close()
    assert plans == 0 and people == 0
    assert "erasure" in kinds and kinds.index("erasure") < len(kinds) - 1  # cancellations sent after
    calendars = list(cli.home.rglob("*.ics"))
    assert calendars
    for ics in calendars:  # every meeting of jonas's is cancelled (or gone) in every calendar file
        text = ics.read_text(encoding="utf-8")
        assert text.count("BEGIN:VEVENT") == text.count("STATUS:CANCELLED")
    # The sent retractions (they name jonas to the calendars) go at the next maintain, once.
    assert "dropped the sent retractions of 1 erased plan(s)" in cli("maintain", "--months", "6")
    assert "dropped" not in cli("maintain", "--months", "6")
    conn = sqlite3.connect(_db(cli))
    try:
        assert conn.execute("SELECT count(*) FROM outbox WHERE plan_id LIKE '~erased/%'").fetchone()[0] == 0
    finally:
        conn.close()


def test_maintain_erases_plans_ended_long_ago_once(cli: Cli) -> None:
    cli("decline", "jonas", "--as", "jonas")
    cli.now("2027-03-01T08:00:00+00:00")
    assert "would erase 0 plan(s)" in cli("maintain", "--months", "6", "--dry-run")
    cli.now("2027-08-01T08:00:00+00:00")
    assert "would erase 1 plan(s)" in cli("maintain", "--months", "6", "--dry-run")
    assert "erasing 1 plan(s)" in cli("maintain", "--months", "6")
    assert "erasing 0 plan(s)" in cli("maintain", "--months", "6")
    assert "retention" in cli("audit", "jonas")
    assert "plans are kept" in cli("maintain")


def test_maintain_reads_the_retention_setting_and_a_bad_one_is_named(cli: Cli) -> None:
    config = cli.home / "careerconv.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[retention]\nmonths_after_end = 6\n")
    cli("decline", "jonas", "--as", "jonas")
    cli.now("2027-08-01T08:00:00+00:00")
    assert "would erase 1 plan(s) that ended more than 6 month(s) ago" in cli("maintain", "--dry-run")
    config.write_text(
        config.read_text(encoding="utf-8").replace("months_after_end = 6", "months_after_end = -1")
    )
    out = cli("maintain", code=1)
    assert "[retention] months_after_end" in out and "-1" in out and "Traceback" not in out
