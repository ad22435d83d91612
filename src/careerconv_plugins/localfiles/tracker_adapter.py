"""The embedded tracker: one JSON file per GROW action in a folder.

People mark an action done by setting ``"status": "done"`` in its file (or with
``careerconv action done``); ``pull_statuses`` reads it back. A file that was
deleted is reported as deleted, never silently recreated by a pull.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from careerconv_core import serialization
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import TicketStatus, TicketView
from careerconv_plugins.localfiles.client import JsonFolder


class FileTracker:
    """A ``TicketTracker`` writing ticket views as JSON files."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.folder = JsonFolder("files tracker", settings.get("directory"))

    def deliver_tickets(self, tickets: Sequence[TicketView]) -> Sequence[DeliveryOutcome]:
        """Write each ticket whose file differs; unchanged files are not touched."""
        out = []
        for ticket in tickets:
            if ticket.status is TicketStatus.DELETED:
                # Deleted by someone on purpose: reported by pull_statuses, never recreated here.
                out.append(DeliveryOutcome(ticket.key, OutcomeStatus.UNCHANGED, "ticket was deleted"))
            else:
                out.append(self.folder.deliver(ticket.key, serialization.unstructure(ticket), named=True))
        return out

    def pull_statuses(self, keys: Sequence[str]) -> dict[str, TicketStatus]:
        """Each key's status from its file; DELETED when the file is gone."""
        result = {}
        for key in keys:
            doc = self.folder.read(key)
            if doc is None:
                result[key] = TicketStatus.DELETED
                continue
            value = str(doc.get("status", "open")).lower()
            result[key] = TicketStatus.DONE if value == "done" else TicketStatus.OPEN
        return result
