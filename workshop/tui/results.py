"""Live results for the facilitator's screen, one renderer per activity kind.

Everything here builds Rich `Text` objects piece by piece and appends participant
text as plain strings, never through markup: an idea that says `[bold]` or
`[link=…]` is shown exactly as typed.

`presentation=True` is for a projected screen: no names, no idea ids.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..activities import ALL, KINDS, counted
from ..export.common import plural
from ..model import FACILITATOR, Session

SIDE_STYLES = ("bold dodger_blue2", "bold dark_orange", "bold grey62", "bold green", "bold magenta", "bold yellow")
EIGHTHS = " ▏▎▍▌▋▊▉█"


def side_style(session: Session, side_id: str | None) -> str:
    ids = [s.id for s in session.template.sides]
    return SIDE_STYLES[ids.index(side_id) % len(SIDE_STYLES)] if side_id in ids else "grey50"


def bar(value: float | None, top: float, width: int = 20) -> str:
    """A horizontal bar in eighths of a cell."""
    if not value or top <= 0:
        return ""
    eighths = round(max(0.0, min(1.0, value / top)) * width * 8)
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _side_line(session: Session, label_width: int = 10) -> list[tuple[str, str]]:
    return [(s.id, s.label[:label_width]) for s in session.template.sides]


def _side_bar(session, side_id, label: str, value, top: float, figure: str, *, indent: int, width: int) -> Text:
    """One side's labelled bar with its figure: `   IT         ████▌   3.4`."""
    line = Text(" " * indent + f"{label:<10} ")
    line.append(f"{bar(value, top, width):<{width}}", style=side_style(session, side_id))
    line.append(f" {figure}")
    return line


def render(session: Session, exercise_id: str, *, presentation: bool = False) -> RenderableType:
    """The live result of one exercise for the facilitator."""
    cfg = session.exercise(exercise_id)
    state = session.exercises[exercise_id]
    result = KINDS[cfg.kind].result(session, cfg, counted(session, state))
    names = {} if (presentation or cfg.anonymous) else {p.id: p.name or p.id for p in session.participants.values()}
    return RENDERERS[cfg.kind](session, cfg, result, names, presentation)


