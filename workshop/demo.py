"""The demo's participants: simulated phones, real websocket clients that speak the
phone protocol and act plausibly in whatever exercise is open.

`workshop demo` starts a dozen of them with `run_phones` on the TUI's loop. They only
ever connect to the URL they are given; the CLI and the tests give them loopback
addresses. (The load storm of `workshop loadtest` is tooling and lives in
`workshop.bench.loadtest`.)

What a phone does in an exercise is its kind's `simulate` (each kind module says
what a plausible participant does); this module connects, thinks and sends.
Behaviour is drawn from a seeded `random.Random`, so a demo run is repeatable, and
it carries a deliberate **perception gap**: IT people rate the collaboration
higher than Marketing people do, and each side sees itself as the natural lead.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from .activities import KINDS
from .activities.kind import Persona

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

LEAN = {"it": 1, "marketing": -1}
"""The direction of each side's bias (`Persona.lean`)."""


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

    async def run(self, after: float = 0.0) -> None:
        """Connect (and reconnect with backoff) until stopped, the first time `after`
        seconds from now; act on each new view."""
        if after:
            await asyncio.sleep(after)
        attempt = 0
        while not self.stop.is_set():
            try:
                async with connect(self.url, compression=None, open_timeout=10) as ws:
                    self.ws = ws
                    attempt = 0
                    await self._session(ws)
            except (TimeoutError, OSError, ConnectionClosed):
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
                        actor = None  # and act on the new one now: a cancelled task is not done yet
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
        except (TimeoutError, ConnectionClosed):
            return None
        finally:
            self._acks.pop(cmd_id, None)

    async def think(self, low: float, high: float) -> None:
        if self.pace:
            await asyncio.sleep(self.rng.uniform(low, high) * self.pace)

    # ------------------------------------------------------------ behaviour

    async def _act(self) -> None:
        """Act once per exercise opening, as its kind says a participant would."""
        exercise = (self.view or {}).get("exercise") or {}
        if exercise.get("status") != "open":
            return
        key = exercise["id"]
        kind = KINDS[exercise["kind"]]
        if key in self.acted or (kind.items_only and not exercise.get("items")):
            return  # done already, or nothing to act on yet (it may get items when reopened)
        who = Persona(side=self.side, lean=LEAN.get(self.side, 0), ideas=tuple(idea_pool(exercise, self.side)), remarks=tuple(COMMENTS))
        commands = kind.simulate(exercise, who, self.rng)
        if not commands:
            return  # nothing to do yet (a breakout table waits for its draft): look again at the next view
        self.acted.add(key)
        await self.think(2, 12)
        for command in commands:
            await self.send(command)
            # Writing takes longer than tapping.
            await (self.think(5, 20) if "text" in command else self.think(0.5, 2))


async def run_phones(url: str, room_code: str, count: int, *, seed: int = 7, pace: float = 1.0, stop: asyncio.Event | None = None) -> list[SimPhone]:
    """Start `count` simulated phones as tasks on this loop and return them at once
    (before any has connected: the room asks the app which connections are its demo
    phones from the first join on); they run until `stop` is set. Connections are
    staggered slightly, as people are."""
    stop = stop or asyncio.Event()
    phones = [SimPhone(url, room_code, n, random.Random(seed * 1000 + n), pace=pace, stop=stop) for n in range(count)]
    after = 0.0
    for phone in phones:
        phone.task = asyncio.create_task(phone.run(after))
        if pace:
            after += random.Random(seed + phone.index).uniform(0.05, 0.3) * pace
    return phones
