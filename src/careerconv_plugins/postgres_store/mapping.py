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

from careerconv_core.domain.cadence import DueItem
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_plugins.store_rows import (
    DUE_KINDS,
    OUTBOX_COLUMNS,
    PersonRow,
    PlanRow,
    person_from_body,
    person_row,
    plan_from_body,
    plan_row,
)

__all__ = [
    "OUTBOX_COLUMNS",
    "DueRow",
    "PersonRow",
    "PlanRow",
    "aware",
    "due_item",
    "due_rows",
    "outbox_entry",
    "outbox_row",
    "person_from_body",
    "person_row",
    "plan_from_body",
    "plan_row",
]

DueRow = tuple[str, str, str, str, date]


def due_rows(plan: CareerPlan) -> list[DueRow]:
    """The due-index rows for ``plan``: one per ``DueItem``."""
    return [
        (item.plan_id, item.report_id, item.manager_id, item.kind.value, item.due)
        for item in plan.due_items()
    ]


def due_item(row: Sequence[Any]) -> DueItem:
    """A ``DueItem`` from ``(plan_id, report_id, manager_id, kind, due)``."""
    return DueItem(row[0], row[1], row[2], DUE_KINDS[row[3]], row[4])


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
