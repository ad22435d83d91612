"""careerconv.toml: the embedded defaults, and reading and checking what a user wrote.

Every value is checked where it is read, and a bad one is refused with the
table, the key, what was expected and how to fix it, never with a Python
error. Paths in adapter settings (keys ending in ``path`` or ``directory``)
are relative to the folder holding careerconv.toml.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from careerconv_core.dispatch import RetryPolicy
from careerconv_core.domain.cadence import CadenceRules
from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.domain.grow import GrowRules
from careerconv_core.domain.ids import is_id
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_core.services import Settings
from careerconv_core.setting import Setting, SettingType, declared, problem_with
from careerconv_plugins.documents import read_toml

CONFIG_NAME = "careerconv.toml"
KEY_NAME = "careerconv.key"
"""The master key file the embedded defaults name (``key_file``), made by ``careerconv init``."""
NOW_ENV = "CAREERCONV_NOW"
"""Set to an ISO date-time with offset to fix the clock (demos and tests)."""

DEFAULT_CONFIG = """\
# careerconv configuration. Every adapter is picked by name; `careerconv adapters`
# lists the installed ones. Paths are relative to this file's folder.
# Secrets never go here: settings ending in _env name the environment variable.

# The store is encrypted at rest under the master key in careerconv.key (owner-only, made
# by `careerconv init`): back it up apart from the database; without it the plans are lost.
[store]
adapter = "sqlite"
settings = { path = "careerconv.db", key_file = "careerconv.key" }

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


def read_config(home: Path) -> Mapping[str, Any]:
    """``home/careerconv.toml`` as a table; a missing file says to run ``careerconv init``."""
    path = home / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(
            f"no {CONFIG_NAME} in {home}; run 'careerconv --home {home} init' first"
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:  # a folder in its place, no permission to read it, ...
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror}); check the file") from None
    try:
        return read_toml(text, str(path))
    except InvalidInput as exc:  # not TOML, nested too deeply, a number too long
        raise ConfigurationError(str(exc)) from None


