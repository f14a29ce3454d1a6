"""The facilitator's app: a router between screens that owns the session, the room
and (in the demo) the simulated phones, all on Textual's asyncio loop.

`build_app` is the single factory used by the CLI and by the tests, so what the
tests drive is what a facilitator runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel

from ..engine import Refused
from ..room import Room, RoomError
from ..sessions import Workshop
from ..store import StoreError
from .commands import WorkshopCommands
from .facade import Facilitator

NOT_SAVED_EVERY = 15.0
"""Seconds between two alerts that phones' inputs are not being saved."""


@dataclass(frozen=True)
class RoomOptions:
    host: str = "0.0.0.0"
    """Which interfaces the room listens on: all of them, so phones can reach it."""
    port: int = 8765
    """The first port to try; the next free one is taken when it is busy."""
    public_url: str | None = None
    """What the QR code points at, when the laptop's own address is not reachable."""


@dataclass(frozen=True)
class DemoOptions:
    participants: int = 12
    """How many simulated phones join."""
    pace: float = 1.0
    """Multiplies their think times; 0 makes them act at once (tests)."""
    seed: int = 7


class WorkshopApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "Common Ground"
    SUB_TITLE = "CIO–CMO alignment"
    COMMANDS = App.COMMANDS | {WorkshopCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help", show=False),
    ]
    # Every screen gets one class per axis for its terminal's size (app.tcss):
    # 80×24 is `-narrow -short`, 120×40 `-medium -tall`, 200×60 `-wide -tall`.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-medium"), (170, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (32, "-tall")]

    def __init__(
        self,
        *,
        workshop: Workshop | None = None,
        sessions_dir: Path | None = None,
        room: RoomOptions = RoomOptions(),
        demo: DemoOptions | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        self.workshop = workshop
        self.sessions_dir = sessions_dir
        self.room_options = room
        self.demo = demo
        self.clock = clock
        self.room: Room | None = None
        self.facilitator = Facilitator(self)
        """What the screens use of the workshop (see facade.py)."""
        self.phones: list = []
        self._stop_phones = asyncio.Event()
        self._not_saved_at = -NOT_SAVED_EVERY
        self.closing_note = ""
        """What the facilitator should read once the app has gone (said by the CLI)."""

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None, markup: bool = False
    ) -> None:
        """Every note is plain text: they quote names, ideas, file paths and reasons,
        any of which may hold `[brackets]` that Rich would read as markup (screens
        pass markup=True by default; it is ignored here on purpose)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    async def on_mount(self) -> None:
        if self.workshop is not None:
            await self.enter(self.workshop)
        else:
            from .screens.home import HomeScreen

            await self.push_screen(HomeScreen())

    async def enter(self, workshop: Workshop) -> None:
        """Serve a session to the room and show it: the lobby first while nobody has
        joined and nothing has started, otherwise straight to the run screen."""
        from .screens.lobby import LobbyScreen
        from .screens.run import RunScreen

        self.workshop = workshop
        self.sub_title = workshop.session.title
        options = self.room_options
        self.room = Room(workshop, host=options.host, port=options.port, public_url=options.public_url)
        try:
            await self.room.start()
        except RoomError as err:
            self.notify(str(err), severity="error", timeout=30)
            self.room = None
            return
        self.room.on_not_saved = self._phones_not_saved
        self.room.on_trouble = self._room_trouble
        for warning in workshop.warnings:
            self.notify(warning, severity="warning", timeout=30)
        if self.room.notice:
            self.notify(self.room.notice, severity="warning", timeout=20)
        if self.demo is not None:
            await self._start_phones()
        await self.push_screen(RunScreen())
        untouched = all(s.status == "pending" for s in workshop.session.exercises.values())
        if untouched:
            await self.push_screen(LobbyScreen())

    def open_session(self, workshop: Workshop) -> None:
        """Leave the home screen for a session. Runs as the app's worker: a worker of
        the home screen would be cancelled as the screen goes."""

        async def switch() -> None:
            from .screens.home import HomeScreen

            if isinstance(self.screen, HomeScreen):
                self.pop_screen()
            await self.enter(workshop)

        self.run_worker(switch(), exclusive=True, group="open-session")

    async def _start_phones(self) -> None:
        from ..demo import run_phones

        session = self.workshop.session
        url = f"ws://127.0.0.1:{self.room.port}/ws?room={session.room_code}"
        self.room.simulated = self._is_demo_phone  # no warning that they share one address
        self.phones = await run_phones(
            url, session.room_code, self.demo.participants, seed=self.demo.seed, pace=self.demo.pace, stop=self._stop_phones
        )

    def _is_demo_phone(self, remote: tuple[str, int]) -> bool:
        """Whether the room's connection from `remote` is one of the simulated phones:
        a real phone coming from this laptop too (say through a tunnel) is not."""
        return any(p.ws is not None and tuple(p.ws.local_address[:2]) == tuple(remote) for p in self.phones)

    def _phones_not_saved(self, err: Exception) -> None:
        """Phones' inputs are failing to save: say so, at most every NOT_SAVED_EVERY seconds."""
        now = time.monotonic()
        if now - self._not_saved_at < NOT_SAVED_EVERY:
            return
        self._not_saved_at = now
        self.notify(f"Phones' input not saved (they were told to try again): {err}", severity="error", timeout=30)

    def _room_trouble(self, sentence: str) -> None:
        """Something on the network presses on the room (too many silent connections,
        the file limit near, room codes guessed); the room says so at most every 15 s
        per kind of trouble."""
        self.notify(sentence, severity="warning", timeout=20, markup=False)

    async def facilitate(self, command) -> bool:
        """Send a facilitator command; a refusal is shown as a notification."""
        if self.room is None:
            return False
        try:
            outcome = await self.room.facilitate(command)
        except StoreError as err:
            self.notify(f"Not saved: {err}", severity="error", timeout=30)
            return False
        if isinstance(outcome, Refused):
            self.notify(outcome.reason, severity="warning")
            return False
        self.room.broadcast_soon()
        return True

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        await self.shutdown()
        self.exit()

    async def shutdown(self) -> None:
        """Stop the phones, the room and the store; safe to call twice."""
        self._stop_phones.set()
        for phone in self.phones:
            if phone.task is not None:
                phone.task.cancel()
        if self.phones:
            await asyncio.gather(*(p.task for p in self.phones if p.task), return_exceptions=True)
        self.phones = []
        if self.room is not None:
            await self.room.stop()
            self.room = None
        workshop, self.workshop = self.workshop, None
        if workshop is not None:
            problem = workshop.close()
            if problem:
                self.closing_note = problem

    async def on_unmount(self) -> None:
        await self.shutdown()


def build_app(**kwargs) -> WorkshopApp:
    """The app as the CLI runs it; tests pass a fixed clock, URL and port."""
    return WorkshopApp(**kwargs)
