"""Record files refused in words: the field's path, what it takes, and the valid fields of a table.

Never a Python type name: every message is checked against the names a type
or a class could leak (``careerconv_core...``, ``Opportunity | None``,
``tuple[...]``, ``NoneType``, ``str``).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from datetime import date
from typing import Any

import attrs
import pytest

import careerconv_core
from careerconv import records
from careerconv_core import shapes
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import InvalidInput
from tests_support_paths import ROOT

ACTION_FIELDS = (
    "id, title, owner_id, due, done_when, opportunity, competency_id, status, done_at, ticket_deleted, "
    "changed_at, status_changed_at"
)
PYTHON_NAMES = re.compile(
    r"careerconv_core|NoneType|<class|\| None|\b(tuple|dict|list|frozenset|Mapping)\["
    r"|\b(str|int|bool|float)\b"
    r"|\b(LifeStory|Pinnacle|PinnacleRole|CompetencyRating|GrowPlan|Goal|Action|Opportunity"
    r"|DevelopmentOption|OpportunityKind|ActionStatus)\b"
)


def record(kind: str, table: Any, source: str) -> object:
    """A record of ``kind`` holding ``table``, read as ``careerconv record`` reads it."""
    outcome = records.outcome({kind: table}, kind, source)
    if kind == "life_story":
        return records.life_story(outcome, source)
    if kind == "pinnacle":
        return records.pinnacle(outcome, source, None)
    return records.grow(outcome, source, date(2027, 1, 4))


def read(kind: str, table: Any, source: str = "f.toml") -> str:
    """The message a record of ``kind`` with ``table`` is refused with."""
    with pytest.raises(InvalidInput) as caught:
        record(kind, table, source)
    message = str(caught.value)
    assert not PYTHON_NAMES.search(message), message
    return message


GOAL = {"role_id": "vp-eng"}
COMP = {"competency_id": "hiring", "name": "Hiring well"}


@pytest.mark.parametrize(
    ("kind", "table", "expected"),
    [
        (
            "life_story",
            {"note": "x"},
            "f.toml life_story: unknown field 'note'; valid fields: notes, drives, values "
            "(did you mean 'notes'?)",
        ),
        (
            "pinnacle",
            {"draem": "x"},
            "f.toml pinnacle: unknown field 'draem'; valid fields: dream, roles, crossed_out, "
            "chosen_role_id, competencies, focus (did you mean 'dream'?)",
        ),
        (
            "pinnacle",
            {"roles": [{"id": "a", "title": "A", "compnay": "x"}]},
            "f.toml pinnacle.roles[0]: unknown field 'compnay'; valid fields: id, title, company, "
            "catalog_role_id (did you mean 'company'?)",
        ),
        (
            "grow",
            {"goal": GOAL, "actoins": []},
            "f.toml grow: unknown field 'actoins'; valid fields: goal, starts, options, actions, "
            "horizon_months, revision (did you mean 'actions'?)",
        ),
        (
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "titel": "t"}]},
            f"f.toml grow.actions[0]: unknown field 'titel'; valid fields: {ACTION_FIELDS} "
            "(did you mean 'title'?)",
        ),
        (
            "grow",
            {"goal": {"role_id": "vp-eng", "statment": "x"}},
            "f.toml grow.goal: unknown field 'statment'; valid fields: role_id, statement "
            "(did you mean 'statement'?)",
        ),
    ],
)
def test_an_unknown_field_is_named_with_the_valid_ones(kind: str, table: Any, expected: str) -> None:
    assert read(kind, table) == expected


def test_each_unknown_field_is_its_own_problem_and_far_ones_get_no_guess() -> None:
    message = read("life_story", {"zzz": 1, "aaa": 2})
    assert message == (
        "f.toml life_story: unknown field 'aaa'; valid fields: notes, drives, values; "
        "f.toml life_story: unknown field 'zzz'; valid fields: notes, drives, values"
    )


@pytest.mark.parametrize(
    ("kind", "table", "expected"),
    [
        ("life_story", {"drives": "craft"}, "f.toml life_story.drives: expected a list of texts in quotes"),
        ("life_story", {"values": [1]}, "f.toml life_story.values[0]: expected a text in quotes"),
        ("life_story", {"notes": ["x"]}, "f.toml life_story.notes: expected a text in quotes"),
        (
            "pinnacle",
            {"roles": {"id": "a", "title": "A"}},
            "f.toml pinnacle.roles: expected a list of tables, each with fields id, title, company, "
            "catalog_role_id",
        ),
        (
            "pinnacle",
            {"competencies": [{**COMP, "self_rating": 7}]},
            "f.toml pinnacle.competencies[0].self_rating: off the scale; "
            "expected a whole number from 1 (new to me) to 5 (exemplary)",
        ),
        (
            "pinnacle",
            {"competencies": [{**COMP, "self_rating": "4"}]},
            "f.toml pinnacle.competencies[0].self_rating: expected a whole number from 1 (new to me) "
            "to 5 (exemplary)",
        ),
        (
            "pinnacle",
            {"competencies": [{**COMP, "manager_rating": 2.5}]},
            "f.toml pinnacle.competencies[0].manager_rating: expected a whole number from 1 (new to me) to 5 "
            "(exemplary)",
        ),
        (
            "pinnacle",
            {"chosen_role_id": 3},
            "f.toml pinnacle.chosen_role_id: expected an id in quotes: 1 to 128 ASCII letters, digits and "
            ". _ - @ + : / = ~, starting with a letter or digit",
        ),
        (
            "pinnacle",
            {"roles": [{"id": "a"}]},
            "f.toml pinnacle.roles[0].title: required field missing; expected a text in quotes",
        ),
        (
            "grow",
            {},
            "f.toml grow.goal: required field missing; expected a table with fields role_id, statement",
        ),
        ("grow", {"goal": "be a VP"}, "f.toml grow.goal: expected a table with fields role_id, statement"),
        (
            "grow",
            {"goal": GOAL, "actions": {"id": "a", "title": "t"}},
            f"f.toml grow.actions: expected a list of tables, each with fields {ACTION_FIELDS}",
        ),
        (
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "opportunity": "the platform team"}]},
            "f.toml grow.actions[0].opportunity: expected a table with fields kind, description",
        ),
        (
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "opportunity": {"kind": "job"}}]},
            "f.toml grow.actions[0].opportunity.kind: expected one of 'role', 'project', "
            "'team_responsibility'",
        ),
        (
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "due": "next spring"}]},
            "f.toml grow.actions[0].due: expected a date (YYYY-MM-DD, such as 2027-03-31)",
        ),
        (
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "status": "finished"}]},
            "f.toml grow.actions[0].status: expected one of 'open', 'done'",
        ),
        (
            "grow",
            {"goal": GOAL, "horizon_months": 30},
            "f.toml grow.horizon_months: outside the range; expected a whole number of months from 1 to 24",
        ),
        (
            "grow",
            {"goal": GOAL, "options": [{"competency_id": "hiring", "ways": "interview"}]},
            "f.toml grow.options[0].ways: expected a list of texts in quotes",
        ),
    ],
)
def test_a_wrong_value_says_what_the_field_takes_in_words(kind: str, table: Any, expected: str) -> None:
    assert read(kind, table) == expected


def test_the_tables_of_a_record_file() -> None:
    def refused(data: dict[str, Any], kind: str) -> str:
        with pytest.raises(InvalidInput) as caught:
            records.outcome(data, kind, "f.toml")
        return str(caught.value)

    assert refused({"grwo": {}}, "grow") == (
        "f.toml: unknown table 'grwo'; valid tables: life_story, pinnacle, grow (did you mean 'grow'?)"
    )
    assert refused({"pinnacle": {}}, "life_story") == (
        "f.toml: no [life_story] table; expected a [life_story] table with fields notes, drives, values"
    )
    assert refused({"grow": 3}, "grow") == (
        "f.toml grow: not a table; expected a table with fields goal, starts, options, actions, "
        "horizon_months, revision"
    )
    # Editors find a JSON file's schema under "$schema"; reading ignores it.
    assert records.outcome({"$schema": "x.json", "life_story": {}}, "life_story", "f.json") == {}


def test_a_competency_without_an_id_is_reported_as_missing_not_looked_up() -> None:
    from careerconv_core.domain.catalog import Catalog

    with pytest.raises(InvalidInput) as caught:
        records.pinnacle({"competencies": [{"self_rating": 2}]}, "f.toml", Catalog((), ()))
    message = str(caught.value)
    assert "f.toml pinnacle.competencies[0].competency_id: required field missing; expected an id" in message


def reachable(cls: type, seen: set[type]) -> set[type]:
    """The attrs classes a document of ``cls`` holds, ``cls`` among them."""
    if cls in seen:
        return seen
    seen.add(cls)
    for attribute in shapes.fields_of(cls):
        for tp in re.findall(r"[\w.]+", str(attribute.type)):
            found = _attrs_class(tp)
            if found is not None:
                reachable(found, seen)
    return seen


def _attrs_class(dotted: str) -> type | None:
    module, _, name = dotted.rpartition(".")
    if not module.startswith("careerconv_core"):
        return None
    candidate = getattr(importlib.import_module(module), name, None)
    return candidate if isinstance(candidate, type) and attrs.has(candidate) else None


def stored_classes() -> set[type]:
    """Every attrs class of the records, the plan, and the views and outbox entries the core defines."""
    found: set[type] = set()
    for cls in records.OUTCOME_TYPES.values():
        reachable(cls, found)
    reachable(CareerPlan, found)
    for info in pkgutil.walk_packages(careerconv_core.__path__, "careerconv_core."):
        if info.name.endswith(("views", "outbox")):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if attrs.has(cls) and cls.__module__ == module.__name__:
                    reachable(cls, found)
    return found


def test_every_field_of_every_stored_class_is_described_in_words() -> None:
    classes = stored_classes()
    assert {records.OUTCOME_TYPES["grow"], CareerPlan} <= classes and len(classes) > 20
    for cls in classes:
        for attribute in shapes.fields_of(cls):
            said = shapes.words(attribute.type, attribute)
            where = f"{cls.__qualname__}.{attribute.name}: {said}"
            assert not PYTHON_NAMES.search(said), where
            assert said != "a value of another kind", where


def test_the_refusals_the_docs_show_are_the_ones_given() -> None:
    """The lines under "When a file is refused" in docs/records.md are what careerconv says."""
    page = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    shown = page.split("## When a file is refused", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    given = {
        read("grow", {"goal": GOAL, "actions": [{"id": "a", "title": "t", "titel": "t"}]}, "jonas-grow.toml"),
        read("grow", {"goal": "be a VP"}, "jonas-grow.toml"),
        read("grow", {"goal": GOAL, "actions": {"id": "a"}}, "jonas-grow.toml"),
        read(
            "grow",
            {"goal": GOAL, "actions": [{"id": "a", "title": "t", "opportunity": {"kind": "job"}}]},
            "jonas-grow.toml",
        ),
        read(
            "pinnacle",
            {"competencies": [COMP, {**COMP, "competency_id": "b", "self_rating": 6}]},
            "jonas-pinnacle-report.toml",
        ),
        read("life_story", {"drives": "craft"}, "jonas-life-story.toml"),
    }
    with pytest.raises(InvalidInput) as caught:
        records.outcome({"life-story": {}}, "life_story", "jonas-life-story.toml")
    given.add(str(caught.value))
    assert set(shown.splitlines()) == given
