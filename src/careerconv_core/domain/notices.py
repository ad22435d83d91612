"""What careerconv tells people, and in which words: one table keyed by notice kind.

Every notice a use case queues takes its subject and body from here, so the
method's voice (voluntary, no judgement, the report decides) is kept in one
place. Texts name dates and nothing else: never anyone's notes.
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
    SUGGEST_OTHERS = "suggest_others"
    HOMEWORK = "homework"
    FEEDBACK_REQUEST = "feedback_request"


@frozen
class NoticeText:
    """A notice's subject and body; ``{name}`` fields are filled in by ``render``."""

    subject: str
    body: str

    def render(self, **fields: str) -> tuple[str, str]:
        """Subject and body with the fields filled in; a missing field is a programming error."""
        return self.subject.format(**fields), self.body.format(**fields)


NOTICE_TEXTS: Mapping[NoticeKind, NoticeText] = MappingProxyType(
    {
        NoticeKind.PROPOSAL: NoticeText(  # M1
            "Career Conversations: would you like to?",
            "Your manager proposes a series of three career conversations to help you define your "
            "long-term goals and next steps. It is voluntary: accept or decline as you wish.",
        ),
        NoticeKind.HOMEWORK: NoticeText(  # M9
            "Your GROW homework before conversation 3",
            "Fill in the rest of your GROW plan: the Goal you picked, where you are today (your "
            "ratings), the Options for developing the competencies you chose, and the Will: "
            "concrete next steps with an owner, a date and a 'done when'.",
        ),
        NoticeKind.FEEDBACK_REQUEST: NoticeText(  # M16
            "How were the career conversations?",
            "If you like, rate the three conversations from 0 to 10. HR only ever sees "
            "aggregates over groups of five or more people.",
        ),
        NoticeKind.SUGGEST_OTHERS: NoticeText(  # M10: a decline is respected
            "Talking about your career, your way",
            "You said you do not want a longer career conversation now, and that is fine. If it "
            "helps, someone else inside or outside the company may be a good person to talk "
            "your plan through with. Your monthly check-in stays a short agenda item.",
        ),
        NoticeKind.CHECK_IN_DUE: NoticeText(  # M10
            "Career plan check-in due",
            "Add a 5-10 minute career check-in early in your next 1:1: are the "
            "next steps on track, and is there anything new to talk about?",
        ),
        NoticeKind.REVIEW_DUE: NoticeText(  # M10
            "Quarterly career review due",
            "Time for the quarterly career review (about 30 minutes).",
        ),
        NoticeKind.PLAN_UPDATE_DUE: NoticeText(  # M10
            "Career plan update due",
            "The GROW plan has not been updated this quarter.",
        ),
        NoticeKind.PROBE: NoticeText(  # M10
            "It has been a while since you looked at the plan",
            "Three months or more without touching the career plan. Stay curious a "
            "little longer: is all well, or would a separate conversation help?",
        ),
        NoticeKind.CONSENT_REQUEST: NoticeText(  # M12: the report is asked first
            "May your career plan go to your new manager?",
            "You have a new manager. Your career plan is shared with them only if you say "
            "yes. If you do not answer by {answer_by}, nothing is shared.",
        ),
        NoticeKind.PLAN_SHARED: NoticeText(  # M12, after a yes only
            "A career plan was shared with you",
            "Your new report agreed to share their career plan. A three-way meeting with "
            "them and their previous manager will walk you through it.",
        ),
        NoticeKind.ACCESS_ENDED: NoticeText(  # M12, after a no
            "Your access to a career plan ended",
            "Your former report chose not to share their career plan with their new manager. "
            "Your access to it has ended.",
        ),
    }
)
"""The words of every notice, by kind; a test checks that every kind has its text."""


NUDGES: Mapping[DueKind, NoticeKind] = MappingProxyType(
    {
        DueKind.CHECK_IN: NoticeKind.CHECK_IN_DUE,
        DueKind.EXTENDED_REVIEW: NoticeKind.REVIEW_DUE,
        DueKind.PLAN_UPDATE: NoticeKind.PLAN_UPDATE_DUE,
        DueKind.PROBE: NoticeKind.PROBE,
    }
)
"""Which due items the manager is nudged about, and with which notice (M10)."""
