"""Seeded team instances like the teams the scheduler meets.

Distributions (one ``random.Random(seed)`` per instance):

- team size: 8 to 12 reports, uniform;
- zones: 2 or 3 IANA zones per team from a few realistic mixes (Europe and the
  Americas, Europe and India or Nepal, the US coasts); the manager in the first;
- working hours: a start of 07:00 to 10:00 local (half hours for a quarter of
  people), 7 to 9 hours long; Monday to Friday for most, Monday to Thursday for
  one in ten, Tuesday to Saturday for one in twenty;
- busy time: 150 to 300 events on the manager's calendar, 5 to 40 on each
  report's, 30 to 120 minutes, starting on the quarter hour during local
  07:00-19:00;
- weekly cap: 4 to 10 hours, in half hours, uniform;
- the start date: a Monday-to-Friday date whose one-month window holds a DST
  change of at least one of the team's zones (March, October, early November);
- tight teams come from the mix itself: 12 reports need 33 hours, a 4-hour cap
  leaves about 18 in a month, so roughly a third of the instances cannot place
  everyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules

ZONE_MIXES = (
    ("Europe/Berlin", "America/New_York"),
    ("Europe/Berlin", "America/New_York", "Europe/London"),
    ("Europe/London", "America/Chicago", "Europe/Berlin"),
    ("America/New_York", "America/Los_Angeles"),
    ("America/New_York", "America/Los_Angeles", "Europe/London"),
    ("Europe/Berlin", "Asia/Kolkata"),
    ("Europe/London", "Asia/Kolkata", "Asia/Kathmandu"),
)
# Each window holds a DST change in Europe or North America (or both).
STARTS = (
    date(2026, 3, 2),
    date(2026, 3, 9),
    date(2026, 3, 16),
    date(2026, 3, 23),
    date(2026, 10, 5),
    date(2026, 10, 12),
    date(2026, 10, 19),
    date(2026, 10, 26),
)


@dataclass
class Instance:
    """One team to schedule: the people, busy time, the start date and the rules."""

    name: str
    manager: Person
    reports: list[Person]
    start: date
    rules: SchedulingRules
    busy: dict[str, list[Interval]] = field(default_factory=dict)
    booked: list[Interval] = field(default_factory=list)


def _person(pid: str, zone: str, rng: random.Random) -> Person:
    begin = rng.choice((7, 8, 8, 9, 9, 9, 10)) * 60 + (30 if rng.random() < 0.25 else 0)
    length = rng.choice((7, 8, 8, 9)) * 60
    end = min(begin + length, 23 * 60)
    roll = rng.random()
    days = {0, 1, 2, 3} if roll < 0.1 else {1, 2, 3, 4, 5} if roll < 0.15 else {0, 1, 2, 3, 4}
    hours = WorkingHours(clock(begin // 60, begin % 60), clock(end // 60, end % 60), frozenset(days))
    return Person(pid, pid, f"{pid}@example.com", zone, hours)


def _events(zone: str, start: date, count: int, rng: random.Random) -> list[Interval]:
    tz = ZoneInfo(zone)
    out = []
    for _ in range(count):
        day = start + timedelta(days=rng.randrange(31))
        at = datetime.combine(day, clock(7), tz) + timedelta(minutes=15 * rng.randrange(12 * 4))
        at = at.astimezone(UTC)
        out.append(Interval(at, at + timedelta(minutes=rng.choice((30, 30, 45, 60, 60, 90, 120)))))
    return out


def instance(seed: int) -> Instance:
    """The instance of ``seed`` (the same every time)."""
    rng = random.Random(seed)
    zones = rng.choice(ZONE_MIXES)
    size = rng.randint(8, 12)
    manager = _person(f"s{seed}m", zones[0], rng)
    reports = [_person(f"s{seed}r{i}", zones[rng.randrange(len(zones))], rng) for i in range(size)]
    start = rng.choice(STARTS)
    cap = rng.randrange(8, 21) * 30
    busy = {manager.id: _events(manager.time_zone, start, rng.randint(150, 300), rng)}
    for r in reports:
        busy[r.id] = _events(r.time_zone, start, rng.randint(5, 40), rng)
    return Instance(f"seed {seed}", manager, reports, start, SchedulingRules(weekly_cap_minutes=cap), busy)


def instances(count: int, first_seed: int = 1) -> list[Instance]:
    """``count`` instances from consecutive seeds."""
    return [instance(seed) for seed in range(first_seed, first_seed + count)]
