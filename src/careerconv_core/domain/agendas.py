"""Agendas and coaching questions for each meeting (M15), in careerconv's own words.

They go into every invite, so both people arrive knowing what the meeting is
for. The questions take a coaching stance: they ask, they do not tell.
Mentoring (sharing the manager's own experience) is welcome when it is
marked as such, which is what ``MENTORING_NOTE`` reminds the manager of.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class Agenda:
    """The agenda items and coaching questions of one kind of meeting."""

    items: tuple[str, ...]
    questions: tuple[str, ...] = ()


MENTORING_NOTE = (
    "For the manager: this is coaching, a conversation between equals. If you want to share "
    'what worked for you, ask first, and mark it as your own experience ("What worked for me '
    'was ...") rather than advice ("You should ...").'
)

AGENDAS: dict[str, Agenda] = {
    "life_story": Agenda(
        items=(
            "Why we are here: to understand what drives you, not to evaluate you",
            "Your story from your earliest memories to today, at the pace you choose",
            "The turning points: people, moments and choices that shaped you",
            "What we heard: the drives and values that keep coming back",
            "Next: the pinnacle conversation, already in both calendars",
        ),
        questions=(
            "Which moments are you proudest of, and why those?",
            "When did you feel most alive at work or at school?",
            "Which choices would you make the same way again?",
            "Who changed the direction you took, and how?",
            "What do you want me to remember from today?",
        ),
    ),
    "pinnacle": Agenda(
        items=(
            "Dream first: at the very top of your career, what are you doing?",
            "Make it concrete: which role, at which kind of company, decades from now",
            "Cross out what you know you do not want, and keep the list",
            "Narrow down to at most three roles",
            "List the top competencies one of those roles needs (up to ten)",
            "Rate where you are today on each, on the 1-5 scale",
            "You choose which competencies to develop now",
            "Homework: fill in the rest of your GROW plan before conversation 3",
        ),
        questions=(
            "If nothing stood in the way, what would you be doing in twenty years?",
            "What about that role attracts you most?",
            "Which paths can we cross out, and what does crossing them out tell you?",
            "What would someone in that role need to be excellent at?",
            "Where do you stand today on each of those, in your own view?",
            "Which of these do you want to grow now: a strength to sharpen or a gap to close?",
        ),
    ),
    "grow_review": Agenda(
        items=(
            "Walk me through your GROW plan and the reasoning behind it",
            "Goal: the long-term role you picked",
            "Reality: where you rated yourself today",
            "Options: the competencies you chose and ways to develop them",
            "Will: concrete next steps, each with an owner, a date and a 'done when'",
            "Tie each step to your current job: a role, a project or a team responsibility",
            "Stress test: can all of this be done within the horizon?",
        ),
        questions=(
            "What made you choose this goal over the others?",
            "What would progress look like three months from now?",
            "Which of these steps can happen inside the work you already do?",
            "What could get in the way, and what would you do then?",
            "How will we both know a step is done?",
            "What do you need from me?",
        ),
    ),
    "check_in": Agenda(
        items=(
            "Career plan check-in, early in the 1:1 (5-10 minutes)",
            "Are the next steps still on track?",
            "Anything new that calls for a longer conversation?",
        ),
        questions=(
            "What moved since last month?",
            "Is anything in the plan no longer right for you?",
        ),
    ),
    "extended_review": Agenda(
        items=(
            "Quarterly career review (about 30 minutes)",
            "Look back: which steps are done, which slipped, and why",
            "Update the plan: goal, focus competencies and next steps",
            "Set the next quarter's steps",
        ),
        questions=(
            "Looking back at the quarter, what are you most pleased with?",
            "Does the long-term goal still feel right?",
            "What would you like to focus on next quarter?",
        ),
    ),
    "three_way_handoff": Agenda(
        items=(
            "With the report's consent: walk the new manager through the plan in progress",
            "The goal, the chosen competencies and the open next steps",
            "How the new manager and the report will continue",
        ),
        questions=(
            "What should your new manager know to support this plan?",
            "What would you like to keep, and what would you change?",
        ),
    ),
    "abbreviated_session": Agenda(
        items=(
            "A shorter first conversation with your new manager (60 minutes)",
            "The highlights of your life story, as much as you want to share",
            "Your dreams and the plan you are working on",
        ),
        questions=(
            "Which moments should your new manager know about?",
            "Where do you want to be at the pinnacle of your career?",
        ),
    ),
    "manager_life_story": Agenda(
        items=("Your manager's life story, as you asked: the things they choose to share",),
        questions=("What would you like to know about my path?",),
    ),
    "team_life_story": Agenda(
        items=(
            "Team life story segment (15 minutes): one person shares their story",
            "A few pictures of pivotal people and moments; questions welcome",
        ),
    ),
}
