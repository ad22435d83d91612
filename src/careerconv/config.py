"""careerconv.toml: the embedded defaults, and reading and checking what a user wrote.

Every value is checked where it is read, and a bad one is refused with the
table, the key, what was expected and how to fix it, never with a Python
error. Paths in adapter settings (keys ending in ``path`` or ``directory``)
are relative to the folder holding careerconv.toml.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from careerconv_core.dispatch import RetryPolicy
from careerconv_core.domain.cadence import CadenceRules
from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.domain.grow import GrowRules
from careerconv_core.domain.scheduling import SchedulingRules
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_core.services import Settings

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


def read_config(home: Path) -> Mapping[str, Any]:
    """``home/careerconv.toml`` as a table; a missing file says to run ``careerconv init``."""
    path = home / CONFIG_NAME
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(
            f"no {CONFIG_NAME} in {home}; run 'careerconv --home {home} init' first"
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:  # a folder in its place, no permission to read it, ...
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror}); check the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None


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


def adapter_settings(raw: Any, where: str, home: Path) -> dict[str, str]:
    """An adapter's ``settings`` as strings; relative paths are taken from ``home``."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"careerconv.toml {where}.settings", "a table of settings")
    out: dict[str, str] = {}
    for key, value in raw.items():
        text = str(value)
        if key.endswith(("path", "directory")) and text and not Path(text).is_absolute():
            text = str(home / text)
        out[str(key)] = text
    return out


def _number(
    values: Mapping[str, Any],
    key: str,
    default: float,
    kind: type = int,
    *,
    table_name: str = "method",
) -> Any:
    value = values.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and not isinstance(value, int))
    ):
        raise InvalidInput(
            f"careerconv.toml [{table_name}] {key}", f"a {'whole ' if kind is int else ''}number"
        )
    return value


def _at_least_one(values: Mapping[str, Any], key: str, default: int) -> int:
    value = int(_number(values, key, default))
    if value < 1:
        raise InvalidInput(f"careerconv.toml [method] {key}", "a whole number of 1 or more", str(value))
    return value


def _flag(values: Mapping[str, Any], key: str, default: bool) -> bool:
    value = values.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"careerconv.toml [method] {key}", "true or false")
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
        separate_days_1_2=_flag(method, "separate_days_1_2", True),
    )
    link = method.get("link_base")
    return Settings(
        lengths=lengths,
        grow=GrowRules(
            _number(method, "horizon_months", 6), _number(method, "actions_per_month", 1.0, float)
        ),
        cadence=CadenceRules(probe_after_months=_number(method, "probe_after_months", 3)),
        handoff_answer_days=_at_least_one(method, "handoff_answer_days", 14),
        link_base=str(link) if link else None,
        scheduling=scheduling,
    )


def retry_policy_from(dispatch: Mapping[str, Any]) -> RetryPolicy:
    """The dispatcher's retries from the ``[dispatch]`` table; each key is checked."""
    known = {"max_attempts", "base_seconds"}
    unknown = set(dispatch) - known
    if unknown:
        raise InvalidInput(
            "careerconv.toml [dispatch]", f"keys among {sorted(known)}", f"unknown {sorted(unknown)}"
        )
    attempts = _number(dispatch, "max_attempts", 6, table_name="dispatch")
    base = _number(dispatch, "base_seconds", 30.0, float, table_name="dispatch")
    if attempts < 1 or base <= 0:
        raise InvalidInput("careerconv.toml [dispatch]", "max_attempts of 1 or more and base_seconds above 0")
    return RetryPolicy(max_attempts=attempts, base_seconds=float(base))
