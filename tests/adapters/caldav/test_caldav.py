"""The ``caldav`` backend against real Radicale (htpasswd auth) and Xandikos servers."""

from __future__ import annotations

import socket
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest
import requests
import vobject
from attrs import define, evolve

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import CalendarBackend, OutcomeStatus
from careerconv_core.views import InviteView
from careerconv_plugins.caldav import plugin as caldav_plugin
from careerconv_plugins.caldav.adapter import CalDavCalendar, from_settings
from careerconv_plugins.ics import mapping
from servers.calendars import CalendarServer
from servers.smtp import SmtpServer
from support.ics_parsers import check_ics
from support.invites import MANAGER, REPORT, cancelled, invite, moved

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_CALDAV_PASSWORD"


@define
class Target:
    """A server and a calendar of this test's own on it."""

    server: CalendarServer
    collection: str

    @property
    def url(self) -> str:
        return self.server.home_url + self.collection


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> CalendarServer:
    found = request.getfixturevalue(request.param)
    assert isinstance(found, CalendarServer)
    return found


@pytest.fixture
def target(server: CalendarServer) -> Target:
    return Target(server, f"career-{uuid.uuid4().hex[:12]}/")


def _backend(target: Target, **extra: str) -> CalDavCalendar:
    server = target.server
    settings = {"url": target.url, "timeout": "5", **extra}
    environ = {}
    if server.user and server.password:
        settings |= {"user": server.user, "password_env": ENV}
        environ = {ENV: server.password}
    return from_settings(settings, environ=environ)


def _auth(server: CalendarServer) -> tuple[str, str] | None:
    return (server.user, server.password) if server.password else None


def _hrefs(target: Target) -> list[str]:
    response = requests.request(
        "PROPFIND",
        target.url,
        auth=_auth(target.server),
        timeout=5,
        headers={"Depth": "1", "Content-Type": "application/xml"},
        data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
    )
    assert response.status_code == 207
    root = ET.fromstring(response.content)
    hrefs = [h.text or "" for h in root.iter("{DAV:}href")]
    return sorted(h.rsplit("/", 1)[-1] for h in hrefs if h.endswith(".ics"))


def _get(target: Target, name: str) -> requests.Response:
    return requests.get(target.url + name, auth=_auth(target.server), timeout=5)


def _put(target: Target, name: str, text: str) -> int:
    response = requests.put(
        target.url + name,
        data=text.encode(),
        auth=_auth(target.server),
        headers={"Content-Type": "text/calendar"},
        timeout=5,
    )
    return response.status_code


def _writes(backend: CalDavCalendar) -> int:
    made = backend.client.requests_made
    return made["PUT"] + made["DELETE"] + made["MKCALENDAR"]


def test_sync_writes_once_per_new_event_and_nothing_the_second_time(
    target: Target,
) -> None:
    views = [invite(), invite("cc-plan1-conv2", start=invite().start + timedelta(days=7))]
    backend = _backend(target)
    outcomes = backend.deliver_invites(views)
    assert [o.status for o in outcomes] == [OutcomeStatus.DELIVERED] * 2
    assert backend.client.requests_made["PUT"] == 2
    again = _backend(target)
    outcomes = again.deliver_invites(views)
    assert [o.status for o in outcomes] == [OutcomeStatus.UNCHANGED] * 2
    assert _writes(again) == 0
    assert dict(again.client.requests_made) == {"PROPFIND": 1, "REPORT": 1}
    assert _hrefs(target) == ["cc-plan1-conv1.ics", "cc-plan1-conv2.ics"]


def test_stored_event_passes_the_four_parsers_and_has_no_method(target: Target) -> None:
    _backend(target).deliver_invites([invite()])
    response = _get(target, "cc-plan1-conv1.ics")
    assert response.status_code == 200
    cal = check_ics(response.text, expect_events=1)
    assert "METHOD" not in cal
    [event] = cal.walk("VEVENT")
    assert event["UID"] == "cc-plan1-conv1"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert "Coaching questions:" in str(event["DESCRIPTION"])


