"""The retention rule: a plan that ended long enough ago is erased (``careerconv maintain``).

Pure: the months come from ``[retention] months_after_end``, now from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from attrs import frozen

from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.status import PlanStatus


def ended_at(plan: CareerPlan) -> datetime | None:
    """When the plan ended: ended, or declined; None while it is open."""
    if plan.status is PlanStatus.ENDED:
        return plan.ended_at
    if plan.status is PlanStatus.DECLINED:
        return plan.declined_at
    return None


def add_months(at: datetime, months: int) -> datetime:
    """``at`` moved ``months`` calendar months on (the day clipped to the month's end)."""
    month0 = at.month - 1 + months
    year, month = at.year + month0 // 12, month0 % 12 + 1
    for day in (at.day, 30, 29, 28):
        try:
            return at.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(at)  # pragma: no cover - day 28 exists in every month


@frozen
class PlanEnding:
    """What the retention rule reads of a plan: its id, its report and when it ended (None: open)."""

    plan_id: str
    report_id: str
    ended_at: datetime | None

    @classmethod
    def of(cls, plan: CareerPlan) -> PlanEnding:
        """The ending of ``plan``."""
        return cls(plan.id, plan.report_id, ended_at(plan))


def expired_plans(endings: Iterable[PlanEnding], now: datetime, months: int) -> list[PlanEnding]:
    """The plans that ended more than ``months`` months before ``now``."""
    return [e for e in endings if e.ended_at is not None and add_months(e.ended_at, months) <= now]
