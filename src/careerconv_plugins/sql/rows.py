"""Row mapping every SQL plan store shares (pure, no I/O).

A plan or a person is stored whole as the core's JSON, beside the few
columns the queries need. What differs between databases is only how an
instant, a day and a JSON list travel; a ``RowCodec`` names those three
conversions and maps due items and outbox entries with them.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from attrs import frozen

from careerconv_core.domain.cadence import DueItem, DueKind
from careerconv_core.domain.ids import ID_RULE, is_id
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import CareerconvError, ConfigurationError, shown
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.serialization import dumps_readable, loads

PlanRow = tuple[str, str, str, str, int, str]
PersonRow = tuple[str, str | None, str]
DueRow = tuple[str, str, str, str, Any]

PLAN_COLUMNS = ("id", "report_id", "manager_id", "status", "version", "body")
DUE_COLUMNS = ("plan_id", "report_id", "manager_id", "kind", "due")
OUTBOX_COLUMNS = (
    "id",
    "key",
    "channel",
    "payload",
    "plan_id",
    "created_at",
    "next_attempt_at",
    "status",
    "attempts",
    "delivered_to",
    "last_error",
)

DUE_KINDS = {kind.value: kind for kind in DueKind}  # a dict lookup is faster than DueKind(value)


def plan_row(plan: CareerPlan) -> PlanRow:
    """``(id, report_id, manager_id, status, version, body)`` for ``plan``."""
    body = dumps_readable(plan, CareerPlan, "plan")
    return (plan.id, plan.report_id, plan.manager_id, plan.status.value, plan.version, body)


def plan_from_body(body: object) -> CareerPlan:
    """The plan stored as ``body``."""
    return loads(str(body), CareerPlan, "plan")


def person_row(person: Person) -> PersonRow:
    """``(id, manager_id, body)`` for ``person``."""
    return (person.id, person.manager_id, dumps_readable(person, Person, "person"))


def person_from_body(body: object, stored_id: object = None) -> Person:
    """The person stored as ``body`` (under ``stored_id``, the row's key, when known).

    A person stored by an older careerconv under an id today's rule refuses
    (``domain.ids``) is refused with the fix, not with the rule alone.
    """
    try:
        return loads(str(body), Person, "person")
    except CareerconvError:
        if stored_id is None or is_id(stored_id):
            raise
        raise ConfigurationError(
            f"the store holds a person with the id {shown(str(stored_id))}, which this careerconv "
            f"no longer accepts (an id is {ID_RULE}); remove that record "
            f"(careerconv person erase -- {shlex.quote(str(stored_id))}), then add the person again "
            "under a valid id (careerconv org import FILE)"
        ) from None


@frozen
class RowCodec:
    """How one database carries an instant, a day and a JSON list, and the rows built with them.

    Each ``to_*`` turns a Python value into what the driver stores; each
    ``from_*`` turns what the driver reads back into the Python value.
    """

    to_moment: Callable[[datetime], Any]
    from_moment: Callable[[Any], datetime]
    to_day: Callable[[date], Any]
    from_day: Callable[[Any], date]
    to_list: Callable[[list[str]], Any]
    from_list: Callable[[Any], Sequence[str]]

    def due_rows(self, plan: CareerPlan) -> list[DueRow]:
        """The due-index rows for ``plan`` (``DUE_COLUMNS``): one per ``DueItem``."""
        return [
            (item.plan_id, item.report_id, item.manager_id, item.kind.value, self.to_day(item.due))
            for item in plan.due_items()
        ]

    def due_item(self, row: Sequence[Any]) -> DueItem:
        """A ``DueItem`` from ``(plan_id, report_id, manager_id, kind, due)``."""
        return DueItem(row[0], row[1], row[2], DUE_KINDS[row[3]], self.from_day(row[4]))

    def outbox_row(self, entry: OutboxEntry) -> tuple[Any, ...]:
        """The values of ``OUTBOX_COLUMNS`` for ``entry``."""
        return (
            entry.id,
            entry.key,
            entry.channel.value,
            entry.payload,
            entry.plan_id,
            self.to_moment(entry.created_at),
            self.to_moment(entry.next_attempt_at),
            entry.status.value,
            entry.attempts,
            self.to_list(list(entry.delivered_to)),
            entry.last_error,
        )

    def outbox_entry(self, row: Sequence[Any], *, leased_until: Any = None) -> OutboxEntry:
        """An ``OutboxEntry`` from the values of ``OUTBOX_COLUMNS`` (and its lease, when read)."""
        return OutboxEntry(
            id=row[0],
            key=row[1],
            channel=Channel(row[2]),
            payload=row[3],
            plan_id=row[4],
            created_at=self.from_moment(row[5]),
            next_attempt_at=self.from_moment(row[6]),
            status=OutboxStatus(row[7]),
            attempts=int(row[8]),
            delivered_to=tuple(self.from_list(row[9])),
            last_error=row[10],
            leased_until=None if leased_until is None else self.from_moment(leased_until),
        )
