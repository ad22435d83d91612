"""JSON round trips for every domain object, and readable errors for bad input."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from datetime import UTC, date, datetime, time
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import careerconv_core.domain
from careerconv_core import projections, serialization
from careerconv_core.domain.answers import Answer, MeetingAnswer
from careerconv_core.domain.cadence import CadenceRules, CheckInKind, DueItem, DueKind
from careerconv_core.domain.catalog import Catalog, CatalogCompetency, RoleProfile
from careerconv_core.domain.events import DomainEvent, EventName
from careerconv_core.domain.feedback import FeedbackAggregate, FeedbackRating
from careerconv_core.domain.grow import Finding, FindingKind, GrowRules, stress_test
from careerconv_core.domain.handoff import NewManagerPath
from careerconv_core.domain.meetings import Meeting
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.domain.plan import CareerPlan, CheckIn, FollowUp
from careerconv_core.domain.roles import Actor
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.serialization import InvalidDocument
from support.plans import at, reviewed
from support.world import PEOPLE


def samples() -> list[Any]:
    """One value of every kind the project serializes, in realistic states."""
    plan = reviewed().start_handoff("h1", "m2", at(20), at(34)).answer_handoff(True, Actor.REPORT, at(21))
    plan = plan.share_with_new_manager(at(21)).schedule_handoff_meeting(at(22), at(22, 1))
    plan = plan.choose_path(NewManagerPath.CONTINUE_PLAN, Actor.MANAGER, at(23))
    plan = attrs.evolve(
        plan,
        follow_ups=(FollowUp(1, CheckInKind.CHECK_IN, at(40), at(40, 0.2)),),
        meetings=(Meeting("manager_life_story", at(30), at(30, 1)),),
        feedback=(FeedbackRating(Actor.REPORT, "r1", 9, at(24)),),
        check_ins=(CheckIn(CheckInKind.EXTENDED_REVIEW, at(50), True, "fine"),),
        answers=(MeetingAnswer("p-life_story@careerconv", "r1", Answer.DECLINED, 1, at(2), "1|x"),),
    )
    people = {p.id: p for p in PEOPLE} | {"m1": PEOPLE[0], "r1": attrs.evolve(PEOPLE[2])}
    assert plan.grow is not None
    return [
        plan,
        *projections.invites(plan, people).values(),
        *projections.tickets(plan, people).values(),
        Person(
            "x",
            "X",
            "x@example.com",
            "Asia/Tokyo",
            WorkingHours(time(8), time(16), frozenset({0, 2})),
        ),
        Catalog(
            (CatalogCompetency("c", "C", "G"),),
            (RoleProfile("r", "R", "eng", ("c",), ("11-1011.00",)),),
        ),
        DueItem("p", "r", "m", DueKind.PROBE, date(2027, 1, 1)),
        DomainEvent(EventName.HANDOFF_SHARED, "p", at(21), (("handoff", "h1"),)),
        OutboxEntry("e", "k", Channel.CALENDAR, "{}", "p", at(0), at(0)),
        Finding(FindingKind.NOT_EMBEDDED, "m", "a1"),
        *stress_test(plan.grow),
        FeedbackAggregate("g", 5, 8.0, None),
        CadenceRules(),
        GrowRules(),
    ]


def attrs_types(value: Any, seen: set[type]) -> set[type]:
    if attrs.has(type(value)):
        seen.add(type(value))
        for f in attrs.fields(type(value)):
            attrs_types(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list, frozenset)):
        for item in value:
            attrs_types(item, seen)
    return seen


@pytest.mark.parametrize("value", samples(), ids=lambda v: type(v).__name__)
def test_round_trip(value: Any) -> None:
    text = serialization.dumps(value)
    back = serialization.loads(text, type(value))
    assert back == value
    assert serialization.dumps(back) == text  # stable text, so diffs and keys are deterministic


def test_every_domain_value_class_is_covered() -> None:
    covered: set[type] = set()
    for value in samples():
        attrs_types(value, covered)
    defined = set()
    # Every module, subpackages included, so a value class cannot hide in a new folder.
    for info in pkgutil.walk_packages(careerconv_core.domain.__path__, "careerconv_core.domain."):
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if attrs.has(obj) and obj.__module__ == module.__name__:
                defined.add(obj)
    # Results of pure functions that are never stored or sent: the scheduler's and the
    # org check's values, agendas and notice texts (constants), the time budget, intervals, and
    # when a plan ended (read for retention, never written).
    not_stored = {"Agenda", "NoticeText", "CareerTimeBudget", "Interval", "PlanEnding"}
    missing = {
        t.__qualname__
        for t in defined - covered
        if t.__qualname__ not in not_stored
        and not t.__module__.startswith("careerconv_core.domain.scheduling")
        and not t.__module__.endswith(".org")
    }
    assert missing == set()


def test_unknown_fields_wrong_types_and_rule_breaks_are_all_reported_by_path() -> None:
    data = json.loads(serialization.dumps(reviewed()))
    data["surprise"] = True
    data["version"] = "two"
    data["pinnacle"]["competencies"][0]["self_rating"] = 9
    with pytest.raises(InvalidDocument) as exc:
        serialization.loads(json.dumps(data), CareerPlan, "plan")
    problems = exc.value.problems
    assert any(p.startswith("plan:") and "surprise" in p for p in problems)
    del data["surprise"]
    with pytest.raises(InvalidDocument) as exc:
        serialization.loads(json.dumps(data), CareerPlan, "plan")
    text = str(exc.value)
    assert "plan.version: expected a whole number" in text
    assert "self_rating" in text and "1 (new to me) to 5" in text


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(status="finished"), "plan.status: expected one of 'proposed', 'active'"),
        (lambda d: d.update(proposed_at="2026-12-01T09:00:00"), "naive datetime"),
        (lambda d: d.update(proposed_at="yesterday"), "expected a date and time with a UTC offset"),
        (lambda d: d.pop("report_id"), "plan.report_id: required field missing; expected an id"),
        (lambda d: d["grow"].update(starts="2027-13-01"), "plan.grow.starts: expected a date (YYYY-MM-DD"),
        (lambda d: d["pinnacle"].update(roles="cpo"), "plan.pinnacle.roles: expected a list of tables"),
    ],
)
def test_bad_plan_json_names_the_field(mutate: Any, expected: str) -> None:
    data = json.loads(serialization.dumps(reviewed()))
    mutate(data)
    with pytest.raises(InvalidDocument, match=expected.replace("(", r"\(").replace(")", r"\)")):
        serialization.loads(json.dumps(data), CareerPlan, "plan")


def test_not_json_is_reported_with_its_position() -> None:
    with pytest.raises(InvalidDocument, match=r"plan: not valid JSON \(line 1, column 2\)"):
        serialization.loads("{x", CareerPlan, "plan")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_gives_a_plan_or_our_own_error(data: Any) -> None:
    try:
        serialization.structure(data, CareerPlan, "plan")
    except InvalidDocument as exc:
        assert exc.problems and all(isinstance(p, str) for p in exc.problems)


@settings(max_examples=100, deadline=None)
@given(st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_datetimes_keep_their_instant(moment: datetime) -> None:
    entry = OutboxEntry("e", "k", Channel.HRIS, "{}", "p", moment, moment)
    assert serialization.loads(serialization.dumps(entry), OutboxEntry) == entry


def _stored_person(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(serialization.dumps(PEOPLE[2]))
    data.update(changes)
    return data


def test_people_in_the_stored_shape_are_read_with_their_working_hours_shared() -> None:
    """An org's people are read by the hundred thousand: one WorkingHours per distinct form."""
    first = serialization.loads(json.dumps(_stored_person()), Person, "person")
    second = serialization.loads(json.dumps(_stored_person(id="r9", email="r9@example.com")), Person)
    assert first == PEOPLE[2]
    assert first.working_hours is second.working_hours


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_stored_person(id="r 1"), "person.id: the id 'r 1' holds ' '"),
        (_stored_person(manager_id=7), "person.manager_id: expected an id in quotes"),
        (_stored_person(time_zone="Nowhere/Here"), "person.time_zone: unknown time zone 'Nowhere/Here'"),
        (_stored_person(extra=1), "person: unknown field 'extra'; valid fields: id, name"),
        (
            _stored_person(working_hours={"start": "25:00", "end": "17:00", "weekdays": [0]}),
            "person.working_hours.start: expected a time (HH:MM)",
        ),
        (
            _stored_person(working_hours={"start": "09:00", "end": "17:00", "weekdays": [True]}),
            "person.working_hours.weekdays[0]: expected a whole number",
        ),
        (
            _stored_person(working_hours={"start": "17:00", "end": "09:00", "weekdays": [0]}),
            "person.working_hours: working_hours: 17:00-09:00 crosses midnight",
        ),
    ],
)
def test_a_damaged_stored_person_names_the_field(data: dict[str, Any], problem: str) -> None:
    """The stored shape's quick path leaves every damaged document to the full check."""
    with pytest.raises(InvalidDocument) as exc:
        serialization.loads(json.dumps(data), Person, "person")
    assert exc.value.problems[0].startswith(problem)
