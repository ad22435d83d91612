"""Microsoft Graph over ``requests``, with an app-only token from ``msal``: the I/O half.

Plain ``requests`` rather than msgraph-sdk: the adapter needs six calls, exact
control of each request (``$filter`` on an extended property, ``If-Match``,
``Retry-After``, the count of every request for the figures) and no async
runtime; the SDK would bring hundreds of megabytes and hide the retries.

Each request is sent with a bounded timeout through ``careerconv_plugins.http``.
A short ``Retry-After`` (up to ``wait_limit`` seconds) is waited here, a few
times with jitter; a longer one becomes a retryable ``AdapterError`` with
``retry_after`` so the outbox holds the entry. A 401 drops the token and asks
msal for a new one, once. Graph's own error codes become one line naming the
setting or the mailbox and the fix; no body, token or secret is ever shown.
"""

from __future__ import annotations

import collections
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import msal  # type: ignore[import-untyped]  # msal ships no type hints
import requests

from careerconv_core.errors import AdapterError, WriteConflict
from careerconv_plugins import http

ADAPTER = "microsoft"
SCOPE = "https://graph.microsoft.com/.default"
BATCH_LIMIT = 20
"""Requests Graph takes in one JSON batch."""


class MailboxError(AdapterError):
    """Graph refused a mailbox: not in the tenant, not enabled, or outside the access policy."""


