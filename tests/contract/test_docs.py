"""The documentation builds without a warning and cannot drift from the code.

* the Sphinx build (``-W --keep-going``) fails on any warning, from any page;
* every hook in ``careerconv_core.hookspecs`` appears in the built hook reference;
* every rule M1-M16 has its anchor in the method page;
* the example plugin in the plugin guide runs as written.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest

from careerconv_core import hookspecs
from careerconv_core.domain.events import EventName
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import Notifier, OutcomeStatus
from careerconv_core.views import NoticeKind, NoticeView, Participant

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOOK_NAMES = sorted(name for name in vars(hookspecs) if name.startswith("careerconv_"))
RULES = [f"m{n}" for n in range(1, 17)]


@pytest.fixture(scope="module")
def built_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the docs once for this module; fail with every warning if there is one."""
    out = tmp_path_factory.mktemp("html")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(DOCS), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"the docs build has warnings or errors:\n{proc.stderr}{proc.stdout}")
    return out


def test_docs_build_without_warnings(built_html: Path) -> None:
    for page in ("index", "concepts", "method", "plugins", "hooks", "records", "adapters/index"):
        assert (built_html / f"{page}.html").is_file(), page


def test_hooks_exist_to_document() -> None:
    # Guards the check below against an empty list after a refactor.
    assert "careerconv_competency_catalogs" in HOOK_NAMES
    assert "careerconv_domain_event" in HOOK_NAMES


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_every_hook_is_in_the_hook_reference(built_html: Path, hook: str) -> None:
    html = (built_html / "hooks.html").read_text(encoding="utf-8")
    # The anchor autodoc gives a documented function, not just a passing mention.
    assert f'id="careerconv_core.hookspecs.{hook}"' in html, f"{hook} is not documented"


@pytest.mark.parametrize("event", list(EventName), ids=lambda e: e.value)
def test_every_domain_event_name_is_in_the_hook_reference(built_html: Path, event: EventName) -> None:
    html = (built_html / "hooks.html").read_text(encoding="utf-8")
    anchor = f'id="careerconv_core.domain.events.EventName.{event.name}"'
    assert anchor in html, f"{event.value} is not documented"
    assert event.value in html


def test_every_rule_has_its_anchor() -> None:
    source = (DOCS / "method.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert re.search(rf"^\({rule}\)=$", source, re.MULTILINE), f"no ({rule})= in method.md"
        number = rule[1:]
        assert re.search(rf"^### M{number} ", source, re.MULTILINE), f"no heading for M{number}"


def test_rule_anchors_reach_the_built_page(built_html: Path) -> None:
    html = (built_html / "method.html").read_text(encoding="utf-8")
    for rule in RULES:
        assert f'id="{rule}"' in html, rule


def _example_plugin() -> types.ModuleType:
    source = (DOCS / "plugins.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", source, re.DOTALL)
    [code] = [b for b in blocks if b.startswith('"""careerconv_jsonl_notices')]
    module = types.ModuleType("careerconv_jsonl_notices")
    exec(compile(code, "docs/plugins.md", "exec"), module.__dict__)  # noqa: S102 - our own docs
    return module


def test_example_plugin_in_the_guide_works(tmp_path: Path) -> None:
    plugin = _example_plugin()
    host = make_plugin_manager(load_entry_points=False, plugins=[plugin])
    assert set(host.adapters(AdapterKind.NOTIFIER)) == {"jsonl"}
    path = tmp_path / "notices.jsonl"
    notifier = host.create(AdapterKind.NOTIFIER, "jsonl", {"path": str(path)})
    assert isinstance(notifier, Notifier)
    notice = NoticeView(
        key="plan-1/check-in/2026-12",
        kind=NoticeKind.CHECK_IN_DUE,
        recipient=Participant("p1", "Ada", "ada@example.test"),
        subject="Career check-in due",
        body="Add the check-in to your next 1:1.",
        due=date(2026, 12, 1),
    )
    first = notifier.deliver_notices([notice])
    again = notifier.deliver_notices([notice])
    assert [o.status for o in first] == [OutcomeStatus.DELIVERED]
    assert [o.status for o in again] == [OutcomeStatus.UNCHANGED]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1

    blocked = tmp_path / "missing-dir" / "notices.jsonl"
    failing = host.create(AdapterKind.NOTIFIER, "jsonl", {"path": str(blocked)})
    [outcome] = failing.deliver_notices([notice])
    assert outcome.status is OutcomeStatus.RETRY
    assert "Ada" not in outcome.reason
