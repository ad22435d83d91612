"""Pytest fixtures for a throwaway PostgreSQL cluster. Register with ``pytest_plugins`` or import.

``postgres_server`` is one cluster per test session (initdb takes about a
second); ``postgres_dsn`` is a fresh, empty database in it for each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from servers.postgres import PostgresServer, start_postgres

_shared: list[PostgresServer] = []  # the one cluster of this test process, while in use
_users = [0]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster on 127.0.0.1 on a free port, deleted after the session.

    Modules that import this fixture share one cluster: each import is its
    own fixture to pytest, so the cluster is counted rather than restarted.
    """
    if not _shared:
        _shared.append(start_postgres())
    _users[0] += 1
    yield _shared[0]
    _users[0] -= 1
    if _users[0] == 0:
        _shared.pop().stop()


@pytest.fixture
def postgres_dsn(postgres_server: PostgresServer) -> Iterator[str]:
    """The DSN of a new, empty database, dropped after the test."""
    dsn = postgres_server.create_database()
    yield dsn
    postgres_server.drop_database(dsn)
