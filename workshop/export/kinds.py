"""An exercise's result as document blocks, one function per activity kind.

These are the generic renderings: whatever section a template puts an exercise in,
its kind decides how it looks there. They show sides, never names — names belong
to the appendix (`raw.py`) and to the leads and champions of initiatives.
"""

from __future__ import annotations

import math

from ..activities import ALL
from ..activities.allocate import FLAG as ALLOCATION_GAP
from ..activities.brainstorm import live_ideas
from ..activities.common import SHARE_GAP_FLAG
from ..activities.matrix import QUADRANTS, quadrant_of
from ..activities.scale import GAP_FLAG
from ..model import FACILITATOR
from .common import (
    FLAG,
    NO_VALUE,
    View,
    flag_spans,
    gap_spans,
    num,
    pct,
    plural,
    points_spans,
    share,
    shift_cell,
    sides_and_room,
)
from .document import BarGroup, Bars, Block, Bullets, Column, Note, Paragraph, Plot, PlotPoint, Span, Table


def blocks_for(view: View, cfg) -> tuple[Block, ...]:
    """The result of one exercise, rendered by its kind."""
    if not view.ran(cfg):
        return (Note("This exercise was not run."),)
    return tuple(RENDERERS[cfg.kind](view, cfg))


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


def _points_note(view: View, threshold: float, share_of: str) -> Note:
    """What ⚑ means in a table of gaps in percentage points."""
    first, second = view.pair
    return Note(
        f"{FLAG} marks a difference of {num(threshold, 0)} points or more between {first.label} and {second.label}, "
        f"as a share of {share_of}."
    )


def _share_gap_note(view: View, of_what: str) -> Note:
    return _points_note(view, SHARE_GAP_FLAG, f"each side's own {of_what} (so a bigger side does not make a gap)")


# ------------------------------------------------------------------ scale


def scale(view: View, cfg) -> list[Block]:
    if cfg.compare_with:
        return scale_shift(view, cfg)
    result = view.result(cfg.id)
    cols = sides_and_room(view)
    table = Table(
        columns=(Column("Statement"), *(Column(label, True) for _, label in cols), Column(view.gap_label(), True)),
        rows=tuple(
            (st.text, *(num(st.mean.get(key)) for key, _ in cols), gap_spans(st.gap, st.flagged))
            for st in result.statements
        ),
    )
    low, high = cfg.labels
    return [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} rated each statement from 1 ({low}) to {cfg.max} ({high}). Mean per side:"),
        table,
        Bars(
            title=f"Mean rating per side, 1 to {cfg.max}",
            sides=view.sides,
            groups=tuple(BarGroup(st.text, tuple(st.mean.get(s.id) for s in view.sides)) for st in result.statements),
            top=float(cfg.max),
            ticks=tuple(float(v) for v in range(1, cfg.max + 1)),
        ),
        _gap_note(view),
    ]


def _gap_note(view: View) -> Note:
    first, second = view.pair
    return Note(f"{FLAG} marks a gap of {plural(int(GAP_FLAG), 'point')} or more between {first.label} and {second.label} (mean of {first.label} minus mean of {second.label}): worth a conversation.")


def _pair_gap(view: View, means: dict | None) -> float | None:
    if not means:
        return None
    first, second = view.pair
    a, b = means.get(first.id), means.get(second.id)
    return None if a is None or b is None else round(a - b, 3)


def shift_rows(view: View, cfg) -> tuple[tuple, ...]:
    """Per statement: each side's mean before → after, and the gap before and after."""
    result = view.result(cfg.id)
    rows = []
    for st in result.statements:
        before = st.before or {}
        gap_before = _pair_gap(view, before)
        rows.append((
            st.text,
            *(shift_cell(before.get(key), st.mean.get(key)) for key, _ in sides_and_room(view)),
            gap_spans(gap_before, gap_before is not None and abs(gap_before) >= GAP_FLAG),
            gap_spans(st.gap, st.flagged),
        ))
    return tuple(rows)


def shift_columns(view: View) -> tuple[Column, ...]:
    return (
        Column("Statement"),
        *(Column(label, True) for _, label in sides_and_room(view)),
        Column("Gap before", True),
        Column("Gap after", True),
    )


