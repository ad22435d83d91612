"""The documents of the runs over many people or entries: org import and sync, schedule, the outbox.

As in :mod:`careerconv.cli._documents`, a field is here only when the text shows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime

from attrs import frozen

from careerconv.cli._documents import AnswerEntry, told
from careerconv.cli._output import Document

__all__ = ["Dispatch", "OrgChanges", "OutboxStatus", "Schedule"]

# -- the org ------------------------------------------------------------------------------------

_SHOWN_IDS = 20  # ids listed per line of text; the count is always whole, and JSON lists them all


def _ids(ids: Sequence[str]) -> str:
    listed = ", ".join(ids[:_SHOWN_IDS])
    return listed + (f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else "")


@frozen
class PlanChange:
    """A plan an org change reaches."""

    plan_id: str = told("the plan")
    report_id: str | None = told("its report, or null when the plan is no longer stored")
    conversations_affected: bool = told(
        "ended (dry run): its booked conversations would be cancelled; reopened: its conversations "
        "were cancelled, and 'careerconv schedule REPORT' places them again; otherwise false"
    )

    def whose(self) -> str:
        """``jonas's plan 1a2b3c`` (the report named: a plan id alone tells a reader nothing)."""
        return f"plan {self.plan_id}" if self.report_id is None else f"{self.report_id}'s plan {self.plan_id}"


@frozen
class OrgChanges(Document):
    """What an org import or sync changed or, with --dry-run, would change (M12)."""

    NAME = "org"

    dry_run: bool = told("nothing was changed: this is what a run would do")
    added: list[str] = told("people added")
    updated: list[str] = told("people updated")
    removed: list[str] = told("people removed")
    handoffs: list[PlanChange] = told("plans whose report has a new manager: the report is asked first")
    lapsed: list[PlanChange] = told("proposals not yet accepted that lapsed with the old manager (M1)")
    ended: list[PlanChange] = told("plans ended because the report left")
    restored: list[PlanChange] = told("plans reopened: the report is back within the grace period")
    missing: list[str] = told("stored people this read lacks, kept (--remove-missing removes them)")

    def lines(self) -> Iterator[str]:
        """The counts, then each plan reached, then who was kept."""
        dry = self.dry_run
        would = "would be " if dry else ""
        head = "org (dry run, nothing changed)" if dry else "org"
        yield (
            f"{head}: {len(self.added)} {would}added, {len(self.updated)} {would}updated, "
            f"{len(self.removed)} {would}removed"
        )
        if dry:
            for label, ids in (("added", self.added), ("updated", self.updated), ("removed", self.removed)):
                if ids:
                    yield f"  {label}: {_ids(ids)}"
        handoff = "would be" if dry else "is"
        for plan in self.handoffs:
            yield f"  manager change on {plan.whose()}: the report {handoff} asked for consent first (M12)"
        lapse = "would lapse" if dry else "lapsed"
        for plan in self.lapsed:
            yield f"  manager change on {plan.whose()}: the proposal, not yet accepted, {lapse} (M1)"
        for plan in self.ended:
            cancel = "; its booked conversations would be cancelled" if plan.conversations_affected else ""
            yield f"  {plan.whose()} {would}ended: the report left{cancel}"
        for plan in self.restored:
            again = ""
            if plan.conversations_affected:
                command = f"careerconv schedule {plan.report_id}"
                again = f"; its conversations were cancelled: '{command}' places them again"
            yield f"  {plan.whose()} {would}reopened: the report is back within the grace period{again}"
        if self.missing:
            yield (
                f"  {len(self.missing)} stored people are not in this read and were kept "
                f"({_ids(self.missing)}); to remove them and end their plans, add --remove-missing"
            )


# -- a team's schedule --------------------------------------------------------------------------


@frozen
class PlacedConversation:
    """One conversation placed on the calendars."""

    kind: str = told("life_story, pinnacle or grow_review")
    start: datetime = told("its start, with the manager's UTC offset")
    report_start: datetime = told("the same start, with the report's UTC offset")


@frozen
class Placed:
    """A report whose three conversations were placed (M4)."""

    report_id: str = told("the report")
    report_time_zone: str = told("the report's time zone")
    conversations: list[PlacedConversation] = told("the conversations placed, in order")


@frozen
class Unplaced:
    """A report whose conversations could not fit, and what would let them."""

    report_id: str = told("the report")
    reason: str = told("why they could not be placed")
    fix: str = told("what would let them")


