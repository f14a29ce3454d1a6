"""The room against someone who has read room.py: connections that never say hello,
a process out of file descriptors, a phone that stops reading large views, frames
nested to break the parser, and HTTP that no phone would send.

Each attack runs against a real room on 127.0.0.1 (port 0 in this process; a
process of its own where its file limit is lowered). Each test checks what the
attacker gets, that honest phones keep joining and voting meanwhile (a few round
trips, each well under 2 s), and that nothing already saved changes. Every loop
is bounded in count and time; nothing connects anywhere but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.protocol import State

from tests.faultkit import HOST, Headless, Phone, RawClient, free_port, journal_events, new_session, text, upgrade_request, write_template
from tests.roomkit import PhoneClient, running_room
from workshop import commands as c
from workshop import protocol, sessions, views
from workshop.gate import connection_ceiling, file_limit_to_ask, head_problem, origin_allowed, own_origins, request_line_problem
from workshop.room import SECURITY_HEADERS
from workshop.store import SessionStore

ROUND_TRIP_LIMIT = 2.0
"""Seconds an honest vote may take to be acknowledged during an attack: generous on
purpose (a loaded CI machine), while a room that is really blocked never answers."""


# ------------------------------------------------------------------ helpers


async def joined(room, name: str, side: str = "it") -> PhoneClient:
    phone = PhoneClient(room)
    assert (await phone.connect())["type"] == "need_join"
    welcome = await phone.join(name, side)
    assert welcome["type"] == "welcome", welcome
    return phone


async def votes_promptly(phone: PhoneClient, rounds: int = 4, exercise: str = "where-we-win") -> list[float]:
    """Vote and take the dot back `rounds` times; each answer must be an ack, in time."""
    took = []
    for n in range(rounds):
        kind = "vote" if n % 2 == 0 else "unvote"
        start = time.monotonic()
        ack = await phone.act({"type": kind, "exercise": exercise, "item": "i2"})
        took.append(time.monotonic() - start)
        assert ack["type"] == "ack", ack
    assert max(took) < ROUND_TRIP_LIMIT, f"honest round trips took {took}"
    return took


def saved_unchanged(folder: Path, before: list[dict]) -> None:
    """Everything saved before the attack is still there, unchanged, and loads."""
    after = journal_events(folder)
    assert after[: len(before)] == before
    sessions.read_folder(folder)


def ask(port: int, data: bytes, *, source: str | None = None, timeout: float = 5.0) -> bytes:
    """Send raw bytes; everything the room answers until it closes the connection."""
    sock = socket.socket()
    sock.settimeout(timeout)
    if source is not None:
        sock.bind((source, 0))
    sock.connect((HOST, port))
    try:
        with suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        reply = b""
        with suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                reply += chunk
        return reply
    finally:
        sock.close()


def split(reply: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body) of one HTTP answer."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ", 2)[1]), headers, body


def request(method: str, path: str, port: int, extra: str = "", body: bytes = b"") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{extra}\r\n".encode() + body


def upgrade(port: int, code: str, extra: str = "", host: str | None = None) -> bytes:
    data = upgrade_request(port, f"/ws?room={code}", extra=extra)
    return data if host is None else data.replace(f"Host: {HOST}:{port}".encode(), f"Host: {host}".encode())


# ------------------------------------------------------------------ 1. connections that never say hello


async def test_fifteen_hundred_connections_that_never_say_hello_keep_nobody_out_and_are_shed(tmp_path):
    async with running_room(tmp_path, hello_timeout=2.0) as room:
        await room.facilitate(c.Open(exercise="where-we-win"))
        ann = await joined(room, "Ann")
        await votes_promptly(ann, 1)
        troubles: list[str] = []
        room.on_trouble = troubles.append
        before = journal_events(room.workshop.folder)
        url = PhoneClient(room).url

        opened, refused, reasons = [], 0, set()
        gate = asyncio.Semaphore(100)

        async def silent() -> None:
            nonlocal refused
            async with gate:
                try:
                    opened.append(await connect(url, compression=None, open_timeout=10, close_timeout=1))
                except InvalidStatus as err:
                    refused += 1
                    reasons.add((err.response.status_code, err.response.body.decode()))

        start = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(silent() for _ in range(1500))), 30)
        burst = time.monotonic() - start
        waiting = sum(1 for p in room.phones if not p.greeted and p.ws.state is State.OPEN)  # not those closing
        print(f"1500 silent handshakes in {burst:.1f} s: {len(opened)} opened, {refused} refused; {waiting} waiting at the end")
        assert waiting <= room.max_waiting, f"{waiting} connections are waiting for their hello"
        assert refused, "a burst of 1500 silent handshakes was never told to wait"
        assert {status for status, _ in reasons} == {503}, reasons
        assert any("connecting at once" in reason for _, reason in reasons), reasons
        assert any("without saying hello" in t for t in troubles), troubles

        # While the last of them are still held: new phones, and a returning one, get in.
        await asyncio.sleep(1.1)  # older than the grace a waiting connection gets
        bob = await joined(room, "Bob", "marketing")
        took = await votes_promptly(bob)
        await ann.close()
        back = PhoneClient(room)
        welcome = await back.connect(token=ann.token)
        assert welcome["type"] == "welcome" and welcome["me"]["id"] == ann.me["id"], welcome
        took += await votes_promptly(back)
        print(f"honest round trips meanwhile: max {max(took) * 1000:.0f} ms")

        # Every silent connection is closed by the room within the hello timeout.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + room.hello_timeout + 3.0
        for ws in opened:
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(ws.wait_closed(), max(0.01, deadline - loop.time()))
        still = [ws for ws in opened if ws.close_code is None]
        assert not still, f"{len(still)} silent connections still open {room.hello_timeout + 3:.0f} s later"
        assert {ws.close_code for ws in opened} <= {1008, 1013}, {ws.close_code for ws in opened}
        assert all(p.greeted for p in room.phones)
        assert set(room.connected) == {ann.me["id"], bob.me["id"]}
        saved_unchanged(room.workshop.folder, before)
        await bob.close()
        await back.close()


async def test_a_connection_that_only_sends_pings_is_closed_when_its_hello_is_late(tmp_path):
    async with running_room(tmp_path, hello_timeout=1.0) as room:
        async with connect(PhoneClient(room).url, compression=None) as ws:
            start = time.monotonic()
            with pytest.raises(ConnectionClosed) as closed:
                for _ in range(40):  # ~4 s at most
                    await ws.send('{"type":"ping"}')
                    assert json.loads(await asyncio.wait_for(ws.recv(), 2))["type"] == "pong"
                    await asyncio.sleep(0.1)
            took = time.monotonic() - start
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008, closed.value
        assert 0.8 < took < 2.5, f"closed after {took:.1f} s"
        phone = await joined(room, "Ann")  # a phone that does say hello stays
        await asyncio.sleep(1.3)
        assert (await phone.act({"type": "rate", "exercise": "check-in", "item": "i1", "value": 3}))["type"] in ("ack", "refused")
        assert room.connected == {"p1": 1}


# ------------------------------------------------------------------ 2. file descriptors


@pytest.mark.parametrize(
    ("soft", "hard", "asked"),
    [
        (256, 1_048_576, 65_536),  # Linux: up to what a room could use, not a million
        (1024, 4096, 4096),  # up to the hard limit
        (256, "inf", 65_536),  # macOS says unlimited (the room retries with OPEN_MAX)
        (4096, 4096, None),  # already there
        (100_000, 1_048_576, None),  # never down
        ("inf", "inf", None),
    ],
)
def test_the_soft_file_limit_asked_for_goes_up_toward_the_hard_limit_and_never_down(soft, hard, asked):
    infinity = -1
    soft = infinity if soft == "inf" else soft
    hard = infinity if hard == "inf" else hard
    assert file_limit_to_ask(soft, hard, infinity) == asked


def test_the_connections_kept_leave_room_for_the_store_and_for_what_asyncio_accepts_at_once():
    assert connection_ceiling(65_536) == (65_536 - 64 - 400, 100)
    assert connection_ceiling(1024) == (1024 - 64 - 400, 100)
    assert connection_ceiling(256) == (256 - 64 - 4 * 24, 24)
    assert connection_ceiling(100) == (16, 8)  # too few to matter: the facilitator is told


LOW_LIMIT_ROOM = """
import resource, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (128, 256))
from workshop import room
from workshop.bench import headless

