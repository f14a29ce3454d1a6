"""An exercise's result as document blocks: `blocks_for` asks the exercise's kind for
its drawing (`present/<kind>.py`, function `document`); what follows it is what
those drawings share.

These are the generic renderings: whatever section a template puts an exercise in,
its kind decides how it looks there. They show sides, never names — names belong
to the appendix (`raw.py`) and to the leads and champions of initiatives.
"""

from __future__ import annotations

import math

from ..activities.common import SHARE_GAP_FLAG
from .common import FLAG, View, num
from .document import Block, Note, Paragraph, Span


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
    """One sentence naming the flagged rows, each with how the two sides differ on it
    ((text, detail) pairs); nothing when no row is flagged."""
    if not flagged:
        return []
    first, second = view.pair
    content: list = [Span(f"Where {first.label} and {second.label} see it differently:", "strong"), " "]
    for n, (text, detail) in enumerate(flagged):
        content.extend(["; " if n else "", text, f" ({detail})"])
    content.append(".")
    return [Paragraph(tuple(content))]


def points_note(view: View, threshold: float, share_of: str) -> Note:
    """What ⚑ means in a table of gaps in percentage points."""
    first, second = view.pair
    return Note(
        f"{FLAG} marks a difference of {num(threshold, 0)} points or more between {first.label} and {second.label}, "
        f"as a share of {share_of}."
    )


def share_gap_note(view: View, of_what: str) -> Note:
    return points_note(view, SHARE_GAP_FLAG, f"each side's own {of_what} (so a bigger side does not make a gap)")
