"""The SCIM HTTP client: GET requests over ``requests``, errors translated here.

Nothing from a response body reaches a message except SCIM's ``scimType``
keyword; the token never leaves the ``Authorization`` header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from careerconv_core.errors import AdapterError
from careerconv_plugins.http import retry_after_seconds

log = logging.getLogger(__name__)

ADAPTER = "scim"





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
        where = urlsplit(url).path
        self.requests_sent += 1
        started = time.perf_counter()
        try:
            response = self._session.get(url, params=params, timeout=self.timeout)
        except requests.Timeout:
            raise AdapterError(
                ADAPTER, f"GET {where} timed out after {self.timeout:g}s", retryable=True
            ) from None
        except requests.RequestException as exc:
            raise AdapterError(
                ADAPTER, f"cannot reach the SCIM server for GET {where}: {type(exc).__name__}",
                retryable=True,
            ) from None
        finally:
            self.seconds_waiting += time.perf_counter() - started
        self._raise_for(response, where)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AdapterError(ADAPTER, f"GET {where} answered something that is not SCIM JSON")
        return body

    def _raise_for(self, response: requests.Response, where: str) -> None:
        status = response.status_code
        if status < 400:
            return
        if status == 401:
            raise AdapterError(
                ADAPTER,
                f"the SCIM server refused the token in ${self.token_env} (HTTP 401); "
                "set a current token",
            )
        if status == 403:
            raise AdapterError(
                ADAPTER,
                f"the token in ${self.token_env} may not read {where} (HTTP 403); "
                "grant it read access to Users",
            )
        if status == 429 or status >= 500:
            raise AdapterError(
                ADAPTER,
                f"GET {where} failed with HTTP {status}; try again later",
                retryable=True,
                retry_after=retry_after_seconds(response.headers),
            )
        scim_type = ""
        try:
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("scimType"), str):
                scim_type = f", scimType={body['scimType'][:40]}"
        except ValueError:
            pass
        raise AdapterError(ADAPTER, f"GET {where} was refused (HTTP {status}{scim_type})")

    def discover(self) -> tuple[int | None, bool]:
        """``filter.maxResults`` (if given) and ``filter.supported``, from the server's config."""
        config = self.get("/ServiceProviderConfig")
        filtering = config.get("filter")
        if not isinstance(filtering, dict):
            return None, False
        value = filtering.get("maxResults")
        largest = value if isinstance(value, int) and value > 0 else None
        return largest, filtering.get("supported") is True

    def list_users(
        self, page_size: int, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
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
