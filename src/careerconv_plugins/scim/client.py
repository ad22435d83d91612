"""The SCIM HTTP client: GET requests through ``careerconv_plugins.http``, errors translated here.

Nothing from a response body reaches a message except SCIM's ``scimType``
keyword; the token never leaves the ``Authorization`` header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from careerconv_core.errors import AdapterError
from careerconv_plugins import http

log = logging.getLogger(__name__)

ADAPTER = "scim"


def _scim_type(response: requests.Response) -> str:
    """``, scimType=...`` from an error body: SCIM's keyword for what was wrong, and nothing else."""
    try:
        body = response.json()
    except ValueError:
        return ""
    kind = body.get("scimType") if isinstance(body, dict) else None
    return f", scimType={kind[:40]}" if isinstance(kind, str) else ""


class ScimClient:
    """GETs JSON from one SCIM service root (``.../v2``) with a bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        token_env: str,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.token_env = token_env
        self.requests_sent = 0
        self.seconds_waiting = 0.0  # time spent in HTTP requests, for benchmarks
        self._session = session or requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"
        self._session.headers["Accept"] = "application/scim+json, application/json"

    def __repr__(self) -> str:
        return f"ScimClient({self.base_url!r})"  # never the token

    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """GET ``path`` under the service root and return its JSON object."""
        url = f"{self.base_url}{path}"
        what = http.where("GET", url)
        self.requests_sent += 1
        started = time.perf_counter()
        try:
            response = http.send(
                self._session, "GET", url, adapter=ADAPTER, timeout=self.timeout, params=params
            )
        finally:
            self.seconds_waiting += time.perf_counter() - started
        if response.status_code >= 400:
            raise http.refused(ADAPTER, response, what, fixes=self._fixes(what), detail=_scim_type(response))
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AdapterError(ADAPTER, f"{what} answered something that is not SCIM JSON")
        return body

    def _fixes(self, what: str) -> dict[int, str]:
        return {
            401: f"the SCIM server refused the token in ${self.token_env}; set a current token",
            403: f"the token in ${self.token_env} may not {what}; grant it read access to Users",
        }

    def discover(self) -> tuple[int | None, bool]:
        """``filter.maxResults`` (if given) and ``filter.supported``, from the server's config."""
        config = self.get("/ServiceProviderConfig")
        filtering = config.get("filter")
        if not isinstance(filtering, dict):
            return None, False
        value = filtering.get("maxResults")
        largest = value if isinstance(value, int) and value > 0 else None
        return largest, filtering.get("supported") is True

    def list_users(self, page_size: int, params: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every user matching ``params``, page by page (``startIndex``/``count``)."""
        start = 1
        while True:
            query: dict[str, str | int] = {**(params or {}), "startIndex": start}
            query["count"] = page_size
            page = self.get("/Users", query)
            resources = page.get("Resources") or []
            if not isinstance(resources, list):
                raise AdapterError(ADAPTER, "GET /Users answered a list without Resources")
            for resource in resources:
                if isinstance(resource, dict):
                    yield resource
            total = page.get("totalResults")
            start += len(resources)
            # Stop on an empty page as well as at the total, so a server that
            # miscounts cannot keep us looping.
            if not resources or not isinstance(total, int) or start > total:
                return
