"""The room: one port that serves the phone page and the phones' websocket.

The only module that imports websockets. It runs on the same asyncio loop as the
TUI. What it guarantees:

- Only the page's own assets (held in memory) are served, plus `/door` (may this
  room code come in, and if not why) and, once published and with the room code,
  the joint agenda; everything else is 404.
- A websocket needs the room code (`/ws?room=CODE`) and, from a browser, an
  Origin that matches the Host; facilitator commands never come over the network.
- Every inbound frame is parsed by `protocol.parse`; a bad one gets an error to
  that phone only. Frames over 16 KiB close the connection with 1009.
- A phone's action is answered only after the store made it durable
  (`Workshop.handle_async`); a failed write is refused, never acknowledged.
- Views go out at most `TICK`⁻¹ times a second, whole (not deltas), to every
  joined phone; a phone whose write buffer is backed up is skipped until it
  drains — it loses nothing, since the next view is complete.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import http
import logging
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import commands as c
from . import protocol, views
from .engine import Accepted, Outcome, Refused
from .events import Event
from .model import FACILITATOR
from .network import find_lan_address
from .sessions import Workshop
from .store import StoreError

TICK = 0.1
"""Seconds between view broadcasts: at most ~10 updates a second per phone."""
SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter before another waiting one gets it."""
CHUNK = 50
"""Phones sent to between two yields to the event loop."""
PORT_TRIES = 10
BACKLOG_LIMIT = 256 * 1024
"""Bytes queued for one phone beyond which it is skipped until it catches up."""
RATE = 10.0
BURST = 30
"""Token bucket per connection: 10 frames a second sustained, bursts of 30."""
FLOOD_CLOSE = 100
"""Frames refused for speed on one connection before it is closed with 1008."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
AGENDA_PATH = "/agenda.html"
DOOR_PATH = "/door"
"""Answers whether a room code may come in, and if not why, as JSON."""
AGENDA_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
ASSET_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}
"""The phone page's files by suffix, with the type each is served as; no other file is served."""


class RoomError(Exception):
    """The room could not start; the message says why and what to do."""


@dataclass(eq=False)
class Phone:
    """One websocket connection and what we know of it (hashable by identity)."""

    ws: ServerConnection
    pid: str | None = None
    greeted: bool = False
    tokens: float = BURST
    refill_at: float = field(default_factory=time.monotonic)
    strikes: int = 0

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.refill_at) * RATE)
        self.refill_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.strikes += 1
        return False


def load_assets() -> dict[str, tuple[bytes, str]]:
    """The phone page's files, read once from package data: URL path → (body, type).

    Every file under web/, in folders too (`/kinds/scale.js`), whose suffix is in
    `ASSET_TYPES`, and `/` for index.html. A request is answered from this dict
    only, so no request path ever reaches the disk."""
    web = Path(__file__).resolve().parent / "web"
    paths = (p.relative_to(web) for p in web.rglob("*") if p.is_file())
    assets = {
        f"/{rel.as_posix()}": ((web / rel).read_bytes(), ASSET_TYPES[rel.suffix])
        for rel in sorted(paths)
        # Hidden files (an editor's, macOS's `._core.js`) are not the page's.
        if rel.suffix in ASSET_TYPES and not any(part.startswith(".") for part in rel.parts)
    }
    assets["/"] = assets["/index.html"]
    return assets


