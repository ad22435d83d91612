"""The README's library example runs as written."""

from __future__ import annotations

import contextlib
import io
import re

from tests_support_paths import ROOT


def test_readme_python_example_runs() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    assert out.getvalue().strip() == "3"


def test_readme_names_the_two_quickstart_commands_and_ci_runs_the_second() -> None:
    text = (ROOT / "README.md").read_text()
    assert "bash scripts/quickstart.sh" in text and "bash scripts/test.sh" in text
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_readme_python_example_needs_at_most_three_imports() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    imports = [line for line in block.splitlines() if re.match(r"(import|from) \w", line)]
    assert len(imports) <= 3, imports
