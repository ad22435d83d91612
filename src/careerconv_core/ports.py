"""The protocols adapters implement. The core talks to the world only through these.

Every delivering port takes a batch of views and answers one
``DeliveryOutcome`` per view, keyed by the view's deterministic key, so a
tracker can bulk-create and a calendar can skip unchanged events. Adapters
translate their own exceptions: nothing but ``CareerconvError`` (or an
outcome) leaves a port.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar, runtime_checkable

from attrs import field, frozen

from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.people import Person
from careerconv_core.outbox import Channel
from careerconv_core.views import (
    HrisSummaryView,
    InviteView,
    NoticeView,
    Participant,
    TicketStatus,
    TicketView,
)

if TYPE_CHECKING:
    from careerconv_core.disclosures import Disclosure
    from careerconv_core.domain.cadence import DueItem
    from careerconv_core.domain.plan import CareerPlan
    from careerconv_core.outbox import OutboxEntry

T = TypeVar("T")


class OutcomeStatus(enum.Enum):
    """What happened to one view handed to an adapter."""

    DELIVERED = "delivered"  # written (created or changed)
    UNCHANGED = "unchanged"  # already as asked: nothing was written
    RETRY = "retry"  # failed in a way that may pass: try again later
    FAILED = "failed"  # will not pass by retrying: needs a person
    CONFLICT = "conflict"  # changed remotely by someone else: reported, not overwritten


@frozen
class DeliveryOutcome:
    """The result for one key. ``reason`` is short and carries no personal data."""

    key: str
    status: OutcomeStatus
    reason: str = ""
    retry_after: float | None = None
    reference: str | None = None  # the remote id (ticket key, event href), for reports

    @property
    def ok(self) -> bool:
        """True when the remote side is as asked."""
        return self.status in (OutcomeStatus.DELIVERED, OutcomeStatus.UNCHANGED)


@frozen
class BusyReport:
    """Busy intervals per person id, or ``available=False`` with the reason why not.

    ``away`` holds, per person id, time the calendar marks as away (out of
    office, an all-day day off), where it can tell: busy like ``busy``, but
    never one of careerconv's own events, so it is never cut when careerconv
    places its own conversations again (their old time is free for them,
    unless a day off came over it meanwhile).
    """

    busy: Mapping[str, tuple[Interval, ...]]
    available: bool = True
    reason: str = ""
    away: Mapping[str, tuple[Interval, ...]] = field(factory=dict)


@runtime_checkable
class CalendarBackend(Protocol):
    """Puts invites into calendars and, where it can, tells when people are busy."""

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Create, update (``method=REQUEST``) or cancel (``method=CANCEL``) each invite, keyed by uid."""
        ...

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Busy intervals of ``people`` between ``start`` and ``end``; ``available=False`` if unknown."""
        ...


class AttendeeAnswer(enum.Enum):
    """How an attendee answered an invite (RFC 5545 PARTSTAT, Google and Graph alike)."""

    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"
    NEEDS_ACTION = "needs_action"  # not answered yet


@frozen
class AnswersReport:
    """Attendees' answers per invite uid, each keyed by the attendee's e-mail address
    (lower case), or ``available=False`` with the reason why they could not be read.

    A uid the calendar does not know is left out; ``removed`` lists uids whose
    event a person deleted from the calendar, which the core reports as a conflict.
    ``marks`` may give, per uid and address, the calendar's own sign of which
    answer it is (the SEQUENCE an iMIP REPLY answered): the same word under a
    new mark is a new answer (a decline of the moved meeting too), while an
    answer read again under the same mark is not. Without marks, an answer is
    new when its word changes.
    """

    answers: Mapping[str, Mapping[str, AttendeeAnswer]]
    available: bool = True
    reason: str = ""
    removed: tuple[str, ...] = ()
    marks: Mapping[str, Mapping[str, str]] = field(factory=dict)


@runtime_checkable
class AnswersRead(Protocol):
    """A calendar (or a mailbox of iMIP REPLYs) that can tell how attendees answered.

    Optional beside ``CalendarBackend``: the core asks only adapters that
    implement it, with the uids it delivered through that adapter.
    """

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """The answers each attendee gave to each of ``uids``."""
        ...


@runtime_checkable
class TicketTracker(Protocol):
    """Tracks GROW actions as tickets and reports their status back."""

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        """Create or update a ticket per view, found by its key; write only what changed."""
        ...

    def pull_statuses(self, keys: Sequence[str]) -> Mapping[str, TicketStatus]:
        """The current status of each ticket key; ``DELETED`` for a ticket that is gone."""
        ...


@frozen
class OrgSnapshot:
    """People read from an HRIS source, and where to resume from next time."""

    people: tuple[Person, ...]
    removed: tuple[str, ...] = ()
    cursor: str | None = None


@runtime_checkable
class HrisSource(Protocol):
    """Reads the org: people, their managers, and what changed since a cursor."""

    def read_people(self, cursor: str | None = None) -> OrgSnapshot:
        """Everyone (``cursor`` None) or only changes since ``cursor``."""
        ...


@runtime_checkable
class Clocked(Protocol):
    """An adapter that stamps what it writes (a mail's ``Date:``, an event's ``DTSTAMP``).

    The composition root sets ``clock`` to the application's own clock, the
    one the use cases take as now, so every date careerconv writes has one
    source (``$CAREERCONV_NOW`` or an injected clock included).
    """

    clock: Callable[[], datetime]


@runtime_checkable
class Rebuildable(Protocol):
    """An adapter whose output is files it owns, each written from the views it was given.

    ``rebuild`` takes the latest view it took of every key and writes every
    file that derives from them, whether or not the file is still there (its
    folder may have been deleted): ``careerconv rebuild`` restores an adapter's
    files from the store. Adapters whose output others change on purpose (a
    ticket deleted by a person, a mail that was sent) are not rebuildable.
    """

    def rebuild(self, views: Sequence[Any]) -> Sequence[DeliveryOutcome]:
        """Write every file ``views`` determine; one outcome per view."""
        ...


@runtime_checkable
class HrisRecordWriter(Protocol):
    """Writes the plan summary the report agreed to share into the HR system."""

    def deliver_summaries(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """Create or update one record per summary, found by its ``external_id``."""
        ...


@runtime_checkable
class Notifier(Protocol):
    """Tells one person something: a nudge, a consent request, a notice."""

    def deliver_notices(self, notices: Sequence[NoticeView]) -> Sequence[DeliveryOutcome]:
        """Send each notice once per key."""
        ...


@runtime_checkable
class CompetencyCatalog(Protocol):
    """Offers competencies and pinnacle-role profiles (M5, M6)."""

    def load(self) -> Catalog:
        """The whole catalog."""
        ...


@frozen
class BookingsRead:
    """What a placement was checked against: every plan of one manager, by id and version.

    A change carrying it commits only if, inside the store's transaction, the
    manager's plans other than those the change writes are still exactly
    these: otherwise another process booked or moved one of the manager's
    conversations meanwhile (double-booking them, or breaking the weekly cap),
    and the store raises ``BookingsChanged``.
    """

    manager_id: str
    versions: tuple[tuple[str, int], ...]

    def still_holds(self, stored: Mapping[str, int], written: Iterable[str]) -> bool:
        """Whether ``stored`` (the manager's plans now, id to version) is what was read."""
        left_out = set(written)
        return {k: v for k, v in stored.items() if k not in left_out} == {
            k: v for k, v in self.versions if k not in left_out
        }


@frozen
class PlanChange:
    """Everything one use case changes, committed at once or not at all.

    Each plan carries its new ``version``; the store refuses the change with
    ``ConcurrentChange`` unless the stored version is ``version - 1`` (or the
    plan is new and ``version == 1``), and with ``BookingsChanged`` unless
    each of ``bookings`` still holds. ``disclosures`` are appended to the
    store's audit trail in the same transaction (``careerconv_core.disclosures``).
    Stores that cannot keep a trail or destroy a plan say so (``AuditTrail``).
    """

    plans: tuple[CareerPlan, ...] = ()
    people: tuple[Person, ...] = ()
    removed_people: tuple[str, ...] = ()
    outbox: tuple[OutboxEntry, ...] = ()
    cursors: tuple[tuple[str, str], ...] = ()
    bookings: tuple[BookingsRead, ...] = ()
    disclosures: tuple[Disclosure, ...] = ()
    # Plans erased in this change: their data keys (and with them the plans, due rows and
    # outbox entries) are destroyed before the rest of the change is written.
    destroyed_plans: tuple[str, ...] = ()


@runtime_checkable
class PlanReader(Protocol):
    """Reading plans, people, what is due and stored cursors: what reports and views need."""

    def load_plan(self, plan_id: str) -> CareerPlan:
        """The plan with this id, or ``NotFound``."""
        ...

    def find_plans(
        self, *, report_id: str | None = None, manager_id: str | None = None
    ) -> Sequence[CareerPlan]:
        """Plans for a report or a manager (all plans when both are None)."""
        ...

    def load_person(self, person_id: str) -> Person:
        """The person with this id, or ``NotFound``."""
        ...

    def list_people(self) -> Sequence[Person]:
        """Everyone known to the store."""
        ...

    def due_on(self, day: date, manager_id: str | None = None) -> Sequence[DueItem]:
        """What is due on or before ``day`` (overdue included), from an index."""
        ...

    def cursor(self, name: str) -> str | None:
        """A stored position (an HRIS poll cursor), or None."""
        ...


@runtime_checkable
class OutboxStore(Protocol):
    """The outbox alone: all a dispatcher needs, and all ``status`` and ``retry`` read."""

    def claim_outbox(
        self, now: datetime, limit: int, lease_until: datetime, channel: Channel | None = None
    ) -> Sequence[OutboxEntry]:
        """Pending entries due at ``now``, leased until ``lease_until`` so no other
        dispatcher takes them meanwhile; oldest first. With ``channel``, only that
        channel's entries (the dispatcher claims each channel on its own, so one
        channel's backlog never takes the places of another's)."""
        ...

    def save_outbox(self, entries: Sequence[OutboxEntry]) -> None:
        """Write the new state of entries after a delivery attempt (ends their lease)."""
        ...

    def outbox(self, statuses: Sequence[str] | None = None) -> Sequence[OutboxEntry]:
        """Entries, optionally only those with the given status values."""
        ...

    def requeue(self, entry_ids: Sequence[str] | None = None, *, now: datetime) -> int:
        """Failed entries (all, or those named) back to pending with attempts reset; how many."""
        ...


@runtime_checkable
class PlanStore(PlanReader, OutboxStore, Protocol):
    """Plans, people and the outbox, with atomic commits: what the use cases need."""

    def commit(self, change: PlanChange) -> None:
        """Write the whole change in one transaction; on any error write nothing."""
        ...


AdapterConfig = Mapping[str, str]
"""Settings for one adapter: from the config file, with secrets read from the environment."""


@frozen
class Port(Generic[T]):
    """One port: the kind of adapter, the hook that registers it, and how it is used.

    ``AdapterSpec`` records name the port they implement, so mypy checks that
    a factory returns what the port promises (``T``). The plugin host, the
    composition root and the dispatcher all read this one table.
    """

    name: str  # the kind's name: in listings, errors and ``careerconv.toml``
    hook: str  # the provider hook that registers adapters of this kind
    protocol: type  # the Protocol its adapters implement (``T``; a class, for isinstance)
    channel: Channel | None = None  # the outbox channel it delivers, for delivering ports
    view: type | None = None  # the view type of that channel's entries
    deliver: str = ""  # the method that takes a batch of views
    key: str = ""  # the view's field that keys an outcome (uid, key, external_id)


class AdapterKind:
    """The ports by name: ``AdapterKind.CALENDAR`` is the calendar port. ``PORTS`` lists them."""

    # One row a port: name, provider hook, protocol, then for delivering ports (configured
    # as a list, [[calendar]]) the outbox channel, its view, the deliver method and the key.
    # fmt: off
    CALENDAR: Final = Port[CalendarBackend]("calendar", "careerconv_calendar_backends", CalendarBackend,
                                            Channel.CALENDAR, InviteView, "deliver_invites", "uid")
    TRACKER: Final = Port[TicketTracker]("tracker", "careerconv_ticket_trackers", TicketTracker,
                                         Channel.TRACKER, TicketView, "deliver_tickets", "key")
    HRIS_SOURCE: Final = Port[HrisSource]("hris_source", "careerconv_hris_sources", HrisSource)
    HRIS_WRITER: Final = Port[HrisRecordWriter]("hris_writer", "careerconv_hris_writers", HrisRecordWriter,
                                                Channel.HRIS, HrisSummaryView, "deliver_summaries",
                                                "external_id")
    STORE: Final = Port[PlanStore]("store", "careerconv_plan_stores", PlanStore)
    CATALOG: Final = Port[CompetencyCatalog]("catalog", "careerconv_competency_catalogs", CompetencyCatalog)
    NOTIFIER: Final = Port[Notifier]("notifier", "careerconv_notifiers", Notifier,
                                     Channel.NOTIFIER, NoticeView, "deliver_notices", "key")
    # fmt: on


PORTS: Final[tuple[Port[Any], ...]] = (
    AdapterKind.CALENDAR,
    AdapterKind.TRACKER,
    AdapterKind.HRIS_SOURCE,
    AdapterKind.HRIS_WRITER,
    AdapterKind.STORE,
    AdapterKind.CATALOG,
    AdapterKind.NOTIFIER,
)
"""Every port, in the order listings show them."""

DELIVERING: Final[Mapping[Channel, Port[Any]]] = {
    port.channel: port for port in PORTS if port.channel is not None
}
"""The port that delivers each outbox channel."""
