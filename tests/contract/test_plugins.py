"""The plugin host: entry points, blocking, misspelled hooks, duplicate names, broken observers."""

from __future__ import annotations

import logging
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from careerconv.facade import plugin_host
from careerconv_core import hookspecs
from careerconv_core.errors import ConfigurationError, PluginError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, DomainEvent, hookimpl
from careerconv_core.plugins import BLOCK_ENV, make_plugin_manager
from careerconv_core.ports import PORTS

EVENT = DomainEvent("plan.accepted", "p1", datetime(2026, 12, 1, tzinfo=UTC))


def plugin(name: str, **hooks: object) -> ModuleType:
    module = ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))  # type: ignore[call-overload]
    return module


def calendar(name: str) -> object:
    return lambda: [AdapterSpec(AdapterKind.CALENDAR, name, lambda settings: ("made", settings))]


@pytest.fixture
def fake_dists(tmp_path: Path) -> Iterator[Path]:
    """Two installed distributions that each register a calendar adapter called 'dup'."""
    for dist in ("alpha", "beta"):
        (tmp_path / f"{dist}_cc_plugin.py").write_text(
            textwrap.dedent(f"""
            from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl

            @hookimpl
            def careerconv_calendar_backends():
                return [AdapterSpec(AdapterKind.CALENDAR, "dup", dict, "from {dist}")]
        """)
        )
        info = tmp_path / f"{dist}_cc-1.{len(dist)}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}-cc\nVersion: 1.{len(dist)}\n")
        (info / "entry_points.txt").write_text(f"[careerconv]\n{dist} = {dist}_cc_plugin\n")
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for dist in ("alpha", "beta"):
        sys.modules.pop(f"{dist}_cc_plugin", None)


def test_builtin_adapters_arrive_through_entry_points() -> None:
    host = make_plugin_manager(blocked=[])
    names = {kind: set(host.adapters(kind)) for kind in PORTS}
    assert "ics" in names[AdapterKind.CALENDAR]
    assert "sqlite" in names[AdapterKind.STORE]
    assert "orgfile" in names[AdapterKind.HRIS_SOURCE]
    assert "builtin" in names[AdapterKind.CATALOG]


def test_two_adapters_with_one_name_fail_naming_both_distributions(fake_dists: Path) -> None:
    with pytest.raises(PluginError) as exc:
        make_plugin_manager(blocked=[])
    text = str(exc.value)
    assert "two calendar adapters are named 'dup'" in text
    assert "alpha-cc 1.5" in text and "beta-cc 1.4" in text
    assert BLOCK_ENV in text


def test_blocking_by_environment(fake_dists: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "beta, jira")
    host = plugin_host()
    assert host.adapters(AdapterKind.CALENDAR)["dup"].summary == "from alpha"
    assert "jira" not in host.adapters(AdapterKind.TRACKER)


def test_a_misspelled_hook_fails_loudly() -> None:
    bad = plugin("typo", careerconv_calendar_backend=calendar("x"))
    with pytest.raises(PluginError, match="careerconv_calendar_backend"):
        make_plugin_manager(load_entry_points=False, plugins=[bad])


def test_a_provider_that_raises_is_named() -> None:
    def boom() -> list[AdapterSpec]:
        raise RuntimeError("no")

    with pytest.raises(PluginError, match="plugin broken failed in careerconv_ticket_trackers"):
        make_plugin_manager(
            load_entry_points=False, plugins=[plugin("broken", careerconv_ticket_trackers=boom)]
        )


def test_a_provider_must_return_records_of_its_kind() -> None:
    wrong = plugin("wrong", careerconv_notifiers=calendar("x"))
    with pytest.raises(PluginError, match="must return AdapterSpec records of kind notifier"):
        make_plugin_manager(load_entry_points=False, plugins=[wrong])


def test_adapters_are_created_by_name_with_settings() -> None:
    host = make_plugin_manager(
        load_entry_points=False,
        plugins=[plugin("cal", careerconv_calendar_backends=calendar("mine"))],
    )
    assert host.create(AdapterKind.CALENDAR, "mine", {"a": "b"}) == ("made", {"a": "b"})
    with pytest.raises(ConfigurationError, match="no calendar adapter named 'other'; installed: mine"):
        host.create(AdapterKind.CALENDAR, "other")


def test_every_provider_hook_registers_its_kind() -> None:
    hooks = {
        AdapterKind.CALENDAR: "careerconv_calendar_backends",
        AdapterKind.TRACKER: "careerconv_ticket_trackers",
        AdapterKind.HRIS_SOURCE: "careerconv_hris_sources",
        AdapterKind.HRIS_WRITER: "careerconv_hris_writers",
        AdapterKind.STORE: "careerconv_plan_stores",
        AdapterKind.CATALOG: "careerconv_competency_catalogs",
        AdapterKind.NOTIFIER: "careerconv_notifiers",
    }
    impls = {hook: (lambda k=kind: [AdapterSpec(k, f"t-{k.name}", dict)]) for kind, hook in hooks.items()}
    host = make_plugin_manager(load_entry_points=False, plugins=[plugin("all", **impls)])
    for kind in PORTS:
        assert list(host.adapters(kind)) == [f"t-{kind.name}"]


def test_one_broken_observer_does_not_break_the_others(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []

    def good(event: DomainEvent) -> None:
        seen.append(event.name)

    def bad(event: DomainEvent) -> None:
        raise ValueError("secret detail")

    host = make_plugin_manager(
        load_entry_points=False,
        plugins=[
            plugin("bad_observer", careerconv_domain_event=bad),
            plugin("good_observer", careerconv_domain_event=good),
        ],
    )
    with caplog.at_level(logging.ERROR):
        failed = host.notify(EVENT)
    assert failed == ["bad_observer"] and seen == ["plan.accepted"]
    assert "bad_observer" in caplog.text and "secret detail" not in caplog.text


def test_no_module_level_manager() -> None:
    from careerconv_core import plugins

    managers = [v for v in vars(plugins).values() if type(v).__name__ in ("PluginManager", "PluginHost")]
    assert managers == []
    assert make_plugin_manager(load_entry_points=False) is not make_plugin_manager(load_entry_points=False)


def test_hookspecs_all_have_docstrings() -> None:
    specs = [n for n in dir(hookspecs) if n.startswith("careerconv_")]
    assert len(specs) == 9
    for name in specs:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert len(doc.split()) >= 8 and "versionadded" in doc, name


def test_the_core_host_reads_no_environment(fake_dists: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "beta")
    with pytest.raises(PluginError, match="two calendar adapters are named 'dup'"):
        make_plugin_manager()  # the core blocks only what it is told to
    assert plugin_host(blocked=["beta"]).adapters(AdapterKind.CALENDAR)["dup"].summary == "from alpha"
