"""Where a plan is in its life (M1), and why it ended."""

from __future__ import annotations

import enum


class PlanStatus(enum.Enum):
    """The plan's life cycle (M1)."""

    PROPOSED = "proposed"  # the manager proposed; the report has not answered
    ACTIVE = "active"  # both opted in
    PAUSED = "paused"  # either side paused; nothing is scheduled meanwhile
    DECLINED = "declined"  # either side declined; recorded without judgement
    ENDED = "ended"  # the report left, or a handoff ended the old manager's access

    @property
    def is_open(self) -> bool:
        """Proposed, active or paused: the report's one current plan (a new one waits for its end)."""
        return self in (PlanStatus.PROPOSED, PlanStatus.ACTIVE, PlanStatus.PAUSED)


class EndReason(enum.Enum):
    """Why a plan ended."""

    REPORT_LEFT = "report_left"
    HANDOFF_REFUSED = "handoff_refused"
    HANDOFF_EXPIRED = "handoff_expired"
