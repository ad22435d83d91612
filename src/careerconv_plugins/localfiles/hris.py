"""The embedded HR record: one JSON file per plan summary, named by its external id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from careerconv_core import serialization
from careerconv_core.errors import AdapterError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_core.views import HrisSummaryView
from careerconv_plugins.localfiles.files import JsonFolder


class FileSummaries:
    """An ``HrisRecordWriter`` writing the summary view, and nothing else, to a folder."""

    def __init__(self, settings: Mapping[str, str]) -> None:
        self.folder = JsonFolder("files hris", settings.get("directory"))

    def deliver_summaries(self, summaries: Sequence[HrisSummaryView]) -> Sequence[DeliveryOutcome]:
        """Write each summary; the same summary twice writes once."""
        out = []
        for summary in summaries:
            try:
                written = self.folder.write(summary.external_id, serialization.unstructure(summary))
            except AdapterError as exc:
                out.append(DeliveryOutcome(summary.external_id, OutcomeStatus.RETRY, exc.reason))
                continue
            out.append(
                DeliveryOutcome(
                    summary.external_id,
                    OutcomeStatus.DELIVERED if written else OutcomeStatus.UNCHANGED,
                )
            )
        return out
