"""The record files' JSON Schemas are generated, committed as generated, and say what the reader says.

* each committed schema in docs/schemas/ is what ``careerconv.record_schema`` writes now;
* every example record validates against its schema, read as TOML and written as JSON,
  and names that schema on its first line (``#:schema``, for editors);
* a typo'd field, a list where a table belongs, a rating off the scale are refused
  by the schema as by the reader;
* docs/records.md includes every example and names every field.
"""

from __future__ import annotations

import copy
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from careerconv import records
from careerconv.record_schema import SCHEMA_FOLDER, main, record_schema, schema_file_name, schema_text
from careerconv_core import shapes
from careerconv_core.errors import InvalidInput
from tests_support_paths import EXAMPLES, ROOT

EXAMPLE_FILES = sorted((EXAMPLES / "records").glob("*.toml"))
DOCS = ROOT / "docs" / "records.md"


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = record_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def as_json(data: Any) -> Any:
    """A TOML document as its JSON form: dates become ISO text, as editors check them."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat()))


def example(path: Path) -> tuple[str, dict[str, Any]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    [kind] = [k for k in data if k in records.OUTCOMES]
    return kind, data


def errors(kind: str, data: Any) -> list[str]:
    return [e.message for e in validator(kind).iter_errors(as_json(data))]


def test_the_schema_folder_is_the_one_in_this_clone() -> None:
    assert SCHEMA_FOLDER == ROOT / "docs" / "schemas"


@pytest.mark.parametrize("kind", records.OUTCOMES)
def test_the_committed_schema_is_the_generated_one(kind: str) -> None:
    committed = (SCHEMA_FOLDER / schema_file_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), "regenerate them: python -m careerconv.record_schema"
    assert json.loads(committed)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_generator_writes_every_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(map(schema_file_name, records.OUTCOMES))
    assert "wrote" in capsys.readouterr().out


def test_there_is_an_example_of_each_outcome() -> None:
    assert {example(p)[0] for p in EXAMPLE_FILES} == set(records.OUTCOMES)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_example_validates_and_names_its_schema(path: Path) -> None:
    kind, data = example(path)
    assert errors(kind, data) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"#:schema ../../docs/schemas/{schema_file_name(kind)}"
    assert (path.parent / first.removeprefix("#:schema ")).resolve() == SCHEMA_FOLDER / schema_file_name(kind)
    # The same file as JSON, with its "$schema" key, is read and validated alike.
    as_file = {"$schema": f"../../docs/schemas/{schema_file_name(kind)}", **as_json(data)}
    assert errors(kind, as_file) == []
    assert records.outcome(as_file, kind, path.name) == as_json(data)[kind]


def read(data: dict[str, Any], kind: str, source: str) -> object:
    """The record ``data`` holds, read as ``careerconv record`` reads it."""
    table = records.outcome(data, kind, source)
    if kind == "grow":
        return records.grow(table, source, date(2027, 1, 4))
    if kind == "pinnacle":
        return records.pinnacle(table, source, None)
    return records.life_story(table, source)


def typos(data: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The document with one field misspelt, at the top, in the table and in each nested table."""
    out = []
    top = copy.deepcopy(data)
    top[kind + "s"] = {}
    out.append((f"{kind}s", top))
    table = copy.deepcopy(data)
    table[kind]["realty"] = 1
    out.append((f"{kind}.realty", table))
    for key, value in data[kind].items():
        nested = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value
        if isinstance(nested, dict):
            bad = copy.deepcopy(data)
            target = bad[kind][key][0] if isinstance(value, list) else bad[kind][key]
            target["titel"] = "x"
            out.append((f"{kind}.{key}.titel", bad))
    return out


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_a_typo_is_refused_by_the_schema_and_by_the_reader(path: Path) -> None:
    kind, data = example(path)
    cases = typos(data, kind)
    assert len(cases) >= 2
    for where, bad in cases:
        assert any("was unexpected" in e for e in errors(kind, bad)), where
        with pytest.raises(InvalidInput, match="unknown"):
            read(bad, kind, path.name)


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("life_story", {"drives": "craft"}),
        ("life_story", {"notes": 3}),
        ("pinnacle", {"roles": {"id": "a", "title": "A"}}),
        ("pinnacle", {"roles": [{"id": str(n), "title": "x"} for n in range(4)]}),
        ("pinnacle", {"competencies": [{"competency_id": "a", "name": "A", "self_rating": 6}]}),
        ("pinnacle", {"competencies": [{"competency_id": "a", "name": "A", "self_rating": "4"}]}),
        ("pinnacle", {"chosen_role_id": "not an id"}),
        ("grow", {}),
        ("grow", {"goal": {"role_id": "r"}, "horizon_months": 30}),
        ("grow", {"goal": {"role_id": "r"}, "actions": [{"id": "a", "title": "t", "due": "soon"}]}),
        (
            "grow",
            {"goal": {"role_id": "r"}, "actions": [{"id": "a", "title": "t", "opportunity": {"kind": "x"}}]},
        ),
    ],
)
def test_what_the_reader_refuses_the_schema_refuses(kind: str, table: dict[str, Any]) -> None:
    assert errors(kind, {kind: table}) != []


def test_a_competency_may_leave_its_name_to_the_catalog_and_a_plan_its_start() -> None:
    assert (
        errors("pinnacle", {"pinnacle": {"competencies": [{"competency_id": "hiring-for-the-team"}]}}) == []
    )
    assert errors("grow", {"grow": {"goal": {"role_id": "r"}}}) == []
    assert errors("grow", {"grow": {"goal": {"role_id": "r"}, "starts": date(2027, 1, 4)}}) == []


def test_the_records_page_includes_every_example_and_names_every_field() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for path in EXAMPLE_FILES:
        assert f"```{{literalinclude}} ../examples/records/{path.name}\n:language: toml\n```" in page, (
            path.name
        )
    for kind, cls in records.OUTCOME_TYPES.items():
        assert f"schemas/{schema_file_name(kind)}" in page
        for each in tables_of(cls, []):
            for attribute in shapes.fields_of(each):
                assert f"| `{attribute.name}` |" in page, (
                    f"{each.__name__}.{attribute.name} is not in records.md"
                )


def tables_of(cls: type, found: list[type]) -> list[type]:
    """``cls`` and every class its fields hold, as the schema's $defs list them."""
    if cls not in found:
        found.append(cls)
        for attribute in shapes.fields_of(cls):
            tp = shapes.optional_part(attribute.type)
            tp = shapes.optional_part(shapes.item_type(tp) or tp)
            if attrs.has(tp):
                tables_of(tp, found)
    return found


def test_the_docs_link_the_records_page() -> None:
    assert "records.md" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "{doc}`records`" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
