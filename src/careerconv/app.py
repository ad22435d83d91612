"""The composition root: build the adapters careerconv.toml names, wire the use cases.

Adapters are found through the plugin host only (entry points), so the
built-in ones are configured exactly like third-party ones; what the file
may say, and how it is checked, is in ``careerconv.config``. Secrets are
never written here: adapters read them from the environment variables
their settings name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from attrs import define, field

from careerconv import config
from careerconv.acting import ActingFor, StampingStore
from careerconv.config import NOW_ENV, adapter_settings
from careerconv.config_check import problems
from careerconv.facade import Careerconv, new_id, plugin_host
from careerconv.web.settings import web_settings
from careerconv_core.dispatch import Dispatcher
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.clock import FIRST_YEAR, LAST_YEAR, YEARS
from careerconv_core.errors import ConfigurationError, shown
from careerconv_core.outbox import Channel
from careerconv_core.plugins import PluginHost
from careerconv_core.ports import (
    DELIVERING,
    AdapterKind,
    BusyReport,
    CalendarBackend,
    Clocked,
    DeliveryOutcome,
    HrisSource,
    PlanStore,
    Port,
)
from careerconv_core.services import OrgSyncReport, Settings
from careerconv_core.views import InviteView, Participant

T = TypeVar("T")


def system_clock() -> datetime:
    """Now, in UTC, unless ``$CAREERCONV_NOW`` fixes it."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        try:
            value = datetime.fromisoformat(fixed)
        except ValueError:
            raise ConfigurationError(
                f"{NOW_ENV} must be an ISO date-time with offset, got {shown(fixed)}"
            ) from None
        if value.tzinfo is None:
            raise ConfigurationError(f"{NOW_ENV} needs a UTC offset, such as 2026-12-01T09:00:00+00:00")
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ConfigurationError(f"{NOW_ENV} must be a date-time {YEARS}, got {shown(fixed)}")
        return value
    return datetime.now(UTC)