def test_moved_event_updates_in_place_with_one_sequence_step(target: Target) -> None:
    backend = _backend(target)
    view = invite()
    backend.deliver_invites([view])
    later = moved(view)
    assert backend.deliver_invites([later])[0].status is OutcomeStatus.DELIVERED
    assert backend.deliver_invites([later])[0].status is OutcomeStatus.UNCHANGED
    assert _hrefs(target) == ["cc-plan1-conv1.ics"]
    [event] = check_ics(_get(target, "cc-plan1-conv1.ics").text).walk("VEVENT")
    assert (event["UID"], event["SEQUENCE"]) == (view.uid, 1)
    assert event.start == later.start


def test_cancel_deletes_by_default(target: Target) -> None:
    backend = _backend(target)
    view = invite()
    backend.deliver_invites([view])
    assert backend.deliver_invites([cancelled(view)])[0].status is OutcomeStatus.DELIVERED
    assert _hrefs(target) == []
    assert backend.deliver_invites([cancelled(view)])[0].status is OutcomeStatus.UNCHANGED


def test_cancel_can_keep_the_event_marked_cancelled(target: Target) -> None:
    backend = _backend(target, on_cancel="cancel")
    view = invite()
    backend.deliver_invites([view])
    assert backend.deliver_invites([cancelled(view)])[0].status is OutcomeStatus.DELIVERED
    assert backend.deliver_invites([cancelled(view)])[0].status is OutcomeStatus.UNCHANGED
    [event] = check_ics(_get(target, "cc-plan1-conv1.ics").text, expect_events=1).walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)


def test_edit_made_on_the_server_is_reported_not_overwritten(target: Target) -> None:
    backend = _backend(target)
    view = invite()
    backend.deliver_invites([view])
    edited = _get(target, "cc-plan1-conv1.ics").text.replace(
        "SUMMARY:Career conversation 1: Life story", "SUMMARY:Moved by hand"
    )
    assert _put(target, "cc-plan1-conv1.ics", edited) in (201, 204)
    [outcome] = backend.deliver_invites([moved(view)])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "changed on the server" in outcome.reason
    assert "SUMMARY:Moved by hand" in _get(target, "cc-plan1-conv1.ics").text
    assert backend.client.requests_made["PUT"] == 1


def test_event_that_is_not_ours_is_a_conflict(target: Target) -> None:
    backend = _backend(target)
    backend.deliver_invites([invite("cc-other")])  # creates the calendar
    foreign = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//EN\r\nBEGIN:VEVENT\r\n"
        "UID:cc-plan1-conv1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T090000Z\r\n"
        "DTEND:20261201T100000Z\r\nSUMMARY:Somebody else's\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert _put(target, "cc-plan1-conv1.ics", foreign) in (201, 204)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "Somebody else's" in _get(target, "cc-plan1-conv1.ics").text


