"""Schedule, move, pause and cancel from the CLI; the CalDAV calendar ends up consistent (issue 4).

Radicale and Xandikos run on 127.0.0.1; careerconv writes to a calendar of
this test's own through the caldav adapter, and the test reads the server's
collection back over plain WebDAV to see what a calendar client would see.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from servers.calendars import CalendarServer
from support.caldav import events
from support.cli import Cli
from tests_support_paths import EXAMPLES

pytestmark = pytest.mark.servers
ENV = "TEST_FLOW_CALDAV_PASSWORD"


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> CalendarServer:
    found = request.getfixturevalue(request.param)
    assert isinstance(found, CalendarServer)
    return found


@pytest.fixture
def caldav_cli(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: CalendarServer,
) -> tuple[Cli, str, CalendarServer]:
    url = f"{server.home_url}career-{uuid.uuid4().hex[:10]}/"
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    settings = f'url = "{url}", timeout = "10"'
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
    cli("org", "import", str(EXAMPLES / "org.toml"))
    for report in ("jonas", "aylin"):
        cli("propose", report)
        cli("accept", report, "--as", report)
        cli("ready", report)
    return cli, url, server


def test_schedule_move_pause_and_decline_keep_the_calendar_consistent(
    caldav_cli: tuple[Cli, str, CalendarServer],
) -> None:
    cli, url, server = caldav_cli
    cli("schedule", "--team", "maya", "--start", "2027-01-05")
    out = cli("dispatch")
    assert "caldav     delivered 6" in out
    first = events(url, server)
    assert len(first) == 6
    assert "nothing to deliver" in cli("dispatch")  # a re-run writes nothing

    jonas_pinnacle = [u for u, e in first.items() if "pinnacle" in u and "jonas" in str(e.get("ATTENDEE"))]
    assert len(jonas_pinnacle) == 1
    uid = jonas_pinnacle[0]
    review_uid = uid.replace("pinnacle", "grow_review")
    new_start = first[review_uid].decoded("DTSTART")
    cli("reschedule", "jonas", "pinnacle", "--to", new_start.isoformat(), "--shift-later")
    assert "caldav     delivered" in cli("dispatch")
    moved = events(url, server)
    assert len(moved) == 6
    assert moved[uid].decoded("DTSTART") == new_start
    assert int(moved[uid]["SEQUENCE"]) == int(first[uid].get("SEQUENCE", 0)) + 1
    assert moved[review_uid].decoded("DTSTART") > new_start

    cli("pause", "aylin", "--as", "aylin")
    cli("decline", "jonas", "--as", "jonas")
    cli("dispatch")
    left = events(url, server)
    # Cancelled meetings are deleted, or kept as CANCELLED, as configured; never left as they were.
    for event in left.values():
        assert str(event.get("STATUS", "")).upper() == "CANCELLED"
    assert "0 pending, 0 failed" in cli("status")
