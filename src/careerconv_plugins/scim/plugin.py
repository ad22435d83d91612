"""Registers the SCIM 2.0 HRIS source named ``scim``.

Settings: ``url`` (the service root, such as ``https://idp.example.com/scim/v2``),
``token_env`` (the environment variable holding the bearer token; default
``CAREERCONV_SCIM_TOKEN``), ``page_size`` (default 1000, lowered to the
server's ``filter.maxResults``), ``timeout`` (seconds, default 30),
``holidays_from_address`` (default true: a user's holiday region from their
address when careerconv's extension gives none).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind, AdapterSpec, hookimpl
from careerconv_core.ports import HrisSource
from careerconv_core.setting import Setting, SettingType
from careerconv_plugins.settings import flag_setting, service_url, shown_env

if TYPE_CHECKING:
    from careerconv_plugins.scim.adapter import ScimSource

DEFAULT_TOKEN_ENV = "CAREERCONV_SCIM_TOKEN"  # noqa: S105 - the variable's name, not a token


def _number(settings: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = (settings.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"scim: setting {name!r} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigurationError(f"scim: setting {name!r} must be between {low:g} and {high:g}")
    return value


def make_source(settings: Mapping[str, str]) -> ScimSource:
    """Build the SCIM source; reads the token from the environment variable named."""
    url = service_url(
        settings.get("url") or "", where="scim", setting="url", example="https://idp.example.com/scim/v2"
    )
    token_env = (settings.get("token_env") or DEFAULT_TOKEN_ENV).strip()
    token = os.environ.get(token_env, "").strip()
    if not token:
        raise ConfigurationError(
            f"scim: the environment variable {shown_env(token_env)} (setting 'token_env') is empty; "
            "set it to the SCIM bearer token"
        )
    page_size = int(_number(settings, "page_size", 1000, 1, 10_000))
    timeout = _number(settings, "timeout", 30.0, 0.1, 600)
    # The client needs 'requests' (the 'hris' extra); load it only when a SCIM source is asked for,
    # so installing careerconv without the extra still lists and runs every other adapter.
    try:
        from careerconv_plugins.scim.adapter import ScimSource  # noqa: PLC0415
        from careerconv_plugins.scim.client import ScimClient  # noqa: PLC0415
    except ImportError as exc:
        raise ConfigurationError(
            f"scim: needs the 'hris' extra ({exc.name} is missing); "
            "install it with: pip install 'careerconv[hris]'"
        ) from None
    from_address = flag_setting(settings, "holidays_from_address", where="scim", default=True)
    client = ScimClient(url, token, token_env=token_env, timeout=timeout)
    return ScimSource(client, page_size=page_size, holidays_from_address=from_address)


@hookimpl
def careerconv_hris_sources() -> Iterable[AdapterSpec[HrisSource]]:
    """The SCIM 2.0 source."""
    return [
        AdapterSpec(
            kind=AdapterKind.HRIS_SOURCE,
            name="scim",
            factory=make_source,
            summary="People and managers from a SCIM 2.0 server (Okta, Entra ID, ...)",
            settings=(
                "url",
                "token_env",
                Setting("page_size", SettingType.INTEGER, "people asked for per page"),
                Setting("timeout", SettingType.NUMBER, "seconds to wait for the server"),
                Setting(
                    "holidays_from_address",
                    SettingType.FLAG,
                    "a user's public holidays from the country and region of their address",
                    True,
                ),
            ),
        )
    ]
