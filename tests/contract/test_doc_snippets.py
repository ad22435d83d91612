"""Every TOML snippet in the docs and the README is read the way careerconv reads its kind of file.

Each ```` ```toml ```` block under ``docs/`` and in ``README.md`` is checked by what
reads it, chosen by its top-level tables:

* ``careerconv.toml`` (its tables are among ``config_check.TABLES``): merged into the
  embedded ``DEFAULT_CONFIG`` (each table of the snippet replaces the default's, so a
  fragment such as one ``[[calendar]]`` is checked in a whole file), then read by
  ``read_config`` and checked by ``config_check.problems``, as ``careerconv config check``
  and every command do;
* a record file (``[life_story]``, ``[pinnacle]``, ``[grow]``): ``records.outcome``, the
  outcome's reader (with the built-in catalog) and the record's JSON Schema; a
  ```` ```json ```` block whose keys are outcomes is checked the same way;
* an org file (``[[person]]``): the ``orgfile`` adapter, as ``careerconv org import`` reads it.

A block that is deliberately none of these follows a ``<!-- not-checked: reason -->``
line; any other block fails, naming its file and line.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from careerconv import records
from careerconv.config import DEFAULT_CONFIG, read_config
from careerconv.config_check import TABLES, problems
from careerconv.facade import plugin_host
from careerconv.record_schema import record_schema
from careerconv_core.domain.catalog import Catalog
from careerconv_core.errors import InvalidInput
from careerconv_core.hookspecs import AdapterKind
from tests_support_paths import ROOT

FENCE = re.compile(r"^(\s*)```(\w+)\s*$")
MARKER = re.compile(r"^<!--\s*not-checked:\s*(.*?)\s*-->$")
TODAY = date(2027, 1, 4)


class Snippet:
    """One fenced block: where it is, its language, its text, and the reason it is not checked."""

    def __init__(self, path: Path, line: int, language: str, text: str, skip: str | None) -> None:
        self.path, self.line, self.language, self.text, self.skip = path, line, language, text, skip

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def snippets(path: Path) -> list[Snippet]:
    """The fenced blocks of one Markdown file, with the marker line before each, if any."""
    found: list[Snippet] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    before = ""  # the last non-blank line outside a block
    n = 0
    while n < len(lines):
        opening = FENCE.match(lines[n])
        if opening is None:
            if lines[n].strip():
                before = lines[n].strip()
            n += 1
            continue
        indent, language = opening.groups()
        end = next(
            (k for k in range(n + 1, len(lines)) if lines[k].strip() == "```"),
            len(lines),
        )
        text = "\n".join(line.removeprefix(indent) for line in lines[n + 1 : end]) + "\n"
        marker = MARKER.match(before)
        found.append(Snippet(path, n + 1, language, text, marker.group(1) if marker else None))
        before = ""
        n = end + 1
    return found


PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
ALL = [s for page in PAGES for s in snippets(page)]


def kind_of(snippet: Snippet) -> str:
    """Which reader a block is for: config, record or org, by its top-level tables."""
    if snippet.skip is not None:
        return "not-checked"
    if snippet.language == "json":
        data = json.loads(snippet.text)
        is_record = isinstance(data, dict) and set(data) <= {*records.OUTCOMES, records.SCHEMA_KEY}
        return "record" if is_record and set(data) & set(records.OUTCOMES) else "other json"
    try:
        keys = set(tomllib.loads(snippet.text))
    except tomllib.TOMLDecodeError:
        return "invalid TOML"
    if keys and keys <= {*records.OUTCOMES, records.SCHEMA_KEY} and keys & set(records.OUTCOMES):
        return "record"
    if keys == {"person"}:
        return "org"
    if keys and keys <= set(TABLES):
        return "config"
    return "unknown"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    adapter = plugin_host().create(AdapterKind.CATALOG, "builtin", {})
    loaded: Catalog = adapter.load()
    return loaded


def merged_config(snippet: str) -> str:
    """DEFAULT_CONFIG with each table the snippet holds replaced by the snippet's."""
    replaced = set(tomllib.loads(snippet))
    kept: list[str] = []
    dropping = False
    for line in DEFAULT_CONFIG.splitlines():
        header = re.match(r"^\[\[?([A-Za-z0-9_]+)", line)
        if header:
            dropping = header.group(1) in replaced
        if not dropping:
            kept.append(line)
    return "\n".join(kept) + "\n\n" + snippet


