"""Retry-After in both of its forms, and the one classification every HTTP adapter uses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from careerconv_core.errors import AdapterError
from careerconv_plugins.http import (
    RETRYABLE_STATUSES,
    UNPROCESSED_STATUSES,
    is_retryable_status,
    refused,
    request,
    retry_after_seconds,
    send,
    where,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("Wed, 25 Nov 2026 12:01:30 GMT", 90.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),  # already past: go now
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_forms(value: str, expected: float | None) -> None:
    assert retry_after_seconds({"Retry-After": value}, NOW) == expected


def test_no_header_means_the_caller_decides() -> None:
    assert retry_after_seconds({}, NOW) is None
    assert retry_after_seconds(None, NOW) is None


# ---------------------------------------------------------------- one classification
def answer(status: int, headers: dict[str, str] | None = None) -> requests.Response:
    """A response as ``requests`` hands it back, without a server."""
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_the_retryable_statuses(status: int) -> None:
    assert is_retryable_status(status)
    error = refused("x", answer(status, {"Retry-After": "30"}), "GET /a")
    assert error.retryable and error.retry_after == 30.0
    assert f"HTTP {status}" in error.reason


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501, 505, 507, 511])
def test_statuses_a_person_must_fix_are_not_retried(status: int) -> None:
    assert not is_retryable_status(status)
    error = refused("x", answer(status, {"Retry-After": "30"}), "GET /a", fixes={status: "do this"})
    assert not error.retryable and error.retry_after is None
    assert error.reason == f"GET /a: refused (HTTP {status}); do this"


def test_the_set_is_one_frozen_set_and_unprocessed_is_part_of_it() -> None:
    assert frozenset({408, 425, 429, 500, 502, 503, 504}) == RETRYABLE_STATUSES
    assert UNPROCESSED_STATUSES <= RETRYABLE_STATUSES


def test_a_detail_follows_the_status() -> None:
    error = refused("scim", answer(400), "GET /v2/Users", detail=", scimType=invalidFilter")
    assert "(HTTP 400, scimType=invalidFilter)" in error.reason


class _Failing(requests.Session):
    """A session whose every request fails on the way, as a dead network would."""

    def __init__(self, exc: requests.RequestException) -> None:
        super().__init__()
        self.exc = exc

    def request(self, *_args: object, **_kwargs: object) -> requests.Response:  # type: ignore[override]
        raise self.exc


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (requests.ConnectTimeout(), "no answer within 2s (setting 'timeout')"),
        (requests.ConnectionError(), "could not connect to dav.example.com:8443"),
        (requests.TooManyRedirects(), "failed (TooManyRedirects)"),
    ],
)
def test_no_answer_at_all_is_retryable_and_names_no_credentials(
    exc: requests.RequestException, words: str
) -> None:
    url = "https://mara:s3cret@dav.example.com:8443/cal/?token=t0k"
    with _Failing(exc) as session, pytest.raises(AdapterError) as caught:
        send(session, "PUT", url, adapter="caldav", timeout=2)
    assert caught.value.retryable
    assert words in caught.value.reason
    assert caught.value.reason.startswith("PUT /cal/: ")
    assert "s3cret" not in str(caught.value) and "t0k" not in str(caught.value)


def test_request_returns_what_it_accepts_and_refuses_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = requests.Session()
    answers = iter([answer(204), answer(403)])
    monkeypatch.setattr(session, "request", lambda *_a, **_k: next(answers))
    assert request(session, "GET", "https://h/x", adapter="x", timeout=1).status_code == 204
    with pytest.raises(AdapterError, match=r"GET /x: refused \(HTTP 403\); grant it"):
        request(session, "GET", "https://h/x", adapter="x", timeout=1, fixes={403: "grant it"})
    assert where("GET", "https://h") == "GET /"