@define
class App:
    """Everything a command needs: config, plugin host, store, adapters, use cases."""

    home: Path
    config: Mapping[str, Any]
    host: PluginHost
    clock: Callable[[], datetime] = system_clock
    _store: PlanStore | None = None
    acting: ActingFor | None = None  # the command line acting in reports' names (careerconv.acting)
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
        table = config.read_config(home)
        host = host or plugin_host()
        found = problems(table, host, home)
        if found:  # the first problem; the check lists them all
            more = (
                f" ({len(found) - 1} more problems: run 'careerconv config check')" if len(found) > 1 else ""
            )
            raise ConfigurationError(found[0] + more)
        return cls(home, table, host, clock or system_clock)

    def _settings(self, kind: Port[Any], adapter: str, raw: Any, where: str) -> dict[str, str]:
        declared = self.host.adapter_spec(kind, adapter).declared_settings
        return adapter_settings(raw, where, self.home, declared)

    @property
    def store(self) -> PlanStore:
        """The configured plan store, opened once."""
        if self._store is None:
            section = config.section(self.config, "store")
            self._store = self.host.create(
                AdapterKind.STORE,
                section["adapter"],
                self._settings(AdapterKind.STORE, section["adapter"], section.get("settings"), "[store]"),
            )
            if isinstance(self._store, Clocked):  # the audit trail's times come from the same clock
                self._store.clock = self.clock
            if self.acting is not None:  # each step in a report's name goes on its plan, in its commit
                self._store = cast("PlanStore", StampingStore(self._store, self.acting, self.clock))
        return self._store

    def adapters(self, kind: Port[T]) -> list[tuple[str, T]]:
        """The adapters configured for a delivering port (``[[calendar]]``, ...), built once,
        in config order, each with the name its outcomes are kept under (``name``, else the
        adapter's name; ``config.instance_names``)."""
        if kind.name not in self._adapters:
            built: list[tuple[str, object]] = []
            listed = config.entries(self.config, kind.name)
            for instance, (name, entry, where) in zip(
                config.instance_names(listed, kind.name), listed, strict=True
            ):
                settings = self._settings(kind, name, entry.get("settings"), where)
                adapter = self.host.create(kind, name, settings)
                if isinstance(adapter, Clocked):  # one clock for every date written
                    adapter.clock = self.clock
                built.append((instance, adapter))
            self._adapters[kind.name] = built
        return cast("list[tuple[str, T]]", self._adapters[kind.name])

    @property
    def settings(self) -> Settings:
        """The method's settings from ``[method]``."""
        return config.settings_from(config.table(self.config, "method"))

    def services(self) -> Careerconv:
        """The use cases on the configured store, reading free/busy from the first calendar.

        ``dispatch()`` on the result delivers through every configured adapter,
        built only when first asked for.
        """
        listed = bool(config.entries(self.config, AdapterKind.CALENDAR.name))
        return Careerconv(
            self.store,
            self.clock,
            new_id,
            self.settings,
            observe=self.host.notify,
            calendar=_FirstCalendar(self) if listed else None,
            make_dispatcher=self.dispatcher,
            sign_link=web_settings(self.config).sign_link(self.clock),
        )

    def dispatcher(self) -> Dispatcher:
        """A dispatcher over every configured delivering adapter."""
        policy = config.retry_policy_from(config.table(self.config, "dispatch"))
        return Dispatcher(self.store, self.delivering(), self.clock, policy)

    def delivering(self) -> dict[Channel, Sequence[tuple[str, object]]]:
        """Every configured delivering adapter by channel, each with its instance name."""
        return {channel: self.adapters(port) for channel, port in DELIVERING.items()}

    def hris_source(self, **overrides: str) -> HrisSource:
        """The configured HRIS source, with settings overridden (an org file's path)."""
        section = config.section(self.config, "hris_source")
        settings = self._settings(
            AdapterKind.HRIS_SOURCE,
            section["adapter"],
            {**section.get("settings", {}), **overrides},
            "[hris_source]",
        )
        return self.host.create(AdapterKind.HRIS_SOURCE, section["adapter"], settings)

    def sync_org(
        self, *, full: bool = False, remove_missing: bool = False, dry_run: bool = False
    ) -> OrgSyncReport:
        """Read the org from the configured HRIS source and take it in (M12 starts here).

        A poll from the stored cursor, or everyone when ``full`` or when there is
        no cursor yet. People the source says left are removed; people a full
        read lacks are removed only with ``remove_missing`` (reported as missing
        otherwise). ``dry_run`` reports what would change and changes nothing.
        This is what ``careerconv org sync`` runs, and what a webhook receiver
        should call.
        """
        cursor = None if full else self.store.cursor("org")
        snapshot = self.hris_source().read_people(cursor)
        return self.services().sync_org(
            snapshot, complete=cursor is None, remove_missing=remove_missing, dry_run=dry_run
        )

    def catalog(self) -> Catalog:
        """The configured competency catalog, loaded."""
        section = config.section(self.config, "catalog")
        adapter = self.host.create(
            AdapterKind.CATALOG,
            section["adapter"],
            self._settings(AdapterKind.CATALOG, section["adapter"], section.get("settings"), "[catalog]"),
        )
        return adapter.load()

    def close(self) -> None:
        """Close the store if it can be closed."""
        closer = getattr(self._store, "close", None)
        if callable(closer):
            closer()


@define
class _FirstCalendar:
    """The first configured calendar, built only when free/busy is first asked for.

    ``due``, ``record`` and the other commands that never read free/busy then
    work whatever the calendar needs (a token variable not set in this shell);
    a placement that asks gets the calendar's own error, which the use cases
    turn into "free/busy unavailable (...): placed by working hours alone".
    """

    app: App

    def _calendar(self) -> CalendarBackend:
        return self.app.adapters(AdapterKind.CALENDAR)[0][1]

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """The first calendar's free/busy."""
        return self._calendar().busy(people, start, end)

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """The first calendar's delivery (the use cases deliver through the outbox instead)."""
        return self._calendar().deliver_invites(invites)


def open(home: str | Path, *, clock: Callable[[], datetime] | None = None) -> Careerconv:
    """The use cases on the careerconv home at ``home``, wired as its ``careerconv.toml`` says.

    Close it with ``close()`` when done; ``clock`` fixes what the use cases take as now.
    """
    return App.load(Path(home), clock=clock).services()
