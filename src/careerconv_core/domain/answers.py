"""How attendees answered the invites of a plan's meetings, as read back from their calendars.

An answer is kept per meeting (its invite uid), per person and per calendar,
with when it was read and the meeting's SEQUENCE at that moment: a meeting
moved after a decline has a higher SEQUENCE, so the old decline no longer
stands against it. ``mark`` is the calendar's own sign of which answer it is
(the SEQUENCE an iMIP REPLY answered), so the same word given again to a
moved meeting counts as a new answer, and one read on every poll does not.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Self

from attrs import field, frozen

from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.plan_part import PlanPart

REMOVED_BY = ""
"""The ``person_id`` of a ``REMOVED`` answer: the event was deleted, by whom the calendar does not say."""


class Answer(enum.StrEnum):
    """An attendee's answer (RFC 5545 PARTSTAT), or the event gone from the calendar."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"
    NEEDS_ACTION = "needs_action"
    REMOVED = "removed"  # a person deleted the event: a conflict, never silently re-created

    @property
    def stands_against(self) -> bool:
        """Whether this answer puts the meeting in doubt: the manager should hear of it."""
        return self in (Answer.DECLINED, Answer.TENTATIVE, Answer.REMOVED)


def _answer(value: Answer | str) -> Answer:
    return Answer(value)  # a StrEnum reads back as its text: made an Answer again here


@frozen
class MeetingAnswer:
    """One person's answer to one meeting, when it was read and to which SEQUENCE."""

    uid: str
    person_id: str
    answer: Answer = field(converter=_answer)
    sequence: int
    read_at: datetime
    mark: str = ""
    source: str = ""  # the calendar it was read from, by its configured name

    def __attrs_post_init__(self) -> None:
        require_aware(self.read_at, "answer.read_at")


class AnswersPart(PlanPart):
    """The plan's record of the answers read back from calendars."""

    __slots__ = ()

    if TYPE_CHECKING:  # provided by CareerPlan
        answers: tuple[MeetingAnswer, ...]

    def answer_of(self, uid: str, person_id: str) -> MeetingAnswer | None:
        """The latest answer ``person_id`` gave to the meeting ``uid``, if one was read.

        Read from several calendars, the one that changed last is the latest word.
        """
        found = [a for a in self.answers if a.uid == uid and a.person_id == person_id]
        return max(found, key=lambda a: a.read_at) if found else None

    def with_answers(self, read: Iterable[MeetingAnswer]) -> tuple[Self, tuple[MeetingAnswer, ...]]:
        """This plan with ``read`` recorded, and those of them that are new answers.

        An answer is new when the person's word or the calendar's mark differs
        from what the same calendar told before; the same answer read again
        changes nothing, so a poll repeated changes no plan and tells nobody
        twice, even where two calendars disagree.
        """
        kept = {(a.uid, a.person_id, a.source): a for a in self.answers}
        new: list[MeetingAnswer] = []
        for a in read:
            old = kept.get((a.uid, a.person_id, a.source))
            if old is not None and (old.answer, old.mark) == (a.answer, a.mark):
                continue
            kept[(a.uid, a.person_id, a.source)] = a
            new.append(a)
        if not new:
            return self, ()
        return self._changed(answers=tuple(kept.values())), tuple(new)

    def standing_answers(self, sequences: dict[str, int]) -> tuple[MeetingAnswer, ...]:
        """Declines, tentative answers and removals that still stand against a meeting.

        ``sequences`` gives each upcoming meeting's uid its current SEQUENCE: an
        answer read before the meeting was moved, or to a meeting no longer
        upcoming, no longer stands.
        """
        latest: dict[tuple[str, str], MeetingAnswer] = {}
        for a in self.answers:
            key = (a.uid, a.person_id)
            if key not in latest or a.read_at >= latest[key].read_at:
                latest[key] = a
        return tuple(
            a
            for a in latest.values()
            if a.answer.stands_against and a.uid in sequences and a.sequence >= sequences[a.uid]
        )
