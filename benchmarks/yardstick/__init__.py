"""The scheduler's yardstick: generated team instances, an exact CP-SAT model, a checker.

Nothing here uses the scheduler's own time arithmetic or validity code: the
free time, the rules and the checks are written again from the rules as
``docs/scheduler.md`` states them, with ``zoneinfo`` and plain datetimes, so
that a fault of the scheduler cannot hide behind the same fault here.
"""
