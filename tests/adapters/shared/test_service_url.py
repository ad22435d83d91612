"""Every adapter that talks to a service checks its address by one rule (settings.service_url).

https:// only, except for a server on this machine; no credentials inside the
address, and a refusal never repeats the address, which may hold a secret.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from careerconv_core.errors import ConfigurationError
from careerconv_plugins.bamboohr.plugin import make_client
from careerconv_plugins.caldav.adapter import from_settings
from careerconv_plugins.google.plugin import make_backend as google_backend
from careerconv_plugins.jira.settings import parse_settings as jira_settings
from careerconv_plugins.scim.plugin import make_source
from careerconv_plugins.settings import service_url

SECRET = "s3cr3t-in-the-url"


def _caldav(url: str) -> object:
    return from_settings({"url": url})


def _caldav_busy(url: str) -> object:
    return from_settings({"url": "https://dav.example.com/cal/", "busy_urls": url})


def _scim(url: str) -> object:
    return make_source({"url": url, "token_env": "SCIM_TEST_TOKEN"})


def _bamboohr(url: str) -> object:
    return make_client({"company": "acme", "base_url": url, "api_key_env": "BAMBOO_TEST_KEY"})


def _jira(url: str) -> object:
    try:
        return jira_settings(
            {"url": url, "project": "CC", "deployment": "cloud", "email": "a@example.com"}, {}
        )
    except ConfigurationError as exc:
        if "setting 'url'" in str(exc):
            raise
        return None  # a refusal of something else: the address passed


def _google(setting: str) -> Callable[[str], object]:
    def build(url: str) -> object:
        # The address is checked before the credentials, so none are needed to see its refusal;
        # an address that passes goes on to the credentials' refusal, which is not about it.
        try:
            return google_backend({setting: url}, environ={})
        except ConfigurationError as exc:
            if "no credentials" in str(exc):
                return None
            raise

    return build


ADAPTERS: dict[str, tuple[Callable[[str], object], str]] = {
    "caldav url": (_caldav, "url"),
    "caldav busy_urls": (_caldav_busy, "busy_urls"),
    "scim url": (_scim, "url"),
    "bamboohr base_url": (_bamboohr, "base_url"),
    "jira url": (_jira, "url"),
    "google api_url": (_google("api_url"), "api_url"),
    "google token_uri": (_google("token_uri"), "token_uri"),
}


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCIM_TEST_TOKEN", "token-value")
    monkeypatch.setenv("BAMBOO_TEST_KEY", "key-value")


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
@pytest.mark.parametrize(
    "url",
    [
        f"https://mara:{SECRET}@dav.example.com/x/",
        f"http://{SECRET}@127.0.0.1:5232/x/",
    ],
)
def test_credentials_inside_the_address_are_refused_without_repeating_them(adapter: str, url: str) -> None:
    build, setting = ADAPTERS[adapter]
    with pytest.raises(ConfigurationError) as caught:
        build(url)
    message = str(caught.value)
    assert f"setting {setting!r} must not hold a user or password" in message
    assert SECRET not in message


@pytest.mark.parametrize("adapter", sorted(ADAPTERS))
@pytest.mark.parametrize("host", ["dav.example.com", "10.1.2.3", "[2001:db8::1]", "127.0.0.1.example.com"])
def test_plain_http_across_the_network_is_refused(adapter: str, host: str) -> None:
    build, setting = ADAPTERS[adapter]
    with pytest.raises(ConfigurationError, match=f"setting '{setting}' must use https://"):
        build(f"http://{host}/x/")


@pytest.mark.parametrize("adapter", sorted(set(ADAPTERS) - {"jira url"}))  # Jira's own check answers
@pytest.mark.parametrize(
    "url", ["dav.example.com/x/", "ftp://dav.example.com/x/", "https://", "http://[::1/x"]
)
def test_an_address_that_is_not_one_is_refused_with_an_example(adapter: str, url: str) -> None:
    build, setting = ADAPTERS[adapter]
    expected = f"setting '{setting}' must be the service's https:// address"
    with pytest.raises(ConfigurationError, match=expected):
        build(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://dav.example.com/x/",
        "http://127.0.0.1:5232/x/",
        "http://127.8.9.10/x/",
        "http://[::1]:8080/x/",
        "http://localhost/x/",
    ],
)
def test_https_anywhere_and_http_on_this_machine_are_taken(url: str) -> None:
    assert service_url(f"  {url} ", where="w", setting="url", example="e") == url
    for build, _setting in ADAPTERS.values():
        build(url)  # raises nothing
