"""Attendees' answers read back from calendars: recorded on the plan, a decline told to the manager.

Every calendar adapter that can tell answers (``ports.AnswersRead``: an API
calendar, or the iMIP mailbox of REPLYs) is asked about the upcoming
meetings delivered through it, and only those. Each answer is recorded on
its plan per meeting and person (``domain.answers``); a decline or a
tentative answer of the report (or another attendee who is not the
organizer) queues one notice to the manager, naming the meeting, its time in
the manager's own time zone and the command that moves it. An event a person
deleted is recorded as a conflict and shown, never created again silently.
Adapters see uids and e-mail addresses only, never plans.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from attrs import frozen

from careerconv_core import projections
from careerconv_core.boundary import checked
from careerconv_core.domain.answers import REMOVED_BY, Answer, MeetingAnswer
from careerconv_core.domain.events import EventName
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import CareerconvError, NotFound
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import AnswersRead, AnswersReport, AttendeeAnswer
from careerconv_core.services.base import ServiceBase, one_plan_step, safe_message
from careerconv_core.views import InviteKind, InviteMethod, InviteView

log = logging.getLogger(__name__)

_ANSWERS = {
    AttendeeAnswer.ACCEPTED: Answer.ACCEPTED,
    AttendeeAnswer.TENTATIVE: Answer.TENTATIVE,
    AttendeeAnswer.DECLINED: Answer.DECLINED,
    AttendeeAnswer.NEEDS_ACTION: Answer.NEEDS_ACTION,
}
_NOTICES = {Answer.DECLINED: NoticeKind.DECLINED, Answer.TENTATIVE: NoticeKind.TENTATIVE}
_LATER = "2030-01-15T10:00"  # the placeholder time every notice's command shows


def move_command(report_id: str, kind: InviteKind) -> str:
    """The one command that moves a meeting of ``kind``, as the manager types it."""
    if kind in (InviteKind.LIFE_STORY, InviteKind.PINNACLE, InviteKind.GROW_REVIEW):
        return f"'careerconv reschedule {report_id} {kind.value} --to {_LATER}'"
    if kind is InviteKind.THREE_WAY_HANDOFF:
        return f"'careerconv handoff meeting {report_id} --at {_LATER}'"
    if kind in (InviteKind.ABBREVIATED_SESSION, InviteKind.MANAGER_LIFE_STORY):
        return f"'careerconv meeting {report_id} {kind.value} --at {_LATER}'"
    # A check-in is an item of the regular 1:1 (M10): it moves with that meeting.
    return f"take it into your next 1:1 with them, then 'careerconv checkin {report_id}'"


@frozen
class AnswerSeen:
    """One new answer, as the command line reports it: ids, the meeting's title and the answer."""

    report_id: str
    uid: str
    title: str
    start: datetime
    person_id: str
    answer: Answer
    move: str


@frozen
class AnswersSyncReport:
    """What one read of answers did: per adapter, the uids asked and answers read or why not."""

    asked: Mapping[str, int]  # adapter name: uids asked about
    read: Mapping[str, int]  # adapter name: answers read
    unavailable: Mapping[str, str]  # adapter name: why its answers could not be read
    new: tuple[AnswerSeen, ...]
    queued: tuple[str, ...]


@frozen
class _Upcoming:
    plan: CareerPlan
    invite: InviteView


