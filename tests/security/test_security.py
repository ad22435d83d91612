"""Security review, as tests: secrets, injection, webhook signatures, and privacy at real servers.

* Secrets come only from environment variables the config names; set to
  unique markers and driven into errors (401, 535, timeouts, refused
  connections) with logging at DEBUG, no marker shows in a log record, an
  exception, the outbox, ``careerconv status`` or any file written.
* Line breaks in names, titles and agendas never add an iCalendar property
  or a mail header or recipient.
* Nothing from an action (title, id) changes the JQL the fake Jira receives;
  no cursor or id changes the SCIM filter scim2-server receives.
* Webhook signatures are compared with ``hmac.compare_digest``; replays and
  stale timestamps are refused.
* The privacy marker test, at the real servers: markers planted in every
  private field, the use cases run with real adapters, and every byte that
  Radicale stored, aiosmtpd received, the fake Jira was sent and the files
  hold is searched.
"""

from __future__ import annotations

import email
import email.policy
import hmac
import io
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import icalendar
import pytest

from careerconv.app import App
from careerconv.cli import main
from careerconv_core import serialization
from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.feedback import FeedbackRating
from careerconv_core.domain.plan import CheckIn, Consent
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.visibility import Visibility
from careerconv_core.errors import CareerconvError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import PlanChange
from careerconv_core.services import Services, safe_message
from careerconv_core.testing import FixedClock, SequentialIds
from careerconv_core.views import InviteKind, InviteMethod, InviteView, NoticeKind, NoticeView, Participant
from careerconv_plugins.bamboohr import webhook as webhook_module
from careerconv_plugins.bamboohr.mapping import signature
from careerconv_plugins.bamboohr.webhook import BambooHrWebhookApp
from careerconv_plugins.ics.adapter import IcsCalendar
from careerconv_plugins.jira.mapping import label_for
from careerconv_plugins.mail.calendar_adapter import ImipCalendar
from careerconv_plugins.mail.client import SmtpSettings
from careerconv_plugins.mail.notifier_adapter import SmtpNotifier
from careerconv_plugins.scim import plugin as scim_plugin
from careerconv_plugins.sql.sealing import create_key_file
from fakes.fake_jira import FakeJira, parse_label_jql
from resilience.crash.scenario import T0, started, through_review
from servers import free_port
from servers.calendars import CalendarServer
from servers.scim import ScimServer
from servers.smtp import SMTP_USER, SmtpServer
from support.privacy import Planter
from support.world import PEOPLE

pytestmark = pytest.mark.servers

LATER = T0 + timedelta(days=10)


def marker(name: str) -> str:
    return f"{name}MARK{uuid.uuid4().hex[:10]}Z"


def files_text(folder: Path) -> str:
    """Every file under ``folder`` as text (mail parts decoded), for marker searches."""
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        out.append(raw.decode("utf-8", "replace"))
        if path.suffix == ".eml":
            out.append(decoded_mail(raw))
    return "\n".join(out)


def decoded_mail(raw: bytes) -> str:
    """A message's headers and every part decoded (base64 and quoted-printable undone)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [str(v) for v in message.values()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload.decode("utf-8", "replace"))
    return "\n".join(parts)


def write_home(home: Path, tables: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    create_key_file(home / "careerconv.key")
    (home / "careerconv.toml").write_text(
        f"""\
[store]
adapter = "sqlite"
settings = {{ path = "careerconv.db", key_file = "careerconv.key" }}

{tables}

[hris_source]
adapter = "orgfile"

[catalog]
adapter = "builtin"

