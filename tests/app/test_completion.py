"""``careerconv completion``: the scripts, run in the real shells, complete what the parser takes.

bash is driven as its completion machinery drives a function (COMP_WORDS, COMP_CWORD, then
COMPREPLY), with the words split where bash splits them (at each ``:`` and ``=`` of its
COMP_WORDBREAKS); fish by its own ``complete -C``; zsh, which completes only inside its line
editor, runs the script with ``compadd`` and ``_files`` standing in, to see what it offers.
"""

from __future__ import annotations

import io
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
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


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home where jonas has a GROW plan, its actions named REPORT:ACTION."""
    folder = tmp_path_factory.mktemp("completion") / "planned"
    records = EXAMPLES / "records"
    steps = [
        ["init"],
        ["org", "import", str(EXAMPLES / "org.toml")],
        ["propose", "jonas"],
        ["accept", "jonas", "--as", "jonas"],
        ["opt-in", "jonas", "--as", "jonas"],
        ["ready", "jonas"],
        ["schedule", "jonas", "--start", "2027-01-05"],
        ["record", "jonas", "life_story", "--file", str(records / "jonas-life-story.toml")],
        ["record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-manager.toml")],
        [
            "record",
            "jonas",
            "pinnacle",
            "--file",
            str(records / "jonas-pinnacle-report.toml"),
            "--as",
            "jonas",
        ],
        ["record", "jonas", "grow", "--file", str(records / "jonas-grow.toml"), "--as", "jonas"],
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREERCONV_NOW", "2027-01-04T08:00:00+00:00")
        for n, step in enumerate(steps):
            if n == 7:
                patch.setenv("CAREERCONV_NOW", "2027-01-20T08:00:00+00:00")
            code = main(["--home", str(folder), *step], stdout=io.StringIO(), stderr=io.StringIO())
            assert code == 0, step
    return folder


def script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], stdout=out) == 0
    return out.getvalue()


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "CAREERCONV_HOME": str(home)}


def bash(home: Path, *words: str) -> list[str]:
    """What bash offers for the last of ``words`` (typed after ``careerconv``), as COMP_WORDS
    holds them: a word bash splits at ':' or '=' is given here as its pieces."""
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


def test_bash_completes_report_action_ids_split_at_the_colon(planned: Path) -> None:
    ids = bash(planned, "action", "done", "jon")  # no ':' yet: whole ids replace the word
    assert "jonas:mentor" in ids and all(i.startswith("jonas:") for i in ids)
    # 'jonas:' is three words to bash ('jonas', ':', ''); readline replaces what follows the ':'
    after = bash(planned, "action", "done", "jonas", ":", "")
    assert "mentor" in after and all(":" not in a for a in after)
    assert after == [i.removeprefix("jonas:") for i in ids]
    assert bash(planned, "action", "done", "jonas", ":", "men") == ["mentor"]
    assert bash(planned, "action", "done", "priya", ":", "") == []  # no GROW plan


def test_bash_reads_the_home_given_as_home_equals_path(planned: Path, tmp_path: Path) -> None:
    nowhere = tmp_path / "none"  # $CAREERCONV_HOME names an empty folder: only --home=PATH has people
    assert bash(nowhere, "accept", "j") == []
    assert bash(nowhere, "--home", "=", str(planned), "accept", "j") == ["jonas"]
    assert "mentor" in bash(nowhere, "--home", "=", str(planned), "action", "done", "jonas", ":", "")
    # an option's value in the same word: '--as=jo' completes, readline keeping '--as='
    assert bash(planned, "accept", "jonas", "--as", "=", "jo") == ["jonas"]
    (tmp_path / "home-a").mkdir()
    assert bash(planned, "--home", "=", str(tmp_path / "home-")) == [str(tmp_path / "home-a")]


def test_candidates_read_home_equals_path_and_values_in_the_word(planned: Path) -> None:
    parser = build_parser()
    assert candidates([f"--home={planned}", "action", "done"], "jonas:m", parser) == ["jonas:mentor"]
    assert candidates([f"--home={planned}", "accept", "jonas"], "--as=pr", parser) == ["--as=priya"]
    assert candidates(["export"], "--format=h", parser) == ["--format=html"]
    assert candidates(["--home=x"], "--home=", parser) == [FILES]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_report_actions_and_reads_home_equals_path(planned: Path, tmp_path: Path) -> None:
    path = tmp_path / "careerconv.fish"
    path.write_text(script("fish"), encoding="utf-8")

    def fish(line: str) -> list[str]:
        done = subprocess.run(
            ["fish", "--no-config", "-c", f"source {path}; complete -C '{line}'"],
            env=env(tmp_path / "none"),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return [w.split("\t")[0] for w in done.stdout.splitlines()]

    assert fish(f"careerconv --home={planned} action done jonas:men") == ["jonas:mentor"]
    assert fish(f"careerconv --home={planned} accept jo") == ["jonas"]
    assert fish("careerconv accept jo") == []


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completes_report_actions_and_reads_home_equals_path(planned: Path, tmp_path: Path) -> None:
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
            env=env(tmp_path / "none"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,  # the script returns 1 when it offers nothing, as a zsh completer does
        )
        return done.stdout.split()

    assert zsh(f"--home={planned}", "action", "done", "jonas:men") == ["jonas:mentor"]
    assert zsh(f"--home={planned}", "accept", "jo") == ["jonas"]
    assert zsh("accept", "jo") == []


def at_a_terminal(home: Path, line: str) -> str:
    """The line as bash at a terminal leaves it after one Tab: readline inserts the answers.

    The keys after the Tab make the line a comment, run it, and print it back from the history.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: an interactive bash, this venv's careerconv first on its PATH
        os.environ.update(env(home), PS1="$ ", HISTFILE=os.devnull)
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])  # noqa: S606 - no shell to start it
    keys = f'eval "$(careerconv completion bash)"\r{line}\t\x01#\rfc -ln -1; echo __END__\r'
    os.write(fd, keys.encode())
    seen, end = b"", time.monotonic() + 120
    while b"\n__END__" not in seen and time.monotonic() < end:
        if select.select([fd], [], [], 1)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    os.write(fd, b"exit\r")
    os.waitpid(pid, 0)
    text = seen.decode(errors="replace").replace("\r", "")
    found = re.search(r"#(careerconv[^\n]*)\n__END__", text)  # fc's line, after the terminal's codes
    assert found is not None, text
    return found.group(1)


def test_bash_at_a_terminal_inserts_ids_unescaped_and_folders_with_their_slash(planned: Path) -> None:
    # readline, told the answers are file names, would write 'jonas\\:' and break the next Tab
    assert at_a_terminal(planned, "careerconv action done jon") == "careerconv action done jonas:"
    assert at_a_terminal(planned, "careerconv action done jonas:me") == "careerconv action done jonas:mentor "
    folder = str(EXAMPLES.parent)
    assert at_a_terminal(planned, f"careerconv org import {folder}/exa") == (
        f"careerconv org import {folder}/examples/"
    )


def test_completing_from_a_home_leaves_the_callers_logging_as_it_was(home: Path) -> None:
    """An in-process host's logging still works after a completion read the store."""
    import logging

    out = io.StringIO()
    assert main(["__complete", "--home", str(home), "accept", ""], stdout=out) == 0
    assert "jonas" in out.getvalue().split()
    assert logging.root.manager.disable == logging.NOTSET  # nothing left silenced