def table(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """An optional table such as ``[method]``: empty when absent, refused when not a table."""
    value = config.get(name, {})
    if not isinstance(value, Mapping):
        raise InvalidInput(f"careerconv.toml [{name}]", "a table")
    return value


def section(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A table naming one adapter, such as ``[store]``; it needs ``adapter = "<name>"``."""
    value = config.get(name)
    if not isinstance(value, Mapping) or not isinstance(value.get("adapter"), str):
        raise ConfigurationError(f'careerconv.toml: [{name}] needs adapter = "<name>"')
    if not isinstance(value.get("settings", {}), Mapping):
        raise InvalidInput(f"careerconv.toml [{name}].settings", "a table of settings")
    return value


def entries(config: Mapping[str, Any], name: str) -> list[tuple[str, Mapping[str, Any], str]]:
    """The adapters of a list table such as ``[[calendar]]``: (adapter name, entry, where)."""
    raw = config.get(name, [])
    listed: Sequence[Any] = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(listed, list):
        raise ConfigurationError(f'careerconv.toml: [[{name}]] must be tables with adapter = "<name>"')
    out = []
    for n, entry in enumerate(listed):
        where = f"[[{name}]] #{n + 1}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("adapter"), str):
            raise ConfigurationError(f'careerconv.toml {where}: needs adapter = "<name>"')
        out.append((str(entry["adapter"]), entry, where))
    return out


def instance_names(listed: Sequence[tuple[str, Mapping[str, Any], str]], table_name: str) -> list[str]:
    """The name each listed adapter's outcomes are kept under: its ``name``, else its adapter name.

    The dispatcher records who delivered an entry by this name, so two adapters of
    one table under one name would let the second's success hide the first's
    failure. Such a table is refused, with the fix.
    """
    names: list[str] = []
    for adapter, entry, where in listed:
        name = entry.get("name", adapter)
        if not isinstance(name, str) or not is_id(name):
            raise ConfigurationError(
                f"careerconv.toml {where}.name: expected a short name of letters, digits, '.', '_' "
                f"or '-', such as \"{adapter}-team\""
            )
        if name in names:
            first = listed[names.index(name)][2]
            raise ConfigurationError(
                f"careerconv.toml {where}: a second adapter named {name!r} in [[{table_name}]] (the first is "
                f'{first}); give each its own name, such as name = "{adapter}-2", so their deliveries '
                "are kept apart"
            )
        names.append(name)
    return names


def adapter_settings(
    raw: Any, where: str, home: Path, declared: Sequence[Setting] | None = None
) -> dict[str, str]:
    """An adapter's ``settings`` as the strings its factory reads, checked against ``declared``.

    Each value must have its declared type; a path has ``~`` expanded and is
    taken from ``home`` when relative. Without declarations (an adapter that
    declares none) only text is taken.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"careerconv.toml {where}.settings", "a table of settings")
    by_name = {s.name: s for s in declared or ()}
    out: dict[str, str] = {}
    for key, value in raw.items():
        setting = by_name.get(key) or declared_setting(str(key))
        expected = problem_with(setting, value, numbers_as_text=True)
        if expected:
            raise InvalidInput(f"careerconv.toml {where} setting {key!r}", expected, f"got {value!r}"[:80])
        out[str(key)] = _as_text(setting, value, home)
    for setting in by_name.values():
        # A folder an adapter keeps its own state in defaults to one in the home: only the
        # composition root knows the home, so the default is filled in here.
        if setting.type is SettingType.PATH and isinstance(setting.default, str) and setting.default:
            out.setdefault(setting.name, _as_text(setting, setting.default, home))
    return out


def declared_setting(name: str) -> Setting:
    """The declaration a bare name stands for (text, or a path by its name)."""
    return declared((name,))[0]


def _as_text(setting: Setting, value: Any, home: Path) -> str:
    if setting.type is SettingType.FLAG and isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if setting.type is SettingType.PATH and text:
        path = Path(text).expanduser()
        text = str(path if path.is_absolute() else home / path)
    return text


METHOD_SETTINGS: tuple[Setting, ...] = (
    Setting("life_story_minutes", SettingType.INTEGER, "length of conversation 1", 60, 1, 600),
    Setting("pinnacle_minutes", SettingType.INTEGER, "length of conversation 2", 60, 1, 600),
    Setting("grow_review_minutes", SettingType.INTEGER, "length of conversation 3", 45, 1, 600),
    Setting("weekly_cap_hours", SettingType.NUMBER, "most hours of conversations a week", 4.0, 0.5, 168),
    Setting(
        "homework_gap_working_days",
        SettingType.INTEGER,
        "working days between conversations 2 and 3",
        2,
        0,
        60,
    ),
    Setting("horizon_months", SettingType.INTEGER, "how far a GROW plan looks ahead", 6, 1, 60),
    Setting("actions_per_month", SettingType.NUMBER, "GROW actions a month", 1.0, 0.1, 31),
    Setting("probe_after_months", SettingType.INTEGER, "months before a check-in probes", 3, 1, 60),
    Setting("handoff_answer_days", SettingType.INTEGER, "days a new manager has to answer", 14, 1, 365),
    Setting("handoff_meeting_minutes", SettingType.INTEGER, "length of a handoff meeting", 45, 1, 600),
    Setting(
        "return_grace_days",
        SettingType.INTEGER,
        "a report back in the org within this many days gets their plan back",
        30,
        0,
        3650,
    ),
    Setting("link_base", SettingType.TEXT, "base URL of links in mail and tickets"),
    Setting("separate_days_1_2", SettingType.FLAG, "conversations 1 and 2 on different days", True),
    Setting(
        "window_days",
        SettingType.INTEGER,
        "days the three conversations are scheduled in; 0 for one calendar month (M4)",
        0,
        0,
        28,
    ),
)
"""The ``[method]`` table: every key it may hold."""

DISPATCH_SETTINGS: tuple[Setting, ...] = (
    Setting("max_attempts", SettingType.INTEGER, "deliveries tried before dead-lettering", 6, 1, 100),
    Setting("base_seconds", SettingType.NUMBER, "first retry delay, doubled each time", 30.0, 0.001, 86400),
)
"""The ``[dispatch]`` table: every key it may hold."""

RETENTION_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "months_after_end",
        SettingType.INTEGER,
        "months after a plan ended (or was declined) before 'careerconv maintain' erases it; 0 keeps plans",
        0,
        0,
        1200,
    ),
)
"""The ``[retention]`` table: every key it may hold."""