[dispatch]
max_attempts = 2
base_seconds = 30
""",
        encoding="utf-8",
    )
    return home


def fill(home: Path, *, review: bool = True) -> str:
    app = App.load(home)
    clock = FixedClock(T0)
    try:
        app.store.commit(PlanChange(people=PEOPLE))
        svc = Services(app.store, clock, SequentialIds("s"), app.settings)
        return through_review(svc, clock, "r1") if review else started(svc, clock, "r1")
    finally:
        app.close()


def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path, *argv: str
) -> str:
    monkeypatch.setenv("CAREERCONV_NOW", LATER.isoformat())
    capsys.readouterr()
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return out.out + out.err


# =================================================================== secrets
@pytest.fixture
def jira() -> Iterator[FakeJira]:
    with FakeJira("Cloud") as fake:
        fake.add_user("Rae Report", "rae@example.com", "acc-rae", "rae")
        yield fake


# aiosmtpd warns about AUTH without TLS; on loopback in a test that is the point.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_secrets_in_errors_never_reach_logs_outbox_status_or_files(  # noqa: PLR0917 - servers
    tmp_path: Path,
    jira: FakeJira,
    radicale: CalendarServer,
    smtp_auth_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = {"JIRA": marker("JIRA"), "CALDAV": marker("CALDAV"), "SMTP": marker("SMTP")}
    for name, value in secrets.items():
        monkeypatch.setenv(f"CC_SEC_{name}", value)  # wrong on purpose: every server answers "no"
    home = write_home(
        tmp_path / "home",
        f"""\
[[calendar]]
adapter = "caldav"
settings = {{ url = "{radicale.home_url}secrets/", user = "{radicale.user}", password_env = "CC_SEC_CALDAV" }}

[[calendar]]
adapter = "caldav"
name = "caldav-down"
settings = {{ url = "http://127.0.0.1:{free_port()}/x/", user = "u", password_env = "CC_SEC_CALDAV", \
timeout = "1" }}

[[tracker]]
adapter = "jira"
settings = {{ url = "{jira.url}", project = "CAREER", deployment = "cloud", email = "bot@example.com", \
token_env = "CC_SEC_JIRA", timeout = "1", max_attempts = "1" }}

[[notifier]]
adapter = "smtp"
settings = {{ host = "127.0.0.1", port = "{smtp_auth_server.port}", security = "none", user = "{SMTP_USER}", \
password_env = "CC_SEC_SMTP", from_address = "careers@example.com", timeout = "5" }}

