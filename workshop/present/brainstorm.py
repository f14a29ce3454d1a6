"""How a brainstorm reads: its ideas by theme, each tagged with its side (and, on the
facilitator's screen, its id and author), the hidden ones apart."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities.brainstorm import live_ideas
from ..export.common import NO_VALUE, View, plural
from ..export.document import Block, Bullets, Column, Note, Paragraph, Span, Table
from ..model import FACILITATOR
from ..tui.results import side_line, side_style


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    counts = Text("Ideas by side: ")
    for side_id, label in side_line(session):
        counts.append(f"{label} {result.by_side.get(side_id, NO_VALUE)}  ", style=side_style(session, side_id))
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
            parts.append(_idea_text(session, idea, presentation, indent=2 if theme_id else 0))
    if result.hidden and not presentation:
        parts.append(Text(f"Hidden ({len(result.hidden)}):", style="dim"))
        parts.extend(_idea_text(session, idea, presentation, indent=2, dim=True) for idea in result.hidden)
    if not result.ideas and not result.hidden:
        parts.append(Text("No ideas yet.", style="dim italic"))
    return Group(*parts)


def _idea_text(session, idea, presentation, indent=0, dim=False) -> Text:
    line = Text(" " * indent)
    if not presentation:
        line.append(f"{idea.id:>4} ", style="dim")
    chip = session.side_label(idea.side) if idea.side else ""  # none where privacy withholds it
    line.append(f"{chip:<9}"[:9] + " ", style=side_style(session, idea.side))
    line.append(idea.text, style="dim" if dim else "")
    if idea.merged:
        line.append(f"  +{idea.merged}", style="bold green")
    author = idea.author  # a name only in a named exercise (privacy.redact)
    if author and not presentation:
        line.append(f"  — {author}", style="dim italic")
    return line


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    blocks: list[Block] = []
    given = [i for i in live_ideas(view.state(cfg.id)) if not i.hidden]
    people = {i.author for i in given if i.author != FACILITATOR}
    by_side = ", ".join(f"{s.label} {result.by_side.get(s.id, NO_VALUE)}" for s in view.sides)  # – where withheld
    merged = sum(1 for i in given if i.merged_into)
    summary = f"{plural(len(given), 'idea')} from {plural(len(people), 'person', 'people')} ({by_side})"
    summary += f"; {plural(merged, 'duplicate')} merged into similar ideas." if merged else "."
    blocks.append(Paragraph(summary))
    themes = {t.id: t for t in result.themes}
    for theme in result.themes:
        ideas = [i for i in result.ideas if i.theme == theme.id]
        blocks.append(Paragraph((Span(theme.name, "strong"), Span(f" · {plural(len(ideas), 'idea')}", "muted"))))
        blocks.append(Bullets(tuple(idea_line(view, i) for i in ideas), keep=3, short=True))
    loose = [i for i in result.ideas if i.theme not in themes]
    if loose:
        if themes:
            blocks.append(Paragraph((Span("Not grouped", "strong"), Span(f" · {plural(len(loose), 'idea')}", "muted"))))
        blocks.append(Bullets(tuple(idea_line(view, i) for i in loose), keep=2 if themes else 6, short=True))
    if not result.ideas:
        blocks.append(Note("No ideas were added."))
    if result.hidden:
        blocks.append(Note(f"{plural(len(result.hidden), 'idea')} hidden by the facilitator {'is' if len(result.hidden) == 1 else 'are'} not shown."))
    return blocks


def idea_line(view: View, idea) -> tuple:
    """An idea with its side's tag; "Facilitator" for one the facilitator wrote for no
    side; no tag where the side may not be shown (anonymous, or withheld)."""
    if idea.side is not None:
        line: list = [view.tag(idea.side), " ", idea.text]
    elif idea.by_facilitator:
        line = [Span("Facilitator", "side", -1), " ", idea.text]
    else:
        line = [idea.text]
    if idea.merged:
        line.append(Span(f" (+{plural(idea.merged, 'similar idea')} merged in)", "muted"))
    return tuple(line)


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    ideas = [i for i in live_ideas(state) if not i.hidden]
    if not ideas:
        return []
    number = {idea.id: n for n, idea in enumerate(ideas, 1)}
    themes = {t.id: t.name for t in state.themes.values()}
    rows = []
    for idea in ideas:
        if idea.author == FACILITATOR:
            who = "Facilitator (seed)" if idea.side is None and idea.at == view.session.created_at else "Facilitator"
        else:
            who = view.name(idea.author)
        note = f"merged into #{number[idea.merged_into]}" if idea.merged_into in number else ""
        row = (str(number[idea.id]), idea.text)
        row += (view.side_cell(idea.side, cfg),) if view.sided(cfg) else ()
        row += (who,) if view.named(cfg) else ()
        rows.append((*row, themes.get(idea.theme, ""), note))
    columns = (Column("#", True), Column("Idea"))
    columns += (Column("Side", short=True),) if view.sided(cfg) else ()
    columns += (Column("Author"),) if view.named(cfg) else ()
    return [Table(columns=(*columns, Column("Theme"), Column("Note")), rows=tuple(rows))]
