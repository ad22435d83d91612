"""One error root for everything careerconv raises.

Messages name the rule or the field and the fix; they carry ids, never the
content of anyone's notes. Third-party exceptions are translated into these
at the adapter boundary and never cross a port.
"""

from __future__ import annotations

SHOWN_CHARACTERS = 40
"""How much of a value a message shows before cutting it short."""


def shown(value: object) -> str:
    """``value`` as a message may show it: quoted and escaped (no line breaks or control
    codes), and cut short, so a hostile id never floods a terminal or a log."""
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return ascii(value[:SHOWN_CHARACTERS] + "...")
    return ascii(value)


def label(value: str) -> str:
    """``value`` as a name in a field's path (``row 1, column onet_code``): as it is when it is
    short and printable, else as ``shown`` (quoted, escaped, cut short)."""
    if value.isprintable() and len(value) <= SHOWN_CHARACTERS:
        return value
    return shown(value)


class CareerconvError(Exception):
    """Root of every error careerconv raises on purpose."""


class RuleViolation(CareerconvError):
    """A step would break one of the method's rules (M1-M16).

    ``rule`` is the rule's number, for example ``"M7"``; ``fix`` says what to
    do instead. The message reads ``"M7: <what is wrong>. Fix: <what to do>"``.
    """

    def __init__(self, rule: str, problem: str, fix: str) -> None:
        self.rule = rule
        self.problem = problem
        self.fix = fix
        super().__init__(f"{rule}: {problem}. Fix: {fix}")


class InvalidInput(CareerconvError):
    """A value is missing, of the wrong type or out of range.

    ``field`` is the path of the bad field (``"pinnacle.roles[3]"``),
    ``expected`` what would have been accepted.
    """

    def __init__(self, field: str, expected: str, problem: str = "invalid value") -> None:
        self.field = field
        self.expected = expected
        self.problem = problem
        super().__init__(f"{field}: {problem}; expected {expected}")


class NotFound(CareerconvError):
    """Nothing with the given id exists (plan, person, action, outbox entry)."""

    def __init__(self, what: str, ident: str) -> None:
        self.what = what
        self.ident = ident
        super().__init__(f"no {what} with id {shown(ident)}")


class ConcurrentChange(CareerconvError):
    """The plan changed in the store since it was read; read it again and retry."""

    def __init__(self, plan_id: str, expected_version: int) -> None:
        self.plan_id = plan_id
        self.expected_version = expected_version
        super().__init__(
            f"plan {plan_id!r} changed since it was read (expected version "
            f"{expected_version}); load it again and repeat the step"
        )


class BookingsChanged(CareerconvError):
    """A manager's booked conversations changed between reading them and committing a placement.

    Another process placed or moved one of the manager's conversations at the
    same time; the placement was checked against bookings that are no longer
    all there is, so it was not committed.
    """

    def __init__(self, manager_id: str) -> None:
        self.manager_id = manager_id
        super().__init__(
            f"{manager_id!r}'s conversations were booked or moved by another careerconv at the same "
            "time; nothing was placed. Fix: run the command again, it checks the new bookings",
        )


class ConfigurationError(CareerconvError):
    """A setting is missing or wrong; the message names the setting."""


class PluginError(CareerconvError):
    """A plugin is broken: a misspelled hook, a duplicate adapter name, a failing hook."""


class AdapterError(CareerconvError):
    """An adapter could not talk to its system.

    ``retryable`` says whether trying again later may succeed; ``retry_after``
    is the number of seconds the system asked us to wait, when it said so.
    ``misconfigured`` says the fault is the adapter's configuration (an unknown
    project, a wrong token): no entry is to blame, so none is dead-lettered for
    it; the entries wait until a person fixes the setting the reason names.
    The message never contains request or response bodies, secrets or notes.
    """

    def __init__(
        self,
        adapter: str,
        reason: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        misconfigured: bool = False,
    ) -> None:
        self.adapter = adapter
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.misconfigured = misconfigured
        super().__init__(f"{adapter}: {reason}")


class WriteConflict(AdapterError):
    """The remote copy was changed by someone else; it was reported, not overwritten."""

    def __init__(self, adapter: str, reason: str) -> None:
        super().__init__(adapter, reason, retryable=False)


class AuditTrailBroken(CareerconvError):
    """The audit trail does not check: a record was changed, removed or moved (``verify_audit``)."""

    def __init__(self, record: int, reason: str) -> None:
        self.record = record
        super().__init__(
            f"the audit trail is broken at record {record}: {reason}; keep this store for investigation "
            "and compare it with a backup"
        )
