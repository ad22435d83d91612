"""The library called with wrong types: careerconv's own error, naming the argument; nothing stored.

A host calls the use cases from Python, where nothing stops ``due(None)`` or
``schedule_team(report_ids="jonas")``. Every such call must raise a
``CareerconvError`` (``InvalidInput`` naming the argument), never a
``TypeError``, ``AttributeError`` or ``KeyError`` from deep inside, and must
commit nothing. The sweep finds the public use cases on the facade, so a new
one is covered without a change here.
"""

from __future__ import annotations

import enum
import inspect
import io
import shutil
import types
import typing
from collections import abc
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import careerconv
from careerconv.cli import main
from careerconv_core import serialization
from careerconv_core.boundary import is_checked
from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.errors import CareerconvError, InvalidInput
from careerconv_core.ports import PlanStore
from careerconv_core.testing import InMemoryStore
from tests_support_paths import EXAMPLES

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)
AT = datetime(2027, 1, 20, 10, tzinfo=UTC)
NAIVE = datetime(2027, 1, 20, 10)
MAYA = careerconv.Person("maya", "Maya Okafor", "maya@example.com", "Europe/Berlin")
JONAS = careerconv.Person("jonas", "Jonas Weber", "jonas@example.com", "Europe/Berlin", manager_id="maya")


def snapshot(store: PlanStore) -> tuple[object, ...]:
    """Everything a store holds, as text to compare."""
    return (
        sorted(serialization.dumps(p) for p in store.find_plans()),
        sorted(serialization.dumps(p) for p in store.list_people()),
        sorted((e.id, e.key, e.status.value, e.attempts) for e in store.outbox()),
    )


