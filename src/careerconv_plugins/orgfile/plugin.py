"""Registers the org file as the HRIS source named ``orgfile`` (setting: ``path``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import HrisSource
from careerconv_plugins.orgfile.adapter import OrgFileSource


def make_source(settings: Mapping[str, str]) -> OrgFileSource:
    """Build the source from its settings; ``path`` names a .toml or .csv file."""
    path = (settings.get("path") or "").strip()
    if not path:
        raise ConfigurationError("orgfile: setting 'path' is missing; give the org file's path")
    if not path.lower().endswith((".toml", ".csv")):
        raise ConfigurationError(f"orgfile: setting 'path' must end in .toml or .csv, got {path!r}")
    return OrgFileSource(Path(path))


@hookimpl
def careerconv_hris_sources() -> Iterable[AdapterSpec[HrisSource]]:
    """The org file source."""
    return [
        AdapterSpec(
            kind=AdapterKind.HRIS_SOURCE,
            name="orgfile",
            factory=make_source,
            summary="People and managers from a TOML or CSV org file",
            settings=("path",),
        )
    ]
