"""Rows to and from domain objects for the PostgreSQL store (pure, no I/O).

Datetimes travel as aware ``datetime`` (``timestamptz``), dates as ``date``;
a plan or a person is stored whole as JSON text beside the columns the
queries need, and ``delivered_to`` as a JSON list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from psycopg.types.json import Jsonb

from careerconv_core.domain.cadence import DueItem, DueKind
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.serialization import dumps, loads

PlanRow = tuple[str, str, str, str, int, str]
DueRow = tuple[str, str, str, str, date]
PersonRow = tuple[str, str | None, str]

OUTBOX_COLUMNS = (
    "id", "key", "channel", "payload", "plan_id", "created_at", "next_attempt_at",
    "status", "attempts", "delivered_to", "last_error",
)


def plan_row(plan: CareerPlan) -> PlanRow:
    """``(id, report_id, manager_id, status, version, body)`` for ``plan``."""
    return (plan.id, plan.report_id, plan.manager_id, plan.status.value, plan.version, dumps(plan))


def plan_from_body(body: str) -> CareerPlan:
    """The plan stored as ``body``."""
    return loads(body, CareerPlan, "plan")


def due_rows(plan: CareerPlan) -> list[DueRow]:
    """The due-index rows for ``plan``: one per ``DueItem``."""
    return [
        (item.plan_id, item.report_id, item.manager_id, item.kind.value, item.due)
        for item in plan.due_items()
    ]


_KINDS = {kind.value: kind for kind in DueKind}  # a dict lookup is faster than DueKind(value)


def due_item(row: Sequence[Any]) -> DueItem:
    """A ``DueItem`` from ``(plan_id, report_id, manager_id, kind, due)``."""
    return DueItem(row[0], row[1], row[2], _KINDS[row[3]], row[4])


def person_row(person: Person) -> PersonRow:
    """``(id, manager_id, body)`` for ``person``."""
    return (person.id, person.manager_id, dumps(person))


def person_from_body(body: str) -> Person:
    """The person stored as ``body``."""
    return loads(body, Person, "person")


def aware(value: datetime) -> datetime:
    """``value``, refused if naive: a naive value would be read in the session's zone."""
    return require_aware(value, "datetime")


def outbox_row(entry: OutboxEntry) -> tuple[Any, ...]:
    """The values of ``OUTBOX_COLUMNS`` for ``entry``."""
    return (
        entry.id, entry.key, entry.channel.value, entry.payload, entry.plan_id,
        aware(entry.created_at), aware(entry.next_attempt_at), entry.status.value,
        entry.attempts, Jsonb(list(entry.delivered_to)), entry.last_error,
    )


def outbox_entry(row: Sequence[Any]) -> OutboxEntry:
    """An ``OutboxEntry`` from the values of ``OUTBOX_COLUMNS``."""
    return OutboxEntry(
        id=row[0], key=row[1], channel=Channel(row[2]), payload=row[3], plan_id=row[4],
        created_at=row[5], next_attempt_at=row[6], status=OutboxStatus(row[7]),
        attempts=int(row[8]), delivered_to=tuple(row[9]), last_error=row[10],
    )