class Told(room.Room):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_trouble = lambda sentence: print("trouble:", sentence, file=sys.stderr, flush=True)

headless.Room = Told
sys.exit(headless.main(sys.argv[1:]))
"""
"""The headless room with a soft file limit of 128 (hard 256), telling its trouble on stderr."""


class Flood:
    """Plain TCP connections that send nothing, kept at `size` open by a thread that
    tops them up every 50 ms (the room closes some). Connects are paced a little:
    those that find the room's listen queue full wait a second for the kernel's
    SYN retry (and each pass is bounded in time, not in count)."""

    def __init__(self, port: int, size: int):
        self.port, self.size = port, size
        self.socks: list[socket.socket] = []
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        """Open `size` connections (or try for 5 s), then keep them topped up."""
        deadline = time.monotonic() + 5
        while self.opened < self.size and time.monotonic() < deadline:
            self._top_up(1.0)
        self._thread.start()

    def _top_up(self, budget: float) -> None:
        alive = []
        for sock in self.socks:
            try:
                gone = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
            except BlockingIOError:
                gone = False
            except OSError:
                gone = True
            if gone:
                sock.close()
            else:
                alive.append(sock)
        self.socks = alive
        end = time.monotonic() + budget
        while len(self.socks) < self.size and time.monotonic() < end:
            sock = socket.socket()
            sock.settimeout(1.5)
            try:
                sock.connect((HOST, self.port))
            except OSError:
                sock.close()
                continue
            self.socks.append(sock)
            self.opened += 1
            if self.opened % 16 == 0:
                time.sleep(0.01)  # a burst beyond the listen queue would wait a second for the SYN retry

    def _run(self) -> None:
        deadline = time.monotonic() + 60
        while not self._stop.wait(0.05) and time.monotonic() < deadline:
            self._top_up(0.5)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        for sock in self.socks:
            sock.close()


def open_files_limit(pid: int) -> tuple[int, int]:
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines() if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    return int(soft), int(hard)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and lowers RLIMIT_NOFILE")
async def test_plain_connections_beyond_the_file_limit_neither_keep_a_phone_out_nor_stop_the_saving(tmp_path):
    folder, code = new_session(tmp_path)
    server = Headless(folder, free_port(), open_exercise="where-we-win")
    server.args = [sys.executable, "-c", LOW_LIMIT_ROOM, *server.args[3:]]
    flood = Flood(server.port, 300)
    phone = None
    try:
        await server.start()
        assert open_files_limit(server.pid) == (256, 256), "the room did not raise its soft file limit to the hard one"
        before = journal_events(folder)
        await asyncio.to_thread(flood.start)
        await asyncio.sleep(1.2)  # the first of them are now older than the grace period
        phone = Phone(server.url(), code, 1, random.Random(1))
        knocked = time.monotonic()
        phone.start()
        await phone.wait_ready(15)
        got_in = time.monotonic() - knocked
        took = []
        for n in range(6):
            start = time.monotonic()
            answer = await phone.act(f"fd-vote-{n:04d}", {"type": "vote" if n % 2 == 0 else "unvote", "exercise": "where-we-win", "item": "i1"})
            took.append(time.monotonic() - start)
            assert answer["type"] == "ack", answer
        await phone.act("fd-vote-last", {"type": "vote", "exercise": "where-we-win", "item": "i3"})
        assert flood.opened > 256, flood.opened
        print(f"{flood.opened} plain connections opened against a limit of 256; the phone was in after {got_in:.2f} s; "
              f"vote round trips max {max(took) * 1000:.0f} ms")
        assert got_in < 5, f"the phone took {got_in:.1f} s to get in"
        assert max(took) < ROUND_TRIP_LIMIT, took
        await phone.close()
        phone = None
        flood.stop()
        figures = await server.stop()  # a clean stop: the last snapshot is written
        assert figures["appends"] >= 7
        stderr = server.stderr()
        assert "trouble:" in stderr and "open connections" in stderr, stderr
        assert "Too many open files" not in stderr and "could not" not in stderr.lower(), stderr
        saved_unchanged(folder, before)
        reading = sessions.read_folder(folder)
        assert reading.session.exercises["where-we-win"].scores[phone_pid(reading)] == {"i3": 1}
        loaded = SessionStore.read(folder)
        assert loaded.snapshot_seq == len(loaded.bodies), "the last snapshot was not written"
    finally:
        flood.stop()
        if phone is not None:
            await phone.close()
        await server.ensure_dead()


def phone_pid(reading) -> str:
    return next(iter(reading.session.participants))


# ------------------------------------------------------------------ 3. a phone that stops reading large views


def wide_template(folder: Path) -> str:
    """A live dotvote with 60 long options and a brainstorm: views of 10–12 KiB,
    about as large as the room lets them grow (`views.VIEW_BUDGET`)."""
    return str(write_template(folder, "wide", [
        {"id": "board", "kind": "brainstorm", "title": "Board", "prompt": "Everything you can think of.",
         "reveal": "live", "max_per_person": 50, "per_minute": 60, "max_length": 280},
        {"id": "wide", "kind": "dotvote", "title": "Wide", "prompt": "Spend your dots.", "reveal": "live",
         "dots": 50, "max_per_item": 50, "options": [f"Area {n}: " + "a long description " * 5 for n in range(60)]},
    ]))


async def silent_phone(room) -> tuple[RawClient, str]:
    """A phone with a tiny receive buffer that joins, then never reads again."""
    raw = await asyncio.to_thread(RawClient, room.port, rcvbuf=4096)
    code = room.workshop.session.room_code
    await asyncio.to_thread(raw.upgrade, room.port, code)
    raw.send(text({"type": "hello", "v": 1, "room": code, "token": None, "seq": 0}))
    assert (await asyncio.to_thread(raw.next_message))["type"] == "need_join"
    raw.send(text({"type": "join", "id": "join-silent-01", "name": "Silent", "side": "it"}))
    welcome = await asyncio.to_thread(lambda: next(m for m in iter(raw.next_message, None) if m["type"] == "welcome"))
    return raw, welcome["me"]["id"]


async def test_a_phone_that_stops_reading_large_views_is_dropped_and_shown_away(tmp_path):
    async with running_room(tmp_path, template=wide_template(tmp_path), keepalive=3.0) as room:
        # Views made large through the protocol: ideas from several phones...
        await room.facilitate(c.Open(exercise="board"))
        writers = [await joined(room, f"W{n}", ("it", "marketing")[n % 2]) for n in range(4)]

        async def fill(phone: PhoneClient, n: int) -> None:
            for k in range(12):
                idea = f"Writer {n} idea {k}: " + "a long and careful thought about the customer " * 6
                assert (await phone.act({"type": "submit_idea", "exercise": "board", "text": idea[:270]}))["type"] == "ack"
                await asyncio.sleep(0.08)  # within the phones' own rate limit

        await asyncio.gather(*(fill(w, n) for n, w in enumerate(writers)))
        board = len(protocol.dumps(views.room_view(room.workshop.engine, time.time())))
        # ...then a wide vote whose live tally changes with every dot.
        await room.facilitate(c.Close(exercise="board"))
        await room.facilitate(c.Open(exercise="wide"))
        view_size = len(protocol.dumps(views.room_view(room.workshop.engine, time.time())))
        assert min(board, view_size) > 9_000, f"views are only {board} and {view_size} bytes"
        before = journal_events(room.workshop.folder)

        raw, silent = await silent_phone(room)
        assert silent in room.connected
        # On loopback the kernel holds megabytes for a phone before the room's own
        # buffer fills (over Wi-Fi far less): a small send buffer on the room's end
        # gets there in a second, before the library's first keepalive ping.
        server_end = next(p.ws for p in room.phones if p.pid == silent)
        server_end.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        stopped = time.monotonic()  # from now on it never reads again

        took, dropped_after = [], None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 25
        k = 0
        while loop.time() < deadline:  # the writers keep voting: a new view every tick
            phone = writers[k % len(writers)]
            start = time.monotonic()
            ack = await phone.act({"type": "vote" if (k // len(writers)) % 2 == 0 else "unvote", "exercise": "wide", "item": f"i{1 + k % 4}"})
            took.append(time.monotonic() - start)
            assert ack["type"] == "ack", ack
            k += 1
            if silent not in room.connected:
                dropped_after = time.monotonic() - stopped
                break
            await asyncio.sleep(0.03)
        print(f"views of {board // 1024} and {view_size // 1024} KiB; the silent phone was dropped after "
              f"{dropped_after and round(dropped_after, 1)} s (keepalive {room.keepalive} s); "
              f"{len(took)} votes meanwhile, max {max(took) * 1000:.0f} ms")
        assert dropped_after is not None, "a phone that stopped reading 25 s ago still shows as connected"
        assert max(took) < ROUND_TRIP_LIMIT, took
        assert all(w.me["id"] in room.connected for w in writers)
        assert not any(p.pid == silent for p in room.phones)
        newcomer = await joined(room, "Late")
        await votes_promptly(newcomer, exercise="wide")
        saved_unchanged(room.workshop.folder, before)
        raw.close()
        for phone in (*writers, newcomer):
            await phone.close()


# ------------------------------------------------------------------ 4. strict parsing


def test_nesting_is_limited_before_the_json_parser_sees_the_frame():
    with pytest.raises(protocol.BadMessage) as deep:
        protocol.parse("[" * 1200 + "]" * 1200)
    assert deep.value.code == "too_deep"
    with pytest.raises(protocol.BadMessage) as deep:
        protocol.parse('{"type":"act","id":"abcdefgh","command":' + '{"a":' * 40 + "1" + "}" * 41)
    assert deep.value.code == "too_deep" and deep.value.msg_id == "abcdefgh"
    with pytest.raises(protocol.BadMessage) as unclosed:
        protocol.parse("[" * 100_000)
    assert unclosed.value.code == "too_deep"
    # Brackets inside strings are text, not nesting.
    idea = {"type": "act", "id": "abcdefgh", "command": {"type": "submit_idea", "exercise": "x", "text": "[{" * 500 + '\\"[[['}}
    assert isinstance(protocol.parse(json.dumps(idea)), protocol.Act)
    allocate = {"type": "act", "id": "abcdefgh", "command": {"type": "allocate", "exercise": "x", "points": {"i1": 60, "i2": 40}}}
    assert isinstance(protocol.parse(json.dumps(allocate)), protocol.Act)


def nesting(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    return 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\\\ab,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\ab'), inner, max_size=3),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
@example([[[[[[[["]\\"]]]]]]]])  # 8 deep, brackets and an escape in the text
@example([[[[[[[[{"[": []}]]]]]]]])  # 9 deep
@example({"a": [{"b": [{"c": [{"d": [{"e": "{{{{"}]}]}]}]})
def test_the_nesting_limit_counts_exactly_what_the_json_parser_would_recurse_into(value):
    assert protocol.too_deep(json.dumps(value)) == (nesting(value) > protocol.MAX_DEPTH)


async def test_a_deeply_nested_frame_gets_an_error_and_the_connection_carries_on(tmp_path):
    async with running_room(tmp_path) as room:
        await room.facilitate(c.Open(exercise="where-we-win"))
        ann, bob = await joined(room, "Ann"), await joined(room, "Bob", "marketing")
        before = journal_events(room.workshop.folder)
        for frame in ("[" * 1200 + "]" * 1200, '{"type":"act","id":"deep-0001","command":' + '{"a":' * 1200 + "1" + "}" * 1201, "[" * 15000):
            await ann.send(frame)
            error = await ann.recv()
            assert error["type"] == "error" and error["code"] == "too_deep" and error["reason"], error
        await votes_promptly(ann)
        await votes_promptly(bob)
        saved_unchanged(room.workshop.folder, before)


# ------------------------------------------------------------------ 4. HTTP no phone sends


@pytest.mark.parametrize(
    ("start", "status"),
    [
        (b"GE", None), (b"GET", None), (b"GET /x HTTP/1.1\r\nHo", None), (b"HEAD / HTTP/1.0\r\n", None),
        (b"\x16\x03\x01\x00", 400), (b"get / HTTP/1.1\r\n", 400), (b"GET / HTTP/1.1\n", 400), (b"GET  / HTTP/1.1\r\n", 400),
        (b"GET / HTTP/2.0\r\n", 400), (b"ABCDEFGHIJKLMNOPQ", 400), (b"GET /\xc3\xa9 HTTP/1.1\r\n", 400), (b"GET /" + b"a" * 9000, 414),
    ],
)
def test_a_request_line_is_read_before_the_library_so_that_garbage_is_answered_at_once(start, status):
    problem = request_line_problem(start)
    assert (problem and problem[0]) == status


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET / HTTP/1.1\r\n\r\n", None),
        (b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", None),
        (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 405),
        (b"DELETE / HTTP/1.1\r\n\r\n", 405),
        (b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\n folded: on\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400),
    ],
)
def test_a_whole_request_head_with_a_body_or_another_method_is_refused_with_a_reason(head, status):
    problem = head_problem(head)
    assert (problem and problem[0]) == status
    if problem:
        assert problem[1].endswith(".") and (status != 405 or problem[2] == {"Allow": "GET, HEAD"})


async def test_duplicate_host_or_origin_headers_are_a_bad_request(tmp_path):
    async with running_room(tmp_path) as room:
        port, code = room.port, room.workshop.session.room_code
        cases = {
            "two Hosts on the page": request("GET", "/", port, f"Host: {HOST}:{port}\r\n"),
            "two Hosts on the websocket": upgrade(port, code, f"Host: {HOST}:{port}\r\n"),
            "two Origins on the websocket": upgrade(port, code, f"Origin: http://{HOST}:{port}\r\nOrigin: http://{HOST}:{port}\r\n"),
        }
        for name, data in cases.items():
            status, headers, body = split(await asyncio.to_thread(ask, port, data))
            assert status == 400, f"{name}: {status} {body!r}"
            assert b"one Host" in body and headers["content-security-policy"], name
        assert (await joined(room, "Ann")).me["id"] == "p1"


def test_the_rooms_own_origins_are_its_join_url_its_addresses_and_loopback_names():
    own = own_origins(8765, listen_host="0.0.0.0", lan_address="192.168.1.20", public_url=None, hostnames=(), interfaces=["192.168.1.20", "10.0.0.5"])
    for origin in ("http://192.168.1.20:8765", "http://10.0.0.5:8765", "http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765", "HTTP://LOCALHOST:8765"):
        assert origin_allowed(origin, own), origin
    for origin in ("null", "http://evil.example:8765", "http://192.168.1.20:8766", "https://192.168.1.20:8765", "http://192.168.1.20", "file://", "", "http://[::1:8765", "ws://127.0.0.1:8765"):
        assert not origin_allowed(origin, own), origin
    behind = own_origins(8765, listen_host="127.0.0.1", lan_address="127.0.0.1", public_url="https://Workshop.Example/room/", hostnames=("laptop.local",), interfaces=["192.168.1.20"])
    assert origin_allowed("https://workshop.example", behind) and origin_allowed("https://workshop.example:443", behind)
    assert origin_allowed("http://laptop.local:8765", behind) and origin_allowed("http://127.0.0.1:8765", behind)
    assert not origin_allowed("http://192.168.1.20:8765", behind), "listening on loopback only: the LAN address is not ours"
    lan_only = own_origins(8765, listen_host="192.168.1.20", lan_address="192.168.1.20", public_url=None, hostnames=(), interfaces=[])
    assert origin_allowed("http://192.168.1.20:8765", lan_only) and not origin_allowed("http://127.0.0.1:8765", lan_only)


async def test_a_page_from_a_rebound_name_or_a_null_origin_cannot_open_the_websocket(tmp_path):
    async with running_room(tmp_path) as room:
        port, code = room.port, room.workshop.session.room_code
        # DNS rebinding: the attacker's name now points here, so Host and Origin agree.
        rebound = upgrade(port, code, f"Origin: http://evil.example:{port}\r\n", host=f"evil.example:{port}")
        for name, data in {
            "a rebound name": rebound,
            "Origin: null": upgrade(port, code, "Origin: null\r\n"),
            "another port of ours": upgrade(port, code, f"Origin: http://{HOST}:{port + 1}\r\n"),
        }.items():
            status, _, body = split(await asyncio.to_thread(ask, port, data))
            assert status == 403 and b"not allowed" in body, f"{name}: {status} {body!r}"
        for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}", None):
            ws = await connect(PhoneClient(room).url, origin=origin, compression=None)
            await ws.close()
        assert (await joined(room, "Ann")).me["id"] == "p1"


async def test_room_code_guesses_are_slowed_per_address_and_learn_nothing_once_slowed(tmp_path):
    async with running_room(tmp_path) as room:
        await room.facilitate(c.Open(exercise="where-we-win"))
        troubles: list[str] = []
        room.on_trouble = troubles.append
        port, code = room.port, room.workshop.session.room_code

        def guesses(n: int) -> list[tuple[int, bytes]]:
            answers = []
            for k in range(n):
                guess = f"ZZ{k:04d}"
                status, _, body = split(ask(port, request("GET", f"/door?room={guess}", port), source="127.0.0.2"))
                answers.append((status, body))
            return answers

        start = time.monotonic()
        answers = await asyncio.to_thread(guesses, 60)
        spent = time.monotonic() - start
        answered = [json.loads(body)["status"] for status, body in answers if status == 200]
        slowed = [body for status, body in answers if status == 429]
        print(f"60 guesses in {spent:.2f} s: {len(answered)} answered, {len(slowed)} slowed")
        assert set(answered) == {403} and len(answered) <= 10 + int(spent * 5) + 1, (answered, spent)
        assert len(answered) + len(slowed) == 60
        assert json.loads(slowed[0])["status"] == 429 and "Wait" in json.loads(slowed[0])["reason"]
        # Once slowed, the right code is no different from a wrong one from there...
        status, _, _ = split(await asyncio.to_thread(ask, port, request("GET", f"/door?room={code}", port), source="127.0.0.2"))
        assert status == 429
        status, headers, _ = split(await asyncio.to_thread(ask, port, upgrade(port, code), source="127.0.0.2"))
        assert status == 429 and headers["retry-after"]
        assert any("room codes" in t and "127.0.0.2" in t for t in troubles), troubles
        # ...while phones elsewhere join and vote as usual.
        ann = await joined(room, "Ann")
        await votes_promptly(ann)
        status, _, body = split(await asyncio.to_thread(ask, port, request("GET", f"/door?room={code}", port)))
        assert status == 200 and json.loads(body) == {"status": 200, "reason": ""}
        await asyncio.sleep(0.5)  # the bucket refills: a guess is answered again
        status, _, body = split(await asyncio.to_thread(ask, port, request("GET", "/door?room=WRONG1", port), source="127.0.0.2"))
        assert status == 200 and json.loads(body)["status"] == 403


async def test_head_gets_the_headers_and_no_body(tmp_path):
    async with running_room(tmp_path) as room:
        port = room.port
        _, get_headers, get_body = split(await asyncio.to_thread(ask, port, request("GET", "/core.js", port)))
        reply = await asyncio.to_thread(ask, port, request("HEAD", "/core.js", port))
        status, headers, body = split(reply)
        assert status == 200 and body == b"", reply[-200:]
        assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))
        assert headers["content-type"].startswith("text/javascript") and headers["content-security-policy"]
        status, headers, body = split(await asyncio.to_thread(ask, port, request("HEAD", f"/ws?room={room.workshop.session.room_code}", port)))
        assert status == 405 and body == b"" and headers["allow"] == "GET"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "OPTIONS", "PATCH", "TRACE"])
async def test_methods_other_than_get_and_head_get_405_with_allow(tmp_path, method):
    async with running_room(tmp_path) as room:
        for path in ("/", "/core.js", f"/door?room={room.workshop.session.room_code}", "/nothing"):
            status, headers, body = split(await asyncio.to_thread(ask, room.port, request(method, path, room.port)))
            assert status == 405 and headers["allow"] == "GET, HEAD" and b"GET" in body, (path, status, body)
            assert headers["connection"] == "close"


async def test_a_request_with_a_body_or_a_pipelined_one_is_answered_and_the_connection_closed(tmp_path):
    async with running_room(tmp_path) as room:
        await room.facilitate(c.Open(exercise="where-we-win"))
        ann = await joined(room, "Ann")
        before = journal_events(room.workshop.folder)
        port = room.port
        cases = {
            "a POST with a body": (request("POST", "/", port, "Content-Length: 5\r\n", b"hello"), 405),
            "a POST with a chunked body": (request("POST", "/door", port, "Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n\r\n"), 405),
            "a GET with a body": (request("GET", "/", port, "Content-Length: 5\r\n", b"hello"), 400),
            "a GET with a chunked body": (request("GET", "/", port, "Transfer-Encoding: chunked\r\n", b"0\r\n\r\n"), 400),
            "a body of a megabyte": (request("POST", "/", port, "Content-Length: 1048576\r\n", b"x" * 1_048_576), 405),
        }
        for name, (data, expected) in cases.items():
            reply = await asyncio.to_thread(ask, port, data)
            assert reply, f"{name}: no answer"
            status, headers, _ = split(reply)
            assert status == expected and headers["connection"] == "close", f"{name}: {reply[:200]!r}"
        # Two requests in one packet: the first is answered, then the connection closes.
        pipelined = request("GET", "/style.css", port) + request("GET", "/core.js", port)
        reply = await asyncio.to_thread(ask, port, pipelined)
        status, headers, body = split(reply)
        assert status == 200 and headers["content-type"].startswith("text/css"), reply[:200]
        assert len(body) == int(headers["content-length"]) and reply.count(b"HTTP/1.1 ") == 1
        # The same, sent in two packets a moment apart.
        raw = await asyncio.to_thread(RawClient, port)
        raw.send(request("GET", "/style.css", port))
        await asyncio.sleep(0.05)
        with suppress(BrokenPipeError, ConnectionResetError):
            raw.send(request("GET", "/core.js", port))
        reply = await asyncio.to_thread(raw.read_to_end)
        raw.close()
        assert reply.startswith(b"HTTP/1.1 200 ") and reply.count(b"HTTP/1.1 ") == 1, reply[:200]
        # A request followed at once by the end of its stream is still answered.
        half = socket.create_connection((HOST, port), timeout=5)
        half.sendall(request("GET", "/style.css", port))
        half.shutdown(socket.SHUT_WR)
        reply = await asyncio.to_thread(lambda: b"".join(iter(lambda: half.recv(65536), b"")))
        half.close()
        assert reply.startswith(b"HTTP/1.1 200 "), reply[:200]
        # A websocket upgrade with its hello in the same packet: the hello is read after the 101.
        code = room.workshop.session.room_code
        raw = await asyncio.to_thread(RawClient, port)
        raw.send(upgrade(port, code) + text({"type": "hello", "v": 1, "room": code, "token": None, "seq": 0}))
        status, _ = await asyncio.to_thread(raw.http_response)
        assert status == 101 and (await asyncio.to_thread(raw.next_message))["type"] == "need_join"
        raw.close()
        await votes_promptly(ann)
        saved_unchanged(room.workshop.folder, before)


async def test_every_answer_carries_the_security_headers_and_the_page_its_own_assets(tmp_path):
    async with running_room(tmp_path) as room:
        port, code = room.port, room.workshop.session.room_code
        cases = {
            "the page": (request("GET", f"/?room={code}", port), 200),
            "core.js": (request("GET", "/core.js", port), 200),
            "a kind's module": (request("GET", "/kinds/dotvote.js", port), 200),
            "style.css": (request("GET", "/style.css", port), 200),
            "index.html": (request("GET", "/index.html", port), 200),
            "the door": (request("GET", f"/door?room={code}", port), 200),
            "a wrong room code at the handshake": (upgrade(port, "WRONG1"), 403),
            "an unknown path": (request("GET", "/.env", port), 404),
            "a PUT": (request("PUT", "/", port), 405),
            "a body": (request("GET", "/", port, "Content-Length: 2\r\n", b"{}"), 400),
            "a request line of 9 KB": (request("GET", "/" + "a" * 9000, port), 414),
            "300 headers": (upgrade(port, code, "".join(f"X-H{n}: {n}\r\n" for n in range(300))), 431),
            "a header of 20 KB": (request("GET", "/", port, "X-Pad: " + "a" * 20_000 + "\r\n"), 431),
            "35 KB of headers, each line short enough, arriving whole": (
                request("GET", "/", port, "".join(f"X-Pad{n}: {'a' * 7000}\r\n" for n in range(5))), 431,
            ),
            "a websocket upgrade with a bad Upgrade header": (upgrade_request(port, f"/ws?room={code}", upgrade="carrier-pigeon"), 426),
            "a websocket upgrade without its key": (upgrade(port, code).replace(b"Sec-WebSocket-Key", b"X-Nothing"), 400),
            "a request line of garbage": (b"\x00\x01\x02 /ws HTTP/9.9\r\n\r\n", 400),
            "HTTP/2.0": (b"GET / HTTP/2.0\r\n\r\n", 400),
        }
        for name, (data, expected) in cases.items():
            reply = await asyncio.to_thread(ask, port, data)
            assert reply, f"{name}: no answer"
            status, headers, _ = split(reply)
            assert status == expected, f"{name}: {reply[:300]!r}"
            page_file = name in ("the page", "core.js", "a kind's module", "style.css", "index.html")
            for header, value in SECURITY_HEADERS.items():
                if header == "Content-Security-Policy" and status == 200 and name == "the page":
                    assert "script-src 'self'" in headers["content-security-policy"]
                    continue
                if header == "Cache-Control" and page_file:
                    # The page's own files are kept by the browser but checked at each load (ETag).
                    assert headers["cache-control"] == "no-cache" and headers["etag"], name
                    continue
                assert headers.get(header.lower()) == value, f"{name}: {header} is {headers.get(header.lower())!r}"
        _, headers, body = split(await asyncio.to_thread(ask, port, request("GET", "/core.js", port)))
        web = Path(__file__).resolve().parents[1] / "workshop" / "web"
        assert body == (web / "core.js").read_bytes() and headers["content-type"] == "text/javascript; charset=utf-8"
        assert (await joined(room, "Ann")).me["id"] == "p1"


# ------------------------------------------------------------------ the facilitator is told


async def test_the_facilitator_sees_a_warning_when_room_codes_are_guessed(tmp_path):
    from workshop.tui.app import RoomOptions, build_app

    workshop = sessions.create("Test offsite", "cio-cmo-alignment", organisation="Acme", sessions_dir=tmp_path)
    app = build_app(workshop=workshop, room=RoomOptions(host="127.0.0.1", port=0))
    async with app.run_test(size=(140, 44)) as pilot:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while app.room is None and loop.time() < deadline:
            await pilot.pause(0.05)
        port = app.room.port

        def guess(n: int) -> None:
            for k in range(n):
                ask(port, request("GET", f"/door?room=Z{k:05d}", port), source="127.0.0.2")

        await asyncio.to_thread(guess, 30)
        while loop.time() < deadline and not any("room codes" in str(n.message) for n in app._notifications):
            await pilot.pause(0.05)
        told = [n for n in app._notifications if "room codes" in str(n.message)]
        assert len(told) == 1 and told[0].severity == "warning", [n.message for n in app._notifications]
        assert "127.0.0.2" in told[0].message
        await app.action_quit()
