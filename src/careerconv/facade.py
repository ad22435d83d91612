"""One object for a host tool: every use case, taking people in, delivering, closing.

``connect`` wires the use cases to adapter objects a host already has (or
builds with ``adapter``); ``careerconv.open`` (in ``careerconv.app``) reads a
careerconv home and wires what its ``careerconv.toml`` configures, as the
command line does.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar, cast

from attrs import evolve, field, frozen

from careerconv_core.boundary import checked
from careerconv_core.disclosures import Disclosure
from careerconv_core.dispatch import Dispatcher, DispatchReport, RetryPolicy
from careerconv_core.domain.notices import NUDGES, NoticeKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import ConcurrentChange, ConfigurationError, InvalidInput
from careerconv_core.hookspecs import DomainEvent
from careerconv_core.outbox import Channel
from careerconv_core.plugins import BLOCK_ENV, PluginHost, make_plugin_manager
from careerconv_core.ports import (
    CalendarBackend,
    HrisRecordWriter,
    Notifier,
    OrgSnapshot,
    PlanChange,
    PlanStore,
    Port,
    TicketTracker,
)
from careerconv_core.services import OrgSyncReport, Services, Settings

T = TypeVar("T")

SignLink = Callable[[str, str, str, int], "str | None"]
"""Makes the link a notice carries: (reader id, plan id, notice kind, plan version) to a URL,
or None where the reader has no page for that notice (``careerconv.web.links``)."""

_UNCHANGED = frozenset(NUDGES.values())  # nudges are queued without changing their plan


def new_id() -> str:
    """A short random id for plans, handoffs and outbox entries."""
    return uuid.uuid4().hex[:12]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@frozen
class Careerconv(Services):
    """Every use case of the method (see ``careerconv_core.services``), plus what a host needs
    around them: ``sync_people`` to take people in through the org checks, ``dispatch`` to
    deliver what the steps queued, and ``close``."""

    # Built on first use: a host that only records steps never opens a tracker or a mail server.
    make_dispatcher: Callable[[], Dispatcher] | None = field(default=None, kw_only=True)
    sign_link: SignLink | None = field(default=None, kw_only=True)

    def _link(self, plan: CareerPlan, kind: NoticeKind, recipient: Person) -> str | None:
        """The reader's own signed link, bound to the version the plan has once the step commits."""
        if self.sign_link is not None:
            # A step's notices are made before its commit raises the version by one; a new
            # plan is stored at 1, and a nudge leaves its plan as it is.
            if kind is NoticeKind.PROPOSAL and plan.version == 1 and plan.accepted_at is None:
                version = 1
            else:
                version = plan.version if kind in _UNCHANGED else plan.version + 1
            signed = self.sign_link(recipient.id, plan.id, kind.value, version)
            if signed is not None:
                return signed
        return super()._link(plan, kind, recipient)

    def _link_only(self, plan: CareerPlan, kind: NoticeKind, recipient: Person, link: str) -> bool:
        """The report's notices offer their signed page alone: with a web surface configured the
        command line refuses them the report's steps (``cli._common.who``)."""
        return (
            self.sign_link is not None
            and recipient.id == plan.report_id
            and link != super()._link(plan, kind, recipient)
        )

    @checked
    def plan(self, plan_id: str) -> CareerPlan:
        """The plan ``plan_id`` as stored now (``NotFound`` if there is none)."""
        return self.store.load_plan(plan_id)

    @checked
    def team_plans(self, manager_id: str) -> list[CareerPlan]:
        """The open plans of ``manager_id``'s reports (proposed, active or paused)."""
        return [p for p in self.store.find_plans(manager_id=manager_id) if p.status.is_open]

    @checked
    def person(self, person_id: str) -> Person:
        """The person ``person_id`` from the org (``NotFound`` if unknown)."""
        return self.store.load_person(person_id)

    @checked
    def record_acting_for_others(self, plan_id: str, step: str) -> str:
        """Record that ``step`` was taken in the report's name by someone else (the command line's
        ``--as``): a notice to the report, queued under the plan. Returns its outbox key."""
        at = self.now()
        plan = self.store.load_plan(plan_id)
        report = self.store.load_person(plan.report_id)
        entry = self._notice(
            plan, NoticeKind.ACTED_FOR_YOU, report, at, when_at=at, tag=f"{step}-{at:%Y%m%dT%H%M%S%f}"
        )
        self.store.commit(PlanChange(outbox=(entry,)))
        return entry.key

    @checked
    def record_disclosures(self, records: Sequence[Disclosure]) -> None:
        """Put ``records`` on the audit trail, in a transaction of their own (a page shown, an export).

        A store that keeps no trail is refused (``ConfigurationError``): what it would
        record is then not shown.
        """
        method = getattr(self.store, "record_disclosures", None)
        if not callable(method):
            raise ConfigurationError(
                "the configured store keeps no audit trail of disclosures; use the sqlite or postgres store"
            )
        method(records)

    @checked
    def at_version(self, plan_id: str, version: int) -> Careerconv:
        """These use cases, refusing to change ``plan_id`` unless it is still at ``version``.

        For a form that carries the version it was opened at: a step on a plan
        that changed meanwhile raises ``ConcurrentChange`` instead of applying
        what was typed to a plan its writer never saw.
        """
        return evolve(self, store=cast("PlanStore", _AtVersion(self.store, plan_id, version)))

    @checked
    def sync_people(
        self,
        people: Iterable[Person],
        *,
        complete: bool = False,
        remove_missing: bool = False,
        dry_run: bool = False,
    ) -> OrgSyncReport:
        """Take people in, checked as an org (unknown managers, cycles, duplicate emails).

        ``complete`` says these are everyone: whoever is stored but missing is
        reported as ``missing`` and kept, or, with ``remove_missing``, has left
        (their plans end). A changed manager starts the consent-first handoff
        (M12). ``dry_run`` reports what would change and changes nothing. A bad
        set of people changes nothing.
        """
        if isinstance(people, str | bytes | Person) or not isinstance(people, Iterable):
            raise InvalidInput("people", "a list of Person", f"got {type(people).__name__}")
        return self.sync_org(
            OrgSnapshot(tuple(people)), complete=complete, remove_missing=remove_missing, dry_run=dry_run
        )

    @checked
    def dispatch(self, limit: int = 200) -> DispatchReport:
        """Deliver up to ``limit`` queued invites, tickets, summaries and notices, per adapter."""
        self.now()  # a clock off the calendar is refused before anything is claimed
        if self.make_dispatcher is None:  # nothing to deliver to: entries wait, reported as skipped
            return Dispatcher(self.store, {}, self.clock).run_once(limit)
        return self.make_dispatcher().run_once(limit)

    def close(self) -> None:
        """Close the store if it can be closed."""
        closer = getattr(self.store, "close", None)
        if callable(closer):
            closer()


