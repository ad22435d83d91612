"""Org checks shared by every HRIS source, and the diff that starts M12 handoffs."""

from __future__ import annotations

import pytest

from careerconv_core.domain.org import (
    ManagerChange,
    OrgInvalid,
    apply_snapshot,
    diff_org,
    find_org_problems,
    validate_org,
)
from careerconv_core.domain.people import Person
from careerconv_core.errors import InvalidInput


def person(pid: str, manager: str | None = None, email: str | None = None) -> Person:
    return Person(pid, f"Name {pid}", email or f"{pid}@example.com", manager_id=manager)


ORG = (person("d"), person("m", "d"), person("a", "m"), person("b", "m"))


def test_a_valid_org_has_no_problems() -> None:
    assert find_org_problems(ORG) == ()
    validate_org(ORG)


def test_unknown_manager_is_named_at_its_row() -> None:
    labels = {"a": "org.csv row 4 (id=a)"}
    with pytest.raises(OrgInvalid) as caught:
        validate_org([person("d"), person("a", "ghost")], labels=labels)
    assert caught.value.field == "org.csv row 4 (id=a): manager"
    assert "unknown manager 'ghost'" in str(caught.value)
    assert isinstance(caught.value, InvalidInput)


def test_a_manager_outside_the_batch_is_known_when_listed() -> None:
    assert find_org_problems([person("a", "m")], known_ids={"m"}) == ()


def test_reporting_cycle_is_found_once_with_its_chain() -> None:
    people = [person("d"), person("x", "z"), person("y", "x"), person("z", "y")]
    problems = find_org_problems(people)
    assert len(problems) == 1
    assert problems[0].where == "person x"
    assert problems[0].problem == "reporting cycle x -> z -> y -> x"


def test_self_management_is_a_cycle() -> None:
    (problem,) = find_org_problems([person("s", "s")])
    assert problem.problem == "reporting cycle s -> s"


def test_duplicate_emails_ignore_case_and_name_both_rows() -> None:
    people = [person("a", email="Sam@Example.com"), person("b", email="sam@example.com")]
    (problem,) = find_org_problems(people, labels={"a": "row 2", "b": "row 3"})
    assert (problem.where, problem.field) == ("row 3", "email")
    assert "row 2" in problem.problem


def test_duplicate_ids_are_reported() -> None:
    (problem,) = find_org_problems([person("a"), person("a", email="other@example.com")])
    assert problem.field == "id"


def test_every_problem_is_listed_and_counted_in_the_message() -> None:
    people = [person("a", "ghost"), person("b", "b"), person("c", email="a@example.com")]
    with pytest.raises(OrgInvalid) as caught:
        validate_org(people)
    assert len(caught.value.problems) == 3
    assert "(and 2 more problem(s))" in str(caught.value)


def test_diff_lists_added_removed_and_manager_changes() -> None:
    new = (
        person("d"),
        person("m", "d"),
        person("m2", "d"),
        person("a", "m2"),
        Person("b", "Renamed", "b@example.com", manager_id="m"),
    )
    diff = diff_org(ORG, new)
    assert [p.id for p in diff.added] == ["m2"]
    assert diff.removed == ()
    assert [p.id for p in diff.updated] == ["a", "b"]
    assert diff.manager_changes == (ManagerChange("a", "m", "m2"),)
    gone = diff_org(ORG, ORG[:3])
    assert gone.removed == ("b",)
    assert diff_org(ORG, ORG).empty


def test_losing_a_manager_is_a_manager_change() -> None:
    diff = diff_org(ORG, (*ORG[:2], person("a"), ORG[3]))
    assert diff.manager_changes == (ManagerChange("a", "m", None),)


def test_apply_snapshot_then_validate_catches_a_cycle_across_reads() -> None:
    merged = apply_snapshot(ORG, [person("d", "a")], removed=["b"])
    assert {p.id for p in merged} == {"d", "m", "a"}
    with pytest.raises(OrgInvalid, match="reporting cycle"):
        validate_org(merged)
