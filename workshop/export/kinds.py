"""An exercise's result as document blocks: `blocks_for` asks the exercise's kind for
its drawing (`present/<kind>.py`, function `document`); what follows it is what
those drawings share.

These are the generic renderings: whatever section a template puts an exercise in,
its kind decides how it looks there. They show sides, never names — names belong
to the appendix (`raw.py`) and to the leads and champions of initiatives.

A kind draws its whole result once; the annex shows all of it, the joint agenda its
`condensed` form: the top rows of a ranking, no chart, no legend, no per-exercise
list of gaps (the joint agenda gathers those in its perception-gap section).
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..activities.common import SHARE_GAP_FLAG
from .common import FLAG, View, num, plural
from .document import Bars, Block, Bullets, Differences, Note, Plot, Table


def blocks_for(view: View, cfg) -> tuple[Block, ...]:
    """The result of one exercise, rendered by its kind."""
    from ..present import SURFACES  # noqa: PLC0415 - the kinds' drawings import this package

    if not view.ran(cfg):
        return (Note("This exercise was not run."),)
    withheld = tuple(Note(reason) for reason in view.policy(cfg).reasons())
    return (*SURFACES[cfg.kind].document(view, cfg), *withheld)


def nice_top(value: float) -> tuple[float, tuple[float, ...]]:
    """An axis end at or above `value`, with at most six round steps (1, 2 or 5 × 10ⁿ)."""
    if value <= 0:
        return 1.0, (0.0, 1.0)
    magnitude = 10 ** math.floor(math.log10(value))
    for step in [m * f for m in (magnitude / 10, magnitude, magnitude * 10) for f in (1, 2, 5)]:
        if step >= 1 and math.ceil(value / step) <= 6:
            break
    count = math.ceil(value / step)
    return float(count * step), tuple(float(step * i) for i in range(count + 1))


def competition_ranks(totals: list[int]) -> list[int]:
    """1, 2, 2, 4: equal totals share a rank (the list is sorted, highest first)."""
    ranks = []
    for index, total in enumerate(totals):
        ranks.append(ranks[-1] if index and totals[index - 1] == total else index + 1)
    return ranks


def where_sides_differ(view: View, flagged: list[tuple[str, str]]) -> list[Block]:
    """The flagged rows, each with how the two sides differ on it ((text, detail)
    pairs); nothing when no row is flagged."""
    if not flagged:
        return []
    first, second = view.pair
    return [Differences(f"Where {first.label} and {second.label} see it differently:", tuple(flagged))]


def carried(view: View, cfg, default: int = 3) -> int:
    """How many of a ranking's top rows the joint agenda shows: as many as a later
    exercise takes from it (`top`), else `default`."""
    taken = [getattr(later, "top", 0) or 0 for later in view.exercises if getattr(later, "source", None) == cfg.id]
    return max(taken, default=0) or default


def condensed(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """A result as the joint agenda shows it: charts, legends and the list of gaps
    left out, rankings cut to their top rows with a line saying how many more the
    annex has."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Bars | Plot | Differences) or block.detail:
            continue
        if isinstance(block, Table):
            if block.drop:
                keep = [i for i in range(len(block.columns)) if i not in block.drop]
                block = replace(block, columns=tuple(block.columns[i] for i in keep), rows=tuple(tuple(row[i] for i in keep) for row in block.rows))
            if block.keep is not None and len(block.rows) > block.keep:
                more = len(block.rows) - block.keep
                out.extend([replace(block, rows=block.rows[: block.keep]), Note(f"… and {plural(more, 'more row')} in the annex.")])
                continue
        if isinstance(block, Bullets) and block.keep is not None and len(block.items) > block.keep:
            more = len(block.items) - block.keep
            if block.keep:
                out.append(replace(block, items=block.items[: block.keep]))
            out.append(Note(f"… and {more} more in the annex."))
            continue
        out.append(block)
    return tuple(out)


def points_note(view: View, threshold: float, share_of: str) -> Note:
    """What ⚑ means in a table of gaps in percentage points."""
    first, second = view.pair
    return Note(
        f"{FLAG} marks a difference of {num(threshold, 0)} points or more between {first.label} and {second.label}, "
        f"as a share of {share_of}.",
        detail=True,
    )


def share_gap_note(view: View, of_what: str) -> Note:
    return points_note(view, SHARE_GAP_FLAG, f"each side's own {of_what} (so a bigger side does not make a gap)")
