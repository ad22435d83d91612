"""Seeded team instances with calendars as people have them (the "people" family).

A second family beside ``instances``: that module's seeds and instances are
left exactly as they were (``best_known.json`` is about them). Each instance
here comes from ``random.Random(1_000_003 * seed + 17)``, so no seed of this
family draws the numbers of a seed of the other.

Distributions (per instance unless said per person):

- team size: 8 to 12 reports, uniform;
- zones: 2 or 3 IANA zones per team from seven mixes, four of which hold a
  30- or 45-minute offset (Asia/Kolkata, Asia/Kathmandu); the manager in the
  mix's first zone, each report in one of its zones, uniform;
- holiday region (per person): with probability 3/4 one of the regions of the
  person's zone (``REGIONS``: Berlin DE-BY, DE-NW or DE; London GB-ENG or
  GB-SCT; Paris FR; New York US-NY or US; Chicago US-IL; Los Angeles US-CA;
  Kolkata IN, IN-KA or IN-MH; Kathmandu NP), uniform; else none. So the manager
  and the reports often keep different countries' holidays;
- working hours (per person), local: a first start of 07:00 to 10:00 (weights
  1, 2, 3, 1 for 7, 8, 9, 10; a half hour later for a quarter of people, a
  quarter hour later for a tenth), a working time of 7, 8, 8 or 9 hours, and a
  shape: one interval Monday to Friday (0.30); a lunch break (0.30) of 30, 45
  or 60 minutes starting 12:00, 12:30 or 13:00, the day longer by the break;
  a split shift (0.10): 4 hours from 06:00, 07:00 or 08:00 and 3 or 4 more from
  15:00, 16:00 or 17:00; a short Friday (0.15): Monday to Thursday as the
  lunch-break shape, Friday from the start to 13:00 or 14:00; a 4-day week
  (0.10): Monday to Thursday or Tuesday to Friday, a day an hour longer, with a
  lunch break of 30 minutes at 12:30; Tuesday to Saturday (0.05), one interval;
- busy time: 150 to 300 events on the manager's calendar, 5 to 40 on each
  report's, 30 to 120 minutes, on the quarter hour during local 07:00-19:00 of
  the 31 days from the start (as in ``instances``);
- weekly cap: 4 to 10 hours, in half hours, uniform;
- the start date: one of ten Mondays (``STARTS``) plus 0 to 4 days, uniform;
  every window holds public holidays of several regions (Easter, 1 May,
  Ascension, Whit Monday, Corpus Christi, Dashain and Tihar, Diwali, All
  Saints, Veterans Day, Thanksgiving, Christmas, New Year), and five of the ten
  also a DST change of Europe or North America;
- the window (``SchedulingRules.window_days``): one calendar month (4 in 7),
  28, 21 or 14 days (1 in 7 each).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from datetime import time as clock

from careerconv_core.domain.people import DayInterval, Person, WorkingHours
from careerconv_core.domain.scheduling import SchedulingRules
from yardstick.instances import Instance, _events

ZONE_MIXES = (
    ("Europe/Berlin", "America/New_York"),
    ("Europe/Berlin", "Asia/Kolkata"),
    ("Europe/London", "Asia/Kolkata", "Asia/Kathmandu"),
    ("America/New_York", "Asia/Kolkata", "Europe/Berlin"),
    ("Europe/Paris", "Europe/Berlin", "Europe/London"),
    ("America/Los_Angeles", "America/Chicago", "America/New_York"),
    ("Asia/Kathmandu", "Europe/Berlin"),
)
REGIONS = {
    "Europe/Berlin": ("DE-BY", "DE-NW", "DE"),
    "Europe/London": ("GB-ENG", "GB-SCT"),
    "Europe/Paris": ("FR",),
    "America/New_York": ("US-NY", "US"),
    "America/Chicago": ("US-IL",),
    "America/Los_Angeles": ("US-CA",),
    "Asia/Kolkata": ("IN", "IN-KA", "IN-MH"),
    "Asia/Kathmandu": ("NP",),
}
# Mondays; the start is one of them plus 0 to 4 days. What each window holds:
STARTS = (
    date(2026, 3, 23),  # EU summer time 29 Mar; Good Friday, Easter Monday
    date(2026, 3, 30),  # Easter; 1 May out of reach
    date(2026, 4, 27),  # 1 May, early May bank holiday, Ascension, Whit Monday, Memorial Day
    date(2026, 5, 18),  # Whit Monday, Memorial Day, Corpus Christi, spring bank holiday
    date(2026, 10, 12),  # EU summer time ends 25 Oct; Dashain and Tihar (NP), Diwali
    date(2026, 10, 26),  # US summer time ends 1 Nov; All Saints, Diwali, Veterans Day
    date(2026, 11, 16),  # Thanksgiving (and the day after in some states), Buss- und Bettag
    date(2026, 12, 7),  # Christmas, Boxing Day, New Year
    date(2026, 12, 14),  # the same, tighter
    date(2027, 3, 22),  # EU summer time 28 Mar; Good Friday 26 Mar, Easter Monday 29 Mar
)
WINDOWS = (None, None, None, None, 28, 21, 14)


def _at(minutes: int) -> clock:
    minutes = min(minutes, 23 * 60 + 59)
    return clock(minutes // 60, minutes % 60)


def _piece(begin: int, end: int) -> DayInterval:
    return (_at(begin), _at(end))


def _with_lunch(begin: int, length: int, rng: random.Random) -> tuple[DayInterval, ...]:
    lunch = rng.choice((12 * 60, 12 * 60 + 30, 13 * 60))
    pause = rng.choice((30, 45, 60))
    return (_piece(begin, lunch), _piece(lunch + pause, begin + length + pause))


def _week(rng: random.Random) -> tuple[tuple[DayInterval, ...], ...]:
    """One person's intervals per weekday, Monday first."""
    begin = rng.choice((7, 8, 8, 9, 9, 9, 10)) * 60
    roll = rng.random()
    begin += 30 if roll < 0.25 else 15 if roll < 0.35 else 0
    length = rng.choice((7, 8, 8, 9)) * 60
    shape = rng.random()
    none: tuple[DayInterval, ...] = ()
    if shape < 0.30:
        day = (_piece(begin, begin + length),)
        return (day,) * 5 + (none, none)
    if shape < 0.60:
        day = _with_lunch(begin, length, rng)
        return (day,) * 5 + (none, none)
    if shape < 0.70:
        early = rng.choice((6, 7, 8)) * 60
        late = rng.choice((15, 16, 17)) * 60
        day = (_piece(early, early + 240), _piece(late, late + rng.choice((180, 240))))
        return (day,) * 5 + (none, none)
    if shape < 0.85:
        day = _with_lunch(begin, length, rng)
        friday = (_piece(begin, max(rng.choice((13, 14)) * 60, begin + 180)),)
        return (day,) * 4 + (friday, none, none)
    if shape < 0.95:
        day = (_piece(begin, 12 * 60 + 30), _piece(13 * 60, begin + length + 90))
        return (day,) * 4 + (none, none, none) if rng.random() < 0.5 else (none,) + (day,) * 4 + (none, none)
    day = (_piece(begin, begin + length),)
    return (none,) + (day,) * 5 + (none,)


