"""How an allocation reads: each item's mean share of the budget, per side, and where
the pair of sides would give it a different share."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities import ALL
from ..activities.allocate import FLAG as ALLOCATION_GAP
from ..export.common import View, pct, plural, points_spans, sides_and_room
from ..export.document import BarGroup, Bars, Block, Column, Paragraph, Table
from ..export.kinds import nice_top, points_note
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import fmt, gap_note, side_bar, side_line


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = [Text(f"Mean share of {cfg.budget} points, {result.respondents} allocations", style="dim")]
    for row in result.items:
        head = Text(f"{fmt(row.share[ALL], 0):>3}%  ", style="bold")
        head.append(row.text)
        parts.append(head)
        if row.flagged:
            parts.append(gap_note(row.gap * 100 / cfg.budget, row.sentence or ""))
        for side_id, label in side_line(session):
            if side_id not in row.share:
                continue  # withheld: too few answers (privacy), said under the result
            value = row.share[side_id]
            parts.append(side_bar(session, side_id, label, value, 100, f"{fmt(value, 0)}%", indent=6, width=20))
    return Group(*parts)


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    rows = []
    for row in result.items:
        gap_points = None if row.gap is None else row.gap * 100 / cfg.budget
        rows.append((row.text, *(pct(row.share.get(key)) for key, _ in sides_and_room(view)), points_spans(gap_points, row.flagged)))
    blocks: list[Block] = [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} split {cfg.budget} points over the items. Mean share of the budget per side:"),
        Table(
            columns=(Column("Item"), *(Column(label, True) for _, label in sides_and_room(view)), Column(view.gap_label(), True)),
            rows=tuple(rows),
        ),
    ]
    if result.respondents:
        high = max((row.share.get(s.id) or 0) for row in result.items for s in view.sides)
        top, ticks = nice_top(high)
        blocks.append(Bars(
            title="Mean share of the budget per side",
            sides=view.sides,
            groups=tuple(BarGroup(row.text, tuple(row.share.get(s.id) for s in view.sides)) for row in result.items),
            top=top, ticks=ticks, unit="%", digits=0,
        ))
    blocks.append(points_note(view, ALLOCATION_GAP, "the budget"))
    return blocks


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = respondents(view, state.scores)
    if not pids:
        return []
    columns = (*who_columns(view, cfg), *(Column(item.text, True) for item in state.items))
    cells = lambda pid: [str(state.scores[pid].get(item.id, 0)) for item in state.items]  # noqa: E731
    return [Table(columns=columns, rows=person_rows(view, cfg, pids, cells))]
