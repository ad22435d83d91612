"""M12-M14: a manager change with the report's consent, the new manager's path, reciprocity."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from careerconv_core import colleagues, projections
from careerconv_core.boundary import checked
from careerconv_core.domain.cadence import DueKind
from careerconv_core.domain.clock import Interval, require_aware
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.events import EventName
from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.meetings import MeetingKind
from careerconv_core.domain.notices import REFUSED, UNANSWERED, NoticeKind
from careerconv_core.domain.scheduling.validity import require_within_hours
from careerconv_core.errors import InvalidInput, RuleViolation
from careerconv_core.outbox import Channel
from careerconv_core.ports import PlanChange
from careerconv_core.services.base import ServiceBase, StepReport, one_plan_step
from careerconv_core.services.cadence import planned_follow_ups

_PATH_CHOSEN = {
    NewManagerPath.FULL_CONVERSATIONS: EventName.PATH_FULL_CONVERSATIONS,
    NewManagerPath.ABBREVIATED_SESSION: EventName.PATH_ABBREVIATED_SESSION,
    NewManagerPath.CONTINUE_PLAN: EventName.PATH_CONTINUE_PLAN,
}
MEETING_MINUTES = (5, 240)
"""The shortest and the longest one-off meeting (M13, M14), in minutes."""
_MEETING_PLACED = {
    MeetingKind.ABBREVIATED_SESSION: EventName.ABBREVIATED_SESSION_SCHEDULED,
    MeetingKind.MANAGER_LIFE_STORY: EventName.MANAGER_LIFE_STORY_SCHEDULED,
}


class HandoffSteps(ServiceBase):
    """A report's move to a new manager, consent first, and the meetings around it (M12-M14)."""

    __slots__ = ()

    @checked
    def manager_changed(self, report_id: str, new_manager_id: str) -> list[StepReport]:
        """The org says ``report_id`` now reports to ``new_manager_id``: ask the report first (M12).

        Nothing about the plan reaches the new manager until the report consents.
        """
        at = self.now()
        reports = []
        for plan in self.store.find_plans(report_id=report_id):
            if not plan.status.is_open:
                continue
            deadline = at + timedelta(days=self.settings.handoff_answer_days)
            after = plan.manager_changed(self.new_id(), new_manager_id, at, deadline)
            if after is plan:
                continue
            if not after.status.is_open:  # an unaccepted proposal lapses with the old manager
                reports.append(self._commit(plan, after, EventName.PLAN_LAPSED, at))
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
                        at,
                        due=deadline.date(),
                        answer_by=deadline.date().isoformat(),
                        tag=current.id,
                    )
                )
            reports.append(
                self._commit(
                    plan,
                    after,
                    EventName.HANDOFF_CONSENT_ASKED,
                    at,
                    notices=notices,
                    extra_people=(new_manager_id,),
                )
            )
        return reports

    @checked
    @one_plan_step
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
                    at,
                    tag=handoff.id,
                )
            )
            event = EventName.HANDOFF_SHARED
        else:
            # A former manager who left the org is told nothing: there is nobody to tell (colleagues).
            for old in colleagues.present(self.store, (handoff.old_manager_id,)).values():
                notices.append(
                    self._notice(
                        after,
                        NoticeKind.ACCESS_ENDED,
                        old,
                        at,
                        tag=handoff.id,
                        why=REFUSED,
                    )
                )
            event = EventName.HANDOFF_REFUSED
        return self._commit(plan, after, event, at, notices=notices, extra_people=(handoff.new_manager_id,))

    def expire_handoffs(self) -> list[StepReport]:
        """No answer by the deadline means no (M12): end the old manager's access, share nothing."""
        at = self.now()
        reports = []
        for item in self.store.due_on(at.date()):
            if item.kind is not DueKind.HANDOFF_CONSENT:
                continue
            plan = self.store.load_plan(item.plan_id)
            after = plan.expire_handoff(at)
            if after is plan:
                continue
            notices = []
            handoff = after.current_handoff
            if handoff is not None:  # told, as after a no: their access ended (M12)
                why = UNANSWERED.format(answer_by=handoff.answer_by.date().isoformat())
                notices += [
                    self._notice(after, NoticeKind.ACCESS_ENDED, old, at, tag=handoff.id, why=why)
                    for old in colleagues.present(self.store, (handoff.old_manager_id,)).values()
                ]
            reports.append(self._commit(plan, after, EventName.HANDOFF_EXPIRED, at, notices=notices))
        return reports

    def _require_within_hours(self, person_ids: Iterable[str], start: datetime, end: datetime) -> None:
        """The M4 check for a meeting: inside every participant's working hours."""
        # Only those still in the org attend; one who left has no working hours to keep.
        people = list(colleagues.present(self.store, sorted(set(person_ids))).values())
        require_within_hours(people, Interval(start, end))

    @checked
    def schedule_handoff_meeting(
        self, plan_id: str, person_id: str, start: datetime, end: datetime | None = None
    ) -> StepReport:
        """The three-way meeting: report, old and new manager (M12)."""
        stop = end or start + timedelta(minutes=self.settings.handoff_meeting_minutes)
        plan = self.store.load_plan(plan_id)
        handoff = plan.current_handoff
        if handoff is not None:
            self._require_within_hours(
                (plan.report_id, handoff.old_manager_id, handoff.new_manager_id), start, stop
            )
        return self._step(
            plan_id,
            person_id,
            EventName.HANDOFF_MEETING_SCHEDULED,
            lambda p, _a, _t: p.schedule_handoff_meeting(start, stop, person_id),
        )

    @checked
    @one_plan_step
    def choose_path(self, plan_id: str, person_id: str, path: NewManagerPath) -> StepReport:
        """The new manager records how they and the report go on (M13).

        Going on with the plan (continue, or after an abbreviated session) puts
        the monthly check-ins and quarterly reviews on the calendar again, now
        with the new manager, when conversation 3 was held: the old ones were
        cancelled when the plan was shared. The full path starts over (M3).
        """
        plan = self.store.load_plan(plan_id)
        at = self.now()
        after = plan.choose_path(path, self.actor(plan, person_id), at)
        if path is not NewManagerPath.FULL_CONVERSATIONS and after.held(ConversationKind.GROW_REVIEW):
            after = after.place_follow_ups(planned_follow_ups(self, after), at)
        return self._commit(plan, after, _PATH_CHOSEN[path], at)

    @checked
    def schedule_meeting(
        self, plan_id: str, person_id: str, kind: MeetingKind | str, start: datetime, minutes: int
    ) -> StepReport:
        """An abbreviated session (M13) or the manager's life story for the report (M14)."""
        meeting = MeetingKind.of(kind)
        if not MEETING_MINUTES[0] <= minutes <= MEETING_MINUTES[1]:
            low, high = MEETING_MINUTES
            raise InvalidInput(
                "minutes", f"{low} to {high} minutes (the abbreviated session is 60)", str(minutes)
            )
        end = start + timedelta(minutes=minutes)
        plan = self.store.load_plan(plan_id)
        self._require_within_hours((plan.report_id, plan.manager_id), start, end)
        return self._step(
            plan_id,
            person_id,
            _MEETING_PLACED[meeting],
            lambda p, _a, t: p.schedule_meeting(meeting, start, end, t),
        )

    @checked
    def schedule_team_life_story(self, manager_id: str, start: datetime, minutes: int = 15) -> str:
        """Put a team "life story" segment in the manager's team meeting (M14); returns its uid.

        Everyone reporting to the manager is invited. Nothing about any plan is in it.
        """
        require_aware(start, "start")
        if not 5 <= minutes <= 60:
            raise InvalidInput("minutes", "5 to 60 minutes (the method suggests 15)", str(minutes))
        manager = self.store.load_person(manager_id)
        team = tuple(
            sorted((p for p in self.store.list_people() if p.manager_id == manager_id), key=lambda p: p.id)
        )
        if not team:
            raise InvalidInput("manager", "a manager with direct reports", f"{manager_id!r} has none")
        view = projections.team_life_story(manager, team, start, minutes)
        entry = self._entry(Channel.CALENDAR, view.uid, view, f"team-{manager_id}", self.now())
        self.store.commit(PlanChange(outbox=(entry,)))
        return view.uid

    @checked
    def request_manager_life_story(self, plan_id: str, person_id: str) -> StepReport:
        """The report asks to hear the manager's life story (M14)."""
        return self._step(
            plan_id,
            person_id,
            EventName.RECIPROCITY_REQUESTED,
            lambda p, a, t: p.request_manager_life_story(a, t),
        )