@frozen
class NotReady:
    """A report whose plan is not ready to schedule."""

    report_id: str = told("the report")
    reason: str = told("the rule that holds the plan back")
    refused: bool = told("the report was named by hand: this is told as an error too")


@frozen
class CareerTime:
    """The career-time budget of those placed (M11)."""

    reports: int = told("how many were placed")
    initial_hours: float = told("the hours of their three conversations")
    quarterly_minutes: float = told("about how many minutes a quarter after")


@frozen
class TeamSchedule:
    """What scheduling one manager's reports did."""

    manager_id: str = told("the manager")
    manager_time_zone: str = told("the manager's time zone")
    window_start: date = told("the first day of the one-month window")
    placed: list[Placed] = told("reports placed")
    unplaced: list[Unplaced] = told("reports that could not fit")
    not_ready: list[NotReady] = told("reports not ready")
    note: str = told("what the scheduler says of the run as a whole; may be empty")
    career_time: CareerTime | None = told("the time budget of those placed, or null when none were")
    minutes_per_week: dict[str, int] = told("the manager's career-conversation minutes in each ISO week")
    exact: str = told("what --exact did (CP-SAT's status, or why it did not run); else empty", default="")


@frozen
class Schedule(Document):
    """Conversations 1-3 placed within one month, manager by manager (M4, M11)."""

    NAME = "schedule"

    teams: list[TeamSchedule] = told("one entry per manager")

    @classmethod
    def combine(cls, shown: Sequence[Document]) -> Document:
        """Every manager's team in one document."""
        return cls([t for d in shown if isinstance(d, Schedule) for t in d.teams])

    def lines(self) -> Iterator[str]:
        """Per manager: the counts, each report's conversations in both zones, blockers, budget."""
        from careerconv_core.domain.when import local

        for team in self.teams:
            yield (
                f"{team.manager_id}: {len(team.placed)} placed, {len(team.unplaced)} could not fit, "
                f"{len(team.not_ready)} not ready (window {team.window_start} + one month)"
            )
            for placed in team.placed:
                yield f"  {placed.report_id}:"
                for c in placed.conversations:  # each reads their own time (the manager's first)
                    same = placed.report_time_zone == team.manager_time_zone
                    at = local(c.start, placed.report_time_zone)
                    theirs = "" if same else f"; {placed.report_id}: {at}"
                    yield f"    {c.kind} {local(c.start, team.manager_time_zone)}{theirs}"
            for u in team.unplaced:
                yield f"  {u.report_id}: not placed: {u.reason}. Fix: {u.fix}"
            for n in team.not_ready:
                if not n.refused:  # told as a refusal on standard error
                    yield f"  {n.report_id}: not ready: {n.reason}"
            if team.note:
                yield f"  note: {team.note}"
            if team.exact:
                yield f"  exact: {team.exact}"
            if team.career_time is not None:
                t = team.career_time
                yield (
                    f"  career time (M11): {t.initial_hours:.2f} h for the {t.reports} placed, then "
                    f"about {t.quarterly_minutes / 60:.1f} h a quarter"
                )
            load = ", ".join(f"{week} {minutes / 60:.1f}h" for week, minutes in team.minutes_per_week.items())
            if load:
                yield f"  manager's career-conversation hours per week: {load}"


# -- the outbox ---------------------------------------------------------------------------------


@frozen
class AdapterTally:
    """What one adapter did with the entries it was given."""

    adapter: str = told("the adapter's configured name")
    delivered: int = told("entries delivered")
    unchanged: int = told("entries already as they should be")
    retrying: int = told("entries that failed and wait for another attempt")
    failed: int = told("entries that failed for good ('careerconv retry' queues them again)")
    reasons: list[str] = told("why each failed for good")


@frozen
class NothingDue:
    """Why a dispatch took nothing."""

    leased: int = told("entries out with another dispatcher")
    leased_until: datetime | None = told("when the last of those is free again, or null")
    waiting: int = told("entries waiting for a later attempt")
    first_attempt_at: datetime | None = told("the first of those attempts, or null")