class _AtVersion:
    """A store whose one plan reads as changed unless it is still at the version a form was opened at."""

    def __init__(self, store: PlanStore, plan_id: str, version: int) -> None:
        self._store = store
        self._plan_id = plan_id
        self._version = version

    def load_plan(self, plan_id: str) -> CareerPlan:
        plan = self._store.load_plan(plan_id)
        if plan_id == self._plan_id and plan.version != self._version:
            raise ConcurrentChange(plan_id, self._version)
        return plan

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def plugin_host(blocked: Iterable[str] | None = None) -> PluginHost:
    """A plugin host over the installed ``careerconv`` entry points.

    ``blocked`` names plugins to leave out; by default they are read from
    ``$CAREERCONV_BLOCK_PLUGINS`` (comma-separated, for example ``jira,caldav``).
    """
    if blocked is None:
        raw = os.environ.get(BLOCK_ENV, "")
        blocked = [name.strip() for name in raw.split(",") if name.strip()]
    return make_plugin_manager(blocked=blocked)


def adapter(
    kind: Port[T],
    name: str,
    settings: Mapping[str, str] | None = None,
    *,
    host: PluginHost | None = None,
    **more: str,
) -> T:
    """Build the installed adapter ``name`` of ``kind`` (``AdapterKind.STORE``, ...) with settings.

    Settings may be given as a mapping, as keywords, or both; adapters are
    found through the ``careerconv`` entry points like any plugin's.
    """
    return (host or plugin_host()).create(kind, name, {**(settings or {}), **more})


def connect(
    store: PlanStore,
    *,
    calendars: Mapping[str, CalendarBackend] | None = None,
    trackers: Mapping[str, TicketTracker] | None = None,
    notifiers: Mapping[str, Notifier] | None = None,
    hris_writers: Mapping[str, HrisRecordWriter] | None = None,
    clock: Callable[[], datetime] | None = None,
    settings: Settings | None = None,
    ids: Callable[[], str] | None = None,
    observe: Callable[[DomainEvent], object] | None = None,
    retry: RetryPolicy | None = None,
) -> Careerconv:
    """The use cases on ``store``, delivering through the adapters given, by name.

    The first calendar is also read for free/busy when scheduling. ``clock``
    defaults to the system clock in UTC; ``ids`` to short random ids.
    """
    now = clock or _utc_now
    by_channel: dict[Channel, list[tuple[str, object]]] = {
        Channel.CALENDAR: list((calendars or {}).items()),
        Channel.TRACKER: list((trackers or {}).items()),
        Channel.NOTIFIER: list((notifiers or {}).items()),
        Channel.HRIS: list((hris_writers or {}).items()),
    }
    dispatcher = Dispatcher(
        store,
        {channel: pairs for channel, pairs in by_channel.items() if pairs},
        now,
        retry or RetryPolicy(),
        random.Random(),  # noqa: S311 - retry jitter, not a secret
    )
    return Careerconv(
        store,
        now,
        ids or new_id,
        settings or Settings(),
        observe or (lambda _event: None),
        next(iter((calendars or {}).values()), None),
        make_dispatcher=lambda: dispatcher,
    )
