"""Whom a plan names, now: the people still in the org, and a stand-in for those who left.

A plan keeps ids: its report, its manager, the managers of a handoff, the
owner of each GROW action. Someone erased (``person erase``) or removed by an
org sync is no longer in the store, but their id stays in the plans of
others. This is the one rule for reading such an id, so that no view, page or
step of those plans fails on them:

- where a name is shown, they are "a former colleague (ID)";
- nothing is addressed to them: a ticket they owned goes to the report
  (``projections.tickets``), an event only they could send is left out
  (``projections.invites``), a notice goes to someone still there.

The stand-in is for reading only: its address is under ``.invalid``, a name
that can never be delivered to (RFC 6761), and it is never put where an
adapter would send to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from careerconv_core.domain.people import Person
from careerconv_core.errors import NotFound
from careerconv_core.ports import PlanStore

LEFT_DOMAIN = "left.invalid"


def former_colleague(person_id: str) -> str:
    """How someone who is no longer in the org is named wherever a name is shown."""
    return f"a former colleague ({person_id})"


def stand_in(person_id: str, time_zone: str = "UTC") -> Person:
    """A person record for a name that is shown only: ``former_colleague``, never addressed."""
    return Person(person_id, former_colleague(person_id), f"former@{LEFT_DOMAIN}", time_zone)


def present(store: PlanStore, person_ids: Iterable[str]) -> dict[str, Person]:
    """The people among ``person_ids`` who are still in the store, by id; the others left out."""
    found: dict[str, Person] = {}
    for pid in dict.fromkeys(person_ids):
        try:
            found[pid] = store.load_person(pid)
        except NotFound:
            continue
    return found


def named(store: PlanStore, person_id: str, time_zone: str = "UTC") -> Person:
    """The person ``person_id``, or their stand-in when they are no longer in the store."""
    try:
        return store.load_person(person_id)
    except NotFound:
        return stand_in(person_id, time_zone)
