"""One test per hook, named ``test_hook_<hook>``: each calls real implementations of it.

Provider hooks: every built-in implementation returns ``AdapterSpec`` records of
its own port, each factory builds an object that implements the port's
protocol, and a third-party plugin's adapter is handed out by name next to the
built-in ones. The observer hook hears a committed step, ids only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, DomainEvent, Setting, hookimpl
from careerconv_core.plugins import PluginHost, make_plugin_manager
from careerconv_core.ports import OrgSnapshot, Port
from careerconv_core.testing import (
    InMemoryStore,
    RecordingCalendar,
    RecordingHris,
    RecordingNotifier,
    RecordingTracker,
)
from careerconv_plugins.sql.sealing import create_key_file
from support.world import World

# Settings that build each built-in adapter without reaching a server.
SETTINGS: Mapping[str, Mapping[str, str]] = {
    "ics": {"directory": "invites"},
    "caldav": {"url": "https://dav.example.com/cal/"},
    "imip": {"host": "127.0.0.1", "from_address": "cc@example.com"},
    "files": {"directory": "files"},
    "jira": {
        "url": "https://example.atlassian.net",
        "project": "CC",
        "deployment": "cloud",
        "email": "a@example.com",
        "token_env": "CAREERCONV_TEST_HOOK_TOKEN",
    },
    "sqlite": {"path": "cc.db", "key_file": "cc.key"},
    "builtin": {},
    "mailfiles": {"directory": "mail", "from_address": "cc@example.com"},
    "smtp": {"host": "127.0.0.1", "from_address": "cc@example.com"},
    "orgfile": {"path": "org.toml"},
}


def _plugin(hook: str, port: Port[Any], factory: Any) -> ModuleType:
    module = ModuleType(f"third_party_{hook}")

    def provide() -> list[AdapterSpec[Any]]:
        return [AdapterSpec(port, "third-party", factory, "a plugin's own adapter")]

    provide.__name__ = hook
    setattr(module, hook, hookimpl(provide))  # type: ignore[call-overload]
    return module


def check_provider(port: Port[Any], third_party: object, tmp_path: Path) -> None:
    host = make_plugin_manager()
    built_in = getattr(host.pm.hook, port.hook)()
    specs = [spec for batch in built_in for spec in batch]
    assert specs, f"no built-in implementation of {port.hook}"
    for spec in specs:
        assert isinstance(spec, AdapterSpec) and spec.kind == port
        assert spec.summary and all(isinstance(s, str | Setting) for s in spec.settings)
    made = 0
    for spec in specs:
        settings = SETTINGS.get(spec.name)
        if settings is None:
            continue  # needs a server to build (postgres, scim, bamboohr): covered by their tests
        paths = ("path", "directory", "key_file")
        resolved = {k: str(tmp_path / v) if k in paths else v for k, v in settings.items()}
        if "key_file" in resolved:
            create_key_file(Path(resolved["key_file"]))
        (tmp_path / "org.toml").write_text(
            '[[person]]\nid = "m"\nname = "M"\nemail = "m@example.com"\ntime_zone = "UTC"\n'
        )
        adapter = host.create(port, spec.name, resolved)
        assert isinstance(adapter, port.protocol), f"{spec.name} does not implement {port.name}"
        made += 1
    assert made, f"no built-in {port.name} adapter was built"
    mixed = make_plugin_manager(plugins=[_plugin(port.hook, port, lambda _s: third_party)])
    assert mixed.create(port, "third-party") is third_party
    assert set(mixed.adapters(port)) == {s.name for s in specs} | {"third-party"}


def test_hook_careerconv_calendar_backends(tmp_path: Path) -> None:
    check_provider(AdapterKind.CALENDAR, RecordingCalendar(), tmp_path)


def test_hook_careerconv_ticket_trackers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREERCONV_TEST_HOOK_TOKEN", "not-a-real-token")  # built, never called
    check_provider(AdapterKind.TRACKER, RecordingTracker(), tmp_path)


def test_hook_careerconv_hris_sources(tmp_path: Path) -> None:
    check_provider(AdapterKind.HRIS_SOURCE, _NoOrg(), tmp_path)


def test_hook_careerconv_hris_writers(tmp_path: Path) -> None:
    check_provider(AdapterKind.HRIS_WRITER, RecordingHris(), tmp_path)


def test_hook_careerconv_plan_stores(tmp_path: Path) -> None:
    check_provider(AdapterKind.STORE, InMemoryStore(), tmp_path)


def test_hook_careerconv_competency_catalogs(tmp_path: Path) -> None:
    host = make_plugin_manager()
    catalog = host.create(AdapterKind.CATALOG, "builtin").load()
    check_provider(AdapterKind.CATALOG, _StaticCatalog(catalog), tmp_path)


def test_hook_careerconv_notifiers(tmp_path: Path) -> None:
    check_provider(AdapterKind.NOTIFIER, RecordingNotifier(), tmp_path)


def test_hook_careerconv_domain_event() -> None:
    heard: list[DomainEvent] = []
    module = ModuleType("observer")

    def careerconv_domain_event(event: DomainEvent) -> None:
        heard.append(event)

    module.careerconv_domain_event = hookimpl(careerconv_domain_event)  # type: ignore[attr-defined]
    host: PluginHost = make_plugin_manager(load_entry_points=False, plugins=[module])
    world = World()
    plan = world.services.propose("m1", "r1").plan
    svc = type(world.services)(world.store, world.clock, world.ids, observe=host.notify)
    svc.accept(plan.id, "r1", life_story_opt_in=True)
    assert [(e.name, e.plan_id) for e in heard] == [("plan.accepted", plan.id)]
    assert heard[0].detail == ()  # names and ids only, never notes


class _StaticCatalog:
    def __init__(self, catalog: Any) -> None:
        self._catalog = catalog

    def load(self) -> Any:
        return self._catalog


class _NoOrg:
    def read_people(self, cursor: str | None = None) -> OrgSnapshot:
        return OrgSnapshot(())
