"""Helpers for the fault tests: the room as a process of its own that can be killed
with SIGKILL and started again on the same port, phones that reconnect by
themselves, and raw sockets that speak (or mangle) the websocket protocol.

Everything listens and connects on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import signal
import socket
import struct
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from workshop import sessions

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on right now: bind port 0, read it, let it go."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def write_template(folder: Path, name: str, exercises: list[dict], min_answers: int = 1) -> Path:
    """A template file with the usual three sides and the given exercise tables; a
    side's figures show from `min_answers` answers (1: these small rooms test the
    arithmetic and the screens, not privacy's small-group rule)."""
    lines = [f'title = "{name}"', f"min_answers = {min_answers}", ""]
    for side, label in (("it", "IT"), ("marketing", "Marketing"), ("other", "Other")):
        lines += ["[[sides]]", f'id = "{side}"', f'label = "{label}"', ""]
    for exercise in exercises:
        lines.append("[[exercises]]")
        for key, value in exercise.items():
            lines.append(f"{key} = {json.dumps(value)}")
        lines.append("")
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def new_session(tmp_path: Path, template: str = "cio-cmo-alignment", **kwargs) -> tuple[Path, str]:
    """A saved session in tmp_path/sessions, closed again: (folder, room code)."""
    workshop = sessions.create("Fault offsite", template, sessions_dir=tmp_path / "sessions", **kwargs)
    folder, code = workshop.folder, workshop.session.room_code
    workshop.close()
    return folder, code


# ---------------------------------------------------------------- the room as a process


