"""Pytest fixtures for scim2-server. Register with ``pytest_plugins`` or import them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from servers.scim import ScimAdmin, ScimServer, start_scim_server


@pytest.fixture(scope="session")
def scim_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScimServer]:
    """One scim2-server for the session, with a random bearer token."""
    folder: Path = tmp_path_factory.mktemp("scim2-server")
    server = start_scim_server(folder)
    yield server
    server.stop()


@pytest.fixture
def scim_tenant(scim_server: ScimServer) -> Iterator[ScimAdmin]:
    """A fresh, empty tenant of ``scim_server`` and an admin to provision it."""
    admin = scim_server.tenant()
    yield admin
    admin.session.close()
