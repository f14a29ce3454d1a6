"""The load storm behind `workshop loadtest` and the benchmark: many lean phones
join a room on this machine, then a scheduler sends votes at a fixed total rate,
alternating vote and unvote so no budget runs out.

It measures vote → acknowledgement per vote, and vote → updated view on EVERY phone
(the slowest phone's first view whose seq covers the vote's). Views are recognised
by their fixed prefix, so a phone does not parse the whole frame. Load only ever
goes to a loopback address (`require_loopback`).
"""

from __future__ import annotations

import asyncio
import bisect
import ipaddress
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from ..demo import SIDES

VIEW_SEQ = re.compile(r'^\{"v":1,"type":"view","seq":(\d+)')
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def require_loopback(url: str) -> None:
    """Load only ever goes to this machine: refuse any other address."""
    host = urlsplit(url).hostname or ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host in LOOPBACK_NAMES
    if not ok:
        raise ValueError(f"Load tests only run against this machine (127.0.0.1 or ::1), not {host!r}.")


@dataclass
class LeanPhone:
    """A phone reduced to what the load test measures."""

    index: int
    ws: object = None
    token: str | None = None
    pid: str | None = None
    views: list = field(default_factory=list)
    """(seq, monotonic time) of every view received, in order."""
    pending: dict = field(default_factory=dict)
    reader: asyncio.Task | None = None

    @property
    def name(self) -> str:
        return f"load-{self.index:04d}"

    async def join(self, url: str, room_code: str, side: str) -> None:
        self.ws = await connect(url, compression=None, open_timeout=30, max_queue=None)
        await self.ws.send(json.dumps({"type": "hello", "v": 1, "room": room_code, "token": self.token}))
        while True:
            message = json.loads(await self.ws.recv())
            if message["type"] == "need_join":
                await self.ws.send(json.dumps({"type": "join", "id": f"{self.name}-join", "name": self.name, "side": side}))
            elif message["type"] == "welcome":
                self.token, self.pid = message["token"], message["me"]["id"]
                break
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                match = VIEW_SEQ.match(frame)
                if match:
                    self.views.append((int(match.group(1)), time.monotonic()))
                    continue
                message = json.loads(frame)
                waiter = self.pending.pop(message.get("id"), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result((message, time.monotonic()))
        except ConnectionClosed:
            pass

    async def act(self, cmd_id: str, command: dict, timeout: float = 10.0):
        """Send a command; returns (answer, monotonic time of the answer) or None."""
        waiter = asyncio.get_running_loop().create_future()
        self.pending[cmd_id] = waiter
        await self.ws.send(json.dumps({"type": "act", "id": cmd_id, "command": command}))
        try:
            return await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            self.pending.pop(cmd_id, None)
            return None

    def first_view_at_or_after(self, seq: int) -> float | None:
        index = bisect.bisect_left(self.views, (seq, 0.0))
        return self.views[index][1] if index < len(self.views) else None

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def storm(
    url: str,
    room_code: str,
    *,
    phones: int,
    exercise: str,
    items: list[str],
    rate: float = 100.0,
    duration: float = 10.0,
    connect_concurrency: int = 100,
    on_connected: Callable[[], None] | None = None,
) -> dict:
    """Join `phones` lean phones, then vote at `rate` per second for `duration`
    seconds. Returns the figures and, per participant, the dots they should hold.
    `on_connected` is called once every phone has joined, before the first vote
    (the benchmark tells the server, which then measures the two phases apart)."""
    require_loopback(url)
    crowd = [LeanPhone(n) for n in range(phones)]
    gate = asyncio.Semaphore(connect_concurrency)

    async def join(phone: LeanPhone):
        async with gate:
            await phone.join(url, room_code, SIDES[phone.index % len(SIDES)])

    started = time.monotonic()
    await asyncio.gather(*(join(p) for p in crowd))
    connect_seconds = time.monotonic() - started
    if on_connected is not None:
        on_connected()
        await asyncio.sleep(0.2)  # a moment between the phases: what the server measures next is the votes

    holding: dict[str, dict[str, int]] = {p.pid: {} for p in crowd}
    acks, sent_at, ack_seq, refused, lost = [], [], [], 0, 0
    total = int(rate * duration)
    interval = 1.0 / rate
    tasks = []

    async def one(n: int):
        nonlocal refused, lost
        phone = crowd[n % phones]
        item = items[(n // phones) % len(items)]
        mine = holding[phone.pid]
        kind = "unvote" if mine.get(item) else "vote"
        t0 = time.monotonic()
        answer = await phone.act(f"{phone.name}-{n:07d}", {"type": kind, "exercise": exercise, "item": item})
        if answer is None:
            lost += 1
            return
        message, at = answer
        if message["type"] != "ack":
            refused += 1
            return
        mine[item] = mine.get(item, 0) + (1 if kind == "vote" else -1)
        acks.append(at - t0)
        sent_at.append(t0)
        ack_seq.append(message["seq"])

    begin = time.monotonic()
    for n in range(total):
        delay = begin + n * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    await asyncio.sleep(0.5)  # the last broadcast

    spread = []
    for t0, seq in zip(sent_at, ack_seq):
        arrivals = [p.first_view_at_or_after(seq) for p in crowd]
        if all(a is not None for a in arrivals):
            spread.append(max(arrivals) - t0)
    for phone in crowd:
        await phone.close()
    return {
        "phones": phones,
        "connect_s": round(connect_seconds, 3),
        "votes_sent": total,
        "votes_acked": len(acks),
        "votes_refused": refused,
        "votes_unanswered": lost,
        "ack_p50_ms": _ms(_pct(acks, 0.5)),
        "ack_p99_ms": _ms(_pct(acks, 0.99)),
        "all_phones_p50_ms": _ms(_pct(spread, 0.5)),
        "all_phones_p99_ms": _ms(_pct(spread, 0.99)),
        "views_missing": len(acks) - len(spread),
        "expected": {pid: {k: v for k, v in held.items() if v} for pid, held in holding.items()},
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def main(argv: list[str] | None = None) -> int:
    """`workshop loadtest`: a storm of votes from N phones against a running room."""
    import argparse

    parser = argparse.ArgumentParser(prog="workshop loadtest", description=main.__doc__)
    parser.add_argument("--url", required=True, help="the room's join URL, e.g. http://127.0.0.1:8765/?room=K7QM2X")
    parser.add_argument("--exercise", required=True, help="id of an open dotvote exercise")
    parser.add_argument("--items", default="i1,i2,i3", help="item ids to vote on (default i1,i2,i3)")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="votes per second from all phones together")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of storm (at most 120)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    if not (1 <= args.phones <= 2000 and 0 < args.rate <= 2000 and 0 < args.duration <= 120):
        raise ValueError("Keep it bounded: 1–2000 phones, a rate up to 2000/s, a duration up to 120 s.")
    parts = urlsplit(args.url)
    code = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("room", "")
    ws_url = f"ws://{parts.netloc}/ws?room={code}"
    figures = asyncio.run(
        storm(ws_url, code, phones=args.phones, exercise=args.exercise, items=args.items.split(","), rate=args.rate, duration=args.duration)
    )
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            if key != "expected":
                print(f"{key:<20} {value}")
    return 0
