"""What the facilitator's screens may see of the workshop and do to it, typed.

Screens talk to a `Facilitator` (through `WorkshopScreen.facilitator`) rather than
reaching through `self.app.<anything>`: the open session, its engine and room, the
clock, the facilitator's commands, and a subscription to the session's changes —
called once the events of each change are saved, so a screen redraws when something
happened instead of polling. The app owns the workshop and the room; this is only
their face for the screens.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Engine
    from ..events import Event
    from ..model import Session
    from ..room import Room
    from ..sessions import Workshop
    from .app import WorkshopApp


class NoSession(RuntimeError):
    """A screen asked for the session before one was open."""


class Facilitator:
    """The app's open workshop, as the screens may use it."""

    def __init__(self, app: WorkshopApp):
        self._app = app

    @property
    def is_open(self) -> bool:
        """A session is open (screens drawn on the home screen have none)."""
        return self._app.workshop is not None

    @property
    def workshop(self) -> Workshop:
        if self._app.workshop is None:
            raise NoSession("no session is open")
        return self._app.workshop

    @property
    def session(self) -> Session:
        return self.workshop.session

    @property
    def engine(self) -> Engine:
        return self.workshop.engine

    @property
    def room(self) -> Room | None:
        """The room phones join; None until it started (or when it could not)."""
        return self._app.room

    @property
    def connected(self) -> dict[str, int]:
        """Participant id → open connections (empty without a room)."""
        return self._app.room.connected if self._app.room is not None else {}

    @property
    def sessions_dir(self) -> Path | None:
        return self._app.sessions_dir

    def now(self) -> float:
        return self._app.clock()

    async def act(self, command: Any) -> bool:
        """Send a facilitator command; False (and a note to the facilitator) when it
        was refused or not saved."""
        return await self._app.facilitate(command)

    def open_session(self, workshop: Workshop) -> None:
        self._app.open_session(workshop)

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        """Call `changed()` after every saved change to the session (and after the
        session went back to what was saved, following a failed write). Returns the
        function that stops it; call that when the screen goes."""
        workshop = self.workshop

        def listener(events: tuple[Event, ...]) -> None:
            changed()

        workshop.listeners.append(listener)
        workshop.resync_listeners.append(changed)

        def stop() -> None:
            if listener in workshop.listeners:
                workshop.listeners.remove(listener)
            if changed in workshop.resync_listeners:
                workshop.resync_listeners.remove(changed)

        return stop


class WorkshopScreen(Screen[Any]):
    """A screen of the facilitator's app: `facilitator` is its typed way in.

    A screen that shows the session calls `follow_session()` when it mounts: from then
    on `session_changes` counts the saved changes, and its redraw compares that count
    (at most a few times a second) instead of reading the session to see whether
    anything moved. It stops following when it goes."""

    session_changes = 0
    _unfollow: Callable[[], None] | None = None

    @property
    def facilitator(self) -> Facilitator:
        return cast("WorkshopApp", self.app).facilitator

    def follow_session(self) -> None:
        if self._unfollow is None and self.facilitator.is_open:
            self._unfollow = self.facilitator.watch(self._session_changed)

    def _session_changed(self) -> None:
        self.session_changes += 1

    def on_unmount(self) -> None:
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None