@frozen
class Dispatch(Document):
    """What delivering the outbox did (with --loop --json, one document per run, one per line)."""

    NAME = "dispatch"

    adapters: list[AdapterTally] = told("each adapter's tally, by name")
    waiting_for_adapter: int = told("entries for an adapter that is not configured")
    nothing_due: NothingDue | None = told("when nothing was taken: why; else null")

    @classmethod
    def combine(cls, shown: Sequence[Document]) -> Document:
        """The batches of one run as one tally per adapter."""
        runs = [d for d in shown if isinstance(d, Dispatch)]
        tallies: dict[str, list[AdapterTally]] = {}
        for run in runs:
            for t in run.adapters:
                tallies.setdefault(t.adapter, []).append(t)
        merged = [
            AdapterTally(
                name,
                sum(t.delivered for t in ts),
                sum(t.unchanged for t in ts),
                sum(t.retrying for t in ts),
                sum(t.failed for t in ts),
                [r for t in ts for r in t.reasons],
            )
            for name, ts in sorted(tallies.items())
        ]
        nothing = next((r.nothing_due for r in reversed(runs) if r.nothing_due is not None), None)
        return cls(merged, sum(r.waiting_for_adapter for r in runs), nothing)

    def lines(self) -> Iterator[str]:
        """Each adapter's tally; then, when nothing was taken, why."""
        for t in self.adapters:
            yield (
                f"{t.adapter:10} delivered {t.delivered}, unchanged {t.unchanged}, "
                f"retrying {t.retrying}, failed {t.failed}"
            )
            for reason in t.reasons:
                yield f"  failed: {reason}"
        if self.waiting_for_adapter:
            yield f"{self.waiting_for_adapter} entries wait for an adapter that is not configured"
        n = self.nothing_due
        if n is None:
            return
        if not n.leased and not n.waiting:
            yield "nothing to deliver"
            return
        yield "nothing to deliver now:"
        if n.leased and n.leased_until is not None:
            yield (
                f"  {n.leased} entr{'y is' if n.leased == 1 else 'ies are'} out with another dispatcher "
                f"until {n.leased_until:%Y-%m-%d %H:%M}Z at the latest "
                "(if it stopped, they are free again then)"
            )
        if n.waiting and n.first_attempt_at is not None:
            yield (
                f"  {n.waiting} entr{'y waits' if n.waiting == 1 else 'ies wait'} for a later attempt, "
                f"the first at {n.first_attempt_at:%Y-%m-%d %H:%M}Z ('careerconv status' lists them)"
            )


@frozen
class OutboxEntry:
    """One outbox entry not yet delivered."""

    id: str = told("the entry's id ('careerconv retry ENTRY_ID')")
    key: str = told("its deterministic key (what it delivers, for which plan)")
    attempts: int = told("attempts made")
    next_attempt_at: datetime | None = told("when it is tried next (pending), or null (failed)")
    leased_until: datetime | None = told("out with a dispatcher until then, or null")
    last_error: str | None = told("why the last attempt failed, or null")


@frozen
class OutboxStatus(Document):
    """What is pending or failed in the outbox, and why."""

    NAME = "outbox-status"

    pending: list[OutboxEntry] = told("entries waiting to be delivered")
    failed: list[OutboxEntry] = told("entries that failed for good")
    answers: list[AnswerEntry] = told(
        "upcoming meetings declined, answered tentatively or deleted", factory=list
    )

    def lines(self) -> Iterator[str]:
        """The counts, each entry, what to run, then the meetings answered no."""
        yield f"outbox: {len(self.pending)} pending, {len(self.failed)} failed"
        for e in self.pending:
            why = f" (last: {e.last_error})" if e.last_error else ""
            when = (
                f"out with a dispatcher until {e.leased_until:%Y-%m-%d %H:%M}Z"
                if e.leased_until is not None
                else f"attempt {e.attempts + 1} at {e.next_attempt_at:%Y-%m-%d %H:%M}Z"
            )
            yield f"  pending {e.id} {e.key} {when}{why}"
        for e in self.failed:
            yield f"  failed  {e.id} {e.key} after {e.attempts} attempt(s): {e.last_error}"
        # 'retry' sends a deleted ticket's entry again and fails again; a resync is what works.
        deleted = [e for e in self.failed if "ticket deleted in" in (e.last_error or "")]
        if len(deleted) < len(self.failed):
            yield "run 'careerconv retry' to queue the failed ones again"
        if deleted:
            yield "for a ticket deleted in the tracker: 'careerconv action resync REPORT:ACTION'"
        if self.answers:
            yield f"answers: {len(self.answers)} upcoming meeting(s) declined, tentative or deleted"
            yield from (a.line() for a in self.answers)
