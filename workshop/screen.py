"""The projector: a read-only page for the big screen, served by the room.

It is opened as `/screen?key=KEY` — the session's own screen key
(`Workshop.screen_key`), never the room code that every phone knows — and follows
the facilitator over its own websocket, `/ws?screen=KEY`: the lobby (big QR code,
room code, who has joined by side) while the facilitator shows the lobby and
before the first exercise opens; then the current exercise, its countdown and how
many took part; its results once they are revealed, drawn by the same kind modules
as on the phones but from the projector's redaction (`views.screen_view`: no names
at all, nothing a privacy rule withholds); the wall of ideas; the initiatives as
they are agreed. Never the facilitator's notes. Nothing it sends is ever acted on
but a ping.

`room.py` answers the requests and hands the projector's sockets here.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed

from . import protocol, views
from .qr import qr_rows

if TYPE_CHECKING:
    from .room import Room

SCREEN_PATH = "/screen"
WRONG_KEY = "This page is for the facilitator's projector. Open its link from the lobby on the laptop (press l, then p)."


class Screens:
    """The projector pages open on one room, and what they were last sent."""

    def __init__(self, room: Room):
        self.room = room
        self.sockets: set[ServerConnection] = set()
        self._lobby = False
        self._sent: tuple[int, int, bool, str] | None = None
        self._qr: tuple[str, list[str]] = ("", [])

    @property
    def key(self) -> str:
        return self.room.workshop.screen_key

    def url(self) -> str:
        """The projector page's address: the join URL's host, with the screen key."""
        base = self.room.join_url.split("/?", 1)[0]
        return f"{base}{SCREEN_PATH}?key={self.key}"

    def allows(self, key: str) -> bool:
        return bool(key) and secrets.compare_digest(key.encode(), self.key.encode())

    @property
    def lobby(self) -> bool:
        return self._lobby

    @lobby.setter
    def lobby(self, showing: bool) -> None:
        """The facilitator's screen shows the lobby (set by the TUI): so does the projector."""
        if showing != self._lobby:
            self._lobby = showing
            self.room.broadcast_soon()

    def frame(self) -> str:
        url = self.room.join_url
        if self._qr[0] != url:
            self._qr = (url, qr_rows(url))
        view = views.screen_view(self.room.workshop.engine, time.time(), lobby=self._lobby, join_url=url, qr=self._qr[1])
        return protocol.dumps({"type": "screen", "room": view})

    async def serve(self, ws: ServerConnection) -> None:
        """One projector page: sent the screen now and whenever it changes; what it
        sends is answered only if it is a ping."""
        self.sockets.add(ws)
        try:
            await ws.send(self.frame())
            async for frame in ws:
                try:
                    message = protocol.parse(frame)
                except protocol.BadMessage:
                    continue
                if isinstance(message, protocol.Ping):
                    await ws.send(protocol.PONG)
        except ConnectionClosed:
            pass
        finally:
            self.sockets.discard(ws)

    def broadcast(self) -> None:
        """Send the screen to every projector page if anything it shows changed."""
        if not self.sockets:
            return
        now = (self.room.workshop.generation, self.room.workshop.session.seq, self._lobby, self.room.join_url)
        if now == self._sent:
            return
        self._sent = now
        broadcast(list(self.sockets), self.frame())