class AnswerSteps(ServiceBase):
    """Reading attendees' answers back, and what a decline sets going."""

    __slots__ = ()

    @checked
    def upcoming_invites(self, at: datetime | None = None) -> dict[str, tuple[CareerPlan, InviteView]]:
        """Every invite still ahead (not cancelled, not yet ended) of every open plan, by uid."""
        at = at or self.now()
        out: dict[str, tuple[CareerPlan, InviteView]] = {}
        for plan in self.store.find_plans():
            if not plan.status.is_open:
                continue
            try:
                people = self._people(plan)
            except NotFound:
                continue  # the report or manager left the org: nobody to ask or tell
            for uid, view in projections.invites(plan, people).items():
                if view.method is InviteMethod.REQUEST and view.end > at:
                    out[uid] = (plan, view)
        return out

    @checked
    def standing_answers(self, plan: CareerPlan) -> list[tuple[InviteView, MeetingAnswer]]:
        """The declines, tentative answers and removals that still stand against the plan's
        upcoming meetings, each with its invite: what ``status`` and ``due`` show."""
        at = self.now()
        invites = {
            uid: v
            for uid, v in projections.invites(plan, self._people(plan)).items()
            if v.method is InviteMethod.REQUEST and v.end > at
        }
        sequences = {uid: v.sequence for uid, v in invites.items()}
        return [(invites[a.uid], a) for a in plan.standing_answers(sequences)]

    @checked
    def delivered_uids(self, adapter: str) -> set[str]:
        """The invite uids the outbox shows delivered through the adapter named ``adapter``
        (by any entry of the uid: a later one may still be pending, or have failed)."""
        prefix = f"{Channel.CALENDAR.value}:"
        return {
            e.key.removeprefix(prefix)
            for e in self.store.outbox()
            if e.channel is Channel.CALENDAR and adapter in e.delivered_to
        }

    @checked
    def read_answers(
        self,
        sources: Sequence[tuple[str, AnswersRead]],
        progress: Callable[[int, int], None] = lambda _done, _total: None,
    ) -> AnswersSyncReport:
        """Ask each source about the upcoming meetings delivered through it; record what changed.

        One source failing (``available=False`` or an error) is reported and the
        others are still asked. Answers of several sources for one meeting and
        person: the last source's word is kept.
        """
        at = self.now()
        upcoming = {uid: _Upcoming(p, v) for uid, (p, v) in self.upcoming_invites(at).items()}
        asked: dict[str, int] = {}
        read: dict[str, int] = {}
        unavailable: dict[str, str] = {}
        by_plan: dict[str, list[MeetingAnswer]] = {}
        progress(0, len(sources))
        for n, (name, source) in enumerate(sources, 1):
            uids = sorted(self.delivered_uids(name) & upcoming.keys())
            asked[name] = len(uids)
            report = self._ask(name, source, uids)
            if not report.available:
                unavailable[name] = report.reason or "unavailable"
                log.warning("answers %s: unavailable: %s", name, unavailable[name])
            else:
                answers = list(self._answers(name, report, {u: upcoming[u] for u in uids}, at))
                read[name] = len(answers)
                for a in answers:
                    by_plan.setdefault(upcoming[a.uid].plan.id, []).append(a)
                log.info("answers %s: %d meeting(s) asked, %d answer(s) read", name, len(uids), len(answers))
            progress(n, len(sources))
        new: list[AnswerSeen] = []
        queued: list[str] = []
        for plan_id, answers in by_plan.items():
            seen, keys = self._record(plan_id, answers, upcoming, at)
            new += seen
            queued += keys
        return AnswersSyncReport(asked, read, unavailable, tuple(new), tuple(queued))

    def _ask(self, name: str, source: AnswersRead, uids: list[str]) -> AnswersReport:
        if not uids:
            return AnswersReport({})
        try:
            return source.answers(uids)
        except CareerconvError as exc:
            return AnswersReport({}, available=False, reason=safe_message(exc))
        except Exception as exc:  # noqa: BLE001 - one adapter's bug must not stop the others
            log.error("answers %s: adapter raised %s", name, type(exc).__name__)
            return AnswersReport({}, available=False, reason=f"adapter raised {type(exc).__name__}")

    @staticmethod
    def _answers(
        source: str, report: AnswersReport, asked: Mapping[str, _Upcoming], at: datetime
    ) -> Iterable[MeetingAnswer]:
        """The report's answers for the meetings asked, by person id; unknown addresses left out."""
        marks = report.marks
        for uid, per_address in report.answers.items():
            meeting = asked.get(uid)
            if meeting is None:
                continue  # an answer to something not asked: not ours to record
            ids = {p.email.lower(): p.person_id for p in meeting.invite.attendees}
            for address, answer in per_address.items():
                person = ids.get(address.lower())
                if person is None or answer not in _ANSWERS:
                    continue
                mark = marks.get(uid, {}).get(address, "")
                sequence = meeting.invite.sequence
                yield MeetingAnswer(uid, person, _ANSWERS[answer], sequence, at, mark, source)
        for uid in report.removed:
            if uid in asked:
                sequence = asked[uid].invite.sequence
                yield MeetingAnswer(uid, REMOVED_BY, Answer.REMOVED, sequence, at, source=source)

    @one_plan_step
    def _record(
        self, plan_id: str, answers: list[MeetingAnswer], upcoming: Mapping[str, _Upcoming], at: datetime
    ) -> tuple[list[AnswerSeen], list[str]]:
        """Record one plan's answers; read again and tried again if the plan changed meanwhile."""
        plan = self.store.load_plan(plan_id)  # as stored now: the commit checks its version
        after, new = plan.with_answers(answers)
        if not new:
            return [], []
        manager = self.store.load_person(plan.manager_id)
        notices: list[OutboxEntry] = []
        seen: list[AnswerSeen] = []
        for a in new:
            invite = upcoming[a.uid].invite
            move = move_command(plan.report_id, invite.kind)
            seen.append(
                AnswerSeen(plan.report_id, a.uid, invite.title, invite.start, a.person_id, a.answer, move)
            )
            kind = _NOTICES.get(a.answer)
            if kind is None or a.person_id == invite.organizer.person_id:
                continue  # an organizer's own answer, an acceptance or a removal: nobody to tell
            notices.append(self._decline_notice(plan, manager, invite, a, kind, move, at))
        report = self._commit(plan, after, EventName.ANSWERS_READ, at, notices=notices)
        return seen, [e.key for e in notices if e.key in report.queued]

    def _decline_notice(  # noqa: PLR0917 - one notice's facts, each named at the call
        self,
        plan: CareerPlan,
        manager: Person,
        invite: InviteView,
        answer: MeetingAnswer,
        kind: NoticeKind,
        move: str,
        at: datetime,
    ) -> OutboxEntry:
        """One notice per answer: keyed by the meeting, the person, the answer and when it was read."""
        attendee = next(p.name for p in invite.attendees if p.person_id == answer.person_id)
        what = (answer.uid, answer.person_id, answer.answer, answer.sequence, answer.mark, at.isoformat())
        tag = hashlib.sha256("|".join(map(str, what)).encode()).hexdigest()[:12]
        return self._notice(
            plan,
            kind,
            manager,
            at,
            when_at=invite.start,
            tag=tag,
            attendee=attendee,
            meeting=invite.title,
            move=move,
        )
