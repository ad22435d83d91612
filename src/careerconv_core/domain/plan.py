"""The career plan: one report, one manager, the method's whole life cycle (M1-M16).

``CareerPlan`` is an immutable value. Every step returns a new plan or raises
a ``CareerconvError`` that names the rule and the fix; a refused step changes
nothing. Time comes in as an argument; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from attrs import evolve, field, frozen

from careerconv_core.domain.acted_for import ActedFor
from careerconv_core.domain.answers import AnswersPart, MeetingAnswer
from careerconv_core.domain.cadence import (
    CadencePart,
    CheckIn,
    FollowUp,
    FollowUpStatus,
)
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.conversations import (
    ORDER,
    Conversation,
    ConversationKind,
    ConversationLengths,
    ConversationStatus,
    fresh_conversations,
)
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.grow import ActionStatus, GrowPlan, validate_grow
from careerconv_core.domain.handoff import Handoff, HandoffPart
from careerconv_core.domain.ids import id_field
from careerconv_core.domain.leaving import LeavingPart
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.meetings import Meeting, MeetingKind
from careerconv_core.domain.pinnacle import Pinnacle
from careerconv_core.domain.roles import Actor, actor_of
from careerconv_core.domain.scheduling.validity import Check, from_conversations
from careerconv_core.domain.status import EndReason, PlanStatus
from careerconv_core.errors import InvalidInput, RuleViolation


@frozen
class Readiness:
    """The manager's answer to the trust gate (M2)."""

    manager_equipped: bool
    trust_in_place: bool
    confirmed_at: datetime


@frozen
class Consent:
    """What the report allowed beyond the pair (section 4 of the design)."""

    share_goal_on_tickets: bool = False
    summary_to_hris: bool = False
    goal_in_summary: bool = False


