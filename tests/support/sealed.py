"""Encrypted stores for tests: master keys in files, each store kind, the raw database behind it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from careerconv_plugins.postgres_store.adapter import PostgresStore
from careerconv_plugins.sql.sealing import MasterKey, create_key_file, key_from_file
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from support.privacy import Planter


def new_key(tmp_path: Path, name: str = "store.key") -> MasterKey:
    """A new master key in an owner-only file."""
    create_key_file(tmp_path / name)
    return key_from_file(tmp_path / name, "test store")


@pytest.fixture(params=["sqlite", "postgres"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Where a store lives: ``open(key)`` opens it there; ``target`` is its file or DSN."""
    if request.param == "sqlite":
        target: str = str(tmp_path / "plans.db")

        def opener(key: MasterKey | None, **kw: Any) -> Any:
            return SqliteStore(target, key=key, **kw)
    else:
        target = request.getfixturevalue("postgres_dsn")

        def opener(key: MasterKey | None, **kw: Any) -> Any:
            return PostgresStore(target, key=key, **kw)

    yield {"kind": request.param, "target": target, "open": opener}


def markers_in(planter: Planter, data: bytes) -> list[str]:
    """The planted markers found anywhere in ``data``."""
    return [m for m in planter.markers if m.encode() in data]


def raw(place: dict[str, Any], sql: str, *args: Any) -> Any:
    """Run one statement on the store's database behind its back; the first value of a read."""
    if place["kind"] == "sqlite":
        conn = sqlite3.connect(place["target"], isolation_level=None)
        try:
            row = conn.execute(sql, args).fetchone()
        finally:
            conn.close()
    else:
        with psycopg.connect(place["target"], autocommit=True) as pg:
            cur = pg.execute(sql.replace("?", "%s").encode(), args)
            row = cur.fetchone() if cur.description else None
    return None if row is None else row[0]


def home_key(home: Path) -> MasterKey:
    """The master key of the store in a careerconv home (``careerconv init`` wrote it)."""
    return key_from_file(home / "careerconv.key", "test store")


def sealed_settings(tmp_path: Path, **settings: str) -> dict[str, str]:
    """Store settings with a master key file (every configured store is encrypted at rest)."""
    key = tmp_path / "store.key"
    create_key_file(key)
    return {**settings, "key_file": str(key)}
