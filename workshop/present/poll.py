"""How a poll reads: each option's picks, each side's stacked, where the pair of sides
picked it in different shares, and the answers people wrote themselves."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..export.common import NO_VALUE, View, figure, plural, points_spans
from ..export.document import BarGroup, Bars, Block, Bullets, Column, Paragraph, Span, Table
from ..export.kinds import nice_top, share_gap_note, where_sides_differ
from ..export.raw import person_rows, respondents, who_columns
from ..tui.results import gap_note, legend, side_style, stacked


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = [legend(session)]
    top = max((o.total for o in result.options), default=0) or 1
    for option in result.options:
        line = Text("  ")
        line.append_text(stacked(session, option.by_side, top))
        line.append(f" {option.total:>3}  ", style="bold")
        line.append(option.text)
        parts.append(line)
        if option.flagged:
            parts.append(gap_note(option.gap, option.sentence or ""))
    for answer in result.other:
        line = Text("  Other: ", style="dim")
        line.append(f"{session.side_label(answer.side)} ", style=side_style(session, answer.side))
        line.append(answer.text)
        parts.append(line)
    parts.append(Text(f"{result.respondents} answered", style="dim"))
    return Group(*parts)


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    how = "picking as many options as they liked" if cfg.multi else "picking one option"
    blocks: list[Block] = [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} answered, {how}."),
        Table(
            columns=(Column("Option"), Column("Picks", True), *(Column(s.label, True) for s in view.sides), Column(view.gap_label(), True)),
            rows=tuple(
                (o.text, str(o.total), *(str(o.by_side.get(s.id, NO_VALUE)) for s in view.sides), points_spans(o.gap, o.flagged))
                for o in result.options
            ),
        ),
        *where_sides_differ(view, [
            (o.text, o.sentence) for o in result.options if o.sentence
        ]),
    ]
    if any(o.total for o in result.options):
        top, ticks = nice_top(max(o.total for o in result.options))
        blocks.append(Bars(
            title="Picks per option, by side",
            stacked=True,
            sides=view.sides,
            groups=tuple(BarGroup(o.text, tuple(figure(o.by_side, s.id) for s in view.sides)) for o in result.options),
            top=top, ticks=ticks, digits=0,
        ))
    blocks.append(share_gap_note(view, "respondents"))
    if result.other:
        blocks.append(Paragraph((Span("Answers of their own", "strong"),)))
        blocks.append(Bullets(tuple((view.tag(a.side), " ", a.text) if a.side else (a.text,) for a in result.other), keep=3))
    return blocks


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    texts = {item.id: item.text for item in state.items}
    answered = {pid: True for pid in state.scores if state.scores[pid]} | {pid: True for pid in state.other}
    pids = respondents(view, answered)
    if not pids:
        return []
    cells = lambda pid: ["; ".join(texts[i] for i in state.scores.get(pid, {})), state.other.get(pid, "")]  # noqa: E731
    return [Table(columns=(*who_columns(view, cfg), Column("Picked"), Column("Own answer")), rows=person_rows(view, cfg, pids, cells))]
