"""Every raw input of an exercise, for the appendix: who gave what. `blocks_for` asks
the exercise's kind for its table (`present/<kind>.py`, function `raw`); what
follows it is what those tables share.

Names appear here, except in anonymous exercises: there a row shows only the side,
and rows are sorted by side and content instead of by person, so that their order
cannot be matched against the list of participants. Ideas the facilitator hid and
ideas their authors withdrew are left out.
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


def who_columns(cfg) -> tuple[Column, ...]:
    return (Column("Side", short=True),) if cfg.anonymous else (Column("Participant"), Column("Side", short=True))


def person_rows(view: View, cfg, pids, cells) -> tuple[tuple, ...]:
    """One row per person who gave an input: name (unless anonymous), side, cells."""
    rows = []
    for pid in pids:
        side = view.participant_side(pid, cfg)
        who = () if cfg.anonymous else (view.name(pid),)
        rows.append((view.side_order(side), (*who, view.side_label(side), *cells(pid))))
    if cfg.anonymous:
        rows.sort(key=lambda row: (row[0], row[1]))
    return tuple(row for _, row in rows)


def respondents(view: View, inputs: dict) -> list[str]:
    """People with an input, in the order they joined the room."""
    order = {pid: n for n, pid in enumerate(view.session.participants)}
    return sorted((pid for pid, value in inputs.items() if value), key=lambda pid: order.get(pid, len(order)))