def test_a_second_writer_between_read_and_write_gets_412_and_a_conflict(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend(target)
    view = invite()
    # A writer that read "nothing there" creates with If-None-Match: * and loses the race.
    backend.deliver_invites([invite("cc-other")])
    other = _backend(target)
    other.deliver_invites([view])
    monkeypatch.setattr(backend.client, "multiget", lambda names: {})
    [outcome] = backend.deliver_invites([view])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "412" in outcome.reason
    assert _hrefs(target) == ["cc-other.ics", "cc-plan1-conv1.ics"]
    # A writer holding a stale ETag updates with If-Match and loses too.
    real = other.client.multiget

    def stale(names: list[str]) -> dict[str, tuple[str, str]]:
        return {n: ('"stale-etag"', data) for n, (_etag, data) in real(names).items()}

    monkeypatch.setattr(other.client, "multiget", stale)
    [outcome] = other.deliver_invites([moved(view)])
    assert outcome.status is OutcomeStatus.CONFLICT
    [event] = check_ics(_get(target, "cc-plan1-conv1.ics").text).walk("VEVENT")
    assert event["SEQUENCE"] == 0


def test_free_busy_of_a_calendar(target: Target) -> None:
    backend = _backend(target, busy_urls=target.url)
    view = invite()
    backend.deliver_invites([view, invite("cc-late", start=view.start + timedelta(days=30))])
    report = backend.busy([MANAGER], view.start - timedelta(hours=2), view.end + timedelta(days=1))
    assert report.available, report.reason
    assert [(i.start, i.end) for i in report.busy["m1"]] == [(view.start, view.end)]
    # A conversation kept on the calendar as cancelled no longer blocks the time.
    keeper = _backend(target, busy_urls=target.url, on_cancel="cancel")
    keeper.deliver_invites([cancelled(view)])
    report = keeper.busy([MANAGER], view.start - timedelta(hours=2), view.end)
    assert report.busy["m1"] == ()


def test_free_busy_unavailable_says_why(target: Target) -> None:
    start = invite().start
    report = _backend(target).busy([MANAGER], start, start + timedelta(days=1))
    assert not report.available
    assert "busy_urls" in report.reason
    missing = _backend(target, busy_urls=target.server.home_url + "no-such-{person_id}/")
    report = missing.busy([MANAGER, REPORT], start, start + timedelta(days=1))
    assert not report.available
    assert "m1" in report.reason
    assert "working hours" in report.reason


def test_server_url_finds_or_creates_the_calendar_in_the_users_home(
    server: CalendarServer,
) -> None:
    name = f"Career conversations {uuid.uuid4().hex[:8]}"
    settings = {"url": server.base_url + "/", "calendar_name": name}
    environ = {}
    if server.password:
        settings |= {"user": server.user, "password_env": ENV}
        environ = {ENV: server.password}
    first = from_settings(settings, environ=environ)
    [outcome] = first.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome.reason
    assert first.client.requests_made["MKCALENDAR"] == 1
    calendar_url = first.client.calendar_url
    assert calendar_url.startswith(server.home_url)
    again = from_settings(settings, environ=environ)
    [outcome] = again.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert again.client.calendar_url == calendar_url
    assert _writes(again) == 0


def test_url_of_an_event_is_not_a_calendar(target: Target) -> None:
    backend = _backend(target)
    backend.deliver_invites([invite()])
    wrong = from_settings(
        {
            "url": target.url + "cc-plan1-conv1.ics",
            **({"user": target.server.user, "password_env": ENV} if target.server.password else {}),
        },
        environ={ENV: target.server.password},
    )
    [outcome] = wrong.deliver_invites([invite("cc-2")])
    assert outcome.status is OutcomeStatus.FAILED
    assert "not a calendar" in outcome.reason


def test_wrong_password_is_a_failure_that_names_the_fix_not_the_secret(
    radicale: CalendarServer,
) -> None:
    backend = from_settings(
        {"url": radicale.home_url + "career/", "user": radicale.user, "password_env": ENV},
        environ={ENV: "wrong password"},
    )
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "401" in outcome.reason
    assert "password_env" in outcome.reason
    assert "wrong password" not in outcome.reason
    report = backend.busy([MANAGER], invite().start, invite().end)
    assert not report.available


def test_someone_elses_calendar_is_403(radicale: CalendarServer) -> None:
    backend = from_settings(
        {"url": radicale.base_url + "/other/career/", "user": radicale.user, "password_env": ENV},
        environ={ENV: radicale.password},
    )
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "403" in outcome.reason
    assert radicale.password not in outcome.reason


def test_server_down_is_a_retry() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = from_settings({"url": f"http://127.0.0.1:{port}/mara/career/", "timeout": "2"})
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY
    assert "could not connect" in outcome.reason


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


def test_slow_server_times_out_and_retries(silent_server: int) -> None:
    backend = from_settings({"url": f"http://127.0.0.1:{silent_server}/mara/career/", "timeout": "0.5"})
    began = time.monotonic()
    [outcome] = backend.deliver_invites([invite()])
    assert time.monotonic() - began < 5
    assert outcome.status is OutcomeStatus.RETRY
    assert "no answer within 0.5s" in outcome.reason


class _Unavailable(BaseHTTPRequestHandler):
    def do_PROPFIND(self) -> None:
        self.send_response(503)
        self.send_header("Retry-After", "7")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        return


def test_server_error_is_a_retry_with_retry_after() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        backend = from_settings({"url": f"http://127.0.0.1:{port}/mara/career/"})
        [outcome] = backend.deliver_invites([invite()])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert outcome.status is OutcomeStatus.RETRY
    assert outcome.retry_after == 7.0
    assert "503" in outcome.reason


def _mails_from_xandikos(server: CalendarServer, smtp: SmtpServer, view: InviteView) -> list[EmailMessage]:
    backend = from_settings({"url": server.home_url + "calendars/calendar/"})
    backend.deliver_invites([view])
    backend.deliver_invites([view])
    backend.deliver_invites([moved(view)])
    backend.deliver_invites([cancelled(moved(view))])
    deadline = time.monotonic() + 10
    while len(smtp.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.rcpt_tos for m in smtp.messages] == [["ravi@example.com"]] * 3
    return [m.message for m in smtp.messages]


def _calendar_part(message: EmailMessage) -> EmailMessage:
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


@pytest.fixture(scope="module")
def imip_mails(xandikos_imip: tuple[CalendarServer, SmtpServer]) -> list[EmailMessage]:
    """The mails Xandikos sent for one invite: created, re-synced, moved, cancelled."""
    return _mails_from_xandikos(*xandikos_imip, invite())


def test_xandikos_mails_imip_for_the_events_it_stores(imip_mails: list[EmailMessage]) -> None:
    view = invite()
    mails = imip_mails
    assert [_calendar_part(m).get_param("method") for m in mails] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]
    for mail in mails:
        cal = icalendar.Calendar.from_ical(_calendar_part(mail).get_content())
        [event] = cal.walk("VEVENT")
        assert event["UID"] == view.uid
        assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    sequences = [
        next(iter(icalendar.Calendar.from_ical(_calendar_part(m).get_content()).walk("VEVENT")))["SEQUENCE"]
        for m in mails
    ]
    assert sequences[:2] == [0, 1]


