"""The people in the room, for the facilitator to put right: move someone to the side
they belong to, take a fake or duplicate participant off the roster (their inputs then
count nowhere; undoable), and lock the room to newcomers.

Every change is a facilitator command, journaled like any input; the table is drawn
from the session each time it changes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from ... import commands as c
from ..facade import WorkshopScreen
from ..results import side_style
from ..widgets.keybar import KeyBar


class PeopleScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x,delete", "remove", "Remove / restore"),
        Binding("s", "move", "Move to next side"),
        Binding("k", "lock", "Lock / unlock room"),
        Binding("escape,q", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="people-head")
        yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Removed people's inputs count in no result and no export; restore them with x. "
            "A move keeps what someone answered before on the side they answered it under.",
            id="people-help",
            markup=False,
        )
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        table.add_columns("Name", "Side", "Phone", "Answered", "On the roster")
        self._drawn: tuple | None = None
        self.follow_session()
        self.set_interval(0.25, self.refresh_people)
        self.refresh_people()
        table.focus()

    def refresh_people(self) -> None:
        workshop, room = self.facilitator.workshop, self.facilitator.room
        if workshop is None:
            return
        connected = room.connected if room is not None else {}
        key = (self.session_changes, tuple(sorted(connected.items())))
        if key == self._drawn:
            return
        self._drawn = key
        session = workshop.session
        people = list(session.participants.values())
        present = [p for p in people if not p.removed and not p.left]
        head = Text(f"{len(present)} in the room", style="bold")
        head.append(" · room locked: no newcomers" if session.locked else " · room open to newcomers", style="yellow" if session.locked else "dim")
        self.query_one("#people-head", Static).update(head)
        table = self.query_one("#people", DataTable)
        row = table.cursor_row
        table.clear()
        for p in people:
            state = "removed" if p.removed else ("left" if p.left else "yes")
            phone = "connected" if connected.get(p.id) else "away"
            cells = (
                Text(p.name or f"participant {p.id[1:]}", style="dim strike" if p.removed else ""),
                Text(session.side_label(p.side), style=side_style(session, p.side)),
                Text(phone, style="green" if phone == "connected" else "dim"),
                Text("yes" if p.answered else "not yet"),
                Text(state, style="red" if p.removed else ""),
            )
            table.add_row(*cells, key=p.id)
        if people:
            table.move_cursor(row=min(row, len(people) - 1))

    def _selected(self):
        table = self.query_one("#people", DataTable)
        if not table.row_count:
            self.notify("Nobody has joined yet.", severity="warning")
            return None
        pid = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.facilitator.workshop.session.participants[pid]

    async def action_remove(self) -> None:
        person = self._selected()
        if person is None:
            return
        name, removing = person.name or f"participant {person.id[1:]}", not person.removed
        if await self.facilitator.act(c.RemoveParticipant(participant=person.id, removed=removing)):
            self.notify(f"{name} is off the roster: their inputs no longer count." if removing else f"{name} is back on the roster.")
        self.refresh_people()

    async def action_move(self) -> None:
        person = self._selected()
        if person is None:
            return
        sides = [s.id for s in self.facilitator.workshop.session.template.sides]
        target = sides[(sides.index(person.side) + 1) % len(sides)] if person.side in sides else sides[0]
        if await self.facilitator.act(c.MoveParticipant(participant=person.id, side=target)):
            session = self.facilitator.workshop.session
            self.notify(f"{person.name or 'participant ' + person.id[1:]} is now on {session.side_label(target)}.")
        self.refresh_people()

    async def action_lock(self) -> None:
        locked = not self.facilitator.workshop.session.locked
        if await self.facilitator.act(c.LockRoom(locked=locked)):
            self.notify("Room locked: phones already in can come back, nobody new can join." if locked else "Room open to newcomers again.")
        self.refresh_people()
