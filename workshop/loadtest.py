"""Simulated phones: real websocket clients that speak the phone protocol.

Used by `workshop demo` (a dozen plausible participants acting in whatever exercise
is open) and by the load benchmark (hundreds of phones, a storm of votes). They
only ever connect to the URL they are given; the CLI and the tests give them
loopback addresses.

Behaviour is drawn from a seeded `random.Random`, so a demo run is repeatable, and
it carries a deliberate **perception gap**: IT people rate the collaboration
higher than Marketing people do, and each side sees itself as the natural lead.
"""

from __future__ import annotations

import asyncio
import bisect
import ipaddress
import json
import random
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .engine import ITEM_KINDS

NAMES = [
    "Amara", "Ben", "Chloé", "Dev", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
    "Maya", "Nils", "Olu", "Priya", "Quentin", "Rosa", "Sami", "Tariq", "Uma", "Viktor", "Wen", "Ximena",
]

IDEAS = {
    "worries": {
        "it": [
            "Marketing buys tools we find out about when they break",
            "Customer data copied into spreadsheets nobody secures",
            "Campaign deadlines set before anyone asks about integration",
            "Pilots that never scale beyond one market",
            "Licence fees counted, running costs forgotten",
        ],
        "marketing": [
            "IT takes months to approve a simple tool",
            "We find out about platform changes after launch",
            "Every request becomes a project with a steering committee",
            "Security reviews that arrive after the campaign is live",
            "Systems built for IT, not for the people who sell",
        ],
    },
    "customer": {
        "it": [
            "A single customer view both teams trust",
            "Consent and preferences honoured on every channel",
            "Fast, reliable digital service at peak times",
            "One login across web, app and store",
        ],
        "marketing": [
            "Personalised offers in real time on every channel",
            "Faster experiments: days, not quarters",
            "A mobile app customers actually keep",
            "Pop-up stores that know the customer walking in",
        ],
    },
    "kpi": {
        "it": ["Time from request to live", "Platform cost per active customer", "Share of data that is consented and clean"],
        "marketing": ["Net promoter score", "Cost per acquired customer", "Campaign lift measured against a control"],
    },
    "ways": {
        "it": ["A shared backlog reviewed every fortnight", "IT architects sit in campaign planning"],
        "marketing": ["Marketing shows IT's wins at the town hall", "Quarterly joint budget review with the CFO"],
    },
}
"""Ideas by topic and side; the topic is guessed from the exercise's id and title."""


def idea_pool(exercise: dict, side: str) -> list[str]:
    words = f"{exercise['id']} {exercise['title']}".lower()
    topic = "worries" if "worr" in words or "concern" in words else "kpi" if "kpi" in words else "ways" if "way" in words else "customer"
    pool = IDEAS[topic]
    return list(pool.get(side) or pool["it"][:2] + pool["marketing"][:2])


COMMENTS = [
    "Start with one market and measure it",
    "Needs a named owner on both sides",
    "Tie it to the customer retention KPI",
    "Budget has to come from both lines",
    "Let's pilot it next quarter",
]

SIDES = ("it", "marketing", "it", "marketing", "other")
"""Side of the n-th phone, cycling: equal IT and Marketing, a few Others."""


def _backoff(attempt: int, rng: random.Random) -> float:
    """Exponential backoff with jitter: 0.2 s doubling up to 5 s, ±50 %."""
    return min(5.0, 0.2 * 2**attempt) * rng.uniform(0.5, 1.5)


