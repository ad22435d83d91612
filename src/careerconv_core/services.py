"""Use cases: each loads a plan, applies one step of the method, and commits the
new plan together with the side effects it implies, in one transaction.

Side effects are never delivered here. They are derived by comparing what
the plan implied before and after the step (invites, tickets, the HR
summary) plus the notices a step sends, written to the outbox, and delivered
later by ``careerconv_core.dispatch``. Observers hear about the step after
the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from attrs import evolve, field, frozen

from careerconv_core import projections, serialization
from careerconv_core.domain.cadence import CadenceRules, CheckInKind, DueItem, DueKind
from careerconv_core.domain.clock import Interval, require_aware
from careerconv_core.domain.conversations import (
    ConversationKind,
    ConversationLengths,
    ConversationStatus,
)
from careerconv_core.domain.feedback import FeedbackAggregate, FeedbackRating, aggregate
from careerconv_core.domain.grow import ActionStatus, GrowPlan, GrowRules, add_months, stress_test
from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.org import apply_snapshot, diff_org, validate_org
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import Pinnacle
from careerconv_core.domain.plan import CareerPlan, Consent, FollowUp, PlanStatus
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.scheduling import (
    Blocker,
    Placement,
    SchedulingRules,
    follow_ups,
    reschedule,
    reschedule_later,
    schedule_team,
    within_working_hours,
)
from careerconv_core.errors import CareerconvError, InvalidInput, NotFound, RuleViolation
from careerconv_core.hookspecs import DomainEvent
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import CalendarBackend, OrgSnapshot, PlanChange, PlanStore
from careerconv_core.views import NoticeKind, NoticeView, TicketStatus

Clock = Callable[[], datetime]
IdFactory = Callable[[], str]


class NotAParticipant(RuleViolation):
    """The person acting is neither the plan's report nor its manager."""

    def __init__(self, person_id: str, plan_id: str) -> None:
        super().__init__(
            "M1",
            f"{person_id!r} is neither the report nor the manager of plan {plan_id!r}",
            "act as the plan's report or its current manager",
        )


@frozen
class Settings:
    """How the use cases behave; every value has the method's default."""

    lengths: ConversationLengths = ConversationLengths()
    grow: GrowRules = GrowRules()
    cadence: CadenceRules = CadenceRules()
    handoff_answer_days: int = 14
    handoff_meeting_minutes: int = 45
    link_base: str | None = None
    scheduling: SchedulingRules = SchedulingRules()

    @property
    def rules(self) -> SchedulingRules:
        """The scheduler's rules with the conversation lengths of these settings."""
        return evolve(
            self.scheduling,
            life_story=self.lengths.life_story,
            pinnacle=self.lengths.pinnacle,
            grow_review=self.lengths.grow_review,
        )


@frozen
class StepReport:
    """What one use case did: the plan after it, the events and the effects queued."""

    plan: CareerPlan
    events: tuple[str, ...]
    queued: tuple[str, ...]  # outbox keys
    findings: tuple[str, ...] = ()


