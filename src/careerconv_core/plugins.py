"""The plugin host: finds plugins, checks them, and hands out adapters by name.

``make_plugin_manager()`` builds a fresh host each time; there is no global
one. Built-in adapters arrive through the ``careerconv`` entry-point group
exactly like third-party ones.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any, TypeVar, cast

import pluggy

from careerconv_core import hookspecs
from careerconv_core.errors import ConfigurationError, PluginError
from careerconv_core.hookspecs import AdapterSpec, DomainEvent
from careerconv_core.ports import PORTS, Port

log = logging.getLogger(__name__)

BLOCK_ENV = "CAREERCONV_BLOCK_PLUGINS"
"""The environment variable the application reads for plugin names to leave out
(``careerconv.plugin_host``); the core itself never reads the environment."""

T = TypeVar("T")


class PluginHost:
    """A checked plugin manager with the adapters its plugins registered."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self._adapters = {kind.name: self._collect(kind) for kind in PORTS}

    def _origin(self, plugin: object) -> str:
        for plug, dist in self.pm.list_plugin_distinfo():
            if plug is plugin:
                return f"{self.pm.get_name(plugin)} (from {dist.project_name} {dist.version})"
        return f"{self.pm.get_name(plugin)}"

    def _collect(self, kind: Port[Any]) -> dict[str, AdapterSpec[Any]]:
        hook = getattr(self.pm.hook, kind.hook)
        found: dict[str, tuple[AdapterSpec[Any], str]] = {}
        # Each implementation is called on its own, so one broken provider is
        # named in the error instead of hiding the others' adapters.
        for impl in hook.get_hookimpls():
            origin = self._origin(impl.plugin)
            try:
                specs = list(impl.function() or ())
            except Exception as exc:
                raise PluginError(f"plugin {origin} failed in {kind.hook}: {type(exc).__name__}") from exc
            for spec in specs:
                if not isinstance(spec, AdapterSpec) or spec.kind != kind:
                    raise PluginError(
                        f"plugin {origin}: {kind.hook} must return AdapterSpec records of kind {kind.name}"
                    )
                if spec.name in found:
                    raise PluginError(
                        f"two {kind.name} adapters are named {spec.name!r}: one from "
                        f"{found[spec.name][1]}, one from {origin}; block one with "
                        f"{BLOCK_ENV} or rename it"
                    )
                found[spec.name] = (spec, origin)
        return {name: pair[0] for name, pair in sorted(found.items())}

    def adapters(self, kind: Port[T]) -> Mapping[str, AdapterSpec[T]]:
        """Every adapter of ``kind``, by name."""
        return cast("Mapping[str, AdapterSpec[T]]", self._adapters[kind.name])

    def adapter_spec(self, kind: Port[T], name: str) -> AdapterSpec[T]:
        """The adapter of ``kind`` called ``name``, or an error listing the known names."""
        try:
            return self.adapters(kind)[name]
        except KeyError:
            known = ", ".join(self._adapters[kind.name]) or "none"
            raise ConfigurationError(f"no {kind.name} adapter named {name!r}; installed: {known}") from None

    def create(self, kind: Port[T], name: str, settings: Mapping[str, str] | None = None) -> T:
        """Build the adapter ``name`` of ``kind`` with ``settings``; typed by the port."""
        return self.adapter_spec(kind, name).factory(dict(settings or {}))

    def notify(self, event: DomainEvent) -> list[str]:
        """Tell every observer about ``event``; return the names of observers that failed.

        A failing observer is logged (its name and the exception type, never
        the event's detail) and does not stop the others.
        """
        failed: list[str] = []
        for impl in self.pm.hook.careerconv_domain_event.get_hookimpls():
            try:
                impl.function(event=event)
            except Exception as exc:  # noqa: BLE001 - one broken observer must not stop the others
                name = self.pm.get_name(impl.plugin) or "?"
                log.error(
                    "observer %s failed on %s for plan %s: %s",
                    name,
                    event.name,
                    event.plan_id,
                    type(exc).__name__,
                )
                failed.append(name)
        return failed


def make_plugin_manager(
    *,
    load_entry_points: bool = True,
    plugins: Iterable[ModuleType | object] = (),
    blocked: Iterable[str] = (),
) -> PluginHost:
    """Build a checked plugin host.

    :param load_entry_points: load plugins from the ``careerconv`` entry-point group.
    :param plugins: extra plugin objects or modules to register (tests, embedders).
    :param blocked: plugin (entry point) names to leave out, for example ``("jira",)``;
        ``careerconv.plugin_host()`` takes them from ``$CAREERCONV_BLOCK_PLUGINS``.
    :raises PluginError: a hook implementation that matches no spec (a misspelling),
        a provider that fails, or two adapters of one kind with one name.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)
    for plugin in plugins:
        pm.register(plugin)
    if load_entry_points:
        try:
            pm.load_setuptools_entrypoints(hookspecs.PROJECT)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {exc.plugin!r} is invalid: {exc}") from exc
        except ImportError as exc:
            raise PluginError(f"a careerconv plugin could not be imported: {exc}") from exc
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(
            f"{exc}; hook names start with 'careerconv_' and are listed in careerconv_core.hookspecs"
        ) from exc
    return PluginHost(pm)
