"""Every raw input of an exercise, for the appendix: who gave what. `blocks_for` asks
the exercise's kind for its table (`present/<kind>.py`, function `raw`); what
follows it is what those tables share.

People appear as each exercise's identity level allows (`privacy`): a name and side
in a `named` exercise, the side only in a `side` one (none where the side is
withheld for too few answers), neither in an `anonymous` one. Where no name is
shown, rows are sorted by side and content instead of by person, so that their
order cannot be matched against the list of participants. Ideas the facilitator
hid and ideas their authors withdrew are left out.
"""

from __future__ import annotations

from .common import View
from .document import Block, Column, Note


def blocks_for(view: View, cfg) -> tuple[Block, ...]:
    from ..present import SURFACES  # noqa: PLC0415 - the kinds' drawings import this package

    if not view.ran(cfg):
        return ()
    blocks = tuple(SURFACES[cfg.kind].raw(view, cfg))
    return blocks or (Note("No inputs."),)


def who_columns(view: View, cfg) -> tuple[Column, ...]:
    """The columns that say who gave a row: name and side, side, or none."""
    name = (Column("Participant"),) if view.named(cfg) else ()
    side = (Column("Side", short=True),) if view.sided(cfg) else ()
    return name + side


def person_rows(view: View, cfg, pids, cells) -> tuple[tuple, ...]:
    """One row per person who gave an input: who (as `who_columns`), then cells."""
    rows = []
    for pid in pids:
        side = view.shown_side(pid, cfg)
        who = (view.name(pid),) if view.named(cfg) else ()
        who += (view.side_cell(side, cfg),) if view.sided(cfg) else ()
        rows.append((view.side_order(side), (*who, *cells(pid))))
    if not view.named(cfg):
        rows.sort(key=lambda row: (row[0], [str(cell) for cell in row[1]]))
    return tuple(row for _, row in rows)


def respondents(view: View, inputs: dict) -> list[str]:
    """People with an input, in the order they joined the room."""
    order = {pid: n for n, pid in enumerate(view.session.participants)}
    return sorted((pid for pid, value in inputs.items() if value), key=lambda pid: order.get(pid, len(order)))
