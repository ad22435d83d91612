"""The org as a whole: checks every HRIS source shares, and what changed between two reads.

Pure: no files, no network. A source builds ``Person`` records, then asks
``validate_org`` whether they form an org (every manager exists, nobody
reports to themselves through a chain, no two people share an email).
``diff_org`` compares two reads so the service can start the M12 handoff
for each report whose manager changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from attrs import frozen

from careerconv_core.domain.people import Person, PersonId
from careerconv_core.errors import InvalidInput


@frozen
class OrgProblem:
    """One thing wrong with the org, located by ``where`` (a row or a person id)."""

    where: str
    field: str
    problem: str
    expected: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.problem}; expected {self.expected}"


class OrgInvalid(InvalidInput):
    """The org read from a source is not a valid org; ``problems`` lists every finding.

    ``field`` names the first problem's row and field (``"org.csv row 4
    (id=p7): manager"``); the message counts the others so one run shows
    the whole list.
    """

    def __init__(self, problems: Sequence[OrgProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        problem = first.problem if not more else f"{first.problem} (and {more} more problem(s))"
        super().__init__(f"{first.where}: {first.field}", first.expected, problem)


@frozen
class ManagerChange:
    """A report whose manager changed between two reads: starts the M12 handoff."""

    person_id: PersonId
    old_manager_id: PersonId | None
    new_manager_id: PersonId | None


@frozen
class OrgDiff:
    """What changed between two reads of the org.

    ``added`` and ``updated`` hold the new records; ``removed`` the ids that
    are gone; ``manager_changes`` the reporting lines that moved (a person
    in ``updated`` may or may not also appear there).
    """

    added: tuple[Person, ...] = ()
    removed: tuple[PersonId, ...] = ()
    updated: tuple[Person, ...] = ()
    manager_changes: tuple[ManagerChange, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.removed or self.updated or self.manager_changes)


def _label(labels: Mapping[PersonId, str] | None, person_id: PersonId) -> str:
    if labels and person_id in labels:
        return labels[person_id]
    return f"person {person_id}"


def find_org_problems(
    people: Sequence[Person],
    *,
    labels: Mapping[PersonId, str] | None = None,
    known_ids: Collection[PersonId] = (),
) -> tuple[OrgProblem, ...]:
    """Every reason ``people`` is not a valid org, in row order.

    ``labels`` maps a person id to where it came from (``"org.csv row 4
    (id=p7)"``) so the problem names the row. ``known_ids`` are people that
    exist outside ``people`` (the rest of the org, for an incremental read):
    a manager among them is not unknown.
    """
    problems: list[OrgProblem] = []
    by_id: dict[PersonId, Person] = {}
    emails: dict[str, PersonId] = {}
    # Labels are looked up, and aliases built, only for a problem: most orgs have none.
    for person in people:
        if person.id in by_id:
            where = _label(labels, person.id)
            problems.append(OrgProblem(where, "id", f"duplicate id {person.id!r}", "each id once"))
            continue
        by_id[person.id] = person
        email = person.email.casefold()
        if email in emails:
            problems.append(
                OrgProblem(
                    _label(labels, person.id),
                    "email",
                    f"email already used by {_label(labels, emails[email])}",
                    "one email per person",
                )
            )
        else:
            emails[email] = person.id
    aliases: dict[str, PersonId] | None = None
    for person in by_id.values():
        manager = person.manager_id
        if manager is None or manager in by_id or manager in known_ids:
            continue
        if aliases is None:
            # A manager named by email or by name is a common slip: point at the id.
            aliases = {key: p.id for p in by_id.values() for key in (p.email.casefold(), p.name.casefold())}
        expected = "the id of a person in the org, or no manager"
        if manager.casefold() in aliases:
            expected += f" (did you mean {aliases[manager.casefold()]!r}?)"
        where = _label(labels, person.id)
        problem = f"unknown manager {manager!r}"
        problems.append(OrgProblem(where, "manager", problem, expected))
    problems.extend(_cycles(by_id, labels))
    return tuple(problems)


def _cycles(by_id: Mapping[PersonId, Person], labels: Mapping[PersonId, str] | None) -> Iterable[OrgProblem]:
    """One problem per reporting cycle, named at its first member in input order."""
    done: set[PersonId] = set()
    order = {person_id: index for index, person_id in enumerate(by_id)}
    for start in by_id:
        path: list[PersonId] = []
        on_path: set[PersonId] = set()
        current: PersonId | None = start
        while current is not None and current in by_id and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :]
                first = min(cycle, key=order.__getitem__)
                at = cycle.index(first)
                chain = " -> ".join([*cycle[at:], *cycle[:at], first])
                yield OrgProblem(
                    _label(labels, first),
                    "manager",
                    f"reporting cycle {chain}",
                    "a chain of managers that ends at someone with no manager",
                )
                break
            path.append(current)
            on_path.add(current)
            current = by_id[current].manager_id
        done.update(path)


def validate_org(
    people: Sequence[Person],
    *,
    labels: Mapping[PersonId, str] | None = None,
    known_ids: Collection[PersonId] = (),
) -> None:
    """Raise ``OrgInvalid`` listing every problem ``find_org_problems`` finds."""
    problems = find_org_problems(people, labels=labels, known_ids=known_ids)
    if problems:
        raise OrgInvalid(problems)


def apply_snapshot(
    current: Sequence[Person], changed: Sequence[Person], removed: Collection[PersonId] = ()
) -> tuple[Person, ...]:
    """The org after an incremental read: ``changed`` replace or add, ``removed`` go.

    Validate the result with ``validate_org`` before using it: a change
    read alone can close a reporting cycle with people it did not include.
    """
    merged = {person.id: person for person in current}
    for person in changed:
        merged[person.id] = person
    for person_id in removed:
        merged.pop(person_id, None)
    return tuple(merged.values())


def diff_org(old: Sequence[Person], new: Sequence[Person]) -> OrgDiff:
    """What changed from ``old`` to ``new`` (two full reads of the org).

    Results keep the order of ``new`` (``removed`` the order of ``old``), so
    the same two reads always give the same diff.
    """
    before = {person.id: person for person in old}
    after = {person.id: person for person in new}
    added = tuple(p for p in after.values() if p.id not in before)
    removed = tuple(pid for pid in before if pid not in after)
    updated = tuple(p for p in after.values() if p.id in before and before[p.id] != p)
    moves = tuple(
        ManagerChange(p.id, before[p.id].manager_id, p.manager_id)
        for p in updated
        if before[p.id].manager_id != p.manager_id
    )
    return OrgDiff(added=added, removed=removed, updated=updated, manager_changes=moves)