class GraphClient:
    """Talks to Graph for one app registration (``tenant``, ``client_id``, a secret).

    ``requests_made`` counts requests by ``METHOD kind`` (``POST events``,
    ``GET events``, ``POST getSchedule`` ...), and ``token_requests`` the tokens
    asked of msal's token endpoint, so figures and tests can see every call.
    """

    def __init__(
        self,
        *,
        tenant: str,
        client_id: str,
        client_secret: str,
        authority: str,
        graph_url: str,
        timeout: float = 10.0,
        tries: int = 3,
        wait_limit: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.tenant = tenant
        self.client_id = client_id
        self._secret = client_secret
        self.authority = authority.rstrip("/")
        self.graph_url = graph_url.rstrip("/")
        self.timeout = timeout
        self.tries = tries
        self.wait_limit = wait_limit
        self.sleep = sleep
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._app: msal.ConfidentialClientApplication | None = None
        self._session = http.json_session()
        self.requests_made: collections.Counter[str] = collections.Counter()
        self.token_requests = 0

    # -- tokens -----------------------------------------------------------------

    def _application(self) -> msal.ConfidentialClientApplication:
        if self._app is None:
            try:
                # instance_discovery=False: the authority is the one configured (a national
                # cloud, a proxy), never checked against login.microsoftonline.com first.
                self._app = msal.ConfidentialClientApplication(
                    self.client_id,
                    client_credential=self._secret,
                    authority=f"{self.authority}/{self.tenant}",
                    instance_discovery=False,
                    timeout=self.timeout,
                )
            except ValueError:
                raise AdapterError(
                    ADAPTER,
                    f"tenant {self.tenant!r} is not known at {self.authority} (settings 'tenant' "
                    "and 'authority'); use the directory (tenant) id from the app registration",
                    misconfigured=True,
                ) from None
            except requests.RequestException as exc:
                raise http.transport_error(
                    ADAPTER, "sign-in", self.authority, exc, timeout=self.timeout
                ) from None
        return self._app

    def _access_token(self, *, fresh: bool = False) -> str:
        app = self._application()
        if fresh:
            # msal refuses force_refresh for app tokens: forget the cached one instead.
            cache = app.token_cache
            for item in list(cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN)):
                cache.remove_at(item)
        try:
            # msal keeps the token in memory and asks again only when it is about to expire.
            result = app.acquire_token_for_client(scopes=[SCOPE])
        except requests.RequestException as exc:
            raise http.transport_error(
                ADAPTER, "sign-in", self.authority, exc, timeout=self.timeout
            ) from None
        token = result.get("access_token") if isinstance(result, dict) else None
        if not isinstance(token, str):
            raise _sign_in_error(result if isinstance(result, dict) else {})
        if result.get("token_source") == "identity_provider":
            self.token_requests += 1
        return token

    # -- requests ---------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        allow: tuple[int, ...] = (),
        mailbox: str = "",
    ) -> requests.Response:
        """One Graph request with retries; the answer when it is 2xx or in ``allow``.

        :param kind: what the request is, for counts and messages (``events``...).
        :param mailbox: the mailbox it is about, named in messages about it.
        :raises AdapterError: retryable (with ``retry_after``) or not, one line.
        """
        url = path if path.startswith("http") else f"{self.graph_url}{path}"
        what = f"{method} {kind}"
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = self._access_token()
            self.requests_made[what] += 1
            response = http.send(
                self._session,
                method,
                url,
                adapter=ADAPTER,
                timeout=self.timeout,
                json=body,
                params=params,
                headers={"Authorization": f"Bearer {token}", **(headers or {})},
                allow_redirects=False,
            )
            status = response.status_code
            if status < 400 or status in allow:
                return response
            code = _error_code(response)
            if status == 401 and not refreshed:
                refreshed = True  # an expired or revoked token: one new one, then give up
                self._access_token(fresh=True)
                continue
            if http.is_retryable_status(status) and attempt < self.tries:
                wait = http.retry_after_seconds(response.headers)
                if wait is None:
                    wait = min(self.wait_limit, 0.2 * 2**attempt)
                if wait <= self.wait_limit:
                    self.sleep(wait * (1 + self.rng.uniform(0, 0.25)))
                    continue
            raise self.error_for(status, code, what, response, mailbox)

    def batch(self, urls: Sequence[str], *, kind: str, mailbox: str) -> list[dict[str, Any] | AdapterError]:
        """GET each of ``urls`` (paths with their query, below ``graph_url``) in one JSON batch.

        At most ``BATCH_LIMIT`` a call, as Graph takes. A part answered 429/503/5xx is sent
        again in the next batch (its ``Retry-After`` waited when short), up to ``tries``
        times; then it is a retryable error, like any refused part, in its place.
        """
        results: list[dict[str, Any] | AdapterError | None] = [None] * len(urls)
        todo = list(range(len(urls)))
        for attempt in range(1, self.tries + 1):
            again: list[int] = []
            longest = 0.0
            for first in range(0, len(todo), BATCH_LIMIT):
                chunk = todo[first : first + BATCH_LIMIT]
                # Times in UTC, whatever the mailbox's zone: what the state hashes were made of.
                prefer = {"Prefer": 'outlook.timezone="UTC"'}
                body = {
                    "requests": [
                        {"id": str(n), "method": "GET", "url": urls[n], "headers": prefer} for n in chunk
                    ]
                }
                response = self.call("POST", "/$batch", kind="$batch", body=body, mailbox=mailbox)
                parts = _json(response, "$batch").get("responses") or []
                answered = {str(p.get("id")): p for p in parts if isinstance(p, dict)}
                for n in chunk:
                    part = answered.get(str(n), {"status": 500, "headers": {}, "body": {}})
                    status = int(part.get("status", 500))
                    headers = {str(k): str(v) for k, v in (part.get("headers") or {}).items()}
                    inner = _response(status, headers, part.get("body"))
                    if status < 400:
                        results[n] = _json(inner, kind)
                        continue
                    error = self.error_for(status, _error_code(inner), f"GET {kind}", inner, mailbox)
                    results[n] = error
                    if error.retryable and attempt < self.tries:
                        again.append(n)
                        longest = max(longest, http.retry_after_seconds(headers) or 0.2 * 2**attempt)
            if not again or longest > self.wait_limit:
                break
            self.sleep(longest * (1 + self.rng.uniform(0, 0.25)))
            todo = again
        return [r if r is not None else AdapterError(ADAPTER, f"GET {kind}: no answer") for r in results]

    def error_for(
        self, status: int, code: str, what: str, response: requests.Response, mailbox: str
    ) -> AdapterError:
        """The one-line error for a refused answer, naming the setting or the mailbox and the fix."""
        who = f"mailbox {mailbox!r}" if mailbox else "the mailbox"
        if status == 401:
            return AdapterError(
                ADAPTER,
                f"{what}: Graph refused the token ({code or 'HTTP 401'}) even after a new one; the "
                f"client secret in the variable named by 'client_secret_env' is wrong or expired: "
                "make a new secret in the app registration",
                misconfigured=True,
            )
        if status == 403 and code in {"ErrorAccessDenied", "Authorization_RequestDenied", "AccessDenied", ""}:
            return MailboxError(
                ADAPTER,
                f"{what}: access to {who} denied ({code or 'HTTP 403'}); grant the app the "
                "Calendars.ReadWrite application permission with admin consent, and add "
                f"{mailbox or 'the mailbox'} to the group its application access policy allows",
            )
        if status == 404 and code in {"ErrorInvalidUser", "MailboxNotEnabledForRESTAPI", "ResourceNotFound"}:
            return MailboxError(
                ADAPTER,
                f"{what}: {who} does not exist in tenant {self.tenant!r} or has no Exchange Online "
                f"mailbox ({code}); use the person's address in this tenant (check their e-mail "
                "in the org file) or give them a mailbox",
            )
        if status == 412 or code in {"ErrorIrresolvableConflict"}:
            return WriteConflict(ADAPTER, f"{what}: the event changed in the calendar meanwhile ({code})")
        detail = f", {code}" if code else ""
        return http.refused(ADAPTER, response, what, detail=detail)

    def pages(
        self, path: str, *, kind: str, params: Mapping[str, str], mailbox: str
    ) -> Iterator[dict[str, Any]]:
        """Every item of a collection, following ``@odata.nextLink`` page by page."""
        response = self.call("GET", path, kind=kind, params=params, mailbox=mailbox)
        while True:
            data = _json(response, kind)
            yield from (item for item in data.get("value") or () if isinstance(item, dict))
            link = data.get("@odata.nextLink")
            if not isinstance(link, str):
                return
            response = self.call("GET", link, kind=kind, mailbox=mailbox)

    @staticmethod
    def user_path(mailbox: str) -> str:
        """``/users/{address}``, the address escaped for a path."""
        return f"/users/{quote(mailbox, safe='@')}"


