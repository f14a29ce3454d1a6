"""How a scale reads: each side's mean per statement, the gap between the pair of
sides, and — when it compares with an earlier scale — the shift since then."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities import ALL
from ..activities.scale import GAP_FLAG
from ..export.common import FLAG, NO_VALUE, View, gap_spans, num, plural, shift_cell, sides_and_room, signed
from ..export.document import BarGroup, Bars, Block, Column, Differences, Note, Paragraph, Table
from ..export.kinds import where_sides_differ
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import fmt, side_bar, side_line


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    for n, st in enumerate(result.statements, 1):
        head = Text(f"{n}. ", style="bold")
        head.append(st.text, style="bold")
        head.append(f"   ({plural(st.n[ALL], 'answer')})", style="dim")
        parts.append(head)
        for side_id, label in side_line(session):
            if side_id not in st.mean:
                continue  # withheld: too few answers (privacy), said under the result
            line = side_bar(session, side_id, label, st.mean[side_id], cfg.max, fmt(st.mean[side_id]), indent=3, width=24)
            if st.shift and st.shift.get(side_id) is not None:
                shift = st.shift[side_id]
                same = (st.matched or {}).get(side_id, 0)
                line.append(
                    f"  {'+' if shift >= 0 else ''}{shift:.1f} since {cfg.compare_with} ({same} who rated both)",
                    style="green" if shift >= 0 else "red",
                )
            parts.append(line)
        if st.gap is not None:
            first, second = (label for _, label in side_line(session)[:2])
            gap = Text(f"   gap {first} − {second} {signed(st.gap)}")
            before = _pair_gap(session, st.before)
            if before is not None:
                gap.append(f" (was {signed(before)} among those who rated both)")
            if st.flagged:
                gap.stylize("bold black on yellow")
                gap.append(f"  ⚑ {st.sentence or 'worth a conversation'}", style="bold yellow")
            parts.append(gap)
        parts.append(Text(""))
    return Group(*parts)


def document(view: View, cfg) -> list[Block]:
    if cfg.compare_with:
        return _shift_document(view, cfg)
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
        *where_sides_differ(view, [(st.text, st.sentence) for st in result.statements if st.sentence]),
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
    return Note(f"{FLAG} marks a gap of {plural(int(GAP_FLAG), 'point')} or more between {first.label} and {second.label} (mean of {first.label} minus mean of {second.label}): worth a conversation.", detail=True)


def _pair_gap(session, means: dict | None) -> float | None:
    """The first side's mean minus the second's, where both are shown."""
    if not means:
        return None
    first, second = (side.id for side in session.template.sides[:2])
    a, b = means.get(first), means.get(second)
    return None if a is None or b is None else round(a - b, 3)


def shift_rows(view: View, cfg) -> tuple[tuple, ...]:
    """Per statement: each side's mean before → after over the same people (those who
    rated it both times), and the gap before and after between them (also the
    executive summary's pulse, `export/build.py`)."""
    result = view.result(cfg.id)
    rows = []
    for st in result.statements:
        before, after = st.before or {}, st.after or {}
        gap_before, gap_after = _pair_gap(view.session, before), _pair_gap(view.session, after)
        rows.append((
            st.text,
            *(shift_cell(before.get(key), after.get(key)) for key, _ in sides_and_room(view)),
            gap_spans(gap_before, gap_before is not None and abs(gap_before) >= GAP_FLAG),
            gap_spans(gap_after, gap_after is not None and abs(gap_after) >= GAP_FLAG),
        ))
    return tuple(rows)


def shift_columns(view: View) -> tuple[Column, ...]:
    return (
        Column("Statement"),
        *(Column(label, True) for _, label in sides_and_room(view)),
        Column("Gap before", True),
        Column("Gap after", True),
    )


def _shift_document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    earlier = view.session.exercise(cfg.compare_with)
    both = max(((st.matched or {}).get(ALL, 0) for st in result.statements), default=0)
    return [
        Paragraph(
            f"{plural(both, 'person', 'people')} rated the same statements in “{earlier.title}” and in “{cfg.title}”, "
            f"from 1 ({cfg.labels[0]}) to {cfg.max} ({cfg.labels[1]}); the shift counts only them, so that it is "
            f"never made by who arrived or left. Each cell reads before → after (shift); "
            f"the gap is the mean of {view.pair[0].label} minus the mean of {view.pair[1].label}:"
        ),
        Table(columns=shift_columns(view), rows=shift_rows(view, cfg)),
        *_gaps_said(earlier.title, view.result(earlier.id).statements),
        *_gaps_said(cfg.title, result.statements),
        Bars(
            title=f"Mean rating per side, 1 to {cfg.max}: {earlier.title} (light) and {cfg.title} (solid)",
            sides=view.sides,
            groups=tuple(
                BarGroup(st.text, tuple((st.after or {}).get(s.id) for s in view.sides), tuple((st.before or {}).get(s.id) for s in view.sides))
                for st in result.statements
            ),
            top=float(cfg.max),
            ticks=tuple(float(v) for v in range(1, cfg.max + 1)),
            before_label=earlier.title,
            after_label=cfg.title,
        ),
        _gap_note(view),
    ]


def _gaps_said(when: str, statements) -> list[Block]:
    """The flagged gaps of one pulse, each as its signed sentence: "At “Check-in
    pulse”: Technology spending is decided jointly — IT rates it 3.7, …"."""
    said = tuple((st.text, st.sentence) for st in statements if st.sentence)
    return [Differences(f"At “{when}”, {FLAG}", said, source=when)] if said else []


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = respondents(view, state.scores)
    if not pids:
        return []
    columns = (*who_columns(view, cfg), *(Column(item.text, True) for item in state.items))
    cells = lambda pid: [str(state.scores[pid][item.id]) if item.id in state.scores[pid] else NO_VALUE for item in state.items]  # noqa: E731
    return [Table(columns=columns, rows=person_rows(view, cfg, pids, cells))]
