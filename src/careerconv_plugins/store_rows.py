"""Row mapping every SQL plan store shares (pure, no I/O).

A plan or a person is stored whole as the core's JSON, beside the few
columns the queries need. What differs between databases (how datetimes,
dates and JSON lists travel) stays in each store's own ``mapping`` module.
"""

from __future__ import annotations

from careerconv_core.domain.cadence import DueKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.serialization import dumps, loads

PlanRow = tuple[str, str, str, str, int, str]
PersonRow = tuple[str, str | None, str]

OUTBOX_COLUMNS = (
    "id", "key", "channel", "payload", "plan_id", "created_at", "next_attempt_at",
    "status", "attempts", "delivered_to", "last_error",
)

DUE_KINDS = {kind.value: kind for kind in DueKind}  # a dict lookup is faster than DueKind(value)


def plan_row(plan: CareerPlan) -> PlanRow:
    """``(id, report_id, manager_id, status, version, body)`` for ``plan``."""
    return (plan.id, plan.report_id, plan.manager_id, plan.status.value, plan.version, dumps(plan))


def plan_from_body(body: str) -> CareerPlan:
    """The plan stored as ``body``."""
    return loads(body, CareerPlan, "plan")


def person_row(person: Person) -> PersonRow:
    """``(id, manager_id, body)`` for ``person``."""
    return (person.id, person.manager_id, dumps(person))


def person_from_body(body: str) -> Person:
    """The person stored as ``body``."""
    return loads(body, Person, "person")