@pytest.fixture(scope="module")
def made_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A careerconv home with the example org, made once and copied by each test."""
    home = tmp_path_factory.mktemp("made") / "home"
    assert main(["--home", str(home), "init"], stdout=io.StringIO()) == 0
    assert main(["--home", str(home), "org", "import", str(EXAMPLES / "org.toml")], stdout=io.StringIO()) == 0
    return home


@pytest.fixture(params=["connect", "open"])
def cc(request: pytest.FixtureRequest, made_home: Path, tmp_path: Path) -> Iterator[careerconv.Careerconv]:
    """The facade with maya's team, jonas's plan scheduled: from ``connect`` and from ``open``."""
    if request.param == "connect":
        facade = careerconv.connect(InMemoryStore(), clock=lambda: NOW)
        facade.sync_people([MAYA, JONAS])
    else:
        home = tmp_path / "home"
        shutil.copytree(made_home, home)
        facade = careerconv.open(home, clock=lambda: NOW)
    plan = facade.propose("maya", "jonas").plan
    facade.accept(plan.id, "jonas", life_story_opt_in=True)
    facade.confirm_readiness(plan.id, "maya", equipped=True, trust_in_place=True)
    facade.schedule_team("maya", NOW.date(), ["jonas"])
    yield facade
    facade.close()


def plan_id(cc: careerconv.Careerconv) -> str:
    return next(iter(cc.store.find_plans(report_id="jonas"))).id


PLAN = object()  # stands for jonas's plan id in BAD_CALLS
LS, PN = ConversationKind.LIFE_STORY, ConversationKind.PINNACLE

# method, its arguments, and the argument the error must name
BAD_CALLS: list[tuple[str, tuple[Any, ...], dict[str, Any], str]] = [
    ("due", (None,), {}, "day"),
    ("due", ("2027-01-01",), {}, "day"),
    ("due", (NAIVE,), {}, "day"),
    ("due", (date(9999, 12, 31),), {}, "day"),
    ("due", (date(1, 1, 1),), {}, "day"),
    ("due", (NOW.date(), 5), {}, "manager_id"),
    ("dispatch", ("5",), {}, "limit"),
    ("dispatch", (0,), {}, "limit"),
    ("dispatch", (10**30,), {}, "limit"),
    ("dispatch", (True,), {}, "limit"),
    ("schedule_team", ("maya", NOW.date()), {"report_ids": "jonas"}, "report_ids"),
    ("schedule_team", ("maya", NOW.date(), [5]), {}, "report_ids[0]"),
    ("schedule_team", ("maya", None), {}, "start"),
    ("schedule_team", ("maya", date(9999, 12, 1)), {}, "start"),
    ("schedule_team", (["maya"], NOW.date()), {}, "manager_id"),
    ("propose", (None, "jonas"), {}, "manager_id"),
    ("propose", ("maya", 5), {}, "report_id"),
    ("accept", ([PLAN], "jonas", True), {}, "plan_id"),
    ("accept", (PLAN, "jonas", "yes"), {}, "life_story_opt_in"),
    ("decline", (PLAN, {}), {}, "person_id"),
    ("reschedule", (PLAN, "maya", LS, NAIVE), {}, "new_start"),
    ("reschedule", (PLAN, "maya", LS, None), {}, "new_start"),
    ("reschedule", (PLAN, "maya", "nope", AT), {}, "kind"),
    ("reschedule", (PLAN, "maya", PN, datetime(9999, 12, 31, tzinfo=UTC)), {}, "new_start"),
    ("schedule_meeting", (PLAN, "maya", "manager_life_story", AT, 10**14), {}, "minutes"),
    ("schedule_meeting", (PLAN, "maya", "manager_life_story", AT, "60"), {}, "minutes"),
    ("schedule_meeting", (PLAN, "maya", "manager_life_story", AT, -60), {}, "minutes"),
    ("schedule_team_life_story", ("maya", NAIVE), {}, "start"),
    ("schedule_team_life_story", ("maya", AT, float("nan")), {}, "minutes"),
    ("schedule_handoff_meeting", (PLAN, "maya", NAIVE), {}, "start"),
    ("give_feedback", (PLAN, "jonas", "8"), {}, "score"),
    ("give_feedback", (PLAN, "jonas", 8.0), {}, "score"),
    ("rate", (PLAN, "jonas", "clear-writing", "3"), {}, "rating"),
    ("choose_focus", (PLAN, "jonas", "clear-writing"), {}, "competency_ids"),
    ("choose_focus", (PLAN, "jonas", None), {}, "competency_ids"),
    ("record_life_story", (PLAN, "maya", {"notes": "x"}), {}, "story"),
    ("set_consent", (PLAN, "jonas", None), {}, "consent"),
    ("check_in", (PLAN, "maya"), {"notes": 5}, "notes"),
    ("check_in", (PLAN, "maya"), {"on_track": "yes"}, "on_track"),
    ("choose_path", (PLAN, "maya", "sideways"), {}, "path"),
    ("send_nudges", ("today",), {}, "day"),
    ("pull_ticket_statuses", (None,), {}, "statuses"),
    ("pull_ticket_statuses", (["a"],), {}, "statuses"),
    ("place_conversations", (PLAN, "maya", {"x": 1}), {}, "slots key"),
    ("place_follow_ups", (PLAN, "maya", "x"), {}, "follow_ups"),
    ("report_left", (5,), {}, "report_id"),
    ("sync_people", ("jonas",), {}, "people"),
    ("sync_people", (None,), {}, "people"),
    ("set_action_status", (PLAN, "jonas", "a1", "no"), {}, "done"),
    ("observe_competency", (PLAN, "maya", "x", "o", "3"), {}, "rating"),
]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    BAD_CALLS,
    ids=[
        f"{m}{tuple('PLAN' if a is PLAN else a for a in args)!r:.60}{k or ''}" for m, args, k, _ in BAD_CALLS
    ],
)
def test_a_wrongly_typed_call_names_the_argument_and_stores_nothing(
    cc: careerconv.Careerconv, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], field: str
) -> None:
    plan = plan_id(cc)
    given = tuple(plan if a is PLAN else [plan] if a == [PLAN] else a for a in args)
    before = snapshot(cc.store)
    with pytest.raises(InvalidInput) as caught:
        getattr(cc, method)(*given, **kwargs)
    assert caught.value.field == field, str(caught.value)
    assert snapshot(cc.store) == before


def _sample(hint: Any, plan: Any) -> Any:
    """A value of type ``hint`` that passes its check (the use case never runs: another argument fails)."""
    args = typing.get_args(hint)
    if type(None) in args:
        return None
    origin = typing.get_origin(hint) or hint
    if origin in (typing.Union, types.UnionType):
        return _sample(args[0], plan)
    samples: dict[Any, Any] = {str: "jonas", bool: True, int: 1, float: 1.0, date: NOW.date(), datetime: AT}
    if origin in samples:
        return samples[origin]
    if origin in (list, tuple, abc.Sequence, abc.Iterable, abc.Collection):
        return []
    if origin in (dict, abc.Mapping):
        return {}
    if origin is abc.Callable:
        return lambda *a: None
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return next(iter(origin))  # an enum's first member
    if isinstance(origin, type):
        return plan if origin is type(plan) else object.__new__(origin)  # isinstance is what is checked
    raise AssertionError(f"no sample for {hint!r}")


def use_cases() -> list[str]:
    """The facade's public methods that take arguments."""
    return sorted(
        name
        for name, fn in inspect.getmembers(careerconv.Careerconv, inspect.isfunction)
        if not name.startswith("_") and len(inspect.signature(fn).parameters) > 1
    )


