"""Registers BambooHR as an HRIS source and an HRIS writer, both named ``bamboohr``.

Settings (source and writer): ``company`` (the subdomain: ``acme`` for
acme.bamboohr.com), ``api_key_env`` (the environment variable holding the
API key; default ``CAREERCONV_BAMBOOHR_API_KEY``), ``base_url`` (default
``https://api.bamboohr.com``), ``timeout`` (seconds, default 30).
Source only: ``time_zone`` (IANA, given to everyone; default ``UTC``),
``working_hours_field`` (the custom field holding each employee's working
hours; none by default), ``locations`` (``"Munich=DE-BY; London=GB-ENG"``:
public holidays per location), ``holidays_from_address`` (default true:
holidays from ``country`` and ``state`` for a location not mapped).
Writer only: ``file_category`` (the id of the employee-file category for
summaries; required), ``share`` (``yes``: the employee sees the file; default).

The webhook receiver is not an adapter: build it with ``make_webhook_app``
and mount it in your WSGI host. Its secret comes from ``webhook_secret_env``
(default ``CAREERCONV_BAMBOOHR_WEBHOOK_SECRET``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from careerconv_core.domain.people import zone
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import HrisRecordWriter, HrisSource
from careerconv_core.setting import Setting, SettingType
from careerconv_plugins.bamboohr.mapping import CalendarFields, EmployeeEvent, parse_locations
from careerconv_plugins.bamboohr.webhook import BambooHrWebhookApp, ReplayStore
from careerconv_plugins.settings import flag_setting, service_url, shown_env

if TYPE_CHECKING:
    from careerconv_plugins.bamboohr.client import BambooHrClient
    from careerconv_plugins.bamboohr.hris_source_adapter import BambooHrSource
    from careerconv_plugins.bamboohr.hris_writer_adapter import BambooHrSummaryWriter


def _client_class() -> type[BambooHrClient]:
    """The HTTP client, which needs 'requests' (the 'hris' extra): loaded only when used."""
    try:
        from careerconv_plugins.bamboohr.client import BambooHrClient  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"bamboohr: needs the 'hris' extra ({exc.name} is missing); "
            "install it with: pip install 'careerconv[hris]'"
        ) from None
    return BambooHrClient


DEFAULT_KEY_ENV = "CAREERCONV_BAMBOOHR_API_KEY"
DEFAULT_SECRET_ENV = "CAREERCONV_BAMBOOHR_WEBHOOK_SECRET"  # noqa: S105 - a variable's name
_COMMON = (
    "company",
    "api_key_env",
    "base_url",
    Setting("timeout", SettingType.NUMBER, "seconds to wait for the server"),
)


def _secret(settings: Mapping[str, str], setting: str, default: str) -> str:
    name = (settings.get(setting) or default).strip()
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(
            f"bamboohr: the environment variable {shown_env(name)} (setting {setting!r}) is empty; set it"
        )
    return value


def _timeout(settings: Mapping[str, str]) -> float:
    raw = (settings.get("timeout") or "30").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"bamboohr: setting 'timeout' must be seconds, got {raw!r}") from None
    if not 0 < value <= 600:
        raise ConfigurationError("bamboohr: setting 'timeout' must be between 0 and 600 seconds")
    return value


def make_client(settings: Mapping[str, str]) -> BambooHrClient:
    """The API client the source and the writer share the settings of."""
    company = (settings.get("company") or "").strip()
    if not company or "/" in company:
        raise ConfigurationError(
            "bamboohr: setting 'company' must be your BambooHR subdomain (acme for acme.bamboohr.com)"
        )
    base_url = service_url(
        settings.get("base_url") or "https://api.bamboohr.com",
        where="bamboohr",
        setting="base_url",
        example="https://api.bamboohr.com",
    )
    key_env = (settings.get("api_key_env") or DEFAULT_KEY_ENV).strip()
    key = _secret(settings, "api_key_env", DEFAULT_KEY_ENV)
    return _client_class()(base_url, company, key, key_env=key_env, timeout=_timeout(settings))


def make_source(settings: Mapping[str, str]) -> BambooHrSource:
    """Build the directory source."""
    time_zone = (settings.get("time_zone") or "UTC").strip()
    try:
        zone(time_zone)
    except InvalidInput:
        raise ConfigurationError(
            f"bamboohr: setting 'time_zone' must be an IANA zone such as Europe/Berlin, got {time_zone!r}"
        ) from None
    calendar = calendar_fields(settings)
    client = make_client(settings)
    from careerconv_plugins.bamboohr.hris_source_adapter import BambooHrSource  # noqa: PLC0415 - needs the client

    return BambooHrSource(client, time_zone=time_zone, calendar=calendar)


def calendar_fields(settings: Mapping[str, str]) -> CalendarFields:
    """Where the source reads hours and holidays from; ``ConfigurationError`` naming the setting."""
    hours_field = (settings.get("working_hours_field") or "").strip()
    if hours_field and not hours_field.replace("_", "").replace("-", "").isalnum():
        raise ConfigurationError(
            "bamboohr: setting 'working_hours_field' must be a field's API name or id, "
            "such as customWorkingHours or 4047"
        )
    try:
        locations = parse_locations(settings.get("locations") or "")
    except ValueError as exc:
        raise ConfigurationError(f"bamboohr: setting 'locations': {exc}") from None
    return CalendarFields(
        hours_field,
        locations,
        flag_setting(settings, "holidays_from_address", where="bamboohr", default=True),
    )


def make_writer(settings: Mapping[str, str]) -> BambooHrSummaryWriter:
    """Build the summary-file writer."""
    category = (settings.get("file_category") or "").strip()
    if not category.isdigit():
        raise ConfigurationError(
            "bamboohr: setting 'file_category' must be the id of an employee-file category "
            "(GET /v1/employees/files/view lists them)"
        )
    share = (settings.get("share") or "yes").strip().lower()
    if share not in ("yes", "no"):
        raise ConfigurationError("bamboohr: setting 'share' must be yes or no")
    client = make_client(settings)
    from careerconv_plugins.bamboohr.hris_writer_adapter import BambooHrSummaryWriter  # noqa: PLC0415 - needs the client

    return BambooHrSummaryWriter(client, category, share=share == "yes")


def make_webhook_app(
    settings: Mapping[str, str],
    on_change: Callable[[Sequence[EmployeeEvent]], None],
    *,
    replays: ReplayStore | None = None,
) -> BambooHrWebhookApp:
    """The WSGI webhook receiver; ``webhook_window`` (seconds, default 300) bounds clock skew."""
    secret = _secret(settings, "webhook_secret_env", DEFAULT_SECRET_ENV)
    raw = (settings.get("webhook_window") or "300").strip()
    try:
        window = float(raw)
    except ValueError:
        raise ConfigurationError("bamboohr: setting 'webhook_window' must be seconds") from None
    if not 0 < window <= 3600:
        raise ConfigurationError("bamboohr: setting 'webhook_window' must be 1 to 3600 seconds")
    return BambooHrWebhookApp(secret.encode("utf-8"), on_change, window=window, replays=replays)


@hookimpl
def careerconv_hris_sources() -> Iterable[AdapterSpec[HrisSource]]:
    """The BambooHR directory source."""
    return [
        AdapterSpec(
            kind=AdapterKind.HRIS_SOURCE,
            name="bamboohr",
            factory=make_source,
            summary="Employees and 'Reporting to' from BambooHR",
            settings=(
                *_COMMON,
                "time_zone",
                Setting(
                    "working_hours_field",
                    SettingType.TEXT,
                    "the custom field holding each employee's working hours, such as 09:00-12:00,13:00-17:00",
                ),
                Setting(
                    "locations",
                    SettingType.TEXT,
                    "public holidays per location: 'Munich=DE-BY; London=GB-ENG'",
                ),
                Setting(
                    "holidays_from_address",
                    SettingType.FLAG,
                    "public holidays from the country and state when the location is not mapped",
                    True,
                ),
            ),
        )
    ]


@hookimpl
def careerconv_hris_writers() -> Iterable[AdapterSpec[HrisRecordWriter]]:
    """The BambooHR summary-file writer."""
    return [
        AdapterSpec(
            kind=AdapterKind.HRIS_WRITER,
            name="bamboohr",
            factory=make_writer,
            summary="Plan summaries as files on the BambooHR employee record",
            settings=(*_COMMON, "file_category", "share"),
        )
    ]
