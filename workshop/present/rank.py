"""How a ranking reads: the room's order by Borda points, each item's place per side,
and the sentence for each item the pair of sides place three or more places apart."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities import ALL
from ..activities.rank import PLACES_APART, ordinal
from ..export.common import NO_VALUE, View, flag_spans, plural, signed
from ..export.document import Block, Column, Note, Paragraph, Table
from ..export.kinds import where_sides_differ
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import side_line, side_style


def _place(place: int | None) -> str:
    return ordinal(place) if place else NO_VALUE


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = [Text(f"  {plural(result.respondents[ALL], 'person', 'people')} ranked", style="dim")]
    for row in result.rows:
        line = Text(f"{_place(row.place[ALL]):>5}  ", style="bold")
        line.append(row.text, style="bold")
        line.append(f"   {row.points[ALL]} pts", style="dim")
        parts.append(line)
        places = Text("       ")
        for side_id, label in side_line(session):
            if result.respondents.get(side_id):
                places.append(f"{label} ", style=side_style(session, side_id))
                places.append(f"{_place(row.place[side_id])}   ")
        parts.append(places)
        if row.sentence:
            note = Text("       ")
            note.append(f"{abs(row.apart)} places apart", style="bold black on yellow")
            note.append(f"  ⚑ {row.sentence}", style="bold yellow")
            parts.append(note)
    return Group(*parts)


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    first, second = view.pair
    ranked = [s for s in view.sides if result.respondents.get(s.id)]
    rows = tuple(
        (
            str(row.place[ALL] or NO_VALUE), row.text, str(row.points[ALL]), *(_place(row.place[s.id]) for s in ranked),
            flag_spans(None if row.apart is None else signed(row.apart, 0), row.flagged),
        )
        for row in result.rows
    )
    return [
        Paragraph(f"{plural(result.respondents[ALL], 'person', 'people')} put the {len(result.rows)} items in order, best first."),
        Table(
            columns=(
                Column("#", True), Column("Item"), Column("Points", True), *(Column(s.label, True) for s in ranked),
                Column(f"Places {first.label} − {second.label}", True),
            ),
            rows=rows,
        ),
        *where_sides_differ(view, [(row.text, row.sentence.rstrip(".")) for row in result.rows if row.sentence]),
        Note(
            f"Borda count: with n items a first place earns n − 1 points and a last place none. "
            f"⚑ marks an item {first.label} and {second.label} place {PLACES_APART} or more places apart.",
            detail=True,
        ),
    ]


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    texts = {item.id: item.text for item in state.items}
    pids = respondents(view, state.scores)
    if not pids:
        return []

    def cells(pid):
        order = state.scores[pid]
        return ["; ".join(texts[item] for item in sorted(order, key=order.__getitem__))]

    return [Table(columns=(*who_columns(view, cfg), Column("Order, best first")), rows=person_rows(view, cfg, pids, cells))]
