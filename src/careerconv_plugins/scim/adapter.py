"""The SCIM source: full reads, and incremental polls by ``meta.lastModified``."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from careerconv_core.errors import AdapterError
from careerconv_core.ports import OrgSnapshot
from careerconv_plugins.hris_mapping import checked_org
from careerconv_plugins.scim.client import ScimClient
from careerconv_plugins.scim.mapping import (
    changed_since_filter,
    checked_cursor,
    ids_filter,
    latest,
    map_users,
    where,
)

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 50
"""Manager ids looked up per request in an incremental poll (keeps filters short)."""


class ScimSource:
    """Reads people and reporting lines from a SCIM 2.0 service provider.

    ``read_people(None)`` is a full read: ``people`` is everyone active and
    ``removed`` the users marked ``active: false``; users deleted outright are
    simply absent, so compare with the previous full read (``diff_org``).
    ``read_people(cursor)`` asks only for users whose ``meta.lastModified``
    is after the cursor: changed and deactivated users, not hard deletes.
    Run a full read now and then (nightly) to catch those.

    A server whose ``/ServiceProviderConfig`` says ``filter.supported: false``
    is polled with a full read: everyone comes back as changed, which merges
    into the same org.

    Every manager reference is checked, because SCIM servers accept a
    ``manager.value`` that names nobody: in a full read against the users
    read, in a poll by looking the unknown ones up on the server. Any problem
    raises ``OrgInvalid`` listing every user concerned, and nothing is
    returned, so a half-valid org never reaches the handoff flow.

    ``holidays_from_address`` (default on) reads a user's holiday region
    from their address when careerconv's extension gives none.
    """

    def __init__(
        self, client: ScimClient, page_size: int = 1000, *, holidays_from_address: bool = True
    ) -> None:
        self.client = client
        self.page_size = page_size
        self.holidays_from_address = holidays_from_address
        self._server_max: int | None = None
        self._filters = True
        self._discovered = False

    def _discover(self) -> None:
        if not self._discovered:
            self._server_max, self._filters = self.client.discover()
            self._discovered = True

    def _page(self) -> int:
        self._discover()
        if self._server_max is None:
            return self.page_size
        return min(self.page_size, self._server_max)

    def read_people(self, cursor: str | None = None) -> OrgSnapshot:
        """Everyone (``cursor`` None) or users changed since ``cursor`` (RFC 3339)."""
        params: dict[str, str] = {}
        if cursor is not None:
            checked_cursor(cursor)  # refuse a bad cursor before any request
            self._discover()
            if self._filters:
                params["filter"] = changed_since_filter(cursor)
            else:
                # Everyone is a superset of the changes: apply_snapshot gives the
                # same org, at the price of a full read.
                log.info("SCIM server does not filter: polling with a full read")
        users = list(self.client.list_users(self._page(), params))
        mapped, problems = map_users(users, holidays_from_address=self.holidays_from_address)
        people = [m.person for m in mapped if m.person is not None]
        removed = tuple(m.user_id for m in mapped if m.person is None)
        known: set[str] = set()
        if cursor is not None and self._filters:
            in_batch = {p.id for p in people}
            outside = sorted({p.manager_id for p in people if p.manager_id} - in_batch)
            known = self._active_ids(outside)
        checked_org(people, problems, label=where, source="SCIM", known_ids=known)
        if cursor is None and not people:
            # Read as an org, an empty answer would mean everyone left; far more
            # often the url points at the wrong tenant.
            raise AdapterError("scim", "the server lists no active users; check the 'url' setting")
        return OrgSnapshot(tuple(people), removed, latest(mapped, cursor))

    def _active_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are active users on the server."""
        found: set[str] = set()
        for start in range(0, len(ids), LOOKUP_CHUNK):
            chunk = ids[start : start + LOOKUP_CHUNK]
            params = {"filter": ids_filter(chunk), "attributes": "id,active"}
            for user in self.client.list_users(self._page(), params):
                if user.get("active") is not False and isinstance(user.get("id"), str):
                    found.add(user["id"])
        return found