def _scale(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    for n, st in enumerate(result.statements, 1):
        head = Text(f"{n}. ", style="bold")
        head.append(st.text, style="bold")
        head.append(f"   ({plural(st.n[ALL], 'answer')})", style="dim")
        parts.append(head)
        for side_id, label in _side_line(session):
            line = _side_bar(session, side_id, label, st.mean[side_id], cfg.max, fmt(st.mean[side_id]), indent=3, width=24)
            if st.shift and st.shift.get(side_id) is not None:
                shift = st.shift[side_id]
                line.append(f"  {'+' if shift >= 0 else ''}{shift:.1f} since {cfg.compare_with}", style="green" if shift >= 0 else "red")
            parts.append(line)
        if st.gap is not None:
            gap = Text(f"   gap {abs(st.gap):.1f} point{'s' if abs(st.gap) != 1 else ''}")
            if st.flagged:
                gap.stylize("bold black on yellow")
                gap.append("  ⚑ worth a conversation", style="bold yellow")
            parts.append(gap)
        parts.append(Text(""))
    return Group(*parts)


def _brainstorm(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    counts = Text("Ideas by side: ")
    for side_id, label in _side_line(session):
        counts.append(f"{label} {result.by_side.get(side_id, 0)}  ", style=side_style(session, side_id))
    parts.append(counts)
    by_theme: dict[str | None, list] = {}
    for idea in result.ideas:
        by_theme.setdefault(idea.theme, []).append(idea)
    themes = {t.id: t.name for t in result.themes}
    for theme_id in [*themes, None]:
        ideas = by_theme.get(theme_id, [])
        if not ideas:
            continue
        if theme_id is not None:
            title = Text("▸ ", style="bold")
            title.append(themes[theme_id], style="bold underline")
            title.append(f"  ({len(ideas)})", style="dim")
            parts.append(title)
        for idea in ideas:
            parts.append(_idea_line(session, idea, names, presentation, indent=2 if theme_id else 0))
    if result.hidden and not presentation:
        parts.append(Text(f"Hidden ({len(result.hidden)}):", style="dim"))
        parts.extend(_idea_line(session, idea, names, presentation, indent=2, dim=True) for idea in result.hidden)
    if not result.ideas and not result.hidden:
        parts.append(Text("No ideas yet.", style="dim italic"))
    return Group(*parts)


def _idea_line(session, idea, names, presentation, indent=0, dim=False) -> Text:
    line = Text(" " * indent)
    if not presentation:
        line.append(f"{idea.id:>4} ", style="dim")
    line.append(f"{session.side_label(idea.side) or 'Room':<9}"[:9] + " ", style=side_style(session, idea.side))
    line.append(idea.text, style="dim" if dim else "")
    if idea.merged:
        line.append(f"  +{idea.merged}", style="bold green")
    author = names.get(idea.author) if idea.author != FACILITATOR else "facilitator"
    if author and not presentation:
        line.append(f"  — {author}", style="dim italic")
    return line


def _stacked(session, by_side: dict[str, int], top: int, width: int = 24) -> Text:
    """A bar per side, laid end to end, scaled to the largest total.

    Each segment ends where the running total rounds to, so equal totals draw equal
    lengths whatever their split (rounding each side alone can add a cell or lose one)."""
    line = Text()
    total = used = 0
    for side_id, _ in _side_line(session):
        total += by_side.get(side_id, 0)
        end = round(total / top * width) if top else 0
        line.append("█" * (end - used), style=side_style(session, side_id))
        used = end
    line.append(" " * max(0, width - used))
    return line


def _pair(session: Session) -> tuple[tuple[str, str], tuple[str, str]]:
    """(id, label) of the two sides whose gap results show (IT and Marketing by default)."""
    first, second = _side_line(session)[:2]
    return first, second


def _gap_note(points: float, detail: str) -> Text:
    """The line under a flagged item: `    gap 40 points  ⚑ IT 0% of its dots, Marketing 40%`."""
    note = Text("    ")
    note.append(f"gap {abs(points):.0f} points", style="bold black on yellow")
    note.append(f"  ⚑ {detail}", style="bold yellow")
    return note


def _legend(session) -> Text:
    legend = Text("  ")
    for side_id, label in _side_line(session):
        legend.append("█ ", style=side_style(session, side_id))
        legend.append(f"{label}  ")
    return legend


def _dotvote(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = [_legend(session)]
    top = max((r.total for r in result.ranking), default=0) or 1
    for rank, row in enumerate(result.ranking, 1):
        title = Text(f"{rank:>2}. ", style="bold")
        title.append(row.text, style="bold" if row.total else "")
        parts.append(title)
        line = Text("    ")
        line.append_text(_stacked(session, row.by_side, top))
        line.append(f" {row.total:>3}  ", style="bold")
        split = " · ".join(f"{label} {row.by_side.get(side_id, 0)}" for side_id, label in _side_line(session))
        line.append(split, style="dim")
        parts.append(line)
        if row.flagged:
            (a, a_label), (b, b_label) = _pair(session)
            parts.append(_gap_note(row.gap, f"{a_label} {fmt(row.share[a], 0)}% of its dots, {b_label} {fmt(row.share[b], 0)}%"))
    parts.append(Text(f"{result.dots_used} dots from {result.voters} people", style="dim"))
    return Group(*parts)


def _poll(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = [_legend(session)]
    top = max((o.total for o in result.options), default=0) or 1
    for option in result.options:
        line = Text("  ")
        line.append_text(_stacked(session, option.by_side, top))
        line.append(f" {option.total:>3}  ", style="bold")
        line.append(option.text)
        parts.append(line)
        if option.flagged:
            (a, a_label), (b, b_label) = _pair(session)
            parts.append(_gap_note(option.gap, f"picked by {fmt(option.share[a], 0)}% of {a_label}, {fmt(option.share[b], 0)}% of {b_label}"))
    for answer in result.other:
        line = Text("  Other: ", style="dim")
        line.append(f"{session.side_label(answer.side)} ", style=side_style(session, answer.side))
        line.append(answer.text)
        parts.append(line)
    parts.append(Text(f"{result.respondents} answered", style="dim"))
    return Group(*parts)


def _allocate(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = [Text(f"Mean share of {cfg.budget} points, {result.respondents} allocations", style="dim")]
    for row in result.items:
        head = Text(f"{fmt(row.share[ALL], 0):>3}%  ", style="bold")
        head.append(row.text)
        parts.append(head)
        if row.flagged:
            (a, a_label), (b, b_label) = _pair(session)
            parts.append(_gap_note(row.gap * 100 / cfg.budget, f"{a_label} gives it {fmt(row.share[a], 0)}% of the budget, {b_label} {fmt(row.share[b], 0)}%"))
        for side_id, label in _side_line(session):
            value = row.share[side_id]
            parts.append(_side_bar(session, side_id, label, value, 100, f"{fmt(value, 0)}%", indent=6, width=20))
    return Group(*parts)


def _matrix(session, cfg, result, names, presentation) -> RenderableType:
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
                split = ", ".join(f"{label} {row.by_side[side_id].quadrant}" for side_id, label in _pair(session))
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


def _ownership(session, cfg, result, names, presentation) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("Responsibility", ratio=3)
    for choice in result.choices:
        table.add_column(choice, justify="right", ratio=1)
    table.add_column("Top share", justify="right", ratio=1)
    table.add_column("Verdict", ratio=3)
    for row in result.rows:
        verdict = Text("CONTESTED", style="bold black on yellow") if row.contested else Text(f"→ {row.agreed}", style="bold green")
        leaders = [(label, row.leader[s]) for s, label in _side_line(session)[:2]]
        if leaders[0][1] and leaders[1][1] and leaders[0][1] != leaders[1][1]:
            verdict.append("\n" + ", ".join(f"{label}: {leader}" for label, leader in leaders), style="yellow")
        consensus = fmt(row.consensus * 100 if row.consensus is not None else None, 0)
        table.add_row(Text(row.text), *(str(n) for n in row.counts[ALL]), f"{consensus}%", verdict)
    footer = Text(f"{result.contested} of {len(result.rows)} rows contested (no choice reaches {cfg.consensus:.0%})", style="dim")
    footer.append(f" · {result.respondents} answered", style="dim")
    return Group(table, footer)


def _initiatives(session, cfg, result, names, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    marks = {"draft": ("DRAFT", "bold white on grey30"), "agreed": ("AGREED", "bold black on green"), "parked": ("PARKED", "dim")}
    for target in result.initiatives:
        initiative = target.initiative
        mark, style = marks[initiative.status]
        line = Text(f" {mark} ", style=style)
        line.append(" ")
        line.append(initiative.title, style="bold")
        line.append(f"   {plural(len(target.champions), 'champion')}", style="dim")
        parts.append(line)
        details = [
            ("Outcome", initiative.outcome), ("KPI", " — ".join(x for x in (initiative.kpi, initiative.target) if x)),
            ("When", initiative.timeframe), ("IT lead", initiative.it_lead), ("Marketing lead", initiative.marketing_lead),
            ("Budget", initiative.budget_share), ("First step", initiative.first_step),
        ]
        for label, value in details:
            if value:
                detail = Text(f"      {label}: ", style="dim")
                detail.append(value)
                parts.append(detail)
    if not result.initiatives:
        parts.append(Text("No initiatives drafted yet — press i to open the editor, then d to draft one from the top candidate.", style="dim italic"))
    parts.append(Text(""))
    parts.append(Text("Candidates", style="bold underline"))
    for n, target in enumerate(result.candidates, 1):
        line = Text(f"{n:>2}. ")
        line.append(target.title)
        if target.champions:
            who = ", ".join(names.get(c.participant, "") for c in target.champions if names.get(c.participant))
            line.append(f"   {plural(len(target.champions), 'champion')}" + (f": {who}" if who else ""), style="green")
        if target.comments:
            line.append(f"   {plural(len(target.comments), 'comment')}", style="dim")
        parts.append(line)
    return Group(*parts)


RENDERERS = {
    "scale": _scale,
    "brainstorm": _brainstorm,
    "dotvote": _dotvote,
    "poll": _poll,
    "allocate": _allocate,
    "matrix": _matrix,
    "ownership": _ownership,
    "initiatives": _initiatives,
}
