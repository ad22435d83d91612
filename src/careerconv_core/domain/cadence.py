"""What is due when (M10): check-ins, quarterly reviews, plan updates, the probe."""

from __future__ import annotations

import enum
from datetime import date

from attrs import frozen


class DueKind(enum.Enum):
    """Kinds of thing that fall due on a plan."""

    CONVERSATION = "conversation"  # one of the three, scheduled and not yet held
    CHECK_IN = "check_in"  # monthly, 5-10 minutes in the regular 1:1 (M10)
    EXTENDED_REVIEW = "extended_review"  # at least quarterly, about 30 minutes (M10)
    PLAN_UPDATE = "plan_update"  # the plan updated quarterly (M10)
    PROBE = "probe"  # 3-4 months without touching the plan (M10)
    HANDOFF_CONSENT = "handoff_consent"  # the report's answer on sharing is awaited (M12)
    FEEDBACK = "feedback"  # a 0-10 rating may be given after conversation 3 (M16)


@frozen
class DueItem:
    """One thing due on one plan on one day."""

    plan_id: str
    report_id: str
    manager_id: str
    kind: DueKind
    due: date
