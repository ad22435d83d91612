"""A small CalDAV client (RFC 4791) over ``requests``: the I/O half of the CalDAV backend.

Only what the backend needs, each with a bounded timeout: find or create the
calendar (PROPFIND, MKCALENDAR), read many events in one request
(calendar-multiget REPORT), conditional PUT and DELETE (``If-None-Match: *``,
``If-Match``), and, for free/busy, a calendar-query REPORT of the events in a
window (expanded by the server) or a free-busy-query REPORT. Requests go through
``careerconv_plugins.http``; every unexpected status is translated here into
``AdapterError`` or ``WriteConflict``; messages carry the URL path and the
status, never a body or a password.
"""

from __future__ import annotations

import collections
import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import unquote, urljoin, urlsplit

import requests

from careerconv_core.errors import AdapterError, WriteConflict
from careerconv_plugins import http

ADAPTER = "caldav"
DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
_NS = f'xmlns:d="{DAV}" xmlns:c="{CALDAV}"'


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class CalendarGoneError(AdapterError):
    """The calendar collection disappeared (deleted on the server) since it was checked."""


class CalDavClient:
    """Talks to one calendar collection at ``calendar_url`` as ``user``.

    ``requests_made`` counts requests by method, so a benchmark or a test can
    see that an unchanged sync sends no write.
    """

    def __init__(
        self,
        calendar_url: str,
        user: str,
        password: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.calendar_url = calendar_url if calendar_url.endswith("/") else calendar_url + "/"
        self.timeout = timeout
        self.user = user
        self._auth = (user, password) if user else None
        self._session: requests.Session | None = None
        self.requests_made: collections.Counter[str] = collections.Counter()
        self._fixes = {
            401: f"the server refused user {user!r}; check the 'user' setting and the "
            "password in the variable named by 'password_env'",
            403: f"the account {user!r} may not do this here; check the 'url' setting and "
            "the account's rights",
        }

    @contextlib.contextmanager
    def connection(self) -> Iterator[None]:
        """Reuse one HTTP connection for the requests inside, and close it after."""
        if self._session is not None:
            yield
            return
        with requests.Session() as session:
            session.auth = self._auth
            self._session = session
            try:
                yield
            finally:
                self._session = None

    # -- transport -----------------------------------------------------------

    def _path(self, url: str) -> str:
        return urlsplit(url).path or "/"

    def request(
        self,
        method: str,
        url: str,
        *,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 204, 207),
        allow: tuple[int, ...] = (),
    ) -> requests.Response:
        """Send one request; return the response when its status is in ``ok`` or ``allow``.

        Other statuses become errors (``careerconv_plugins.http.refused``): 401
        and 403 name the setting to fix, 412 is a ``WriteConflict``, a redirect
        names the address to use; the retryable statuses are retried later,
        honouring ``Retry-After``.
        """
        if self._session is None:
            with self.connection():
                return self.request(method, url, body=body, headers=headers, ok=ok, allow=allow)
        self.requests_made[method] += 1
        response = http.send(
            self._session,
            method,
            url,
            adapter=ADAPTER,
            timeout=self.timeout,
            data=body.encode() if isinstance(body, str) else body,
            headers=headers or {},
            allow_redirects=False,
        )
        status = response.status_code
        if status in ok or status in allow:
            return response
        what = http.where(method, url)
        if status == 412:
            raise WriteConflict(
                ADAPTER, f"{what}: 412 Precondition Failed; changed on the server by someone else"
            )
        if status in _REDIRECTS:
            moved_to = self._path(urljoin(url, response.headers.get("Location", "")))
            raise AdapterError(
                ADAPTER, f"{what}: the server redirects to {moved_to}; set 'url' to that address"
            )
        raise http.refused(ADAPTER, response, what, fixes=self._fixes)

    # -- the calendar --------------------------------------------------------

    def resource_url(self, name: str) -> str:
        """The URL of the event resource ``name`` in the calendar."""
        return urljoin(self.calendar_url, name)

    def _propfind(self, url: str, props: str, depth: str) -> requests.Response:
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><d:propfind {_NS}><d:prop>{props}</d:prop></d:propfind>'
        )
        return self.request(
            "PROPFIND",
            url,
            body=body,
            headers={"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
            allow=(404,),
        )

    def _mkcalendar(self, url: str, display_name: str) -> None:
        mk = (
            f'<?xml version="1.0" encoding="utf-8"?><c:mkcalendar {_NS}><d:set><d:prop>'
            f"<d:displayname>{_xml_text(display_name)}</d:displayname>"
            '<c:supported-calendar-component-set><c:comp name="VEVENT"/>'
            "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
        )
        self.request(
            "MKCALENDAR",
            url,
            body=mk,
            headers={"Content-Type": "application/xml; charset=utf-8"},
            ok=(200, 201),
        )

    def ensure_calendar(self, *, create: bool, display_name: str) -> bool:
        """Make ``calendar_url`` point at a calendar, creating it when allowed.

        ``url`` may be the calendar itself (used as it is, or created there with
        MKCALENDAR when missing), or any other collection on the server (the
        root, the user's principal or calendar home): then the user's calendar
        home is discovered (RFC 4791 ``calendar-home-set``) and the calendar
        named ``display_name`` there is reused, or created.

        :returns: True when a calendar was created now.
        """
        response = self._propfind(
            self.calendar_url,
            "<d:resourcetype/><d:getcontenttype/><d:current-user-principal/>",
            "0",
        )
        # Some servers say "not found" inside a 207 multistatus instead of a plain 404.
        if response.status_code == 404 or _says_not_found(response.content):
            if not create:
                raise AdapterError(
                    ADAPTER,
                    f"no calendar at {self._path(self.calendar_url)}; create it or set "
                    'create_calendar = "true"',
                )
            self._mkcalendar(self.calendar_url, display_name)
            return True
        types = _resource_types(response.content)
        if f"{{{CALDAV}}}calendar" in types:
            return False
        kind = _parse(response.content).findtext(f".//{{{DAV}}}getcontenttype") or ""
        if kind.lower().startswith("text/calendar"):
            # An event or another plain resource: a wrong URL, not a place to search from.
            raise AdapterError(
                ADAPTER,
                f"{self._path(self.calendar_url)} is not a calendar; point 'url' at a "
                "calendar collection or at the server",
            )
        return self._find_in_home(response.content, create=create, display_name=display_name)

    def _find_in_home(self, answer: bytes, *, create: bool, display_name: str) -> bool:
        not_calendar = AdapterError(
            ADAPTER,
            f"{self._path(self.calendar_url)} is not a calendar and no calendar home was "
            "found from it; point 'url' at a calendar collection",
        )
        principal = _first_href(answer, f"{{{DAV}}}current-user-principal")
        if principal is None:
            raise not_calendar
        found = self._propfind(urljoin(self.calendar_url, principal), "<c:calendar-home-set/>", "0")
        home = _first_href(found.content, f"{{{CALDAV}}}calendar-home-set")
        if found.status_code == 404 or home is None:
            raise not_calendar
        home_url = urljoin(self.calendar_url, home)
        home_url = home_url if home_url.endswith("/") else home_url + "/"
        listing = self._propfind(home_url, "<d:resourcetype/><d:displayname/>", "1")
        for href, types, name in _listing(listing.content):
            if f"{{{CALDAV}}}calendar" in types and name == display_name:
                target = urljoin(home_url, href)
                self.calendar_url = target if target.endswith("/") else target + "/"
                return False
        slug = re.sub(r"[^a-z0-9]+", "-", display_name.lower()).strip("-") or "careerconv"
        self.calendar_url = urljoin(home_url, f"{slug}/")
        if not create:
            raise AdapterError(
                ADAPTER,
                f"no calendar named {display_name!r} in {self._path(home_url)}; create it or "
                'set create_calendar = "true"',
            )
        self._mkcalendar(self.calendar_url, display_name)
        return True

    def multiget(self, names: list[str]) -> dict[str, tuple[str, str]]:
        """ETag and calendar data of each existing resource among ``names``, in one REPORT.

        Missing resources are simply absent from the result.
        """
        if not names:
            return {}
        hrefs = "".join(f"<d:href>{_xml_text(self._path(self.resource_url(n)))}</d:href>" for n in names)
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget {_NS}>'
            f"<d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"
        )
        response = self.request(
            "REPORT",
            self.calendar_url,
            body=body,
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            ok=(207,),
            allow=(404,),
        )
        if response.status_code == 404:
            raise CalendarGoneError(
                ADAPTER, f"the calendar {self._path(self.calendar_url)} is gone", retryable=True
            )
        found: dict[str, tuple[str, str]] = {}
        by_path = {unquote(self._path(self.resource_url(n))): n for n in names}
        for href, etag, data in _multistatus(response.content):
            name = by_path.get(unquote(self._path(urljoin(self.calendar_url, href))))
            if name is not None and etag is not None and data is not None:
                found[name] = (etag, data)
        return found

    def put(self, name: str, text: str, *, etag: str | None) -> str | None:
        """Create (``etag`` None: ``If-None-Match: *``) or update (``If-Match``) a resource.

        :returns: the new ETag when the server said it.
        :raises WriteConflict: the resource appeared or changed meanwhile (412),
            or the server refuses a second event with the same UID (409).
        """
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if etag is None:
            headers["If-None-Match"] = "*"
        else:
            headers["If-Match"] = etag
        url = self.resource_url(name)
        response = self.request("PUT", url, body=text, headers=headers, ok=(200, 201, 204), allow=(409,))
        if response.status_code == 409:
            raise WriteConflict(
                ADAPTER,
                f"PUT {self._path(url)}: 409 Conflict; the server holds another event with "
                "this UID, remove the copy there",
            )
        return response.headers.get("ETag")

    def delete(self, name: str, *, etag: str) -> bool:
        """Delete a resource if it still has ``etag``; False when it was already gone."""
        response = self.request(
            "DELETE",
            self.resource_url(name),
            headers={"If-Match": etag},
            ok=(200, 204),
            allow=(404,),
        )
        return response.status_code != 404

    def events_between(self, url: str, start: datetime, end: datetime) -> list[str] | None:
        """The calendar data of the events at ``url`` that touch ``start``-``end``, recurrences
        expanded by the server; None when the account may not read them (free/busy rights only)
        or the server has no such report.

        A 403, 404, 405 or 501 means "not available here" rather than an error.
        """
        fmt = "%Y%m%dT%H%M%SZ"
        first, last = start.astimezone(UTC).strftime(fmt), end.astimezone(UTC).strftime(fmt)
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><c:calendar-query {_NS}><d:prop>'
            f'<c:calendar-data><c:expand start="{first}" end="{last}"/></c:calendar-data></d:prop>'
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            f'<c:time-range start="{first}" end="{last}"/>'
            "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
        )
        response = self._report(url, body, ok=207)
        if response is None:
            return None
        return [data for _href, _etag, data in _multistatus(response.content) if data is not None]

    def free_busy(self, url: str, start: datetime, end: datetime) -> str | None:
        """The VFREEBUSY text for the calendar at ``url``, or None if the server has no free/busy.

        A 403, 404, 405 or 501 means "not available here" rather than an error.
        """
        fmt = "%Y%m%dT%H%M%SZ"
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><c:free-busy-query {_NS}>'
            f'<c:time-range start="{start.astimezone(UTC).strftime(fmt)}" '
            f'end="{end.astimezone(UTC).strftime(fmt)}"/></c:free-busy-query>'
        )
        response = self._report(url, body, ok=200)
        if response is None:
            return None
        return response.content.decode("utf-8", errors="replace")

    def _report(self, url: str, body: str, *, ok: int) -> requests.Response | None:
        """A REPORT on the collection at ``url``; None when the server says it cannot answer it.

        A 400, 403, 404, 405, 415 or 501 means "not available here" rather than an error.
        """
        response = self.request(
            "REPORT",
            url if url.endswith("/") else url + "/",
            body=body,
            headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            ok=(ok,),
            allow=(400, 403, 404, 405, 415, 501),
        )
        return response if response.status_code == ok else None


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _parse(content: bytes) -> ET.Element:
    try:
        return ET.fromstring(content)  # noqa: S314 - trusted configured server, no entities used
    except ET.ParseError:
        raise AdapterError(
            ADAPTER, "the server answered with XML that cannot be read", retryable=True
        ) from None


