"""``--json``: one document on standard output, validated against its published schema.

* the committed schemas in docs/schemas/cli/ are what ``careerconv.document_schema`` writes now;
* every command of ``JSON_COMMANDS`` is run for real, here, and what it prints validates
  against the schema of its document; a failure is one error document, the last line of
  standard error, with the exit code the text output gives; every line of standard error is
  a JSON document (``log`` or ``error``), warnings and ``-v`` log records included;
* no note planted in a plan reaches any document;
* exactly the commands of ``JSON_COMMANDS`` take ``--json``, and docs/cli.md names each.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from careerconv.cli import build_parser, main
from careerconv.cli._output import JSON_COMMANDS, STDERR_DOCUMENTS
from careerconv.document_schema import DOCUMENTS, FOLDER, schema_file_name, schema_text
from careerconv.document_schema import main as write_main
from tests_support_paths import EXAMPLES, ROOT

NOW = "2027-01-04T08:00:00+00:00"
MARKER = "PRIVATE-NOTE-7f3a"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((FOLDER / schema_file_name(name)).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


class JsonCli:
    """Runs ``careerconv --home <tmp> ... --json`` in-process; checks each document it prints."""

    def __init__(self, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
        self.home = home
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.validated: set[str] = set()
        self.printed: list[str] = []
        self.now(NOW)

    def now(self, when: str) -> None:
        self.monkeypatch.setenv("CAREERCONV_NOW", when)

    def text(self, *argv: str) -> str:
        """A command as text, to set the scene."""
        code = main(["--home", str(self.home), *argv])
        out, err = self.capsys.readouterr()
        assert code == 0, err
        return out

    def __call__(self, command: str, *argv: str, code: int = 0) -> dict[str, Any]:
        """``careerconv COMMAND ARGV --json``: its document (validated), or on failure the error one."""
        try:
            got = main(["--home", str(self.home), *command.split(), *argv, "--json"])
        except SystemExit as exc:
            got = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        self.printed += [out, err]
        assert got == code, f"{command} {argv} exited {got}: {err or out}"
        self.stderr = [json.loads(line) for line in err.splitlines()]  # each line one document
        for said in self.stderr:
            assert said["document"] in STDERR_DOCUMENTS
            validator(said["document"]).validate(said)
        doc: dict[str, Any] | None = None
        if out:
            [line] = out.splitlines()  # one document, on one line
            doc = json.loads(line)
            assert doc["document"] == JSON_COMMANDS[command]
            validator(doc["document"]).validate(doc)
            self.validated.add(command)
        if code == 0:
            assert doc is not None, f"{command} printed no document"
            return doc
        error = json.loads(err.splitlines()[-1])
        validator("error").validate(error)
        assert error["exit_code"] == code and error["command"] == command
        return error


@pytest.fixture
def cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[JsonCli]:
    runner = JsonCli(tmp_path / "home", capsys, monkeypatch)
    runner.text("init")
    yield runner


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_committed_schema_is_the_generated_one(name: str) -> None:
    committed = (FOLDER / schema_file_name(name)).read_text(encoding="utf-8")
    assert committed == schema_text(name), "regenerate them: python -m careerconv.document_schema"


def test_the_generator_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert write_main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(map(schema_file_name, DOCUMENTS))
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(map(schema_file_name, DOCUMENTS))
    capsys.readouterr()


def leaves(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs and words:
        yield " ".join(words), parser
    for action in subs:
        for name, child in action.choices.items():
            yield from leaves(child, (*words, name))


def test_exactly_the_listed_commands_take_json_and_each_has_a_document() -> None:
    taking = {
        path for path, parser in leaves(build_parser()) if any(a.dest == "json" for a in parser._actions)
    }
    assert taking == set(JSON_COMMANDS)
    assert set(JSON_COMMANDS.values()) | set(STDERR_DOCUMENTS) == set(DOCUMENTS)
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in JSON_COMMANDS:
        assert f"`{command}`" in page, f"docs/cli.md does not name '{command} --json'"
    for name in DOCUMENTS:
        assert f"schemas/cli/{schema_file_name(name)}" in page


def more_feedback(home: Path, report_id: str) -> None:
    """Four more ratings on ``report_id``'s plan, as if four more people had given theirs."""
    from attrs import evolve

    from careerconv.app import App
    from careerconv_core.domain.feedback import FeedbackRating
    from careerconv_core.domain.roles import Actor
    from careerconv_core.ports import PlanChange

    app = App.load(home)
    try:
        [plan] = app.store.find_plans(report_id=report_id)
        extra = tuple(FeedbackRating(Actor.REPORT, f"x{n}", 6 + n) for n in range(4))
        bumped = evolve(plan, feedback=plan.feedback + extra, version=plan.version + 1)
        app.store.commit(PlanChange(plans=(bumped,)))
    finally:
        app.close()


