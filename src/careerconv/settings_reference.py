"""The settings reference (``docs/settings.md``), generated from the declarations.

The page lists every table of careerconv.toml and every setting each
installed adapter declares, so the docs cannot drift from what
``careerconv config check`` accepts. Regenerate it with
``python -m careerconv.settings_reference > docs/settings.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

from careerconv.config import DISPATCH_SETTINGS, METHOD_SETTINGS, RETENTION_SETTINGS, WEB_SETTINGS
from careerconv_core.plugins import PluginHost
from careerconv_core.ports import PORTS
from careerconv_core.setting import Setting

__all__ = ["settings_reference"]

_HEAD = """\
# Settings reference

Every table and setting `careerconv.toml` may hold; `careerconv config check` checks a file
against exactly this list (an unknown table or key is named with the closest valid one) and
every command refuses a file that fails it. Paths may start with `~` and are taken from the
folder holding `careerconv.toml` when relative. Adapters read numbers and flags written as text
too (`timeout = "10"`). This page is generated from the adapters' declarations.

Each entry of a list table (`[[calendar]]`, `[[tracker]]`, `[[notifier]]`, `[[hris_writer]]`)
may also have a `name`: what its deliveries are recorded under, and what `dispatch` and
`status` show. It defaults to the adapter's name, so two entries of one adapter in one table
(two `ics` calendars in two folders) need a `name` each; a table where two entries share one
is refused, since the second one's success would hide the first one's failure.
"""


def _rows(settings: Iterable[Setting]) -> list[str]:
    rows = ["| setting | takes | default | meaning |", "|---|---|---|---|"]
    for s in settings:
        default = (
            ""
            if s.default is None
            else f"`{str(s.default).lower() if isinstance(s.default, bool) else s.default}`"
        )
        rows.append(f"| `{s.name}` | {s.expected} | {default} | {s.help} |")
    return rows


def settings_reference(host: PluginHost) -> str:
    """The reference page as Markdown, for the adapters ``host`` has installed."""
    lines = [_HEAD]
    tables = (
        ("method", METHOD_SETTINGS),
        ("dispatch", DISPATCH_SETTINGS),
        ("retention", RETENTION_SETTINGS),
        ("web", WEB_SETTINGS),
    )
    for name, declared in tables:
        lines += [f"## `[{name}]`", "", *_rows(declared), ""]
    for port in PORTS:
        table = f"[[{port.name}]]" if port.channel is not None else f"[{port.name}]"
        lines += [f"## `{table}`", ""]
        for adapter, spec in host.adapters(port).items():
            lines += [f'### `adapter = "{adapter}"`', "", spec.summary or "(no summary)", ""]
            declared = spec.declared_settings
            lines += [*_rows(declared), ""] if declared else ["No settings.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    import sys

    from careerconv.facade import plugin_host

    sys.stdout.write(settings_reference(plugin_host()))