class Headless:
    """`python -m workshop.bench.headless FOLDER --port PORT …` as a child process.

    `start()` returns once the room printed its listening line; `kill9()` ends it
    with SIGKILL; `stop()` with SIGTERM (a clean stop). Its stderr goes to a file
    in the session's parent folder, named in every failure message.
    """

    def __init__(self, folder: Path, port: int, *, open_exercise: str | None = None, keepalive: float | None = None):
        self.folder, self.port = folder, port
        self.args = [sys.executable, "-m", "workshop.bench.headless", str(folder), "--host", HOST, "--port", str(port)]
        if open_exercise:
            self.args += ["--open", open_exercise]
        if keepalive is not None:
            self.args += ["--keepalive", str(keepalive)]
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.stderr_path = folder.parent / f"headless-{folder.name}.stderr.txt"
        self.room: str | None = None
        self.listening_at = 0.0

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-4000:]
        except FileNotFoundError:
            return ""

    async def start(self, timeout: float = 20.0) -> float:
        """Start the room; returns the monotonic time its listening line was read."""
        self.starts += 1
        with open(self.stderr_path, "ab") as stderr:
            stderr.write(f"--- start {self.starts}\n".encode())
            stderr.flush()
            self.process = await asyncio.create_subprocess_exec(
                *self.args, stdout=asyncio.subprocess.PIPE, stderr=stderr, cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            self.kill9_nowait()
            raise AssertionError(f"the room did not start within {timeout} s:\n{self.stderr()}") from None
        self.listening_at = time.monotonic()
        assert line, f"the room exited before listening:\n{self.stderr()}"
        hello = json.loads(line)
        assert hello["port"] == self.port, f"the room moved from port {self.port} to {hello['port']}"
        self.room = hello["room"]
        return self.listening_at

    def kill9_nowait(self) -> None:
        if self.process is not None and self.process.returncode is None:
            with suppress(ProcessLookupError):  # it died by itself just now
                self.process.send_signal(signal.SIGKILL)

    async def kill9(self) -> None:
        self.kill9_nowait()
        await self.process.wait()
        assert self.process.returncode == -signal.SIGKILL

    async def stop(self, timeout: float = 20.0) -> dict:
        """SIGTERM and wait; the figures the room prints on a clean stop."""
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _ = await asyncio.wait_for(self.process.communicate(), timeout)
        except TimeoutError:
            self.kill9_nowait()
            await self.process.wait()
            raise AssertionError(f"the room did not stop within {timeout} s on SIGTERM:\n{self.stderr()}") from None
        assert self.process.returncode == 0, f"the room stopped with {self.process.returncode}:\n{self.stderr()}"
        return json.loads(out.splitlines()[-1])

    async def ensure_dead(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.kill9_nowait()
            await self.process.wait()

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/ws?room={self.room}"


# ---------------------------------------------------------------- a phone that reconnects


def backoff(attempt: int, rng: random.Random) -> float:
    """What a phone waits before its next try: 0.1 s doubling up to 2 s, ±50 % jitter."""
    return min(2.0, 0.1 * 2**attempt) * rng.uniform(0.5, 1.5)


@dataclass(eq=False)
class Phone:
    """A lean phone: connects, joins once (always with the same join id), and after
    any drop reconnects by itself with backoff and jitter, saying hello with its
    token. `act()` sends a command and waits for its answer; when the connection
    drops before the answer, the same frame (same id) is sent again after the
    reconnect, as the phone page does."""

    url: str
    room: str
    index: int
    rng: random.Random
    gate: asyncio.Semaphore | None = None
    side: str = "it"
    token: str | None = None
    pid: str | None = None
    welcomes: list = field(default_factory=list)
    """(participant id, monotonic time) of every welcome."""
    resent: int = 0
    """Frames sent again after a drop, their answer not yet known."""
    mine: dict | None = None
    ws: object = None
    task: asyncio.Task | None = None
    _ready: asyncio.Event = field(default_factory=asyncio.Event)
    _lost: asyncio.Future | None = None
    _waiting: dict = field(default_factory=dict)
    _stop: bool = False

    @property
    def join_id(self) -> str:
        return f"join-phone-{self.index:05d}"

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def wait_ready(self, timeout: float) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def close(self) -> None:
        self._stop = True
        if self.ws is not None:
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _run(self) -> None:
        attempt = 0
        while not self._stop:
            try:
                if self.gate is None:
                    ws = await connect(self.url, compression=None, open_timeout=5, close_timeout=1, max_queue=None)
                else:
                    async with self.gate:
                        ws = await connect(self.url, compression=None, open_timeout=5, close_timeout=1, max_queue=None)
            except (TimeoutError, OSError, InvalidHandshake):
                await asyncio.sleep(backoff(attempt, self.rng))
                attempt += 1
                continue
            self.ws, attempt = ws, 0
            self._lost = asyncio.get_running_loop().create_future()
            try:
                with suppress(ConnectionClosed, OSError):  # dropped: reconnect below
                    await self._session(ws)
            finally:
                self._ready.clear()
                if not self._lost.done():
                    self._lost.set_result(None)
                self.ws = None
            if not self._stop:
                await asyncio.sleep(backoff(attempt, self.rng))
                attempt += 1

    async def _session(self, ws) -> None:
        await ws.send(json.dumps({"type": "hello", "v": 1, "room": self.room, "token": self.token, "seq": 0}))
        async for frame in ws:
            if frame.startswith('{"type":"view"'):
                continue  # views are whole states; these phones only need their answers
            message = json.loads(frame)
            kind = message["type"]
            if kind == "need_join":
                assert self.token is None, f"phone {self.index} was asked to join again: {message}"
                await ws.send(json.dumps({"type": "join", "id": self.join_id, "name": f"Phone {self.index}", "side": self.side}))
            elif kind == "welcome":
                self.token, self.pid = message["token"], message["me"]["id"]
                self.welcomes.append((self.pid, time.monotonic()))
                self._ready.set()
            elif kind in ("ack", "refused", "error"):
                waiter = self._waiting.pop(message.get("id"), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(message)

    async def act(self, cmd_id: str, command: dict, timeout: float = 30.0) -> dict:
        """The answer (`ack` or `refused`) to one command, however many drops it takes."""
        frame = json.dumps({"type": "act", "id": cmd_id, "command": command})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        sent_before = False
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"phone {self.index}: no answer to {cmd_id} within {timeout} s")
            await asyncio.wait_for(self._ready.wait(), remaining)
            ws, lost = self.ws, self._lost
            if ws is None or not self._ready.is_set() or lost.done():
                await asyncio.sleep(0.01)  # dropped again between the welcome and now
                continue
            waiter = loop.create_future()
            self._waiting[cmd_id] = waiter
            try:
                if sent_before:
                    self.resent += 1
                sent_before = True
                with suppress(ConnectionClosed):  # no answer then: sent again below
                    await ws.send(frame)
                    await asyncio.wait({waiter, lost}, timeout=max(0.01, deadline - loop.time()), return_when=asyncio.FIRST_COMPLETED)
            finally:
                self._waiting.pop(cmd_id, None)
            if not waiter.done():
                await asyncio.sleep(0.01)  # dropped (or timed out): wait for the next connection
                continue
            answer = waiter.result()
            if answer["type"] == "error" and answer.get("code") == "too_fast":
                await asyncio.sleep(0.3)
                continue
            if answer["type"] == "ack":
                self.mine = answer["mine"]
            return answer


# ---------------------------------------------------------------- raw websocket bytes


def upgrade_request(port: int, path: str, *, upgrade: str = "websocket", extra: str = "") -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: {upgrade}\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    ).encode()


def frame(opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bool = True, rsv: int = 0, length: int | None = None) -> bytes:
    """One websocket frame as a client sends it (masked unless told otherwise);
    `length` lies about the payload length in the header."""
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    size = len(payload) if length is None else length
    mask_bit = 0x80 if mask else 0
    if size < 126:
        header = struct.pack("!BB", first, mask_bit | size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", first, mask_bit | 126, size)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, size)
    if not mask:
        return header + payload
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def text(payload: dict | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return frame(0x1, data.encode())


class RawClient:
    """A blocking TCP socket to the room, for bytes no proper client would send."""

    def __init__(self, port: int, *, rcvbuf: int | None = None, timeout: float = 5.0):
        self.sock = socket.socket()
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((HOST, port))
        self.buffer = b""

    @property
    def local_port(self) -> int:
        return self.sock.getsockname()[1]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def http_response(self) -> tuple[int, bytes]:
        """(status, body so far) of the HTTP answer; the rest stays in the buffer."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                raise EOFError(f"closed before a whole HTTP answer: {self.buffer[:200]!r}")
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
        while len(self.buffer) < length:
            if not self._fill():
                break
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, body

    def upgrade(self, port: int, code: str) -> None:
        self.send(upgrade_request(port, f"/ws?room={code}"))
        status, body = self.http_response()
        assert status == 101, (status, body)

    def next_frame(self) -> tuple[int, bytes]:
        """(opcode, payload) of the next frame from the room; EOFError at the end."""
        while True:
            if len(self.buffer) >= 2:
                opcode, size = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
                start = 2
                if size == 126 and len(self.buffer) >= 4:
                    size, start = struct.unpack("!H", self.buffer[2:4])[0], 4
                elif size == 127 and len(self.buffer) >= 10:
                    size, start = struct.unpack("!Q", self.buffer[2:10])[0], 10
                if size < 126 or start > 2:
                    if len(self.buffer) >= start + size:
                        payload = self.buffer[start : start + size]
                        self.buffer = self.buffer[start + size :]
                        return opcode, payload
            if not self._fill():
                raise EOFError("the room closed the connection")

    def next_message(self) -> dict:
        """The next JSON text frame (pings are answered as a phone would)."""
        while True:
            opcode, payload = self.next_frame()
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x9:
                self.send(frame(0xA, payload))
            if opcode == 0x8:
                raise EOFError(f"close frame {payload!r}")

    def close_code(self) -> int | None:
        """Read until the room's close frame: its code (None if the TCP connection
        ended without one). Then expect the end of the connection."""
        code = None
        try:
            while True:
                opcode, payload = self.next_frame()
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    break
        except (EOFError, ConnectionResetError):
            return code
        self.read_to_end()
        return code

    def read_to_end(self) -> bytes:
        """Everything until the room closes the connection (socket timeout otherwise)."""
        with suppress(ConnectionResetError):
            while chunk := self.sock.recv(65536):
                self.buffer += chunk
        return self.buffer

    def close(self) -> None:
        self.sock.close()


# ---------------------------------------------------------------- looking at the room from outside


def server_socket_inode(server_port: int, client_port: int) -> int | None:
    """The inode of the room's end of one TCP connection (from /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, remote, inode = parts[1], parts[2], int(parts[9])
        if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
            return inode or None
    return None


def holds_socket(pid: int, inode: int) -> bool:
    """True while process `pid` still has the socket open."""
    target = f"socket:[{inode}]"
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == target:
                return True
        except OSError:
            continue
    return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def journal_events(folder: Path) -> list[dict]:
    """Every event in the session's journal, as saved."""
    lines = (folder / "journal.jsonl").read_bytes().splitlines()
    return [json.loads(line.split(b" ", 1)[1]) for line in lines if line]
