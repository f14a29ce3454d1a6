"""How an impact/effort matrix reads: each item's mean position and quadrant, and the
items the pair of sides put in different quadrants."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities import ALL
from ..activities.matrix import QUADRANTS
from ..export.common import FLAG, NO_VALUE, View, flag_spans, num, plural
from ..export.document import Block, Column, Note, Paragraph, Plot, PlotPoint, Table
from ..export.kinds import where_sides_differ
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import pair


def tui(session, cfg, result, presentation) -> RenderableType:
    width, height = 41, 11
    grid = [[" "] * width for _ in range(height)]
    middle_col, middle_row = width // 2, height // 2
    for r in range(height):
        grid[r][middle_col] = "│"
    for c in range(width):
        grid[middle_row][c] = "┼" if c == middle_col else "─"
    x_label, y_label = cfg.axes
    legend: list[Text] = []
    for n, row in enumerate(result.items, 1):
        pos = row.by_side[ALL]
        mark = str(n) if n < 10 else chr(ord("A") + n - 10)
        line = Text(f" {mark} ", style="bold reverse")
        line.append(f" {row.text}")
        if pos.x is None:
            line.append("  (not placed yet)", style="dim")
        else:
            col = round((pos.x - 1) / (cfg.max - 1) * (width - 1))
            r = (height - 1) - round((pos.y - 1) / (cfg.max - 1) * (height - 1))
            grid[r][col] = mark
            line.append(f"  {x_label} {pos.x:.1f}, {y_label} {pos.y:.1f} → {pos.quadrant}", style="dim")
            if row.flagged:
                split = ", ".join(f"{label} {row.by_side[side_id].quadrant}" for side_id, label in pair(session))
                line.append(f"  ⚑ {split}, {row.distance:.1f} apart", style="bold yellow")
        legend.append(line)
    plot = [
        Text(f"{y_label} ↑", style="dim"),
        Text(f"     {'money pit':<{middle_col}}{'big bet':>{width - middle_col}}", style="dim"),
    ]
    plot.extend(Text("     " + "".join(cells)) for cells in grid)
    plot.append(Text(f"     {'fill-in':<{middle_col}}{'quick win':>{width - middle_col}}", style="dim"))
    plot.append(Text(f"     {x_label} →", style="dim"))
    return Group(*plot, Text(""), *legend)


def _quadrant_of(row, side_id: str) -> str | None:
    """A side's quadrant for an item; None where it placed none or is withheld."""
    position = row.by_side.get(side_id)
    return position.quadrant if position is not None else None


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    x_axis, y_axis = result.axes
    first, second = view.pair
    rows, points = [], []
    for number, row in enumerate(result.items, 1):
        room = row.by_side[ALL]
        rows.append((
            str(number), row.text, num(room.x), num(room.y),
            *((q or NO_VALUE).capitalize() for q in (room.quadrant, *(_quadrant_of(row, side.id) for side in (first, second)))),
            flag_spans(None if row.distance is None else num(row.distance), row.flagged),
        ))
        if room.x is not None and room.y is not None:
            points.append(PlotPoint(
                number=number, label=row.text, x=room.x, y=room.y, quadrant=room.quadrant or "",
                by_side=tuple(
                    (p.x, p.y) if (p := row.by_side.get(s.id)) is not None and p.x is not None and p.y is not None else None
                    for s in view.pair
                ),
            ))
    names = {v: k for k, v in QUADRANTS.items()}
    described = "; ".join(
        f"{name}: {'high' if names[name][0] else 'low'} {x_axis.lower()}, {'high' if names[name][1] else 'low'} {y_axis.lower()}"
        for name in ("quick win", "big bet", "fill-in", "money pit")
    )
    blocks: list[Block] = [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} placed each item from 1 to {result.max} on {x_axis.lower()} and {y_axis.lower()}. Mean position of the room and the quadrant each side puts it in:"),
        Table(
            columns=(
                Column("#", True), Column("Item"), Column(x_axis, True), Column(y_axis, True), Column("Quadrant", short=True),
                Column(f"{first.label} sees", short=True), Column(f"{second.label} sees", short=True),
                Column("Distance apart", True),
            ),
            rows=tuple(rows),
        ),
        *where_sides_differ(view, [
            (row.text, row.sentence) for row in result.items if row.sentence
        ]),
    ]
    if points:
        blocks.append(Plot(
            title=f"{x_axis} and {y_axis}: the room's mean position, and where {first.label} and {second.label} each put it",
            axes=(x_axis, y_axis), top=result.max, sides=view.pair, points=tuple(points),
        ))
    blocks.append(Note(f"Quadrants: {described}. The middle of the scale counts as low.", detail=True))
    blocks.append(Note(
        f"{FLAG} marks an item {first.label} and {second.label} put in different quadrants; the distance apart is "
        f"between their mean positions, in points of the 1 to {result.max} scale.",
        detail=True,
    ))
    return blocks


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = respondents(view, state.places)
    if not pids:
        return []
    x_axis, y_axis = cfg.axes

    def cells(pid):
        places = state.places[pid]
        return [f"{places[item.id][0]}, {places[item.id][1]}" if item.id in places else NO_VALUE for item in state.items]

    return [
        Paragraph(f"Each cell gives {x_axis.lower()}, then {y_axis.lower()} (1 to {cfg.max})."),
        Table(columns=(*who_columns(view, cfg), *(Column(item.text, True) for item in state.items)), rows=person_rows(view, cfg, pids, cells)),
    ]
