"""Free/busy of all-day and out-of-office events, against real Radicale and Xandikos.

Each test puts a person's own events into a calendar of its own, as their
calendar program would, and asks ``busy()`` for a person in a zone far from
UTC, so that a date read in UTC instead of the person's zone shows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests
from attrs import define

from careerconv_core.views import Participant
from careerconv_plugins.caldav.adapter import CalDavCalendar, from_settings
from servers.calendars import CalendarServer

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_CALDAV_PASSWORD"
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
RAVI = Participant("r1", "Ravi Report", "ravi@example.com", "America/New_York")
MARA = Participant("m1", "Mara Manager", "mara@example.com", "Europe/Berlin")


@define
class Calendar:
    """A calendar of this test's own on a server."""

    server: CalendarServer
    url: str

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.server.user, self.server.password) if self.server.password else None

    def put(self, uid: str, lines: str) -> None:
        text = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//calendar//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:{uid}\r\n"
            + "".join(f"{line}\r\n" for line in lines.strip().splitlines())
            + "END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        response = requests.put(
            f"{self.url}{uid}.ics",
            data=text.encode(),
            auth=self.auth,
            headers={"Content-Type": "text/calendar"},
            timeout=5,
        )
        assert response.status_code in (201, 204), response.text

    def backend(self) -> CalDavCalendar:
        settings = {"url": self.url, "timeout": "5", "busy_urls": self.url}
        environ = {}
        if self.server.password:
            settings |= {"user": self.server.user, "password_env": ENV}
            environ = {ENV: self.server.password}
        return from_settings(settings, environ=environ)


@pytest.fixture(params=["radicale", "xandikos"])
def calendar(request: pytest.FixtureRequest) -> Calendar:
    server = request.getfixturevalue(request.param)
    assert isinstance(server, CalendarServer)
    made = Calendar(server, f"{server.home_url}busy-{uuid.uuid4().hex[:12]}/")
    response = requests.request("MKCALENDAR", made.url, auth=made.auth, timeout=5)
    assert response.status_code == 201
    return made


