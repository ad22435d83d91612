"""The facade a host tool holds: careerconv.connect, careerconv.open, and the lazy public names."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import careerconv
from careerconv.cli import main
from careerconv_core.errors import InvalidInput
from careerconv_core.testing import InMemoryStore, RecordingCalendar, RecordingNotifier
from careerconv_plugins.sql.sealing import create_key_file

MAYA = careerconv.Person("maya", "Maya Okafor", "maya@example.com", "Europe/Berlin")
JONAS = careerconv.Person("jonas", "Jonas Weber", "jonas@example.com", "Europe/Berlin", manager_id="maya")
NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)


def test_importing_careerconv_loads_nothing_else() -> None:
    code = "import careerconv, sys; print(sorted(m for m in sys.modules if m.startswith('careerconv')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['careerconv']"


def test_every_public_name_resolves_and_all_lists_them() -> None:
    for name in careerconv.__all__:
        assert getattr(careerconv, name) is not None, name
    assert sorted(careerconv.__all__) == sorted(dir(careerconv))
    assert careerconv.testing.InMemoryStore is InMemoryStore
    with pytest.raises(AttributeError, match="no attribute 'Persn'"):
        _ = careerconv.Persn  # type: ignore[attr-defined]


def test_connect_runs_the_method_and_dispatches_through_named_adapters() -> None:
    calendar, notifier = RecordingCalendar(), RecordingNotifier()
    cc = careerconv.connect(
        InMemoryStore(), calendars={"cal": calendar}, notifiers={"mail": notifier}, clock=lambda: NOW
    )
    report = cc.sync_people([MAYA, JONAS])
    assert report.added == ("jonas", "maya") or set(report.added) == {"jonas", "maya"}
    plan = cc.propose("maya", "jonas").plan
    cc.accept(plan.id, "jonas", life_story_opt_in=True)
    cc.confirm_readiness(plan.id, "maya", equipped=True, trust_in_place=True)
    team = cc.schedule_team("maya", NOW.date())
    assert team.placed == {"jonas": plan.id}
    delivered = cc.dispatch()
    assert delivered.adapters["cal"].delivered == 3 and delivered.adapters["mail"].delivered == 1
    assert len(calendar.events) == 3 and [n.recipient.person_id for n in notifier.sent] == ["jonas"]
    assert cc.dispatch().claimed == 0  # nothing twice


def test_sync_people_checks_the_org_and_a_bad_set_changes_nothing() -> None:
    store = InMemoryStore()
    cc = careerconv.connect(store, clock=lambda: NOW)
    cc.sync_people([MAYA, JONAS])
    loop = careerconv.Person("maya", "Maya Okafor", "maya@example.com", "Europe/Berlin", manager_id="jonas")
    with pytest.raises(InvalidInput, match="cycle"):
        cc.sync_people([loop, JONAS])
    assert store.load_person("maya").manager_id is None


def test_a_step_with_nowhere_to_deliver_leaves_its_effects_waiting() -> None:
    cc = careerconv.connect(InMemoryStore(), clock=lambda: NOW)
    cc.sync_people([MAYA, JONAS])
    cc.propose("maya", "jonas")
    report = cc.dispatch()
    assert report.delivered == () and len(report.skipped) == 1


def test_open_wires_what_careerconv_toml_configures(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    cc = careerconv.open(home, clock=lambda: NOW)
    try:
        cc.sync_people([MAYA, JONAS])
        cc.propose("maya", "jonas")
        report = cc.dispatch()
        assert report.adapters["mailfiles"].delivered == 1
        assert list((home / "mail").glob("*.eml"))
    finally:
        cc.close()


def test_adapter_builds_an_installed_adapter_by_kind_and_name(tmp_path: Path) -> None:
    create_key_file(tmp_path / "cc.key")
    store = careerconv.adapter(
        careerconv.AdapterKind.STORE,
        "sqlite",
        path=str(tmp_path / "cc.db"),
        key_file=str(tmp_path / "cc.key"),
    )
    store.list_people()
    assert (tmp_path / "cc.db").exists()
    with pytest.raises(careerconv.ConfigurationError, match="no store adapter named 'nosuch'"):
        careerconv.adapter(careerconv.AdapterKind.STORE, "nosuch")


@pytest.mark.parametrize("store_kind", ["sqlite", "memory"])
def test_a_wrongly_typed_call_is_refused_before_it_is_stored(store_kind: str, tmp_path: Path) -> None:
    """``accept(plan, report, "yes")`` used to commit a plan no later step could read."""
    from careerconv_plugins.sqlite_store.adapter import SqliteStore

    store = SqliteStore(str(tmp_path / "s.db")) if store_kind == "sqlite" else InMemoryStore()
    cc = careerconv.connect(store, clock=lambda: NOW)
    try:
        cc.sync_people([MAYA, JONAS])
        plan = cc.propose("maya", "jonas").plan
        with pytest.raises(InvalidInput, match=r"^life_story_opt_in: got str; expected true or f") as caught:
            cc.accept(plan.id, "jonas", "yes")  # type: ignore[arg-type]
        assert "Traceback" not in str(caught.value)
        # Nothing was stored: the plan reads, and the right call goes through.
        assert store.load_plan(plan.id).version == plan.version
        cc.accept(plan.id, "jonas", life_story_opt_in=True)
        cc.decline(plan.id, "jonas")
        assert store.load_plan(plan.id).status.value == "declined"
    finally:
        cc.close()


def test_a_person_that_would_not_read_back_is_refused_and_the_org_stays_readable(tmp_path: Path) -> None:
    from attrs import evolve

    from careerconv_plugins.sqlite_store.adapter import SqliteStore

    store = SqliteStore(str(tmp_path / "s.db"))
    cc = careerconv.connect(store, clock=lambda: NOW)
    try:
        with pytest.raises(InvalidInput, match="id"):
            careerconv.Person(42, "Answer", "a@example.com")  # type: ignore[arg-type]
        # A value slipped past the validators (attrs.evolve re-runs them; object.__setattr__ does not).
        odd = evolve(JONAS)
        object.__setattr__(odd, "time_zone", ["Europe/Berlin"])
        with pytest.raises(InvalidInput, match=r"^person\.time_zone"):
            cc.sync_people([MAYA, odd])
        cc.sync_people([MAYA, JONAS])
        assert {p.id for p in store.list_people()} == {"maya", "jonas"}
    finally:
        cc.close()