[[hris_writer]]
adapter = "files"
settings = {{ directory = "hris" }}
""",
    )
    fill(home)
    said = run_cli(capsys, monkeypatch, home, "dispatch")
    said += run_cli(capsys, monkeypatch, home, "status")
    monkeypatch.setenv("CAREERCONV_NOW", (LATER + timedelta(hours=3)).isoformat())
    said += run_cli(capsys, monkeypatch, home, "dispatch")  # the second attempt is the last: dead letters
    said += run_cli(capsys, monkeypatch, home, "status")
    assert "failed" in said and "401" in said  # the errors did happen, and were reported
    with App.load(home).store as store:
        reasons = "\n".join(e.last_error for e in store.outbox())
    everything = "\n".join([said, caplog.text, reasons, files_text(home)])
    for name, value in secrets.items():
        assert value not in everything, f"the {name} secret leaked"
    # It did reach Jira (serverInfo, which anyone may read, apart).
    asked = [e for e in jira.requests() if not e.path.endswith("/serverInfo")]
    assert asked and all(e.status == 401 for e in asked)


def test_a_wrong_scim_token_is_reported_without_the_token(
    scim_server: ScimServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    token = marker("SCIM")
    monkeypatch.setenv("CC_SEC_SCIM", token)
    source = scim_plugin.make_source({"url": scim_server.tenant().url, "token_env": "CC_SEC_SCIM"})
    with pytest.raises(CareerconvError) as caught:
        source.read_people()
    assert "401" in str(caught.value) and "CC_SEC_SCIM" in str(caught.value)
    assert token not in str(caught.value) + caplog.text + repr(source) + repr(source.client)


def test_every_adapter_keeps_its_secret_out_of_repr_and_settings_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = marker("ENV")
    monkeypatch.setenv("CC_SEC_ANY", secret)
    host = make_plugin_manager()
    built = [
        host.create(
            AdapterKind.TRACKER,
            "jira",
            {
                "url": "https://x.example.com",
                "project": "CAREER",
                "deployment": "cloud",
                "email": "a@example.com",
                "token_env": "CC_SEC_ANY",
            },
        ),
        host.create(
            AdapterKind.CALENDAR,
            "caldav",
            {"url": "https://dav.example.com/c/", "user": "u", "password_env": "CC_SEC_ANY"},
        ),
        host.create(
            AdapterKind.NOTIFIER,
            "smtp",
            {
                "host": "mail.example.com",
                "user": "u",
                "password_env": "CC_SEC_ANY",
                "from_address": "a@example.com",
            },
        ),
        host.create(
            AdapterKind.HRIS_SOURCE, "scim", {"url": "https://scim.example.com/v2", "token_env": "CC_SEC_ANY"}
        ),
        host.create(AdapterKind.HRIS_SOURCE, "bamboohr", {"company": "acme", "api_key_env": "CC_SEC_ANY"}),
    ]
    for adapter in built:
        shown = repr(adapter) + "".join(repr(v) for v in vars(adapter).values())
        for inner in vars(adapter).values():
            if hasattr(inner, "__dict__") and not isinstance(inner, type):
                shown += "".join(repr(v) for k, v in vars(inner).items() if not k.startswith("_"))
        assert secret not in shown, type(adapter).__name__
    # A secret pasted into the config instead of an environment variable is refused, unrepeated.
    pasted = "abcDEF123" + secret.lower()  # shaped like a real 24+ character API token
    for kind, name, settings in [
        (
            AdapterKind.TRACKER,
            "jira",
            {
                "url": "https://x.example.com",
                "project": "CAREER",
                "deployment": "cloud",
                "email": "a@example.com",
                "token_env": pasted,
            },
        ),
        (AdapterKind.CALENDAR, "caldav", {"url": "https://dav.example.com/c/", "password": pasted}),
        (
            AdapterKind.CALENDAR,
            "caldav",
            {"url": "https://dav.example.com/c/", "user": "u", "password_env": pasted},
        ),
        (
            AdapterKind.NOTIFIER,
            "smtp",
            {"host": "m.example.com", "user": "u", "password_env": pasted, "from_address": "a@example.com"},
        ),
        (AdapterKind.CALENDAR, "imip", {"host": "m.example.com", "user": "u", "password_env": pasted}),
        (AdapterKind.HRIS_SOURCE, "scim", {"url": f"https://u:{pasted}@scim.example.com/v2"}),
        (AdapterKind.HRIS_SOURCE, "scim", {"url": "https://scim.example.com/v2", "token_env": pasted}),
        (AdapterKind.HRIS_SOURCE, "bamboohr", {"company": "acme", "api_key_env": pasted}),
    ]:
        with pytest.raises(CareerconvError) as caught:
            host.create(kind, name, settings)
        assert pasted not in str(caught.value), name


# ========================================================== CRLF injection
EVIL = "Rae\r\nATTENDEE:mailto:evil@example.com\r\nBcc: evil@example.com\r\nX-EVIL: 1"


def evil_invite() -> InviteView:
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    return InviteView(
        uid="p1-life_story@careerconv",
        sequence=0,
        method=InviteMethod.REQUEST,
        kind=InviteKind.LIFE_STORY,
        title=f"Life story {EVIL}",
        start=start,
        end=start + timedelta(hours=1),
        time_zone="Europe/Berlin",
        organizer=Participant("m1", f"Maya {EVIL}", "maya@example.com"),
        attendees=(Participant("r1", EVIL, "rae@example.com"),),
        agenda=(f"Welcome {EVIL}", "END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected"),
        coaching_questions=(f"What {EVIL}?",),
    )


def check_no_injected_properties(text: str) -> None:
    cal = icalendar.Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1, "a second event was injected"
    event = events[0]
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a).lower() for a in attendees] == ["mailto:rae@example.com"]
    assert "X-EVIL" not in event and "BCC" not in event
    for line in text.splitlines():
        assert not line.upper().startswith(("ATTENDEE:MAILTO:EVIL", "X-EVIL", "BCC:", "SUMMARY:INJECTED"))


def test_line_breaks_never_add_ics_properties(tmp_path: Path) -> None:
    backend = IcsCalendar(tmp_path)
    [outcome] = backend.deliver_invites([evil_invite()])
    assert outcome.ok, outcome.reason
    for path in tmp_path.rglob("*.ics"):
        check_no_injected_properties(path.read_text())


def test_line_breaks_never_add_mail_headers_or_recipients(smtp_server: SmtpServer, tmp_path: Path) -> None:
    settings = SmtpSettings.from_settings(
        "imip",
        {
            "host": "127.0.0.1",
            "port": str(smtp_server.port),
            "security": "none",
            "from_address": "careers@example.com",
        },
    )
    [sent] = ImipCalendar(settings, state_directory=tmp_path).deliver_invites([evil_invite()])
    notice = NoticeView(
        "n1",
        NoticeKind.PROPOSAL,
        Participant("r1", EVIL, "rae@example.com"),
        subject=f"Hello {EVIL}",
        body=f"Body {EVIL}",
    )
    [noticed] = SmtpNotifier(settings).deliver_notices([notice])
    assert sent.ok and noticed.ok, (sent.reason, noticed.reason)
    assert len(smtp_server.messages) == 2
    for received in smtp_server.messages:
        assert received.rcpt_tos == ["rae@example.com"]
        message = received.message
        assert "Bcc" not in message and "X-EVIL" not in message
        assert all("\n" not in str(v) and "\r" not in str(v) for v in message.values())
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                check_no_injected_properties(part.get_content())


# ============================================================ JQL and SCIM
NASTY_TITLES = [
    'Lead "the" review',
    'x" OR project = HR OR labels = "y',
    "a\nb OR 1=1",
    'labels in ("z")',
    "ORDER BY key DESC",
    "'; DROP",
    '\\" OR \\"',
]


def test_action_text_never_changes_the_jql_jira_receives(
    jira: FakeJira, monkeypatch: pytest.MonkeyPatch
) -> None:
    from careerconv_core.views import TicketView
    from careerconv_plugins.jira.plugin import make_tracker

    monkeypatch.setenv("CC_SEC_JIRA", jira.state.token)
    tracker = make_tracker(
        {
            "url": jira.url,
            "project": "CAREER",
            "deployment": "cloud",
            "email": "bot@example.com",
            "token_env": "CC_SEC_JIRA",
            "max_attempts": "1",
        }
    )
    owner = Participant("r1", "Rae", "rae@example.com")
    views = [
        TicketView(
            key=f"cc-p1-a-{n}{suffix}",
            plan_key="p1",
            title=title,
            due=date(2027, 3, 1),
            owner=owner,
            done_when=title,
        )
        for n, (title, suffix) in enumerate(
            zip(NASTY_TITLES, ["", '" OR x="', ")", " OR 1=1", "\n", "'", "\\"], strict=True)
        )
    ]
    tracker.deliver_tickets(views)
    searches = [e for e in jira.requests("POST") if e.path.endswith(("/search", "/search/jql"))]
    assert searches
    expected = {label_for("careerconv-", v.key) for v in views}
    for exchange in searches:
        jql = exchange.body["jql"]
        labels = parse_label_jql(jql)
        assert labels is not None, f"JQL is no longer a plain label query: {jql!r}"
        assert labels <= expected
        assert not any(t in jql for t in ("OR project", "1=1", "DROP", "\n"))
    assert all(len(jira.by_label(label)) == 1 for label in expected)  # each its own ticket
    tracker.close()


INJECTIONS = [
    '2026-01-01T00:00:00Z" or userName pr or id eq "x',
    "2026-01-01T00:00:00Z or active eq true",
    "2026-01-01T00:00:00Z)\r\n",
    "x",
    "",
    "2026-13-01T00:00:00Z",
]


@pytest.mark.parametrize("cursor", INJECTIONS)
def test_a_scim_cursor_that_is_not_a_timestamp_is_refused_before_any_request(
    cursor: str, scim_server: ScimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC_SEC_SCIM", scim_server.token)
    source = scim_plugin.make_source({"url": scim_server.tenant().url, "token_env": "CC_SEC_SCIM"})
    sent: list[Any] = []
    original = source.client.list_users
    monkeypatch.setattr(source.client, "list_users", lambda *a, **k: sent.append((a, k)) or original(*a, **k))
    with pytest.raises(CareerconvError, match="cursor"):
        source.read_people(cursor)
    assert sent == []


def test_scim_ids_from_the_server_are_quoted_into_filters(
    scim_server: ScimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = scim_server.tenant()
    boss = admin.create("boss", timezone="UTC")
    evil_manager = f'{boss}" or userName pr or id eq "x'
    admin.create("worker", timezone="UTC", manager=evil_manager)
    monkeypatch.setenv("CC_SEC_SCIM", scim_server.token)
    source = scim_plugin.make_source({"url": admin.url, "token_env": "CC_SEC_SCIM"})
    filters: list[str] = []
    original = source.client.list_users

    def spy(page: int, params: dict[str, str]) -> Any:
        filters.append(params.get("filter", ""))
        return original(page, params)

    monkeypatch.setattr(source.client, "list_users", spy)
    # The id rule refuses such a manager id (before or after a lookup): the read is refused,
    # and any filter that carried it carried it as one quoted literal, nothing more.
    with pytest.raises(CareerconvError):
        source.read_people("2000-01-01T00:00:00Z")
    for text in filters:
        assert "userName pr" not in text or text == f"id eq {json.dumps(evil_manager)}", text
    admin.session.close()


# ================================================================= webhook
def _deliver(app: BambooHrWebhookApp, body: bytes, stamp: str, sig: str) -> str:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_BAMBOOHR_TIMESTAMP": stamp,
        "HTTP_X_BAMBOOHR_SIGNATURE": sig,
    }
    answered: list[str] = []
    app(environ, lambda status, _h, *_: answered.append(status))  # type: ignore[arg-type, misc]
    return answered[0]


def test_webhook_signatures_are_compared_in_constant_time_and_replays_refused(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = marker("HOOK").encode()
    now = 1_800_000_000.0
    events: list[Any] = []
    app = BambooHrWebhookApp(secret, events.extend, clock=lambda: now)
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webhook_module.hmac, "compare_digest", spy)
    body = json.dumps(
        {"type": "employee.updated", "data": {"employeeId": "42", "changedFields": ["x"]}}
    ).encode()
    stamp = str(int(now))
    good = signature(secret, body, stamp)
    assert _deliver(app, body, stamp, good) == "204 No Content"
    assert compared and compared[-1][1] == good.encode()  # the check went through compare_digest
    assert _deliver(app, body, stamp, good) == "400 Bad Request"  # the same delivery again: a replay
    assert _deliver(app, body, stamp, good[:-1] + ("0" if good[-1] != "0" else "1")) == "401 Unauthorized"
    old = str(int(now - 3600))
    assert _deliver(app, body, old, signature(secret, body, old)) == "400 Bad Request"  # stale
    assert _deliver(app, body + b" ", stamp, good) == "401 Unauthorized"  # body changed
    assert len(events) == 1
    assert secret.decode() not in caplog.text + repr(app)


# ======================================================= privacy at servers
def test_no_private_marker_reaches_any_real_server(  # noqa: PLR0917 - servers
    tmp_path: Path,
    jira: FakeJira,
    radicale: CalendarServer,
    smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CC_SEC_JIRA", jira.state.token)
    monkeypatch.setenv("CC_SEC_CALDAV", radicale.password)
    collection = f"privacy-{uuid.uuid4().hex[:8]}"
    out = tmp_path / "out"
    home = write_home(
        tmp_path / "home",
        f"""\
