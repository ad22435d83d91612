"""The SCIM source against a real scim2-server on 127.0.0.1 with a bearer token."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from careerconv_core.domain.org import (
    ManagerChange,
    OrgInvalid,
    apply_snapshot,
    diff_org,
    validate_org,
)
from careerconv_core.errors import AdapterError, InvalidInput
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_plugins.scim.adapter import ScimSource
from careerconv_plugins.scim.client import ScimClient
from servers import free_port, scim_fixtures
from servers.scim import ScimAdmin, ScimServer, start_scim_server

pytestmark = pytest.mark.servers

# The shared fixtures, made visible here (tests/conftest.py may also load them).
scim_server = scim_fixtures.scim_server
scim_tenant = scim_fixtures.scim_tenant

_open: list[ScimSource] = []


@pytest.fixture(autouse=True)
def _close_sources() -> Iterator[None]:
    yield
    while _open:
        _open.pop().client.close()


def source_for(admin: ScimAdmin, page_size: int = 1000, token: str | None = None) -> ScimSource:
    client = ScimClient(admin.url, token or admin.token, token_env="TEST_SCIM_TOKEN", timeout=5)
    source = ScimSource(client, page_size=page_size)
    _open.append(source)
    return source


def small_org(admin: ScimAdmin) -> dict[str, str]:
    ids = {"dir": admin.create("helena", timezone="Europe/Berlin")}
    ids["maya"] = admin.create("maya", manager=ids["dir"], timezone="Europe/Berlin")
    ids["daniel"] = admin.create("daniel", manager=ids["dir"], timezone="America/New_York")
    for name in ("jonas", "priya", "hannah"):
        ids[name] = admin.create(name, manager=ids["maya"])
    return ids


def test_full_read_maps_people_and_reporting_lines(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    snapshot = source_for(scim_tenant).read_people()
    by_id = {p.id: p for p in snapshot.people}
    assert set(by_id) == set(ids.values())
    assert by_id[ids["hannah"]].manager_id == ids["maya"]
    assert by_id[ids["hannah"]].email == "hannah@example.com"  # the primary, not home
    assert by_id[ids["hannah"]].time_zone == "UTC"
    assert by_id[ids["daniel"]].time_zone == "America/New_York"
    assert by_id[ids["dir"]].manager_id is None
    assert snapshot.removed == ()
    assert snapshot.cursor is not None


def test_pages_follow_the_page_size(scim_tenant: ScimAdmin) -> None:
    small_org(scim_tenant)
    source = source_for(scim_tenant, page_size=2)
    assert len(source.read_people().people) == 6
    # One discovery request, then three pages of two.
    assert source.client.requests_sent == 4


def test_page_size_is_lowered_to_the_server_maximum(scim_tenant: ScimAdmin) -> None:
    scim_tenant.create("solo")
    source = source_for(scim_tenant, page_size=5000)
    source.read_people()
    assert source._page() == 1000  # scim2-server's filter.maxResults


def test_an_empty_tenant_is_refused_not_read_as_everyone_leaving(
    scim_tenant: ScimAdmin,
) -> None:
    with pytest.raises(AdapterError, match="no active users"):
        source_for(scim_tenant).read_people()


def test_poll_returns_only_changes_and_finds_the_manager_change(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    source = source_for(scim_tenant)
    first = source.read_people()
    assert first.cursor is not None
    scim_tenant.set_manager(ids["hannah"], ids["daniel"])
    sent = source.client.requests_sent
    poll = source.read_people(first.cursor)
    assert [p.id for p in poll.people] == [ids["hannah"]]
    # One page of changes, one look-up of the manager outside the batch.
    assert source.client.requests_sent - sent == 2
    merged = apply_snapshot(first.people, poll.people, poll.removed)
    assert diff_org(first.people, merged).manager_changes == (
        ManagerChange(ids["hannah"], ids["maya"], ids["daniel"]),
    )
    assert poll.cursor is not None
    assert poll.cursor > first.cursor
    quiet = source.read_people(poll.cursor)
    assert quiet.people == ()
    assert quiet.cursor == poll.cursor


def test_deactivated_user_is_reported_removed(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    source = source_for(scim_tenant)
    first = source.read_people()
    assert first.cursor is not None
    scim_tenant.deactivate(ids["jonas"])
    poll = source.read_people(first.cursor)
    assert poll.removed == (ids["jonas"],)
    assert poll.people == ()
    full = source.read_people()
    assert ids["jonas"] in full.removed
    assert ids["jonas"] not in {p.id for p in full.people}


def test_hard_delete_shows_in_the_next_full_read(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    source = source_for(scim_tenant)
    first = source.read_people()
    scim_tenant.delete(ids["priya"])
    diff = diff_org(first.people, source.read_people().people)
    assert diff.removed == (ids["priya"],)


def test_dangling_manager_is_refused_in_a_full_read(scim_tenant: ScimAdmin) -> None:
    small_org(scim_tenant)
    ghost_report = scim_tenant.create("zed", manager="no-such-user")
    with pytest.raises(OrgInvalid) as caught:
        source_for(scim_tenant).read_people()
    assert caught.value.field == f"SCIM user {ghost_report}: manager"
    assert "unknown manager 'no-such-user'" in str(caught.value)


def test_dangling_manager_is_refused_in_a_poll(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    source = source_for(scim_tenant)
    first = source.read_people()
    assert first.cursor is not None
    scim_tenant.set_manager(ids["jonas"], "deleted-long-ago")
    with pytest.raises(OrgInvalid, match="unknown manager 'deleted-long-ago'"):
        source.read_people(first.cursor)


def test_report_of_a_deactivated_manager_is_refused(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    source = source_for(scim_tenant)
    first = source.read_people()
    assert first.cursor is not None
    scim_tenant.deactivate(ids["maya"])
    # Maya's reports did not change, so the poll names only her as removed;
    # merging it into the org shows who is left without a manager.
    poll = source.read_people(first.cursor)
    assert poll.removed == (ids["maya"],)
    with pytest.raises(OrgInvalid) as orphaned:
        validate_org(apply_snapshot(first.people, poll.people, poll.removed))
    assert {p.where for p in orphaned.value.problems} == {
        f"person {ids[name]}" for name in ("jonas", "priya", "hannah")
    }
    # A user provisioned later under the deactivated manager is refused by the poll.
    newcomer = scim_tenant.create("lena", manager=ids["maya"])
    with pytest.raises(OrgInvalid) as caught:
        source.read_people(poll.cursor)
    assert caught.value.field == f"SCIM user {newcomer}: manager"


def test_reporting_cycle_is_refused(scim_tenant: ScimAdmin) -> None:
    ids = small_org(scim_tenant)
    scim_tenant.set_manager(ids["dir"], ids["jonas"])
    with pytest.raises(OrgInvalid, match="reporting cycle"):
        source_for(scim_tenant).read_people()


def test_a_bad_cursor_sends_nothing(scim_tenant: ScimAdmin) -> None:
    source = source_for(scim_tenant)
    with pytest.raises(InvalidInput):
        source.read_people('2026-01-01T00:00:00Z" or id pr or id eq "x')
    assert source.client.requests_sent == 0


def test_a_wrong_token_is_a_clear_error_without_the_token(
    scim_tenant: ScimAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    source = source_for(scim_tenant, token="wrong-token-value-123")
    with pytest.raises(AdapterError) as caught:
        source.read_people()
    message = str(caught.value)
    assert "HTTP 401" in message
    assert "$TEST_SCIM_TOKEN" in message
    assert not caught.value.retryable
    for text in (message, caplog.text):
        assert "wrong-token-value-123" not in text
        assert scim_tenant.token not in text


def test_plugin_reads_through_entry_point(scim_tenant: ScimAdmin, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = small_org(scim_tenant)
    monkeypatch.setenv("ACME_SCIM_TOKEN", scim_tenant.token)
    host = make_plugin_manager()
    source = host.create(
        AdapterKind.HRIS_SOURCE,
        "scim",
        {"url": scim_tenant.url, "token_env": "ACME_SCIM_TOKEN", "page_size": "3", "timeout": "5"},
    )
    _open.append(source)
    assert {p.id for p in source.read_people().people} == set(ids.values())


class _Refusing(BaseHTTPRequestHandler):
    """Answers every GET with the status the test planted, as a gateway in front of SCIM would."""

    status = 403
    headers_out: dict[str, str] = {}  # noqa: RUF012 - set per test, read per request

    def do_GET(self) -> None:
        self.send_response(self.status)
        for name, value in self.headers_out.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/scim+json")
        self.end_headers()
        self.wfile.write(b'{"detail": "PRIVATE-BODY-DETAIL", "status": "%d"}' % self.status)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def refusing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (403, {}, (False, None, "grant it read access")),
        (429, {"Retry-After": "7"}, (True, 7.0, "HTTP 429")),
        (503, {}, (True, None, "HTTP 503")),
        (400, {}, (False, None, "HTTP 400")),
    ],
)
def test_refusals_are_translated(
    refusing_server: str,
    status: int,
    headers: dict[str, str],
    expected: tuple[bool, float | None, str],
) -> None:
    retryable, retry_after, words = expected
    _Refusing.status = status
    _Refusing.headers_out = headers
    source = ScimSource(ScimClient(refusing_server, "tok-xyz", token_env="T", timeout=5))
    _open.append(source)
    with pytest.raises(AdapterError) as caught:
        source.read_people()
    assert words in str(caught.value)
    assert caught.value.retryable is retryable
    assert caught.value.retry_after == retry_after
    assert "PRIVATE-BODY-DETAIL" not in str(caught.value)
    assert "tok-xyz" not in str(caught.value)


def test_an_unreachable_server_is_retryable() -> None:
    url = f"http://127.0.0.1:{free_port()}/v2"
    source = ScimSource(ScimClient(url, "t", token_env="T", timeout=2))
    _open.append(source)
    with pytest.raises(AdapterError) as caught:
        source.read_people()
    assert caught.value.retryable


def test_server_that_cannot_filter_is_polled_with_a_full_read(tmp_path: Path) -> None:
    config = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": False, "maxResults": 2},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
    }
    server = start_scim_server(tmp_path, config=config)
    try:
        admin = server.tenant()
        ids = small_org(admin)
        source = source_for(admin, page_size=100)
        first = source.read_people()
        assert first.cursor is not None
        admin.set_manager(ids["hannah"], ids["daniel"])
        poll = source.read_people(first.cursor)
        assert len(poll.people) == 6  # everyone, a superset of the one change
        merged = apply_snapshot(first.people, poll.people, poll.removed)
        assert diff_org(first.people, merged).manager_changes == (
            ManagerChange(ids["hannah"], ids["maya"], ids["daniel"]),
        )
        # Pages of 2 (the announced maxResults): 1 discovery + 3 + 3 pages.
        assert source.client.requests_sent == 7
        admin.session.close()
    finally:
        server.stop()


def test_server_fixture_is_a_real_process(scim_server: ScimServer) -> None:
    assert scim_server.process.poll() is None
