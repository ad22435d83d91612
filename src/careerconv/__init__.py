"""careerconv: Career Conversations for managers and their reports.

The names a host tool needs are here, loaded on first use so that
``import careerconv`` stays cheap::

    import careerconv

    cc = careerconv.open("careerconv-data")        # a home made by `careerconv init`
    cc = careerconv.connect(store=..., calendars={"ics": ...}, clock=...)
    plan = cc.propose("maya", "jonas").plan

``careerconv_core`` holds the method itself (pure domain and use cases) and
``careerconv_plugins`` the adapters; this package is the application around
them: configuration, the facade, the command line and the demo.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it. Nothing is imported until asked for.
_LAZY = {
    # the facade and the composition root
    "Careerconv": "careerconv.facade",
    "connect": "careerconv.facade",
    "adapter": "careerconv.facade",
    "plugin_host": "careerconv.facade",
    "open": "careerconv.app",
    "App": "careerconv.app",
    "Settings": "careerconv_core.services",
    "StepReport": "careerconv_core.services",
    # inputs to the use cases, in the method's words
    "Person": "careerconv_core.domain.people",
    "WorkingHours": "careerconv_core.domain.people",
    "LifeStory": "careerconv_core.domain.life_story",
    "Pinnacle": "careerconv_core.domain.pinnacle",
    "PinnacleRole": "careerconv_core.domain.pinnacle",
    "CompetencyRating": "careerconv_core.domain.pinnacle",
    "GrowPlan": "careerconv_core.domain.grow",
    "Goal": "careerconv_core.domain.grow",
    "Action": "careerconv_core.domain.grow",
    "Opportunity": "careerconv_core.domain.grow",
    "OpportunityKind": "careerconv_core.domain.grow",
    "DevelopmentOption": "careerconv_core.domain.grow",
    "Consent": "careerconv_core.domain.plan",
    "ConversationKind": "careerconv_core.domain.conversations",
    "CheckInKind": "careerconv_core.domain.cadence",
    "NewManagerPath": "careerconv_core.domain.handoff",
    # writing a plugin
    "hookimpl": "careerconv_core.hookspecs",
    "AdapterSpec": "careerconv_core.hookspecs",
    "AdapterKind": "careerconv_core.hookspecs",
    "DomainEvent": "careerconv_core.hookspecs",
    "EventName": "careerconv_core.hookspecs",
    # errors: one root, each naming the rule or field and the fix
    "CareerconvError": "careerconv_core.errors",
    "RuleViolation": "careerconv_core.errors",
    "InvalidInput": "careerconv_core.errors",
    "NotFound": "careerconv_core.errors",
    "ConcurrentChange": "careerconv_core.errors",
    "ConfigurationError": "careerconv_core.errors",
    "PluginError": "careerconv_core.errors",
    "AdapterError": "careerconv_core.errors",
    "WriteConflict": "careerconv_core.errors",
}
_MODULES = {"testing": "careerconv_core.testing"}  # in-memory store and recording adapters

__all__ = [  # every public name; a test checks it against _LAZY and _MODULES
    "Action",
    "AdapterError",
    "AdapterKind",
    "AdapterSpec",
    "App",
    "Careerconv",
    "CareerconvError",
    "CheckInKind",
    "CompetencyRating",
    "ConcurrentChange",
    "ConfigurationError",
    "Consent",
    "ConversationKind",
    "DevelopmentOption",
    "DomainEvent",
    "EventName",
    "Goal",
    "GrowPlan",
    "InvalidInput",
    "LifeStory",
    "NewManagerPath",
    "NotFound",
    "Opportunity",
    "OpportunityKind",
    "Person",
    "Pinnacle",
    "PinnacleRole",
    "PluginError",
    "RuleViolation",
    "Settings",
    "StepReport",
    "WorkingHours",
    "WriteConflict",
    "__version__",
    "adapter",
    "connect",
    "hookimpl",
    "open",
    "plugin_host",
    "testing",
]

if TYPE_CHECKING:  # what the type checker sees; at run time __getattr__ loads them
    from careerconv.app import App, open
    from careerconv.facade import Careerconv, adapter, connect, plugin_host
    from careerconv_core import testing
    from careerconv_core.domain.cadence import CheckInKind
    from careerconv_core.domain.conversations import ConversationKind
    from careerconv_core.domain.grow import (
        Action,
        DevelopmentOption,
        Goal,
        GrowPlan,
        Opportunity,
        OpportunityKind,
    )
    from careerconv_core.domain.handoff import NewManagerPath
    from careerconv_core.domain.life_story import LifeStory
    from careerconv_core.domain.people import Person, WorkingHours
    from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
    from careerconv_core.domain.plan import Consent
    from careerconv_core.errors import (
        AdapterError,
        CareerconvError,
        ConcurrentChange,
        ConfigurationError,
        InvalidInput,
        NotFound,
        PluginError,
        RuleViolation,
        WriteConflict,
    )
    from careerconv_core.hookspecs import (
        AdapterKind,
        AdapterSpec,
        DomainEvent,
        EventName,
        hookimpl,
    )
    from careerconv_core.services import Settings, StepReport


def __getattr__(name: str) -> Any:
    """Load a public name on first use, and keep it."""
    if name in _MODULES:
        value: Any = importlib.import_module(_MODULES[name])
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'careerconv' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
