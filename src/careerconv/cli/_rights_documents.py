"""The documents of the people's rights over their data: the audit trail, retention, erasure.

As in :mod:`careerconv.cli._documents`, a field is here only when the text shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import frozen

from careerconv.cli._documents import told
from careerconv.cli._output import Document

if TYPE_CHECKING:
    from careerconv_core.services.rights import ErasureReport

__all__ = ["Audit", "Erasure", "Maintenance"]


# -- the people's rights ------------------------------------------------------------------------


@frozen
class Disclosed:
    """One record of the audit trail: something of a plan that left the pair."""

    seq: int = told("its place in the trail")
    at: str = told("when, as the trail records it (ISO 8601, UTC)")
    kind: str = told("export, hris_summary, subject_export, erasure, retention, ...")
    plan_id: str | None = told("the plan, or null")
    destroyed: bool = told("its details went with the plan's key: every field below is empty")
    recipient: str | None = told("to whom, or null")
    data: list[str] = told("what of the plan left")
    consent: str | None = told("under which consent, or null")
    ref: str | None = told("the reference where it went (a file, a record), or null")

    def line(self) -> str:
        """The record as one line of text."""
        where = f" plan {self.plan_id}" if self.plan_id else ""
        head = f"#{self.seq} {self.at} {self.kind}{where}"
        if self.destroyed:
            return f"{head}: details destroyed with the plan's key"
        consent = f"; consent: {self.consent}" if self.consent else ""
        ref = f" [{self.ref}]" if self.ref else ""
        return f"{head}: to {self.recipient or '?'}: {', '.join(self.data)}{consent}{ref}"


@frozen
class Audit(Document):
    """What of a report's plans left the pair, to whom, when, under which consent."""

    NAME = "audit"

    report_id: str = told("the report")
    verified: int | None = told("with --verify: the records whose links were checked; else null")
    disclosures: list[Disclosed] = told("the report's records, oldest first")

    def lines(self) -> Iterator[str]:
        """The check, then each record."""
        if self.verified is not None:
            yield f"the audit trail holds: {self.verified} record(s), every link checked"
        if not self.disclosures:
            yield f"nothing of {self.report_id}'s plans has left the pair"
        yield from (d.line() for d in self.disclosures)


@frozen
class ExpiredPlan:
    """A plan past the retention rule."""

    plan_id: str = told("the plan")
    report_id: str = told("its report")
    ended_at: datetime = told("when it ended or was declined")


@frozen
class Maintenance(Document):
    """The retention rule applied (plans long ended erased), then the store vacuumed."""

    NAME = "maintain"

    dry_run: bool = told("nothing was changed: this is what a run would do")
    months: int = told("months after a plan ended that it is kept; 0: no rule, plans are kept")
    erased: int = told("plans erased (or, dry, that would be)")
    plans: list[ExpiredPlan] = told("with --dry-run, each plan that would be erased; else empty")
    retractions_dropped: int = told("erased plans whose sent retractions were dropped (or would be)")
    vacuumed: bool = told("the store was vacuumed")

    def lines(self) -> Iterator[str]:
        """The rule, what it erased, the retractions dropped, the vacuum."""
        if self.months == 0:
            yield "no retention rule ([retention] months_after_end = 0): plans are kept"
        else:
            verb = "would erase" if self.dry_run else "erasing"
            yield f"{verb} {self.erased} plan(s) that ended more than {self.months} month(s) ago"
            for p in self.plans:
                yield f"  {p.plan_id} (report {p.report_id}, ended {p.ended_at:%Y-%m-%d})"
        if self.retractions_dropped:
            verb = "would drop" if self.dry_run else "dropped"
            yield f"{verb} the sent retractions of {self.retractions_dropped} erased plan(s)"
        if self.vacuumed:
            yield "vacuumed the store"


@frozen
class Unreachable:
    """Something delivered before that careerconv cannot take back whole."""

    channel: str = told("calendar, tracker, hris, notifier")
    key: str = told("the outbox key of what was delivered")
    adapters: list[str] = told("the adapters it went through")
    called_back: str | None = told("what was queued to call it back, or null: nothing can be")


@frozen
class Erasure(Document):
    """A person's erasure: their plans' keys destroyed, their record removed, retractions queued.

    Shown first as what it would do (before the confirmation), then as what it did."""

    NAME = "person-erase"

    person_id: str = told("the person")
    erased: bool = told("false: nothing was changed (--dry-run, or before the confirmation)")
    plans: int = told("plans whose keys are destroyed (or would be)")
    cancelled: int = told("queued deliveries cancelled with them")
    retractions: int = told("retractions queued ('careerconv dispatch' sends them)")
    unreachable: list[Unreachable] = told("what was delivered outside careerconv: for the operator to act on")
    remains: list[str] = told("what the store still keeps after the erasure (its log, backups)", factory=list)

    @classmethod
    def combine(cls, shown: Sequence[Document]) -> Document:
        """What was done: the last shown (the erasure after its preview)."""
        return shown[-1]

    def lines(self) -> Iterator[str]:
        """What it would do or did, then what cannot be reached."""
        if self.erased:
            yield (
                f"erased {self.person_id}: {self.plans} plan key(s) destroyed; "
                "run 'careerconv dispatch' to send the retractions"
            )
        else:
            yield (
                f"{self.person_id}: {self.plans} plan(s) to destroy, {self.cancelled} queued "
                f"delivery(ies) to cancel, {self.retractions} retraction(s) to queue"
            )
        if self.unreachable:
            yield "delivered before, outside careerconv (act on what is not called back):"
        for u in self.unreachable:
            back = u.called_back or "cannot be called back by careerconv"
            yield f"  {u.channel} {u.key} at {', '.join(u.adapters)}: {back}"
        yield from self.remains

    @classmethod
    def of(
        cls, report: ErasureReport, *, erased: bool, unreachable: bool = True, remains: Sequence[str] = ()
    ) -> Erasure:
        """The document of what the erasure did (``unreachable``: with what it cannot reach;
        ``remains``: what the store says it still keeps)."""
        found = report.unreachable if unreachable else ()
        return cls(
            report.person_id,
            erased,
            len(report.plans),
            report.cancelled,
            len(report.retractions),
            [Unreachable(u.channel, u.key, list(u.adapters), u.called_back or None) for u in found],
            list(remains),
        )
