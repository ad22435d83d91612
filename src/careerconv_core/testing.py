"""Test doubles for users' own tests: an in-memory store, recording adapters, a fixed clock.

They implement the ports for real (no mocks), so a test that runs the use
cases and the dispatcher against them exercises the same code paths as
production, minus the network.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from attrs import evolve

from careerconv_core import disclosures, serialization
from careerconv_core.domain.cadence import DueItem
from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import BookingsChanged, ConcurrentChange, InvalidInput, NotFound
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import (
    BusyReport,
    DeliveryOutcome,
    OutcomeStatus,
    PlanChange,
)
from careerconv_core.views import (
    HrisSummaryView,
    InviteView,
    NoticeView,
    Participant,
    TicketStatus,
    TicketView,
)


class FixedClock:
    """A clock that stands still until moved: ``clock()``, ``clock.advance(days=1)``."""

    def __init__(self, now: datetime) -> None:
        self.now = require_aware(now, "now")

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock on by a ``timedelta(**delta)``."""
        self.now += timedelta(**delta)
        return self.now


class SequentialIds:
    """Ids ``<prefix>1``, ``<prefix>2``, ... so tests can name what they expect."""

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._count = itertools.count(1)

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._count)}"


class InMemoryStore:
    """A ``PlanStore`` in dictionaries, with the same contract as the real stores.

    Atomic commits with version checks, coalescing of pending entries for the
    same thing (key and channel), leases, and requeue: the store contract
    suite (tests/contract/test_store_contract.py) runs against it too. Plans
    are kept as JSON, like the real stores, so a test also proves the plan
    survives serialization.
    """

    def __init__(self) -> None:
        self.plans: dict[str, str] = {}
        self.people: dict[str, Person] = {}
        self.entries: dict[str, OutboxEntry] = {}
        self.order: dict[str, int] = {}  # commit order, to break ties between equal ages
        self.leases: dict[str, datetime] = {}
        self.cursors: dict[str, str] = {}
        self.commits = 0
        self.fail_next_commit: Exception | None = None
        self.trail: list[disclosures.StoredRecord] = []  # the audit trail, chained without a key
        # Stamps deliveries on the trail; unset, a delivery is stamped with its entry's due moment.
        self.clock: Callable[[], datetime] | None = None

    def close(self) -> None:
        """Nothing to close."""

    def _refuse_unreadable_or_stale(self, change: PlanChange) -> dict[str, str]:
        """Raise as the SQL stores do, before anything is applied; the plans' bodies otherwise."""
        # Nothing is kept that would not read back.
        bodies = {plan.id: serialization.dumps_readable(plan, CareerPlan, "plan") for plan in change.plans}
        for person in change.people:
            serialization.dumps_readable(person, Person, "person")
        for plan in change.plans:
            stored = self.plans.get(plan.id)
            version = serialization.loads(stored, CareerPlan).version if stored else 0
            if version != plan.version - 1:
                raise ConcurrentChange(plan.id, plan.version - 1)
        for read in change.bookings:
            versions = {
                plan.id: plan.version
                for plan in (serialization.loads(b, CareerPlan) for b in self.plans.values())
                if plan.manager_id == read.manager_id
            }
            if not read.still_holds(versions, bodies):
                raise BookingsChanged(read.manager_id)
        seen: set[str] = set()
        for n, entry in enumerate(change.outbox):  # refused as the SQL stores refuse it
            if entry.id in seen or entry.id in self.entries:
                raise InvalidInput(
                    f"outbox[{n}].id", "an id not yet in the outbox", f"duplicate id {entry.id!r}"
                )
            seen.add(entry.id)
        return bodies

    def commit(self, change: PlanChange) -> None:
        """Apply the whole change or nothing."""
        bodies = self._refuse_unreadable_or_stale(change)
        if self.fail_next_commit is not None:
            exc, self.fail_next_commit = self.fail_next_commit, None
            raise exc
        for plan_id in change.destroyed_plans:  # nothing kept in memory outlives the plan
            self.plans.pop(plan_id, None)
            for entry_id in [i for i, e in self.entries.items() if e.plan_id == plan_id]:
                del self.entries[entry_id]
                self.leases.pop(entry_id, None)
        for plan_id, body in bodies.items():
            self.plans[plan_id] = body
        for person in change.people:
            self.people[person.id] = person
        for pid in change.removed_people:
            self.people.pop(pid, None)
        for entry in change.outbox:
            for other in list(self.entries.values()):
                if (other.key, other.channel) == (entry.key, entry.channel) and (
                    other.status is OutboxStatus.PENDING and other.id not in self.leases
                ):
                    self.entries[other.id] = evolve(other, status=OutboxStatus.SUPERSEDED)
            self.entries[entry.id] = entry
            self.order[entry.id] = len(self.order)
        self.cursors.update(dict(change.cursors))
        self.record_disclosures(change.disclosures)
        self.commits += 1

    # ------------------------------------------------------------ audit trail
    def record_disclosures(self, records: Sequence[disclosures.Disclosure]) -> None:
        """Append ``records`` to the trail, chained as the SQL stores chain theirs."""
        for record in records:
            seq = len(self.trail) + 1
            prev = self.trail[-1].hash if self.trail else disclosures.GENESIS
            fields = (
                record.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                record.subject_id,
                record.plan_id or "",
                record.kind.value,
                record.detail(),
            )
            self.trail.append(
                disclosures.StoredRecord(seq, fields, prev, disclosures.link(b"", prev, seq, fields))
            )

    def audit_trail(self, subject_id: str) -> Sequence[disclosures.TrailEntry]:
        """Every record about ``subject_id``, oldest first."""
        return [
            disclosures.TrailEntry(
                r.seq,
                r.fields[0],
                r.fields[1],
                r.fields[2],
                disclosures.DisclosureKind(r.fields[3]),
                disclosures.Disclosure.parse_detail(r.fields[4]),
            )
            for r in self.trail
            if r.fields[1] == subject_id
        ]

    def verify_audit(self) -> disclosures.Verdict:
        """The trail checked against its chain (the head is its last record)."""
        last = self.trail[-1].hash if self.trail else disclosures.GENESIS
        head = (len(self.trail), disclosures.head_mark(b"", len(self.trail), last))
        return disclosures.verify(self.trail, b"", head)

    def load_plan(self, plan_id: str) -> CareerPlan:
        """The plan, or ``NotFound``."""
        if plan_id not in self.plans:
            raise NotFound("plan", plan_id)
        return serialization.loads(self.plans[plan_id], CareerPlan)

    def find_plans(
        self, *, report_id: str | None = None, manager_id: str | None = None
    ) -> Sequence[CareerPlan]:
        """Plans matching the report and/or manager."""
        plans = [serialization.loads(self.plans[k], CareerPlan) for k in sorted(self.plans)]
        return [
            p
            for p in plans
            if (report_id is None or p.report_id == report_id)
            and (manager_id is None or p.manager_id == manager_id)
        ]

    def load_person(self, person_id: str) -> Person:
        """The person, or ``NotFound``."""
        try:
            return self.people[person_id]
        except KeyError:
            raise NotFound("person", person_id) from None

    def list_people(self) -> Sequence[Person]:
        """Everyone, by id."""
        return sorted(self.people.values(), key=lambda p: p.id)

    def due_on(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """Due items on or before ``day``."""
        items = [i for p in self.find_plans(manager_id=manager_id) for i in p.due_items() if i.due <= day]
        return sorted(items, key=lambda i: (i.due, i.plan_id, i.kind.value))

    def _age(self, entry: OutboxEntry) -> tuple[datetime, int]:
        return (entry.created_at, self.order[entry.id])

    def claim_outbox(
        self, now: datetime, limit: int, lease_until: datetime, channel: Channel | None = None
    ) -> Sequence[OutboxEntry]:
        """Pending, due, unleased entries (of ``channel`` only, when given), oldest first,
        leased until ``lease_until``.

        An entry waits while another one for the same thing is out on lease.
        """
        for entry_id, until in list(self.leases.items()):
            if until <= now:
                del self.leases[entry_id]
        out = {(self.entries[i].key, self.entries[i].channel) for i in self.leases}
        ready = sorted(
            (
                e
                for e in self.entries.values()
                if e.status is OutboxStatus.PENDING
                and e.next_attempt_at <= now
                and (e.key, e.channel) not in out
                and (channel is None or e.channel is channel)
            ),
            key=self._age,
        )[: max(limit, 0)]
        for e in ready:
            self.leases[e.id] = lease_until
        return ready

    def _newer_exists(self, entry: OutboxEntry) -> bool:
        return any(
            (o.key, o.channel) == (entry.key, entry.channel)
            and self.order[o.id] > self.order[entry.id]
            and o.status is OutboxStatus.PENDING
            for o in self.entries.values()
        )

    def save_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Store the entries' new state and end their leases; a stale retry is superseded."""
        for e in entries:
            if e.id not in self.entries:
                raise NotFound("outbox entry", e.id)
        for e in entries:
            at = self.clock() if self.clock is not None else e.next_attempt_at
            old = self.entries[e.id]
            stored = self.plans.get(e.plan_id)
            subject = (
                serialization.loads(stored, CareerPlan).report_id
                if stored
                else disclosures.subject_of(e.plan_id)
            )
            self.record_disclosures(
                [
                    disclosures.from_delivery(e, name, subject, at)
                    for name in e.delivered_to
                    if name not in old.delivered_to
                ]
            )
            if e.status is OutboxStatus.PENDING and self._newer_exists(e):
                e = evolve(e, status=OutboxStatus.SUPERSEDED)  # noqa: PLW2901 - the stored form
            self.entries[e.id] = e
            self.leases.pop(e.id, None)

    def outbox(self, statuses: Sequence[str] | None = None) -> Sequence[OutboxEntry]:
        """Entries, oldest first, optionally filtered by status value."""
        chosen = [
            evolve(e, leased_until=self.leases.get(e.id))
            for e in self.entries.values()
            if statuses is None or e.status.value in statuses
        ]
        return sorted(chosen, key=self._age)

    def outbox_of(self, plan_ids: Sequence[str]) -> Sequence[OutboxEntry]:
        """The entries queued under any of ``plan_ids``, oldest first (a person's export and erasure)."""
        wanted = set(plan_ids)
        return [e for e in self.outbox() if e.plan_id in wanted]

    def plans_naming(self, person_id: str) -> Sequence[CareerPlan]:
        """The plans ``person_id`` manages, managed or was to manage, by id."""
        return [
            p
            for p in self.find_plans()
            if person_id == p.manager_id
            or any(person_id in (h.old_manager_id, h.new_manager_id) for h in p.handoffs)
        ]

    def cursor(self, name: str) -> str | None:
        """A stored cursor."""
        return self.cursors.get(name)

    def requeue(self, entry_ids: Sequence[str] | None = None, *, now: datetime) -> int:
        """Failed entries (all, or those named) back to pending; stale ones are superseded."""
        count = 0
        for e in list(self.entries.values()):
            if e.status is not OutboxStatus.FAILED or (entry_ids is not None and e.id not in entry_ids):
                continue
            if self._newer_exists(e):
                self.entries[e.id] = evolve(e, status=OutboxStatus.SUPERSEDED)
                continue
            self.entries[e.id] = evolve(
                e, status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error=""
            )
            count += 1
        return count


class RecordingCalendar:
    """A ``CalendarBackend`` that keeps the last invite per uid and counts writes."""

    def __init__(self, busy: dict[str, tuple[object, ...]] | None = None) -> None:
        self.events: dict[str, InviteView] = {}
        self.writes = 0
        self._busy = busy

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Keep each invite; unchanged ones are not written again."""
        out = []
        for inv in invites:
            if self.events.get(inv.uid) == inv:
                out.append(DeliveryOutcome(inv.uid, OutcomeStatus.UNCHANGED))
                continue
            self.events[inv.uid] = inv
            self.writes += 1
            out.append(DeliveryOutcome(inv.uid, OutcomeStatus.DELIVERED))
        return out

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """No free/busy unless given at construction."""
        del people, start, end
        if self._busy is None:
            return BusyReport({}, available=False, reason="recording calendar has no free/busy")
        return BusyReport(self._busy)  # type: ignore[arg-type]


class RecordingTracker:
    """A ``TicketTracker`` that keeps tickets by key."""

    def __init__(self) -> None:
        self.tickets: dict[str, TicketView] = {}

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        """Keep each ticket."""
        out = []
        for t in tickets:
            status = OutcomeStatus.UNCHANGED if self.tickets.get(t.key) == t else OutcomeStatus.DELIVERED
            self.tickets[t.key] = t
            out.append(DeliveryOutcome(t.key, status))
        return out

    def pull_statuses(self, keys: Sequence[str]) -> dict[str, TicketStatus]:
        """Statuses of known tickets; unknown keys are DELETED."""
        return {k: self.tickets[k].status if k in self.tickets else TicketStatus.DELETED for k in keys}


class RecordingNotifier:
    """A ``Notifier`` that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[NoticeView] = []

    def deliver_notices(self, notices: Sequence[NoticeView]) -> Sequence[DeliveryOutcome]:
        """Send each notice once per key."""
        known = {n.key for n in self.sent}
        out = []
        for n in notices:
            if n.key in known:
                out.append(DeliveryOutcome(n.key, OutcomeStatus.UNCHANGED))
                continue
            self.sent.append(n)
            known.add(n.key)
            out.append(DeliveryOutcome(n.key, OutcomeStatus.DELIVERED))
        return out


class RecordingHris:
    """An ``HrisRecordWriter`` that keeps the last summary per external id."""

    def __init__(self) -> None:
        self.records: dict[str, HrisSummaryView] = {}

    def deliver_summaries(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """Keep each summary; a withdrawn one removes the record."""
        for s in summaries:
            if s.withdrawn:
                self.records.pop(s.external_id, None)
            else:
                self.records[s.external_id] = s
        return [DeliveryOutcome(s.external_id, OutcomeStatus.DELIVERED) for s in summaries]