def test_every_use_case_that_takes_arguments_checks_them() -> None:
    unchecked = [name for name in use_cases() if not is_checked(getattr(careerconv.Careerconv, name))]
    assert unchecked == [], "decorate them with careerconv_core.boundary.checked"


def test_every_argument_of_every_use_case_refuses_a_value_of_no_type_it_takes(
    cc: careerconv.Careerconv,
) -> None:
    """Each argument in turn gets ``object()`` (and None where None is not allowed), the others
    values of their own types: the error must name that argument, and nothing may be stored."""
    plan = next(iter(cc.store.find_plans(report_id="jonas")))
    before = snapshot(cc.store)
    wrong = []
    for name in use_cases():
        method = getattr(cc, name)
        hints = typing.get_type_hints(getattr(careerconv.Careerconv, name))
        params = [p for p in inspect.signature(method).parameters.values() if p.name in hints]
        for param in params:
            for bad in (object(), None):
                if bad is None and type(None) in typing.get_args(hints[param.name]):
                    continue
                given = {p.name: bad if p is param else _sample(hints[p.name], plan) for p in params}
                try:
                    method(**given)
                except InvalidInput as exc:
                    if exc.field.partition("[")[0].partition(" ")[0] != param.name:
                        wrong.append(f"{name}({param.name}={bad!r}): names {exc.field!r}")
                    continue
                except Exception as exc:  # noqa: BLE001 - what the sweep looks for
                    wrong.append(f"{name}({param.name}={bad!r}): {type(exc).__name__}: {exc}")
                    continue
                wrong.append(f"{name}({param.name}={bad!r}): accepted")
    assert wrong == []
    assert snapshot(cc.store) == before


def test_a_clock_off_the_calendar_or_without_a_zone_is_refused_before_anything_is_stored() -> None:
    store = InMemoryStore()
    careerconv.connect(store, clock=lambda: NOW).sync_people([MAYA, JONAS])
    before = snapshot(store)
    for clock in (datetime(9999, 12, 31, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC), NAIVE, "2027-01-04"):
        cc = careerconv.connect(store, clock=lambda c=clock: c)  # type: ignore[misc]
        for step, args in ((cc.propose, ("maya", "jonas")), (cc.dispatch, ()), (cc.expire_handoffs, ())):
            with pytest.raises(InvalidInput, match=r"^clock\(\)"):
                step(*args)
    assert snapshot(store) == before


def test_the_dispatcher_refuses_a_limit_that_is_no_whole_number() -> None:
    dispatcher = Dispatcher(InMemoryStore(), {}, lambda: NOW)
    for limit in ("5", 0, -1, 2.5, None, True):
        with pytest.raises(CareerconvError, match="limit"):
            dispatcher.run_once(limit)  # type: ignore[arg-type]
