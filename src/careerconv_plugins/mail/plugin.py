"""Registers the mail adapters: the ``imip`` calendar backend and the ``smtp`` and
``mailfiles`` notifiers."""

from __future__ import annotations

from collections.abc import Iterable

from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import CalendarBackend, Notifier
from careerconv_core.setting import Setting, SettingType
from careerconv_plugins.mail.calendar_adapter import imip_from_settings
from careerconv_plugins.mail.notifier_adapter import mailfiles_from_settings, smtp_from_settings

SMTP_SETTINGS = (
    "host",
    Setting("port", SettingType.INTEGER, "the SMTP port (default by security)"),
    "security",
    "user",
    "password_env",
    "from_address",
    Setting("timeout", SettingType.NUMBER, "seconds to wait for the server"),
    "ca_file",
)

IMAP_SETTINGS = (
    Setting("imap_host", help="the IMAP server the attendees' REPLYs reach (unset: answers are not read)"),
    Setting("imap_port", SettingType.INTEGER, "the IMAP port (default 993 for tls, else 143)"),
    Setting("imap_security", help="tls (default), starttls or none"),
    Setting("imap_user", help="the login of the mailbox the REPLYs reach"),
    Setting("imap_password_env", help="the environment variable holding the IMAP password"),
    Setting("imap_folder", help="the folder the REPLYs are in (default INBOX); read, never changed"),
    Setting("imap_timeout", SettingType.NUMBER, "seconds to wait for the IMAP server"),
)


@hookimpl
def careerconv_calendar_backends() -> Iterable[AdapterSpec[CalendarBackend]]:
    """The ``imip`` backend: invites, updates and cancellations mailed as text/calendar."""
    return [
        AdapterSpec(
            kind=AdapterKind.CALENDAR,
            name="imip",
            factory=imip_from_settings,
            summary="iMIP invitations by mail (Gmail, Outlook and others show Accept/Decline)",
            settings=(*SMTP_SETTINGS, "state_directory", *IMAP_SETTINGS),
        )
    ]


@hookimpl
def careerconv_notifiers() -> Iterable[AdapterSpec[Notifier]]:
    """The ``smtp`` notifier and the ``mailfiles`` notifier (no server needed)."""
    return [
        AdapterSpec(
            kind=AdapterKind.NOTIFIER,
            name="smtp",
            factory=smtp_from_settings,
            summary="notices as plain-text mail through SMTP",
            settings=(*SMTP_SETTINGS, "state_directory"),
        ),
        AdapterSpec(
            kind=AdapterKind.NOTIFIER,
            name="mailfiles",
            factory=mailfiles_from_settings,
            summary="notices as .eml files in a folder (no server needed)",
            settings=("directory", "from_address"),
        ),
    ]
