"""With a web surface configured, the report's notices offer their own page and nothing else.

The command a notice would offer the report (``careerconv accept ... --as
jonas``) is refused once ``[web]`` is in careerconv.toml, so it is not
offered; the manager's notices keep their command, which the manager can run.
"""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from pathlib import Path

from support.web_home import MANAGER, REPORT, WebTeam


def _body(team: WebTeam, kind: str, reader: str) -> str:
    team.cli("dispatch")
    [path] = sorted((team.home / "mail").glob(f"*-{kind}-{reader}*.eml"))[-1:]
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_report_s_proposal_offers_only_their_page(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home")
    body = _body(team, "proposal", REPORT)
    assert "What to do: open your page, http://127.0.0.1:8765/l/" in body
    assert "careerconv accept" not in body and "--as" not in body and "command line" not in body


def test_the_manager_s_nudge_keeps_the_command_they_can_run(tmp_path: Path) -> None:
    team = WebTeam(tmp_path / "home", allow_acting_for_others=True)
    team.cli("accept", REPORT, "--as", REPORT)
    team.to_pinnacle()
    team.now += timedelta(days=10)  # conversation 2 passed without being recorded
    team.cli("due", "--manager", MANAGER, "--nudge")
    body = _body(team, "conversation_overdue", MANAGER)
    assert "What to do: open your page, http://127.0.0.1:8765/l/" in body
    assert f"Or at the command line: 'careerconv record {REPORT} pinnacle'" in body


def test_without_a_web_surface_the_report_is_offered_the_command(tmp_path: Path) -> None:
    import io

    from careerconv.cli import main
    from support.web_home import EXAMPLES

    home = tmp_path / "plain"
    out, err = io.StringIO(), io.StringIO()
    for argv in (["init"], ["org", "import", str(EXAMPLES / "org.toml")], ["propose", REPORT], ["dispatch"]):
        assert main(["--home", str(home), *argv], stdout=out, stderr=err) == 0, err.getvalue()
    [path] = list((home / "mail").glob(f"*-proposal-{REPORT}*.eml"))
    assert f"careerconv accept {REPORT} --as {REPORT}" in path.read_text(encoding="utf-8")
