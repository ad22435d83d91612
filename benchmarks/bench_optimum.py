"""The scheduler against an exact optimum, on generated teams.

Run: ``python benchmarks/bench_optimum.py [--count N] [--seed S] [--seconds T]
[--family plain|people]`` (needs ``pip install careerconv[optimal]`` for OR-Tools).

For each instance of ``yardstick.instances`` (``--family plain``, the default)
or of ``yardstick.people`` (``--family people``: lunch breaks, split shifts,
hours per weekday, public holidays, window settings; distributions in each
module's docstring): reports placed and the sum of spans for first fit, for
``schedule_team`` and for CP-SAT, CP-SAT's proof status, and our time. Every
solution is checked by ``yardstick.checker``, which shares no code with the
scheduler's own checks. The summary line gives the targets: the optimum count
on at least 14 of 15, the sum of spans within 1.05 of the optimum where the
count matches, never fewer than first fit, and the median time per team.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from yardstick import checker, exact, people
from yardstick.instances import Instance, instances

from careerconv_core.domain.scheduling import TeamSchedule, first_fit, schedule_team

# The best schedules known per seed (a 20,000-node search), a second reference beside CP-SAT's.
BEST_KNOWN = json.loads((Path(__file__).resolve().parent / "yardstick" / "best_known.json").read_text())[
    "teams"
]


def _starts(result: TeamSchedule) -> dict[str, tuple]:
    return {
        rid: (p.life_story.start, p.pinnacle.start, p.grow_review.start)
        for rid, p in result.placements.items()
    }


def _checked(inst: Instance, who: str, starts: dict[str, tuple]) -> tuple[int, int]:
    wrong = checker.problems(inst, starts)
    if wrong:
        print(f"  {inst.name}: {who} breaks the rules: {wrong[:3]}")
    return len(starts), sum(checker.span_minutes(inst, s) for s in starts.values())


def main() -> None:
    """Print one line per instance and the summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60.0, help="CP-SAT time limit per instance")
    parser.add_argument(
        "--family",
        choices=("plain", "people"),
        default="plain",
        help="plain: the seeds of best_known.json; people: split hours, holidays, window settings",
    )
    args = parser.parse_args()
    family = people.instances if args.family == "people" else instances
    print(
        f"{'instance':<9} {'n':>2} {'cap h':>5} | {'first fit':>14} | {'ours':>14} | "
        f"{'CP-SAT':>14} {'status':<8} | {'ours ms':>7} {'ratio':>5} {'/best':>5}"
    )
    times, counts_ok, ratios, never_worse, rows, unsolved = [], 0, [], True, 0, 0
    for inst in family(args.count, args.seed):
        naive = first_fit(inst.manager, inst.reports, inst.start, inst.rules, inst.busy, inst.booked)
        began = time.process_time()
        ours = schedule_team(
            inst.manager,
            inst.reports,
            inst.start,
            inst.rules,
            inst.busy,
            inst.booked,
            with_follow_ups=False,
        )
        took = time.process_time() - began
        times.append(took)
        ff = _checked(inst, "first fit", _starts(naive))
        us = _checked(inst, "ours", _starts(ours))
        best = exact.solve(inst, seconds=args.seconds, hint=_starts(ours))
        opt = _checked(inst, "CP-SAT", best.starts)
        rows += 1
        never_worse &= us[0] >= ff[0]
        ratio = us[1] / opt[1] if opt[1] else 1.0
        # Without a solution of its own (UNKNOWN), CP-SAT places no one: nothing to compare with.
        solved = best.status in ("OPTIMAL", "FEASIBLE")
        unsolved += not solved
        if solved and us[0] >= opt[0]:
            counts_ok += 1
            ratios.append(ratio)
        known = BEST_KNOWN.get(inst.name.split()[-1]) if args.family == "plain" else None
        to_best = us[1] / known[1] if known and us[0] == known[0] else float("nan")
        print(
            f"{inst.name:<9} {len(inst.reports):>2} {inst.rules.weekly_cap_minutes / 60:>5.1f} | "
            f"{ff[0]:>2} {ff[1] / 60:>9.1f} h | {us[0]:>2} {us[1] / 60:>9.1f} h | "
            f"{opt[0]:>2} {opt[1] / 60:>9.1f} h {best.status:<8} | {took * 1000:>7.1f} "
            f"{ratio if us[0] == opt[0] else float('nan'):>5.3f} {to_best:>5.3f}"
        )
    print(
        f"optimum count on {counts_ok} of {rows - unsolved} CP-SAT solved ({unsolved} without a "
        "CP-SAT solution); span ratio where the count matches: max "
        f"{max(ratios, default=1.0):.3f}, median {statistics.median(ratios or [1.0]):.3f}; "
        f"never fewer than first fit: {never_worse}; load average {os.getloadavg()[0]:.1f}; "
        "our CPU time median "
        f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
