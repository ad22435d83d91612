"""The manager-change flow end to end (M12): SCIM changes, the CLI syncs, consent comes first.

scim2-server runs on 127.0.0.1 (tests/servers/scim.py); careerconv is driven
through its command line with an org read from SCIM and notices written as
mail files, so the test sees exactly what each person would receive.
"""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

import pytest

from servers.scim import ScimAdmin
from support.cli import Cli

pytestmark = pytest.mark.servers

TOKEN_ENV = "TEST_HANDOFF_SCIM_TOKEN"


@pytest.fixture
def scim_cli(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    scim_tenant: ScimAdmin,
) -> tuple[Cli, ScimAdmin, dict[str, str]]:
    ids = {"helena": scim_tenant.create("helena", timezone="Europe/Berlin")}
    ids["maya"] = scim_tenant.create("maya", manager=ids["helena"], timezone="Europe/Berlin")
    ids["daniel"] = scim_tenant.create("daniel", manager=ids["helena"], timezone="America/New_York")
    ids["jonas"] = scim_tenant.create("jonas", manager=ids["maya"], timezone="Europe/Berlin")
    monkeypatch.setenv(TOKEN_ENV, scim_tenant.token)
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text().replace(
            '[hris_source]\nadapter = "orgfile"',
            f'[hris_source]\nadapter = "scim"\n'
            f'settings = {{ url = "{scim_tenant.url}", token_env = "{TOKEN_ENV}" }}',
        )
    )
    assert "4 added" in cli("org", "sync")
    return cli, scim_tenant, ids


def mails_to(cli: Cli, address: str) -> list[str]:
    out = []
    for path in sorted((cli.home / "mail").glob("*.eml")):
        message = message_from_bytes(path.read_bytes())
        if address in str(message["To"]):
            out.append(str(message["Subject"]))
    return out


def start_plan(cli: Cli, ids: dict[str, str]) -> None:
    jonas, maya = ids["jonas"], ids["maya"]
    cli("propose", jonas)
    cli("accept", jonas, "--as", jonas)
    cli("ready", jonas, "--as", maya)
    assert "1 placed" in cli("schedule", jonas, "--start", "2027-01-05")
    cli("dispatch")


def test_a_manager_change_in_scim_asks_the_report_and_shares_only_on_yes(
    scim_cli: tuple[Cli, ScimAdmin, dict[str, str]],
) -> None:
    cli, admin, ids = scim_cli
    start_plan(cli, ids)
    admin.set_manager(ids["jonas"], ids["daniel"])
    cli.now("2027-01-06T08:00:00+00:00")
    out = cli("org", "sync")
    assert "1 updated" in out and "asked for consent first" in out
    cli("dispatch")
    assert any("May your career plan go to your new manager" in s for s in mails_to(cli, "jonas@example.com"))
    assert mails_to(cli, "daniel@example.com") == []  # nothing before consent
    refused = cli("handoff", "consent", ids["jonas"], "yes", "--as", ids["daniel"], code=1)
    assert "M12:" in refused and "not shared" in refused  # the new manager has no say yet (M12)
    cli("handoff", "consent", ids["jonas"], "yes", "--as", ids["jonas"])
    cli("handoff", "meeting", ids["jonas"], "--at", "2027-01-08T15:00Z", "--as", ids["daniel"])
    cli("dispatch")
    assert mails_to(cli, "daniel@example.com") == [
        "Jonas shared their career plan with you"
    ]  # names the report (M10)
    meeting = next((cli.home / "invites").rglob("*handoff*.ics"), None) or next(
        p for p in (cli.home / "invites").rglob("*.ics") if "Handing over" in p.read_text()
    )
    text = meeting.read_text().replace("\r\n ", "").replace("\n ", "")  # unfold RFC 5545 lines
    for who in ("jonas@example.com", "maya@example.com", "daniel@example.com"):
        assert who in text


def test_a_report_deleted_mid_handoff_ends_the_plan_and_shares_nothing(
    scim_cli: tuple[Cli, ScimAdmin, dict[str, str]],
) -> None:
    cli, admin, ids = scim_cli
    start_plan(cli, ids)
    admin.set_manager(ids["jonas"], ids["daniel"])
    cli("org", "sync")
    admin.deactivate(ids["jonas"])
    out = cli("org", "sync")
    assert "1 removed" in out and "ended: the report left" in out
    cli("dispatch")
    assert mails_to(cli, "daniel@example.com") == []
    # Every invite of the plan is now a cancellation.
    unfolded = [
        p.read_text().replace("\r\n ", "").replace("\n ", "") for p in (cli.home / "invites").rglob("*.ics")
    ]
    texts = [t for t in unfolded if "jonas@example.com" in t]
    assert texts and all(
        "METHOD:CANCEL" in t or "STATUS:CANCELLED" in t for t in texts if "Career conversation" in t
    )


def test_a_dangling_manager_in_scim_changes_nothing(
    scim_cli: tuple[Cli, ScimAdmin, dict[str, str]],
) -> None:
    cli, admin, ids = scim_cli
    admin.set_manager(ids["jonas"], "no-such-user")
    out = cli("org", "sync", code=1)
    assert "no-such-user" in out
    assert "no-such-user" in cli("org", "sync", "--full", code=1)


def test_a_wrong_token_is_a_clear_error_without_the_token(
    scim_cli: tuple[Cli, ScimAdmin, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli, _admin, _ids = scim_cli
    monkeypatch.setenv(TOKEN_ENV, "WRONGTOKENMARKER123")
    out = cli("org", "sync", "--full", code=1)
    assert "error:" in out and "WRONGTOKENMARKER123" not in out
