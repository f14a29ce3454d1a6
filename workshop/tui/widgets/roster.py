"""Who is in the room, grouped by side, with each phone's connection state."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Session
from ..results import side_style


def roster_text(session: Session, connected: dict[str, int], *, names: bool = True) -> Text:
    people = session.active_participants()
    online = sum(1 for p in people if connected.get(p.id))
    text = Text(f"{len(people)} joined · {online} connected", style="bold")
    text.append("  · room locked\n\n" if session.locked else "\n\n", style="yellow")
    for side in session.template.sides:
        members = [p for p in people if p.side == side.id]
        text.append(f"{side.label} ({len(members)})\n", style=side_style(session, side.id))
        for person in members:
            here = bool(connected.get(person.id))
            text.append("  ● " if here else "  ○ ", style="green" if here else "dim")
            label = person.name if names and person.name else f"participant {person.id[1:]}"
            text.append(label + ("" if here else "  (away)"), style="" if here else "dim")
            text.append("\n")
        text.append("\n")
    return text


class Roster(Static):
    def show(self, session: Session, connected: dict[str, int], names: bool = True) -> None:
        self.update(roster_text(session, connected, names=names))