def _person(pid: str, zone: str, rng: random.Random) -> Person:
    week = _week(rng)
    region = rng.choice(REGIONS[zone]) if rng.random() < 0.75 else None
    return Person(pid, pid, f"{pid}@example.com", zone, WorkingHours.of_week(week, region))


def instance(seed: int) -> Instance:
    """The people-family instance of ``seed`` (the same every time)."""
    rng = random.Random(1_000_003 * seed + 17)
    zones = rng.choice(ZONE_MIXES)
    size = rng.randint(8, 12)
    manager = _person(f"p{seed}m", zones[0], rng)
    reports = [_person(f"p{seed}r{i}", zones[rng.randrange(len(zones))], rng) for i in range(size)]
    start = rng.choice(STARTS) + timedelta(days=rng.randrange(5))
    cap = rng.randrange(8, 21) * 30
    window_days = rng.choice(WINDOWS)
    busy = {manager.id: _events(manager.time_zone, start, rng.randint(150, 300), rng)}
    for r in reports:
        busy[r.id] = _events(r.time_zone, start, rng.randint(5, 40), rng)
    rules = SchedulingRules(weekly_cap_minutes=cap, window_days=window_days)
    return Instance(f"people {seed}", manager, reports, start, rules, busy)


def instances(count: int, first_seed: int = 1) -> list[Instance]:
    """``count`` people-family instances from consecutive seeds."""
    return [instance(seed) for seed in range(first_seed, first_seed + count)]
