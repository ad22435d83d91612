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

from careerconv_core.domain.cadence import DueItem, DueKind
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.serialization import dumps, loads

_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

PlanRow = tuple[str, str, str, str, int, str]
DueRow = tuple[str, str, str, str, str]
PersonRow = tuple[str, str | None, str]

OUTBOX_COLUMNS = (
    "id", "key", "channel", "payload", "plan_id", "created_at", "next_attempt_at",
    "status", "attempts", "delivered_to", "last_error",
)


def utc_text(value: datetime) -> str:
    """``value`` as sortable UTC text; naive datetimes are refused."""
    return require_aware(value, "datetime").astimezone(UTC).strftime(_UTC_FORMAT)


def from_utc_text(text: str) -> datetime:
    """The aware UTC datetime written by ``utc_text``."""
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=UTC)


def plan_row(plan: CareerPlan) -> PlanRow:
    """``(id, report_id, manager_id, status, version, body)`` for ``plan``."""
    return (plan.id, plan.report_id, plan.manager_id, plan.status.value, plan.version, dumps(plan))


def plan_from_body(body: str) -> CareerPlan:
    """The plan stored as ``body``."""
    return loads(body, CareerPlan, "plan")


def due_rows(plan: CareerPlan) -> list[DueRow]:
    """The due-index rows for ``plan``: one per ``DueItem``."""
    return [
        (item.plan_id, item.report_id, item.manager_id, item.kind.value, item.due.isoformat())
        for item in plan.due_items()
    ]


_KINDS = {kind.value: kind for kind in DueKind}  # a dict lookup is faster than DueKind(value)


def due_item(row: Sequence[Any]) -> DueItem:
    """A ``DueItem`` from ``(plan_id, report_id, manager_id, kind, due)``."""
    due = row[4] if isinstance(row[4], date) else date.fromisoformat(row[4])
    return DueItem(row[0], row[1], row[2], _KINDS[row[3]], due)


def person_row(person: Person) -> PersonRow:
    """``(id, manager_id, body)`` for ``person``."""
    return (person.id, person.manager_id, dumps(person))


def person_from_body(body: str) -> Person:
    """The person stored as ``body``."""
    return loads(body, Person, "person")


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