def check_config(snippet: Snippet, home: Path) -> None:
    (home / "careerconv.toml").write_text(merged_config(snippet.text), encoding="utf-8")
    found = problems(read_config(home), plugin_host(), home)
    assert found == [], f"{snippet.where}: careerconv.toml refused:\n" + "\n".join(found)


def check_record(snippet: Snippet, catalog: Catalog) -> None:
    source = snippet.where
    data: dict[str, Any] = (
        json.loads(snippet.text) if snippet.language == "json" else tomllib.loads(snippet.text)
    )
    for name in records.OUTCOMES:
        if name not in data:
            continue
        table = records.outcome(data, name, source)
        if name == "life_story":
            records.life_story(table, source)
        elif name == "pinnacle":
            records.pinnacle(table, source, catalog)
        else:
            records.grow(table, source, TODAY)
        plain = json.loads(json.dumps(data, default=lambda v: v.isoformat()))
        jsonschema.validate(plain, record_schema(name), cls=jsonschema.Draft202012Validator)


def check_org(snippet: Snippet, tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(snippet.text, encoding="utf-8")
    source = plugin_host().create(AdapterKind.HRIS_SOURCE, "orgfile", {"path": str(path)})
    assert source.read_people().people, f"{snippet.where}: no people read"


CHECKED = [s for s in ALL if s.language == "toml" or (s.language == "json" and kind_of(s) == "record")]


@pytest.mark.parametrize("snippet", CHECKED, ids=lambda s: f"{s.where} {kind_of(s)}")
def test_every_toml_snippet_is_read_as_its_kind(snippet: Snippet, tmp_path: Path, catalog: Catalog) -> None:
    kind = kind_of(snippet)
    if kind == "not-checked":
        assert snippet.skip, f"{snippet.where}: say why it is not checked: <!-- not-checked: reason -->"
        return
    if kind == "config":
        check_config(snippet, tmp_path)
    elif kind == "record":
        check_record(snippet, catalog)
    elif kind == "org":
        check_org(snippet, tmp_path)
    else:
        pytest.fail(
            f"{snippet.where}: {kind}: a TOML block that is no careerconv.toml, record or org file; "
            "fix it, or put <!-- not-checked: why --> on the line before it"
        )


def test_the_snippets_of_each_kind_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    counts = Counter(kind_of(s) for s in CHECKED)
    with capsys.disabled():
        listed = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))
        print(f"\ndoc snippets checked: {listed}")
    # Guards the extraction: each kind the docs show is found and checked.
    assert counts["config"] >= 3 and counts["record"] >= 3 and counts["org"] >= 1, counts


def test_a_fragment_is_checked_in_the_default_config() -> None:
    snippet = '[[calendar]]\nadapter = "ics"\nsettings = { directory = "calendars" }\n'
    merged = tomllib.loads(merged_config(snippet))
    assert merged["calendar"] == [{"adapter": "ics", "settings": {"directory": "calendars"}}]
    assert merged["store"]["adapter"] == "sqlite"  # the rest of the defaults stay


def test_the_old_calendar_shape_would_be_refused(tmp_path: Path) -> None:
    old = Snippet(ROOT / "README.md", 1, "toml", '[calendar]\nbackend = "ics"\ndirectory = "x"\n', None)
    with pytest.raises(AssertionError, match='needs adapter = "<name>"'):
        check_config(old, tmp_path)


def test_a_bad_record_snippet_is_refused(catalog: Catalog) -> None:
    bad = Snippet(ROOT / "README.md", 1, "toml", '[life_story]\nnote = "x"\n', None)
    assert kind_of(bad) == "record"
    with pytest.raises(InvalidInput, match="unknown field 'note'"):
        check_record(bad, catalog)


def test_the_marker_is_read_from_the_line_before(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- not-checked: an excerpt -->\n\n```toml\n[x]\n```\n\n```toml\n[y]\n```\n")
    first, second = snippets(page)
    assert (first.skip, second.skip) == ("an excerpt", None)
