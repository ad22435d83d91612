"""Moving a conversation (M4): keep the others, or shift the later ones as little as needed.

Every move is judged by the one M4 check (``validity``); a refused move
names the rule it would break and what to do instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType

from careerconv_core.domain.clock import Interval, require_aware
from careerconv_core.domain.conversations import ORDER, ConversationKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.scheduling.candidates import earliest_fit
from careerconv_core.domain.scheduling.results import Placement
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.time import PairCalendar, interval, merge, to_minute
from careerconv_core.domain.scheduling.validity import Check, utc_text
from careerconv_core.errors import RuleViolation


def _focus(kind: ConversationKind) -> tuple[ConversationKind, ...]:
    """``kind`` first, then the others in order: every one of the three is checked."""
    return (kind, *(k for k in ORDER if k is not kind))


def _check(
    placement: Placement,
    *,
    manager: Person,
    report: Person,
    rules: SchedulingRules,
    busy: Mapping[str, Sequence[Interval]],
    booked: Sequence[Interval],
) -> Check:
    """The check for a move: the placement's own intervals are left out of ``booked``."""
    own = {(s.interval.start, s.interval.end) for s in placement.slots}
    return Check.of(
        window=placement.window,
        manager=manager,
        report=report,
        rules=rules,
        busy=[*busy.get(manager.id, ()), *busy.get(report.id, ())],
        booked=[b for b in booked if (b.start, b.end) not in own],
    )


def reschedule(  # noqa: PLR0917 - positional order agreed with callers
    placement: Placement,
    kind: ConversationKind | str,
    new_start: datetime,
    manager: Person,
    report: Person,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
) -> Placement:
    """Move one conversation to ``new_start``, keeping the others where they are (M4).

    Raises ``RuleViolation("M4", ...)`` naming what would break (window,
    working hours, busy time, order, separate days, homework gap) and what
    to do instead; ``RuleViolation("M11", ...)`` if the weekly cap would be
    exceeded given ``booked``.
    """
    kind = ConversationKind(kind)
    require_aware(new_start, "new_start")
    length = rules.length(kind)
    moved = placement.moved(kind, Interval(new_start, new_start + timedelta(minutes=length)))
    _check(placement, manager=manager, report=report, rules=rules, busy=busy, booked=booked).require(
        moved.timed, _focus(kind)
    )
    return moved


def reschedule_later(  # noqa: PLR0917 - positional order agreed with callers
    placement: Placement,
    kind: ConversationKind | str,
    new_start: datetime,
    manager: Person,
    report: Person,
    rules: SchedulingRules = SchedulingRules(),
    busy: Mapping[str, Sequence[Interval]] = MappingProxyType({}),
    booked: Sequence[Interval] = (),
) -> Placement:
    """Move ``kind`` to ``new_start`` and shift the later conversations forward as little as needed.

    A later conversation that is still valid stays where it is; one that is
    not moves to the earliest slot after its predecessor that satisfies
    every rule. Raises ``RuleViolation`` if that cannot be done inside the
    one-month window.
    """
    kind = ConversationKind(kind)
    require_aware(new_start, "new_start")
    check = _check(placement, manager=manager, report=report, rules=rules, busy=busy, booked=booked)
    position = ORDER.index(kind)
    # The moved one must be valid against the earlier ones; later ones are fixed below.
    probe = placement.moved(kind, Interval(new_start, new_start + timedelta(minutes=rules.length(kind))))
    window = (to_minute(placement.window.start), to_minute(placement.window.end))
    cal = PairCalendar.build(manager, report, window, merge([*check.busy, *check.booked]))
    shape = rules.shape()
    for later in ORDER[position + 1 :]:
        if check.first(probe.timed, _focus(later)) is None:
            break
        prev = ORDER[ORDER.index(later) - 1]
        prev_iv = probe.interval(prev)
        p_start = to_minute(prev_iv.start)
        i_prev = cal.index_of(p_start)
        if i_prev >= len(cal.starts) or cal.starts[i_prev] > p_start:
            break  # the moved conversation itself is invalid; reported below
        if later is ConversationKind.PINNACLE:
            after = to_minute(prev_iv.end)
            if rules.separate_days_1_2:
                after = max(after, cal.next_day[i_prev])
        else:
            after = max(
                to_minute(prev_iv.end),
                cal.homework_threshold(cal.report_days[i_prev], rules.homework_gap_working_days),
            )
        found = earliest_fit(cal, after, rules.length(later), shape=shape, ledger=None)
        if found is None:
            raise RuleViolation(
                "M4",
                f"the {later.label} no longer fits in the one-month window ending "
                f"{utc_text(placement.window.end)} after the {prev.label} at {utc_text(prev_iv.start)}",
                f"pick an earlier start for the {kind.label}, or schedule the three again in a new month",
            )
        probe = probe.moved(later, interval(found[0], found[0] + rules.length(later)))
    # The weekly cap is checked on the whole result here.
    check.require(probe.timed, _focus(kind))
    return probe
