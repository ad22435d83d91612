"""The fake Graph tenant, and a ``microsoft`` backend built from settings that reach it.

After each test every Graph exchange the fake logged is checked against the
models Microsoft publishes in msgraph-sdk (``fakes.graph_models``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from careerconv_plugins.microsoft.adapter import GraphCalendar
from careerconv_plugins.microsoft.plugin import make_backend
from fakes.fake_graph import FakeGraph
from fakes.graph_models import check_exchange, sdk_root

PEOPLE = ("maya@example.com", "noor@example.com", "rae@example.com", "sam@example.com")


@pytest.fixture
def graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    """A tenant with the test world's four people, served over HTTPS on 127.0.0.1."""
    root = sdk_root()
    if root is None:
        pytest.fail("msgraph-sdk is not installed; pip install -e '.[test]' (its models check the fake)")
    with FakeGraph(tmp_path) as fake:
        for address in PEOPLE:
            fake.add_mailbox(address)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(fake.cert))
        monkeypatch.setenv("CAREERCONV_GRAPH_SECRET", fake.client_secret)
        yield fake
        problems = [p for exchange in fake.requests() for p in check_exchange(exchange, root)]
        assert problems == [], problems[:10]


@pytest.fixture
def backend(graph: FakeGraph, tmp_path: Path) -> GraphCalendar:
    """The backend as ``careerconv.toml`` would build it, with no real waiting."""
    built = make_backend({**graph.settings, "state_directory": str(tmp_path / "state")})
    assert isinstance(built, GraphCalendar)
    built.client.sleep = lambda _s: None
    return built