@frozen
class CareerPlan(CadencePart, HandoffPart, LeavingPart, AnswersPart):
    """One report's Career Conversations with one manager, and the plan they produce."""

    id: str = field(validator=id_field)
    report_id: str = field(validator=id_field)
    manager_id: str = field(validator=id_field)
    proposed_at: datetime
    status: PlanStatus = PlanStatus.PROPOSED
    version: int = 1
    lengths: ConversationLengths = ConversationLengths()
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    declined_by: Actor | None = None
    paused_at: datetime | None = None
    life_story_opt_in: bool = False
    readiness: Readiness | None = None
    conversations: tuple[Conversation, ...] = field(factory=fresh_conversations)
    life_story: LifeStory = LifeStory()
    pinnacle: Pinnacle = Pinnacle()
    grow: GrowPlan | None = None
    grow_updated_at: datetime | None = None
    consent: Consent = Consent()
    check_ins: tuple[CheckIn, ...] = field(default=())
    follow_ups: tuple[FollowUp, ...] = field(default=())
    meetings: tuple[Meeting, ...] = field(default=())
    handoffs: tuple[Handoff, ...] = field(default=())
    feedback: tuple[FeedbackRating, ...] = field(default=())
    answers: tuple[MeetingAnswer, ...] = field(default=())  # read back from calendars
    manager_life_story_requested_at: datetime | None = None
    more_conversation_declined_at: datetime | None = None
    last_touched_at: datetime | None = None
    ended_at: datetime | None = None
    ended_reason: EndReason | None = None
    acted_for: tuple[ActedFor, ...] = field(default=())  # steps taken in the report's name (absent: none)

    def __attrs_post_init__(self) -> None:
        require_aware(self.proposed_at, "proposed_at")
        if [c.kind for c in self.conversations] != list(ORDER):
            raise InvalidInput(
                "conversations",
                "the three conversations life_story, pinnacle, grow_review in order",
            )
        if self.report_id == self.manager_id:
            raise InvalidInput("manager_id", "someone other than the report", "report is own manager")

    # ----------------------------------------------------------------- M1
    @classmethod
    def propose(
        cls,
        plan_id: str,
        report_id: str,
        manager_id: str,
        at: datetime,
        lengths: ConversationLengths = ConversationLengths(),
    ) -> CareerPlan:
        """The manager proposes Career Conversations to a report (M1, first opt-in)."""
        require_aware(at, "at")
        return cls(
            id=plan_id,
            report_id=report_id,
            manager_id=manager_id,
            proposed_at=at,
            lengths=lengths,
            last_touched_at=at,
        )

    def accept(self, by: Actor, at: datetime, life_story_opt_in: bool) -> CareerPlan:
        """The report accepts (M1, second opt-in); conversation 1 needs its own yes."""
        require_aware(at, "at")
        if by is not Actor.REPORT:
            raise RuleViolation(
                "M1",
                "only the report can accept a proposal",
                "ask the report; the manager proposes",
            )
        if self.status is not PlanStatus.PROPOSED:
            raise RuleViolation(
                "M1", f"the plan is {self.status.value}, not proposed", "propose a new plan first"
            )
        return evolve(
            self,
            status=PlanStatus.ACTIVE,
            accepted_at=at,
            life_story_opt_in=life_story_opt_in,
            last_touched_at=at,
        )

    def opt_in_life_story(self, by: Actor, at: datetime, yes: bool = True) -> CareerPlan:
        """The report's own yes (or no) to conversation 1 (M1)."""
        require_aware(at, "at")
        if by is not Actor.REPORT:
            raise RuleViolation(
                "M1",
                "only the report can opt in to the life-story conversation",
                "ask the report whether they want conversation 1",
            )
        self._require_active("opt in to conversation 1")
        plan = evolve(self, life_story_opt_in=yes)
        if not yes:
            plan = plan._cancel_scheduled()
        return plan

    def decline(self, by: Actor, at: datetime) -> CareerPlan:
        """Either side declines, at any time (M1). Recorded without judgement; invites are cancelled."""
        require_aware(at, "at")
        if not self.status.is_open:
            raise RuleViolation("M1", f"the plan is already {self.status.value}", "nothing to decline")
        return evolve(self._cancel_scheduled(), status=PlanStatus.DECLINED, declined_at=at, declined_by=by)

    def pause(self, by: Actor, at: datetime) -> CareerPlan:
        """Either side pauses (M1); scheduled meetings are cancelled until it resumes."""
        require_aware(at, "at")
        del by  # either side may pause; who paused is in the event
        self._require_active("pause")
        return evolve(self._cancel_scheduled(), status=PlanStatus.PAUSED, paused_at=at)

    def resume(self, by: Actor, at: datetime) -> CareerPlan:
        """Resume a paused plan; meetings must be scheduled again."""
        require_aware(at, "at")
        del by
        if self.status is not PlanStatus.PAUSED:
            raise RuleViolation(
                "M1", f"the plan is {self.status.value}, not paused", "only a paused plan resumes"
            )
        return evolve(self, status=PlanStatus.ACTIVE, paused_at=None, last_touched_at=at)

    # ----------------------------------------------------------------- M2
    def confirm_readiness(self, by: Actor, equipped: bool, trust_in_place: bool, at: datetime) -> CareerPlan:
        """The trust gate before conversation 1 (M2). A "no" schedules nothing."""
        require_aware(at, "at")
        if by is not Actor.MANAGER:
            raise RuleViolation("M2", "the trust gate is the manager's own check", "the manager answers it")
        self._require_active("confirm readiness")
        if not (equipped and trust_in_place):
            raise RuleViolation(
                "M2",
                "the manager does not feel equipped, or trust is not in place",
                "repair trust first; nothing was scheduled. Confirm again when it is in place",
            )
        return evolve(self, readiness=Readiness(equipped, trust_in_place, at))

    # ------------------------------------------------------------- M3, M4
    def conversation(self, kind: ConversationKind) -> Conversation:
        """The conversation of ``kind``."""
        return self.conversations[ORDER.index(kind)]

    def schedule(
        self, slots: Mapping[ConversationKind, tuple[datetime, datetime]], at: datetime
    ) -> CareerPlan:
        """Place some or all of the three conversations (M3, M4).

        Checks the gates (M1 opt-in for conversation 1, M2 trust), then the
        one M4 check with the facts a plan holds: the order (each after the
        previous one ends) and the one-month window from the first
        conversation. The rest of M4 needs the people and the rules (working
        hours, the homework gap, the weekly cap); the services run the same
        check with them.
        """
        require_aware(at, "at")
        self._require_active("schedule conversations")
        self._require_gates()
        convs = list(self.conversations)
        for kind, (start, end) in slots.items():
            convs[ORDER.index(kind)] = convs[ORDER.index(kind)].scheduled(start, end, self.era)
        Check().require(from_conversations(convs))
        return evolve(self, conversations=tuple(convs), last_touched_at=at)

    def check_schedulable(self) -> None:
        """Raise the rule that keeps this plan from being scheduled now (M1, M2), if any."""
        self._require_active("schedule conversations")
        self._require_gates()

    def _require_gates(self) -> None:
        if self.conversation(ConversationKind.LIFE_STORY).status is ConversationStatus.HELD:
            return
        if not self.life_story_opt_in:
            raise RuleViolation(
                "M1",
                "the report has not opted in to conversation 1 (life story)",
                f"ask the report; they say yes with 'careerconv opt-in {self.report_id} "
                f"--as {self.report_id}'",
            )
        if self.readiness is None:
            raise RuleViolation(
                "M2",
                "the manager has not confirmed feeling equipped and that trust is in place",
                f"confirm it with 'careerconv ready {self.report_id}'; if trust is missing, "
                "repair trust first",
            )

    def record_held(self, kind: ConversationKind, at: datetime) -> CareerPlan:
        """Conversation ``kind`` took place (M3: each needs the previous one held)."""
        require_aware(at, "at")
        self._require_active("record a conversation")
        if kind is ConversationKind.LIFE_STORY:
            self._require_gates()
        index = ORDER.index(kind)
        if index > 0 and self.conversations[index - 1].status is not ConversationStatus.HELD:
            previous = ORDER[index - 1]
            raise RuleViolation(
                "M3",
                f"conversation {kind.number} ({kind.value}) cannot come before conversation "
                f"{previous.number} ({previous.value}) is held",
                f"hold and record conversation {previous.number} first",
            )
        convs = list(self.conversations)
        convs[index] = convs[index].held(at)
        return evolve(self, conversations=tuple(convs), last_touched_at=at)

    def held(self, kind: ConversationKind) -> bool:
        """True when conversation ``kind`` was held."""
        return self.conversation(kind).status is ConversationStatus.HELD

    # ------------------------------------------------------------ content
    def record_life_story(self, story: LifeStory, at: datetime) -> CareerPlan:
        """What the manager learned in conversation 1."""
        require_aware(at, "at")
        self._require_held(ConversationKind.LIFE_STORY, "record the life story")
        return evolve(self, life_story=story, last_touched_at=at)

    def record_pinnacle(self, pinnacle: Pinnacle, by: Actor, at: datetime) -> CareerPlan:
        """What conversation 2 produced (M5-M7), merged so nobody overwrites the other
        (``Pinnacle.merged`` holds the M6 and M7 checks)."""
        require_aware(at, "at")
        self._require_held(ConversationKind.LIFE_STORY, "record the pinnacle conversation")
        return self._with_pinnacle(self.pinnacle.merged(pinnacle, by), at)

    def rate(self, competency_id: str, rating: int, by: Actor, at: datetime) -> CareerPlan:
        """The report rates their current ability on one competency (M6)."""
        require_aware(at, "at")
        return evolve(self, pinnacle=self.pinnacle.rated(competency_id, rating, by), last_touched_at=at)

    def observe(
        self, competency_id: str, observation: str, rating: int | None, by: Actor, at: datetime
    ) -> CareerPlan:
        """The manager adds an observation beside the report's rating (M6)."""
        require_aware(at, "at")
        pinnacle = self.pinnacle.observed(competency_id, observation, rating, by)
        return evolve(self, pinnacle=pinnacle, last_touched_at=at)

    def choose_focus(self, competency_ids: tuple[str, ...], by: Actor, at: datetime) -> CareerPlan:
        """The report picks which competencies to develop now (M7)."""
        require_aware(at, "at")
        return self._with_pinnacle(self.pinnacle.focused(competency_ids, by), at)

    def _with_pinnacle(self, pinnacle: Pinnacle, at: datetime) -> CareerPlan:
        """A new conversation 2 outcome, refused while the GROW plan still develops a dropped focus (M8)."""
        if self.grow is not None:
            for option in self.grow.options:
                if option.competency_id not in pinnacle.focus:
                    raise RuleViolation(
                        "M8",
                        f"the GROW plan still has an option for {option.competency_id!r}, which "
                        "would no longer be a focus",
                        f"keep it in focus, or first drop the option from the GROW plan: "
                        f"'careerconv record {self.report_id} grow --file grow.toml --as {self.report_id}'",
                    )
        return evolve(self, pinnacle=pinnacle, last_touched_at=at)

    def write_grow(self, grow: GrowPlan, by: Actor, at: datetime) -> CareerPlan:
        """The report writes or revises the GROW plan (M8, M9): homework after conversation 2."""
        require_aware(at, "at")
        self._require_active("write the GROW plan")
        if by is not Actor.REPORT:
            raise RuleViolation(
                "M9",
                "the GROW plan is the report's homework and the report's to change",
                "the report writes it; help shape it in conversation 3",
            )
        if not self.held(ConversationKind.PINNACLE):
            raise RuleViolation(
                "M9",
                "the GROW plan comes after conversation 2 (pinnacle)",
                "hold and record conversation 2 first",
            )
        validate_grow(grow, self.pinnacle, (self.report_id, self.manager_id))
        revision = self.grow.revision + 1 if self.grow is not None else 1
        dated = grow.dated(self.grow, at)
        return evolve(self, grow=evolve(dated, revision=revision), grow_updated_at=at, last_touched_at=at)

    def set_action_status(self, action_id: str, status: ActionStatus, on: date, at: datetime) -> CareerPlan:
        """Mark a "Will" action done or open again (from the tracker or by hand)."""
        require_aware(at, "at")
        if self.grow is None:
            raise InvalidInput("action_id", "an action of a written GROW plan", "no GROW plan yet")
        grow = self.grow.with_action_status(action_id, status, on, at)
        return evolve(self, grow=grow, last_touched_at=at)

    def set_ticket_deleted(self, action_id: str, deleted: bool, at: datetime) -> CareerPlan:
        """The tracker says an action's ticket is gone (or the pair asks to recreate it)."""
        require_aware(at, "at")
        if self.grow is None:
            raise InvalidInput("action_id", "an action of a written GROW plan", "no GROW plan yet")
        return evolve(self, grow=self.grow.with_ticket_deleted(action_id, deleted))

    def set_consent(self, consent: Consent, by: Actor) -> CareerPlan:
        """The report decides what may leave the pair (tickets, HR record)."""
        if by is not Actor.REPORT:
            raise RuleViolation(
                "M12",
                "only the report decides what of their plan is shared",
                "ask the report to change what they share",
            )
        return evolve(self, consent=consent)

    # ------------------------------------------------------------ M12, M13
    def schedule_meeting(
        self, kind: MeetingKind | str, start: datetime, end: datetime, at: datetime
    ) -> CareerPlan:
        """Place an abbreviated session (M13) or the manager's own life story (M14)."""
        kind = MeetingKind.of(kind)
        require_aware(start, "start")
        require_aware(end, "end")
        require_aware(at, "at")
        self._require_active("schedule a meeting")
        meetings = list(self.meetings)
        # One event per kind and organizer: moved, or placed again after a cancellation, it
        # keeps its UID with SEQUENCE one up; a new manager's is a new event (M12).
        for n in range(len(meetings) - 1, -1, -1):
            m = meetings[n]
            if m.kind == kind and m.era == self.era:
                if (m.start, m.end, m.cancelled) != (start, end, False):
                    meetings[n] = evolve(m, start=start, end=end, sequence=m.sequence + 1, cancelled=False)
                break
        else:
            meetings.append(Meeting(kind, start, end, era=self.era))
        return evolve(self, meetings=tuple(meetings))

    def actor(self, person_id: str) -> Actor:
        """Whether ``person_id`` takes a step as this plan's report or its manager.

        A former manager is refused with "your access ended" and a new manager
        before the report's yes with "not shared" (both M12); anyone else under M1.
        """
        refusal = self.access_refusal(person_id)
        if refusal is not None:
            raise refusal
        return actor_of(person_id, report_id=self.report_id, manager_id=self.manager_id, plan_id=self.id)

    def require_viewer(self, person_id: str, at: datetime) -> Actor:
        """Raise the rule that keeps ``person_id`` from reading this plan; what they read it as.

        The report always; the manager while the plan is theirs; the old
        manager, read only, until the three-way meeting of a handoff (M12);
        nobody else. Every read path (listings, exports) asks this before
        showing plan content.
        """
        if self.reads_for_walk_through(person_id, at):
            return Actor.MANAGER
        return self.actor(person_id)

    def can_view(self, person_id: str, at: datetime) -> bool:
        """Whether ``person_id`` may see the plan's private fields (``require_viewer`` says why not)."""
        try:
            self.require_viewer(person_id, at)
        except RuleViolation:
            return False
        return True

    # ---------------------------------------------------------------- M14
    def request_manager_life_story(self, by: Actor, at: datetime) -> CareerPlan:
        """The report asks to hear the manager's own life story (M14)."""
        require_aware(at, "at")
        if by is not Actor.REPORT:
            raise RuleViolation("M14", "the request comes from the report", "the report asks")
        self._require_held(ConversationKind.LIFE_STORY, "ask for the manager's life story")
        return evolve(self, manager_life_story_requested_at=at)

    # ---------------------------------------------------------------- M16
    def give_feedback(self, rating: FeedbackRating) -> CareerPlan:
        """A 0-10 rating of the three conversations, once per side (M16)."""
        self._require_held(ConversationKind.GROW_REVIEW, "give feedback")
        expected = self.report_id if rating.by is Actor.REPORT else self.manager_id
        if rating.person_id != expected:
            raise InvalidInput("feedback.person_id", f"the {rating.by.value} of this plan", rating.person_id)
        kept = tuple(f for f in self.feedback if f.by is not rating.by)
        return evolve(self, feedback=(*kept, rating))

    # ------------------------------------------------------------ helpers
    def _changed(self, **changes: Any) -> CareerPlan:
        """This plan with ``changes``: how the steps in other modules make the next plan."""
        return evolve(self, **changes)

    def _require_active(self, step: str) -> None:
        if self.status is not PlanStatus.ACTIVE:
            fix = {
                PlanStatus.PROPOSED: "the report accepts first (double opt-in)",
                PlanStatus.PAUSED: "resume the plan first",
            }.get(self.status, "a declined or ended plan stays closed; propose a new one")
            raise RuleViolation("M1", f"cannot {step}: the plan is {self.status.value}", fix)

    def _require_held(self, kind: ConversationKind, step: str) -> None:
        if not self.held(kind):
            raise RuleViolation(
                "M3",
                f"cannot {step} before conversation {kind.number} ({kind.value}) is held",
                f"hold and record conversation {kind.number} first",
            )

    def _cancel_scheduled(self) -> CareerPlan:
        convs = tuple(c.cancelled() for c in self.conversations)
        follow = tuple(
            evolve(f, status=FollowUpStatus.CANCELLED, sequence=f.sequence + 1)
            if f.status is FollowUpStatus.SCHEDULED
            else f
            for f in self.follow_ups
        )
        meetings = tuple(
            evolve(m, cancelled=True, sequence=m.sequence + 1) if not m.cancelled else m
            for m in self.meetings
        )
        return evolve(self, conversations=convs, follow_ups=follow, meetings=meetings)
