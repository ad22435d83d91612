"""M3-M9: the three conversations, the competencies, the report's focus and GROW plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from careerconv_core.boundary import checked
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from careerconv_core.domain.events import EventName
from careerconv_core.domain.grow import GrowPlan, stress_test
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.domain.pinnacle import Pinnacle
from careerconv_core.domain.plan import CareerPlan, Consent
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.scheduling.validity import Check, from_conversations
from careerconv_core.errors import BookingsChanged, ConcurrentChange, RuleViolation
from careerconv_core.ports import BookingsRead
from careerconv_core.services.base import ServiceBase, StepReport, one_plan_step

_PLACING_ATTEMPTS = 10
"""How often a placement is read and checked again while others change its plan or book its manager."""


class ConversationSteps(ServiceBase):
    """Placing and recording the three conversations and what they produce (M3-M9)."""

    __slots__ = ()

    def _booked(self, manager_id: str, skip_plan: str | None = None) -> list[Interval]:
        """The manager's career conversations on the calendar, leaving out ``skip_plan``'s."""
        return self._bookings(manager_id, skip_plan)[0]

    def _bookings(self, manager_id: str, skip_plan: str | None = None) -> tuple[list[Interval], BookingsRead]:
        """The manager's booked conversations (but ``skip_plan``'s), and what they were read from."""
        plans = self.store.find_plans(manager_id=manager_id)
        booked = [
            Interval(conv.start, conv.end)
            for plan in plans
            if plan.id != skip_plan
            for conv in plan.conversations
            if conv.status is ConversationStatus.SCHEDULED and conv.start and conv.end
        ]
        return booked, BookingsRead(manager_id, tuple((plan.id, plan.version) for plan in plans))

    @checked
    def place_conversations(
        self,
        plan_id: str,
        person_id: str,
        slots: Mapping[ConversationKind, tuple[datetime, datetime]],
        *,
        expected_version: int | None = None,
    ) -> StepReport:
        """Put conversations on the calendar (or move them): invites go out, moved ones updated.

        The one M4 check runs with everything known here: both people's
        working hours, the separate days, the homework gap, and the weekly cap
        and overlaps with the manager's other career conversations (M11).
        Busy time in the calendars is the scheduler's to avoid (``reschedule``).
        The store commits the placement only if the plan and the manager's
        bookings are still those it was checked against; when another process
        changed them meanwhile, the plan is read and checked again (up to ten
        times), and then an overlap or a full week is refused by the rule it
        breaks. With ``expected_version`` the plan must still be at that
        version (what a caller planned from), else ``ConcurrentChange`` at once:
        reading it again would place on a plan the caller did not see.
        """
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= _PLACING_ATTEMPTS
            try:
                return self._place_once(plan_id, person_id, slots, expected_version)
            except BookingsChanged:
                if last:
                    raise
            except ConcurrentChange:
                if last or expected_version is not None:
                    raise

    def _place_once(
        self,
        plan_id: str,
        person_id: str,
        slots: Mapping[ConversationKind, tuple[datetime, datetime]],
        expected_version: int | None,
    ) -> StepReport:
        plan = self.store.load_plan(plan_id)
        if expected_version is not None and plan.version != expected_version:
            raise ConcurrentChange(plan_id, expected_version)
        at = self.now()
        self.actor(plan, person_id)
        after = plan.schedule(slots, at)
        booked, read = self._bookings(plan.manager_id, skip_plan=plan.id)
        check = Check.of(
            manager=self.store.load_person(plan.manager_id),
            report=self.store.load_person(plan.report_id),
            rules=self.settings.scheduling,
            booked=booked,
        )
        check.require(from_conversations(after.conversations), tuple(slots))
        return self._commit(plan, after, EventName.PLAN_SCHEDULED, at, bookings=(read,))

    @checked
    def record_life_story(self, plan_id: str, person_id: str, story: LifeStory) -> StepReport:
        """Conversation 1 was held; keep what was learned (pair only)."""

        def apply(p: CareerPlan, _a: Actor, t: datetime) -> CareerPlan:
            if not p.held(ConversationKind.LIFE_STORY):
                p = p.record_held(ConversationKind.LIFE_STORY, t)
            return p.record_life_story(story, t)

        return self._step(plan_id, person_id, EventName.LIFE_STORY_HELD, apply)

    @checked
    @one_plan_step
    def record_pinnacle(self, plan_id: str, person_id: str, pinnacle: Pinnacle) -> StepReport:
        """Conversation 2 was held: roles, crossed-out careers, competencies (M5-M7).

        The report gets the GROW homework notice (M9).
        """
        plan = self.store.load_plan(plan_id)
        at = self.now()
        actor = self.actor(plan, person_id)
        after = plan
        if not after.held(ConversationKind.PINNACLE):
            after = after.record_held(ConversationKind.PINNACLE, at)
        after = after.record_pinnacle(pinnacle, actor, at)
        notices = []
        if not plan.held(ConversationKind.PINNACLE):
            report = self.store.load_person(plan.report_id)
            notices.append(
                self._notice(
                    after,
                    NoticeKind.HOMEWORK,
                    report,
                    at,
                    when_at=after.conversation(ConversationKind.GROW_REVIEW).start,
                    when="before conversation 3 (not yet scheduled)",
                )
            )
        return self._commit(plan, after, EventName.PINNACLE_HELD, at, notices=notices)

    @checked
    def rate(self, plan_id: str, person_id: str, competency_id: str, rating: int) -> StepReport:
        """The report rates their ability on one competency, 1-5 (M6)."""
        return self._step(
            plan_id,
            person_id,
            EventName.COMPETENCY_RATED,
            lambda p, a, t: p.rate(competency_id, rating, a, t),
        )

    @checked
    def observe_competency(
        self, plan_id: str, person_id: str, competency_id: str, observation: str, rating: int | None
    ) -> StepReport:
        """The manager's observation beside the report's rating (M6)."""
        return self._step(
            plan_id,
            person_id,
            EventName.COMPETENCY_OBSERVED,
            lambda p, a, t: p.observe(competency_id, observation, rating, a, t),
        )

    @checked
    def choose_focus(self, plan_id: str, person_id: str, competency_ids: Sequence[str]) -> StepReport:
        """The report picks the competencies to develop now (M7)."""
        return self._step(
            plan_id,
            person_id,
            EventName.FOCUS_CHOSEN,
            lambda p, a, t: p.choose_focus(tuple(competency_ids), a, t),
        )

    @checked
    @one_plan_step
    def write_grow(self, plan_id: str, person_id: str, grow: GrowPlan) -> StepReport:
        """The report writes or revises the GROW plan (M8, M9); tickets follow; the stress test reports."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = plan.write_grow(grow, self.actor(plan, person_id), at)
        findings = tuple(
            f.message for f in (stress_test(after.grow, self.settings.grow) if after.grow else ())
        )
        event = EventName.GROW_REVISED if plan.grow is not None else EventName.GROW_WRITTEN
        return self._commit(plan, after, event, at, findings=findings)

    @checked
    @one_plan_step
    def record_grow_review(self, plan_id: str, person_id: str) -> StepReport:
        """Conversation 3 was held (M3); check-ins start and both sides may give feedback (M16)."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        self.actor(plan, person_id)
        after = plan.record_held(ConversationKind.GROW_REVIEW, at)  # the sequence first (M3)
        if plan.grow is None:
            raise RuleViolation(
                "M9",
                "conversation 3 reviews the report's GROW plan, and there is none yet",
                f"the report writes it first (homework after conversation 2): 'careerconv record "
                f"{plan.report_id} grow --file grow.toml --as {plan.report_id}'",
            )
        people = self._people(after)
        notices = [
            self._notice(
                after,
                NoticeKind.FEEDBACK_REQUEST,
                people[pid],
                at,
                when="any time you like; it is optional",
            )
            for pid in (after.report_id, after.manager_id)
        ]
        return self._commit(plan, after, EventName.GROW_REVIEW_HELD, at, notices=notices)

    @checked
    def set_consent(self, plan_id: str, person_id: str, consent: Consent) -> StepReport:
        """The report decides what leaves the pair: goal on tickets, summary to the HRIS."""
        return self._step(
            plan_id, person_id, EventName.CONSENT_CHANGED, lambda p, a, _t: p.set_consent(consent, a)
        )