@pytest.mark.xfail(
    strict=True,
    raises=vobject.base.ValidateError,
    reason="Xandikos 0.4.10 drops the STANDARD/DAYLIGHT parts of VTIMEZONE in the iMIP mail "
    "it builds (xandikos.itip copies each component with a shallow Component.copy()); the "
    "stored event keeps them. vobject's validation rejects such a VTIMEZONE",
)
def test_xandikos_imip_mail_passes_the_four_parsers(imip_mails: list[EmailMessage]) -> None:
    for mail in imip_mails:
        check_ics(_calendar_part(mail).get_content(), expect_events=1)


def test_settings_are_checked_with_the_fix() -> None:
    with pytest.raises(ConfigurationError, match="'url'"):
        from_settings({})
    with pytest.raises(ConfigurationError, match="password_env"):
        from_settings({"url": "https://dav.example.com/c/", "password": "x"})
    with pytest.raises(ConfigurationError, match="password_env"):
        from_settings({"url": "https://dav.example.com/c/", "user": "mara"})
    with pytest.raises(ConfigurationError, match="NOT_SET_HERE"):
        from_settings(
            {"url": "https://dav.example.com/c/", "user": "m", "password_env": "NOT_SET_HERE"},
            environ={},
        )
    with pytest.raises(ConfigurationError, match="'timeout'"):
        from_settings({"url": "https://dav.example.com/c/", "timeout": "0"})
    with pytest.raises(ConfigurationError, match="'on_cancel'"):
        from_settings({"url": "https://dav.example.com/c/", "on_cancel": "ignore"})
    with pytest.raises(ConfigurationError, match="'busy_urls'"):
        from_settings({"url": "https://dav.example.com/c/", "busy_urls": "https://x/{name}/"})
    host = make_plugin_manager(load_entry_points=False, plugins=[caldav_plugin])
    made = host.create(AdapterKind.CALENDAR, "caldav", {"url": "https://dav.example.com/c/"})
    assert isinstance(made, CalendarBackend)


def test_resource_name_is_stable_and_safe() -> None:
    assert mapping.resource_name("cc-plan1-conv1") == "cc-plan1-conv1.ics"
    odd = mapping.resource_name("plan 1/conv@x")
    assert odd == mapping.resource_name("plan 1/conv@x")
    assert odd.startswith("cc-")
    assert evolve(invite(), title="x").uid == invite().uid


