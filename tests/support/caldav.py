"""What a calendar client sees in a CalDAV collection, read over plain WebDAV."""

from __future__ import annotations

from xml.etree import ElementTree

import icalendar
import requests

from servers.calendars import CalendarServer


def events(url: str, server: CalendarServer) -> dict[str, icalendar.Event]:
    """Every VEVENT in the collection, by UID, read with PROPFIND and GET."""
    auth = (server.user, server.password) if server.password else None
    listing = requests.request("PROPFIND", url, headers={"Depth": "1"}, auth=auth, timeout=10)
    assert listing.status_code == 207
    hrefs = [
        e.text
        for e in ElementTree.fromstring(listing.content).iter("{DAV:}href")
        if e.text and e.text.endswith(".ics")
    ]
    found: dict[str, icalendar.Event] = {}
    base = url.split("/", 3)[:3]
    for href in hrefs:
        body = requests.get("/".join(base) + href if href.startswith("/") else href, auth=auth, timeout=10)
        body.raise_for_status()
        for event in icalendar.Calendar.from_ical(body.content).walk("VEVENT"):
            uid = str(event["UID"])
            assert uid not in found, f"duplicate event {uid}"
            found[uid] = event
    return found
