"""The hooks a careerconv plugin may implement.

Two sorts of hook:

* *providers* return ``AdapterSpec`` records that register adapters by name
  (calendar backends, ticket trackers, HRIS sources and writers, plan stores,
  competency catalogs, notifiers). Registering is all they do: the host calls
  an adapter's factory only when configuration asks for that adapter by name.
* *observers* are told about domain events after they are committed. An
  observer must not deliver side effects; the outbox does that.

Implement a hook with ``careerconv_core.hookspecs.hookimpl`` and register
your module under the ``careerconv`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

import pluggy
from attrs import frozen

from careerconv_core.domain.events import DomainEvent, EventName
from careerconv_core.ports import (
    AdapterConfig,
    AdapterKind,
    CalendarBackend,
    CompetencyCatalog,
    HrisRecordWriter,
    HrisSource,
    Notifier,
    PlanStore,
    Port,
    TicketTracker,
)
from careerconv_core.setting import Setting, SettingType, declared

__all__ = [  # the hooks, in the order the reference shows them, and what plugins import
    "PROJECT",
    "AdapterKind",
    "AdapterSpec",
    "DomainEvent",
    "EventName",
    "Setting",
    "SettingType",
    "careerconv_calendar_backends",
    "careerconv_competency_catalogs",
    "careerconv_domain_event",
    "careerconv_hris_sources",
    "careerconv_hris_writers",
    "careerconv_notifiers",
    "careerconv_plan_stores",
    "careerconv_ticket_trackers",
    "careerconv_web_identify",
    "hookimpl",
]

T = TypeVar("T")

PROJECT = "careerconv"

_hookspec = pluggy.HookspecMarker(PROJECT)  # private: only this module declares hooks

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a function in a plugin module as the implementation of a careerconv hook."""


@frozen
class AdapterSpec(Generic[T]):
    """One adapter a plugin offers.

    ``kind`` is the port it implements (``AdapterKind.CALENDAR``, ...), and
    ``factory`` is called with the adapter's settings (a mapping of strings)
    and returns an object that implements that port's protocol (see
    ``careerconv_core.ports``); mypy checks the two agree. ``name`` is what
    configuration uses to pick it; two adapters of one kind may not share a name.
    ``settings`` declares every setting it reads (a ``Setting``, or a bare name
    for a text one): careerconv.toml is checked against them and the settings
    reference is generated from them.
    """

    kind: Port[T]
    name: str
    factory: Callable[[AdapterConfig], T]
    summary: str = ""
    settings: tuple[str | Setting, ...] = ()

    @property
    def declared_settings(self) -> tuple[Setting, ...]:
        """The settings as declarations, bare names included."""
        return declared(self.settings)


@_hookspec
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:  # type: ignore[empty-body]
    """Return the calendar backends this plugin offers.

    Each record's factory returns a ``careerconv_core.ports.CalendarBackend``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_ticket_trackers() -> Iterable[AdapterSpec[TicketTracker]]:  # type: ignore[empty-body]
    """Return the ticket trackers this plugin offers (Jira, the store itself, ...).

    Each record's factory returns a ``careerconv_core.ports.TicketTracker``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_hris_sources() -> Iterable[AdapterSpec[HrisSource]]:  # type: ignore[empty-body]
    """Return the HRIS sources this plugin offers (org file, SCIM, BambooHR, ...).

    Each record's factory returns a ``careerconv_core.ports.HrisSource``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_hris_writers() -> Iterable[AdapterSpec[HrisRecordWriter]]:  # type: ignore[empty-body]
    """Return the HRIS record writers this plugin offers.

    Each record's factory returns a ``careerconv_core.ports.HrisRecordWriter``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_plan_stores() -> Iterable[AdapterSpec[PlanStore]]:  # type: ignore[empty-body]
    """Return the plan stores this plugin offers (SQLite, PostgreSQL, ...).

    Each record's factory returns a ``careerconv_core.ports.PlanStore``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_competency_catalogs() -> Iterable[AdapterSpec[CompetencyCatalog]]:  # type: ignore[empty-body]
    """Return the competency catalogs this plugin offers.

    Each record's factory returns a ``careerconv_core.ports.CompetencyCatalog``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_notifiers() -> Iterable[AdapterSpec[Notifier]]:  # type: ignore[empty-body]
    """Return the notifiers this plugin offers (mail, a chat tool, ...).

    Each record's factory returns a ``careerconv_core.ports.Notifier``.

    .. versionadded:: 0.1
    """


@_hookspec
def careerconv_domain_event(event: DomainEvent) -> None:
    """Observe a committed domain event (``plan.accepted``, ``handoff.shared``, ...).

    Called once per event after the change is committed. Return nothing; an
    exception is logged with the plugin's name and does not stop the other
    observers. Do not deliver side effects from here: they are in the outbox.

    :param event: the event, with ids only (never notes).

    .. versionadded:: 0.1
    """


@_hookspec(firstresult=True)
def careerconv_web_identify(request: object) -> str | None:
    """Say who a request to the web surface comes from, by the host tool's own sign-in.

    For a host that puts its sign-in (its SSO session, say) in front of the
    report's and the manager's pages instead of the signed links: the pages
    under ``/p/PLAN/STEP`` take the person returned as the one acting, with
    the same rules of who may open which page. Stops at first non-None result.

    :param request: the page's request (a Starlette ``Request``: its cookies,
        headers and session).
    :return: the id of the person signed in, or None when this plugin does not
        know the request.

    .. versionadded:: 0.2
    """