@dataclass
class SimPhone:
    """One simulated participant. `run()` joins and acts until `stop` is set."""

    url: str
    room_code: str
    index: int
    rng: random.Random
    pace: float = 1.0
    """Multiplies every think time: 1.0 is a person, 0 acts at once."""
    name: str = ""
    side: str = ""
    token: str | None = None
    view: dict | None = None
    mine: dict | None = None
    acted: set = field(default_factory=set)
    ws: object = None
    task: asyncio.Task | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    _n: int = 0
    _acks: dict = field(default_factory=dict)

    def __post_init__(self):
        self.name = self.name or NAMES[self.index % len(NAMES)] + ("" if self.index < len(NAMES) else f" {self.index}")
        self.side = self.side or SIDES[self.index % len(SIDES)]

    def next_id(self) -> str:
        self._n += 1
        return f"sim{self.index:04d}-{self._n:06d}"

    async def run(self) -> None:
        """Connect (and reconnect with backoff) until stopped; act on each new view."""
        attempt = 0
        while not self.stop.is_set():
            try:
                async with connect(self.url, compression=None, open_timeout=10) as ws:
                    self.ws = ws
                    attempt = 0
                    await self._session(ws)
            except (OSError, ConnectionClosed, asyncio.TimeoutError):
                pass
            finally:
                self.ws = None
            if self.stop.is_set():
                return
            await asyncio.sleep(_backoff(attempt, self.rng))
            attempt += 1

    async def _session(self, ws) -> None:
        await ws.send(json.dumps({"type": "hello", "v": 1, "room": self.room_code, "token": self.token}))
        actor, acting_on = None, None
        try:
            async for frame in ws:
                message = json.loads(frame)
                kind = message["type"]
                if kind == "need_join":
                    await ws.send(json.dumps({"type": "join", "id": self.next_id(), "name": self.name, "side": self.side}))
                elif kind == "welcome":
                    self.token = message["token"]
                elif kind == "view":
                    self.view = message["room"]
                    self.mine = message.get("mine", self.mine)
                    exercise = self.view["exercise"]
                    current = (exercise["id"], exercise["status"])
                    if actor is not None and not actor.done() and acting_on != current:
                        actor.cancel()  # the room moved on: stop acting on the old exercise
                    if actor is None or actor.done():
                        actor, acting_on = asyncio.create_task(self._act()), current
                elif kind in ("ack", "refused"):
                    if kind == "ack":
                        self.mine = message["mine"]
                    waiter = self._acks.pop(message.get("id"), None)
                    if waiter and not waiter.done():
                        waiter.set_result(message)
                if self.stop.is_set():
                    return
        finally:
            if actor:
                actor.cancel()

    async def send(self, command: dict) -> dict | None:
        """Send one command and wait for its answer (None if the connection dropped)."""
        if self.ws is None:
            return None
        cmd_id = self.next_id()
        waiter = asyncio.get_running_loop().create_future()
        self._acks[cmd_id] = waiter
        try:
            await self.ws.send(json.dumps({"type": "act", "id": cmd_id, "command": command}))
            return await asyncio.wait_for(waiter, 10)
        except (ConnectionClosed, asyncio.TimeoutError):
            return None
        finally:
            self._acks.pop(cmd_id, None)

    async def think(self, low: float, high: float) -> None:
        if self.pace:
            await asyncio.sleep(self.rng.uniform(low, high) * self.pace)

    # ------------------------------------------------------------ behaviour

    async def _act(self) -> None:
        """Act once per exercise opening, plausibly for its kind."""
        exercise = (self.view or {}).get("exercise") or {}
        if exercise.get("status") != "open":
            return
        key = exercise["id"]
        if key in self.acted or (exercise["kind"] in ITEM_KINDS and not exercise.get("items")):
            return  # done already, or nothing to act on yet (it may get items when reopened)
        self.acted.add(key)
        await self.think(2, 12)
        act = getattr(self, f"_{exercise['kind']}", None)
        if act is not None:
            await act(exercise)

    def _lean(self) -> int:
        """+1 for IT, -1 for Marketing, 0 otherwise: the direction of this person's bias."""
        return {"it": 1, "marketing": -1}.get(self.side, 0)

    async def _scale(self, ex):
        top = ex["config"]["max"]
        # At a check-out (a scale that compares with an earlier one) the room has
        # moved: higher and closer together — what a good workshop does.
        lift, lean = (0.8, 0.3) if ex["config"].get("compare_with") else (0.0, 0.8)
        for item in ex["items"]:
            base = (top + 1) / 2 + lift + lean * self._lean() + self.rng.gauss(0, 0.8)
            value = max(1, min(top, round(base)))
            await self.send({"type": "rate", "exercise": ex["id"], "item": item["id"], "value": value})
            await self.think(0.5, 2)

    async def _brainstorm(self, ex):
        pool = idea_pool(ex, self.side)
        self.rng.shuffle(pool)
        for text in pool[: self.rng.randint(1, min(3, ex["config"]["max_per_person"]))]:
            await self.send({"type": "submit_idea", "exercise": ex["id"], "text": text})
            await self.think(5, 20)

    async def _dotvote(self, ex):
        items = ex["items"]
        if not items:
            return
        favourites = self.rng.sample(items, k=min(3, len(items)))
        for _ in range(ex["config"]["dots"]):
            item = self.rng.choice(favourites)
            answer = await self.send({"type": "vote", "exercise": ex["id"], "item": item["id"]})
            if answer and answer["type"] == "refused":
                item = self.rng.choice(items)
                await self.send({"type": "vote", "exercise": ex["id"], "item": item["id"]})
            await self.think(0.5, 3)

    async def _poll(self, ex):
        items = ex["items"]
        k = self.rng.randint(1, min(3, len(items))) if ex["config"]["multi"] else 1
        picked = [i["id"] for i in self.rng.sample(items, k=k)]
        await self.send({"type": "pick", "exercise": ex["id"], "items": picked})

    async def _allocate(self, ex):
        items = ex["items"]
        if not items:
            return
        budget = ex["config"]["budget"]
        weights = [self.rng.random() ** 2 + 0.05 for _ in items]
        points = [int(budget * w / sum(weights)) for w in weights]
        points[weights.index(max(weights))] += budget - sum(points)
        allocation = {item["id"]: p for item, p in zip(items, points) if p}
        await self.send({"type": "allocate", "exercise": ex["id"], "points": allocation})

    async def _matrix(self, ex):
        top = ex["config"]["max"]
        for n, item in enumerate(ex["items"]):
            impact = max(1, min(top, round(top - n * 0.6 + self.rng.gauss(0, 0.9))))
            effort = max(1, min(top, round(2 + n % 3 + self.rng.gauss(0, 0.9))))
            await self.send({"type": "place", "exercise": ex["id"], "item": item["id"], "x": impact, "y": effort})
            await self.think(0.5, 2)

    async def _ownership(self, ex):
        choices = ex["config"]["choices"]
        for item in ex["items"]:
            own = 0 if self.side == "it" else 1 if self.side == "marketing" else self.rng.randrange(len(choices))
            roll = self.rng.random()
            choice = own if roll < 0.45 else (len(choices) - 1 if roll < 0.85 else self.rng.randrange(len(choices)))
            await self.send({"type": "choose_owner", "exercise": ex["id"], "item": item["id"], "choice": choice})
            await self.think(0.3, 1.5)

    async def _initiatives(self, ex):
        targets = [i["id"] for i in ex.get("initiatives", [])] or [i["id"] for i in ex["items"]]
        if not targets:
            return
        target = self.rng.choice(targets)
        await self.send({"type": "volunteer", "exercise": ex["id"], "target": target})
        if self.rng.random() < 0.4:
            await self.think(3, 10)
            await self.send({"type": "comment", "exercise": ex["id"], "target": target, "text": self.rng.choice(COMMENTS)})


