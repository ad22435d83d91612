"""The BambooHR HTTP client: Basic auth with an API key, errors translated here.

Messages carry the HTTP status and the path, never a body or the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests

from careerconv_core.errors import AdapterError
from careerconv_plugins import http

ADAPTER = "bamboohr"


class BambooHrClient:
    """Calls one company's API at ``{base_url}/api/gateway.php/{company}/v1``."""

    def __init__(
        self,
        base_url: str,
        company: str,
        api_key: str,
        *,
        key_env: str,
        timeout: float = 30.0,
        session: requests.Session | None = None,
    ) -> None:
        self.root = f"{base_url.rstrip('/')}/api/gateway.php/{quote(company, safe='')}/v1"
        self.key_env = key_env
        self.timeout = timeout
        self.requests_sent = 0
        self._session = session or requests.Session()
        # BambooHR takes the API key as the Basic user name; the password is ignored.
        self._session.auth = (api_key, "x")
        self._session.headers["Accept"] = "application/json"
        self._fixes = {
            401: f"BambooHR refused the API key in ${key_env}; set a current key",
            403: f"the API key in ${key_env} may not do this; give its user access to the "
            "directory, the 'Reporting to' field and employee files",
            404: "BambooHR found nothing there: the employee or the file is gone",
        }

    def __repr__(self) -> str:
        return f"BambooHrClient({self.root!r})"  # never the key

    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        data: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response:
        """Send one request; raise ``AdapterError`` on anything but 2xx (see ``careerconv_plugins.http``)."""
        self.requests_sent += 1
        return http.request(
            self._session,
            method,
            f"{self.root}{path}",
            adapter=ADAPTER,
            timeout=self.timeout,
            fixes=self._fixes,
            params=params,
            json=json,
            data=data,
            files=files,
        )

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """GET and decode a JSON object."""
        response = self.request("GET", path, params=params)
        return self.json_object(response, f"GET {path}")

    def post_json(self, path: str, body: object, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """POST JSON and decode a JSON object."""
        response = self.request("POST", path, params=params, json=body)
        return self.json_object(response, f"POST {path}")

    @staticmethod
    def json_object(response: requests.Response, where: str) -> dict[str, Any]:
        """The response's JSON object, or ``AdapterError`` naming ``where``."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise AdapterError(ADAPTER, f"{where} answered something that is not a JSON object")
        return body

    @staticmethod
    def server_time(response: requests.Response) -> str | None:
        """The server's ``Date`` header as an ISO instant, when it sent one."""
        value = response.headers.get("Date")
        if not value:
            return None
        try:
            return parsedate_to_datetime(value).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        except (TypeError, ValueError):
            return None
