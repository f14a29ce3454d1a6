"""The agenda rail: every step with its state, planned and actual minutes, the
breaks between them, and whether the workshop runs over or under plan so far —
against the buffer the template holds back for overruns."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Session

TITLE_WIDTH = 24
MARKS = {"pending": ("·", "dim"), "open": ("▶", "bold green"), "closed": ("✓", "green")}


def minutes_used(state, now: float) -> float:
    running = now - state.open_since if state.open_since is not None else 0.0
    return (state.active_seconds + running) / 60


def rail_text(session: Session, now: float, width: int = TITLE_WIDTH + 12) -> Text:
    """The rail for `width` columns: titles cut to fit on one line each."""
    title_width = max(8, width - 12)
    text = Text()
    drift = 0.0
    started = False
    template = session.template
    for index, cfg in enumerate(template.exercises):
        for pause in template.breaks_before(cfg.id):
            text.append(f"     {pause.title} {pause.minutes}m\n", style="dim italic")
        state = session.exercises[cfg.id]
        mark, style = MARKS[state.status]
        current = index == session.current
        line = Text(f"{mark} {index + 1:>2} ", style=style)
        title = cfg.title if len(cfg.title) <= title_width else cfg.title[: title_width - 1] + "…"
        line.append(title, style="bold reverse" if current else ("dim" if state.status == "closed" else ""))
        used = minutes_used(state, now)
        if state.status != "pending":
            started = True
            # A closed step counts its whole difference; an open one only once it overruns.
            drift += used - cfg.minutes if state.status == "closed" else max(0.0, used - cfg.minutes)
            line.append(f" {used:.0f}/{cfg.minutes}m", style="red" if used > cfg.minutes + 0.5 else "dim")
        else:
            line.append(f" {cfg.minutes}m", style="dim")
        text.append_text(line)
        text.append("\n")
    text.append("\n")
    if started:
        verdict = "on plan" if abs(drift) < 1 else f"{abs(drift):.0f} min {'over' if drift > 0 else 'under'} plan"
        over = drift >= max(5.0, template.buffer)
        text.append(f"So far: {verdict}", style="bold red" if over else "bold")
        if template.buffer:
            left = template.buffer - max(0.0, drift)
            text.append(f"\nBuffer: {max(0.0, left):.0f} of {template.buffer} min left", style="red" if left <= 0 else "dim")
    else:
        text.append(f"Planned: {template.planned} min", style="dim")
        if template.buffer:
            text.append(f"\nincl. {template.buffer} min buffer", style="dim")
    return text


class AgendaRail(Static):
    """Updated by the run screen (attributes down)."""

    def show(self, session: Session, now: float) -> None:
        self.update(rail_text(session, now, self.content_size.width or TITLE_WIDTH + 12))