WEB_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_url", SettingType.TEXT, "where the web surface is reached; notices carry signed links to it"
    ),
    Setting("secret_env", SettingType.TEXT, "environment variable holding the link-signing secret"),
    Setting("link_days", SettingType.INTEGER, "days a signed link stays valid", 14, 1, 90),
    Setting(
        "allow_acting_for_others",
        SettingType.FLAG,
        "let the command line take the report's steps with --as (each such step is recorded)",
        False,
    ),
    Setting("frame_ancestors", SettingType.TEXT, "who may embed the pages (CSP frame-ancestors)", "'none'"),
)
"""The ``[web]`` table: every key it may hold. Its presence says a web surface is configured:
from then on only the report takes the report's steps, unless ``allow_acting_for_others``."""


def checked_table(values: Mapping[str, Any], name: str, declared: Sequence[Setting]) -> dict[str, Any]:
    """A plain table such as ``[method]``: every key declared, every value fitting, defaults filled in."""
    by_name = {s.name: s for s in declared}
    for key, value in values.items():
        setting = by_name.get(key)
        if setting is None:
            raise InvalidInput(
                f"careerconv.toml [{name}] {key}", f"a key among {sorted(by_name)}", "unknown key"
            )
        expected = problem_with(setting, value)
        if expected:
            raise InvalidInput(f"careerconv.toml [{name}] {key}", expected, f"got {value!r}"[:80])
    return {s.name: values.get(s.name, s.default) for s in declared}


def settings_from(method: Mapping[str, Any]) -> Settings:
    """The use cases' settings from the ``[method]`` table; each key is checked."""
    m = checked_table(method, "method", METHOD_SETTINGS)
    lengths = ConversationLengths(m["life_story_minutes"], m["pinnacle_minutes"], m["grow_review_minutes"])
    scheduling = SchedulingRules(
        weekly_cap_minutes=round(m["weekly_cap_hours"] * 60),
        homework_gap_working_days=m["homework_gap_working_days"],
        separate_days_1_2=m["separate_days_1_2"],
        window_days=m["window_days"] or None,
    )
    return Settings(
        lengths=lengths,
        grow=GrowRules(m["horizon_months"], m["actions_per_month"]),
        cadence=CadenceRules(probe_after_months=m["probe_after_months"]),
        handoff_answer_days=m["handoff_answer_days"],
        handoff_meeting_minutes=m["handoff_meeting_minutes"],
        return_grace_days=m["return_grace_days"],
        link_base=m["link_base"] or None,
        scheduling=scheduling,
    )


def web_from(web: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[web]`` table, checked, with defaults; a base URL needs a secret to sign with."""
    w = checked_table(web, "web", WEB_SETTINGS)
    base = w["base_url"]
    if base and not str(base).startswith(("http://", "https://")):
        raise InvalidInput(
            "careerconv.toml [web] base_url", "an http:// or https:// URL", f"got {base!r}"[:80]
        )
    if base and not w["secret_env"]:
        raise ConfigurationError(
            "careerconv.toml [web]: base_url needs secret_env, the environment variable holding the "
            'secret links are signed with, such as secret_env = "CAREERCONV_WEB_SECRET"'
        )
    return w


def retry_policy_from(dispatch: Mapping[str, Any]) -> RetryPolicy:
    """The dispatcher's retries from the ``[dispatch]`` table; each key is checked."""
    d = checked_table(dispatch, "dispatch", DISPATCH_SETTINGS)
    return RetryPolicy(max_attempts=d["max_attempts"], base_seconds=float(d["base_seconds"]))


def retention_months(retention: Mapping[str, Any]) -> int:
    """The retention rule's months from the ``[retention]`` table (0: plans are kept); checked."""
    return int(checked_table(retention, "retention", RETENTION_SETTINGS)["months_after_end"])
