"""Rows to and from domain objects for the SQLite store (pure, no I/O).

Datetimes are stored as fixed-width UTC ISO text (``2026-11-25T09:00:00.000000Z``)
so that text order is time order and the indexes can compare them. Dates
are ``YYYY-MM-DD``. A plan or a person is stored whole as JSON text, beside
the columns the queries need.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

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

_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

__all__ = [
    "OUTBOX_COLUMNS",
    "DueRow",
    "PersonRow",
    "PlanRow",
    "due_item",
    "due_rows",
    "from_utc_text",
    "outbox_entry",
    "outbox_row",
    "person_from_body",
    "person_row",
    "plan_from_body",
    "plan_row",
    "utc_text",
]

DueRow = tuple[str, str, str, str, str]


def utc_text(value: datetime) -> str:
    """``value`` as sortable UTC text; naive datetimes are refused."""
    return require_aware(value, "datetime").astimezone(UTC).strftime(_UTC_FORMAT)


def from_utc_text(text: str) -> datetime:
    """The aware UTC datetime written by ``utc_text``."""
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=UTC)


def due_rows(plan: CareerPlan) -> list[DueRow]:
    """The due-index rows for ``plan``: one per ``DueItem``."""
    return [
        (item.plan_id, item.report_id, item.manager_id, item.kind.value, item.due.isoformat())
        for item in plan.due_items()
    ]


def due_item(row: Sequence[Any]) -> DueItem:
    """A ``DueItem`` from ``(plan_id, report_id, manager_id, kind, due)``."""
    due = row[4] if isinstance(row[4], date) else date.fromisoformat(row[4])
    return DueItem(row[0], row[1], row[2], DUE_KINDS[row[3]], due)


def outbox_row(entry: OutboxEntry) -> tuple[Any, ...]:
    """The values of ``OUTBOX_COLUMNS`` for ``entry``."""
    return (
        entry.id, entry.key, entry.channel.value, entry.payload, entry.plan_id,
        utc_text(entry.created_at), utc_text(entry.next_attempt_at), entry.status.value,
        entry.attempts, json.dumps(list(entry.delivered_to)), entry.last_error,
    )


def outbox_entry(row: Sequence[Any]) -> OutboxEntry:
    """An ``OutboxEntry`` from the values of ``OUTBOX_COLUMNS``."""
    return OutboxEntry(
        id=row[0], key=row[1], channel=Channel(row[2]), payload=row[3], plan_id=row[4],
        created_at=from_utc_text(row[5]), next_attempt_at=from_utc_text(row[6]),
        status=OutboxStatus(row[7]), attempts=int(row[8]),
        delivered_to=tuple(json.loads(row[9])), last_error=row[10],
    )
