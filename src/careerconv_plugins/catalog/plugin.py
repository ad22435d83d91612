"""Registers the ``builtin`` and ``csv`` competency catalogs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import CompetencyCatalog
from careerconv_plugins.catalog.adapter import BuiltinCatalog, CsvCatalog


def _builtin(_settings: Mapping[str, str]) -> BuiltinCatalog:
    return BuiltinCatalog()


@hookimpl
def careerconv_competency_catalogs() -> Iterable[AdapterSpec[CompetencyCatalog]]:
    """The built-in catalog and the importer for an organisation's own CSV files."""
    return [
        AdapterSpec(
            kind=AdapterKind.CATALOG,
            name="builtin",
            factory=_builtin,
            summary="Built-in competencies and pinnacle-role profiles (evidence: O*NET-SOC codes)",
        ),
        AdapterSpec(
            kind=AdapterKind.CATALOG,
            name="csv",
            factory=CsvCatalog.from_settings,
            summary="Your organisation's own competencies.csv and roles.csv",
            settings=("competencies_path", "roles_path"),
        ),
    ]
