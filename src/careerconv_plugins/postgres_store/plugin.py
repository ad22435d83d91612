"""Registers the ``postgres`` plan store (needs the ``postgres`` extra: psycopg 3)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import PlanStore
from careerconv_plugins.settings import shown_env


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
    if not dsn:
        raise ConfigurationError(
            "postgres store: setting 'dsn' (or 'dsn_env') is missing; give a libpq "
            "connection string such as 'host=db.example.com dbname=careerconv'"
        )
    return dsn


def from_settings(settings: Mapping[str, str]) -> PlanStore:
    """A ``PostgresStore`` for the configured DSN; the schema is migrated on open."""
    dsn = dsn_from_settings(settings)
    try:
        from careerconv_plugins.postgres_store.adapter import PostgresStore  # noqa: PLC0415
    except ImportError as exc:  # psycopg is an optional extra
        raise ConfigurationError(
            "postgres store: psycopg is not installed; pip install 'careerconv[postgres]'"
        ) from exc
    return PostgresStore(dsn)


@hookimpl
def careerconv_plan_stores() -> Iterable[AdapterSpec[PlanStore]]:
    """The ``postgres`` store: the shared store for several machines and dispatchers."""
    return [
        AdapterSpec(
            kind=AdapterKind.STORE,
            name="postgres",
            factory=from_settings,
            summary="PostgreSQL via psycopg 3; several dispatchers share one outbox",
            settings=("dsn", "dsn_env"),
        )
    ]
