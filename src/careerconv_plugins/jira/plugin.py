"""Registers the Jira ticket tracker with careerconv."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import TicketTracker
from careerconv_plugins.jira.settings import SETTINGS, parse_settings


def make_tracker(settings: Mapping[str, str]) -> TicketTracker:
    """Build a ``JiraTracker`` from settings; the token is read from ``$token_env``.

    :raises ConfigurationError: a setting is missing or wrong (named, with the fix).
    """
    checked = parse_settings(settings, os.environ)
    # Imported here so that listing adapters does not need the jira package.
    try:
        from careerconv_plugins.jira.adapter import JiraTracker  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"the jira tracker needs the 'jira' package ({exc.name} is missing). "
            'Fix: pip install "careerconv[jira]"'
        ) from None

    return JiraTracker(checked)


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
