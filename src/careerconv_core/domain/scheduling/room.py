"""How much career time the weekly cap leaves, week by week: a bound on how many reports fit.

A week holds at most the cap, less what is already booked, and never more
than the manager's free time in it that some report shares. The second
limit is what makes the first and last weeks of the window count right: a
window ending on a Tuesday leaves a week of two days, which holds two days
of free time, not a whole cap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from careerconv_core.domain.scheduling.candidates import Ledger, Shape
from careerconv_core.domain.scheduling.time import PairCalendar, merge


def week_limits(
    cals: Sequence[PairCalendar], shape: Shape, booked: Mapping[int, int]
) -> dict[int, int] | None:
    """Per manager week: the most career minutes it can hold, booked ones included.

    ``None`` when there is no cap. Weeks without shared free time are left out.
    """
    if shape.cap is None:
        return None
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for cal in cals:
        for start, end, week in zip(cal.starts, cal.ends, cal.weeks, strict=True):
            spans[week].append((start, end))
    out = {}
    for week, pieces in spans.items():
        # The union over reports: the manager holds one conversation at a time.
        free = sum(e - s for s, e in merge(pieces))
        out[week] = min(shape.cap, booked.get(week, 0) + free)
    return out


def room_left(limits: Mapping[int, int], ledger: Ledger) -> int:
    """Career minutes the weeks can still take on top of what ``ledger`` holds."""
    usage = ledger.usage
    return sum(max(limit - usage.get(week, 0), 0) for week, limit in limits.items())


def most_placeable(limits: Mapping[int, int] | None, ledger: Ledger, shape: Shape, reports: int) -> int:
    """At most how many more of ``reports`` reports the cap room leaves space for."""
    if limits is None:
        return reports
    return min(reports, room_left(limits, ledger) // sum(shape.lengths))
