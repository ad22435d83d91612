"""What every use case shares: the settings, the report of a step, and one way to commit.

A step loads a plan, applies one step of the method, and commits the new
plan together with the side effects it implies, in one transaction. Side
effects are never delivered here: they are derived by comparing what the
plan implied before and after the step (invites, tickets, the HR summary),
plus the notices a step sends, written to the outbox and delivered later by
``careerconv_core.dispatch``. Observers hear about the step after the commit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from attrs import evolve, field, frozen

from careerconv_core import colleagues, disclosures, projections, serialization
from careerconv_core.boundary import checked
from careerconv_core.domain.cadence import CadenceRules
from careerconv_core.domain.clock import Interval, require_moment, without
from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.domain.events import DomainEvent, EventName
from careerconv_core.domain.grow import GrowRules
from careerconv_core.domain.notices import NOTICE_TEXTS, NoticeKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.domain.when import day, local
from careerconv_core.errors import CareerconvError, ConcurrentChange, InvalidInput, RuleViolation
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import BookingsRead, CalendarBackend, PlanChange, PlanStore
from careerconv_core.views import NoticeView

Clock = Callable[[], datetime]
IdFactory = Callable[[], str]


STEP_ATTEMPTS = 10
"""How often a one-plan step is tried when other processes keep changing that plan.

Every round one of the contenders commits, so a step among fewer than ten
writers of one plan at once always gets its turn."""

P = ParamSpec("P")
R = TypeVar("R")


def one_plan_step(step: Callable[P, R]) -> Callable[P, R]:
    """Run ``step`` again, from a fresh read, when its plan changed meanwhile (``ConcurrentChange``).

    For steps that read one plan, decide from it and the people alone, and
    commit once: run again, the step decides from the plan as another process
    left it and every rule is checked again, so two people acting on one plan
    at the same time both get their step, or a rule's refusal, not a conflict.
    """

    @functools.wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        attempt = 1
        while True:
            try:
                return step(*args, **kwargs)
            except ConcurrentChange:
                if attempt >= STEP_ATTEMPTS:
                    raise
                attempt += 1

    return run


@frozen
class Settings:
    """How the use cases behave; every value has the method's default.

    ``lengths`` is the one place the conversations' minutes are set: new plans
    carry it, and ``scheduling.lengths`` is that same value.
    """

    lengths: ConversationLengths = ConversationLengths()
    grow: GrowRules = GrowRules()
    cadence: CadenceRules = CadenceRules()
    handoff_answer_days: int = 14
    handoff_meeting_minutes: int = 45
    # A report removed from the org and back within this many days gets their plan back.
    return_grace_days: int = 30
    link_base: str | None = None
    scheduling: SchedulingRules = SchedulingRules()

    def __attrs_post_init__(self) -> None:
        # The rules take the lengths from here, so no second set of minutes can differ; rules
        # that name other minutes than these are refused rather than quietly overwritten.
        given = self.scheduling.lengths
        if given != self.lengths and given != ConversationLengths():
            raise InvalidInput(
                "settings.scheduling.lengths",
                "the same minutes as settings.lengths (set the lengths there only)",
                f"{given.life_story}/{given.pinnacle}/{given.grow_review} against "
                f"{self.lengths.life_story}/{self.lengths.pinnacle}/{self.lengths.grow_review}",
            )
        if given is not self.lengths:
            object.__setattr__(self, "scheduling", evolve(self.scheduling, lengths=self.lengths))
        if self.handoff_answer_days < 1 or self.handoff_meeting_minutes < 1:
            raise InvalidInput(
                "settings.handoff_answer_days",
                "at least one day to answer, and a meeting of at least one minute",
                f"{self.handoff_answer_days} day(s), {self.handoff_meeting_minutes} minute(s)",
            )
        if isinstance(self.return_grace_days, bool) or not isinstance(self.return_grace_days, int):
            raise InvalidInput("settings.return_grace_days", "a whole number of days", "not a whole number")
        if self.return_grace_days < 0:
            raise InvalidInput("settings.return_grace_days", "0 days or more", f"{self.return_grace_days}")


@frozen
class StepReport:
    """What one use case did: the plan after it, the events and the effects queued."""

    plan: CareerPlan
    events: tuple[EventName, ...]
    queued: tuple[str, ...]  # outbox keys
    findings: tuple[str, ...] = ()


def safe_message(exc: BaseException) -> str:
    """An error's text for people: our own errors as they are, anything else by type only."""
    if isinstance(exc, CareerconvError):
        return str(exc)
    return f"unexpected {type(exc).__name__}"


