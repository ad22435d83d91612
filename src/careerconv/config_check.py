"""Checking a whole careerconv.toml against what each adapter declares, every problem at once.

Every table and key must be known (a misspelling is named with the closest
valid key), every adapter installed, every setting declared by that adapter
and of its declared type. ``careerconv config check`` prints the problems;
opening a home refuses a file that has any.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from careerconv.config import (
    DISPATCH_SETTINGS,
    METHOD_SETTINGS,
    RETENTION_SETTINGS,
    WEB_SETTINGS,
    adapter_settings,
    entries,
    instance_names,
    retention_months,
    retry_policy_from,
    section,
    settings_from,
    table,
    web_from,
)
from careerconv_core.errors import CareerconvError
from careerconv_core.plugins import PluginHost
from careerconv_core.ports import PORTS, Port

__all__ = ["TABLES", "closest", "problems"]

_LISTED = {port.name for port in PORTS if port.channel is not None}  # [[calendar]], ...
TABLES: tuple[str, ...] = (*(port.name for port in PORTS), "method", "dispatch", "retention", "web")
"""Every top-level table careerconv.toml may hold."""
_ENTRY_KEYS = ("adapter", "settings")


def closest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or "" when none is close."""
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _unknown(where: str, key: str, known: Sequence[str], what: str = "key") -> str:
    return f"{where}: unknown {what} {key!r}{closest(key, known)}; valid {what}s: {', '.join(known)}"


def problems(config: Mapping[str, Any], host: PluginHost, home: Path) -> list[str]:
    """Every problem in ``config``, one line each, in file order; empty when it is sound."""
    found: list[str] = []
    ports = {port.name: port for port in PORTS}
    for name in config:
        if name not in TABLES:
            found.append(_unknown("careerconv.toml", name, TABLES, "table"))
    for name, port in ports.items():
        if name in _LISTED:
            found += _listed(config, port, host=host, home=home)
        elif name in config:
            found += _single(config, port, host=host, home=home)
    found += _one_event_each(config)
    for name, declared, check in (
        ("method", METHOD_SETTINGS, settings_from),
        ("dispatch", DISPATCH_SETTINGS, retry_policy_from),
        ("retention", RETENTION_SETTINGS, retention_months),
        ("web", WEB_SETTINGS, web_from),
    ):
        try:
            values = table(config, name)
        except CareerconvError as exc:
            found.append(str(exc))
            continue
        for key in values:  # every unknown key at once; the first bad value from the check
            if key not in {s.name for s in declared}:
                found.append(_unknown(f"careerconv.toml [{name}]", key, [s.name for s in declared]))
        found += _each(check, {k: v for k, v in values.items() if k in {s.name for s in declared}})
    return found


OWN_UID_CALENDARS = ("microsoft",)
"""Calendar adapters whose provider gives each event a UID of its own and invites every attendee.

Graph's ``iCalUId`` is read-only and no published source says Exchange takes a
UID a client sets, so such an event and careerconv's iMIP mail of the same
meeting carry two UIDs: every attendee would see two copies.
"""


def _one_event_each(config: Mapping[str, Any]) -> list[str]:
    """A calendar that mails invitations of its own beside ``imip``, which mails them too, is refused."""
    try:
        listed = entries(config, "calendar")
    except CareerconvError:
        return []  # reported by _listed
    adapters = {adapter: where for adapter, _, where in listed}
    if "imip" not in adapters:
        return []
    return [
        f"careerconv.toml {adapters[own]}: calendar {own!r} and calendar 'imip' ({adapters['imip']}) "
        f"would both invite every attendee, and {own!r} gives the event a UID of its own, so each "
        "person would see two copies. Fix: keep one of the two [[calendar]] tables"
        for own in OWN_UID_CALENDARS
        if own in adapters
    ]


def _each(check: Callable[..., object], *args: Any) -> list[str]:
    """The problem ``check(*args)`` reports, as a list of none or one."""
    try:
        check(*args)
    except CareerconvError as exc:
        return [str(exc)]
    return []


def _listed(config: Mapping[str, Any], port: Port[Any], *, host: PluginHost, home: Path) -> list[str]:
    try:
        listed = entries(config, port.name)
    except CareerconvError as exc:
        return [str(exc)]
    found: list[str] = []
    try:
        instance_names(listed, port.name)
    except CareerconvError as exc:
        found.append(str(exc))
    for adapter, entry, where in listed:
        found += _entry(
            port, adapter, {k: v for k, v in entry.items() if k != "name"}, where, host=host, home=home
        )
    return found


def _single(config: Mapping[str, Any], port: Port[Any], *, host: PluginHost, home: Path) -> list[str]:
    try:
        entry = section(config, port.name)
    except CareerconvError as exc:
        return [str(exc)]
    return _entry(port, entry["adapter"], entry, f"[{port.name}]", host=host, home=home)


def _entry(
    port: Port[Any], adapter: str, entry: Mapping[str, Any], where: str, *, host: PluginHost, home: Path
) -> list[str]:
    found = [_unknown(f"careerconv.toml {where}", k, _ENTRY_KEYS) for k in entry if k not in _ENTRY_KEYS]
    try:
        spec = host.adapter_spec(port, adapter)
    except CareerconvError as exc:
        return [*found, f"careerconv.toml {where}: {exc}{closest(adapter, host.adapters(port))}"]
    declared = spec.declared_settings
    names = [s.name for s in declared]
    raw = entry.get("settings", {})
    if not isinstance(raw, Mapping):
        return [
            *found,
            f'careerconv.toml {where}.settings: expected a table of settings, such as {{ key = "value" }}',
        ]
    for key, value in raw.items():
        if key not in names:
            found.append(
                _unknown(f"careerconv.toml {where} settings of {adapter!r}", key, names or ["(none)"])
            )
        else:
            found += _each(adapter_settings, {key: value}, where, home, declared)
    return found
