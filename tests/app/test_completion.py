"""``careerconv completion``: the scripts, run in the real shells, complete what the parser takes.

bash is driven as its completion machinery drives a function (COMP_WORDS, COMP_CWORD, then
COMPREPLY); fish by its own ``complete -C``; zsh, which completes only inside its line
editor, runs the script with ``compadd`` and ``_files`` standing in, to see what it offers.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from careerconv.cli import build_parser, main
from careerconv.cli._completion import FILES, candidates
from tests_support_paths import EXAMPLES

BIN = str(Path(sys.executable).parent)  # where this venv's 'careerconv' script is


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("completion") / "home"
    assert main(["--home", str(folder), "init"], stdout=io.StringIO()) == 0
    org = str(EXAMPLES / "org.toml")
    assert main(["--home", str(folder), "org", "import", org], stdout=io.StringIO()) == 0
    return folder


def script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], stdout=out) == 0
    return out.getvalue()


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "CAREERCONV_HOME": str(home)}


def bash(home: Path, *words: str) -> list[str]:
    """What bash offers for the last of ``words`` (typed after ``careerconv``)."""
    quoted = " ".join(f"'{w}'" for w in ("careerconv", *words))
    program = (
        f'eval "$(careerconv completion bash)"\n'
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words)}\n"
        '_careerconv; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", program],
        env=env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line]


def test_bash_completes_commands_subcommands_options_and_choices(home: Path) -> None:
    assert {"propose", "schedule", "due", "org", "completion"} <= set(bash(home, ""))
    assert bash(home, "sch") == ["schedule"]
    assert bash(home, "org", "") == ["import", "sync"]
    assert set(bash(home, "due", "--")) >= {"--manager", "--on", "--nudge", "--json", "--quiet"}
    assert bash(home, "completion", "") == ["bash", "zsh", "fish"]
    assert bash(home, "handoff", "path", "priya", "") == ["full", "abbreviated", "continue"]


def test_bash_completes_person_ids_from_the_store(home: Path, tmp_path: Path) -> None:
    assert bash(home, "accept", "j") == ["jonas"]
    assert bash(home, "schedule", "--team", "ma") == ["marcus", "maya"]
    assert "priya" in bash(home, "accept", "jonas", "")  # several reports: each one completes
    # --home given on the line is the store read; a folder with none offers nobody, silently.
    assert bash(home, "--home", str(tmp_path / "none"), "accept", "j") == []


def test_bash_completes_roles_and_adapters_of_the_home(home: Path) -> None:
    roles = bash(home, "catalog", "show", "")
    assert len(roles) > 5 and all(" " not in r for r in roles)
    assert roles[0] in bash(home, "catalog", "show", roles[0][:3])
    assert all(r.startswith(roles[0][:3]) for r in bash(home, "catalog", "show", roles[0][:3]))
    assert "ics" in bash(home, "rebuild", "--adapter", "")
    assert bash(home, "retry", "") == []  # nothing has failed


def test_bash_completes_file_names_where_a_file_is_taken(home: Path, tmp_path: Path) -> None:
    (tmp_path / "org-new.toml").write_text("", encoding="utf-8")
    assert bash(home, "org", "import", str(tmp_path / "org-")) == [str(tmp_path / "org-new.toml")]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_through_its_own_complete(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "careerconv.fish"
    path.write_text(script("fish"), encoding="utf-8")

    def fish(line: str) -> list[str]:
        done = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            env=env(home),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return [w.split("\t")[0] for w in done.stdout.splitlines()]

    assert fish("careerconv org ") == ["import", "sync"]
    assert fish("careerconv accept jo") == ["jonas"]
    assert "--nudge" in fish("careerconv due --")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_offers_what_the_parser_takes(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "_careerconv"
    path.write_text(script("zsh"), encoding="utf-8")

    def zsh(*words: str) -> list[str]:
        quoted = " ".join(f"'{w}'" for w in ("careerconv", *words))
        program = (
            'compdef() { :; }; compadd() { shift; print -l -- "$@"; }; _files() { print __zsh_files__; }\n'
            f"source {path}\nwords=({quoted}); CURRENT={len(words) + 1}\n_careerconv"
        )
        done = subprocess.run(
            ["zsh", "-f", "-c", program],
            env=env(home),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.split()

    assert zsh("org", "") == ["import", "sync"]
    assert zsh("feedback-report", "--manager", "so") == ["sofia"]
    assert zsh("demo", "") == ["__zsh_files__"]


def test_candidates_follow_the_parser_without_a_store() -> None:
    parser = build_parser()
    assert candidates(["record", "jonas"], "g", parser) == ["grow", "grow_review"]
    assert candidates(["export"], "--f", parser) == ["--format"]
    assert candidates(["export", "--format"], "", parser) == ["md", "html"]
    assert candidates(["demo"], "", parser) == [FILES]
    assert candidates(["status", "extra"], "", parser) == []  # a command that takes no words


def test_the_hidden_word_is_in_no_help() -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        main(["--help"], stdout=out)
    assert "__complete" not in out.getvalue() and "completion" in out.getvalue()
