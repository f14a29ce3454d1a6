"""Every key, on one screen."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Running the agenda", [
        ("o / c", "open / close the current exercise (phones follow at once)"),
        ("n or → / b or ←", "next / back: closes this exercise and opens the other"),
        ("r", "reveal results on phones (again: hide them)"),
        ("t / +", "start or pause the timer / add one minute"),
        ("v", "show or hide your notes"),
        ("p", "presentation mode for a projected terminal: no notes, no names, no key bar, no toasts"),
        ("l", "lobby: QR code, join URL and who is connected"),
        ("w", "people: move someone to another side, remove or restore them (x), lock the room (k)"),
    ]),
    ("Ideas (in a brainstorm)", [
        ("↑ / ↓", "pick an idea on the board (hidden ones stay listed, dimmed)"),
        ("h", "hide the idea picked, or show it again"),
        ("e", "edit the idea picked (its text filled in)"),
        ("m", "merge the idea picked into another, chosen from a list"),
        ("g", "give the idea picked a theme (the last one is offered again)"),
        ("a", "add an idea someone said aloud"),
    ]),
    ("Joint initiatives", [
        ("i", "open the initiatives editor (draft from the top items, agree, park)"),
    ]),
    ("Decisions, actions and risks", [
        ("d", "open them: record a decision (d), an action (a) or a risk (r), settle a contested "
              "who-leads row (s), name the CIO, CMO and sponsor (n), edit (e), strike out or restore (x)"),
    ]),
    ("Anywhere", [
        ("x", "export the joint agenda"),
        ("ctrl+p", "command palette: every action by name"),
        ("f1 / ?", "this help"),
        ("ctrl+q", "quit; everything is already saved — `workshop resume` brings it back"),
    ]),
]


class HelpScreen(ModalScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for title, keys in KEYS:
            table.add_row(f"[bold underline]{title}[/]", "")
            for key, what in keys:
                table.add_row(key, what)
            table.add_row("", "")
        with VerticalScroll(id="help"):
            yield Static(table)
