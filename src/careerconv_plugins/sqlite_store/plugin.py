"""Registers the ``sqlite`` plan store, the embedded default."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import PlanStore
from careerconv_plugins.sql.sealing import KEY_SETTINGS, create_key_file, keys_from_settings
from careerconv_plugins.sqlite_store.adapter import SqliteStore


def from_settings(settings: Mapping[str, str]) -> SqliteStore:
    """A ``SqliteStore`` for the ``path`` setting (the file is created if missing).

    Encrypted at rest under the master key named by ``key_file`` or ``key_env``;
    without one it is refused, and the key is checked before anything is read.
    A missing ``key_file`` is made (owner-only) for a new store only: an
    existing store never gets a key it was not encrypted with.
    """
    path = settings.get("path", "").strip()
    if not path:
        raise ConfigurationError(
            "sqlite store: setting 'path' is missing; set it to the database file, "
            "for example 'careerconv.db'"
        )
    folder = Path(path).expanduser().parent
    if not folder.is_dir():
        raise ConfigurationError(
            f"sqlite store: the folder of 'path' ({str(folder)!r}) does not exist; create it first"
        )
    key_file = settings.get("key_file", "").strip()
    if key_file and not settings.get("key_env") and not Path(path).expanduser().exists():
        with contextlib.suppress(OSError, ValueError):  # not made: reading it says what is wrong
            create_key_file(Path(key_file).expanduser())
    key, rotating_to = keys_from_settings(settings, "sqlite store")
    return SqliteStore(Path(path).expanduser(), key=key, rotating_to=rotating_to)


@hookimpl
def careerconv_plan_stores() -> Iterable[AdapterSpec[PlanStore]]:
    """The ``sqlite`` store: plans, people and the outbox in one SQLite file."""
    return [
        AdapterSpec(
            kind=AdapterKind.STORE,
            name="sqlite",
            factory=from_settings,
            summary="One SQLite file (WAL), migrated on open, encrypted at rest; the embedded default",
            settings=("path", *KEY_SETTINGS),
        )
    ]