[[calendar]]
adapter = "caldav"
settings = {{ url = "{radicale.home_url}{collection}/", user = "{radicale.user}", \
password_env = "CC_SEC_CALDAV" }}

[[calendar]]
adapter = "ics"
settings = {{ directory = "{out}/ics" }}

[[calendar]]
adapter = "imip"
settings = {{ host = "127.0.0.1", port = "{smtp_server.port}", security = "none", \
from_address = "careers@example.com", state_directory = "{out}/imip-state" }}

[[tracker]]
adapter = "jira"
settings = {{ url = "{jira.url}", project = "CAREER", deployment = "cloud", email = "bot@example.com", \
token_env = "CC_SEC_JIRA", max_attempts = "1" }}

[[notifier]]
adapter = "smtp"
settings = {{ host = "127.0.0.1", port = "{smtp_server.port}", security = "none", \
from_address = "careers@example.com" }}

[[notifier]]
adapter = "mailfiles"
settings = {{ directory = "{out}/mail", from_address = "careers@example.com" }}

[[hris_writer]]
adapter = "files"
settings = {{ directory = "{out}/hris" }}
""",
    )
    planter = Planter()
    app = App.load(home)
    clock = FixedClock(T0)
    app.clock = clock
    errors: list[str] = []
    try:
        app.store.commit(PlanChange(people=PEOPLE))
        svc = Services(app.store, clock, SequentialIds("v"), app.settings)
        plan_id = through_review(svc, clock, "r1")
        app.dispatcher().run_once()  # the first versions go out before the markers are planted
        plan = app.store.load_plan(plan_id)
        planted = planter.plant(
            attrs.evolve(
                plan,
                check_ins=(CheckIn(CheckInKind.CHECK_IN, clock(), True, "x"),),
                feedback=(FeedbackRating(Actor.REPORT, "r1", 7),),
                version=plan.version + 1,
            )
        )
        app.store.commit(PlanChange(plans=(planted,)))
        assert len(planter.markers) >= 12

        def attempt(step: Any) -> None:
            try:
                step()
            except CareerconvError as exc:
                errors.append(safe_message(exc))

        clock.advance(days=3)
        attempt(lambda: svc.write_grow(plan_id, "r1", app.store.load_plan(plan_id).grow))
        attempt(
            lambda: svc.check_in(
                plan_id, "m1", CheckInKind.CHECK_IN, notes="private", declines_more_conversation=True
            )
        )
        attempt(lambda: svc.choose_focus(plan_id, "m1", ["strategy"]))  # refused: M7
        attempt(lambda: svc.set_consent(plan_id, "r1", Consent(summary_to_hris=True)))
        attempt(lambda: svc.set_action_status(plan_id, "r1", "a1", True))
        svc.send_nudges(clock().date() + timedelta(days=400))
        svc.manager_changed("r1", "m2")
        attempt(lambda: svc.answer_handoff(plan_id, "r1", True))
        attempt(lambda: svc.schedule_handoff_meeting(plan_id, "m2", clock() + timedelta(days=1)))
        for _ in range(3):
            clock.advance(hours=2)
            app.dispatcher().run_once()
        stuck = list(app.store.outbox(["pending", "failed"]))
    finally:
        app.close()
    assert not stuck, [(e.key, e.last_error) for e in stuck]

    stored = radicale.folder / "collections" / "collection-root" / radicale.user / collection
    seen = {
        "radicale storage": files_text(stored),
        "radicale log": radicale.log_text(),
        "smtp": "\n".join(
            m.raw.decode("utf-8", "replace") + decoded_mail(m.raw) for m in smtp_server.messages
        ),
        "files": files_text(out),
        "logs": caplog.text,
        "errors": "\n".join(errors),
    }
    jira_bytes = "\n".join(json.dumps([e.method, e.path, e.query, e.body]) for e in jira.requests())
    assert list(stored.glob("*.ics")) and smtp_server.messages and jira.writes()  # all really received
    assert list((out / "hris").glob("*.json"))  # the summary went out
    for name, text in {**seen, "jira": jira_bytes}.items():
        assert planter.found_in(text, Visibility.PAIR) == [], f"a pair-only field reached {name}"
        assert planter.found_in(text, Visibility.SUMMARY) == [], f"the goal reached {name}"
    for name, text in seen.items():
        assert planter.found_in(text, Visibility.SHARED) == [], f"shared text reached {name}"
    assert planter.found_in(jira_bytes, Visibility.SHARED)  # the action is what a ticket is for
    assert serialization  # the planted plan round-trips through the real store (loaded above)
