"""Helpers to run a real room on 127.0.0.1 (port 0) with a real session on disk,
and to talk to it as a phone would. Shared by the server and browser tests."""

from __future__ import annotations

import itertools
import json
from contextlib import asynccontextmanager

from websockets.asyncio.client import connect

from workshop import protocol, sessions
from workshop.room import Room

_ids = itertools.count(1)


def new_id(prefix: str = "cmd") -> str:
    return f"{prefix}-{next(_ids):06d}"


@asynccontextmanager
async def running_room(tmp_path, template: str = "cio-cmo-alignment", min_answers: int | None = None, **room_kwargs):
    """A fresh session in tmp_path served by a Room on 127.0.0.1, stopped after.
    `min_answers=1` for tests of a kind's figures with one or two phones (privacy's
    small-group rule would withhold them)."""
    workshop = sessions.create("Test offsite", template, organisation="Acme", sessions_dir=tmp_path, min_answers=min_answers)
    # The browser tests open the page as http://workshop.test:<port> (see test_phone_browser):
    # one of this room's own names, as a laptop's .local name would be.
    room_kwargs.setdefault("hostnames", ("workshop.test",))
    room = Room(workshop, host="127.0.0.1", port=0, **room_kwargs)
    await room.start()
    try:
        yield room
    finally:
        await room.stop()
        workshop.close()


class PhoneClient:
    """A scripted phone: a websocket client that speaks the protocol."""

    def __init__(self, room: Room):
        self.room = room
        self.ws = None
        self.token: str | None = None
        self.me: dict | None = None
        self.view: dict | None = None
        self.mine: dict | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.room.port}/ws?room={self.room.workshop.session.room_code}"

    async def connect(self, token: str | None = None, **kwargs):
        self.ws = await connect(self.url, compression=None, **kwargs)
        await self.send({"type": "hello", "v": 1, "room": self.room.workshop.session.room_code, "token": token or self.token, "seq": 0})
        return await self.recv()

    async def send(self, payload) -> None:
        await self.ws.send(payload if isinstance(payload, str) else json.dumps(payload))

    async def recv(self, timeout: float = 5.0) -> dict:
        """The next frame that is not a view (views are remembered as they pass)."""
        import asyncio

        while True:
            frame = _checked(await asyncio.wait_for(self.ws.recv(), timeout))
            if frame["type"] == "view":
                self.view = frame["room"]
                self.mine = frame.get("mine", self.mine)
                continue
            if frame["type"] == "welcome":
                self.token, self.me = frame["token"], frame["me"]
            if frame["type"] == "ack":
                self.mine = frame["mine"]
            return frame

    async def join(self, name: str = "", side: str = "it") -> dict:
        await self.send({"type": "join", "id": new_id("join"), "name": name, "side": side})
        return await self.recv()

    async def act(self, command: dict, cmd_id: str | None = None) -> dict:
        await self.send({"type": "act", "id": cmd_id or new_id(), "command": command})
        return await self.recv()

    async def wait_view(self, predicate, timeout: float = 5.0) -> dict:
        """Read frames until a view satisfies `predicate(view)`."""
        import asyncio

        async def until():
            while self.view is None or not predicate(self.view):
                frame = _checked(await self.ws.recv())
                if frame["type"] == "view":
                    self.view = frame["room"]
                    self.mine = frame.get("mine", self.mine)
            return self.view

        return await asyncio.wait_for(until(), timeout)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _checked(text: str) -> dict:
    """A frame from the room, which must be one of the protocol's outbound models."""
    protocol.OUTBOUND.validate_json(text)
    return json.loads(text)


async def until(predicate, timeout: float = 5.0, what: str = "the server's state did not change in time") -> None:
    """Wait for `predicate()` to hold (the server's state is saved before the ack)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, what
        await asyncio.sleep(0.02)
