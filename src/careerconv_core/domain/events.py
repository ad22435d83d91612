"""Domain events: what observers (``careerconv_domain_event``) are told, and their names.

Each use case that commits a step emits exactly one of these. The values
are stable strings (``plan.accepted``); observers may compare them with
plain strings. ``docs/hooks.md`` lists every name, and a test checks that
the list and this enum agree.
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import field, frozen


class EventName(enum.StrEnum):
    """Every domain event name, grouped as the method is."""

    # M1, M2: opt-in and trust gate
    PLAN_PROPOSED = "plan.proposed"
    PLAN_ACCEPTED = "plan.accepted"
    PLAN_LIFE_STORY_OPT_IN = "plan.life_story_opt_in"
    PLAN_DECLINED = "plan.declined"
    PLAN_PAUSED = "plan.paused"
    PLAN_RESUMED = "plan.resumed"
    PLAN_READINESS_CONFIRMED = "plan.readiness_confirmed"
    # M3-M9: the three conversations and the GROW plan
    PLAN_SCHEDULED = "plan.scheduled"
    LIFE_STORY_HELD = "conversation.life_story_held"
    PINNACLE_HELD = "conversation.pinnacle_held"
    GROW_REVIEW_HELD = "conversation.grow_review_held"
    COMPETENCY_RATED = "competency.rated"
    COMPETENCY_OBSERVED = "competency.observed"
    FOCUS_CHOSEN = "focus.chosen"
    GROW_WRITTEN = "grow.written"
    GROW_REVISED = "grow.revised"
    CONSENT_CHANGED = "consent.changed"
    # M10, M11: cadence
    CHECK_IN_HELD = "checkin.check_in"
    EXTENDED_REVIEW_HELD = "checkin.extended_review"
    FOLLOW_UPS_SCHEDULED = "followups.scheduled"
    # GROW actions and their tickets
    ACTION_DONE = "action.done"
    ACTION_REOPENED = "action.reopened"
    ACTION_RESYNCED = "action.resynced"
    ACTIONS_SYNCED = "actions.synced"
    # Attendees' answers read back from calendars
    ANSWERS_READ = "answers.read"
    # M12-M14: manager change, new manager's path, reciprocity
    PLAN_LAPSED = "plan.lapsed"
    HANDOFF_CONSENT_ASKED = "handoff.consent_asked"
    HANDOFF_SHARED = "handoff.shared"
    HANDOFF_REFUSED = "handoff.refused"
    HANDOFF_EXPIRED = "handoff.expired"
    HANDOFF_MEETING_SCHEDULED = "handoff.meeting_scheduled"
    PATH_FULL_CONVERSATIONS = "handoff.path_full_conversations"
    PATH_ABBREVIATED_SESSION = "handoff.path_abbreviated_session"
    PATH_CONTINUE_PLAN = "handoff.path_continue_plan"
    ABBREVIATED_SESSION_SCHEDULED = "meeting.abbreviated_session"
    MANAGER_LIFE_STORY_SCHEDULED = "meeting.manager_life_story"
    RECIPROCITY_REQUESTED = "reciprocity.requested"
    PLAN_REPORT_LEFT = "plan.report_left"
    PLAN_REPORT_RETURNED = "plan.report_returned"  # back within the grace period: the plan reopens
    # M16
    FEEDBACK_GIVEN = "feedback.given"


@frozen
class DomainEvent:
    """Something that happened to a plan, as observers see it: names and ids only.

    ``name`` is one of ``EventName`` (a string enum, so it also compares
    equal to its plain string value such as ``"plan.accepted"``).
    """

    name: EventName = field(converter=EventName)
    plan_id: str
    at: datetime
    detail: tuple[tuple[str, str], ...] = ()
