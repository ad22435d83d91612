"""Competency catalogs: the built-in one and an importer for an organisation's own CSV files."""

from careerconv_plugins.catalog.adapter import (
    BuiltinCatalog,
    CsvCatalog,
    load_builtin_catalog,
    write_catalog,
)
from careerconv_plugins.catalog.mapping import format_competencies, format_roles, parse_catalog

__all__ = [
    "BuiltinCatalog",
    "CsvCatalog",
    "format_competencies",
    "format_roles",
    "load_builtin_catalog",
    "parse_catalog",
    "write_catalog",
]
