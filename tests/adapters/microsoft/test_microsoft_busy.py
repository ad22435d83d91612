"""All-day and out-of-office events in Graph's getSchedule, and which statuses are busy.

Exchange computes an all-day event's times in the mailbox's own zone and
getSchedule converts them to the zone asked for, so the adapter reads UTC
times that already are the person's day. ``busy``, ``tentative`` and ``oof``
block time; ``free``, ``workingElsewhere`` and ``unknown`` do not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from careerconv_plugins.microsoft.adapter import GraphCalendar
from fakes.fake_graph import FakeGraph
from fakes.graph_invites import MAYA, RAE

NEW_YORK = ZoneInfo("America/New_York")
RAE_NY = RAE.__class__(RAE.person_id, RAE.name, RAE.email, "America/New_York")


def _day(year: int, month: int, day: int, days: int = 1) -> tuple[datetime, datetime]:
    first = datetime(year, month, day, tzinfo=NEW_YORK)
    last = datetime.combine(first.date() + timedelta(days=days), first.time(), tzinfo=NEW_YORK)
    return first.astimezone(UTC), last.astimezone(UTC)


def _busy(backend: GraphCalendar, start: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """Busy and away time together: both block."""
    report = backend.busy([MAYA, RAE_NY], start, start + timedelta(days=days))
    assert report.available, report.reason
    return sorted((s.start, s.end) for s in (*report.busy["r1"], *report.away["r1"]))


def test_an_all_day_out_of_office_blocks_the_persons_own_days(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    graph.mailboxes["rae@example.com"].time_zone = "America/New_York"
    # 31 October to 1 November 2026, New York: the 1st falls back, a day of 25 hours.
    graph.person_adds("rae@example.com", "Away", "2026-10-31", "2026-11-02", show_as="oof", all_day=True)
    [(first, last)] = _busy(backend, datetime(2026, 10, 29, tzinfo=UTC), 7)
    assert (first, last) == _day(2026, 10, 31, days=2)
    assert last - first == timedelta(hours=49)
    [answer] = [e.response for e in graph.requests("POST", "getSchedule")]
    [item] = answer["value"][1]["scheduleItems"]
    # As Graph answers: the item is the event's status, converted to the zone the adapter asked for.
    assert item["status"] == "oof" and item["start"] == {
        "dateTime": "2026-10-31T04:00:00.0000000",
        "timeZone": "UTC",
    }


@pytest.mark.parametrize(
    ("show_as", "busy"),
    [("busy", True), ("tentative", True), ("oof", True), ("free", False), ("workingElsewhere", False)],
)
def test_which_statuses_block(graph: FakeGraph, backend: GraphCalendar, show_as: str, busy: bool) -> None:
    graph.mailboxes["rae@example.com"].time_zone = "America/New_York"
    graph.person_adds(
        "rae@example.com", "Something", "2026-12-03", "2026-12-04", show_as=show_as, all_day=True
    )
    found = _busy(backend, datetime(2026, 12, 1, tzinfo=UTC), 7)
    assert found == ([_day(2026, 12, 3)] if busy else [])


def test_a_private_event_blocks_without_its_subject(graph: FakeGraph, backend: GraphCalendar) -> None:
    graph.mailboxes["rae@example.com"].time_zone = "America/New_York"
    graph.person_adds("rae@example.com", "Clinic", "2026-12-03T09:00:00", "2026-12-03T11:00:00", private=True)
    graph.person_adds("rae@example.com", "Lunch", "2026-12-03T12:00:00", "2026-12-03T13:00:00")
    found = _busy(backend, datetime(2026, 12, 1, tzinfo=UTC), 7)
    assert found == [
        (datetime(2026, 12, 3, 14, tzinfo=UTC), datetime(2026, 12, 3, 16, tzinfo=UTC)),
        (datetime(2026, 12, 3, 17, tzinfo=UTC), datetime(2026, 12, 3, 18, tzinfo=UTC)),
    ]
    [answer] = [e.response for e in graph.requests("POST", "getSchedule")]
    items = answer["value"][1]["scheduleItems"]
    assert [(i["isPrivate"], i.get("subject")) for i in items] == [(True, None), (False, "Lunch")]


def test_out_of_office_is_time_away(graph: FakeGraph, backend: GraphCalendar) -> None:
    graph.person_adds("rae@example.com", "Away", "2026-12-03", "2026-12-04", show_as="oof", all_day=True)
    graph.person_adds("rae@example.com", "Meeting", "2026-12-04T09:00:00", "2026-12-04T10:00:00")
    report = backend.busy([MAYA, RAE], datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC))
    assert [(s.start, s.end) for s in report.away["r1"]] == [
        (datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 4, tzinfo=UTC))
    ]
    assert [(s.start.hour, s.end.hour) for s in report.busy["r1"]] == [(9, 10)]
