"""M10: monthly check-ins, quarterly reviews, what is due, and nudges."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from careerconv_core import colleagues
from careerconv_core.boundary import checked
from careerconv_core.domain.cadence import CheckInKind, DueItem, DueKind, FollowUp, FollowUpStatus
from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from careerconv_core.domain.events import EventName
from careerconv_core.domain.grow import ActionStatus
from careerconv_core.domain.notices import NUDGES, ONLY_WHEN_OVERDUE, NoticeKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.scheduling import follow_ups
from careerconv_core.domain.scheduling.validity import require_within_hours
from careerconv_core.errors import NotFound, RuleViolation
from careerconv_core.outbox import OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_core.services.base import ServiceBase, StepReport, one_plan_step

_FOLLOW_UP_KINDS = {  # which placed follow-ups a due item is held in
    DueKind.CHECK_IN: frozenset(CheckInKind),
    DueKind.EXTENDED_REVIEW: frozenset({CheckInKind.EXTENDED_REVIEW}),
}

_HELD = {
    CheckInKind.CHECK_IN: EventName.CHECK_IN_HELD,
    CheckInKind.EXTENDED_REVIEW: EventName.EXTENDED_REVIEW_HELD,
}


def planned_follow_ups(svc: ServiceBase, plan: CareerPlan) -> tuple[FollowUp, ...]:
    """The first year's check-ins and quarterly reviews for the plan's pair, from now (M10).

    Placed after conversation 3, in both people's working hours, around their
    busy time where a calendar tells it.
    """
    review = plan.conversation(ConversationKind.GROW_REVIEW)
    manager, report = svc.store.load_person(plan.manager_id), svc.store.load_person(plan.report_id)
    start = max(review.held_at, svc.now()) if review.held_at else svc.now()
    rules = svc.settings.scheduling
    end = start + timedelta(days=31 * (rules.follow_up_months + 1))
    # The plan's own check-ins, placed again, are not busy time for themselves.
    own = [f.interval for f in plan.follow_ups]
    busy, _note = svc._busy([manager, report], start, end, {manager.id: own, report.id: own})
    return tuple(follow_ups(manager, report, start, rules, busy))


class CadenceSteps(ServiceBase):
    """Check-ins, reviews, what is due and the nudges (M10)."""

    __slots__ = ()

    @checked
    @one_plan_step
    def check_in(
        self,
        plan_id: str,
        person_id: str,
        kind: CheckInKind = CheckInKind.CHECK_IN,
        *,
        on_track: bool | None = None,
        notes: str = "",
        declines_more_conversation: bool = False,
    ) -> StepReport:
        """A check-in or extended review was held (M10). A decline is respected:
        reviews stop and the report is pointed to others they might talk to."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        self.actor(plan, person_id)
        after = plan.check_in(
            kind,
            at,
            on_track=on_track,
            notes=notes,
            declines_more_conversation=declines_more_conversation,
        )
        notices = []
        if declines_more_conversation and plan.more_conversation_declined_at is None:
            report = self.store.load_person(plan.report_id)
            notices.append(
                self._notice(
                    after,
                    NoticeKind.SUGGEST_OTHERS,
                    report,
                    at,
                    when="whenever it helps you",
                )
            )
        return self._commit(plan, after, _HELD[kind], at, notices=notices)

    @checked
    @one_plan_step
    def place_follow_ups(self, plan_id: str, person_id: str, follow_ups: Sequence[FollowUp]) -> StepReport:
        """Put the first year's check-ins and quarterly reviews on the calendar (M10).

        Each must fall inside both people's working hours, as every meeting does.
        """
        plan = self.store.load_plan(plan_id)
        at = self.now()
        self.actor(plan, person_id)
        after = plan.place_follow_ups(tuple(follow_ups), at)
        pair = [self.store.load_person(plan.report_id), self.store.load_person(plan.manager_id)]
        for n, item in enumerate(follow_ups):
            require_within_hours(pair, item.interval, f"follow_ups[{n}]")
        return self._commit(plan, after, EventName.FOLLOW_UPS_SCHEDULED, at)

    @checked
    def schedule_follow_ups(self, plan_id: str, person_id: str) -> StepReport:
        """Place the first year's monthly check-ins and quarterly reviews after conversation 3 (M10)."""
        plan = self.store.load_plan(plan_id)
        self.actor(plan, person_id)
        review = plan.conversation(ConversationKind.GROW_REVIEW)
        if review.held_at is None:
            raise RuleViolation(
                "M10",
                "check-ins start after conversation 3",
                "hold and record conversation 3 first",
            )
        return self.place_follow_ups(plan_id, person_id, planned_follow_ups(self, plan))

    @checked
    def due(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included)."""
        return self.store.due_on(day, manager_id)

    @checked
    def send_nudges(self, day: date, manager_id: str | None = None) -> list[str]:
        """Queue a notice per due check-in, review, update or probe, and per overdue
        conversation or GROW action (M10); one per item and day.

        The manager hears about the plan's rhythm and its conversations; an
        action's owner hears about their action. Returns the outbox keys queued.
        Re-running on the same day queues the same keys, which the notifier
        delivers once.
        """
        at = self.now()
        by_plan: dict[str, list[DueItem]] = {}
        for item in self.store.due_on(day, manager_id):
            if item.kind in NUDGES and (item.kind not in ONLY_WHEN_OVERDUE or item.due < day):
                by_plan.setdefault(item.plan_id, []).append(item)
        queued: list[str] = []
        for plan_id, items in by_plan.items():
            plan = self.store.load_plan(plan_id)
            found = colleagues.present(self.store, (plan.manager_id,))
            if not found:
                continue  # the manager left the org: the handoff under way tells the next one (colleagues)
            manager = found[plan.manager_id]
            entries = []
            for item in items:
                entries += self._nudges(plan, item, manager, day, at)
            self.store.commit(PlanChange(outbox=tuple(entries)))
            queued += [e.key for e in entries]
        return queued

    def _nudges(
        self, plan: CareerPlan, item: DueItem, manager: Person, day: date, at: datetime
    ) -> list[OutboxEntry]:
        tag = f"{item.kind.value}-{item.due.isoformat()}"
        late = "overdue" if item.due < day else ""
        kind = NUDGES[item.kind]
        if item.kind is DueKind.ACTION:
            if plan.grow is None:
                return []
            found = []
            for action in plan.grow.actions:
                if action.status is not ActionStatus.OPEN or action.due != item.due:
                    continue
                try:
                    owner = self.store.load_person(action.owner_id)
                except NotFound:
                    owner = manager  # someone outside the org: the manager follows it up
                found.append(
                    self._notice(
                        plan,
                        kind,
                        owner,
                        at,
                        due=item.due,
                        when=late,
                        tag=f"{tag}-{action.id}",
                        action=action.id,
                    )
                )
            return found
        if item.kind is DueKind.CONVERSATION:
            conv = next(
                (c for c in plan.conversations if c.status is ConversationStatus.SCHEDULED and c.start),
                None,
            )
            if conv is None:
                return []
            return [
                self._notice(
                    plan,
                    kind,
                    manager,
                    at,
                    due=item.due,
                    when_at=conv.start,
                    tag=tag,
                    conversation=conv.kind.title,
                    conversation_id=conv.kind.value,
                )
            ]
        placed = None
        if item.kind in _FOLLOW_UP_KINDS:
            placed = next(
                (
                    f
                    for f in plan.follow_ups
                    if f.status is FollowUpStatus.SCHEDULED
                    and f.start.date() == item.due
                    and f.kind in _FOLLOW_UP_KINDS[item.kind]
                ),
                None,
            )
        return [
            self._notice(
                plan,
                kind,
                manager,
                at,
                due=item.due,
                when_at=placed.start if placed else None,
                when=late,
                tag=tag,
            )
        ]
