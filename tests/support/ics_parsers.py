"""Check one iCalendar text with four independent parsers.

A file careerconv writes must be read the same way by every client, so each
generated ``.ics`` (on disk, on a CalDAV server, in a mail) goes through
icalendar (no component errors), vobject with ``validate=True``, ical (a
strict pydantic-based parser) and recurring-ical-events (which expands the
events in a window, as calendar apps do).
"""

from __future__ import annotations

from datetime import date

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream


def check_ics(text: str, *, expect_events: int | None = None) -> icalendar.Calendar:
    """Parse ``text`` with all four parsers; raise AssertionError naming the one that objects.

    :param expect_events: when given, every parser must see this many VEVENTs.
    :returns: the icalendar parse, for further checks.
    """
    cal = icalendar.Calendar.from_ical(text)
    errors = [(c.name, c.errors) for c in cal.walk() if c.errors]
    assert not errors, f"icalendar component errors: {errors}"
    events = list(cal.walk("VEVENT"))

    parsed = vobject.readOne(text, validate=True)
    v_events = list(getattr(parsed, "vevent_list", []))

    strict = IcsCalendarStream.calendar_from_ics(text)

    expanded = recurring_ical_events.of(cal).between(date(1990, 1, 1), date(2100, 1, 1))

    if expect_events is not None:
        assert len(events) == expect_events, f"icalendar saw {len(events)} events"
        assert len(v_events) == expect_events, f"vobject saw {len(v_events)} events"
        assert len(strict.events) == expect_events, f"ical saw {len(strict.events)} events"
        assert len(expanded) == expect_events, f"recurring-ical-events saw {len(expanded)}"
    return cal