def _response(status: int, headers: Mapping[str, str], body: object) -> requests.Response:
    """One part of a batch answer as a ``requests.Response``, read the way a whole one is."""
    part = requests.Response()
    part.status_code = status
    part.headers.update(headers)
    part._content = json.dumps(body).encode()
    return part


def _json(response: requests.Response, kind: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise AdapterError(ADAPTER, f"{kind}: Graph answered with unreadable JSON", retryable=True) from None
    if not isinstance(data, dict):
        raise AdapterError(ADAPTER, f"{kind}: Graph answered with an unexpected shape", retryable=True)
    return data


def json_of(response: requests.Response, kind: str) -> dict[str, Any]:
    """The JSON object of an answer, or a retryable error when it is not one."""
    return _json(response, kind)


def _error_code(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and code.isprintable() and len(code) < 80 else ""


def _sign_in_error(result: Mapping[str, Any]) -> AdapterError:
    error = str(result.get("error", ""))
    codes = result.get("error_codes") or []
    if error == "invalid_client" or 7000215 in codes or 7000222 in codes:
        fix = (
            "the client secret (in the variable named by 'client_secret_env') is wrong or expired; "
            "make a new one under Certificates & secrets of the app registration"
        )
    elif error == "unauthorized_client" or 700016 in codes:
        fix = "setting 'client_id' names no app in this tenant; copy the Application (client) id"
    elif error == "invalid_request" and 90002 in codes:
        fix = "setting 'tenant' names no tenant; copy the Directory (tenant) id"
    elif error in {"temporarily_unavailable", "server_error"}:
        return AdapterError(
            ADAPTER,
            f"sign-in: the identity platform is unavailable ({error}); will try again",
            retryable=True,
        )
    else:
        fix = "check the settings 'tenant', 'client_id' and 'client_secret_env'"
    return AdapterError(ADAPTER, f"sign-in refused ({error or 'no token'}); {fix}", misconfigured=True)
