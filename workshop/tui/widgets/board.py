"""The brainstorm's board, for the facilitator to moderate by pointing: every idea on
it, grouped by theme, with its id, its side where the privacy rules let the
facilitator see it, "Facilitator" for one typed in the room, how many duplicates
were merged into it — and the hidden ideas too, dimmed, so that one can be shown
again. Arrow keys pick an idea; the run screen's `h` `e` `m` `g` act on the one
highlighted. Drawn from the facilitator's redacted result (`privacy.redact`), never
from raw inputs, and never projected: presentation mode shows the room's drawing.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ... import privacy
from ...model import Session
from ..results import side_style


def idea_prompt(session: Session, idea, themes: dict[str, str]) -> Text:
    line = Text(f"{idea.id:>4} ", style="dim")
    labels = {s.id: s.label for s in session.template.sides}
    if idea.side in labels:
        line.append(f"{labels[idea.side]} ", style=side_style(session, idea.side))
    line.append(idea.text, style="dim strike" if idea.hidden else "")
    if idea.by_facilitator:
        line.append(" — Facilitator", style="dim")
    if idea.merged:
        line.append(f"  +{idea.merged} merged in", style="dim")
    if idea.theme in themes:
        line.append(f"  ▸ {themes[idea.theme]}", style="cyan")
    if idea.hidden:
        line.append("  hidden: h shows it again", style="dim italic")
    return line


class IdeaBoard(OptionList):
    """Updated by the run screen (attributes down); keeps the highlighted idea."""

    DEFAULT_CSS = "IdeaBoard { height: 1fr; border: none; padding: 0; }"

    def show(self, session: Session, exercise_id: str) -> None:
        cfg = session.exercise(exercise_id)
        state = session.exercises[exercise_id]
        rule = privacy.policy(session, cfg, state)
        result = privacy.redact(privacy.result(session, cfg, state), "facilitator", rule)
        themes = {t.id: t.name for t in result.themes}
        order = {t.id: n for n, t in enumerate(result.themes)}
        ideas = sorted(result.ideas, key=lambda i: order.get(i.theme, len(order))) + list(result.hidden)
        key = (tuple(i.model_dump_json() for i in ideas), tuple(themes.items()))
        if key == getattr(self, "_shown", None):
            return
        self._shown = key
        kept = self.selected_idea
        self.clear_options()
        self.add_options([Option(idea_prompt(session, i, themes), id=i.id) for i in ideas])
        ids = [i.id for i in ideas]
        if kept in ids:
            self.highlighted = ids.index(kept)
        elif ids:
            self.highlighted = 0

    @property
    def selected_idea(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None