class Room:
    """Serves one session to the phones. Start with `await start()`, end with `await stop()`."""

    def __init__(
        self,
        workshop: Workshop,
        *,
        host: str = "0.0.0.0",
        port: int = 8765,
        public_url: str | None = None,
        max_connections: int = 1500,
        keepalive: float = 20.0,
    ):
        self.workshop = workshop
        self.host, self.port = host, port
        self.public_url = public_url
        self.max_connections = max_connections
        self.keepalive = keepalive
        """Seconds between pings, and to wait for the pong: a phone that stops
        reading is dropped within two to three times this (the last part is the
        wait for its closing handshake, at most 5 s)."""
        self.notice = ""
        """Something the facilitator should know about how the room started."""
        self.on_not_saved: Callable[[StoreError], None] | None = None
        """Told when a phone's input could not be saved (the phone is told too)."""
        self.phones: set[Phone] = set()
        self.connected: dict[str, int] = {}
        """participant id → open connections: the roster's connection state."""
        self._assets = load_assets()
        self._agenda_cache: tuple[int, bytes] = (-1, b"")
        self._server = None
        self._address = host
        """What phones are told to reach: the laptop's LAN address when listening on all."""
        self._ticker: asyncio.Task | None = None
        self._sent: tuple[int, int] = (0, -1)
        """(generation, seq) of the last view sent."""
        self._personal_dirty = False
        self._wake = asyncio.Event()
        workshop.listeners.append(self._on_events)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the port (or the next free one, said in `notice`) and start broadcasting."""
        kwargs = dict(
            process_request=self._process_request,
            compression=None,
            max_size=protocol.MAX_FRAME,
            max_queue=16,
            ping_interval=self.keepalive,
            ping_timeout=self.keepalive,
            close_timeout=min(5.0, self.keepalive),
            server_header=None,
        )
        tries = 1 if self.port == 0 else PORT_TRIES
        for offset in range(tries):
            try:
                self._server = await serve(self._handler, self.host, self.port + offset, **kwargs)
            except OSError as err:
                if err.errno != errno.EADDRINUSE:
                    raise RoomError(f"Cannot listen on {self.host}:{self.port + offset}: {err.strerror}.") from None
                continue
            if offset:
                self.notice = f"Port {self.port} was busy, so the room uses port {self.port + offset}."
            break
        else:
            raise RoomError(
                f"Ports {self.port}–{self.port + tries - 1} are all in use. "
                "Close the other program or pick one with --port."
            )
        self.port = self._server.sockets[0].getsockname()[1]
        self._address = self.host
        if self.host in ("0.0.0.0", ""):
            found = find_lan_address()
            self._address = found.address
            if found.problem and not self.public_url:
                self.notice = " ".join(filter(None, (self.notice, found.problem)))
        self._ticker = asyncio.create_task(self._broadcast_loop())
        # Everything alive now (modules, the session, the TUI) lives as long as the
        # room: take it out of the cyclic collector's sight, so that a full
        # collection with a thousand phones connected does not stall the loop.
        gc.freeze()
        # The journal's writer thread needs the interpreter for a moment after each
        # fsync; with the default 5 ms switch interval a busy loop makes it wait.
        sys.setswitchinterval(SWITCH_INTERVAL)

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        if self._on_events in self.workshop.listeners:
            self.workshop.listeners.remove(self._on_events)

    @property
    def join_url(self) -> str:
        """What the QR code holds: the page with the room code in it."""
        base = self.public_url or f"http://{self._address}:{self.port}"
        return f"{base.rstrip('/')}/?room={self.workshop.session.room_code}"

    # ------------------------------------------------------------ facilitator

    async def facilitate(self, command, cmd_id: str | None = None) -> Outcome:
        """A command from the laptop (never from the network); phones see the effect
        with the next broadcast."""
        return await self.workshop.handle_async(FACILITATOR, cmd_id or uuid.uuid4().hex, command)

    def _on_events(self, events: tuple[Event, ...]) -> None:
        if any(e.actor == FACILITATOR for e in events):
            self._personal_dirty = True

    # ------------------------------------------------------------ HTTP

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        code = parse_qs(parts.query).get("room", [""])[0]
        if parts.path == "/ws":
            origin = request.headers.get("Origin")
            host = request.headers.get("Host", "")
            if origin is not None and urlsplit(origin).netloc != host:
                return _response(http.HTTPStatus.FORBIDDEN, "This page is not allowed to join the room.")
            refused = self._refusal(code)
            return _response(*refused) if refused else None
        if parts.path == DOOR_PATH:
            # The page asks here when its websocket was refused, as a browser is not told
            # why. Answered 200 either way, so the phone's console stays free of errors.
            status, reason = self._refusal(code) or (http.HTTPStatus.OK, "")
            return _response(http.HTTPStatus.OK, protocol.dumps({"status": status.value, "reason": reason}), "application/json")
        if parts.path == AGENDA_PATH:
            if not self._is_room_code(code):  # it names people: only for those in the room
                return _response(http.HTTPStatus.FORBIDDEN, "Open the joint agenda from the phone page: it needs the room code.")
            return self._agenda(parse_qs(parts.query).get("download") == ["1"])
        asset = self._assets.get(parts.path)
        if asset is None:
            return _response(http.HTTPStatus.NOT_FOUND, "Not found.")
        body, kind = asset
        return _response(http.HTTPStatus.OK, body, kind)

    def _refusal(self, code: str) -> tuple[http.HTTPStatus, str] | None:
        """Why a phone with this room code cannot come in, or None if it can."""
        if not self._is_room_code(code):
            return http.HTTPStatus.FORBIDDEN, "Wrong room code. Scan the QR code on the facilitator's screen again."
        if len(self.phones) >= self.max_connections:
            return http.HTTPStatus.SERVICE_UNAVAILABLE, "The room is full. The page keeps trying; ask the facilitator."
        return None

    def _is_room_code(self, code: str) -> bool:
        # Compared as bytes: compare_digest refuses text that is not ASCII.
        return secrets.compare_digest(code.upper().encode(), self.workshop.session.room_code.encode())

    def _agenda(self, download: bool) -> Response:
        """The joint agenda as one HTML file, once the facilitator published it.
        Rendered again only when the session changed."""
        session = self.workshop.session
        if not session.published:
            return _response(http.HTTPStatus.NOT_FOUND, "The joint agenda is not published yet.")
        if self._agenda_cache[0] != session.seq:
            from .export import local_zone, to_html  # noqa: PLC0415 - only needed at the end of a workshop

            html = to_html(self.workshop.engine, tz=local_zone(session))  # dated as the exported file is
            self._agenda_cache = (session.seq, html.encode())
        response = _response(http.HTTPStatus.OK, self._agenda_cache[1], "text/html; charset=utf-8")
        # The document carries its own inline CSS and SVG, and nothing else.
        response.headers["Content-Security-Policy"] = AGENDA_CSP
        if download:
            response.headers["Content-Disposition"] = f'attachment; filename="{session.id}-joint-agenda.html"'
        return response

    # ------------------------------------------------------------ websocket

    async def _handler(self, ws: ServerConnection) -> None:
        phone = Phone(ws)
        self.phones.add(phone)
        try:
            async for frame in ws:
                if not phone.allow():
                    if phone.strikes >= FLOOD_CLOSE:
                        await ws.close(1008, "too many messages")
                        return
                    reason = "Too many messages at once. Wait a moment and try again."
                    await self._error(phone, "too_fast", reason, protocol.peek_id(frame))
                    continue
                try:
                    message = protocol.parse(frame)
                except protocol.BadMessage as bad:
                    await self._error(phone, bad.code, bad.reason, bad.msg_id)
                    continue
                await self._dispatch(phone, message)
        except ConnectionClosed:
            pass
        finally:
            self.phones.discard(phone)
            self._disconnected(phone)

    async def _dispatch(self, phone: Phone, message) -> None:
        session = self.workshop.session
        match message:
            case protocol.Ping():
                await phone.ws.send(protocol.PONG)
            case protocol.Hello():
                if not self._is_room_code(message.room):
                    await phone.ws.close(1008, "wrong room code")
                    return
                phone.greeted = True
                pid = next((p.id for p in session.participants.values() if message.token and p.token == message.token), None)
                if pid is None or session.participants[pid].left:
                    reason = "This phone is not in this session any more. Join again." if message.token else None
                    await self._send(phone, protocol.NeedJoin(room=views.header(session), reason=reason))
                    return
                self._identify(phone, pid)
                await self._welcome(phone, session.participants[pid].token)
            case _ if not phone.greeted:
                await self._error(phone, "hello_first", "Say hello first: reload the page.")
            case protocol.JoinMsg():
                await self._join(phone, message)
            case protocol.Act():
                if phone.pid is None:
                    await self._error(phone, "not_joined", "Join the room first.", message.id)
                    return
                outcome = await self._handle(phone.pid, message.id, message.command)
                if isinstance(outcome, Accepted):
                    mine = views.mine_view(self.workshop.session, phone.pid)
                    await self._send(phone, protocol.Ack(id=message.id, seq=self.workshop.session.seq, mine=mine))
                else:
                    await self._refused(phone, message.id, outcome)

    async def _join(self, phone: Phone, message: protocol.JoinMsg) -> None:
        """A new participant, or — for a join sent again, say after the laptop
        restarted before its welcome went out — the one that join already made."""
        actor = f"join:{message.id}"
        command = c.Join(name=message.name, side=message.side, token=secrets.token_urlsafe(18))
        outcome = await self._handle(actor, message.id, command)
        if isinstance(outcome, Refused):
            await self._refused(phone, message.id, outcome)
            return
        participant = next((p for p in self.workshop.session.participants.values() if p.joined_by == actor), None)
        if participant is None:  # joined by this id, then joined again by another
            reason = "This join was already used. Reload the page and join again."
            await self._refused(phone, message.id, Refused("join_used", reason))
            return
        self._identify(phone, participant.id)
        await self._welcome(phone, participant.token, message.id)

    async def _handle(self, actor: str, cmd_id: str, command) -> Outcome:
        try:
            return await self.workshop.handle_async(actor, cmd_id, command)
        except StoreError as err:
            if self.on_not_saved is not None:
                self.on_not_saved(err)
            return Refused("not_saved", "The laptop could not save that, so it was not counted. Try again in a moment.")

    async def _welcome(self, phone: Phone, token: str, cmd_id: str | None = None) -> None:
        session = self.workshop.session
        await self._send(phone, protocol.Welcome(token=token, me=views.me(session, phone.pid), room=views.header(session), id=cmd_id))
        await phone.ws.send(self._view_frame(protocol.dumps(views.room_view(self.workshop.engine, time.time())), phone.pid))

    def _identify(self, phone: Phone, pid: str) -> None:
        if phone.pid is not None:
            self._disconnected(phone)
        phone.pid = pid
        self.connected[pid] = self.connected.get(pid, 0) + 1

    def _disconnected(self, phone: Phone) -> None:
        if phone.pid is not None and self.connected.get(phone.pid):
            self.connected[phone.pid] -= 1
            if not self.connected[phone.pid]:
                del self.connected[phone.pid]

    async def _send(self, phone: Phone, message: protocol.Out) -> None:
        try:
            await phone.ws.send(message.text())
        except ConnectionClosed:
            pass

    async def _error(self, phone: Phone, code: str, reason: str, msg_id: str | None = None) -> None:
        await self._send(phone, protocol.ErrorMsg(code=code, reason=reason, id=msg_id))

    async def _refused(self, phone: Phone, msg_id: str, outcome: Refused) -> None:
        await self._send(phone, protocol.RefusedMsg(id=msg_id, code=outcome.code, reason=outcome.reason))

    # ------------------------------------------------------------ broadcast

    def _view_frame(self, room_json: str, pid: str | None) -> str:
        session = self.workshop.session
        return protocol.view_text(session.seq, room_json, protocol.dumps(views.mine_view(session, pid)) if pid else None)

    async def _broadcast_loop(self) -> None:
        loop = asyncio.get_running_loop()
        sent_at = -TICK
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), TICK)
            except asyncio.TimeoutError:
                pass
            # Woken early (broadcast_soon) or not, views stay at most TICK⁻¹ a second.
            await asyncio.sleep(max(0.0, sent_at + TICK - loop.time()))
            self._wake.clear()
            sent_at = loop.time()
            try:
                await self.broadcast()
            except Exception:  # noqa: BLE001 - one bad tick must not stop the room
                logging.getLogger(__name__).exception("broadcast failed")

    def broadcast_soon(self) -> None:
        """Send the view now rather than at the next tick (after a facilitator action),
        or as soon as the last one is a tick old."""
        self._wake.set()

    async def broadcast(self) -> None:
        """Send the current view to every joined phone if anything changed.

        Sent `CHUNK` phones at a time, yielding to the loop in between, so that with
        a thousand phones acknowledgements are not held up behind one long pass."""
        sent, self._sent = self._sent, (self.workshop.generation, self.workshop.session.seq)
        if sent == self._sent:
            return
        room_json = protocol.dumps(views.room_view(self.workshop.engine, time.time()))
        ready = [p for p in self.phones if p.pid is not None and _writable(p.ws)]
        # After a failed write the session went back to what was saved: what each
        # phone did may have changed too.
        personal = self._personal_dirty or sent[0] != self._sent[0]
        self._personal_dirty = False
        shared = self._view_frame(room_json, None).encode()
        for start in range(0, len(ready), CHUNK):
            chunk = ready[start : start + CHUNK]
            if personal:
                for phone in chunk:
                    broadcast([phone.ws], self._view_frame(room_json, phone.pid))
            else:
                broadcast([p.ws for p in chunk], shared, text=True)
            await asyncio.sleep(0)


def _writable(ws: ServerConnection) -> bool:
    transport = ws.transport
    return transport is not None and transport.get_write_buffer_size() < BACKLOG_LIMIT


def _response(status: http.HTTPStatus, body: str | bytes, kind: str = "text/plain; charset=utf-8") -> Response:
    headers = Headers(SECURITY_HEADERS)
    headers["Content-Type"] = kind
    data = body.encode() if isinstance(body, str) else body
    headers["Content-Length"] = str(len(data))
    headers["Connection"] = "close"
    return Response(status.value, status.phrase, headers, data)