def test_every_command_prints_a_document_its_schema_accepts(cli: JsonCli, tmp_path: Path) -> None:
    records = EXAMPLES / "records"
    cli("adapters")
    assert cli("config check")["problems"] == []
    preview = cli("org import", str(EXAMPLES / "org.toml"), "--dry-run")
    assert preview["dry_run"] is True and "jonas" in preview["added"]
    assert "jonas" in cli("org import", str(EXAMPLES / "org.toml"))["added"]
    proposed = cli("propose", "--team", "maya")
    assert {s["report_id"] for s in proposed["steps"]} >= {"jonas", "aylin", "priya"}
    assert cli("propose", "--team", "maya")["kept"]  # every one has a plan now: kept
    for report in ("jonas", "priya"):
        cli("accept", report, "--as", report)
    cli("opt-in", "jonas", "--as", "jonas")
    cli("ready", "jonas", "priya")
    schedule = cli("schedule", "jonas", "priya", "--start", "2027-01-05")
    [team] = schedule["teams"]
    placed = {p["report_id"]: p for p in team["placed"]}
    start = placed["jonas"]["conversations"][0]["start"]
    assert start[-6:] in ("+01:00", "+02:00"), "maya's times carry Berlin's offset"
    cli("reschedule", "jonas", "pinnacle", "--to", "2027-01-20T15:00", "--shift-later")
    assert cli("status")["pending"]
    dispatched = cli("dispatch")
    assert sum(t["delivered"] for t in dispatched["adapters"]) > 0
    assert cli("dispatch")["nothing_due"] is not None
    cli.now("2027-01-20T08:00:00+00:00")
    story = tmp_path / "story.toml"
    story.write_text(
        (records / "jonas-life-story.toml")
        .read_text(encoding="utf-8")
        .replace('notes = "', f'notes = "{MARKER} ', 1),
        encoding="utf-8",
    )
    cli("record", "jonas", "life_story", "--file", str(story))
    cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-manager.toml"))
    cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-report.toml"), "--as", "jonas")
    cli("record", "jonas", "grow", "--file", str(records / "jonas-grow.toml"), "--as", "jonas")
    cli("record", "jonas", "grow_review")
    actions = cli("actions", "--report", "jonas")["actions"]
    assert any(a["action_id"] == "mentor" for a in actions)
    cli("action", "done", "jonas:mentor", "--as", "jonas")
    cli("checkin", "jonas", "--on-track", "yes", "--notes", MARKER)
    cli("followups", "jonas")
    cli("consent", "jonas", "--summary-to-hris", "--as", "jonas")
    cli("feedback", "jonas", "9", "--as", "jonas")
    refused = cli("feedback-report", "--manager", "maya", code=1)
    assert refused["errors"][0]["rule"] == "M16"
    more_feedback(cli.home, "jonas")  # four more people's ratings: a group HR may see (M16)
    assert cli("feedback-report")["people"] == 5
    due = cli("due", "--manager", "maya", "--on", "2027-06-30", "--nudge")
    assert due["items"] and due["nudges_queued"] is not None
    assert all(item["overdue"] == (item["due"] < "2027-06-30") for item in due["items"])
    cli("reciprocity", "jonas", "--as", "jonas")
    cli("meeting", "jonas", "manager_life_story", "--at", "2027-02-03T15:00")
    cli("pause", "jonas")
    cli("resume", "jonas")
    cli("decline", "aylin")
    assert cli("catalog list", "--roles")["competencies"] == []
    role = cli("catalog list")["roles"][0]["id"]
    assert cli("catalog show", role)["id"] == role
    moved = cli("org import", str(EXAMPLES / "org-later.toml"))
    assert any(h["report_id"] == "priya" for h in moved["handoffs"])
    status = cli("handoff status", "priya")
    assert status["handoff"]["new_manager_id"] == "daniel"
    cli("handoff consent", "priya", "yes", "--as", "priya")
    cli("handoff meeting", "priya", "--at", "2027-01-27T15:00Z", "--as", "daniel")
    cli("handoff path", "priya", "continue", "--as", "daniel")
    assert cli("handoff status", "jonas")["handoff"] is None
    config = cli.home / "careerconv.toml"
    text = config.read_text(encoding="utf-8")
    later = EXAMPLES / "org-later.toml"
    source = f'adapter = "orgfile"\nsettings = {{ path = "{later}" }}\n'
    config.write_text(text.replace('adapter = "orgfile"\n', source), encoding="utf-8")
    assert cli("org sync", "--dry-run")["dry_run"] is True
    upkeep(cli, tmp_path)
    assert cli.validated == set(JSON_COMMANDS), f"not run here: {set(JSON_COMMANDS) - cli.validated}"
    assert all(MARKER not in printed for printed in cli.printed)


