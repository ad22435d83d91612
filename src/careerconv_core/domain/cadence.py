"""What is due when (M10): check-ins, quarterly reviews, plan updates, the probe."""

from __future__ import annotations

import enum
from datetime import date, datetime

from attrs import frozen

from careerconv_core.domain.clock import Interval
from careerconv_core.errors import InvalidInput


class DueKind(enum.Enum):
    """Kinds of thing that fall due on a plan."""

    CONVERSATION = "conversation"  # one of the three, scheduled and not yet held
    CHECK_IN = "check_in"  # monthly, 5-10 minutes in the regular 1:1 (M10)
    EXTENDED_REVIEW = "extended_review"  # at least quarterly, about 30 minutes (M10)
    PLAN_UPDATE = "plan_update"  # the plan updated quarterly (M10)
    PROBE = "probe"  # 3-4 months without touching the plan (M10)
    HANDOFF_CONSENT = "handoff_consent"  # the report's answer on sharing is awaited (M12)


@frozen
class DueItem:
    """One thing due on one plan on one day."""

    plan_id: str
    report_id: str
    manager_id: str
    kind: DueKind
    due: date


class CheckInKind(enum.Enum):
    """The two kinds of follow-up after the three conversations (M10)."""

    CHECK_IN = "check_in"  # monthly, an agenda item of the regular 1:1, not last
    EXTENDED_REVIEW = "extended_review"  # at least quarterly, about 30 minutes


class FollowUpStatus(enum.Enum):
    """Whether a follow-up meeting is on the calendar."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


@frozen
class FollowUp:
    """A placed monthly check-in or quarterly extended review (M10).

    ``number`` counts the follow-ups after conversation 3 (1 is the first
    month); ``sequence`` counts real changes to its calendar invite.
    """

    number: int
    kind: CheckInKind
    start: datetime
    end: datetime
    sequence: int = 0
    status: FollowUpStatus = FollowUpStatus.SCHEDULED

    @property
    def interval(self) -> Interval:
        """When it is, as an interval."""
        return Interval(self.start, self.end)


@frozen
class CadenceRules:
    """The follow-up rhythm (M10). Months are calendar months."""

    check_in_months: int = 1
    extended_review_months: int = 3
    plan_update_months: int = 3
    probe_after_months: int = 3  # the method says three to four months

    def __attrs_post_init__(self) -> None:
        for name in ("check_in_months", "extended_review_months", "plan_update_months"):
            if not 1 <= getattr(self, name) <= 12:
                raise InvalidInput(f"cadence.{name}", "1 to 12 months")
        if not 3 <= self.probe_after_months <= 4:
            raise InvalidInput("cadence.probe_after_months", "3 or 4 months (the method's probe point)")
