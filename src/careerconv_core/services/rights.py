"""A person's rights over what the store holds about them: export, erasure, and retention.

``subject_export`` gathers everything held about a person (a subject access
request). ``erase_person`` destroys the data keys of the plans they are the
report of (crypto-shredding: the plans, their due rows and queued entries go
with them), removes them from the people, queues what can be called back
(invites cancelled, HR records withdrawn, the goal taken off tickets) and
appends a record that an erasure happened, all in one commit; what was
delivered and cannot be called back is listed for the operator.
``expired_plans`` picks the plans the retention rule erases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from attrs import evolve, frozen

from careerconv_core import disclosures, serialization
from careerconv_core.boundary import checked
from careerconv_core.disclosures import Disclosure, DisclosureKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan, Consent
from careerconv_core.domain.retention import PlanEnding, expired_plans
from careerconv_core.errors import ConfigurationError, InvalidInput, NotFound, RuleViolation
from careerconv_core.outbox import Channel, OutboxEntry, OutboxStatus
from careerconv_core.ports import PlanChange
from careerconv_core.services.base import ServiceBase

EXPORT_FORMAT = "careerconv.subject-export/1"
"""The ``format`` of a subject export (docs/privacy.md describes every field)."""

_CALLED_BACK = {
    Channel.CALENDAR: "event cancelled",
    Channel.HRIS: "record withdrawn",
    Channel.TRACKER: "goal removed; the action stays",
}


@frozen
class Unreachable:
    """Something delivered that careerconv cannot take back whole; for the operator to act on."""

    channel: str
    key: str
    adapters: tuple[str, ...]
    called_back: str  # what was queued to call it back, or "" when nothing could be


@frozen
class ErasureReport:
    """What an erasure did (or, dry, would do)."""

    person_id: str
    plans: tuple[str, ...]
    retractions: tuple[str, ...]  # outbox keys queued
    cancelled: int  # entries that were waiting and are gone with their plans
    unreachable: tuple[Unreachable, ...]


class RightsSteps(ServiceBase):
    """Export and erasure for one person; the plans retention erases."""

    __slots__ = ()

    @checked
    def subject_export(self, person_id: str) -> dict[str, object]:
        """Everything the store holds about ``person_id``, as one JSON-ready document.

        The plans they are the report of come whole (the report owns them: every
        note in them is about them); of plans they manage or managed, only ids,
        dates and their own role; the disclosures recorded about them; the
        outbox entries of their own plans by id, channel, key and state.
        """
        person = self.store.load_person(person_id)
        own = list(self.store.find_plans(report_id=person_id))
        managed = [p for p in self._named_in(person_id) if p.report_id != person_id]
        trail = getattr(self.store, "audit_trail", None)
        return {
            "format": EXPORT_FORMAT,
            "exported_at": self.now().isoformat(),
            "person": serialization.unstructure(person),
            "plans": [serialization.unstructure(p) for p in own],
            "plans_as_manager": [
                {
                    "plan_id": p.id,
                    "report_id": p.report_id,
                    "role": "manager" if p.manager_id == person_id else "former or incoming manager",
                    "status": p.status.value,
                    "proposed_at": p.proposed_at.isoformat(),
                }
                for p in managed
            ],
            "outbox": [
                {
                    "id": e.id,
                    "channel": e.channel.value,
                    "key": e.key,
                    "status": e.status.value,
                    "created_at": e.created_at.isoformat(),
                    "delivered_to": list(e.delivered_to),
                }
                for e in self._outbox_of([p.id for p in own])
            ],
            "disclosures": [
                {"seq": r.seq, "at": r.at, "kind": r.kind.value, "plan_id": r.plan_id, "detail": r.detail}
                for r in (trail(person_id) if callable(trail) else ())
            ],
        }

    @checked
    def erase_person(self, person_id: str, *, dry_run: bool = False) -> ErasureReport:
        """Erase ``person_id``: their plans' keys destroyed, their record removed, retractions queued.

        Refused while they manage an open plan of someone else (that plan needs a
        manager: move their reports first).
        """
        at = self.now()
        stored = True  # a record to remove, readable or not
        try:
            person: Person | None = self.store.load_person(person_id)
        except NotFound:
            person, stored = None, False
        except ConfigurationError:
            person = None  # stored under an id an older careerconv accepted: removed all the same
        plans = list(self.store.find_plans(report_id=person_id))
        if not stored and not plans:
            raise NotFound("person", person_id)
        managing = [
            p.id
            for p in self.store.find_plans(manager_id=person_id)
            if p.status.is_open and p.report_id != person_id
        ]
        if managing:
            raise RuleViolation(
                "erasure",
                f"{person_id} is the manager of {len(managing)} open plan(s) (first: {managing[0]})",
                "give their reports a new manager first (org sync), then erase",
            )
        entries = self._outbox_of([p.id for p in plans])
        retractions = [r for p in plans for r in self._retractions(p, person, at)]
        unreachable = _unreachable(entries, {(r.channel, r.key) for r in retractions})
        cancelled = sum(1 for e in entries if e.status is OutboxStatus.PENDING)
        report = ErasureReport(
            person_id, tuple(p.id for p in plans), tuple(r.key for r in retractions), cancelled, unreachable
        )
        if dry_run:
            return report
        record = Disclosure(
            at,
            DisclosureKind.ERASURE,
            person_id,
            None,
            "careerconv",
            (f"{len(plans)} plan(s) destroyed", f"{len(retractions)} retraction(s) queued"),
            "the person's request to erase",
        )
        self.store.commit(
            PlanChange(
                removed_people=(person_id,) if stored else (),
                outbox=tuple(retractions),
                disclosures=(record,),
                destroyed_plans=report.plans,
            )
        )
        return report

    def _outbox_of(self, plan_ids: Sequence[str]) -> Sequence[OutboxEntry]:
        """The entries of ``plan_ids``: by the store's indexed read where it has one (every store
        careerconv ships), else by reading the whole outbox."""
        read = getattr(self.store, "outbox_of", None)
        if callable(read):
            found: Sequence[OutboxEntry] = read(plan_ids)
            return found
        wanted = set(plan_ids)
        return [e for e in self.store.outbox() if e.plan_id in wanted]

    def _named_in(self, person_id: str) -> list[CareerPlan]:
        """The plans ``person_id`` manages, managed or was to manage: by the store's index where it
        has one (every store careerconv ships), else by reading every plan."""
        read = getattr(self.store, "plans_naming", None)
        if callable(read):
            found: list[CareerPlan] = list(read(person_id))
            return found
        return [
            p
            for p in self.store.find_plans()
            if p.manager_id == person_id
            or any(person_id in (h.old_manager_id, h.new_manager_id) for h in p.handoffs)
        ]

    def _retractions(self, plan: CareerPlan, person: Person | None, at: datetime) -> list[OutboxEntry]:
        """What to send so that adapters call back what they hold: the plan as if the report left
        and withdrew every consent, under a key of its own (the plan's is destroyed)."""
        if person is None:
            return []  # without the person's address nothing can be cancelled for them
        try:
            people = self._people(plan)
        except NotFound:
            return []
        after = evolve(plan.report_left(at) if plan.status.is_open else plan, consent=Consent())
        key_id = disclosures.erasure_key_id(plan.report_id, plan.id)
        return [evolve(e, plan_id=key_id) for e in self._effects(plan, after, people, at)]

    @checked
    def expired_plans(self, endings: Iterable[PlanEnding], months: int) -> list[PlanEnding]:
        """Of ``endings``, the plans that ended more than ``months`` months ago."""
        if months < 0:
            raise InvalidInput("months", "0 months or more", f"{months}")
        return expired_plans(endings, self.now(), months)

    @checked
    def erase_plans(self, plans: Sequence[PlanEnding], reason: DisclosureKind) -> None:
        """Destroy each plan's key in one commit, each with a record naming only ids."""
        at = self.now()
        records = tuple(
            Disclosure(
                at, reason, p.report_id, p.plan_id, "careerconv", ("plan destroyed",), "retention rule"
            )
            for p in plans
        )
        self.store.commit(PlanChange(disclosures=records, destroyed_plans=tuple(p.plan_id for p in plans)))


def _unreachable(entries: Sequence[OutboxEntry], queued: set[tuple[Channel, str]]) -> tuple[Unreachable, ...]:
    """Delivered things, one per key and channel: what was queued to call each back, if anything."""
    seen: dict[tuple[Channel, str], set[str]] = {}
    for e in entries:
        if e.delivered_to:
            seen.setdefault((e.channel, e.key), set()).update(e.delivered_to)
    return tuple(
        Unreachable(
            channel.value,
            key,
            tuple(sorted(adapters)),
            _CALLED_BACK.get(channel, "") if (channel, key) in queued else "",
        )
        for (channel, key), adapters in sorted(seen.items(), key=lambda item: (item[0][0].value, item[0][1]))
    )
