"""Where catalogs come from: the built-in files shipped in the package, or an organisation's own.

This is the I/O side of the catalog adapter; ``mapping`` does the parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from careerconv_core.domain.catalog import Catalog
from careerconv_core.errors import ConfigurationError
from careerconv_plugins.catalog import mapping
from careerconv_plugins.files import write_atomic

ONET_RELEASE = "O*NET 30.2 Database (February 2026), O*NET-SOC 2019 taxonomy"
"""The O*NET release the built-in role profiles cite occupation codes from."""


def load_builtin_catalog() -> Catalog:
    """The built-in catalog: competencies in groups and pinnacle roles across functions.

    The role profiles cite O*NET-SOC occupation codes as evidence; see the
    NOTICE file for the attribution.
    """
    data = resources.files("careerconv_plugins.catalog").joinpath("data")
    return mapping.parse_catalog(
        mapping.decode(data.joinpath("competencies.csv").read_bytes(), "competencies.csv"),
        mapping.decode(data.joinpath("roles.csv").read_bytes(), "roles.csv"),
        competencies_source="builtin competencies.csv",
        roles_source="builtin roles.csv",
    )


class BuiltinCatalog:
    """The ``builtin`` catalog adapter (a ``CompetencyCatalog``)."""

    def load(self) -> Catalog:
        """The built-in catalog, read from the package's data files."""
        return load_builtin_catalog()


def _read(path: Path, setting: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(f"catalog csv: {setting} points to {path}, which does not exist") from None
    except OSError as exc:
        raise ConfigurationError(
            f"catalog csv: {setting} {path} cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    return mapping.decode(data, str(path))


class CsvCatalog:
    """The ``csv`` catalog adapter: an organisation's own competencies and role profiles.

    The files are read on every ``load()``, so edits show up without a restart.
    """

    def __init__(self, competencies_path: Path, roles_path: Path) -> None:
        self.competencies_path = competencies_path
        self.roles_path = roles_path

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> CsvCatalog:
        """Build from adapter settings ``competencies_path`` and ``roles_path``."""
        missing = [key for key in ("competencies_path", "roles_path") if not settings.get(key)]
        if missing:
            raise ConfigurationError(f"catalog csv: set {' and '.join(missing)} to the path of your CSV file")
        return cls(Path(settings["competencies_path"]), Path(settings["roles_path"]))

    def load(self) -> Catalog:
        """Read and check both files; errors name the file, row and column."""
        return mapping.parse_catalog(
            _read(self.competencies_path, "competencies_path"),
            _read(self.roles_path, "roles_path"),
            competencies_source=str(self.competencies_path),
            roles_source=str(self.roles_path),
        )


def write_catalog(catalog: Catalog, competencies_path: Path, roles_path: Path) -> None:
    """Write ``catalog`` as the two CSV files the ``csv`` adapter reads (UTF-8), each atomically.

    Handy to start an organisation's own catalog from the built-in one.
    """
    write_atomic(competencies_path, mapping.format_competencies(catalog))
    write_atomic(roles_path, mapping.format_roles(catalog))