def upkeep(cli: JsonCli, tmp_path: Path) -> None:
    """The commands of setting up and keeping the store, on the home the method ran in."""
    assert cli("init", "--force")["key_file"] is None  # the key that opens the store is kept
    fresh = JsonCli(tmp_path / "fresh", cli.capsys, cli.monkeypatch)
    made = fresh("init")
    assert made["key_file"] == str(tmp_path / "fresh" / "careerconv.key")
    cli.validated |= fresh.validated
    cli.now("2027-01-20T08:00:00+00:00")  # the fresh home set the clock back to its own start
    catalog = EXAMPLES / "catalog"
    imported = cli(
        "catalog import",
        "--competencies",
        str(catalog / "competencies.csv"),
        "--roles",
        str(catalog / "roles.csv"),
    )
    assert imported["roles"] > 0 and imported["competencies"] > 0
    before = cli("store key-status")
    assert before["encrypted"] and before["rotating_to"] is None and before["wrapped"]
    rotated = cli("store rotate-key")
    assert rotated["rewrapped"] == sum(w["data_keys"] for w in before["wrapped"]) and rotated["key_file"]
    after = cli("store key-status")
    assert after["master"] != before["master"] and [w["master"] for w in after["wrapped"]] == [
        after["master"]
    ]
    assert cli("store new-key")["key"] and cli("store new-key")["file"] is None
    key = tmp_path / "new.key"
    assert cli("store new-key", "--file", str(key)) == {
        "document": "store-new-key",
        "version": 1,
        "file": str(key),
        "key": None,
    }
    assert cli("retry")["queued"] == 0
    assert cli("retry", "nope", code=1)["errors"][0]["message"].startswith("error: cannot retry")
    rebuilt = cli("rebuild")["adapters"]
    assert any(a["adapter"] == "ics" and a["rebuilt"] and a["views"] > 0 for a in rebuilt)
    assert all(not a["failures"] for a in rebuilt)
    cli.text("dispatch")  # every ticket delivered: each can be read back
    [tracker] = cli("sync-tickets")["trackers"]  # the embedded file tracker
    assert tracker["tracker"] == "files" and tracker["waiting"] == 0 and tracker["deleted"] == []
    assert tracker["read"] == 3  # jonas's three GROW actions
    assert cli("sync-answers")["reading"] is False  # the embedded .ics calendar reads no answers
    story = cli("team-story", "maya", "--at", "2027-02-10T10:00")
    assert story["manager_id"] == "maya" and story["uid"]
    cli.text("export", "jonas", "--out", str(tmp_path / "jonas.md"))  # a disclosure on the trail
    audit = cli("audit", "jonas", "--verify")
    assert audit["verified"] and any(d["kind"] == "export" for d in audit["disclosures"])
    cli.text("org", "import", str(EXAMPLES / "org.toml"))  # priya back to maya: a handoff asked
    cli.now("2027-06-01T08:00:00+00:00")  # long after its answer was due
    assert cli("handoff expire")["expired"] >= 1
    assert cli("handoff expire")["expired"] == 0
    cli.now("2028-06-01T08:00:00+00:00")
    dry = cli("maintain", "--months", "1", "--dry-run")
    assert dry["dry_run"] and dry["erased"] == len(dry["plans"]) >= 1  # aylin declined
    assert any(p["report_id"] == "aylin" for p in dry["plans"])
    done = cli("maintain", "--months", "1")
    assert done["erased"] == dry["erased"] and done["plans"] == [] and done["vacuumed"]
    preview = cli("person erase", "jonas", "--dry-run")
    assert preview["erased"] is False and preview["plans"] == 1
    asked = cli("person erase", "jonas", code=2)  # no question where the document goes
    assert "nothing is asked" in asked["errors"][0]["message"] and asked["command"] == "person erase"
    erased = cli("person erase", "jonas", "--yes")
    assert erased["erased"] and erased["plans"] == 1 and erased["retractions"] >= 1


def test_a_refusal_is_an_error_document_with_its_rule_and_fix_apart(cli: JsonCli) -> None:
    cli.text("org", "import", str(EXAMPLES / "org.toml"))
    cli.text("propose", "jonas", "aylin")
    # aylin has not accepted: placing her is refused (M1) after jonas's refusal too
    error = cli("ready", "jonas", "aylin", "nobody", code=1)
    assert len(error["errors"]) == 3 and [e["type"] for e in error["errors"]][-1] == "NotFound"
    first = error["errors"][0]
    assert first["rule"] == "M1" and first["fix"] and first["message"].startswith("error: M1:")


