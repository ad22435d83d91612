"""All-day and out-of-office events in Google free/busy, as Google's freeBusy reports them.

Google computes free/busy itself: a transparent event is not busy (and an
all-day event made in the Calendar UI is "free", transparent, unless the
person chose "busy"), an out-of-office event is busy, a working location is
not, and an all-day date is a day of the calendar it is on, in that calendar's
zone. The adapter takes the answer as it is; these tests pin that it does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from careerconv_plugins.google.adapter import GoogleCalendar
from fakes.fake_google import FakeGoogle
from support.invites import MANAGER, REPORT

Build = Callable[..., GoogleCalendar]
NEW_YORK = ZoneInfo("America/New_York")
RAVI = REPORT.email  # America/New_York


def _day(year: int, month: int, day: int, days: int = 1) -> tuple[datetime, datetime]:
    first = datetime(year, month, day, tzinfo=NEW_YORK)
    last = datetime.combine(first.date() + timedelta(days=days), first.time(), tzinfo=NEW_YORK)
    return first.astimezone(UTC), last.astimezone(UTC)


def _busy(build: Build, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    report = build().busy([MANAGER, REPORT], start, end)
    assert report.available, report.reason
    return [(s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in report.busy["r1"]]


def test_an_all_day_event_shown_as_busy_blocks_the_persons_own_days(fake: FakeGoogle, build: Build) -> None:
    fake.state.time_zones[RAVI] = "America/New_York"
    # 31 October to 1 November 2026: New York falls back on the 1st, a 25-hour day.
    fake.person_adds(RAVI, "Away", {"date": "2026-10-31"}, {"date": "2026-11-02"}, transparency="opaque")
    start = datetime(2026, 10, 29, tzinfo=NEW_YORK)
    [(first, last)] = _busy(build, start, start + timedelta(days=7))
    assert (first, last) == _day(2026, 10, 31, days=2)
    assert last - first == timedelta(hours=49)


def test_an_all_day_event_made_free_stays_free(fake: FakeGoogle, build: Build) -> None:
    fake.state.time_zones[RAVI] = "America/New_York"
    event_id = fake.person_adds(RAVI, "Birthday", {"date": "2026-12-03"}, {"date": "2026-12-04"})
    assert fake.events_of(RAVI)[event_id]["transparency"] == "transparent"  # the UI's default
    fake.person_adds(
        RAVI,
        "Home",
        {"date": "2026-12-04"},
        {"date": "2026-12-05"},
        eventType="workingLocation",
        workingLocationProperties={"type": "homeOffice", "homeOffice": {}},
    )
    start = datetime(2026, 12, 1, tzinfo=NEW_YORK)
    assert _busy(build, start, start + timedelta(days=7)) == []


def test_out_of_office_is_busy(fake: FakeGoogle, build: Build) -> None:
    fake.state.time_zones[RAVI] = "America/New_York"
    # Google's out-of-office is timed: a whole day of it is midnight to midnight in the person's zone.
    day = _day(2026, 12, 8)
    fake.person_adds(
        RAVI,
        "Out of office",
        {"dateTime": day[0].isoformat(), "timeZone": "America/New_York"},
        {"dateTime": day[1].isoformat(), "timeZone": "America/New_York"},
        eventType="outOfOffice",
        transparency="opaque",
    )
    start = datetime(2026, 12, 7, tzinfo=NEW_YORK)
    assert _busy(build, start, start + timedelta(days=3)) == [day]


def test_the_same_date_is_a_different_day_in_another_zone(fake: FakeGoogle, build: Build) -> None:
    """An all-day date is read in the calendar's zone, so UTC's day would be wrong for New York."""
    fake.state.time_zones[RAVI] = "America/New_York"
    fake.person_adds(RAVI, "Away", {"date": "2026-12-03"}, {"date": "2026-12-04"}, transparency="opaque")
    start = datetime(2026, 12, 1, tzinfo=UTC)
    assert _busy(build, start, start + timedelta(days=7)) == [
        (datetime(2026, 12, 3, 5, tzinfo=UTC), datetime(2026, 12, 4, 5, tzinfo=UTC))
    ]