@frozen
class ServiceBase:
    """The use cases' dependencies: a store, a clock, an id source, settings and an event sink."""

    store: PlanStore
    clock: Clock
    new_id: IdFactory
    settings: Settings = Settings()
    observe: Callable[[DomainEvent], object] = field(default=lambda _e: None)
    calendar: CalendarBackend | None = None  # read for free/busy only; writes go through the outbox

    def now(self) -> datetime:
        """The current moment, checked to carry a time zone and to lie in the years careerconv plans in."""
        return require_moment(self.clock(), "clock()")

    @checked
    def actor(self, plan: CareerPlan, person_id: str) -> Actor:
        """Whether ``person_id`` acts as the plan's report or its manager (M1 otherwise).

        A manager who left the org (erased, or removed by an org sync) takes no
        more steps on the plan: the handoff under way brings the next one (M12).
        """
        acting = plan.actor(person_id)
        if person_id == plan.manager_id and not colleagues.present(self.store, (person_id,)):
            raise RuleViolation(
                "M12",
                f"{person_id}, the manager of plan {plan.id!r}, is no longer in the org",
                f"the report answers the handoff to their new manager first "
                f"(careerconv handoff status {plan.report_id}); then the new manager takes the step",
            )
        return acting

    def _people(self, plan: CareerPlan, *extra: str) -> dict[str, Person]:
        ids = {plan.report_id, plan.manager_id, *extra}
        for h in plan.handoffs:
            ids |= {h.old_manager_id, h.new_manager_id}
        if plan.grow is not None:
            ids |= {a.owner_id for a in plan.grow.actions}
        # Someone who left is left out: the projections then send nothing to them (colleagues).
        return colleagues.present(self.store, sorted(ids))

    def _entry(self, channel: Channel, key: str, payload: object, plan_id: str, at: datetime) -> OutboxEntry:
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
        link = self.settings.link_base
        old_summary = projections.summary(before) if before else None
        new_summary = projections.summary(after)
        if old_summary is not None and new_summary is None:  # consent withdrawn: retract it
            new_summary = projections.retraction(old_summary, at.date())
        pairs: list[tuple[Channel, Mapping[str, object], Mapping[str, object]]] = [
            (
                Channel.CALENDAR,
                projections.invites(before, people) if before else {},
                projections.invites(after, people),
            ),
            (
                Channel.TRACKER,
                projections.tickets(before, people, link) if before else {},
                projections.tickets(after, people, link),
            ),
            (
                Channel.HRIS,
                {old_summary.external_id: old_summary} if old_summary else {},
                {new_summary.external_id: new_summary} if new_summary else {},
            ),
        ]
        entries: list[OutboxEntry] = []
        for channel, old, new in pairs:
            for key, view in new.items():
                if key not in old or serialization.dumps(old[key]) != serialization.dumps(view):
                    entries.append(self._entry(channel, key, view, after.id, at))
        return entries

    def _notice(
        self,
        plan: CareerPlan,
        kind: NoticeKind,
        recipient: Person,
        at: datetime,
        *,
        due: date | None = None,
        when_at: datetime | None = None,
        when: str = "",
        tag: str = "",
        **fields: str,
    ) -> OutboxEntry:
        """A notice from the method's table (``domain.notices``), keyed so a re-run sends it once.

        It names the report and the manager, and says when: ``when_at`` in the
        reader's own time zone, else the day ``due``, else ``when`` as given.
        """
        key = f"{plan.id}-{kind.value}-{recipient.id}{('-' + tag) if tag else ''}"
        report, manager = (
            recipient if recipient.id == pid else colleagues.named(self.store, pid)
            for pid in (plan.report_id, plan.manager_id)
        )
        if when_at is not None:
            when = local(when_at, recipient.time_zone)
        elif due is not None:
            when = day(due) + (when and f" ({when})")
        link = self._link(plan, kind, recipient)
        subject, body = NOTICE_TEXTS[kind].render(
            link,
            link_only=link is not None and self._link_only(plan, kind, recipient, link),
            report=report.name,
            report_id=report.id,
            manager=manager.name,
            manager_id=manager.id,
            reader_id=recipient.id,
            when=when or "whenever suits you",
            **fields,
        )
        view = NoticeView(key, kind, projections.participant(recipient), subject, body, due)
        return self._entry(Channel.NOTIFIER, key, view, plan.id, at)

    def _link(self, plan: CareerPlan, kind: NoticeKind, recipient: Person) -> str | None:
        """Where a notice's reader may act instead of typing: the plan under ``link_base``.

        A host that proves who is acting (the web surface's signed links) gives each reader a
        link of their own instead, by overriding this.
        """
        link = self.settings.link_base
        return f"{link.rstrip('/')}/plans/{plan.id}" if link else None

    def _link_only(self, plan: CareerPlan, kind: NoticeKind, recipient: Person, link: str) -> bool:
        """Whether the notice offers ``link`` alone, without the command to type: no by default.

        A host whose command line refuses the reader's steps (the report's, once a web
        surface is configured) says yes, so the notice offers only what the reader can do.
        """
        return False

    def _commit(
        self,
        before: CareerPlan | None,
        after: CareerPlan,
        event: EventName,
        at: datetime,
        *,
        notices: Iterable[OutboxEntry] = (),
        extra_people: Iterable[str] = (),
        findings: tuple[str, ...] = (),
        bookings: tuple[BookingsRead, ...] = (),
    ) -> StepReport:
        plan = evolve(after, version=1 if before is None else before.version + 1)
        people = self._people(plan, *extra_people)
        if before is not None:
            people.update(self._people(before))
        entries = [*self._effects(before, plan, people, at), *notices]
        # A plan shared with a new manager is recorded with the change that shares it.
        shared = tuple(disclosures.from_change(before, plan, at))
        self.store.commit(
            PlanChange(plans=(plan,), outbox=tuple(entries), bookings=bookings, disclosures=shared)
        )
        self.observe(DomainEvent(event, plan.id, at))
        return StepReport(plan, (event,), tuple(e.key for e in entries), findings)

    @one_plan_step
    def _step(
        self,
        plan_id: str,
        person_id: str,
        event: EventName,
        apply: Callable[[CareerPlan, Actor, datetime], CareerPlan],
    ) -> StepReport:
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = apply(plan, self.actor(plan, person_id), at)
        return self._commit(plan, after, event, at)

    def _busy(
        self,
        people: Sequence[Person],
        start: datetime,
        end: datetime,
        own: Mapping[str, Iterable[Interval]] | None = None,
    ) -> tuple[dict[str, tuple[Interval, ...]], str]:
        """Busy intervals from the calendar, or none and the reason (working hours alone).

        ``own`` gives, per person id, the time of careerconv's own events that
        are being placed again or moved: a calendar shows them as busy, but
        they are not busy for themselves, so that time is cut out, though
        never out of the report's ``away`` time (a day off over an old slot).
        """
        if self.calendar is None:
            return {}, "no calendar configured for free/busy: placed by working hours alone"
        try:
            report = self.calendar.busy([projections.participant(p) for p in people], start, end)
        except CareerconvError as exc:
            return {}, f"free/busy unavailable ({safe_message(exc)}): placed by working hours alone"
        if not report.available:
            return {}, f"free/busy unavailable ({report.reason}): placed by working hours alone"
        mine = {k: tuple(v) for k, v in (own or {}).items()}
        # Time away is never careerconv's own: an old slot under a day off since stays busy.
        return {
            k: tuple(
                sorted(
                    without(report.busy.get(k, ()), mine.get(k, ())) + tuple(report.away.get(k, ())),
                    key=lambda i: (i.start, i.end),
                )
            )
            for k in {*report.busy, *report.away}
        }, ""
