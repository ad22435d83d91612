"""What careerconv tells people, and in which words: one table keyed by notice kind.

Every notice a use case queues takes its subject, body and next step from
here, so the method's voice (voluntary, no judgement, the report decides) is
kept in one place. A notice is something its reader can act on: it names the
report, what is due, when (in the reader's own time zone) and what to do (the
command to type, and a link where one is configured). Texts name people,
dates and ids and nothing else: never anyone's notes.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from attrs import frozen

from careerconv_core.domain.cadence import DueKind


class NoticeKind(enum.Enum):
    """Why someone is being told something."""

    PROPOSAL = "proposal"
    CONSENT_REQUEST = "consent_request"
    PLAN_SHARED = "plan_shared"
    ACCESS_ENDED = "access_ended"
    CHECK_IN_DUE = "check_in_due"
    REVIEW_DUE = "review_due"
    PLAN_UPDATE_DUE = "plan_update_due"
    PROBE = "probe"
    CONVERSATION_OVERDUE = "conversation_overdue"
    ACTION_OVERDUE = "action_overdue"
    SUGGEST_OTHERS = "suggest_others"
    HOMEWORK = "homework"
    FEEDBACK_REQUEST = "feedback_request"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    ACTED_FOR_YOU = "acted_for_you"


FIELDS = ("report", "report_id", "manager", "manager_id", "reader_id", "when")
"""The fields every notice is given; some kinds take more (``conversation``, ``action``)."""


@frozen
class NoticeText:
    """A notice's subject, body and next step; ``{name}`` fields are filled in by ``render``.

    ``do`` is what to type: a ``careerconv`` command line the reader can run as it is.
    """

    subject: str
    body: str
    do: str

    def render(self, link: str | None = None, *, link_only: bool = False, **fields: str) -> tuple[str, str]:
        """Subject and body with the fields filled in; a missing field is a programming error.

        The body ends with when it is due and what to do: where a link is
        configured, the reader's page first, then what to type instead.
        ``link_only``: the page alone, for a reader whose steps the command
        line would refuse (the report, once a web surface is configured).
        """
        body = [
            self.body.format(**fields),
            "",
            f"Report: {fields['report']} ({fields['report_id']}); manager: {fields['manager']}.",
            f"When: {fields['when']}",
        ]
        if link and link_only:  # the command would be refused them: offer only what works
            body.append(f"What to do: open your page, {link}")
        elif link:  # the reader's own page comes first: where a web surface is, it is the way in
            body += [
                f"What to do: open your page, {link}",
                f"Or at the command line: {self.do.format(**fields)}",
            ]
        else:
            body.append(f"What to do: {self.do.format(**fields)}")
        return self.subject.format(**fields), "\n".join(body)


NOTICE_TEXTS: Mapping[NoticeKind, NoticeText] = MappingProxyType(
    {
        NoticeKind.PROPOSAL: NoticeText(  # M1
            "Career Conversations with {manager}: would you like to?",
            "{manager}, your manager, proposes a series of three career conversations to help "
            "you define your long-term goals and next steps. It is voluntary: accept or decline "
            "as you wish, and say no to the first conversation (your life story) if you prefer.",
            "answer with 'careerconv accept {report_id} --as {report_id}' (add --no-life-story "
            "to skip conversation 1), or 'careerconv decline {report_id} --as {report_id}'",
        ),
        NoticeKind.HOMEWORK: NoticeText(  # M9
            "Your GROW homework before conversation 3 with {manager}",
            "Fill in the rest of your GROW plan: the Goal you picked, where you are today (your "
            "ratings), the Options for developing the competencies you chose, and the Will: "
            "concrete next steps with an owner, a date and a 'done when'.",
            "write it in a file (see the record files in the docs) and run "
            "'careerconv record {report_id} grow --file grow.toml --as {report_id}'",
        ),
        NoticeKind.FEEDBACK_REQUEST: NoticeText(  # M16
            "How were the career conversations of {report} and {manager}?",
            "If you like, rate the three conversations from 0 to 10. HR only ever sees "
            "aggregates over groups of five or more people.",
            "'careerconv feedback {report_id} 8 --as {reader_id}' (any score from 0 to 10)",
        ),
        NoticeKind.SUGGEST_OTHERS: NoticeText(  # M10: a decline is respected
            "Talking about your career, your way",
            "You said you do not want a longer career conversation with {manager} now, and "
            "that is fine. If it helps, someone else inside or outside the company may be a "
            "good person to talk your plan through with. Your monthly check-in stays a short "
            "agenda item.",
            "nothing, unless you want to take your plan along: "
            "'careerconv export {report_id} --as {report_id} --out plan.md'",
        ),
        NoticeKind.CHECK_IN_DUE: NoticeText(  # M10
            "Career plan check-in with {report} due {when}",
            "Add a 5-10 minute career check-in with {report} early in your next 1:1, not "
            "last: are the next steps on track, and is there anything new to talk about?",
            "after the 1:1, 'careerconv checkin {report_id} --on-track yes' (or --on-track no)",
        ),
        NoticeKind.REVIEW_DUE: NoticeText(  # M10
            "Quarterly career review with {report} due {when}",
            "Time for the quarterly career review with {report} (about 30 minutes).",
            "after it, 'careerconv checkin {report_id} --review'",
        ),
        NoticeKind.PLAN_UPDATE_DUE: NoticeText(  # M10
            "Career plan update for {report} due {when}",
            "The GROW plan of {report} has not been updated this quarter. The plan is "
            "theirs: ask them whether it still says what they want.",
            "{report} updates it with 'careerconv record {report_id} grow --file grow.toml --as {report_id}'",
        ),
        NoticeKind.PROBE: NoticeText(  # M10
            "A while since you and {report} looked at the career plan",
            "Three months or more without touching the career plan of {report}. Stay curious "
            "a little longer: is all well, or would a separate conversation help?",
            "talk with {report}, then 'careerconv checkin {report_id} --review'",
        ),
        NoticeKind.CONVERSATION_OVERDUE: NoticeText(  # M3, M4
            "{conversation} with {report} is not recorded",
            "{conversation} with {report} was on the calendar and has not been recorded as "
            "held. If it took place, record it; if not, move it.",
            "'careerconv record {report_id} {conversation_id}' if it was held, or "
            "'careerconv reschedule {report_id} {conversation_id} --to 2030-01-15T10:00'",
        ),
        NoticeKind.ACTION_OVERDUE: NoticeText(  # M8
            "A GROW action of {report} is past its due date",
            "The GROW action {action} in the plan of {report} is still open after its due "
            "date. Is it done, or does it need a new date?",
            "'careerconv action done {report_id}:{action}' if it is done; a new date goes "
            "into the GROW plan with "
            "'careerconv record {report_id} grow --file grow.toml --as {report_id}'",
        ),
        NoticeKind.DECLINED: NoticeText(  # M4: any meeting may be moved later
            "{attendee} declined {meeting}",
            "{attendee} declined {meeting}, in the career plan of {report}, in their "
            "calendar. Nothing was moved: agree a new time together, then move it.",
            "{move}",
        ),
        NoticeKind.TENTATIVE: NoticeText(  # M4
            "{attendee} may not make {meeting}",
            "{attendee} answered {meeting}, in the career plan of {report}, as tentative. If "
            "the time does not suit, agree a new one together, then move it.",
            "{move}",
        ),
        NoticeKind.CONSENT_REQUEST: NoticeText(  # M12: the report is asked first
            "May your career plan go to your new manager?",
            "You have a new manager. Your career plan is shared with them only if you say "
            "yes. If you do not answer by {answer_by}, nothing is shared.",
            "'careerconv handoff consent {report_id} yes --as {report_id}' (or no instead of yes)",
        ),
        NoticeKind.PLAN_SHARED: NoticeText(  # M12, after a yes only
            "{report} shared their career plan with you",
            "{report} agreed to share their career plan with you. A three-way meeting with "
            "them and their previous manager will walk you through it.",
            "place the three-way meeting with "
            "'careerconv handoff meeting {report_id} --at 2030-01-15T10:00 --as {reader_id}', "
            "and read the plan with 'careerconv export {report_id} --as {reader_id}'",
        ),
        NoticeKind.ACTED_FOR_YOU: NoticeText(  # who is acting: a step taken in the report's name
            "A step of your career plan was taken in your name",
            "A step that is yours to take in your career plan with {manager} was taken in your "
            "name at careerconv's command line, not by you on your own page. The configuration "
            "allows this, and every such step is recorded and told to you. If you did not agree "
            "to it, say so to {manager} or to HR.",
            "nothing if you agreed; read your plan with 'careerconv export {report_id} --as {report_id}'",
        ),
        NoticeKind.ACCESS_ENDED: NoticeText(  # M12, after a no or no answer
            "Your access to the career plan of {report} ended",
            "{report} has a new manager, and {why}. Your access to the career plan has "
            "ended; nothing of it was shared.",
            "nothing; the plan stays with {report}",
        ),
    }
)
"""The words of every notice, by kind; a test checks that every kind has its text."""

REFUSED = "chose not to share their career plan with them"
"""Why an old manager's access ended (``{why}`` of ACCESS_ENDED): the report said no."""

UNANSWERED = "did not answer by {answer_by} whether to share their career plan, which counts as no"
"""Why an old manager's access ended: the deadline passed without an answer (M12)."""


NUDGES: Mapping[DueKind, NoticeKind] = MappingProxyType(
    {
        DueKind.CHECK_IN: NoticeKind.CHECK_IN_DUE,
        DueKind.EXTENDED_REVIEW: NoticeKind.REVIEW_DUE,
        DueKind.PLAN_UPDATE: NoticeKind.PLAN_UPDATE_DUE,
        DueKind.PROBE: NoticeKind.PROBE,
        DueKind.CONVERSATION: NoticeKind.CONVERSATION_OVERDUE,
        DueKind.ACTION: NoticeKind.ACTION_OVERDUE,
    }
)
"""Which due items someone is nudged about, and with which notice (M10)."""

ONLY_WHEN_OVERDUE = frozenset({DueKind.CONVERSATION, DueKind.ACTION})
"""Kinds nudged only once their day has passed: a conversation or action due today is in hand."""