def test_a_batch_with_several_changes_of_one_event_writes_only_the_last(target: Target) -> None:
    backend = _backend(target)
    view = invite()
    backend.deliver_invites([view])
    backend.client.requests_made.clear()
    outcomes = backend.deliver_invites([moved(view), cancelled(moved(view))])
    assert [o.status for o in outcomes] == [OutcomeStatus.DELIVERED] * 2
    assert backend.client.requests_made["DELETE"] == 1
    assert backend.client.requests_made["PUT"] == 0
    assert _hrefs(target) == []


def test_a_bad_invite_fails_alone(target: Target) -> None:
    backend = _backend(target)
    bad = evolve(invite("cc-bad"), time_zone="Mars/Olympus_Mons")
    outcomes = backend.deliver_invites([bad, invite()])
    assert [o.status for o in outcomes] == [OutcomeStatus.FAILED, OutcomeStatus.DELIVERED]
    assert "cc-bad" in outcomes[0].reason
    assert "time_zone" in outcomes[0].reason
    assert _hrefs(target) == ["cc-plan1-conv1.ics"]


def test_calendar_deleted_on_the_server_is_made_again(target: Target) -> None:
    backend = _backend(target)
    backend.deliver_invites([invite()])
    gone = requests.delete(target.url, auth=_auth(target.server), timeout=5)
    assert gone.status_code in (200, 204)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome.reason
    assert _hrefs(target) == ["cc-plan1-conv1.ics"]


def test_a_lost_answer_is_retried_without_a_duplicate(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend(target)
    real_put = backend.client.put

    def put_then_lose_the_answer(name: str, text: str, *, etag: str | None) -> str | None:
        real_put(name, text, etag=etag)
        raise AdapterError("caldav", "the connection broke; will try again", retryable=True)

    monkeypatch.setattr(backend.client, "put", put_then_lose_the_answer)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY
    monkeypatch.setattr(backend.client, "put", real_put)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert _hrefs(target) == ["cc-plan1-conv1.ics"]


def test_no_password_reaches_the_server_log_or_its_storage(radicale: CalendarServer) -> None:
    backend = from_settings(
        {
            "url": radicale.home_url + f"career-{uuid.uuid4().hex[:8]}/",
            "user": radicale.user,
            "password_env": ENV,
        },
        environ={ENV: radicale.password},
    )
    assert backend.deliver_invites([invite()])[0].ok
    assert radicale.password not in radicale.log_text()
    stored = (radicale.folder / "collections").rglob("*")
    assert not [p for p in stored if p.is_file() and radicale.password.encode() in p.read_bytes()]


class _NoRequests:
    """An import hook that makes ``requests`` look uninstalled."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "requests" or name.startswith("requests."):
            raise ImportError("requests is not installed", name="requests")


def test_without_the_extra_the_plugin_loads_and_the_factory_names_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "meta_path", [_NoRequests(), *sys.meta_path])
    for name in [n for n in sys.modules if n == "requests" or n.startswith("requests.")]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("careerconv_plugins.caldav.adapter", "careerconv_plugins.caldav.client"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    host = make_plugin_manager(load_entry_points=False, plugins=[caldav_plugin])
    assert "caldav" in host.adapters(AdapterKind.CALENDAR)
    with pytest.raises(ConfigurationError, match=r"careerconv\[caldav\]"):
        host.create(AdapterKind.CALENDAR, "caldav", {"url": "https://dav.example.com/c/"})


def test_an_event_in_the_repeated_hour_is_stored_as_the_instant_we_meant(target: Target) -> None:
    from datetime import UTC, datetime

    start = datetime(2027, 10, 31, 1, 45, tzinfo=UTC)  # 02:45 CET, the second 02:45 in Berlin
    _backend(target).deliver_invites([invite(start=start)])
    response = _get(target, "cc-plan1-conv1.ics")
    assert response.status_code == 200
    [event] = check_ics(response.text, expect_events=1).walk("VEVENT")
    assert event["DTSTART"].dt == start and event["DTEND"].dt == start + timedelta(hours=1)