def scale_shift(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    earlier = view.session.exercise(cfg.compare_with)
    return [
        Paragraph(
            f"{plural(result.respondents, 'person', 'people')} rated the same statements in “{earlier.title}” and in “{cfg.title}”, "
            f"from 1 ({cfg.labels[0]}) to {cfg.max} ({cfg.labels[1]}). Each cell reads before → after (shift); "
            f"the gap is the mean of {view.pair[0].label} minus the mean of {view.pair[1].label}:"
        ),
        Table(columns=shift_columns(view), rows=shift_rows(view, cfg)),
        Bars(
            title=f"Mean rating per side, 1 to {cfg.max}: {earlier.title} (light) and {cfg.title} (solid)",
            sides=view.sides,
            groups=tuple(
                BarGroup(st.text, tuple(st.mean.get(s.id) for s in view.sides), tuple((st.before or {}).get(s.id) for s in view.sides))
                for st in result.statements
            ),
            top=float(cfg.max),
            ticks=tuple(float(v) for v in range(1, cfg.max + 1)),
            before_label=earlier.title,
            after_label=cfg.title,
        ),
        _gap_note(view),
    ]


# ------------------------------------------------------------------ brainstorm


def idea_line(view: View, idea) -> tuple:
    tag = Span("Facilitator", "side", -1) if idea.author == FACILITATOR and idea.side is None else view.tag(idea.side)
    line: list = [tag, " ", idea.text]
    if idea.merged:
        line.append(Span(f" (+{plural(idea.merged, 'similar idea')} merged in)", "muted"))
    return tuple(line)


def brainstorm(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    blocks: list[Block] = []
    given = [i for i in live_ideas(view.state(cfg.id)) if not i.hidden]
    people = {i.author for i in given if i.author != FACILITATOR}
    by_side = ", ".join(f"{s.label} {sum(1 for i in given if i.side == s.id)}" for s in view.sides)
    merged = sum(1 for i in given if i.merged_into)
    summary = f"{plural(len(given), 'idea')} from {plural(len(people), 'person', 'people')} ({by_side})"
    summary += f"; {plural(merged, 'duplicate')} merged into similar ideas." if merged else "."
    blocks.append(Paragraph(summary))
    themes = {t.id: t for t in result.themes}
    for theme in result.themes:
        ideas = [i for i in result.ideas if i.theme == theme.id]
        blocks.append(Paragraph((Span(theme.name, "strong"), Span(f" · {plural(len(ideas), 'idea')}", "muted"))))
        blocks.append(Bullets(tuple(idea_line(view, i) for i in ideas)))
    loose = [i for i in result.ideas if i.theme not in themes]
    if loose:
        if themes:
            blocks.append(Paragraph((Span("Not grouped", "strong"), Span(f" · {plural(len(loose), 'idea')}", "muted"))))
        blocks.append(Bullets(tuple(idea_line(view, i) for i in loose)))
    if not result.ideas:
        blocks.append(Note("No ideas were added."))
    if result.hidden:
        blocks.append(Note(f"{plural(len(result.hidden), 'idea')} hidden by the facilitator {'is' if len(result.hidden) == 1 else 'are'} not shown."))
    return blocks


# ------------------------------------------------------------------ dotvote


def dotvote(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    first, second = view.pair
    added = {item.id for item in view.state(cfg.id).items if item.added_by}
    ranks = competition_ranks([row.total for row in result.ranking])
    rows = []
    for rank, row in zip(ranks, result.ranking):
        text = (row.text, Span(" (added in the room)", "muted")) if row.item in added else row.text
        rows.append((
            str(rank) if row.total else NO_VALUE, text, str(row.total), *(str(row.by_side.get(s.id, 0)) for s in view.sides),
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
        ),
        *where_sides_differ(view, [
            (row.text, f"{first.label} gave it {pct(row.share[first.id])} of its dots, {second.label} {pct(row.share[second.id])}")
            for row in result.ranking if row.flagged
        ]),
    ]
    if voted:
        top, ticks = nice_top(max(row.total for row in voted))
        blocks.append(Bars(
            title="Dots per item, by side",
            stacked=True,
            sides=view.sides,
            groups=tuple(BarGroup(row.text, tuple(float(row.by_side.get(s.id, 0)) for s in view.sides)) for row in voted),
            top=top, ticks=ticks, digits=0,
        ))
    blocks.append(_share_gap_note(view, "dots"))
    return blocks


def top_items(view: View, cfg, n: int = 3) -> list:
    """The highest-ranked items that got any dots (ties at the cut are kept)."""
    ranking = [row for row in view.result(cfg.id).ranking if row.total]
    if len(ranking) <= n:
        return ranking
    cut = ranking[n - 1].total
    return [row for row in ranking if row.total >= cut]


# ------------------------------------------------------------------ poll


def poll(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    first, second = view.pair
    how = "picking as many options as they liked" if cfg.multi else "picking one option"
    blocks: list[Block] = [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} answered, {how}."),
        Table(
            columns=(Column("Option"), Column("Picks", True), *(Column(s.label, True) for s in view.sides), Column(view.gap_label(), True)),
            rows=tuple(
                (o.text, str(o.total), *(str(o.by_side.get(s.id, 0)) for s in view.sides), points_spans(o.gap, o.flagged))
                for o in result.options
            ),
        ),
        *where_sides_differ(view, [
            (o.text, f"picked by {pct(o.share[first.id])} of {first.label}, {pct(o.share[second.id])} of {second.label}")
            for o in result.options if o.flagged
        ]),
    ]
    if any(o.total for o in result.options):
        top, ticks = nice_top(max(o.total for o in result.options))
        blocks.append(Bars(
            title="Picks per option, by side",
            stacked=True,
            sides=view.sides,
            groups=tuple(BarGroup(o.text, tuple(float(o.by_side.get(s.id, 0)) for s in view.sides)) for o in result.options),
            top=top, ticks=ticks, digits=0,
        ))
    blocks.append(_share_gap_note(view, "respondents"))
    if result.other:
        blocks.append(Paragraph((Span("Answers of their own", "strong"),)))
        blocks.append(Bullets(tuple((view.tag(a.side), " ", a.text) for a in result.other)))
    return blocks


# ------------------------------------------------------------------ allocate


def allocate(view: View, cfg) -> list[Block]:
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
    blocks.append(_points_note(view, ALLOCATION_GAP, "the budget"))
    return blocks


# ------------------------------------------------------------------ matrix


def matrix(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    x_axis, y_axis = result.axes
    first, second = view.pair
    rows, points = [], []
    for number, row in enumerate(result.items, 1):
        room = row.by_side[ALL]
        rows.append((
            str(number), row.text, num(room.x), num(room.y),
            *((q or NO_VALUE).capitalize() for q in (room.quadrant, row.by_side[first.id].quadrant, row.by_side[second.id].quadrant)),
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
            (row.text, f"{first.label} sees {_a(row.by_side[first.id].quadrant)}, {second.label} {_a(row.by_side[second.id].quadrant)}")
            for row in result.items if row.flagged
        ]),
    ]
    if points:
        blocks.append(Plot(
            title=f"{x_axis} and {y_axis}: the room's mean position, and where {first.label} and {second.label} each put it",
            axes=(x_axis, y_axis), top=result.max, sides=view.pair, points=tuple(points),
        ))
    blocks.append(Note(f"Quadrants: {described}. The middle of the scale counts as low."))
    blocks.append(Note(
        f"{FLAG} marks an item {first.label} and {second.label} put in different quadrants; the distance apart is "
        f"between their mean positions, in points of the 1 to {result.max} scale."
    ))
    return blocks


def _a(quadrant: str | None) -> str:
    """"a quick win", "a big bet": a quadrant name as a noun phrase."""
    return f"a {quadrant}" if quadrant else NO_VALUE


# ------------------------------------------------------------------ ownership


def leader_text(row, key: str) -> str:
    if not sum(row.counts.get(key, [])):
        return NO_VALUE
    return row.leader.get(key) or "Split"


def ownership(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    first, second = view.pair
    rows = []
    for row in result.rows:
        agreed = row.agreed if not row.contested else (Span(f"{FLAG} Contested", "flag"),)
        rows.append((row.text, agreed, share(row.consensus), *(leader_text(row, s.id) for s in view.sides)))
    contested = [row.text for row in result.rows if row.contested]
    differ = [
        row for row in result.rows
        if row.leader.get(first.id) and row.leader.get(second.id) and row.leader[first.id] != row.leader[second.id]
    ]
    blocks: list[Block] = [
        Paragraph(
            f"{plural(result.respondents, 'person', 'people')} chose who should lead each responsibility. "
            f"{len(contested)} of {len(result.rows)} {'is' if len(contested) == 1 else 'are'} contested: no choice reached {share(cfg.consensus)} of the room."
        ),
        Table(
            columns=(
                Column("Responsibility"), Column("Agreed owner", short=True), Column("Consensus", True),
                *(Column(f"{s.label} says", short=True) for s in view.sides),
            ),
            rows=tuple(rows),
        ),
    ]
    if differ:
        blocks.append(Paragraph((Span(f"Where {first.label} and {second.label} see it differently", "strong"),)))
        blocks.append(Bullets(tuple(
            (row.text, f": {first.label} says {row.leader[first.id]}, {second.label} says {row.leader[second.id]}") for row in differ
        )))
    return blocks


# ------------------------------------------------------------------ initiatives


INITIATIVE_COLUMNS = (
    "Initiative", "Customer outcome", "KPI and target", "Time frame", "IT lead", "Marketing lead",
    "Budget share", "First step", "Status", "Impact/effort",
)


def quadrant_matrix(view: View, cfg):
    """The matrix whose items an initiatives exercise's candidates are matched against:
    one drawing on the same source if there is one, else the first matrix."""
    source = getattr(cfg, "source", None)
    return view.first("matrix", where=lambda m: source is not None and m.source == source) or view.first("matrix")


def initiative_quadrant(view: View, cfg, initiative) -> str:
    matrix_cfg = quadrant_matrix(view, cfg)
    if matrix_cfg is None or not view.ran(matrix_cfg):
        return NO_VALUE
    result = view.result(matrix_cfg.id)
    texts = [item.text for item in view.state(cfg.id).items if item.id == initiative.source_item] + [initiative.title]
    for text in texts:
        found = quadrant_of(result, text)
        if found:
            return found
    return NO_VALUE


def initiative_row(view: View, cfg, initiative) -> tuple:
    kpi = ": ".join(part for part in (initiative.kpi, initiative.target) if part)
    values = (
        initiative.title, initiative.outcome, kpi, initiative.timeframe, initiative.it_lead,
        initiative.marketing_lead, initiative.budget_share, initiative.first_step,
    )
    return (*(v or NO_VALUE for v in values), initiative.status.capitalize(), initiative_quadrant(view, cfg, initiative).capitalize())


def initiatives_table(view: View, cfg, initiatives) -> Table:
    return Table(
        columns=tuple(Column(title) for title in INITIATIVE_COLUMNS),
        rows=tuple(initiative_row(view, cfg, i) for i in initiatives),
        transpose=True,
    )


def initiatives(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    active = [t for t in result.initiatives if t.initiative.status != "parked"]
    parked = [t for t in result.initiatives if t.initiative.status == "parked"]
    blocks: list[Block] = []
    summary = f"{plural(len(result.initiatives), 'initiative')} drafted: {result.agreed} agreed, {result.parked} parked"
    drafts = len(result.initiatives) - result.agreed - result.parked
    blocks.append(Paragraph(summary + (f", {drafts} still in draft." if drafts else ".")))
    if active:
        blocks.append(initiatives_table(view, cfg, [t.initiative for t in active]))
    else:
        blocks.append(Note("No initiative is agreed or in draft."))
    backed = [t for t in active if t.champions or t.comments]
    if backed:
        blocks.append(Paragraph((Span("Champions and comments", "strong"),)))
        blocks.append(Bullets(tuple(_target_line(view, cfg, t) for t in backed)))
    # A candidate drafted into an initiative is listed there, with its backers.
    drafted = {t.initiative.source_item for t in result.initiatives}
    candidates = [t for t in result.candidates if (t.champions or t.comments) and t.id not in drafted]
    if candidates:
        blocks.append(Paragraph((Span("On other candidates", "strong"),)))
        blocks.append(Bullets(tuple(_target_line(view, cfg, t) for t in candidates)))
    if parked:
        blocks.append(Note(f"{plural(len(parked), 'parked initiative')} {'is' if len(parked) == 1 else 'are'} listed under “Concerns raised and parked items”."))
    return blocks


def _target_line(view: View, cfg, target) -> tuple:
    line: list = [Span(target.title, "strong")]
    if target.champions:
        names = ", ".join(view.person(c.participant, cfg) for c in target.champions)
        line.append(f" — champions: {names}")
    for comment in target.comments:
        line.extend([f" — {view.person(comment.author, cfg)}: “", comment.text, "”"])
    return tuple(line)


def parked_line(view: View, cfg, initiative) -> tuple:
    leads = ", ".join(
        f"{label}: {value}" for label, value in (("IT lead", initiative.it_lead), ("Marketing lead", initiative.marketing_lead)) if value
    )
    line: list = [Span(initiative.title, "strong")]
    if initiative.outcome:
        line.append(f" — {initiative.outcome}")
    if leads:
        line.append(f" ({leads})")
    if initiative.first_step:
        line.append(f". Next: {initiative.first_step}")
    return tuple(line)


RENDERERS = {
    "scale": scale,
    "brainstorm": brainstorm,
    "dotvote": dotvote,
    "poll": poll,
    "allocate": allocate,
    "matrix": matrix,
    "ownership": ownership,
    "initiatives": initiatives,
}
