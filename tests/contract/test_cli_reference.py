"""The command reference in the docs is the parser's own: it cannot drift from the commands."""

from __future__ import annotations

from careerconv.cli import build_parser
from careerconv.cli_reference import cli_reference
from tests_support_paths import ROOT

PAGE = ROOT / "docs" / "cli-reference.md"


def test_the_command_reference_is_generated_from_the_parser() -> None:
    assert PAGE.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli-reference.md is out of date: python -m careerconv.cli_reference > docs/cli-reference.md"
    )


def test_every_command_and_option_is_in_the_reference() -> None:
    page = PAGE.read_text(encoding="utf-8")
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    for name, sub in commands.choices.items():  # type: ignore[union-attr]
        assert f"## `{name}`" in page
        for action in sub._actions:
            for option in action.option_strings:
                assert option in {"-h", "--help"} or f"`{option}" in page, (name, option)
