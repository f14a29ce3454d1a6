"""How a dot vote reads: the items ranked by dots, each side's dots stacked, and
where the pair of sides spent a different share of their dots."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..export.common import NO_VALUE, View, figure, plural, points_spans
from ..export.document import BarGroup, Bars, Block, Column, Paragraph, Span, Table
from ..export.kinds import carried, competition_ranks, nice_top, share_gap_note, where_sides_differ
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import gap_note, legend, side_line, stacked


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = [legend(session)]
    top = max((r.total for r in result.ranking), default=0) or 1
    for rank, row in enumerate(result.ranking, 1):
        title = Text(f"{rank:>2}. ", style="bold")
        title.append(row.text, style="bold" if row.total else "")
        parts.append(title)
        line = Text("    ")
        line.append_text(stacked(session, row.by_side, top))
        line.append(f" {row.total:>3}  ", style="bold")
        split = " · ".join(f"{label} {row.by_side.get(side_id, NO_VALUE)}" for side_id, label in side_line(session))
        line.append(split, style="dim")
        parts.append(line)
        if row.flagged:
            parts.append(gap_note(row.gap, row.sentence or ""))
    parts.append(Text(f"{result.dots_used} dots from {result.voters} people", style="dim"))
    return Group(*parts)


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    added = {item.id for item in view.state(cfg.id).items if item.added_by}
    ranks = competition_ranks([row.total for row in result.ranking])
    rows = []
    for rank, row in zip(ranks, result.ranking):
        text = (row.text, Span(" (added in the room)", "muted")) if row.item in added else row.text
        rows.append((
            str(rank) if row.total else NO_VALUE, text, str(row.total), *(str(row.by_side.get(s.id, NO_VALUE)) for s in view.sides),
            points_spans(row.gap, row.flagged),
        ))
    voted = [row for row in result.ranking if row.total]
    blocks: list[Block] = [
        Paragraph(f"{plural(result.voters, 'person', 'people')} spent {plural(result.dots_used, 'dot')} (up to {cfg.dots} each, at most {cfg.max_per_item} on one item)."),
        Table(
            columns=(
                Column("#", True), Column("Item"), Column("Dots", True), *(Column(s.label, True) for s in view.sides),
                Column(view.gap_label(), True),
            ),
            rows=tuple(rows),
            keep=carried(view, cfg),
        ),
        *where_sides_differ(view, [
            (row.text, row.sentence) for row in result.ranking if row.sentence
        ]),
    ]
    if voted:
        top, ticks = nice_top(max(row.total for row in voted))
        blocks.append(Bars(
            title="Dots per item, by side",
            stacked=True,
            sides=view.sides,
            groups=tuple(BarGroup(row.text, tuple(figure(row.by_side, s.id) for s in view.sides)) for row in voted),
            top=top, ticks=ticks, digits=0,
        ))
    blocks.append(share_gap_note(view, "dots"))
    return blocks


def top_items(view: View, cfg, n: int = 3) -> list:
    """The highest-ranked items that got any dots (ties at the cut are kept): the
    executive summary's top objectives (`export/build.py`)."""
    ranking = [row for row in view.result(cfg.id).ranking if row.total]
    if len(ranking) <= n:
        return ranking
    cut = ranking[n - 1].total
    return [row for row in ranking if row.total >= cut]


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    texts = {item.id: item.text for item in state.items}
    order = [item.id for item in state.items]
    blocks: list[Block] = []
    pids = respondents(view, state.scores)
    if pids:
        def cells(pid):
            dots = state.scores[pid]
            return ["; ".join(f"{texts[i]} ×{dots[i]}" for i in order if dots.get(i))]

        blocks.append(Table(columns=(*who_columns(view, cfg), Column("Dots")), rows=person_rows(view, cfg, pids, cells)))
    added = [item for item in state.items if item.added_by]
    if added:
        blocks.append(Table(
            columns=(Column("Item added in the room"), Column("Added by")),
            rows=tuple((item.text, view.who(item.added_by, cfg)) for item in added),
        ))
    return blocks
