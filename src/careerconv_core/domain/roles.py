"""Who is acting on a plan: the report or their manager."""

from __future__ import annotations

import enum

from careerconv_core.errors import RuleViolation, shown


class Actor(enum.Enum):
    """The two people of a plan. Some steps only one of them may take."""

    REPORT = "report"
    MANAGER = "manager"


class NotAParticipant(RuleViolation):
    """The person acting is neither the plan's report nor its manager."""

    def __init__(self, person_id: str, plan_id: str) -> None:
        super().__init__(
            "M1",
            f"{shown(person_id)} is neither the report nor the manager of plan {shown(plan_id)}",
            "act as the plan's report or its current manager",
        )


class AccessEnded(RuleViolation):
    """A former manager asks for a plan: the report moved on and their access ended (M12)."""

    def __init__(self, person_id: str, plan_id: str) -> None:
        super().__init__(
            "M12",
            f"{person_id!r}: your access ended (M12): plan {plan_id!r} is no longer yours "
            "since the report moved to another manager",
            "the report and their current manager hold the plan now; ask the report if you need it",
        )


class NotSharedYet(RuleViolation):
    """A new manager asks for a plan before the report agreed to share it (M12)."""

    def __init__(self, person_id: str, plan_id: str, state: object) -> None:
        state_text = getattr(state, "value", str(state))
        super().__init__(
            "M12",
            f"{person_id!r} is the report's new manager, and plan {plan_id!r} is not shared with "
            f"them ({state_text}): the report decides first",
            "wait for the report's answer; nothing is shared without their yes",
        )


def actor_of(person_id: str, *, report_id: str, manager_id: str, plan_id: str) -> Actor:
    """Whether ``person_id`` acts as the report or the manager; anyone else may not act (M1)."""
    if person_id == report_id:
        return Actor.REPORT
    if person_id == manager_id:
        return Actor.MANAGER
    raise NotAParticipant(person_id, plan_id)
