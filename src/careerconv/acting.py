"""Steps taken in the report's name, put on the plan in the same change as the step.

The command line's ``--as REPORT`` with ``[web] allow_acting_for_others``: the
plans it acts on are listed as it goes (``ActingFor.plan_ids``), and the store
every use case of the command commits through adds an
:class:`~careerconv_core.domain.acted_for.ActedFor` entry to each of them in
that commit. Recording it afterwards, as a change of its own, would raise the
plan's version once more and spend the links the step's own notices carry.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import datetime

from attrs import define, evolve, field

from careerconv_core.domain.acted_for import ActedFor
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.ports import PlanChange, PlanStore


def command_line() -> str:
    """Who acts at the command line: the account it runs under, when the system says."""
    try:
        return f"the command line (account {getpass.getuser()})"
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return "the command line"


@define
class ActingFor:
    """The plans one command acts on in their report's name, and what it is called."""

    step: str
    by: str = field(factory=command_line)
    plan_ids: list[str] = field(factory=list)
    stamped: set[str] = field(factory=set)

    def stamp(self, plan: CareerPlan, at: datetime) -> CareerPlan:
        """``plan`` with this command's entry, once per plan and command."""
        if plan.id not in self.plan_ids or plan.id in self.stamped:
            return plan
        entry = ActedFor(at, self.by, plan.report_id, self.step)
        return evolve(plan, acted_for=(*plan.acted_for, entry))


class StampingStore:
    """A store whose commits carry the acted-for entry of each plan the command acts on."""

    def __init__(self, store: PlanStore, acting: ActingFor, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._acting = acting
        self._clock = clock

    def commit(self, change: PlanChange) -> None:
        """Commit ``change``, its plans stamped (see :class:`ActingFor`)."""
        if self._acting.plan_ids and change.plans:
            at = self._clock()
            change = evolve(change, plans=tuple(self._acting.stamp(p, at) for p in change.plans))
        self._store.commit(change)
        # Marked once committed: a refused commit's retry carries the entry again.
        self._acting.stamped.update(p.id for p in change.plans if p.id in self._acting.plan_ids)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)
