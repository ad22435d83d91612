"""Registers the ``postgres`` plan store (needs the ``postgres`` extra: psycopg 3)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlsplit

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import PlanStore
from careerconv_plugins.settings import shown_env
from careerconv_plugins.sql.sealing import KEY_SETTINGS, keys_from_settings

_KEYWORD_PASSWORD = re.compile(r"(?:^|\s)password\s*=", re.IGNORECASE)


def _has_password(dsn: str) -> bool:
    """Whether a libpq connection string, in either form, carries a password."""
    if "://" in dsn:
        parts = urlsplit(dsn)
        query = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
        return parts.password is not None or "password" in query
    return _KEYWORD_PASSWORD.search(dsn) is not None


def dsn_from_settings(settings: Mapping[str, str]) -> str:
    """The DSN from ``dsn``, or from the environment variable named by ``dsn_env``.

    ``dsn_env`` keeps a password out of the config file. Exactly one of the
    two must be set.
    """
    dsn = settings.get("dsn", "").strip()
    env = settings.get("dsn_env", "").strip()
    if dsn and env:
        raise ConfigurationError(
            "postgres store: set 'dsn' or 'dsn_env', not both; 'dsn_env' names an "
            "environment variable that holds the dsn"
        )
    if env:
        dsn = os.environ.get(env, "").strip()
        if not dsn:
            raise ConfigurationError(
                f"postgres store: the environment variable {shown_env(env)} named by 'dsn_env' is "
                "empty or unset; export it with the dsn, for example "
                "'host=db.example.com dbname=careerconv user=careerconv'"
            )
    elif dsn and _has_password(dsn):
        # careerconv.toml is a file people share and commit; a secret there is refused.
        raise ConfigurationError(
            "postgres store: setting 'dsn' holds a password; remove it and put the whole dsn in an "
            "environment variable named by 'dsn_env' (or use a ~/.pgpass file or PGPASSWORD)"
        )
    if not dsn:
        raise ConfigurationError(
            "postgres store: setting 'dsn' (or 'dsn_env') is missing; give a libpq "
            "connection string such as 'host=db.example.com dbname=careerconv'"
        )
    return dsn


def from_settings(settings: Mapping[str, str]) -> PlanStore:
    """A ``PostgresStore`` for the configured DSN; the schema is migrated on open.

    Encrypted at rest under the master key named by ``key_file`` or ``key_env``.
    """
    dsn = dsn_from_settings(settings)
    try:
        from careerconv_plugins.postgres_store.adapter import PostgresStore  # noqa: PLC0415
    except ImportError as exc:  # psycopg is an optional extra
        raise ConfigurationError(
            "postgres store: psycopg is not installed; pip install 'careerconv[postgres]'"
        ) from exc
    key, rotating_to = keys_from_settings(settings, "postgres store")
    return PostgresStore(dsn, key=key, rotating_to=rotating_to)


@hookimpl
def careerconv_plan_stores() -> Iterable[AdapterSpec[PlanStore]]:
    """The ``postgres`` store: the shared store for several machines and dispatchers."""
    return [
        AdapterSpec(
            kind=AdapterKind.STORE,
            name="postgres",
            factory=from_settings,
            summary="PostgreSQL via psycopg 3, encrypted at rest; several dispatchers share one outbox",
            settings=("dsn", "dsn_env", *KEY_SETTINGS),
        )
    ]
