"""M4, M11: scheduling a whole team into one month, and moving a conversation."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from attrs import define, field, frozen

from careerconv_core.boundary import checked
from careerconv_core.domain.clock import Interval, require_aware
from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.scheduling import (
    Blocker,
    Placement,
    reschedule,
    reschedule_later,
    schedule_team,
    schedule_team_exact,
)
from careerconv_core.domain.scheduling import exact as exact_mode
from careerconv_core.domain.scheduling.validity import month_window, plan_window
from careerconv_core.errors import (
    BookingsChanged,
    CareerconvError,
    ConcurrentChange,
    InvalidInput,
    RuleViolation,
)
from careerconv_core.services.base import StepReport, safe_message
from careerconv_core.services.conversations import ConversationSteps

_PLANNING_ROUNDS = 3
"""How often a team is planned again around bookings other processes made meanwhile."""

_CHANGED_MEANWHILE = "placed or changed by another careerconv run at the same time; nothing placed here"
_RUN_AGAIN = "run the schedule again: it plans around the bookings made meanwhile"


class TeamScheduling(ConversationSteps):
    """Placing a manager's ready reports together, and moving one conversation (M4, M11)."""

    __slots__ = ()

    @checked
    def schedule_team(
        self,
        manager_id: str,
        start: date,
        report_ids: Sequence[str] | None = None,
        progress: Callable[[int, int], object] | None = None,
        *,
        exact: bool = False,
        time_limit: float = 10.0,
    ) -> TeamScheduleReport:
        """Place conversations 1-3 for the manager's ready reports in the month from ``start`` (M4, M11).

        Reports whose plan is not ready (no plan, not accepted, no opt-in to
        conversation 1, trust gate open) are listed with the rule that holds
        them; reports that do not fit are listed with the constraint that
        blocks them. Nobody is dropped silently. Each placement is committed
        on its own, checked against the manager's bookings as they are then.
        With ``exact`` the schedule is solved again by CP-SAT for up to
        ``time_limit`` seconds, seeded with the search's; without OR-Tools the
        search's schedule is kept and ``exact`` in the report says so.
        """
        manager = self.store.load_person(manager_id)
        ready, not_ready = self._ready_reports(manager_id, report_ids)
        month = month_window(start, manager.zone)
        # Each ready plan's own conversations (cancelled, placed again now) are not busy time for
        # themselves, though a calendar that has not caught up may still show them.
        own: dict[str, list[Interval]] = {manager.id: []}
        for person, plan in ready:
            mine = [Interval(c.start, c.end) for c in plan.conversations if c.start and c.end]
            own[person.id] = mine
            own[manager.id] += mine
        busy, note = self._busy([manager, *(p for p, _ in ready)], month.start, month.end, own)
        team = _TeamRun(manager_id, len(ready), progress)
        todo = ready
        use_exact = exact and exact_mode.available()
        told = (
            ""
            if use_exact or not exact
            else f"OR-Tools is not installed ({exact_mode.EXTRA}); scheduled by the heuristic search instead"
        )
        for planning in range(1, _PLANNING_ROUNDS + 1):
            # Planned against the bookings committed so far; a report whose time another
            # process took meanwhile is planned again, in the next round, around that booking.
            args = (
                manager,
                [p for p, _ in todo],
                start,
                self.settings.scheduling,
                busy,
                self._booked(manager_id),
            )
            if use_exact:
                result = schedule_team_exact(*args, seconds=time_limit, with_follow_ups=False)
                told = _exact_line(result.exact_status, result.proven_optimal, time_limit)
            else:
                result = schedule_team(*args, with_follow_ups=False)
            team.minutes = dict(result.minutes_per_week)
            team.unplaced.update(result.unplaced)
            again = [
                (person, plan)
                for person, plan in todo
                if not self._place_one(team, person, plan, result.placements.get(person.id), planning)
            ]
            if not again:
                break
            todo = again
        not_ready.update(team.changed)
        return TeamScheduleReport(
            manager_id=manager_id,
            placed=team.placed,
            placements=team.placements,
            unplaced=team.unplaced,
            not_ready=not_ready,
            minutes_per_week=team.minutes,
            note=note,
            exact=told,
        )

    def _ready_reports(
        self, manager_id: str, report_ids: Sequence[str] | None
    ) -> tuple[list[tuple[Person, CareerPlan]], dict[str, str]]:
        """The manager's reports (or those named) whose plan can be scheduled, and why the others not."""
        candidates = [p for p in self.store.list_people() if p.manager_id == manager_id]
        if report_ids is not None:
            wanted = set(report_ids)
            unknown = wanted - {p.id for p in candidates}
            if unknown:
                raise InvalidInput(
                    "report",
                    f"direct reports of {manager_id!r}",
                    f"not a report: {sorted(unknown)}",
                )
            candidates = [p for p in candidates if p.id in wanted]
        not_ready: dict[str, str] = {}
        ready: list[tuple[Person, CareerPlan]] = []
        for person in sorted(candidates, key=lambda p: p.id):
            plans = [p for p in self.store.find_plans(report_id=person.id) if p.status.is_open]
            if not plans:
                not_ready[person.id] = "M1: no plan; propose Career Conversations first"
                continue
            plan = plans[0]
            try:
                plan.check_schedulable()
            except CareerconvError as exc:
                not_ready[person.id] = safe_message(exc)
                continue
            if any(
                c.status is not ConversationStatus.NOT_SCHEDULED
                and c.status is not ConversationStatus.CANCELLED
                for c in plan.conversations
            ):
                not_ready[person.id] = "already scheduled; use reschedule to move a conversation"
                continue
            ready.append((person, plan))
        return ready, not_ready

    def _place_one(
        self, team: _TeamRun, person: Person, plan: CareerPlan, placement: Placement | None, planning: int
    ) -> bool:
        """Commit one report's placement; False when it is to be planned again."""
        if placement is not None:
            try:
                self.place_conversations(
                    plan.id, team.manager_id, _slots(placement), expected_version=plan.version
                )
            except ConcurrentChange:
                team.changed[person.id] = _CHANGED_MEANWHILE
            except (RuleViolation, BookingsChanged) as exc:
                if planning < _PLANNING_ROUNDS:
                    return False
                team.unplaced[person.id] = Blocker(person.id, "manager_time", safe_message(exc), _RUN_AGAIN)
            else:
                team.placed[person.id] = plan.id
                team.placements[person.id] = placement
        team.step()
        return True

    @checked
    def reschedule(
        self,
        plan_id: str,
        person_id: str,
        kind: ConversationKind,
        new_start: datetime,
        shift_later: bool = False,
    ) -> StepReport:
        """Move one conversation (M4): the others stay valid, or the error says why not.

        With ``shift_later`` the later conversations move forward as little as needed.
        """
        require_aware(new_start, "new_start")
        plan = self.store.load_plan(plan_id)
        self.actor(plan, person_id)
        manager, report = (
            self.store.load_person(plan.manager_id),
            self.store.load_person(plan.report_id),
        )
        placement = _placement_of(plan)
        lo, hi = placement.window.start, placement.window.end
        own = [s.interval for s in placement.slots]  # the plan's own three are not busy for the move
        busy, _note = self._busy([manager, report], lo, hi, {manager.id: own, report.id: own})
        move = reschedule_later if shift_later else reschedule
        moved = move(
            placement,
            kind.value,
            new_start,
            manager,
            report,
            self.settings.scheduling,
            busy,
            self._booked(plan.manager_id, skip_plan=plan.id),
        )
        slots = {
            k: v
            for k, v in _slots(moved).items()
            if plan.conversation(k).status is ConversationStatus.SCHEDULED
        }
        return self.place_conversations(plan_id, person_id, slots)