@frozen
class Services:
    """The use cases, bound to a store, a clock, an id source and an event sink."""

    store: PlanStore
    clock: Clock
    new_id: IdFactory
    settings: Settings = Settings()
    observe: Callable[[DomainEvent], object] = field(default=lambda _e: None)
    calendar: CalendarBackend | None = None  # read for free/busy only; writes go through the outbox

    # ------------------------------------------------------------- helpers
    def now(self) -> datetime:
        """The current moment, checked to carry a time zone."""
        return require_aware(self.clock(), "clock()")

    def _people(self, plan: CareerPlan, *extra: str) -> dict[str, Person]:
        ids = {plan.report_id, plan.manager_id, *extra}
        for h in plan.handoffs:
            ids |= {h.old_manager_id, h.new_manager_id}
        if plan.grow is not None:
            ids |= {a.owner_id for a in plan.grow.actions}
        people: dict[str, Person] = {}
        for pid in ids:
            try:
                people[pid] = self.store.load_person(pid)
            except NotFound:
                if pid in (plan.report_id, plan.manager_id):
                    raise
        return people

    def actor(self, plan: CareerPlan, person_id: str) -> Actor:
        """Whether ``person_id`` acts as the plan's report or its manager."""
        if person_id == plan.report_id:
            return Actor.REPORT
        if person_id == plan.manager_id:
            return Actor.MANAGER
        raise NotAParticipant(person_id, plan.id)

    def _entry(
        self, channel: Channel, key: str, payload: object, plan_id: str, at: datetime
    ) -> OutboxEntry:
        return OutboxEntry(
            id=self.new_id(),
            key=f"{channel.value}:{key}",
            channel=channel,
            payload=serialization.dumps(payload),
            plan_id=plan_id,
            created_at=at,
            next_attempt_at=at,
        )

    def _effects(
        self,
        before: CareerPlan | None,
        after: CareerPlan,
        people: Mapping[str, Person],
        at: datetime,
    ) -> list[OutboxEntry]:
        """Outbox entries for every invite, ticket or summary that differs between the two plans."""
        entries: list[OutboxEntry] = []
        pairs: list[tuple[Channel, Mapping[str, object], Mapping[str, object]]] = [
            (
                Channel.CALENDAR,
                projections.invites(before, people) if before else {},
                projections.invites(after, people),
            ),
            (
                Channel.TRACKER,
                projections.tickets(before, people, self.settings.link_base) if before else {},
                projections.tickets(after, people, self.settings.link_base),
            ),
        ]
        old_summary = projections.summary(before) if before else None
        new_summary = projections.summary(after)
        pairs.append(
            (
                Channel.HRIS,
                {old_summary.external_id: old_summary} if old_summary else {},
                {new_summary.external_id: new_summary} if new_summary else {},
            )
        )
        for channel, old, new in pairs:
            for key, view in new.items():
                if key not in old or serialization.dumps(old[key]) != serialization.dumps(view):
                    entries.append(self._entry(channel, key, view, after.id, at))
        return entries

    def _notice(  # noqa: PLR0917 - private; every call site names its texts in order
        self,
        plan: CareerPlan,
        kind: NoticeKind,
        recipient: Person,
        subject: str,
        body: str,
        at: datetime,
        *,
        due: date | None = None,
        tag: str = "",
    ) -> OutboxEntry:
        key = f"{plan.id}-{kind.value}-{recipient.id}{('-' + tag) if tag else ''}"
        view = NoticeView(key, kind, projections.participant(recipient), subject, body, due)
        return self._entry(Channel.NOTIFIER, key, view, plan.id, at)

    def _commit(
        self,
        before: CareerPlan | None,
        after: CareerPlan,
        event: str,
        at: datetime,
        *,
        notices: Iterable[OutboxEntry] = (),
        extra_people: Iterable[str] = (),
        findings: tuple[str, ...] = (),
    ) -> StepReport:
        plan = evolve(after, version=1 if before is None else before.version + 1)
        people = self._people(plan, *extra_people)
        if before is not None:
            people.update(self._people(before))
        entries = [*self._effects(before, plan, people, at), *notices]
        self.store.commit(PlanChange(plans=(plan,), outbox=tuple(entries)))
        self.observe(DomainEvent(event, plan.id, at))
        return StepReport(plan, (event,), tuple(e.key for e in entries), findings)

    def _step(
        self,
        plan_id: str,
        person_id: str,
        event: str,
        apply: Callable[[CareerPlan, Actor, datetime], CareerPlan],
    ) -> StepReport:
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = apply(plan, self.actor(plan, person_id), at)
        return self._commit(plan, after, event, at)

    # ------------------------------------------------------------------ M1
    def propose(self, manager_id: str, report_id: str) -> StepReport:
        """The manager proposes Career Conversations to a direct report (M1)."""
        at = self.now()
        report = self.store.load_person(report_id)
        self.store.load_person(manager_id)
        if report.manager_id != manager_id:
            raise RuleViolation(
                "M1",
                f"{report_id!r} does not report to {manager_id!r}",
                "only a report's current manager proposes; update the org first",
            )
        for existing in self.store.find_plans(report_id=report_id):
            if existing.status in (PlanStatus.PROPOSED, PlanStatus.ACTIVE, PlanStatus.PAUSED):
                raise RuleViolation(
                    "M1",
                    f"{report_id!r} already has an open plan {existing.id!r} ({existing.status.value})",
                    "continue that plan, or decline it first",
                )
        plan = CareerPlan.propose(self.new_id(), report_id, manager_id, at, self.settings.lengths)
        notice = self._notice(
            plan,
            NoticeKind.PROPOSAL,
            report,
            "Career Conversations: would you like to?",
            "Your manager proposes a series of three career conversations to help you define your "
            "long-term goals and next steps. It is voluntary: accept or decline as you wish.",
            at,
        )
        return self._commit(None, plan, "plan.proposed", at, notices=(notice,))

    def accept(self, plan_id: str, person_id: str, life_story_opt_in: bool) -> StepReport:
        """The report accepts, and says yes or no to conversation 1 (M1)."""
        return self._step(
            plan_id, person_id, "plan.accepted", lambda p, a, t: p.accept(a, t, life_story_opt_in)
        )

    def opt_in_life_story(self, plan_id: str, person_id: str, yes: bool = True) -> StepReport:
        """The report's own answer on conversation 1 (M1)."""
        return self._step(
            plan_id,
            person_id,
            "plan.life_story_opt_in",
            lambda p, a, t: p.opt_in_life_story(a, t, yes),
        )

    def decline(self, plan_id: str, person_id: str) -> StepReport:
        """Either side declines (M1); scheduled invites are cancelled."""
        return self._step(plan_id, person_id, "plan.declined", lambda p, a, t: p.decline(a, t))

    def pause(self, plan_id: str, person_id: str) -> StepReport:
        """Either side pauses (M1); scheduled invites are cancelled."""
        return self._step(plan_id, person_id, "plan.paused", lambda p, a, t: p.pause(a, t))

    def resume(self, plan_id: str, person_id: str) -> StepReport:
        """A paused plan goes on; schedule the conversations again."""
        return self._step(plan_id, person_id, "plan.resumed", lambda p, a, t: p.resume(a, t))

    # ------------------------------------------------------------------ M2
    def confirm_readiness(
        self, plan_id: str, person_id: str, equipped: bool, trust_in_place: bool
    ) -> StepReport:
        """The manager's trust gate (M2); a "no" raises "repair trust first" and changes nothing."""
        return self._step(
            plan_id,
            person_id,
            "plan.readiness_confirmed",
            lambda p, a, t: p.confirm_readiness(a, equipped, trust_in_place, t),
        )

    # -------------------------------------------------------------- M3, M4
    def place_conversations(
        self,
        plan_id: str,
        person_id: str,
        slots: Mapping[ConversationKind, tuple[datetime, datetime]],
    ) -> StepReport:
        """Put conversations on the calendar (or move them): invites go out, moved ones updated."""
        return self._step(
            plan_id, person_id, "plan.scheduled", lambda p, a, t: p.schedule(slots, t)
        )

    def record_life_story(self, plan_id: str, person_id: str, story: LifeStory) -> StepReport:
        """Conversation 1 was held; keep what was learned (pair only)."""

        def apply(p: CareerPlan, _a: Actor, t: datetime) -> CareerPlan:
            if not p.held(ConversationKind.LIFE_STORY):
                p = p.record_held(ConversationKind.LIFE_STORY, t)
            return p.record_life_story(story, t)

        return self._step(plan_id, person_id, "conversation.life_story_held", apply)

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
                    "Your GROW homework before conversation 3",
                    "Fill in the rest of your GROW plan: the Goal you picked, where you are today (your "
                    "ratings), the Options for developing the competencies you chose, and the Will: "
                    "concrete next steps with an owner, a date and a 'done when'.",
                    at,
                )
            )
        return self._commit(plan, after, "conversation.pinnacle_held", at, notices=notices)

    def rate(self, plan_id: str, person_id: str, competency_id: str, rating: int) -> StepReport:
        """The report rates their ability on one competency, 1-5 (M6)."""
        return self._step(
            plan_id,
            person_id,
            "competency.rated",
            lambda p, a, t: p.rate(competency_id, rating, a, t),
        )

    def observe_competency(
        self, plan_id: str, person_id: str, competency_id: str, observation: str, rating: int | None
    ) -> StepReport:
        """The manager's observation beside the report's rating (M6)."""
        return self._step(
            plan_id,
            person_id,
            "competency.observed",
            lambda p, a, t: p.observe(competency_id, observation, rating, a, t),
        )

    def choose_focus(
        self, plan_id: str, person_id: str, competency_ids: Sequence[str]
    ) -> StepReport:
        """The report picks the competencies to develop now (M7)."""
        return self._step(
            plan_id,
            person_id,
            "focus.chosen",
            lambda p, a, t: p.choose_focus(tuple(competency_ids), a, t),
        )

    def write_grow(self, plan_id: str, person_id: str, grow: GrowPlan) -> StepReport:
        """The report writes or revises the GROW plan (M8, M9); tickets follow; the stress test reports."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = plan.write_grow(grow, self.actor(plan, person_id), at)
        findings = tuple(
            f.message for f in (stress_test(after.grow, self.settings.grow) if after.grow else ())
        )
        event = "grow.revised" if plan.grow is not None else "grow.written"
        return self._commit(plan, after, event, at, findings=findings)

    def record_grow_review(self, plan_id: str, person_id: str) -> StepReport:
        """Conversation 3 was held (M3); check-ins start and both sides may give feedback (M16)."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        self.actor(plan, person_id)
        if plan.grow is None:
            raise RuleViolation(
                "M9",
                "conversation 3 reviews the report's GROW plan, and there is none yet",
                "the report writes the GROW plan first (homework after conversation 2)",
            )
        after = plan.record_held(ConversationKind.GROW_REVIEW, at)
        people = self._people(after)
        notices = [
            self._notice(
                after,
                NoticeKind.FEEDBACK_REQUEST,
                people[pid],
                "How were the career conversations?",
                "If you like, rate the three conversations from 0 to 10. HR only ever sees "
                "aggregates over groups of five or more people.",
                at,
            )
            for pid in (after.report_id, after.manager_id)
        ]
        return self._commit(plan, after, "conversation.grow_review_held", at, notices=notices)

    def set_consent(self, plan_id: str, person_id: str, consent: Consent) -> StepReport:
        """The report decides what leaves the pair: goal on tickets, summary to the HRIS."""
        return self._step(
            plan_id, person_id, "consent.changed", lambda p, a, _t: p.set_consent(consent, a)
        )

    def set_action_status(
        self, plan_id: str, person_id: str, action_id: str, done: bool
    ) -> StepReport:
        """Mark a GROW action done or reopen it; its ticket follows."""
        status = ActionStatus.DONE if done else ActionStatus.OPEN
        return self._step(
            plan_id,
            person_id,
            "action.done" if done else "action.reopened",
            lambda p, _a, t: p.set_action_status(action_id, status, t.date(), t),
        )

    # ----------------------------------------------------------------- M10
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
                    "Talking about your career, your way",
                    "You said you do not want a longer career conversation now, and that is fine. If it "
                    "helps, someone else inside or outside the company may be a good person to talk "
                    "your plan through with. Your monthly check-in stays a short agenda item.",
                    at,
                )
            )
        return self._commit(plan, after, f"checkin.{kind.value}", at, notices=notices)

    def place_follow_ups(
        self, plan_id: str, person_id: str, follow_ups: Sequence[FollowUp]
    ) -> StepReport:
        """Put the first year's check-ins and quarterly reviews on the calendar (M10)."""
        return self._step(
            plan_id,
            person_id,
            "followups.scheduled",
            lambda p, _a, t: p.place_follow_ups(tuple(follow_ups), t),
        )

    def due(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included)."""
        return self.store.due_on(day, manager_id)

    def send_nudges(self, day: date, manager_id: str | None = None) -> list[str]:
        """Queue a notice per due check-in, review, update or probe (M10); one per item and day.

        Returns the outbox keys queued. Re-running on the same day queues the
        same keys, which the notifier delivers once.
        """
        at = self.now()
        by_plan: dict[str, list[DueItem]] = {}
        for item in self.store.due_on(day, manager_id):
            if item.kind in (
                DueKind.CHECK_IN,
                DueKind.EXTENDED_REVIEW,
                DueKind.PLAN_UPDATE,
                DueKind.PROBE,
            ):
                by_plan.setdefault(item.plan_id, []).append(item)
        queued: list[str] = []
        texts = {
            DueKind.CHECK_IN: (
                NoticeKind.CHECK_IN_DUE,
                "Career plan check-in due",
                "Add a 5-10 minute career check-in early in your next 1:1: are the "
                "next steps on track, and is there anything new to talk about?",
            ),
            DueKind.EXTENDED_REVIEW: (
                NoticeKind.REVIEW_DUE,
                "Quarterly career review due",
                "Time for the quarterly career review (about 30 minutes).",
            ),
            DueKind.PLAN_UPDATE: (
                NoticeKind.REVIEW_DUE,
                "Career plan update due",
                "The GROW plan has not been updated this quarter.",
            ),
            DueKind.PROBE: (
                NoticeKind.PROBE,
                "It has been a while since you looked at the plan",
                "Three months or more without touching the career plan. Stay curious a "
                "little longer: is all well, or would a separate conversation help?",
            ),
        }
        for plan_id, items in by_plan.items():
            plan = self.store.load_plan(plan_id)
            manager = self.store.load_person(plan.manager_id)
            entries = []
            for item in items:
                kind, subject, body = texts[item.kind]
                entries.append(
                    self._notice(
                        plan,
                        kind,
                        manager,
                        subject,
                        body,
                        at,
                        due=item.due,
                        tag=f"{item.kind.value}-{item.due.isoformat()}",
                    )
                )
            self.store.commit(PlanChange(outbox=tuple(entries)))
            queued += [e.key for e in entries]
        return queued

    # ------------------------------------------------------- team scheduler
    def _busy(
        self, people: Sequence[Person], start: datetime, end: datetime
    ) -> tuple[dict[str, tuple[Interval, ...]], str]:
        """Busy intervals from the calendar, or none and the reason (working hours alone)."""
        if self.calendar is None:
            return {}, "no calendar configured for free/busy: placed by working hours alone"
        try:
            report = self.calendar.busy([projections.participant(p) for p in people], start, end)
        except CareerconvError as exc:
            return {}, f"free/busy unavailable ({safe_message(exc)}): placed by working hours alone"
        if not report.available:
            return {}, f"free/busy unavailable ({report.reason}): placed by working hours alone"
        return {k: tuple(v) for k, v in report.busy.items()}, ""

    def _booked(self, manager_id: str, skip_plan: str | None = None) -> list[Interval]:
        booked = []
        for plan in self.store.find_plans(manager_id=manager_id):
            if plan.id == skip_plan:
                continue
            for conv in plan.conversations:
                if conv.status is ConversationStatus.SCHEDULED and conv.start and conv.end:
                    booked.append(Interval(conv.start, conv.end))
        return booked

    def schedule_team(
        self,
        manager_id: str,
        start: date,
        report_ids: Sequence[str] | None = None,
        progress: Callable[[int, int], object] | None = None,
    ) -> TeamScheduleReport:
        """Place conversations 1-3 for the manager's ready reports in the month from ``start`` (M4, M11).

        Reports whose plan is not ready (no plan, not accepted, no opt-in to
        conversation 1, trust gate open) are listed with the rule that holds
        them; reports that do not fit are listed with the constraint that
        blocks them. Nobody is dropped silently.
        """
        manager = self.store.load_person(manager_id)
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
            plans = [
                p
                for p in self.store.find_plans(report_id=person.id)
                if p.status in (PlanStatus.PROPOSED, PlanStatus.ACTIVE, PlanStatus.PAUSED)
            ]
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
        window_end = add_months(start, 1)
        lo = datetime.combine(start, datetime.min.time(), tzinfo=manager.zone)
        hi = datetime.combine(window_end, datetime.min.time(), tzinfo=manager.zone)
        busy, note = self._busy([manager, *(p for p, _ in ready)], lo, hi)
        result = schedule_team(
            manager,
            [p for p, _ in ready],
            start,
            self.settings.rules,
            busy,
            self._booked(manager_id),
            with_follow_ups=False,
        )
        placed: dict[str, str] = {}
        for n, (person, plan) in enumerate(ready, 1):
            placement = result.placements.get(person.id)
            if placement is not None:
                self.place_conversations(plan.id, manager_id, _slots(placement))
                placed[person.id] = plan.id
            if progress is not None:
                progress(n, len(ready))
        return TeamScheduleReport(
            manager_id=manager_id,
            placed=placed,
            placements=dict(result.placements),
            unplaced=dict(result.unplaced),
            not_ready=not_ready,
            minutes_per_week=dict(result.minutes_per_week),
            note=note,
        )

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
        busy, _note = self._busy([manager, report], lo, hi)
        own = {(s.interval.start, s.interval.end) for s in placement.slots}
        busy = {k: tuple(i for i in v if (i.start, i.end) not in own) for k, v in busy.items()}
        move = reschedule_later if shift_later else reschedule
        moved = move(
            placement,
            kind.value,
            new_start,
            manager,
            report,
            self.settings.rules,
            busy,
            self._booked(plan.manager_id, skip_plan=plan.id),
        )
        slots = {
            k: v
            for k, v in _slots(moved).items()
            if plan.conversation(k).status is ConversationStatus.SCHEDULED
        }
        return self.place_conversations(plan_id, person_id, slots)

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
        manager, report = (
            self.store.load_person(plan.manager_id),
            self.store.load_person(plan.report_id),
        )
        after = max(review.held_at, self.now())
        end = after + timedelta(days=31 * (self.settings.rules.follow_up_months + 1))
        busy, _note = self._busy([manager, report], after, end)
        placed = follow_ups(manager, report, after, self.settings.rules, busy)
        items = tuple(
            FollowUp(f.sequence, CheckInKind(f.kind), f.interval.start, f.interval.end)
            for f in placed
        )
        return self._step(
            plan_id, person_id, "followups.scheduled", lambda p, _a, t: p.place_follow_ups(items, t)
        )

    # ------------------------------------------------------------- M12, M13
    def manager_changed(self, report_id: str, new_manager_id: str) -> list[StepReport]:
        """The org says ``report_id`` now reports to ``new_manager_id``: ask the report first (M12).

        Nothing about the plan reaches the new manager until the report consents.
        """
        at = self.now()
        reports = []
        for plan in self.store.find_plans(report_id=report_id):
            if plan.status not in (PlanStatus.PROPOSED, PlanStatus.ACTIVE, PlanStatus.PAUSED):
                continue
            if plan.status is PlanStatus.PROPOSED:
                # Nothing to hand over yet: the proposal lapses with the old manager.
                reports.append(
                    self._commit(plan, plan.decline(Actor.MANAGER, at), "plan.lapsed", at)
                )
                continue
            deadline = at + timedelta(days=self.settings.handoff_answer_days)
            after = plan.start_handoff(self.new_id(), new_manager_id, at, deadline)
            if after is plan:
                continue
            notices = []
            current = after.current_handoff
            if current is not None and current.is_open and current.new_manager_id == new_manager_id:
                report = self.store.load_person(report_id)
                notices.append(
                    self._notice(
                        after,
                        NoticeKind.CONSENT_REQUEST,
                        report,
                        "May your career plan go to your new manager?",
                        "You have a new manager. Your career plan is shared with them only if you say "
                        f"yes. If you do not answer by {deadline.date().isoformat()}, nothing is shared.",
                        at,
                        due=deadline.date(),
                        tag=current.id,
                    )
                )
            reports.append(
                self._commit(
                    plan,
                    after,
                    "handoff.consent_asked",
                    at,
                    notices=notices,
                    extra_people=(new_manager_id,),
                )
            )
        return reports

    def answer_handoff(self, plan_id: str, person_id: str, granted: bool) -> StepReport:
        """The report's answer (M12). Yes: share and schedule nothing yet. No: nothing is shared."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = plan.answer_handoff(granted, self.actor(plan, person_id), at)
        handoff = after.current_handoff
        if handoff is None:  # answer_handoff refuses without one; this keeps the type honest
            raise RuleViolation("M12", "no manager change is under way", "start a handoff first")
        notices = []
        if handoff.consented:
            after = after.share_with_new_manager(at)
            new = self.store.load_person(handoff.new_manager_id)
            notices.append(
                self._notice(
                    after,
                    NoticeKind.PLAN_SHARED,
                    new,
                    "A career plan was shared with you",
                    "Your new report agreed to share their career plan. A three-way meeting with "
                    "them and their previous manager will walk you through it.",
                    at,
                    tag=handoff.id,
                )
            )
            event = "handoff.shared"
        else:
            old = self.store.load_person(handoff.old_manager_id)
            notices.append(
                self._notice(
                    after,
                    NoticeKind.ACCESS_ENDED,
                    old,
                    "Your access to a career plan ended",
                    "Your former report chose not to share their career plan with their new manager. "
                    "Your access to it has ended.",
                    at,
                    tag=handoff.id,
                )
            )
            event = "handoff.refused"
        return self._commit(
            plan, after, event, at, notices=notices, extra_people=(handoff.new_manager_id,)
        )

    def expire_handoffs(self) -> list[StepReport]:
        """No answer by the deadline means no (M12): end the old manager's access, share nothing."""
        at = self.now()
        reports = []
        for item in self.store.due_on(at.date()):
            if item.kind is not DueKind.HANDOFF_CONSENT:
                continue
            plan = self.store.load_plan(item.plan_id)
            after = plan.expire_handoff(at)
            if after is not plan:
                reports.append(self._commit(plan, after, "handoff.expired", at))
        return reports

    def _check_hours(self, person_ids: Iterable[str], start: datetime, end: datetime) -> None:
        """Refuse a meeting outside anyone's working hours, naming who and what to do."""
        outside = sorted(
            pid for pid in set(person_ids)
            if not within_working_hours(self.store.load_person(pid), Interval(start, end))
        )
        if outside:
            raise InvalidInput(
                "at", "a time inside every participant's working hours (in their own time zone)",
                f"outside the working hours of {', '.join(outside)}",
            )

    def schedule_handoff_meeting(
        self, plan_id: str, person_id: str, start: datetime, end: datetime | None = None
    ) -> StepReport:
        """The three-way meeting: report, old and new manager (M12)."""
        stop = end or start + timedelta(minutes=self.settings.handoff_meeting_minutes)
        plan = self.store.load_plan(plan_id)
        handoff = plan.current_handoff
        if handoff is not None:
            self._check_hours((plan.report_id, handoff.old_manager_id, handoff.new_manager_id), start, stop)
        return self._step(
            plan_id,
            person_id,
            "handoff.meeting_scheduled",
            lambda p, _a, _t: p.schedule_handoff_meeting(start, stop),
        )

    def choose_path(self, plan_id: str, person_id: str, path: NewManagerPath) -> StepReport:
        """The new manager records how they and the report go on (M13)."""
        return self._step(
            plan_id,
            person_id,
            f"handoff.path_{path.value}",
            lambda p, a, t: p.choose_path(path, a, t),
        )

    def schedule_meeting(
        self, plan_id: str, person_id: str, kind: str, start: datetime, minutes: int
    ) -> StepReport:
        """An abbreviated session (M13) or the manager's life story for the report (M14)."""
        if kind not in ("abbreviated_session", "manager_life_story"):
            raise InvalidInput("kind", "abbreviated_session or manager_life_story", kind)
        plan = self.store.load_plan(plan_id)
        self._check_hours((plan.report_id, plan.manager_id), start, start + timedelta(minutes=minutes))
        return self._step(
            plan_id,
            person_id,
            f"meeting.{kind}",
            lambda p, _a, t: p.schedule_meeting(kind, start, start + timedelta(minutes=minutes), t),
        )

    def schedule_team_life_story(self, manager_id: str, start: datetime, minutes: int = 15) -> str:
        """Put a team "life story" segment in the manager's team meeting (M14); returns its uid.

        Everyone reporting to the manager is invited. Nothing about any plan is in it.
        """
        require_aware(start, "start")
        if not 5 <= minutes <= 60:
            raise InvalidInput("minutes", "5 to 60 minutes (the method suggests 15)", str(minutes))
        manager = self.store.load_person(manager_id)
        team = tuple(sorted((p for p in self.store.list_people() if p.manager_id == manager_id),
                            key=lambda p: p.id))
        if not team:
            raise InvalidInput("manager", "a manager with direct reports", f"{manager_id!r} has none")
        view = projections.team_life_story(manager, team, start, minutes)
        entry = self._entry(Channel.CALENDAR, view.uid, view, f"team-{manager_id}", self.now())
        self.store.commit(PlanChange(outbox=(entry,)))
        return view.uid

    def request_manager_life_story(self, plan_id: str, person_id: str) -> StepReport:
        """The report asks to hear the manager's life story (M14)."""
        return self._step(
            plan_id,
            person_id,
            "reciprocity.requested",
            lambda p, a, t: p.request_manager_life_story(a, t),
        )

    def report_left(self, report_id: str) -> list[StepReport]:
        """The report left: cancel everything on their plans."""
        at = self.now()
        return [
            self._commit(plan, plan.report_left(at), "plan.report_left", at)
            for plan in self.store.find_plans(report_id=report_id)
            if plan.status not in (PlanStatus.DECLINED, PlanStatus.ENDED)
        ]

    def sync_org(
        self, snapshot: OrgSnapshot, *, complete: bool, cursor_name: str = "org"
    ) -> OrgSyncReport:
        """Take people from an HRIS source (M12).

        ``complete`` says the snapshot is the whole org (a full read): anyone
        stored but missing from it has left. Otherwise it is a poll: its people
        replace or join the stored ones and only ``snapshot.removed`` leave.
        The merged org is validated first (unknown managers, cycles, duplicate
        emails), so a bad read changes nothing. Then people are stored,
        handoffs start for changed managers (consent first), and plans of
        people who left end.
        """
        known = {p.id: p for p in self.store.list_people()}
        if complete:
            merged = tuple(snapshot.people)
            leaving = tuple(pid for pid in known if pid not in {p.id for p in merged})
        else:
            leaving = tuple(pid for pid in snapshot.removed if pid in known)
            merged = apply_snapshot(tuple(known.values()), snapshot.people, leaving)
        validate_org(merged)
        diff = diff_org(tuple(known.values()), merged)
        changed = tuple(p for p in merged if known.get(p.id) != p)
        cursors = ((cursor_name, snapshot.cursor),) if snapshot.cursor else ()
        added = tuple(p for p in changed if p.id not in known)
        # The order makes a sync cut short (a crash) safe to repeat: people new to the store
        # first (handoffs name them), then handoffs and ends, and only then the changed people
        # and the cursor, so a repeat still sees every manager change that needs a handoff.
        if added:
            self.store.commit(PlanChange(people=added))
        handoffs = [
            r
            for move in diff.manager_changes
            if move.new_manager_id is not None
            for r in self.manager_changed(move.person_id, move.new_manager_id)
        ]
        left = [r for pid in leaving for r in self.report_left(pid)]
        updated = tuple(p for p in changed if p.id in known)
        self.store.commit(PlanChange(people=updated, removed_people=leaving, cursors=cursors))
        return OrgSyncReport(
            added=tuple(p.id for p in added),
            updated=tuple(p.id for p in updated),
            removed=leaving,
            handoffs=tuple(r.plan.id for r in handoffs),
            ended=tuple(r.plan.id for r in left),
        )

    # ----------------------------------------------------------------- M16
    def feedback_report(self, manager_id: str | None = None) -> FeedbackAggregate:
        """What HR may see of the feedback (M16): medians over at least five people, never scores.

        The group is everyone under ``manager_id`` (at any depth), or the whole
        org. A smaller group is refused with RuleViolation M16.
        """
        people = {p.id: p for p in self.store.list_people()}
        if manager_id is not None and manager_id not in people:
            raise NotFound("person", manager_id)

        def under(person_id: str) -> bool:
            seen: set[str] = set()
            current = people.get(person_id)
            while current is not None and current.manager_id and current.id not in seen:
                seen.add(current.id)
                if current.manager_id == manager_id:
                    return True
                current = people.get(current.manager_id)
            return False

        ratings = [
            rating
            for plan in self.store.find_plans()
            if manager_id is None or under(plan.report_id)
            for rating in plan.feedback
        ]
        return aggregate(manager_id or "whole org", ratings)

    def give_feedback(self, plan_id: str, person_id: str, score: int) -> StepReport:
        """A 0-10 rating of the three conversations (M16); HR sees only aggregates of 5+."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        rating = FeedbackRating(self.actor(plan, person_id), person_id, score, at)
        return self._commit(plan, plan.give_feedback(rating), "feedback.given", at)

    # --------------------------------------------------------- tracker sync
    def pull_ticket_statuses(self, statuses: Mapping[str, TicketStatus]) -> list[str]:
        """Apply ticket statuses from the tracker: done closes an action, reopened reopens it.

        A deleted ticket is recorded on its action and returned, so the
        tracker is never asked to recreate it silently; ``resync_action``
        asks for it again.
        """
        deleted: list[str] = []
        by_plan: dict[str, dict[str, TicketStatus]] = {}
        for key, status in statuses.items():
            plan_id, _, action_id = key.removeprefix("cc-").partition("-a-")
            if not plan_id or not action_id:
                raise InvalidInput("ticket key", "a key made by careerconv (cc-<plan>-a-<action>)", key)
            if status is TicketStatus.DELETED:
                deleted.append(key)
            by_plan.setdefault(plan_id, {})[action_id] = status
        for plan_id, changes in by_plan.items():
            try:
                plan = self.store.load_plan(plan_id)
            except NotFound:
                continue  # a ticket of a plan this store does not hold: nothing to update
            if plan.grow is None:
                continue
            at = self.now()
            after = plan
            for action_id, status in changes.items():
                known = {a.id: a for a in after.grow.actions} if after.grow else {}
                action = known.get(action_id)
                if action is None:
                    continue
                if status is TicketStatus.DELETED:
                    if not action.ticket_deleted:
                        after = after.set_ticket_deleted(action_id, True, at)
                    continue
                want = ActionStatus.DONE if status is TicketStatus.DONE else ActionStatus.OPEN
                if action.status is not want:
                    after = after.set_action_status(action_id, want, at.date(), at)
            if after is not plan:
                self._commit(plan, after, "actions.synced", at)
        return deleted

    def resync_action(self, plan_id: str, person_id: str, action_id: str) -> StepReport:
        """Ask the tracker to create an action's ticket again after it was deleted there."""
        return self._step(
            plan_id, person_id, "action.resynced", lambda p, _a, t: p.set_ticket_deleted(action_id, False, t)
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
    lo = datetime.combine(first.date(), datetime.min.time(), tzinfo=first.tzinfo)
    hi = datetime.combine(add_months(first.date(), 1), datetime.min.time(), tzinfo=first.tzinfo)
    iv = [Interval(c.start, c.end) for c in convs if c.start is not None and c.end is not None]
    return Placement(plan.report_id, iv[0], iv[1], iv[2], Interval(lo, hi))


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


@frozen
class OrgSyncReport:
    """What an org sync changed: people, handoffs started, plans ended."""

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    handoffs: tuple[str, ...]
    ended: tuple[str, ...]


def safe_message(exc: BaseException) -> str:
    """An error's text for people: our own errors as they are, anything else by type only."""
    if isinstance(exc, CareerconvError):
        return str(exc)
    return f"unexpected {type(exc).__name__}"