def _says_not_found(content: bytes) -> bool:
    root = _parse(content)
    return any(
        " 404 " in f"{status.text or ''} "
        for response in root.iter(f"{{{DAV}}}response")
        for status in response.findall(f"{{{DAV}}}status")
    )


def _first_href(content: bytes, prop: str) -> str | None:
    root = _parse(content)
    for element in root.iter(prop):
        href = element.findtext(f"{{{DAV}}}href")
        if href:
            return href.strip()
    return None


def _listing(content: bytes) -> list[tuple[str, set[str], str]]:
    """(href, resource types, display name) for each member in a Depth 1 PROPFIND."""
    rows = []
    for response in _parse(content).iter(f"{{{DAV}}}response"):
        href = response.findtext(f"{{{DAV}}}href") or ""
        types = {c.tag for rt in response.iter(f"{{{DAV}}}resourcetype") for c in rt}
        name = response.findtext(f".//{{{DAV}}}displayname") or ""
        rows.append((href, types, name))
    return rows


def _resource_types(content: bytes) -> set[str]:
    root = _parse(content)
    return {child.tag for rt in root.iter(f"{{{DAV}}}resourcetype") for child in rt}


def _multistatus(content: bytes) -> list[tuple[str, str | None, str | None]]:
    """(href, etag, calendar-data) for each response with a 200 propstat."""
    root = _parse(content)
    rows: list[tuple[str, str | None, str | None]] = []
    for response in root.iter(f"{{{DAV}}}response"):
        href = response.findtext(f"{{{DAV}}}href") or ""
        etag: str | None = None
        data: str | None = None
        for propstat in response.iter(f"{{{DAV}}}propstat"):
            status = propstat.findtext(f"{{{DAV}}}status") or ""
            if " 200 " not in f"{status} ":
                continue
            etag = propstat.findtext(f".//{{{DAV}}}getetag") or etag
            data = propstat.findtext(f".//{{{CALDAV}}}calendar-data") or data
        rows.append((href, etag, data))
    return rows
