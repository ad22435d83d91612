"""The one rule by which an adapter's error becomes a delivery outcome.

An ``AdapterError`` that may pass by itself (``retryable``) is a ``RETRY``,
carrying the ``retry_after`` the remote system asked for; any other is
``FAILED``: a person has to fix something first, and its reason says what.
"""

from __future__ import annotations

from careerconv_core.errors import AdapterError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus


def error_outcome(
    key: str, error: AdapterError, *, reference: str | None = None, prefix: str = ""
) -> DeliveryOutcome:
    """``RETRY`` (with ``retry_after``) for a retryable ``error``, else ``FAILED``.

    :param prefix: put before the reason, such as ``"event <uid>: "``.
    """
    reason = f"{prefix}{error.reason}"
    if error.retryable:
        return DeliveryOutcome(key, OutcomeStatus.RETRY, reason, error.retry_after, reference)
    return DeliveryOutcome(key, OutcomeStatus.FAILED, reason, None, reference)
