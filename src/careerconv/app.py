"""The composition root: read a careerconv.toml, build adapters by name, wire the use cases.

Adapters are found through the plugin host only (entry points), so the
built-in ones are configured exactly like third-party ones. Paths in
settings (keys ending in ``path`` or ``directory``) are relative to the
folder holding careerconv.toml. Secrets are never written here: adapters
read them from the environment variables their settings name.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attrs import define, field

from careerconv.facade import Careerconv, new_id, plugin_host
from careerconv_core.dispatch import Dispatcher, RetryPolicy
from careerconv_core.domain.cadence import CadenceRules
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.domain.grow import GrowRules
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_core.plugins import PluginHost
from careerconv_core.ports import PORTS, AdapterKind
from careerconv_core.services import OrgSyncReport, Settings

CONFIG_NAME = "careerconv.toml"
NOW_ENV = "CAREERCONV_NOW"
"""Set to an ISO date-time with offset to fix the clock (demos and tests)."""

DEFAULT_CONFIG = """\
# careerconv configuration. Every adapter is picked by name; `careerconv adapters`
# lists the installed ones. Paths are relative to this file's folder.
# Secrets never go here: settings ending in _env name the environment variable.

[store]
adapter = "sqlite"
settings = { path = "careerconv.db" }

[[calendar]]
adapter = "ics"
settings = { directory = "invites" }

[[tracker]]
adapter = "files"
settings = { directory = "tickets" }

[[notifier]]
adapter = "mailfiles"
settings = { directory = "mail", from_address = "careerconv@example.com" }

[[hris_writer]]
adapter = "files"
settings = { directory = "hris" }

[hris_source]
adapter = "orgfile"

[catalog]
adapter = "builtin"

[method]
life_story_minutes = 60
pinnacle_minutes = 60
grow_review_minutes = 45
weekly_cap_hours = 4.0
homework_gap_working_days = 2
horizon_months = 6
actions_per_month = 1.0
probe_after_months = 3
handoff_answer_days = 14

[dispatch]
max_attempts = 6
base_seconds = 30
"""

_DELIVERING = {port.name: port for port in PORTS if port.channel is not None}
"""The delivering ports by their config table: [[calendar]], [[tracker]], [[notifier]], [[hris_writer]]."""


def system_clock() -> datetime:
    """Now, in UTC, unless ``$CAREERCONV_NOW`` fixes it."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise ConfigurationError(
                f"{NOW_ENV} must be an ISO date-time with offset, got {fixed!r}"
            ) from None
        if value.tzinfo is None:
            raise ConfigurationError(
                f"{NOW_ENV} needs a UTC offset, such as 2026-12-01T09:00:00+00:00"
            )
        return value
    return datetime.now(UTC)


def _number(method: Mapping[str, Any], key: str, default: float, kind: type = int) -> Any:
    value = method.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and not isinstance(value, int))
    ):
        raise InvalidInput(
            f"careerconv.toml [method] {key}", f"a {'whole ' if kind is int else ''}number"
        )
    return value


def settings_from(method: Mapping[str, Any]) -> Settings:
    """The use cases' settings from the ``[method]`` table; each key is checked."""
    known = {
        "life_story_minutes",
        "pinnacle_minutes",
        "grow_review_minutes",
        "weekly_cap_hours",
        "homework_gap_working_days",
        "horizon_months",
        "actions_per_month",
        "probe_after_months",
        "handoff_answer_days",
        "link_base",
        "separate_days_1_2",
    }
    unknown = set(method) - known
    if unknown:
        raise InvalidInput(
            "careerconv.toml [method]", f"keys among {sorted(known)}", f"unknown {sorted(unknown)}"
        )
    lengths = ConversationLengths(
        _number(method, "life_story_minutes", 60),
        _number(method, "pinnacle_minutes", 60),
        _number(method, "grow_review_minutes", 45),
    )
    cap = _number(method, "weekly_cap_hours", 4.0, float)
    scheduling = SchedulingRules(
        weekly_cap_minutes=round(cap * 60),
        homework_gap_working_days=_number(method, "homework_gap_working_days", 2),
        separate_days_1_2=bool(method.get("separate_days_1_2", True)),
    )
    link = method.get("link_base")
    return Settings(
        lengths=lengths,
        grow=GrowRules(
            _number(method, "horizon_months", 6), _number(method, "actions_per_month", 1.0, float)
        ),
        cadence=CadenceRules(probe_after_months=_number(method, "probe_after_months", 3)),
        handoff_answer_days=_number(method, "handoff_answer_days", 14),
        link_base=str(link) if link else None,
        scheduling=scheduling,
    )