async def run_phones(url: str, room_code: str, count: int, *, seed: int = 7, pace: float = 1.0, stop: asyncio.Event | None = None) -> list[SimPhone]:
    """Start `count` simulated phones as tasks on this loop and return them; they
    run until `stop` is set. Connections are staggered slightly, as people are."""
    stop = stop or asyncio.Event()
    phones = [SimPhone(url, room_code, n, random.Random(seed * 1000 + n), pace=pace, stop=stop) for n in range(count)]
    for phone in phones:
        phone.task = asyncio.create_task(phone.run())
        if pace:
            await asyncio.sleep(random.Random(seed + phone.index).uniform(0.05, 0.3) * pace)
    return phones


def websocket_url(base: str, room_code: str) -> str:
    """`http://host:port` → `ws://host:port/ws?room=CODE`."""
    return base.replace("http://", "ws://", 1).rstrip("/") + f"/ws?room={room_code}"



# --------------------------------------------------------------------------- storm
#
# The load test: many lean phones join, then a scheduler sends votes at a fixed
# total rate, alternating vote and unvote so no budget runs out. It measures
# vote → acknowledgement per vote, and vote → updated view on EVERY phone (the
# slowest phone's first view whose seq covers the vote's). Views are recognised
# by their fixed prefix, so a phone does not parse the whole frame.

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
        except asyncio.TimeoutError:
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
) -> dict:
    """Join `phones` lean phones, then vote at `rate` per second for `duration`
    seconds. Returns the figures and, per participant, the dots they should hold."""
    require_loopback(url)
    crowd = [LeanPhone(n) for n in range(phones)]
    gate = asyncio.Semaphore(connect_concurrency)

    async def join(phone: LeanPhone):
        async with gate:
            await phone.join(url, room_code, SIDES[phone.index % len(SIDES)])

    started = time.monotonic()
    await asyncio.gather(*(join(p) for p in crowd))
    connect_seconds = time.monotonic() - started

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