def _local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def _spans(
    calendar: Calendar, person: Participant, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Busy and away time together: both block (which is which is checked where it matters)."""
    report = calendar.backend().busy([person], start, end)
    assert report.available, report.reason
    spans = [*report.busy[person.person_id], *report.away[person.person_id]]
    return sorted((s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in spans)


def _day(zone: ZoneInfo, year: int, month: int, day: int, days: int = 1) -> tuple[datetime, datetime]:
    first = _local(zone, year, month, day)
    last = datetime.combine(first.date() + timedelta(days=days), first.time(), tzinfo=zone)
    return first.astimezone(UTC), last.astimezone(UTC)


def test_an_all_day_event_blocks_the_persons_own_day(calendar: Calendar) -> None:
    calendar.put("off", "DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261204")
    week = _local(NEW_YORK, 2026, 11, 30), _local(NEW_YORK, 2026, 12, 7)
    # New York's 3 December, 05:00 to 05:00 UTC: not UTC's 3 December (19:00 the evening before).
    assert _spans(calendar, RAVI, *week) == [_day(NEW_YORK, 2026, 12, 3)]


def test_an_all_day_event_without_an_end_is_one_day(calendar: Calendar) -> None:
    calendar.put("off", "DTSTART;VALUE=DATE:20261210")
    week = _local(NEW_YORK, 2026, 12, 7), _local(NEW_YORK, 2026, 12, 14)
    assert _spans(calendar, RAVI, *week) == [_day(NEW_YORK, 2026, 12, 10)]


def test_days_off_across_a_dst_change_block_each_whole_local_day(calendar: Calendar) -> None:
    # Berlin moves its clocks on 28 March 2027: that day has 23 hours, and all of them are busy.
    calendar.put("leave", "DTSTART;VALUE=DATE:20270326\nDTEND;VALUE=DATE:20270330")
    window = _local(BERLIN, 2027, 3, 22), _local(BERLIN, 2027, 4, 2)
    [(start, end)] = _spans(calendar, MARA, *window)
    assert (start, end) == _day(BERLIN, 2027, 3, 26, days=4)
    assert end - start == timedelta(days=4, hours=-1)
    # New York's fall-back day has 25 hours.
    calendar.put("autumn", "DTSTART;VALUE=DATE:20261101\nDTEND;VALUE=DATE:20261102")
    window = _local(NEW_YORK, 2026, 10, 30), _local(NEW_YORK, 2026, 11, 3)
    [(start, end)] = _spans(calendar, RAVI, *window)
    assert end - start == timedelta(hours=25)


def test_a_recurring_all_day_event_blocks_each_of_its_days(calendar: Calendar) -> None:
    calendar.put(
        "fridays", "DTSTART;VALUE=DATE:20261204\nDTEND;VALUE=DATE:20261205\nRRULE:FREQ=WEEKLY;COUNT=3"
    )
    window = _local(NEW_YORK, 2026, 12, 1), _local(NEW_YORK, 2026, 12, 31)
    assert _spans(calendar, RAVI, *window) == [
        _day(NEW_YORK, 2026, 12, 4),
        _day(NEW_YORK, 2026, 12, 11),
        _day(NEW_YORK, 2026, 12, 18),
    ]


def test_a_transparent_all_day_event_stays_free(calendar: Calendar) -> None:
    calendar.put("birthday", "DTSTART;VALUE=DATE:20261205\nDTEND;VALUE=DATE:20261206\nTRANSP:TRANSPARENT")
    calendar.put(
        "free", "DTSTART;VALUE=DATE:20261207\nDTEND;VALUE=DATE:20261208\nX-MICROSOFT-CDO-BUSYSTATUS:FREE"
    )
    window = _local(NEW_YORK, 2026, 12, 4), _local(NEW_YORK, 2026, 12, 9)
    assert _spans(calendar, RAVI, *window) == []


def test_out_of_office_blocks_even_when_marked_transparent(calendar: Calendar) -> None:
    # Outlook's own word: X-MICROSOFT-CDO-BUSYSTATUS wins over TRANSP, as Exchange reads it.
    calendar.put(
        "ooo-day",
        "DTSTART;VALUE=DATE:20261208\nDTEND;VALUE=DATE:20261209\n"
        "TRANSP:TRANSPARENT\nX-MICROSOFT-CDO-BUSYSTATUS:OOF",
    )
    calendar.put(
        "ooo-afternoon",
        "DTSTART;TZID=America/New_York:20261209T130000\nDTEND;TZID=America/New_York:20261209T170000\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:OOF",
    )
    calendar.put("maybe", "DTSTART:20261210T150000Z\nDTEND:20261210T160000Z\nSTATUS:TENTATIVE")
    window = _local(NEW_YORK, 2026, 12, 7), _local(NEW_YORK, 2026, 12, 11)
    assert _spans(calendar, RAVI, *window) == [
        _day(NEW_YORK, 2026, 12, 8),
        (
            _local(NEW_YORK, 2026, 12, 9, 13).astimezone(UTC),
            _local(NEW_YORK, 2026, 12, 9, 17).astimezone(UTC),
        ),
        (datetime(2026, 12, 10, 15, tzinfo=UTC), datetime(2026, 12, 10, 16, tzinfo=UTC)),
    ]


def test_a_floating_time_is_the_persons_wall_clock(calendar: Calendar) -> None:
    calendar.put("dentist", "DTSTART:20261211T090000\nDTEND:20261211T100000")
    window = _local(NEW_YORK, 2026, 12, 11), _local(NEW_YORK, 2026, 12, 12)
    assert _spans(calendar, RAVI, *window) == [
        (
            _local(NEW_YORK, 2026, 12, 11, 9).astimezone(UTC),
            _local(NEW_YORK, 2026, 12, 11, 10).astimezone(UTC),
        )
    ]


def test_with_free_busy_rights_only_a_utc_day_is_widened_to_the_persons_day(
    calendar: Calendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account that may read only free/busy gets the server's free-busy REPORT, which
    places a date in UTC; the person's own day is made busy as well."""
    calendar.put("off", "DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261204")
    calendar.put("short", "DTSTART;VALUE=DATE:20261210")
    backend = calendar.backend()
    monkeypatch.setattr(backend.client, "events_between", lambda *_args: None)  # as a 403 answers
    window = _local(NEW_YORK, 2026, 11, 30), _local(NEW_YORK, 2026, 12, 14)
    report = backend.busy([RAVI], *window)
    assert report.available, report.reason
    assert report.busy["r1"] == ()  # whole days are time away
    spans = [(s.start, s.end) for s in report.away["r1"]]
    # From UTC's 3 December to New York's: the whole of both, nothing of either left free.
    assert spans == [
        (datetime(2026, 12, 3, tzinfo=UTC), _day(NEW_YORK, 2026, 12, 3)[1]),
        (datetime(2026, 12, 10, tzinfo=UTC), _day(NEW_YORK, 2026, 12, 10)[1]),
    ]
    assert backend.client.requests_made["REPORT"] == 1


def _raw_free_busy(calendar: Calendar, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    text = calendar.backend().client.free_busy(calendar.url, start, end)
    assert text is not None
    out = []
    for block in icalendar.Calendar.from_ical(text).walk("VFREEBUSY"):
        raw = block.get("FREEBUSY", [])
        for prop in raw if isinstance(raw, list) else [raw]:
            for first, other in prop.dt if isinstance(prop.dt, list) else [prop.dt]:
                last = other if isinstance(other, datetime) else first + other
                out.append((first.astimezone(UTC), last.astimezone(UTC)))
    return sorted(out)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="Radicale 3 and Xandikos 0.4 compute a free-busy-query's all-day date in UTC, not in "
    "the calendar owner's zone (RFC 4791 leaves it to the server's CALDAV:calendar-timezone, "
    "which neither applies); busy() reads the events instead, or widens the UTC days",
)
def test_the_servers_free_busy_report_places_a_date_in_the_owners_zone(calendar: Calendar) -> None:
    """Kept to notice the day a server gets this right, so the widening can be revisited."""
    calendar.put("off", "DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261204")
    window = _local(NEW_YORK, 2026, 12, 1), _local(NEW_YORK, 2026, 12, 6)
    assert _raw_free_busy(calendar, *window) == [_day(NEW_YORK, 2026, 12, 3)]


def test_what_the_servers_free_busy_report_says_of_ooo_and_a_date_without_an_end(
    calendar: Calendar,
) -> None:
    """The facts busy() works around: a transparent OOF day is left out, and Xandikos gives
    a date without DTEND no length (P0D) where RFC 5545 says one day."""
    calendar.put(
        "ooo",
        "DTSTART;VALUE=DATE:20261208\nDTEND;VALUE=DATE:20261209\nTRANSP:TRANSPARENT\nX-MICROSOFT-CDO-BUSYSTATUS:OOF",
    )
    calendar.put("short", "DTSTART;VALUE=DATE:20261210")
    spans = _raw_free_busy(calendar, datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 12, tzinfo=UTC))
    one_day = (datetime(2026, 12, 10, tzinfo=UTC), datetime(2026, 12, 11, tzinfo=UTC))
    no_length = (datetime(2026, 12, 10, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC))
    assert spans == ([no_length] if calendar.server.name == "xandikos" else [one_day])


def test_days_off_and_out_of_office_are_time_away_and_meetings_are_busy(calendar: Calendar) -> None:
    """Time away is never one of careerconv's own events: the core never cuts it (``BusyReport.away``)."""
    calendar.put("off", "DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261204")
    calendar.put("ooo", "DTSTART:20261204T150000Z\nDTEND:20261204T170000Z\nX-MICROSOFT-CDO-BUSYSTATUS:OOF")
    calendar.put("meeting", "DTSTART:20261207T150000Z\nDTEND:20261207T160000Z")
    window = _local(NEW_YORK, 2026, 11, 30), _local(NEW_YORK, 2026, 12, 9)
    report = calendar.backend().busy([RAVI], *window)
    assert [(s.start, s.end) for s in report.away["r1"]] == [
        _day(NEW_YORK, 2026, 12, 3),
        (datetime(2026, 12, 4, 15, tzinfo=UTC), datetime(2026, 12, 4, 17, tzinfo=UTC)),
    ]
    assert [(s.start, s.end) for s in report.busy["r1"]] == [
        (datetime(2026, 12, 7, 15, tzinfo=UTC), datetime(2026, 12, 7, 16, tzinfo=UTC))
    ]
