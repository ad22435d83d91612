"""BambooHR as an ``HrisRecordWriter``: the plan summary as a file on the employee's record."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import quote

from careerconv_core.errors import AdapterError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import HrisSummaryView
from careerconv_plugins.bamboohr.client import BambooHrClient
from careerconv_plugins.bamboohr.mapping import (
    file_name,
    file_prefix,
    render_summary,
    summary_files,
)
from careerconv_plugins.outcomes import error_outcome

log = logging.getLogger(__name__)


class BambooHrSummaryWriter:
    """Uploads each summary view to the employee's files, replacing older versions.

    Idempotent by ``external_id``: the file's name is the summary's key plus
    a digest of its content. If that file is already there, nothing is sent
    (``UNCHANGED``); otherwise the new file is uploaded first and older files
    for the same key are deleted after, so the record never goes without a
    summary and a re-run never leaves two. The service hands a view here only
    when the report agreed to share it (M12/section 4); the file holds the
    view and nothing else. A withdrawn view deletes every file of its summary.
    """

    def __init__(self, client: BambooHrClient, category: str, share: bool = True) -> None:
        self.client = client
        self.category = category
        self.share = share

    def deliver_summaries(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """One outcome per summary, keyed by ``external_id``; errors become outcomes."""
        outcomes: list[DeliveryOutcome] = []
        for view in summaries:
            try:
                outcomes.append(self._deliver(view))
            except AdapterError as exc:
                log.warning("BambooHR summary %s not written: %s", view.external_id, exc.reason)
                outcomes.append(error_outcome(view.external_id, exc))
        return outcomes

    def _deliver(self, view: HrisSummaryView) -> DeliveryOutcome:
        employee = quote(view.person_id, safe="")
        listing = self.client.get_json(f"/employees/{employee}/files/view")
        ours = summary_files(listing, file_prefix(view.external_id))
        if view.withdrawn:  # the report took their consent back: every file of it goes
            for file_id, _name in ours:
                self.client.request("DELETE", f"/employees/{employee}/files/{quote(file_id, safe='')}")
            return DeliveryOutcome(
                view.external_id, OutcomeStatus.DELIVERED if ours else OutcomeStatus.UNCHANGED
            )
        content = render_summary(view)
        name = file_name(view, content)
        current = [file_id for file_id, existing in ours if existing == name]
        reference: str | None
        if current:
            status, reference = OutcomeStatus.UNCHANGED, current[0]
        else:
            response = self.client.request(
                "POST",
                f"/employees/{employee}/files",
                data={
                    "fileName": name,
                    "category": self.category,
                    "share": "yes" if self.share else "no",
                },
                files={"file": (name, content, "text/plain")},
            )
            location = response.headers.get("Location", "")
            status, reference = OutcomeStatus.DELIVERED, location.rsplit("/", 1)[-1] or None
        for file_id, existing in ours:
            if existing != name:
                path = f"/employees/{employee}/files/{quote(file_id, safe='')}"
                self.client.request("DELETE", path)
        return DeliveryOutcome(view.external_id, status, reference=reference)
