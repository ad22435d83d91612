"""Why a report has no slots: the constraint that really blocks them, confirmed without it."""

from __future__ import annotations

from collections.abc import Mapping

from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling.candidates import Ledger, Options, Shape, best, candidates, weeks_of
from careerconv_core.domain.scheduling.results import Blocker
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.time import PairCalendar, Span, iso_week_label, to_datetime


def _alone(manager: Person, report: Person, *, window: Span, cal: PairCalendar, shape: Shape) -> Blocker:
    """Why the pair has no triple even with nobody else placed and no cap."""
    first = to_datetime(window[0]).date()
    last = to_datetime(window[1]).date()
    bare = PairCalendar.build(manager, report, window, [])
    longest = max(shape.lengths)
    if not any(e - s >= longest for s, e in zip(bare.starts, bare.ends, strict=True)):
        return Blocker(
            report.id,
            "no_common_hours",
            f"no common working hours with manager {manager.id} between {first} and {last} "
            f"long enough for a {longest}-minute conversation",
            "widen either person's working hours or working days so that they overlap",
        )
    if not Options.of(bare, shape).by_end:
        return Blocker(
            report.id,
            "homework_gap",
            "one-month window too short for the homework gap: the common working days cannot "
            "hold life story, pinnacle on a later day and GROW review after "
            f"{shape.gap_days} working days of homework",
            "add common working days, or shorten homework_gap_working_days",
        )
    # Working hours would do, so busy time is what leaves no triple.
    return Blocker(
        report.id,
        "busy",
        "busy calendar: the free time both people share in the window cannot hold the "
        "three conversations in order",
        "free some time in the manager's or the report's calendar, or start in another month",
    )


def _cap_needed(options: Options, shape: Shape, ledger: Ledger) -> int | None:
    """The smallest weekly cap that would fit the report with everything in ``ledger`` kept.

    Worked out over the report's candidates with the cap switched off: each
    needs, in each of its weeks, the minutes already there plus its own.
    """
    uncapped = Ledger(None, ledger.usage, ledger.occ_starts, ledger.occ_ends)
    needs = []
    for triple in candidates(options.cal, shape, uncapped):
        own: dict[int, int] = {}
        for week, length in zip(weeks_of(options.cal, triple), shape.lengths, strict=True):
            own[week] = own.get(week, 0) + length
        needs.append(max(ledger.usage.get(w, 0) + m for w, m in own.items()))
    return min(needs, default=None)


def _cap_blocker(
    report: Person,
    *,
    options: Options,
    shape: Shape,
    ledger: Ledger,
    rules: SchedulingRules,
    by_booked: bool,
    ceiling: tuple[int, int] | None,
) -> Blocker:
    """The weekly cap, in words that are true of this schedule, and a fix that fits the report."""
    cap = rules.weekly_cap_minutes
    weeks = sorted(set(options.cal.weeks))
    room = {w: cap - ledger.usage.get(w, 0) for w in weeks}
    shortest = min(shape.lengths)
    if all(left < shortest for left in room.values()):
        where = "reached in every week of the window that could hold the three conversations"
    else:
        free = ", ".join(f"{iso_week_label(w)} {max(m, 0)} min" for w, m in room.items() if m >= shortest)
        where = (
            "leaves no set of weeks with room for all three conversations in slots that are "
            f"free for both (room left: {free})"
        )
    whose = "the career conversations already booked" if by_booked else "the other reports' conversations"
    reason = f"weekly cap of {rules.weekly_cap_minutes / 60:.1f} h {where}, with {whose} in place"
    if ceiling is not None:
        most, of = ceiling
        reason += f"; the cap holds at most {most} of the {of} reports' conversations"
    needed = _cap_needed(options, shape, ledger)
    fix = "start this report's conversations next month"
    if needed is not None:
        # Rounded up to the quarter hour, the unit people set the cap in.
        hours = f"{-(-needed // 15) * 15 / 60:g}"
        fix = (
            f"raise [method] weekly_cap_hours to {hours} in careerconv.toml (slots then exist with "
            "every other conversation kept where it is), or " + fix
        )
    return Blocker(report.id, "weekly_cap", reason, fix)


def diagnose(
    manager: Person,
    report: Person,
    *,
    window: Span,
    cal: PairCalendar,
    shape: Shape,
    ledger: Ledger,
    rules: SchedulingRules,
    options: Options | None,
    booked: Mapping[int, int] | None = None,
    ceiling: tuple[int, int] | None = None,
) -> Blocker:
    """Name the constraint that really blocks ``report``, each confirmed by solving without it.

    ``ledger`` holds the team's schedule; ``booked`` the manager's booked
    minutes per week; ``ceiling`` (at most placeable, reachable) when the
    cap room of the window cannot hold every report. Calendar reasons come
    first (no triple even alone and uncapped). Then the cap is checked with
    only the booked conversations: if the report fits alone without the cap
    but not with it, the booked conversations and the cap block it. Then
    without the cap but with the team in place: if nothing fits, the other
    reports' conversations hold the time (``manager_time``); if something
    does, the cap is what blocks, and the fix names the cap that fits.
    """
    if options is None:
        options = Options.of(cal, shape)
    if not options.by_end:
        return _alone(manager, report, window=window, cal=cal, shape=shape)
    alone = Ledger.empty(shape.cap, booked)
    if best(options, shape, alone, "end") is None:
        return _cap_blocker(
            report, options=options, shape=shape, ledger=alone, rules=rules, by_booked=True, ceiling=None
        )
    uncapped = Ledger(None, ledger.usage, ledger.occ_starts, ledger.occ_ends)
    if best(options, shape, uncapped, "end") is None:
        reason = (
            "the manager's free time that fits is taken by the other reports' conversations "
            "(alone, within the cap, they would fit)"
        )
        if ceiling is not None:
            reason += f"; the cap holds at most {ceiling[0]} of the {ceiling[1]} reports' conversations"
        return Blocker(
            report.id,
            "manager_time",
            reason,
            "start this report's conversations next month, or free time in the manager's calendar",
        )
    return _cap_blocker(
        report, options=options, shape=shape, ledger=ledger, rules=rules, by_booked=False, ceiling=ceiling
    )
