"""The follow-ups after conversation 3 (M10): a check-in each month, an extended review each quarter.

They come out as the plan's own ``FollowUp`` values, so what the scheduler
places is what the plan stores.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from types import MappingProxyType

from careerconv_core.domain.cadence import CheckInKind, FollowUp
from careerconv_core.domain.clock import Interval, add_months, require_aware
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling.candidates import Ledger
from careerconv_core.domain.scheduling.results import Blocker
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.time import (
    Span,
    busy_spans,
    local_ordinal,
    shared_day,
    shared_days,
    subtract,
    to_datetime,
    to_minute,
    weekday_of,
)
from careerconv_core.errors import RuleViolation


@lru_cache(maxsize=4096)
def _month_starts(base: int, count: int) -> tuple[int, ...]:
    """Ordinals of the date ``base`` and of the same day in each of the next months."""
    day = date.fromordinal(base)
    return tuple(add_months(day, n).toordinal() for n in range(count))


def place_follow_ups(
    manager: Person,
    report: Person,
    *,
    after: datetime,
    rules: SchedulingRules,
    blocked: list[Span],
    taken: Ledger,
) -> tuple[tuple[FollowUp, ...], Blocker | None]:
    """Follow-ups month by month; stops at the first month with no common free slot.

    ``taken`` holds the manager's time already placed in this run; each
    follow-up placed is added to it.
    """
    require_aware(after, "after")
    blocked_starts = [b[0] for b in blocked]
    begin = to_minute(after)
    grid = rules.slot_minutes
    weekdays = manager.working_hours.weekdays
    mz, mh, rz, rh = manager.time_zone, manager.working_hours, report.time_zone, report.working_hours
    days = shared_days(mz, mh, rz, rh)
    occ_starts, occ_ends = taken.occ_starts, taken.occ_ends
    out: list[FollowUp] = []
    months = _month_starts(local_ordinal(manager.time_zone, to_minute(after)), rules.follow_up_months + 2)
    for n in range(1, rules.follow_up_months + 1):
        extended = n % rules.extended_review_every_months == 0
        length = rules.extended_review_minutes if extended else rules.check_in_minutes
        slot = None
        # Hot loop of a team run (a dozen months per report): written out with locals.
        for day in range(months[n], months[n + 1]):
            if weekday_of(day) not in weekdays:
                continue
            shared = days.get(day)
            if shared is None:
                shared = shared_day(mz, mh, rz, rh, day)
            for s, e in subtract(shared, blocked, blocked_starts):
                start = -(-max(s, begin) // grid) * grid
                while start + length <= e:
                    k = bisect_left(occ_starts, start + length) - 1
                    if k < 0 or occ_ends[k] <= start:
                        slot = start
                        break
                    start = -(-occ_ends[k] // grid) * grid
                if slot is not None:
                    break
            if slot is not None:
                break
        if slot is None:
            return tuple(out), Blocker(
                report.id,
                "follow_up",
                f"no common free {length}-minute slot for follow-up {n} in the month from "
                f"{date.fromordinal(months[n])}",
                "free time in both calendars that month, or widen working hours",
            )
        taken.take(slot, length, 0)
        kind = CheckInKind.EXTENDED_REVIEW if extended else CheckInKind.CHECK_IN
        out.append(FollowUp(n, kind, to_datetime(slot), to_datetime(slot + length)))
    return tuple(out), None


def follow_ups(
    manager: Person,
    report: Person,
    after: datetime,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
) -> tuple[FollowUp, ...]:
    """Monthly check-ins and quarterly extended reviews after conversation 3 (M10).

    Follow-up ``n`` goes to the earliest common free slot in the month that
    starts ``n`` months after ``after`` (manager-local date); every third
    (by default) is an extended review instead of that month's check-in.
    Raises ``RuleViolation("M10", ...)`` naming the month that has no slot.
    """
    blocked = busy_spans([*busy.get(manager.id, ()), *busy.get(report.id, ())])
    items, problem = place_follow_ups(
        manager, report, after=after, rules=rules, blocked=blocked, taken=Ledger.empty(None)
    )
    if problem is not None:
        raise RuleViolation("M10", problem.reason, problem.fix)
    return items
