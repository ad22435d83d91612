"""The documents the commands print: each one's fields, and its lines as text (``_output``).

A field is here only when the text shows it: the JSON form of a document
never tells more than its text, so no note reaches it. Date-times are held
time-zone-aware and written in ISO 8601 with their offset.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import attrs
from attrs import frozen

from careerconv.cli._output import Document

__all__ = [
    "Actions",
    "Adapters",
    "AnswerEntry",
    "Catalog",
    "CatalogRole",
    "ConfigCheck",
    "Due",
    "ErrorDocument",
    "ErrorEntry",
    "FeedbackReport",
    "HandoffStatus",
    "LogLine",
    "Steps",
]


def told(doc: str, **kwargs: Any) -> Any:
    """An attrs field with its description (the schema's ``description``)."""
    return attrs.field(metadata={"doc": doc}, **kwargs)


# -- steps of the method ------------------------------------------------------------------------


@frozen
class Step:
    """One step taken on one plan."""

    event: str = told("the event the step recorded, such as 'plan_proposed'")
    plan_id: str = told("the plan's id")
    report_id: str = told("the report whose plan it is")
    status: str = told("the plan's status after the step")
    queued: int = told("how many side effects (invites, tickets, notices) were queued for dispatch")
    stress_test: list[str] = told("what the GROW plan's stress test found (M8)")


@frozen
class KeptPlan:
    """A report left as they were: they already have an open plan."""

    report_id: str = told("the report")
    plan_id: str = told("their open plan")
    status: str = told("its status")


@frozen
class Steps(Document):
    """The steps a command took, report by report, and what it left as it was."""

    NAME = "steps"

    steps: list[Step] = told("each step taken, in order")
    kept: list[KeptPlan] = told("reports left as they were (propose --team)", factory=list)
    warnings: list[str] = told("what could not be done after a step that was", factory=list)

    @classmethod
    def of(cls, report: Any) -> Steps:
        """The document of one use case's ``StepReport``."""
        plan = report.plan
        step = Step(
            str(report.events[0]),
            plan.id,
            plan.report_id,
            plan.status.value,
            len(report.queued),
            list(report.findings),
        )
        return cls([step])

    @classmethod
    def combine(cls, shown: Sequence[Document]) -> Document:
        """All steps, kept plans and warnings of the run in one document."""
        parts = [d for d in shown if isinstance(d, Steps)]
        return cls(
            [s for d in parts for s in d.steps],
            [k for d in parts for k in d.kept],
            [w for d in parts for w in d.warnings],
        )

    def lines(self) -> Iterator[str]:
        """Kept plans, then each step and its findings, then the warnings."""
        for kept in self.kept:
            yield f"{kept.report_id}: already has plan {kept.plan_id} ({kept.status}); kept as it is"
        for step in self.steps:
            yield (
                f"{step.event}: plan {step.plan_id} of {step.report_id} ({step.status}), "
                f"{step.queued} effect(s) queued"
            )
            for finding in step.stress_test:
                yield f"  stress test: {finding}"
        for warning in self.warnings:
            yield f"  {warning}"


# -- what is due, the actions ------------------------------------------------------------------


@frozen
class DueEntry:
    """One thing due on one plan."""

    due: date = told("the day it is due")
    kind: str = told("conversation, check_in, extended_review, probe, ...")
    plan_id: str = told("the plan")
    report_id: str = told("the report")
    manager_id: str = told("the report's manager")
    overdue: bool = told("due before the day asked about")


@frozen
class AnswerEntry:
    """An upcoming meeting an attendee declined or answered tentatively, or a person deleted."""

    report_id: str = told("the report whose plan it is")
    meeting: str = told("the meeting's title")
    start: datetime = told("when it starts")
    local_start: str = told("when it starts, in its manager's time zone, as the text shows it")
    answer: str = told("declined, tentative or removed (deleted from a calendar: a conflict)")
    person_id: str | None = told("who answered, or null for a deleted event")
    person_name: str = told("their name, as the invite names them")
    move_command: str = told("the command that moves the meeting")

    def line(self) -> str:
        """The entry as one line of text."""
        if self.answer == "removed":
            what = "deleted from a calendar (conflict: not created again)"
        else:
            what = f"{self.answer} by {self.person_name} ({self.person_id})"
        return f"  {self.report_id}: {self.meeting}, {self.local_start}: {what}; move it: {self.move_command}"


@frozen
class Due(Document):
    """What is due or overdue on a day (M10)."""

    NAME = "due"

    day: date = told("the day asked about")
    manager_id: str | None = told("only this manager's reports (--manager), or null for all")
    items: list[DueEntry] = told("what is due on or before the day")
    nudges_queued: int | None = told("nudges queued with --nudge, or null without it")
    answers: list[AnswerEntry] = told(
        "upcoming meetings declined, answered tentatively or deleted", factory=list
    )

    def lines(self) -> Iterator[str]:
        """One line per item, the meetings answered no, then the nudges."""
        if not self.items:
            yield f"nothing due on or before {self.day}"
        for item in self.items:
            late = " (overdue)" if item.overdue else ""
            yield (f"{item.due}  {item.kind:16} report {item.report_id:10} manager {item.manager_id}{late}")
        if self.answers:
            yield f"{len(self.answers)} upcoming meeting(s) declined, tentative or deleted:"
            yield from (a.line() for a in self.answers)
        if self.nudges_queued is not None:
            yield f"{self.nudges_queued} nudge(s) queued; run 'careerconv dispatch' to send them"


@frozen
class ActionEntry:
    """One GROW action (M8), as the tracker lists it."""

    report_id: str = told("the report whose plan it is")
    action_id: str = told("the action's id; 'careerconv action' takes REPORT:ACTION")
    status: str = told("open or done")
    due: date | None = told("its due date, or null when it has none yet")
    owner_id: str = told("who does it")
    title: str = told("what it is")


@frozen
class Actions(Document):
    """The GROW actions of the plans the reader may read, report by report."""

    NAME = "actions"

    actions: list[ActionEntry] = told("every action, ordered by report")

    def lines(self) -> Iterator[str]:
        """One line per action."""
        for a in self.actions:
            yield f"{a.report_id}:{a.action_id:8} {a.status:5} due {a.due}  owner {a.owner_id:10} {a.title}"
        if not self.actions:
            yield "no GROW actions yet"


# -- setting up ---------------------------------------------------------------------------------


@frozen
class AdapterEntry:
    """One installed adapter."""

    kind: str = told("the port it serves: STORE, CALENDAR, TRACKER, ...")
    name: str = told("the name careerconv.toml gives as 'adapter'")
    summary: str = told("what it does")
    settings: list[str] = told("the settings it declares")


@frozen
class Adapters(Document):
    """The installed adapters, kind by kind."""

    NAME = "adapters"

    adapters: list[AdapterEntry] = told("every adapter")

    def lines(self) -> Iterator[str]:
        """One line per adapter, with its settings."""
        for a in self.adapters:
            settings = f" [settings: {', '.join(a.settings)}]" if a.settings else ""
            yield f"{a.kind:12} {a.name:10} {a.summary}{settings}"


@frozen
class ConfigCheck(Document):
    """What checking careerconv.toml found."""

    NAME = "config-check"

    config: str = told("the file checked")
    problems: list[str] = told("each problem, naming the table and setting; empty when it is OK")

    def lines(self) -> Iterator[str]:
        """Each problem, or OK."""
        yield from self.problems
        if not self.problems:
            yield f"OK: {self.config}"


@frozen
class RoleEntry:
    """A pinnacle role of the catalog (M5)."""

    id: str = told("the role's id")
    title: str = told("its title")
    function: str = told("the job function it belongs to")


@frozen
class CompetencyEntry:
    """A competency of the catalog (M6)."""

    id: str = told("the competency's id")
    name: str = told("its name")
    group: str = told("the group it belongs to")


@frozen
class Catalog(Document):
    """The catalog's roles and competencies (each list empty when the other alone was asked for)."""

    NAME = "catalog"

    roles: list[RoleEntry] = told("the roles, by function and title")
    competencies: list[CompetencyEntry] = told("the competencies, by group and name")

    def lines(self) -> Iterator[str]:
        """Roles, then competencies."""
        for role in self.roles:
            yield f"{role.function:24} {role.id:28} {role.title}"
        for comp in self.competencies:
            yield f"{comp.group:24} {comp.id:28} {comp.name}"


@frozen
class RoleCompetency:
    """One of a role's top competencies."""

    id: str = told("the competency's id")
    name: str = told("its name")
    description: str = told("what it means")
    target_level: int | None = told("the level (1-5) the role calls for, or null")


@frozen
class CatalogRole(Document):
    """One role of the catalog with its top competencies."""

    NAME = "catalog-role"

    id: str = told("the role's id")
    title: str = told("its title")
    function: str = told("its job function")
    description: str = told("what the role is; may be empty")
    competencies: list[RoleCompetency] = told("its top competencies, in order")
    evidence: list[str] = told("where the role's description comes from")

    def lines(self) -> Iterator[str]:
        """The role, its description, its numbered competencies, its evidence."""
        yield f"{self.title} ({self.function}) [{self.id}]"
        if self.description:
            yield f"  {self.description}"
        for n, comp in enumerate(self.competencies, 1):
            level = comp.target_level
            calls_for = f" (calls for {level} of 5)" if level is not None else ""
            yield f"  {n:2}. {comp.name} [{comp.id}]{calls_for}: {comp.description}"
        if self.evidence:
            yield f"  evidence: {', '.join(self.evidence)}"


# -- handoffs and feedback ----------------------------------------------------------------------


@frozen
class HandoffState:
    """Where one manager change stands (M12)."""

    state: str = told("asked, consented, declined, expired, ...")
    old_manager_id: str = told("the manager before")
    new_manager_id: str = told("the new manager")
    answer_by: datetime = told("when the report's answer is due")


@frozen
class HandoffStatus(Document):
    """A report's manager change, if any."""

    NAME = "handoff-status"

    report_id: str = told("the report")
    handoff: HandoffState | None = told("the current manager change, or null when there is none")

    def lines(self) -> Iterator[str]:
        """One line."""
        h = self.handoff
        if h is None:
            yield f"{self.report_id}: no manager change"
        else:
            yield (
                f"{self.report_id}: {h.state} ({h.old_manager_id} -> {h.new_manager_id}), "
                f"answer by {h.answer_by:%Y-%m-%d}"
            )


@frozen
class FeedbackReport(Document):
    """What HR may see of the feedback: medians over a group of five or more (M16)."""

    NAME = "feedback-report"

    group: str = told("the group: the whole org or everyone under a manager")
    people: int = told("how many people gave feedback")
    report_median: float | None = told("the reports' median rating (0-10), or null")
    manager_median: float | None = told("the managers' median rating (0-10), or null")

    def lines(self) -> Iterator[str]:
        """One line."""

        def show(value: float | None) -> str:
            return "-" if value is None else f"{value:g}"

        yield (
            f"feedback for {self.group}: {self.people} people; median from reports "
            f"{show(self.report_median)}, from managers {show(self.manager_median)} (0-10)"
        )


# -- errors and what standard error says besides ------------------------------------------------


@frozen
class LogLine(Document):
    """One line a command writes on standard error besides its answer: a warning of its own, or
    a log record of careerconv or an adapter (with -v, -vv)."""

    NAME = "log"

    level: str = told("error, warning, info or debug")
    source: str = told(
        "'careerconv' for the command's own; else the logger, such as 'careerconv_plugins.http'"
    )
    message: str = told("the line the text output writes (never a note, a body or a secret)")

    def lines(self) -> Iterator[str]:
        """The line."""
        yield self.message


@frozen
class ErrorEntry:
    """One error, its parts apart."""

    type: str = told("RuleViolation, InvalidInput, NotFound, ConfigurationError, UsageError, ...")
    message: str = told("the line the text output prints")
    rule: str | None = told("the method's rule (M1-M16) it would break, or null")
    field: str | None = told("the input field at fault, or null")
    expected: str | None = told("what that field accepts, or null")
    fix: str | None = told("what to do instead, or null when the message has no fix apart")


@frozen
class ErrorDocument(Document):
    """Why a command failed: on standard error, its last line, with the exit code."""

    NAME = "error"

    command: str = told("the command, such as 'due' or 'org import'")
    exit_code: int = told("the exit code: 1 refused or failed, 2 called wrongly, 130 interrupted")
    errors: list[ErrorEntry] = told("each error: a command naming several reports tells each refusal")

    def lines(self) -> Iterator[str]:
        """Each error's line."""
        for error in self.errors:
            yield error.message
