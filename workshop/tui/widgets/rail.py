"""The agenda rail: every step with its state, planned and actual minutes, and
whether the workshop runs over or under plan so far."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Session

TITLE_WIDTH = 24
MARKS = {"pending": ("·", "dim"), "open": ("▶", "bold green"), "closed": ("✓", "green")}


def minutes_used(state, now: float) -> float:
    running = now - state.open_since if state.open_since is not None else 0.0
    return (state.active_seconds + running) / 60


def rail_text(session: Session, now: float) -> Text:
    text = Text()
    drift = 0.0
    started = False
    for index, cfg in enumerate(session.template.exercises):
        state = session.exercises[cfg.id]
        mark, style = MARKS[state.status]
        current = index == session.current
        line = Text(f"{mark} {index + 1:>2} ", style=style)
        title = cfg.title if len(cfg.title) <= TITLE_WIDTH else cfg.title[: TITLE_WIDTH - 1] + "…"
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
        text.append(f"So far: {verdict}", style="bold red" if drift >= 5 else "bold")
    else:
        text.append(f"Planned: {session.template.minutes} min", style="dim")
    return text


class AgendaRail(Static):
    """Updated by the run screen (attributes down)."""

    def show(self, session: Session, now: float) -> None:
        self.update(rail_text(session, now))
