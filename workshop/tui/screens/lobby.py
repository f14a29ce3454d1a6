"""The lobby: a big QR code, the join URL and room code in plain text, and the
roster filling up by side as phones join. While it shows, so does the projector
page (`workshop/screen.py`), whose own link `p` shows here."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Header, Static

from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar
from ..widgets.qr import QRCode, fit_scale
from ..widgets.roster import Roster


class LobbyScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,s", "start", "Start the agenda"),
        Binding("escape", "start", "Back to the agenda", show=False),
        Binding("f", "fullscreen", "Full-screen QR"),
        Binding("p", "projector", "Projector link"),
        Binding("w", "people", "People: move, remove, lock"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, *, names: bool = True):
        super().__init__()
        self.names = names
        """False in presentation mode: the roster says "participant 3", never a name."""

    def compose(self) -> ComposeResult:
        room = self.facilitator.room
        yield Header()
        with Horizontal(id="lobby"):
            with Vertical(id="join"):
                yield QRCode(room.join_url, id="qr")
                yield Static(id="join-text")
            with VerticalScroll(id="roster-box"):
                yield Roster(id="roster")
        yield KeyBar()

    def on_mount(self) -> None:
        session = self.facilitator.workshop.session
        text = Text("Scan to join, or open\n", style="dim")
        text.append(self.facilitator.room.join_url, style="bold")
        text.append("\nRoom code  ", style="dim")
        text.append(session.room_code, style="bold reverse")
        text.append("\nSame Wi-Fi as this laptop. No app, no account.", style="dim")
        self.query_one("#join-text", Static).update(text)
        self._drawn = None
        self.facilitator.room.screens.lobby = True
        self.follow_session()
        self.set_interval(0.25, self.refresh_roster)
        self.refresh_roster()

    def on_unmount(self) -> None:
        if self.facilitator.room is not None:
            self.facilitator.room.screens.lobby = False

    def refresh_roster(self) -> None:
        if not self.facilitator.is_open or self.facilitator.room is None:
            return
        key = (self.session_changes, tuple(sorted(self.facilitator.connected.items())))
        if key != self._drawn:
            self._drawn = key
            self.query_one(Roster).show(self.facilitator.workshop.session, self.facilitator.room.connected, names=self.names)

    def action_start(self) -> None:
        self.app.pop_screen()

    def action_people(self) -> None:
        from .people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def action_fullscreen(self) -> None:
        self.app.push_screen(FullQR(self.facilitator.room.join_url))

    def action_projector(self) -> None:
        """The projector page's link, with its key: for the laptop's browser on the
        big screen (or a QR for the device that drives it) — not for the room."""
        self.app.push_screen(FullQR(
            self.facilitator.room.screens.url(),
            "Projector page: open it in a browser on the big screen (F11 for full screen). "
            "Its link holds a key of its own: keep it off the projected screen.",
        ))


class FullQR(ModalScreen):
    """The code alone, as large as the terminal allows, for a projector."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f,p,enter", "dismiss", "Close")]

    def __init__(self, url: str, caption: str = ""):
        super().__init__()
        self.url = url
        self.caption = caption

    def compose(self) -> ComposeResult:
        with Center(id="full-qr"):
            yield QRCode(self.url)
            text = Text(self.url, style="bold")
            if self.caption:
                text.append("\n" + self.caption, style="dim")
            yield Static(text, id="full-qr-url")

    def on_resize(self, event: events.Resize) -> None:
        # The URL (and a caption) take the lines under the code.
        lines = 1 + (2 if self.caption else 0)
        self.query_one(QRCode).scale = fit_scale(self.url, event.size.width, event.size.height - lines)
