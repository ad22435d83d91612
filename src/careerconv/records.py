"""Conversation outcomes from files (TOML or JSON) into domain values, with readable errors.

A record file holds one table per outcome: ``[life_story]``, ``[pinnacle]``
or ``[grow]``, with the domain's own field names (docs/records.md). Competencies
may name a catalog id alone; the name is filled in from the catalog. Errors
name the field's path and say what it takes in words, listing the valid fields
for an unknown one; the JSON Schemas in docs/schemas/ are generated from the
same classes (``careerconv.record_schema``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from careerconv_core import serialization, shapes
from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.grow import GrowPlan
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle
from careerconv_core.errors import InvalidInput, shown
from careerconv_core.serialization import InvalidDocument
from careerconv_plugins.documents import read_toml

OUTCOMES = ("life_story", "pinnacle", "grow")
OUTCOME_TYPES: dict[str, type] = {"life_story": LifeStory, "pinnacle": Pinnacle, "grow": GrowPlan}
"""The domain class each outcome's table becomes."""
FILLED_IN: dict[type, dict[str, str]] = {
    GrowPlan: {"starts": "today"},
    CompetencyRating: {"name": "the catalog's name for the competency_id"},
}
"""Fields a record file may leave out although the class needs them, and what fills them in."""
SCHEMA_KEY = "$schema"
"""A top-level key naming the file's JSON Schema, for editors; ignored when reading."""


def read_document(path: Path) -> dict[str, Any]:
    """A TOML (``.toml``) or JSON file as a dict; errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(str(path), "an existing file", "file not found") from None
    except UnicodeDecodeError:
        raise InvalidInput(str(path), "a UTF-8 text file", "not UTF-8") from None
    except OSError as exc:  # a folder, or a file we may not read
        raise InvalidInput(str(path), "a readable file", exc.strerror or type(exc).__name__) from None
    read = serialization.read_json if path.suffix.lower() == ".json" else read_toml
    data: Any = read(text, str(path))
    if not isinstance(data, dict):
        raise InvalidInput(str(path), "a table (TOML) or an object (JSON) at the top")
    return data


def outcome(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    """The table ``name`` of a record document."""
    unknown = sorted(set(data) - {*OUTCOMES, SCHEMA_KEY})
    if unknown:
        raise InvalidDocument(
            [
                f"{source}: unknown table {shown(key)}; valid tables: {', '.join(OUTCOMES)}"
                f"{shapes.closest(key, OUTCOMES)}"
                for key in unknown
            ]
        )
    if name not in data:
        fields = ", ".join(a.name for a in shapes.fields_of(OUTCOME_TYPES[name]))
        raise InvalidInput(source, f"a [{name}] table with fields {fields}", f"no [{name}] table")
    table = data[name]
    if not isinstance(table, dict):
        raise InvalidInput(f"{source} {name}", shapes.words(OUTCOME_TYPES[name]), "not a table")
    return table


def life_story(table: dict[str, Any], source: str) -> LifeStory:
    """The life-story outcome."""
    return serialization.structure(table, LifeStory, f"{source} life_story")


def pinnacle(table: dict[str, Any], source: str, catalog: Catalog | None) -> Pinnacle:
    """The pinnacle outcome; competency names come from the catalog when left out."""
    comps = table.get("competencies", [])
    if isinstance(comps, list):
        filled = []
        for n, given in enumerate(comps):
            comp = given
            # Without an id there is nothing to look up: the structure check names the missing field.
            looked_up = isinstance(given, dict) and "name" not in given and "competency_id" in given
            if looked_up and catalog is not None:
                cid = given["competency_id"]
                try:
                    comp = {**given, "name": catalog.competency(str(cid)).name}
                except InvalidInput:
                    raise InvalidInput(
                        f"{source} pinnacle.competencies[{n}].competency_id",
                        "a catalog id, or give a name",
                        f"unknown id {shown(str(cid))}",
                    ) from None
            filled.append(comp)
        table = {**table, "competencies": filled}
    return serialization.structure(table, Pinnacle, f"{source} pinnacle")


def grow(table: dict[str, Any], source: str, today: date) -> GrowPlan:
    """The GROW plan; ``starts`` defaults to today."""
    table = {"starts": today, **table}
    return serialization.structure(table, GrowPlan, f"{source} grow")
