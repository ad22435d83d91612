"""A manager change on a real CalDAV server (M12, M13): each event stays its organizer's.

Radicale and Xandikos run on 127.0.0.1. Priya's three conversations are
placed by Maya; the org then says Priya reports to Daniel and Priya agrees to
share her plan. What a calendar client sees on the server: Maya cancels her
own events, to the people she invited (Daniel was never on them), with a
higher SEQUENCE; Daniel's conversations on the full path are new events with
new UIDs, organised by him. Nothing is reused, so no SEQUENCE starts again.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import icalendar
import pytest

from servers.calendars import CalendarServer
from support.caldav import events
from support.cli import Cli
from tests_support_paths import EXAMPLES

pytestmark = pytest.mark.servers
ENV = "TEST_HANDOFF_CALDAV_PASSWORD"
MAYA, DANIEL, PRIYA = "maya.okafor@example.com", "daniel.reyes@example.com", "priya.natarajan@example.com"


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> CalendarServer:
    found = request.getfixturevalue(request.param)
    assert isinstance(found, CalendarServer)
    return found


def caldav_home(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: CalendarServer,
    on_cancel: str,
) -> tuple[Cli, str]:
    url = f"{server.home_url}handoff-{uuid.uuid4().hex[:10]}/"
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    settings = f'url = "{url}", timeout = "10", on_cancel = "{on_cancel}"'
    if server.password:
        monkeypatch.setenv(ENV, server.password)
        settings += f', user = "{server.user}", password_env = "{ENV}"'
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text().replace(
            '[[calendar]]\nadapter = "ics"\nsettings = { directory = "invites" }',
            f'[[calendar]]\nadapter = "caldav"\nsettings = {{ {settings} }}',
        )
    )
    assert "caldav" in config.read_text()
    return cli, url


def organizer(event: icalendar.Event) -> str:
    return str(event["ORGANIZER"]).lower().removeprefix("mailto:")


def attendees(event: icalendar.Event) -> set[str]:
    raw = event.get("ATTENDEE", [])
    return {str(a).lower().removeprefix("mailto:") for a in (raw if isinstance(raw, list) else [raw])}


@pytest.mark.parametrize("on_cancel", ["cancel", "delete"])
def test_the_old_manager_cancels_their_events_and_the_new_one_places_new_ones(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: CalendarServer,
    on_cancel: str,
) -> None:
    cli, url = caldav_home(tmp_path, capsys, monkeypatch, server, on_cancel)
    cli("org", "import", str(EXAMPLES / "org.toml"))
    cli("propose", "priya")
    cli("accept", "priya")
    cli("ready", "priya")
    cli("schedule", "priya", "--start", "2027-01-05")
    cli("dispatch")
    before = events(url, server)
    assert len(before) == 3
    assert {organizer(e) for e in before.values()} == {MAYA}

    assert "asked for consent first (M12)" in cli("org", "import", str(EXAMPLES / "org-later.toml"))
    cli("handoff", "consent", "priya", "yes")  # the report's answer, as the report
    cli("dispatch")
    after = events(url, server)
    if on_cancel == "delete":
        assert not set(after) & set(before), "the old manager's events are gone from the calendar"
    else:
        assert set(after) == set(before)
        for uid, old in before.items():
            now = after[uid]
            assert str(now["STATUS"]).upper() == "CANCELLED"
            assert organizer(now) == MAYA, "cancelled by its own organizer (RFC 5546)"
            assert attendees(now) == attendees(old) == {MAYA, PRIYA}
            assert int(now["SEQUENCE"]) > int(old.get("SEQUENCE", 0))

    cli("handoff", "path", "priya", "full", "--as", "daniel")
    cli("opt-in", "priya")  # a new start: her own yes, and the new manager's trust gate (M1, M2)
    cli("ready", "priya", "--as", "daniel")
    cli.now("2027-01-18T08:00:00+00:00")
    cli("schedule", "priya", "--start", "2027-01-19")
    cli("dispatch")
    final = events(url, server)
    new = {uid: e for uid, e in final.items() if uid not in before}
    assert len(new) == 3, "the new manager's conversations are new events"
    for event in new.values():
        assert organizer(event) == DANIEL
        assert attendees(event) == {DANIEL, PRIYA}
        assert str(event.get("STATUS", "CONFIRMED")).upper() != "CANCELLED"
    for uid in set(final) & set(before):  # Maya's cancellations are left as they were
        assert organizer(final[uid]) == MAYA and final[uid]["SEQUENCE"] == after[uid]["SEQUENCE"]
    assert "0 pending, 0 failed" in cli("status")


def test_continue_with_the_plan_places_the_check_ins_again_with_the_new_manager(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: CalendarServer,
) -> None:
    cli, url = caldav_home(tmp_path, capsys, monkeypatch, server, "cancel")
    cli("org", "import", str(EXAMPLES / "org.toml"))
    cli("propose", "priya")
    cli("accept", "priya")
    cli("ready", "priya")
    cli("schedule", "priya", "--start", "2027-01-05")
    records = tmp_path / "records"
    records.mkdir()
    for name in ("life-story", "pinnacle-manager", "pinnacle-report", "grow"):
        text = (EXAMPLES / "records" / f"jonas-{name}.toml").read_text()
        (records / f"{name}.toml").write_text(text.replace('"jonas"', '"priya"'))
    cli.now("2027-01-20T08:00:00+00:00")
    cli("record", "priya", "life_story", "--file", str(records / "life-story.toml"))
    cli("record", "priya", "pinnacle", "--file", str(records / "pinnacle-manager.toml"))
    cli("record", "priya", "pinnacle", "--file", str(records / "pinnacle-report.toml"), "--as", "priya")
    cli("record", "priya", "grow", "--file", str(records / "grow.toml"))
    cli.now("2027-01-25T08:00:00+00:00")
    assert "followups.scheduled" in cli("record", "priya", "grow_review")
    cli("dispatch")
    check_ins = {u: e for u, e in events(url, server).items() if "followup" in u}
    assert check_ins and {organizer(e) for e in check_ins.values()} == {MAYA}

    cli("org", "import", str(EXAMPLES / "org-later.toml"))
    cli("handoff", "consent", "priya", "yes")
    cli("handoff", "path", "priya", "continue", "--as", "daniel")
    cli("dispatch")
    final = events(url, server)
    for uid, old in check_ins.items():
        assert str(final[uid]["STATUS"]).upper() == "CANCELLED" and organizer(final[uid]) == MAYA
        assert int(final[uid]["SEQUENCE"]) > int(old.get("SEQUENCE", 0))
    placed = {u: e for u, e in final.items() if "followup" in u and u not in check_ins}
    assert placed, "M13 continue: the monthly check-ins are on the calendar again"
    for event in placed.values():
        assert organizer(event) == DANIEL and attendees(event) == {DANIEL, PRIYA}
    due = cli("due", "--manager", "daniel", "--on", "2027-06-30")
    assert "check_in" in due
