"""The room: one port that serves the phone page and the phones' websocket.

The only module that imports websockets. It runs on the same asyncio loop as the
TUI. What it guarantees:

- HTTP is GET and HEAD only, one request per connection, always answered, then
  closed: another method gets 405 with `Allow`; HEAD gets the headers without
  the body; a request with a body, a head that is not HTTP/1.x or has a
  duplicated Host or Origin gets 400. Requests pipelined behind the first are
  dropped with the connection, as HTTP/1.1 allows. Every answer, those the
  websockets library writes itself included, carries `SECURITY_HEADERS`.
- Only the page's own assets (held in memory) are served, plus `/door` (may this
  room code come in, and if not why), once published and with the room code, the
  joint agenda, and with the screen key (never the room code) the projector page
  and its websocket (`screen.py`); everything else is 404. A wrong screen key is
  counted like a wrong room code.
- A websocket needs the room code (`/ws?room=CODE`) and, from a browser, an
  Origin that is one of the room's own addresses (`own_origins`: the join URL's,
  the addresses it listens on, the loopback names when it listens there, and
  `hostnames`) — never the Host, which a DNS-rebinding page controls; a
  handshake with no Origin (no browser) is allowed. Facilitator commands never
  come over the network.
- Wrong room codes are counted per remote address (`GUESS_RATE` a second, bursts
  of `GUESS_BURST`); beyond that every room-code check from that address gets
  429, right code or wrong, so guessing learns nothing faster.
- People are not kept out by connections that never say hello. A websocket must
  send a valid hello within `hello_timeout` seconds or is closed (1008). At most
  `max_waiting` websockets wait for their hello at once: a newcomer takes the
  place of one that has waited `GRACE` seconds (closed with 1013), or else is
  refused 503 with a reason. Phones that said hello are never pushed out; the cap
  on people is the engine's, on joined participants (`max_connections` only
  bounds sockets that said hello).
- Descriptors: `start` raises the soft RLIMIT_NOFILE toward the hard limit.
  Beyond `connection_ceiling` (the limit less `FD_RESERVE` and a few accept
  batches), each new TCP connection closes the oldest one that has not said
  hello (if it has had `GRACE` seconds) or itself, so the store and the page
  always have files to open.
- Every inbound frame is parsed by `protocol.parse`; a bad one gets an error to
  that phone only. Frames over 16 KiB close the connection with 1009.
- A phone's action is answered only after the store made it durable
  (`Workshop.handle_async`); a failed write is refused, never acknowledged.
- Views go out at most `TICK`⁻¹ times a second, whole (not deltas), to every
  joined phone. A phone with more than `BACKLOG_LIMIT` bytes queued gets none
  until its queue drains to a quarter of that — it loses nothing, since the next
  view is complete — and one whose queue has not drained within `keepalive`
  seconds is cut off (the transport aborted: a close frame would wait behind
  the queue) and shows as away, whatever the library's own keepalive is doing.
- Trouble of these kinds is told to the facilitator through `on_trouble`, in a
  sentence, at most every `TROUBLE_EVERY` seconds per kind.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import errno
import gc
import http
import logging
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import CLOSED, CONNECTING, OPEN
from websockets.server import ServerProtocol

from . import commands as c
from . import page, protocol, sentences, views
from .activities import Refusal
from .engine import Accepted, Outcome, Refused
from .events import Event, Joined
from .gate import (
    ACCEPT_BATCH,
    ENOUGH_CONNECTIONS,
    MAX_HEAD,
    MAX_LINE,
    Bucket,
    Origin,
    Problem,
    connection_ceiling,
    head_problem,
    origin_allowed,
    own_origins,
    raise_file_limit,
    request_line_problem,
)
from .model import FACILITATOR, Participant, Session
from .network import find_lan_address, interface_addresses, unreachable
from .page import Asset, load_assets
from .screen import SCREEN_PATH, WRONG_KEY, Screens
from .sessions import Workshop
from .store import StoreError

TICK = 0.1
"""Seconds between view broadcasts: at most ~10 updates a second per phone."""
TOKEN_BYTES = 18
"""Random bytes in a participant's token: 144 bits, 24 characters."""
SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter before another waiting one gets it."""
CHUNK = 50
"""Phones sent to between two yields to the event loop."""
PORT_TRIES = 10
BACKLOG_LIMIT = 256 * 1024
"""Bytes queued for one phone beyond which it gets no views until the queue is down
to a quarter of that (the transport's high and low water marks). A phone whose
queue stays above that quarter for `keepalive` seconds is cut off."""
RATE = 10.0
BURST = 30
"""Token bucket per connection: 10 frames a second sustained, bursts of 30."""
FLOOD_CLOSE = 100
"""Frames refused for speed on one connection before it is closed with 1008."""
FLOOD_CLOSE_WAIT = 0.2
"""Seconds a flooding connection gets to answer its close frame before it is cut off."""

HELLO_TIMEOUT = 5.0
"""Seconds from opening a connection to its hello (the HTTP handshake included)."""
MAX_WAITING = 128
"""Websockets open at once that have not said hello yet."""
GRACE = 1.0
"""Seconds a connection that has not said hello keeps its place when a newcomer
needs it: a phone says hello one round trip after its websocket opens."""
GUESS_RATE = 5.0
GUESS_BURST = 10
"""Wrong room codes per remote address: 5 a second sustained, bursts of 10."""
GUESSERS_KEPT = 1024
"""Remote addresses whose wrong guesses are remembered at once."""
JOIN_BURST, JOIN_WINDOW = 6, 10.0
"""This many new people from one address within this many seconds is worth a look:
one person making fake participants, or a shared device."""
REFREEZE_AFTER = 1.0
"""Seconds after the last join before the heap is frozen again (`Room._refreeze`)."""
REFREEZE_EVERY = 100
"""Joins after which the heap is frozen again while a crowd is still arriving."""
TROUBLE_EVERY = 15.0
"""Seconds between two `on_trouble` calls of the same kind."""

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
WRONG_CODE = "door.wrong_code"
ROOM_FULL = "door.room_full"
ROOM_BUSY = "door.busy"
SLOW_DOWN = "door.slow_down"
"""The door's answers, as keys of their sentences (`workshop.sentences`): `/door`
sends key and English text, so that the phone says it in its language."""
FOREIGN_PAGE = "This page is not allowed to join the room."

log = logging.getLogger(__name__)


class RoomError(Exception):
    """The room could not start; the message says why and what to do."""


@dataclass(eq=False)
class Phone:
    """One websocket connection and what we know of it (hashable by identity)."""

    ws: _Connection
    pid: str | None = None
    greeted: bool = False
    """Said a valid hello: from then on it is never pushed out for a newcomer."""
    hello_timer: asyncio.TimerHandle | None = None
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


# ---------------------------------------------------------------- one connection


class _Connection(ServerConnection):
    """A connection that answers to its room.

    It tells the room when it opens, says hello and closes (`Room._arrived`,
    `Room._greet`, `Room._left`); it reads the request head before the library
    does and answers what the library would drop without a word (`head_problem`);
    bytes sent behind the head wait until the handshake is answered (then they
    are frames, or dropped with the connection); and it is cut off when its write
    buffer stays above the low-water mark for `Room.keepalive` seconds — the
    library's keepalive cannot notice, as its ping waits for that same buffer."""

    def __init__(self, protocol: ServerProtocol, server, *, room: Room, **kwargs):
        super().__init__(protocol, server, **kwargs)
        self.room = room
        self.screen = False
        """Opened with the screen key: a projector page, not a phone."""
        self.opened_at = time.monotonic()
        self.backed_up: asyncio.TimerHandle | None = None
        """Set while the write buffer is over its high-water mark: cuts it off unless it drains first."""
        self._head: bytearray | None = bytearray()
        """The request head as it arrives; None once handed to the library (or refused)."""
        self._line_read = False
        self._behind: bytearray | None = None
        """What came behind the head, held until the handshake is answered."""
        self._eof_behind = False
        send_response = protocol.send_response

        def send_secured(response: Response) -> None:
            if response.status_code != http.HTTPStatus.SWITCHING_PROTOCOLS:
                for name, value in SECURITY_HEADERS.items():
                    if name not in response.headers:
                        response.headers[name] = value
            send_response(response)
            if self._eof_behind and response.status_code != http.HTTPStatus.SWITCHING_PROTOCOLS:
                self.loop.call_soon(self._end)

        # Every answer goes through here: ours, the library's refusals of a bad
        # handshake, and its 414/431 from the parser.
        protocol.send_response = send_secured

    # ---------------------------------------------------------- asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.opened_at = time.monotonic()
        self.room._arrived(self)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.backed_up is not None:
            self.backed_up.cancel()
            self.backed_up = None
        self.room._left(self)
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        self.backed_up = self.loop.call_later(self.room.keepalive, self._cut_off)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.backed_up is not None:
            self.backed_up.cancel()
            self.backed_up = None

    def data_received(self, data: bytes) -> None:
        if self._head is None:
            if self._behind is None:
                super().data_received(data)
            elif len(self._behind) + len(data) > MAX_HEAD:
                self.transport.abort()
            else:
                self._behind += data
            return
        seen = len(self._head)
        self._head += data
        if not self._line_read:
            problem = request_line_problem(bytes(self._head[: MAX_LINE + 2]))
            if problem is not None:
                return self._refuse(problem)
            self._line_read = b"\n" in self._head
        end = self._head.find(b"\r\n\r\n", max(0, seen - 3))
        if (len(self._head) if end < 0 else end + 4) > MAX_HEAD:  # arrived whole or not
            return self._refuse((http.HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "That request's headers are too long.", {}))
        if end < 0:
            return
        head, self._behind, self._head = bytes(self._head[: end + 4]), self._head[end + 4 :], None
        problem = head_problem(head)
        if problem is not None:
            self._behind = None
            return self._refuse(problem)
        super().data_received(head)

    def eof_received(self) -> bool | None:
        answering = self._behind is not None and self.protocol.state is CONNECTING and not self.protocol.eof_sent
        if answering:  # the request is in, its answer not out yet: keep the way back open
            self._eof_behind = True
            return True
        return super().eof_received()

    # ---------------------------------------------------------- websockets

    async def handshake(self, *args, **kwargs) -> None:
        try:
            await super().handshake(*args, **kwargs)
        finally:
            behind, self._behind = self._behind, None
        if behind and self.protocol.state is OPEN:
            super().data_received(bytes(behind))
        self._end()

    # ---------------------------------------------------------- helpers

    def _refuse(self, problem: Problem) -> None:
        """Answer at once and close; the library then discards whatever comes."""
        self._head = None
        status, reason, extra = problem
        response = _response(status, reason)
        response.headers.update(extra)
        self.protocol.send_response(response)
        self.send_data()

    def _end(self) -> None:
        """Pass on an end of stream held while the handshake was answered."""
        if self._eof_behind and self.protocol.state is not CLOSED:
            self._eof_behind = False
            super().eof_received()
            self.transport.close()

    def _cut_off(self) -> None:
        self.backed_up = None
        if not self.transport.is_closing():
            log.info("cut off %s: its write buffer did not drain in %.0f s", self.remote_address, self.room.keepalive)
            self.transport.abort()


class Room:
    """Serves one session to the phones. Start with `await start()`, end with `await stop()`."""

    def __init__(
        self,
        workshop: Workshop,
        *,
        host: str = "0.0.0.0",
        port: int = 8765,
        public_url: str | None = None,
        hostnames: Iterable[str] = (),
        max_connections: int = 1500,
        max_waiting: int = MAX_WAITING,
        hello_timeout: float = HELLO_TIMEOUT,
        keepalive: float = 20.0,
    ):
        self.workshop = workshop
        self.host, self.port = host, port
        self.public_url = public_url
        self.hostnames = tuple(hostnames)
        """Other names of this laptop phones may use (say `laptop.local`): pages
        served under them on the room's port may open the websocket."""
        self.max_connections = max_connections
        """Websockets that said hello, at most (the cap on people is the engine's)."""
        self.max_waiting = max_waiting
        """Websockets that have not said hello yet, at most (see `GRACE`)."""
        self.hello_timeout = hello_timeout
        """Seconds from opening a connection to its hello; then it is closed (1008)."""
        self.keepalive = keepalive
        """Seconds between pings, and to wait for the pong: a phone that stops
        reading is dropped within two to three times this (the last part is the
        wait for its closing handshake, at most 5 s) — or, when views back up in
        its write buffer, within this long of the buffer filling up."""
        self.notice = ""
        """Something the facilitator should know about how the room started."""
        self.on_not_saved: Callable[[StoreError], None] | None = None
        """Told when a phone's input could not be saved (the phone is told too)."""
        self.on_trouble: Callable[[str], None] | None = None
        """Told, in a sentence for people, when something presses on the room: too
        many connections that never say hello, the file limit near, room codes
        being guessed. At most every `TROUBLE_EVERY` seconds per kind."""
        self.file_limit: int | None = None
        """The process's soft limit on open files, once started (None: none known)."""
        self.phones: set[Phone] = set()
        self.connected: dict[str, int] = {}
        """participant id → open connections: the roster's connection state."""
        self._assets = load_assets()
        self._agenda_cache: tuple[tuple[int, int], bytes] = ((-1, -1), b"")
        self._agenda_rendering: dict[tuple[int, int], asyncio.Future[bytes]] = {}
        """The render under way, by the seq it shows."""
        self._server = None
        self._address = host
        """What phones are told to reach: the laptop's LAN address when listening on all."""
        self._origins: frozenset[Origin] = frozenset()
        self._ticker: asyncio.Task | None = None
        self._sent: tuple[int, int] = (0, -1)
        """(generation, seq) of the last view sent."""
        self._shared: tuple[int, float, str] = (-1, 0.0, "")
        """(generation, loop time, JSON) of the last shared view built: see `_room_json`."""
        self._personal_dirty = False
        self._wake = asyncio.Event()
        self._ceiling: int | None = None
        """TCP connections beyond which each newcomer costs an old one or itself."""
        self._open = 0
        self._ungreeted: dict[_Connection, None] = {}
        """Open connections that have not said hello, oldest first."""
        self._waiting: dict[_Connection, float] = {}
        """Open websockets that have not said hello → when they opened, oldest first."""
        self._greeted = 0
        self._guesses: dict[str, Bucket] = {}
        self._trouble_at: dict[str, float] = {}
        self._joins: dict[str, collections.deque[float]] = {}
        """Remote address → when its recent new participants joined (see JOIN_BURST)."""
        self.simulated: Callable[[tuple[str, int]], bool] | None = None
        """Whether a connection (its remote address and port) is one of the demo's
        simulated phones, which all join from this laptop: their burst is no trouble."""
        self._closing: set[asyncio.Task] = set()
        self._refreeze_timer: asyncio.TimerHandle | None = None
        self._joins_unfrozen = 0
        """Joins since the heap was last frozen."""
        self._tokens = Tokens()
        self.screens = Screens(self)
        """The projector pages (`screen.py`); `screens.lobby` follows the TUI's lobby."""
        workshop.listeners.append(self._on_events)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the port (or the next free one, said in `notice`) and start broadcasting."""
        self.file_limit = raise_file_limit()
        backlog = ACCEPT_BATCH
        if self.file_limit is not None:
            self._ceiling, backlog = connection_ceiling(self.file_limit)
        kwargs = dict(
            process_request=self._process_request,
            process_response=self._process_response,
            create_connection=self._new_connection,
            compression=None,
            max_size=protocol.MAX_FRAME,
            max_queue=16,
            write_limit=(BACKLOG_LIMIT, BACKLOG_LIMIT // 4),
            open_timeout=self.hello_timeout,
            ping_interval=self.keepalive,
            ping_timeout=self.keepalive,
            close_timeout=min(5.0, self.keepalive),
            server_header=None,
            backlog=backlog,
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
        everywhere = self.host in ("0.0.0.0", "")
        no_network = False
        if everywhere:
            found = find_lan_address()
            self._address = found.address
            if found.problem and not self.public_url:
                self.notice = " ".join(filter(None, (self.notice, found.problem)))
                no_network = True
        self._origins = own_origins(
            self.port,
            listen_host=self.host,
            lan_address=self._address,
            public_url=self.public_url,
            hostnames=self.hostnames,
            interfaces=[address for _, address in interface_addresses()] if everywhere else [],
        )
        cannot = unreachable(self.join_url)
        if cannot and not no_network:  # (no network: said already)
            self.notice = " ".join(filter(None, (self.notice, cannot)))
        if self._ceiling is not None and self._ceiling < ENOUGH_CONNECTIONS:
            few = (
                f"This laptop lets the room keep only about {self._ceiling} connections open (its open-file "
                f"limit is {self.file_limit}). For a bigger group, raise it (for example `ulimit -n 4096` in this terminal) and start again."
            )
            self.notice = " ".join(filter(None, (self.notice, few)))
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
        if self._refreeze_timer is not None:
            self._refreeze_timer.cancel()
        for phone in list(self.phones):
            if phone.ws.backed_up is not None:  # its close frame would wait behind the queue
                phone.ws.transport.abort()
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
        if any(not isinstance(e.body, Joined) for e in events):
            # Anything but a join may hide what the last view showed (results hidden,
            # another exercise, answers withheld again after someone left): a newcomer
            # must not be welcomed with it.
            self._shared = (-1, 0.0, "")

    def _trouble(self, kind: str, sentence: str) -> None:
        """Tell the facilitator, unless this kind of trouble was told moments ago."""
        now = time.monotonic()
        if now - self._trouble_at.get(kind, -TROUBLE_EVERY) < TROUBLE_EVERY:
            return
        self._trouble_at[kind] = now
        log.warning("%s", sentence)
        if self.on_trouble is not None:
            try:
                self.on_trouble(sentence)
            except Exception:  # telling must never break the room
                log.exception("on_trouble failed")

    # ------------------------------------------------------------ connections

    def _new_connection(self, protocol: ServerProtocol, server, **kwargs) -> _Connection:
        return _Connection(protocol, server, room=self, **kwargs)

    def _arrived(self, connection: _Connection) -> None:
        """A TCP connection opened. Beyond the ceiling, make room: close the oldest
        connection that has not said hello if it had its `GRACE`, else this one."""
        self._open += 1
        self._ungreeted[connection] = None
        if self._ceiling is None or self._open <= self._ceiling:
            return
        oldest = next(iter(self._ungreeted))
        fresh = time.monotonic() - oldest.opened_at < GRACE
        victim = connection if oldest is connection or fresh else oldest
        self._ungreeted.pop(victim, None)
        self._waiting.pop(victim, None)
        victim.transport.abort()
        self._trouble(
            "files",
            f"The laptop is near its limit of open connections ({self.file_limit} files): connections that "
            "never joined are being closed to make room. Phones in the room are not affected; if this goes "
            "on, something on the network may be flooding the room.",
        )

    def _left(self, connection: _Connection) -> None:
        self._open -= 1
        self._ungreeted.pop(connection, None)
        self._waiting.pop(connection, None)

    def _greet(self, phone: Phone) -> None:
        """The phone said a valid hello: it is never pushed out for a newcomer now."""
        if phone.greeted:
            return
        phone.greeted = True
        self._greeted += 1
        self._ungreeted.pop(phone.ws, None)
        self._waiting.pop(phone.ws, None)
        if phone.hello_timer is not None:
            phone.hello_timer.cancel()

    def _no_hello(self, phone: Phone) -> None:
        phone.hello_timer = None
        if not phone.greeted:
            self._close_soon(phone.ws, 1008, "no hello in time")

    def _room_to_wait(self, admit: bool) -> bool:
        """Whether one more websocket may wait for its hello: there is room, or the
        oldest waiting one had its `GRACE` (when `admit`, it makes way: 1013)."""
        if len(self._waiting) < self.max_waiting:
            return True
        oldest, since = next(iter(self._waiting.items()))
        self._trouble(
            "waiting",
            f"{len(self._waiting)} connections are open without saying hello: newcomers take the place of the "
            "oldest, or are asked to try again in a moment. Phones in the room are not affected; if this goes "
            "on, something on the network may be flooding the room.",
        )
        if time.monotonic() - since < GRACE:
            return False
        if admit:
            del self._waiting[oldest]
            self._close_soon(oldest, 1013, "the room is busy")
        return True

    def _close_soon(self, ws: ServerConnection, code: int, reason: str) -> None:
        task = asyncio.get_running_loop().create_task(ws.close(code, reason))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # ------------------------------------------------------------ HTTP

    def _process_request(self, connection: _Connection, request: Request) -> Response | Awaitable[Response] | None:
        if request.method not in ("GET", "HEAD"):  # refused before parsing; kept as a safety net
            return _not_allowed("GET, HEAD")
        headers = request.headers
        if len(headers.get_all("Host")) > 1 or len(headers.get_all("Origin")) > 1:
            return _response(http.HTTPStatus.BAD_REQUEST, "A request may carry one Host and one Origin header.")
        try:
            parts = urlsplit(request.path)
        except ValueError:  # such as "//[x/": an address no page of ours has
            return _response(http.HTTPStatus.BAD_REQUEST, "That is not an address this room serves.")
        query = parse_qs(parts.query)
        code = query.get("room", [""])[0]
        remote = _remote(connection)
        if parts.path == "/ws":
            if request.method != "GET":
                return _not_allowed("GET")
            origin = headers.get("Origin")
            if origin is not None and not origin_allowed(origin, self._origins):
                return _response(http.HTTPStatus.FORBIDDEN, FOREIGN_PAGE)
            if "screen" in query:
                refused = self._screen_check(query["screen"][0], remote)
                connection.screen = refused is None
            elif (door := self._refusal(code, remote, admit=True)) is not None:
                refused = door[0], sentences.english(door[1])
            else:
                refused = None
            return None if refused is None else _response(*refused)
        if parts.path == SCREEN_PATH:
            refused = self._screen_check(query.get("key", [""])[0], remote)
            return _response(*refused) if refused is not None else _asset(self._assets["/screen.html"], headers)
        if parts.path == DOOR_PATH:
            # The page asks here when its websocket was refused, as a browser is not told
            # why. Answered 200 (unless slowed down), so the phone's console stays clean.
            status, key = self._refusal(code, remote, admit=False) or (http.HTTPStatus.OK, None)
            answer: dict[str, object] = {"status": status.value, "reason": ""}
            if key is not None:
                answer.update(reason=sentences.english(key), key=key, args={})
            slowed = status == http.HTTPStatus.TOO_MANY_REQUESTS
            return _response(status if slowed else http.HTTPStatus.OK, protocol.dumps(answer), "application/json")
        if parts.path == AGENDA_PATH:
            check = self._code_check(code, remote)
            if check == http.HTTPStatus.TOO_MANY_REQUESTS:
                return _response(check, sentences.english(SLOW_DOWN))
            if check is not None:  # it names people: only for those in the room
                return _response(http.HTTPStatus.FORBIDDEN, "Open the joint agenda from the phone page: it needs the room code.")
            return self._agenda(query.get("download") == ["1"])  # a coroutine: websockets awaits it
        asset = self._assets.get(parts.path)
        if asset is None:
            return _response(http.HTTPStatus.NOT_FOUND, "Not found.")
        return _asset(asset, headers)

    def _process_response(self, connection: _Connection, request: Request, response: Response) -> None:
        if response.status_code == http.HTTPStatus.SWITCHING_PROTOCOLS:
            # Counted here, in the same step as the check in _refusal: no other
            # handshake can slip in between.
            self._waiting[connection] = time.monotonic()
        elif request.method == "HEAD":
            response.body = b""  # Content-Length still says what GET would send

    def _refusal(self, code: str, remote: str, *, admit: bool) -> tuple[http.HTTPStatus, str] | None:
        """Why a phone with this room code cannot come in now (the status and the key
        of the sentence), or None if it can."""
        check = self._code_check(code, remote)
        if check == http.HTTPStatus.TOO_MANY_REQUESTS:
            return check, SLOW_DOWN
        if check is not None:
            return check, WRONG_CODE
        if self._greeted >= self.max_connections:
            return http.HTTPStatus.SERVICE_UNAVAILABLE, ROOM_FULL
        if not self._room_to_wait(admit):
            return http.HTTPStatus.SERVICE_UNAVAILABLE, ROOM_BUSY
        return None

    def _screen_check(self, key: str, remote: str) -> tuple[http.HTTPStatus, str] | None:
        """None for the screen key; otherwise why not, a wrong key counted against
        `remote` as a wrong room code is (the same guess limiter)."""
        bucket = self._guesses.get(remote)
        if bucket is not None and bucket.level(time.monotonic()) < 1:
            return http.HTTPStatus.TOO_MANY_REQUESTS, sentences.english(SLOW_DOWN)
        if self.screens.allows(key):
            return None
        self._code_check("", remote)  # counts the guess
        return http.HTTPStatus.FORBIDDEN, WRONG_KEY

    def _code_check(self, code: str, remote: str) -> http.HTTPStatus | None:
        """None for the room code, FORBIDDEN for another (counted against `remote`),
        TOO_MANY_REQUESTS for any code while `remote` has guessed too many."""
        now = time.monotonic()
        bucket = self._guesses.get(remote)
        if bucket is not None and bucket.level(now) < 1:
            self._trouble("guessing", f"A device at {remote} keeps trying wrong room codes; it is being slowed down. Nobody in the room is affected.")
            return http.HTTPStatus.TOO_MANY_REQUESTS
        if self._is_room_code(code):
            return None
        if bucket is None:
            if len(self._guesses) >= GUESSERS_KEPT:
                self._forget_guessers(now)
            bucket = self._guesses[remote] = Bucket(GUESS_RATE, GUESS_BURST, now)
        bucket.take(now)
        return http.HTTPStatus.FORBIDDEN

    def _forget_guessers(self, now: float) -> None:
        """Make room among remembered guessers: those whose guesses are all forgiven
        first, then the longest remembered."""
        for remote, bucket in list(self._guesses.items()):
            if bucket.level(now) >= bucket.burst:
                del self._guesses[remote]
        while len(self._guesses) >= GUESSERS_KEPT:
            del self._guesses[next(iter(self._guesses))]

    def _is_room_code(self, code: str) -> bool:
        # Compared as bytes: compare_digest refuses text that is not ASCII.
        return secrets.compare_digest(code.upper().encode(), self.workshop.session.room_code.encode())

    async def _agenda(self, download: bool) -> Response:
        """The joint agenda as one HTML file, once the facilitator published it.
        Rendered again only when the session changed, on a worker thread from a copy
        of the session (a long day's document takes a while to render; phones keep
        voting meanwhile). Requests that come while it renders wait for the same one,
        shielded: a request given up on (its phone gone, its time up) does not cancel
        the render the others wait for. A session rebuilt after a failed write numbers
        its events again, so a render is known by (generation, seq)."""
        session = self.workshop.session
        if not session.published:
            return _response(http.HTTPStatus.NOT_FOUND, "The joint agenda is not published yet.")
        key = (self.workshop.generation, session.seq)
        if self._agenda_cache[0] != key:
            rendering = self._agenda_rendering.get(key)
            if rendering is None or (rendering.done() and (rendering.cancelled() or rendering.exception() is not None)):
                data = session.model_dump()  # on the loop: the state as of now
                rendering = asyncio.ensure_future(asyncio.to_thread(_render_agenda, data))
                self._agenda_rendering = {key: rendering}
            html = await asyncio.shield(rendering)
            if self._agenda_cache[0] != key:
                self._agenda_cache = (key, html)
            body = html
        else:
            body = self._agenda_cache[1]
        response = _response(http.HTTPStatus.OK, body, "text/html; charset=utf-8")
        # The document carries its own inline CSS and SVG, and nothing else. Replaced,
        # not added: a browser applies every policy it is sent, and the room's own
        # (`style-src 'self'`) would leave the document without its styles.
        del response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = AGENDA_CSP
        if download:
            response.headers["Content-Disposition"] = f'attachment; filename="{session.id}-joint-agenda.html"'
        return response

    # ------------------------------------------------------------ websocket

    async def _handler(self, ws: _Connection) -> None:
        phone = Phone(ws)
        if ws.screen:
            self._greet(phone)
            try:
                await self.screens.serve(ws)
            finally:
                self._greeted -= 1
            return
        self.phones.add(phone)
        # From the opening of the TCP connection, but a phone always gets a moment.
        wait = max(GRACE, ws.opened_at + self.hello_timeout - time.monotonic())
        phone.hello_timer = asyncio.get_running_loop().call_later(wait, self._no_hello, phone)
        try:
            async for frame in ws:
                if not phone.allow():
                    if phone.strikes >= FLOOD_CLOSE:
                        # Its own frames fill the queue ahead of its answer to the close
                        # frame, so the handshake cannot finish: cut it off at once, not
                        # after the usual close timeout.
                        ws.close_timeout = FLOOD_CLOSE_WAIT
                        await ws.close(1008, "too many messages")
                        return
                    await self._error(phone, protocol.BadMessage("too_fast", msg_id=protocol.peek_id(frame)))
                    continue
                try:
                    message = protocol.parse(frame)
                except protocol.BadMessage as bad:
                    await self._error(phone, bad)
                    continue
                await self._dispatch(phone, message)
        except ConnectionClosed:
            pass
        finally:
            if phone.hello_timer is not None:
                phone.hello_timer.cancel()
            if phone.greeted:
                self._greeted -= 1
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
                self._greet(phone)
                person = self.workshop.engine.with_token(message.token) if message.token else None
                if person is None or person.left or person.removed:
                    key = "need_join.gone" if message.token else None
                    if person is not None and person.removed:
                        key = "removed"
                    reason = sentences.english(key) if key else None
                    await self._send(phone, protocol.NeedJoin(room=views.header(session), reason=reason, key=key, args={} if key else None))
                    return
                self._identify(phone, person.id)
                await self._welcome(phone, person.token)
            case _ if not phone.greeted:
                await self._error(phone, protocol.BadMessage("hello_first"))
            case protocol.JoinMsg():
                await self._join(phone, message)
            case protocol.Act():
                if phone.pid is None:
                    await self._error(phone, protocol.BadMessage("not_joined", "not_joined.yet", msg_id=message.id))
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
        if phone.pid is not None and self.workshop.session.participants[phone.pid].joined_by != actor:
            await self._refused(phone, message.id, Refused.because(Refusal("already_joined")))
            return
        command = c.Join(name=message.name, side=message.side, token=self._tokens.take())
        outcome = await self._handle(actor, message.id, command)
        if isinstance(outcome, Refused):
            await self._refused(phone, message.id, outcome)
            return
        if not outcome.repeated:
            self._count_join(phone)
        participant = _joined_by(self.workshop.session, actor, outcome)
        if participant is None:  # joined by this id, then joined again by another
            await self._refused(phone, message.id, Refused.because(Refusal("join_used")))
            return
        self._identify(phone, participant.id)
        await self._welcome(phone, participant.token, message.id)

    def _count_join(self, phone: Phone) -> None:
        """Tell the facilitator when new people arrive in a burst from one address;
        and once arrivals settle, take what the crowd brought out of the collector's
        sight (see `_refreeze`)."""
        if self._refreeze_timer is not None:
            self._refreeze_timer.cancel()
        self._joins_unfrozen += 1
        if self._joins_unfrozen >= REFREEZE_EVERY:
            self._refreeze()
        else:
            self._refreeze_timer = asyncio.get_running_loop().call_later(REFREEZE_AFTER, self._refreeze)
        remote = phone.ws.remote_address
        address = remote[0] if remote else "?"
        now = time.monotonic()
        recent = self._joins.setdefault(address, collections.deque())
        recent.append(now)
        while recent and now - recent[0] > JOIN_WINDOW:
            recent.popleft()
        simulated = remote is not None and self.simulated is not None and self.simulated(remote[:2])
        if len(recent) >= JOIN_BURST and not simulated:
            self._trouble(
                "join_burst",
                f"{len(recent)} people joined from one address ({address}) within {JOIN_WINDOW:.0f} s. Unless that is a "
                "shared device, look at the People screen (w): take fakes off the roster with x, lock the room with k.",
            )

    def _refreeze(self) -> None:
        """A join burst has settled, or `REFREEZE_EVERY` people joined since the last
        time: freeze the heap again, so that the participants, their connections and
        views made since are not walked by every full collection while they vote
        (measured at 500 phones: the longest GC pause went from 27–33 ms to 4–10 ms) —
        nor, every hundred joins, while a thousand join (longest pause 27 → 2 ms).
        Frozen objects are never collected, so the cycles of connections closed
        meanwhile stay: a few KB per reconnection."""
        self._refreeze_timer = None
        self._joins_unfrozen = 0
        gc.freeze()

    async def _handle(self, actor: str, cmd_id: str, command) -> Outcome:
        try:
            return await self.workshop.handle_async(actor, cmd_id, command)
        except StoreError as err:
            if self.on_not_saved is not None:
                self.on_not_saved(err)
            return Refused.because(Refusal("not_saved"))

    async def _welcome(self, phone: Phone, token: str, cmd_id: str | None = None) -> None:
        session = self.workshop.session
        await self._send(phone, protocol.Welcome(token=token, me=views.me(session, phone.pid), room=views.header(session), id=cmd_id))
        await phone.ws.send(self._view_frame(self._room_json(fresh=False), phone.pid))

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

    async def _error(self, phone: Phone, bad: protocol.BadMessage) -> None:
        await self._send(phone, protocol.ErrorMsg(code=bad.code, reason=bad.reason, id=bad.msg_id, key=bad.key, args=bad.values))

    async def _refused(self, phone: Phone, msg_id: str, outcome: Refused) -> None:
        args = dict(outcome.args) if outcome.key else None
        await self._send(phone, protocol.RefusedMsg(id=msg_id, code=outcome.code, reason=outcome.reason, key=outcome.key, args=args))

    # ------------------------------------------------------------ broadcast

    def _room_json(self, fresh: bool) -> str:
        """The shared view, encoded. Not `fresh`: the last one built if it is under a
        tick old and nothing but joins happened since (see `_on_events`), nor did the
        session go back (a failed write) — a crowd joins in a burst, each join a new
        event, and building the whole view again for every newcomer held the loop up
        (~1 ms each); a phone welcomed with a view up to a tick old has the next one at
        the next tick, as every other phone does."""
        loop_time = asyncio.get_running_loop().time()
        generation, built_at, built = self._shared
        if not fresh and generation == self.workshop.generation and loop_time - built_at < TICK:
            return built
        built = protocol.dumps(views.room_view(self.workshop.engine, time.time()))
        self._shared = (self.workshop.generation, loop_time, built)
        return built

    def _view_frame(self, room_json: str, pid: str | None) -> str:
        session = self.workshop.session
        return protocol.view_text(session.seq, room_json, protocol.dumps(views.mine_view(session, pid)) if pid else None)

    async def _broadcast_loop(self) -> None:
        loop = asyncio.get_running_loop()
        sent_at = -TICK
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), TICK)
            except TimeoutError:
                pass
            # Woken early (broadcast_soon) or not, views stay at most TICK⁻¹ a second.
            await asyncio.sleep(max(0.0, sent_at + TICK - loop.time()))
            self._wake.clear()
            sent_at = loop.time()
            try:
                await self.broadcast()
            except Exception:  # one bad tick must not stop the room
                logging.getLogger(__name__).exception("broadcast failed")

    def broadcast_soon(self) -> None:
        """Send the view now rather than at the next tick (after a facilitator action),
        or as soon as the last one is a tick old."""
        self._wake.set()

    async def broadcast(self) -> None:
        """Send the current view to every joined phone if anything changed.

        Sent `CHUNK` phones at a time, yielding to the loop in between, so that with
        a thousand phones acknowledgements are not held up behind one long pass."""
        self.screens.broadcast()
        sent, self._sent = self._sent, (self.workshop.generation, self.workshop.session.seq)
        if sent == self._sent:
            return
        room_json = self._room_json(fresh=True)
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


def _render_agenda(data: dict) -> bytes:
    """The published joint agenda's HTML, from a copy of the session (on a worker thread)."""
    from .export import local_zone, to_html  # noqa: PLC0415 - only needed at the end of a workshop
    from .model import Session  # noqa: PLC0415

    session = Session.model_validate(data)
    return to_html(session, tz=local_zone(session)).encode()  # dated as the exported file is


def _writable(ws: _Connection) -> bool:
    """Not backed up: its queue went over BACKLOG_LIMIT and has not drained yet."""
    return ws.backed_up is None and not ws.transport.is_closing()


def _remote(connection: ServerConnection) -> str:
    address = connection.remote_address
    return str(address[0]) if address else "unknown"


def _response(status: http.HTTPStatus, body: str | bytes, kind: str = "text/plain; charset=utf-8") -> Response:
    headers = Headers(SECURITY_HEADERS)
    headers["Content-Type"] = kind
    data = body.encode() if isinstance(body, str) else body
    headers["Content-Length"] = str(len(data))
    headers["Connection"] = "close"
    if status in (http.HTTPStatus.TOO_MANY_REQUESTS, http.HTTPStatus.SERVICE_UNAVAILABLE):
        headers["Retry-After"] = "1"
    return Response(status.value, status.phrase, headers, data)


def _asset(asset: Asset, request: Headers) -> Response:
    """A file of the page: 304 when the browser holds this version already, else the
    file, gzipped when the browser takes gzip (see `page.held` and `page.takes_gzip`).
    Browsers keep it but ask again each time (`no-cache`), so a new version of the
    page reaches every phone at its next load."""
    if page.held(asset, request.get_all("If-None-Match")):
        response = _response(http.HTTPStatus.NOT_MODIFIED, b"", asset.kind)
        del response.headers["Content-Length"]
    elif asset.gzipped is not None and page.takes_gzip(request.get_all("Accept-Encoding")):
        response = _response(http.HTTPStatus.OK, asset.gzipped, asset.kind)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = _response(http.HTTPStatus.OK, asset.body, asset.kind)
    response.headers["ETag"] = f'"{asset.etag}"'
    del response.headers["Cache-Control"]
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _not_allowed(allow: str) -> Response:
    response = _response(http.HTTPStatus.METHOD_NOT_ALLOWED, f"Only {allow.replace(', ', ' and ')} are served here.")
    response.headers["Allow"] = allow
    return response


def _joined_by(session: Session, actor: str, outcome: Accepted) -> Participant | None:
    """Who the join `actor` made (None if they have joined again since, by another):
    the one its event names, or — for a join sent again — the one it made before."""
    arrived = next((e.body.participant.id for e in outcome.events if isinstance(e.body, Joined)), None)
    participant = session.participants.get(arrived) if arrived is not None else None
    if participant is not None and participant.joined_by == actor:
        return participant
    return next((p for p in session.participants.values() if p.joined_by == actor), None)


class Tokens:
    """Secret tokens for new participants, as `secrets.token_urlsafe(TOKEN_BYTES)` makes
    them, drawn from the operating system's random source `batch` at a time: a crowd
    joining makes one system call per `batch` arrivals rather than one each — on
    the loop, each such call may hand the interpreter to the journal's writer thread
    and wait to get it back (a quarter of the loop's longest blocks while a thousand
    phones joined)."""

    def __init__(self, batch: int = 64) -> None:
        self.batch = batch
        self._left: list[str] = []

    def take(self) -> str:
        if not self._left:
            raw = secrets.token_bytes(TOKEN_BYTES * self.batch)
            self._left = [
                base64.urlsafe_b64encode(raw[i : i + TOKEN_BYTES]).rstrip(b"=").decode("ascii")
                for i in range(0, len(raw), TOKEN_BYTES)
            ]
        return self._left.pop()