def test_a_usage_error_is_an_error_document_with_exit_2(cli: JsonCli) -> None:
    error = cli("due", "--on", "soon", code=2)
    [entry] = error["errors"]
    assert entry["type"] == "UsageError" and "expected a date" in entry["message"]
    assert cli("actions", "--report", "nobody", code=1)["errors"][0]["type"] == "NotFound"


def test_a_command_without_json_refuses_the_option(cli: JsonCli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(cli.home), "export", "jonas", "--json"])
    assert exited.value.code == 2
    error = json.loads(capsys.readouterr().err)
    assert "unrecognized arguments: --json" in error["errors"][0]["message"]


def test_text_and_json_tell_the_same_things(cli: JsonCli) -> None:
    cli.text("org", "import", str(EXAMPLES / "org.toml"))
    text = cli.text("due", "--on", "2027-06-30")
    doc = cli("due", "--on", "2027-06-30")
    assert len(doc["items"]) == max(1, len(text.splitlines())) - (0 if doc["items"] else 1)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_record_with_json_asks_no_questions_at_a_terminal(
    cli: JsonCli, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.text("org", "import", str(EXAMPLES / "org.toml"))
    cli.text("propose", "jonas")
    code = main(["--home", str(cli.home), "record", "jonas", "life_story", "--json"], stdin=_Terminal("x\n"))
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "give --file FILE" in json.loads(err.splitlines()[-1])["errors"][0]["message"]


def test_standard_error_is_one_json_document_a_line(cli: JsonCli) -> None:
    """Warnings and -v log records are ``log`` documents; the error, if any, is the last line."""
    cli.text("org", "import", str(EXAMPLES / "org.toml"))
    cli.text("propose", "jonas")
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[web]\nallow_acting_for_others = true\n", encoding="utf-8"
    )
    cli("accept", "jonas", "--as", "jonas")  # a step taken in the report's name: a warning says so
    [warning] = cli.stderr
    assert warning["level"] == "warning" and warning["source"] == "careerconv"
    assert warning["message"].startswith("recorded: 1 step(s) taken in a report's name")
    holder = sqlite3.connect(cli.home / "careerconv.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process's write transaction, held for a while
    released = threading.Timer(6.0, holder.execute, args=("COMMIT",))
    released.start()
    try:
        ran = cli("dispatch", "--loop", "--runs", "1", "--interval", "0.2")
    finally:
        released.join()
        holder.close()
    assert ran["document"] == "dispatch"
    waits = [s for s in cli.stderr if "trying again in 0.2 s" in s["message"]]
    assert waits and all(w["level"] == "warning" and w["source"] == "careerconv" for w in waits)
    cli.text("propose", "priya")  # something to deliver again
    cli("dispatch", "-v")
    assert cli.stderr and all(s["document"] == "log" and s["level"] == "info" for s in cli.stderr)
    assert {s["source"] for s in cli.stderr} == {"careerconv_core.dispatch"}
    cli.text("propose", "aylin")
    cli("accept", "aylin", "jonas", "--as", "aylin", code=1)
    assert [s["document"] for s in cli.stderr] == ["error"]


def test_a_library_warning_and_a_python_warning_are_log_documents_too() -> None:
    """What no careerconv logger says reaches standard error through logging's last resort or
    the warnings module; with --json each is a log document, and without it text as before."""
    import logging
    import warnings

    from careerconv.cli import _verbosity

    stream = io.StringIO()
    root = logging.getLogger()
    kept = root.handlers[:]  # pytest's own capture: a command run alone has no handler there
    root.handlers.clear()
    _verbosity.configure(io.StringIO(), 0)  # as a process starts: no warnings captured yet
    logging.captureWarnings(False)  # (pytest swaps showwarning for each test under logging's feet)
    _verbosity.configure(stream, 0, as_json=True)
    try:
        logging.getLogger("some_library.client").warning("connection pool is full")
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("an old call", DeprecationWarning, stacklevel=1)
    finally:
        _verbosity.configure(io.StringIO(), 0)
        root.handlers[:] = kept
    said = [json.loads(line) for line in stream.getvalue().splitlines()]
    for doc in said:
        validator("log").validate(doc)
    assert said[0] == {
        "document": "log",
        "version": 1,
        "level": "warning",
        "source": "some_library.client",
        "message": "connection pool is full",
    }
    assert said[1]["source"] == "py.warnings" and "an old call" in said[1]["message"]
    assert logging.lastResort is not None and not isinstance(logging.lastResort, _verbosity._Handler)
