"""Org sync: people from the HRIS, manager changes (M12), people who left and people who came back.

Nobody is removed by omission unless that is asked for: a full read that lacks
stored people reports them as missing and keeps them, and only
``remove_missing=True`` (``org import --remove-missing``) removes them. A source
that says a person left (a SCIM user made inactive, a BambooHR employee marked
terminated) is an explicit removal and is always taken. A report removed and
back within ``Settings.return_grace_days`` gets the plan the removal ended.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from attrs import frozen

from careerconv_core.boundary import checked
from careerconv_core.domain.events import EventName
from careerconv_core.domain.ids import check_id
from careerconv_core.domain.org import apply_snapshot, diff_org, validate_org
from careerconv_core.domain.people import Person, PersonId
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import InvalidInput
from careerconv_core.ports import OrgSnapshot, PlanChange
from careerconv_core.services.base import StepReport
from careerconv_core.services.handoff import HandoffSteps

T = TypeVar("T")

_PREVIEW_ID = "dry-run"  # the handoff id a dry run's preview carries; never stored


@frozen
class OrgSyncReport:
    """What an org sync changed (or, for a dry run, would change).

    ``missing`` are people stored but absent from a full read who were kept,
    because removing them was not asked for; ``restored`` the plans of people
    who came back within the grace period.
    """

    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    handoffs: tuple[str, ...]  # the report is asked for consent first (M12)
    ended: tuple[str, ...]  # the report left
    lapsed: tuple[str, ...] = ()  # a proposal not yet accepted lapses with the old manager
    missing: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()
    dry_run: bool = False


@frozen
class _Plan:
    """What a sync decided before anything is written."""

    known: Mapping[PersonId, Person]
    added: tuple[Person, ...]
    updated: tuple[Person, ...]
    leaving: tuple[PersonId, ...]
    missing: tuple[PersonId, ...]
    moves: tuple[tuple[PersonId, PersonId], ...]  # (report, new manager)
    returning: tuple[CareerPlan, ...]  # plans to reopen, one per returning report


def _people(snapshot: object) -> OrgSnapshot:
    """``snapshot`` checked for shape: a library caller may pass anything."""
    if not isinstance(snapshot, OrgSnapshot):
        raise InvalidInput("snapshot", "an OrgSnapshot", f"got {type(snapshot).__name__}")
    if not isinstance(snapshot.people, tuple | list):
        raise InvalidInput("snapshot.people", "a sequence of Person", f"got {type(snapshot.people).__name__}")
    for n, person in enumerate(snapshot.people):
        if not isinstance(person, Person):
            raise InvalidInput(f"snapshot.people[{n}]", "a Person", f"got {type(person).__name__}")
    if isinstance(snapshot.removed, str) or not isinstance(snapshot.removed, tuple | list):
        raise InvalidInput("snapshot.removed", "a sequence of ids", f"got {type(snapshot.removed).__name__}")
    for n, pid in enumerate(snapshot.removed):
        check_id(f"snapshot.removed[{n}]", pid)
    if snapshot.cursor is not None and not isinstance(snapshot.cursor, str):
        raise InvalidInput("snapshot.cursor", "text or None", f"got {type(snapshot.cursor).__name__}")
    return snapshot


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(name, "True or False", f"got {type(value).__name__}")
    return value


class OrgSync(HandoffSteps):
    """Taking the org in from an HRIS source."""

    __slots__ = ()

    @checked
    def report_left(self, report_id: str) -> list[StepReport]:
        """The report left: cancel everything on their plans."""
        at = self.now()
        return [
            self._commit(plan, plan.report_left(at), EventName.PLAN_REPORT_LEFT, at)
            for plan in self.store.find_plans(report_id=report_id)
            if plan.status.is_open
        ]

    @checked
    def sync_org(
        self,
        snapshot: OrgSnapshot,
        *,
        complete: bool,
        cursor_name: str = "org",
        remove_missing: bool = False,
        dry_run: bool = False,
        progress: Callable[[int, int], object] | None = None,
    ) -> OrgSyncReport:
        """Take people from an HRIS source (M12).

        ``complete`` says the snapshot is the whole org (a full read). Stored
        people missing from it are reported as ``missing`` and kept, unless
        ``remove_missing``: then they leave. ``snapshot.removed`` (people the
        source says left) always leave. Otherwise the snapshot is a poll: its
        people replace or join the stored ones. The merged org is validated
        first (unknown managers, cycles, duplicate emails), so a bad read
        changes nothing; a ``dry_run`` stops there and reports what a real run
        would do. Then people are stored, plans of people back within the
        grace period reopen, handoffs start for changed managers (consent
        first), and plans of people who left end. ``progress(done, total)`` is
        told after each of those writes (the people as one, each plan as one).
        """
        snapshot = _people(snapshot)
        _flag("complete", complete)
        _flag("remove_missing", remove_missing)
        _flag("dry_run", dry_run)
        at = self.now()
        decided = self._decide(snapshot, complete=complete, remove_missing=remove_missing, at=at)
        if dry_run:
            return self._preview(decided, at)
        cursors = ((cursor_name, snapshot.cursor),) if snapshot.cursor else ()
        # The order makes a sync cut short (a crash) safe to repeat: people new to the store
        # first (handoffs name them), then reopened plans, handoffs and ends, and only then the
        # changed people and the cursor, so a repeat still sees every change that needs a step.
        tick = _Ticks(2 + len(decided.returning) + len(decided.moves) + len(decided.leaving), progress)
        if decided.added:
            self.store.commit(PlanChange(people=decided.added))
        tick.step()
        restored = [
            tick(self._commit(p, p.report_returned(at, self._grace), EventName.PLAN_REPORT_RETURNED, at))
            for p in decided.returning
        ]
        handoffs = [r for pid, manager in decided.moves for r in tick(self.manager_changed(pid, manager))]
        left = [r for pid in decided.leaving for r in tick(self.report_left(pid))]
        if (
            decided.updated
            or decided.leaving
            or (cursors and self.store.cursor(cursor_name) != snapshot.cursor)
        ):
            self.store.commit(
                PlanChange(people=decided.updated, removed_people=decided.leaving, cursors=cursors)
            )
        tick.step()
        return OrgSyncReport(
            added=tuple(p.id for p in decided.added),
            updated=tuple(p.id for p in decided.updated),
            removed=decided.leaving,
            handoffs=tuple(r.plan.id for r in handoffs if EventName.PLAN_LAPSED not in r.events),
            ended=tuple(r.plan.id for r in left),
            lapsed=tuple(r.plan.id for r in handoffs if EventName.PLAN_LAPSED in r.events),
            missing=decided.missing,
            restored=tuple(r.plan.id for r in restored),
        )

    @property
    def _grace(self) -> timedelta:
        return timedelta(days=self.settings.return_grace_days)

    def _decide(self, snapshot: OrgSnapshot, *, complete: bool, remove_missing: bool, at: datetime) -> _Plan:
        known = {p.id: p for p in self.store.list_people()}
        explicit = tuple(dict.fromkeys(pid for pid in snapshot.removed if pid in known))
        missing: tuple[PersonId, ...] = ()
        if complete:
            present = {p.id for p in snapshot.people}  # built once: a set per person made this quadratic
            gone = set(explicit)
            missing = tuple(pid for pid in known if pid not in present and pid not in gone)
            leaving = explicit + missing if remove_missing else explicit
            kept = () if remove_missing else tuple(known[pid] for pid in missing)
            # Not merged by id: a read that lists one id twice must reach validate_org as it is.
            merged = (*(p for p in snapshot.people if p.id not in gone), *kept)
        else:
            leaving = explicit
            merged = apply_snapshot(tuple(known.values()), snapshot.people, leaving)
        validate_org(merged)
        diff = diff_org(tuple(known.values()), merged)
        added = diff.added
        moves = [
            (m.person_id, m.new_manager_id) for m in diff.manager_changes if m.new_manager_id is not None
        ]
        returning = self._returning(added, {p.id for p in merged}, at)
        # A report back under another manager: their reopened plan starts the handoff too.
        by_id = {p.id: p for p in added}
        for plan in returning:
            manager = by_id[plan.report_id].manager_id
            if manager is not None and manager != plan.manager_id:
                moves.append((plan.report_id, manager))
        return _Plan(
            known=known,
            added=added,
            updated=diff.updated,
            leaving=leaving,
            missing=() if remove_missing else missing,
            moves=tuple(moves),
            returning=returning,
        )

    def _returning(
        self, added: Sequence[Person], org: Collection[PersonId], at: datetime
    ) -> tuple[CareerPlan, ...]:
        """The plan each newly added person left within the grace period.

        Only when they have no open plan, and the plan's manager is still in ``org``.
        """
        if not added:
            return ()
        ids = {p.id for p in added}
        latest: dict[PersonId, CareerPlan] = {}
        open_ids: set[PersonId] = set()
        for plan in self.store.find_plans():  # one read, not one per person added
            if plan.report_id not in ids:
                continue
            if plan.status.is_open:
                open_ids.add(plan.report_id)
            elif plan.left_within(at, self._grace) and plan.manager_id in org:
                best = latest.get(plan.report_id)
                if best is None or (best.ended_at or at) < (plan.ended_at or at):
                    latest[plan.report_id] = plan
        return tuple(plan for pid, plan in latest.items() if pid not in open_ids)

    def _preview(self, decided: _Plan, at: datetime) -> OrgSyncReport:
        """What a real run would do, from the same decisions, committing nothing."""
        deadline = at + timedelta(days=self.settings.handoff_answer_days)
        reopened = {p.report_id: p.report_returned(at, self._grace) for p in decided.returning}
        handoffs: list[str] = []
        lapsed: list[str] = []
        for pid, manager in decided.moves:
            plans = self._open_plans(pid, reopened)
            for plan in plans:
                after = plan.manager_changed(_PREVIEW_ID, manager, at, deadline)
                if after is plan:
                    continue
                (handoffs if after.status.is_open else lapsed).append(plan.id)
        ended = [plan.id for pid in decided.leaving for plan in self._open_plans(pid, {})]
        return OrgSyncReport(
            added=tuple(p.id for p in decided.added),
            updated=tuple(p.id for p in decided.updated),
            removed=decided.leaving,
            handoffs=tuple(handoffs),
            ended=tuple(ended),
            lapsed=tuple(lapsed),
            missing=decided.missing,
            restored=tuple(p.id for p in decided.returning),
            dry_run=True,
        )

    def _open_plans(
        self, report_id: PersonId, reopened: Mapping[PersonId, CareerPlan]
    ) -> Iterable[CareerPlan]:
        found = [p for p in self.store.find_plans(report_id=report_id) if p.status.is_open]
        if report_id in reopened:
            found.append(reopened[report_id])
        return found


class _Ticks:
    """Counts the writes of a sync for its ``progress`` callback; passes each step's result on."""

    def __init__(self, total: int, progress: Callable[[int, int], object] | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress

    def __call__(self, result: T) -> T:
        self.step()
        return result

    def step(self) -> None:
        """One write done."""
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)
