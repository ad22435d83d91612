"""Why a report has no slots: the first constraint, from the most basic, that leaves none."""

from __future__ import annotations

from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling.candidates import Ledger, Options, Shape, best
from careerconv_core.domain.scheduling.results import Blocker
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.time import PairCalendar, Span, to_datetime


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
) -> Blocker:
    """Name the first constraint, from the most basic, that leaves no triple for ``report``."""
    if options is None:
        options = Options.of(cal, shape)
    if not options.by_end:
        return _alone(manager, report, window=window, cal=cal, shape=shape)
    uncapped = Ledger(None, ledger.usage, ledger.occ_starts, ledger.occ_ends)
    if best(options, shape, uncapped, "end") is None:
        return Blocker(
            report.id,
            "manager_time",
            "the manager's free time that fits is taken by the other reports' conversations",
            "start this report's conversations next month",
        )
    return Blocker(
        report.id,
        "weekly_cap",
        f"weekly cap of {rules.weekly_cap_minutes / 60:.1f} h reached in every week of the window "
        "that could hold the three conversations",
        "start this report's conversations next month, or raise [method] weekly_cap_hours in careerconv.toml",
    )
