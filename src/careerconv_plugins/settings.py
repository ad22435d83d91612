"""Reading adapter settings the same way in every adapter: secrets, their names, timeouts, URLs.

A secret never sits in the settings: a setting names the environment variable
that holds it. A message may name that variable, never its value, and not
even the name when it looks like a secret pasted in its place.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from careerconv_core.errors import ConfigurationError

_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,63}")

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def shown_env(name: str) -> str:
    """The variable's name for a message, unless it looks like a secret pasted in its place.

    Only upper-case names pass: many API keys are lower-case letters and digits.
    """
    return name if _ENV_NAME.fullmatch(name) else "<the name given>"


def password_from_env(
    settings: Mapping[str, str], environ: Mapping[str, str], *, where: str, what: str
) -> str:
    """The password for ``user`` from the variable named by ``password_env`` ("" without one).

    :param where: names the adapter in messages, such as ``calendar 'caldav'``.
    :param what: the password's kind in messages, such as ``the SMTP password``.
    :raises ConfigurationError: the password is in the settings, ``user`` is set
        without ``password_env``, or the variable is not set.
    """
    if "password" in settings:
        raise ConfigurationError(
            f"{where}: do not put the password in the settings; set 'password_env' to the "
            "name of an environment variable that holds it"
        )
    user = settings.get("user", "").strip()
    password_env = settings.get("password_env", "").strip()
    if user and not password_env:
        raise ConfigurationError(
            f"{where}: setting 'password_env' is missing; name the environment variable "
            f"that holds {what} for 'user'"
        )
    if not password_env:
        return ""
    if password_env not in environ:
        raise ConfigurationError(
            f"{where}: environment variable {shown_env(password_env)} (setting 'password_env') "
            f"is not set; export it with {what}"
        )
    return environ[password_env]


def seconds_setting(
    settings: Mapping[str, str], name: str, *, where: str, default: float, most: float
) -> float:
    """A number of seconds above 0 and at most ``most``; ``default`` when the setting is absent."""
    try:
        value = float(settings.get(name, str(default)))
    except ValueError:
        value = -1.0
    if not 0 < value <= most:
        raise ConfigurationError(
            f"{where}: setting {name!r} must be a number of seconds between 0 and {most:g}"
        )
    return value


def service_url(url: str, *, where: str, setting: str, example: str) -> str:
    """``url`` as a service's address, checked the one way every adapter checks it.

    It must be ``https://`` with a host; ``http://`` is accepted only for a
    server on this machine (a loopback address or ``localhost``), since over
    the network the credential and the plan's texts would travel unencrypted.
    A user or password inside the URL is refused: it would end up in logs and
    error messages, so credentials come from their own settings. Messages
    never repeat the URL, which may hold a secret.

    :param where: names the adapter in messages, such as ``calendar 'caldav'``.
    :param setting: the setting's name, such as ``url``.
    :param example: a working value for the fix, such as ``https://dav.example.com/cal/``.
    :raises ConfigurationError: any of the above, naming the setting and the fix.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        has_credentials = bool(parts.username or parts.password)
    except ValueError:  # an unclosed [ or a port that is not a number
        parts, host, has_credentials = urlsplit(""), "", False
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(
            f"{where}: setting {setting!r} must be the service's https:// address, "
            f'for example {setting} = "{example}"'
        )
    if has_credentials:
        raise ConfigurationError(
            f"{where}: setting {setting!r} must not hold a user or password; remove them from the "
            "address and give them in the adapter's own settings (the secret through an "
            "environment variable)"
        )
    if parts.scheme == "http" and not _on_this_machine(host):
        raise ConfigurationError(
            f"{where}: setting {setting!r} must use https:// (over http:// the credential and the "
            "texts sent would cross the network unencrypted); http:// is accepted only for a "
            "server on this machine (127.0.0.1, ::1 or localhost)"
        )
    return text


def _on_this_machine(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def flag_setting(settings: Mapping[str, str], name: str, *, where: str, default: bool) -> bool:
    """A setting of true or false (also yes or no, 1 or 0); ``default`` when absent."""
    raw = settings.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"true", "yes", "1"}:
        return True
    if raw in {"false", "no", "0"}:
        return False
    raise ConfigurationError(f"{where}: setting {name!r} must be true or false, got {raw[:20]!r}")