@define
class App:
    """Everything a command needs: config, plugin host, store, adapters, use cases."""

    home: Path
    config: Mapping[str, Any]
    host: PluginHost
    clock: Callable[[], datetime] = system_clock
    _store: Any = None
    _adapters: dict[str, list[tuple[str, object]]] = field(factory=dict)

    @classmethod
    def load(
        cls,
        home: Path,
        host: PluginHost | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> App:
        """Read ``home/careerconv.toml``; a missing file says to run ``careerconv init``.

        ``clock`` is what the use cases take as now (default: :func:`system_clock`).
        """
        path = home / CONFIG_NAME
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigurationError(
                f"no {CONFIG_NAME} in {home}; run 'careerconv init --home {home}' first"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None
        return cls(home, config, host or plugin_host(), clock or system_clock)

    def _settings(self, raw: Any, where: str) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"careerconv.toml {where}.settings", "a table of settings")
        out: dict[str, str] = {}
        for key, value in raw.items():
            text = str(value)
            if (
                key.endswith(("path", "directory"))
                and text
                and not Path(text).is_absolute()
            ):
                text = str(self.home / text)
            out[str(key)] = text
        return out

    def _section(self, name: str) -> Mapping[str, Any]:
        section = self.config.get(name)
        if not isinstance(section, Mapping) or not isinstance(section.get("adapter"), str):
            raise ConfigurationError(f'careerconv.toml: [{name}] needs adapter = "<name>"')
        return section

    @property
    def store(self) -> Any:
        """The configured plan store, opened once."""
        if self._store is None:
            section = self._section("store")
            self._store = self.host.create(
                AdapterKind.STORE,
                section["adapter"],
                self._settings(section.get("settings"), "[store]"),
            )
        return self._store

    def adapters(self, channel_name: str) -> list[tuple[str, object]]:
        """The adapters configured for one channel, built once, in config order."""
        if channel_name not in self._adapters:
            kind = _DELIVERING[channel_name]
            entries = self.config.get(channel_name, [])
            if isinstance(entries, Mapping):
                entries = [entries]
            built = []
            for n, entry in enumerate(entries):
                where = f"[[{channel_name}]] #{n + 1}"
                if not isinstance(entry, Mapping) or not isinstance(entry.get("adapter"), str):
                    raise ConfigurationError(f'careerconv.toml {where}: needs adapter = "<name>"')
                name = entry["adapter"]
                built.append(
                    (
                        name,
                        self.host.create(kind, name, self._settings(entry.get("settings"), where)),
                    )
                )
            self._adapters[channel_name] = built
        return self._adapters[channel_name]

    @property
    def settings(self) -> Settings:
        """The method's settings from ``[method]``."""
        method = self.config.get("method", {})
        if not isinstance(method, Mapping):
            raise InvalidInput("careerconv.toml [method]", "a table")
        return settings_from(method)

    def services(self) -> Careerconv:
        """The use cases on the configured store, reading free/busy from the first calendar.

        ``dispatch()`` on the result delivers through every configured adapter,
        built only when first asked for.
        """
        calendars = self.adapters("calendar")
        return Careerconv(
            self.store,
            self.clock,
            new_id,
            self.settings,
            observe=self.host.notify,
            calendar=calendars[0][1] if calendars else None,  # type: ignore[arg-type]
            make_dispatcher=self.dispatcher,
        )

    def dispatcher(self) -> Dispatcher:
        """A dispatcher over every configured delivering adapter."""
        dispatch = self.config.get("dispatch", {})
        policy = RetryPolicy(
            max_attempts=int(dispatch.get("max_attempts", 6)),
            base_seconds=float(dispatch.get("base_seconds", 30)),
        )
        adapters = {
            port.channel: self.adapters(name)
            for name, port in _DELIVERING.items()
            if port.channel is not None
        }
        return Dispatcher(self.store, adapters, self.clock, policy)

    def hris_source(self, **overrides: str) -> Any:
        """The configured HRIS source, with settings overridden (an org file's path)."""
        section = self._section("hris_source")
        settings = self._settings({**section.get("settings", {}), **overrides}, "[hris_source]")
        return self.host.create(AdapterKind.HRIS_SOURCE, section["adapter"], settings)

    def sync_org(self, *, full: bool = False) -> OrgSyncReport:
        """Read the org from the configured HRIS source and take it in (M12 starts here).

        A poll from the stored cursor, or everyone when ``full`` or when there is
        no cursor yet (then whoever is missing has left). This is what
        ``careerconv org sync`` runs, and what a webhook receiver should call.
        """
        cursor = None if full else self.store.cursor("org")
        snapshot = self.hris_source().read_people(cursor)
        return self.services().sync_org(snapshot, complete=cursor is None)

    def catalog(self) -> Catalog:
        """The configured competency catalog, loaded."""
        section = self._section("catalog")
        adapter = self.host.create(
            AdapterKind.CATALOG,
            section["adapter"],
            self._settings(section.get("settings"), "[catalog]"),
        )
        return adapter.load()

    def close(self) -> None:
        """Close the store if it can be closed."""
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()


def open(home: str | Path, *, clock: Callable[[], datetime] | None = None) -> Careerconv:
    """The use cases on the careerconv home at ``home``, wired as its ``careerconv.toml`` says.

    Close it with ``close()`` when done; ``clock`` fixes what the use cases take as now.
    """
    return App.load(Path(home), clock=clock).services()
