"""Registers the Jira ticket tracker with careerconv."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import TicketTracker
from careerconv_plugins.files import folder_setting
from careerconv_plugins.jira.settings import SETTINGS, parse_settings
from careerconv_plugins.settings import shown_env


class _AnyToken(Mapping[str, str]):
    """An environment in which every variable is set: checks all settings but the token."""

    def __getitem__(self, name: str) -> str:
        return "unset"

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def make_tracker(settings: Mapping[str, str]) -> TicketTracker:
    """Build a ``JiraTracker`` from settings; the token is read from ``$token_env``.

    An unset token variable does not stop the build: the tracker is made
    unusable, so only Jira deliveries are held back (with that reason) while
    every other adapter delivers.

    :raises ConfigurationError: a setting is missing or wrong (named, with the fix).
    """
    unusable: str | None = None
    try:
        checked = parse_settings(settings, os.environ)
    except ConfigurationError as error:
        name = str(settings.get("token_env", "JIRA_API_TOKEN")).strip()
        if shown_env(name) != name:
            raise  # not a variable's name (a token pasted in its place?): refused at once
        checked = parse_settings(settings, _AnyToken())  # raises for any other setting
        unusable = str(error)
    # Imported here so that listing adapters does not need the jira package.
    try:
        from careerconv_plugins.jira.adapter import JiraTracker  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"the jira tracker needs the 'jira' package ({exc.name} is missing). "
            'Fix: pip install "careerconv[jira]"'
        ) from None

    folder = folder_setting(settings, "state_directory", where="tracker 'jira'")
    return JiraTracker(checked, state_directory=folder, unusable=unusable)


@hookimpl
def careerconv_ticket_trackers() -> Iterable[AdapterSpec[TicketTracker]]:
    """The Jira tracker (Cloud and Data Center)."""
    return [
        AdapterSpec(
            kind=AdapterKind.TRACKER,
            name="jira",
            factory=make_tracker,
            summary="GROW actions as Jira issues (Cloud or Data Center), synced both ways",
            settings=SETTINGS,
        )
    ]