@frozen
class TeamScheduleReport:
    """What scheduling a team did: placed plans, blockers, reports not ready, the weekly load."""

    manager_id: str
    placed: Mapping[str, str]  # report id -> plan id
    placements: Mapping[str, Placement]
    unplaced: Mapping[str, Blocker]
    not_ready: Mapping[str, str]
    minutes_per_week: Mapping[str, int]
    note: str = ""
    exact: str = ""  # what the exact mode did, when it was asked for


@define
class _TeamRun:
    """What one ``schedule_team`` run has done so far, across its planning rounds."""

    manager_id: str
    total: int
    progress: Callable[[int, int], object] | None
    done: int = 0
    placed: dict[str, str] = field(factory=dict)
    placements: dict[str, Placement] = field(factory=dict)
    unplaced: dict[str, Blocker] = field(factory=dict)
    changed: dict[str, str] = field(factory=dict)
    minutes: dict[str, int] = field(factory=dict)

    def step(self) -> None:
        """One more report is settled: placed, blocked or left to another run."""
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)


def _exact_line(status: str, proven: bool, seconds: float) -> str:
    """One line on CP-SAT's result for the report."""
    if proven:
        return "CP-SAT proved this schedule optimal"
    if status == "FEASIBLE":
        return f"CP-SAT's best within {seconds:g} s, not proven optimal (raise --time-limit to search longer)"
    return (
        f"CP-SAT found no schedule within {seconds:g} s (status {status}); "
        "the heuristic search's schedule is kept (raise --time-limit to search longer)"
    )


def _slots(placement: Placement) -> dict[ConversationKind, tuple[datetime, datetime]]:
    return {
        kind: (placement.interval(kind.value).start, placement.interval(kind.value).end)
        for kind in ConversationKind
    }


def _placement_of(plan: CareerPlan) -> Placement:
    """The plan's three conversations as a scheduler placement, to check a move against."""
    convs = plan.conversations
    if any(c.start is None or c.end is None for c in convs):
        raise RuleViolation(
            "M4",
            "only a plan with all three conversations on the calendar can be rescheduled",
            "schedule the plan first",
        )
    first = min(c.start for c in convs if c.start is not None)
    iv = [Interval(c.start, c.end) for c in convs if c.start is not None and c.end is not None]
    return Placement(plan.report_id, iv[0], iv[1], iv[2], plan_window(first))
