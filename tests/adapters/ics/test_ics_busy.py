"""All-day and out-of-office events in a person's ``.ics`` file, and the rule ``ics.busy`` keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from careerconv_core.domain.clock import Interval
from careerconv_core.views import Participant
from careerconv_plugins.ics import busy
from careerconv_plugins.ics.adapter import IcsCalendar

AUCKLAND = ZoneInfo("Pacific/Auckland")
NEW_YORK = ZoneInfo("America/New_York")
KIRI = Participant("k1", "Kiri Report", "kiri@example.com", "Pacific/Auckland")


def _event(lines: str) -> icalendar.Event:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTAMP:20261101T000000Z\r\n"
        + "".join(f"{line}\r\n" for line in lines.strip().splitlines())
        + "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    [event] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return event


def _local_day(zone: ZoneInfo, year: int, month: int, day: int, days: int = 1) -> Interval:
    first = datetime(year, month, day, tzinfo=zone)
    last = datetime.combine(first.date() + timedelta(days=days), first.time(), tzinfo=zone)
    return Interval(first.astimezone(UTC), last.astimezone(UTC))


def test_a_persons_file_with_an_all_day_ooo_and_a_birthday(tmp_path: Path) -> None:
    backend = IcsCalendar(tmp_path / "cal")
    backend.people_dir.mkdir(parents=True)
    backend.person_path("k1").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//EN\r\n"
        "BEGIN:VEVENT\r\nUID:ooo\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261203\r\n"
        "DTEND;VALUE=DATE:20261205\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:birthday\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261207\r\n"
        "DTEND;VALUE=DATE:20261208\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    start = datetime(2026, 11, 30, tzinfo=AUCKLAND)
    report = backend.busy([KIRI], start, start + timedelta(days=14))
    assert report.available, report.reason
    # Auckland's 3 and 4 December: from 11:00 UTC on the 2nd, not from UTC midnight on the 3rd.
    assert report.busy["k1"] == ()
    assert report.away["k1"] == (_local_day(AUCKLAND, 2026, 12, 3, days=2),)
    assert report.away["k1"][0].start == datetime(2026, 12, 2, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lines", "blocks"),
    [
        ("DTSTART;VALUE=DATE:20261203", True),
        ("DTSTART;VALUE=DATE:20261203\nTRANSP:TRANSPARENT", False),
        ("DTSTART;VALUE=DATE:20261203\nTRANSP:TRANSPARENT\nX-MICROSOFT-CDO-BUSYSTATUS:OOF", True),
        ("DTSTART;VALUE=DATE:20261203\nX-MICROSOFT-CDO-BUSYSTATUS:FREE", False),
        ("DTSTART;VALUE=DATE:20261203\nX-MICROSOFT-CDO-BUSYSTATUS:WORKINGELSEWHERE", False),
        ("DTSTART;VALUE=DATE:20261203\nX-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE", True),
        ("DTSTART;VALUE=DATE:20261203\nSTATUS:CANCELLED\nX-MICROSOFT-CDO-BUSYSTATUS:OOF", False),
        ("DTSTART:20261203T090000Z\nDTEND:20261203T100000Z\nSTATUS:TENTATIVE", True),
    ],
)
def test_what_blocks(lines: str, blocks: bool) -> None:
    assert busy.blocks(_event(lines)) is blocks


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("DTSTART;VALUE=DATE:20261203\nDTEND;VALUE=DATE:20261204", _local_day(NEW_YORK, 2026, 12, 3)),
        ("DTSTART;VALUE=DATE:20261203", _local_day(NEW_YORK, 2026, 12, 3)),
        ("DTSTART;VALUE=DATE:20261203\nDURATION:P2D", _local_day(NEW_YORK, 2026, 12, 3, days=2)),
        # The spring-forward day has 23 hours, the fall-back day 25.
        ("DTSTART;VALUE=DATE:20260308\nDTEND;VALUE=DATE:20260309", _local_day(NEW_YORK, 2026, 3, 8)),
        ("DTSTART;VALUE=DATE:20261101\nDTEND;VALUE=DATE:20261102", _local_day(NEW_YORK, 2026, 11, 1)),
        (
            "DTSTART:20261203T090000\nDTEND:20261203T100000",
            Interval(datetime(2026, 12, 3, 14, tzinfo=UTC), datetime(2026, 12, 3, 15, tzinfo=UTC)),
        ),
        (
            "DTSTART;TZID=Europe/Berlin:20261203T090000\nDURATION:PT30M",
            Interval(datetime(2026, 12, 3, 8, tzinfo=UTC), datetime(2026, 12, 3, 8, 30, tzinfo=UTC)),
        ),
    ],
)
def test_the_time_an_event_takes_for_a_person_in_new_york(lines: str, expected: Interval) -> None:
    assert busy.event_interval(_event(lines), NEW_YORK) == expected


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring = busy.event_interval(_event("DTSTART;VALUE=DATE:20260308"), NEW_YORK)
    autumn = busy.event_interval(_event("DTSTART;VALUE=DATE:20261101"), NEW_YORK)
    assert spring is not None and autumn is not None
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_an_unknown_zone_reads_as_utc_and_a_moment_without_an_end_takes_no_time() -> None:
    assert busy.person_zone("Mars/Olympus") is UTC
    assert busy.person_zone("") is UTC
    assert busy.event_interval(_event("DTSTART:20261203T090000Z"), NEW_YORK) is None
