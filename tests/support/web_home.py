"""A careerconv home with a web surface configured, for the web and browser tests.

Built through the command line, as a team would (init, the example org, a
proposal), with ``[web]`` in careerconv.toml and a signing secret in the
environment; the pages run on the same clock as the commands, which a test
moves (``team.now``). The links are read from the mail the notifier wrote.
"""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from careerconv.app import App
from careerconv.cli import main
from careerconv.web import Signer, create_app
from careerconv_core.domain.conversations import ConversationKind

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
START = datetime.fromisoformat("2027-01-04T08:00:00+00:00")  # a Monday
SECRET_ENV = "CAREERCONV_TEST_WEB_SECRET"
SECRET = "test-secret-0123456789-abcdefghij"
BASE_URL = "http://127.0.0.1:8765"
REPORT, MANAGER, OTHER = "jonas", "maya", "aylin"


class WebTeam:
    """The example team in ``home``, with the report's proposal sent."""

    def __init__(self, home: Path, *, allow_acting_for_others: bool = False) -> None:
        os.environ[SECRET_ENV] = SECRET
        self.home = home
        self.now = START
        self.cli("init")
        with (home / "careerconv.toml").open("a", encoding="utf-8") as config:
            config.write(
                f'\n[web]\nbase_url = "{BASE_URL}"\nsecret_env = "{SECRET_ENV}"\n'
                f"allow_acting_for_others = {str(allow_acting_for_others).lower()}\n"
            )
        self.cli("org", "import", str(EXAMPLES / "org.toml"))
        self.cli("propose", REPORT, OTHER)
        self.app = App.load(home, clock=lambda: self.now)
        self.signer = Signer(SECRET.encode(), 14)

    def cli(self, *argv: str, expect: int = 0) -> str:
        """Run one command at ``now``; its standard output, or AssertionError with its error."""
        out, err = io.StringIO(), io.StringIO()
        code = main(["--home", str(self.home), *argv], clock=lambda: self.now, stdout=out, stderr=err)
        assert code == expect, f"careerconv {' '.join(argv)} exited {code}: {err.getvalue()}"
        return out.getvalue() + err.getvalue()

    def asgi(self, **options: Any) -> Any:
        """The pages over this home, on the team's clock."""
        return create_app(self.app.services(), self.signer, catalog=self.app.catalog(), **options)

    def plan(self, report: str = REPORT) -> Any:
        """The report's plan as stored now."""
        return next(iter(self.app.store.find_plans(report_id=report)))

    def mail_link(self, kind: str, reader: str = REPORT) -> str:
        """The path of the signed link in the latest ``kind`` notice to ``reader`` (after dispatch)."""
        self.cli("dispatch")
        files = sorted((self.home / "mail").glob(f"*-{kind}-{reader}*.eml"), key=lambda p: p.stat().st_mtime)
        assert files, f"no {kind} mail for {reader}"
        message = email.message_from_bytes(files[-1].read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        assert body is not None
        found = re.search(r"What to do: open your page, (\S+)", body.get_content())
        assert found, "the notice carries no link"
        url = found.group(1)
        assert url.startswith(BASE_URL + "/l/")
        return url[len(BASE_URL) :]

    def link(self, person: str, step: str, version: int | None = None, report: str = REPORT) -> str:
        """A freshly signed link path, as careerconv would send it."""
        plan = self.plan(report)
        return "/l/" + self.signer.sign(
            person, plan.id, step, plan.version if version is None else version, self.now
        )

    def to_pinnacle(self) -> None:
        """After the report accepted with conversation 1: the gate, the schedule, conversation 1 held."""
        self.now = START + timedelta(hours=3)
        self.cli("ready", REPORT)
        self.cli("schedule", REPORT, "--start", "2027-01-05")
        plan = self.plan()
        end = plan.conversation(ConversationKind.LIFE_STORY).end
        self.now = end + timedelta(hours=1)
        self.cli(
            "record", REPORT, "life_story", "--file", str(EXAMPLES / "records" / "jonas-life-story.toml")
        )
        pinnacle_end = plan.conversation(ConversationKind.PINNACLE).end
        self.now = pinnacle_end + timedelta(hours=1)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def version_of(html: str) -> str:
    """The plan version a page's form carries."""
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)
