"""A report who leaves the company, and comes back within the grace period (the org's part).

``CareerPlan`` takes these steps from ``LeavingPart``: leaving ends the plan
and calls off what was booked; coming back within ``return_grace_days``
opens it again as it was.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.plan_part import PlanPart
from careerconv_core.domain.status import EndReason, PlanStatus
from careerconv_core.errors import RuleViolation

if TYPE_CHECKING:
    from careerconv_core.domain.handoff import Handoff


class LeavingPart(PlanPart):
    """The plan's steps when its report leaves the org and when they return."""

    __slots__ = ()

    if TYPE_CHECKING:  # provided by CareerPlan
        ended_at: datetime | None
        ended_reason: EndReason | None
        paused_at: datetime | None
        accepted_at: datetime | None
        handoffs: tuple[Handoff, ...]

        @property
        def current_handoff(self) -> Handoff | None: ...

    def report_left(self, at: datetime) -> Self:
        """The report left the company: everything is called off."""
        require_aware(at, "at")
        handoffs = self.handoffs
        if self.current_handoff is not None and self.current_handoff.is_open:
            handoffs = (*handoffs[:-1], self.current_handoff.superseded())
        return self._cancel_scheduled()._changed(
            status=PlanStatus.ENDED,
            ended_at=at,
            ended_reason=EndReason.REPORT_LEFT,
            handoffs=handoffs,
        )

    def left_within(self, at: datetime, grace: timedelta) -> bool:
        """Whether the plan ended because the report left, no longer than ``grace`` before ``at``."""
        require_aware(at, "at")
        return (
            self.status is PlanStatus.ENDED
            and self.ended_reason is EndReason.REPORT_LEFT
            and self.ended_at is not None
            and at - self.ended_at <= grace
        )

    def report_returned(self, at: datetime, grace: timedelta) -> Self:
        """The report came back within ``grace`` of leaving: the plan is theirs again.

        It opens as it was when they left (proposed, active or paused). What the
        leave called off stays called off: the manager schedules anew, as after a pause.
        """
        if not self.left_within(at, grace):
            raise RuleViolation(
                "M1",
                "the plan did not end with the report leaving, or the grace period is over",
                "propose a new plan",
            )
        if self.paused_at is not None:
            status = PlanStatus.PAUSED
        elif self.accepted_at is not None:
            status = PlanStatus.ACTIVE
        else:
            status = PlanStatus.PROPOSED
        return self._changed(status=status, ended_at=None, ended_reason=None, last_touched_at=at)
