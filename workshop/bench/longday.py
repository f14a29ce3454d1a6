"""The long day: a 30-person full-day session (template `full-day-alignment`) made
on disk with the real store, then the facilitator's everyday commands timed on it.

    python -m workshop.bench --long-day [--people 30] [--rounds N]

Generation drives the session the way the room does: every phone's input is a JSON
frame parsed by `protocol.parse` and decided and saved by `Workshop.handle_async`
(many inputs in flight share one fsync, as in the room), the facilitator's commands
go through the same call, and the clock is fixed (the session is the same every
time for the same arguments). Everyone answers every exercise (what a phone does is
its kind's `simulate`, as the demo's phones do), then keeps changing their mind for
`rounds` more taps per exercise — dots moved, ratings, placings and owners redone,
polls and rankings answered again, their ideas edited, their breakout table's draft
rewritten — which is how a 30-person day reaches 50 000 events (about 70 per person
and exercise; the count is the issue's sizing of a long day). The facilitator adds
ideas said aloud, hides, merges and groups ideas, starts and extends timers,
reveals, drafts five initiatives at breakout tables, agrees three and parks one,
and records decisions, actions, risks, asks and a checkpoint.

The timings (`measure`), each beside its target (DESIGN §6):

- `workshop resume` to the run screen: a fresh interpreter that imports the CLI's
  modules, opens the session as `workshop resume` does (`sessions.open_folder`) and
  runs the real app headless (Textual's `run_test` pilot) until the run screen has
  drawn; measured from the process's start (interpreter start-up included) to that
  moment, with its parts;
- `workshop status` and `workshop --help`: the whole command, as a subprocess;
- export: `workshop.export.write_exports` of md, html and json (and the annexes),
  the session already loaded;
- the export preview: in the resumed app, press x and wait until the preview shows;
- the published agenda: a headless room (`headless.py`) on the session, published,
  `/agenda.html?room=CODE` fetched over HTTP on 127.0.0.1 while the room's loop is
  watched for its longest block (the first fetch renders, the second is cached).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEMPLATE = "full-day-alignment"
START = 1_747_206_000.0
"""Wednesday 14 May 2025, 07:00 UTC: the day starts at nine in Central Europe."""
ROOM_CODE = "LNGDAY"
ROUNDS = 72
"""Taps per person and exercise after their first answer (30 people → 50 000+ events)."""
TARGET_EVENTS = 50_000

FIRST = [
    "Dana", "Priya", "Tom", "Lena", "Omar", "Grace", "Marco", "Jonas", "Ravi", "Hana", "Maya", "Aisha",
    "Chloe", "Sofia", "Ben", "Luca", "Nora", "Kwame", "Elena", "Sam", "Ines", "Felix", "Mia", "Yusuf",
    "Amara", "Dev", "Elif", "Farid", "Greta", "Hiro", "Kemi", "Nils", "Olu", "Rosa", "Tariq", "Wen",
]
LAST = ["Whitfield", "Raman", "Becker", "Fischer", "Haddad", "Liu", "Rossi", "Berg", "Patel", "Sato", "Okafor", "Bello"]
QUALIFIERS = [
    "", "for every market", "starting next quarter", "with one owner", "measured monthly", "for loyalty members first",
    "on every channel", "without a new tool", "before the peak season", "with the agencies", "in the app", "in store too",
]
THEMES = ["Speed versus control", "Data we can trust", "Money and ownership", "Customer first"]


def side_of(index: int, people: int) -> str:
    """12 IT, 14 Marketing and 4 Other in a room of 30 (the same shares otherwise)."""
    it, marketing = round(people * 12 / 30), round(people * 14 / 30)
    return "it" if index < it else "marketing" if index < it + marketing else "other"


@dataclass
class Person:
    pid: str
    side: str
    name: str
    rng: random.Random
    ideas: dict[str, list[str]] = field(default_factory=dict)
    """exercise → ids of the ideas this person wrote."""
    edits: int = 0


@dataclass
class Generated:
    folder: Path
    people: int
    events: int
    seconds: float
    refused: Counter
    """Refusal code → count: a phone tapping what the rules do not allow (a dot
    too many, say) is refused, as in the room, and counted here."""
    fsyncs: int = 0


class _Day:
    def __init__(self, workshop, people: int, rounds: int, seed: int):
        self.workshop = workshop
        self.people_count = people
        self.rounds = rounds
        self.rng = random.Random(seed)
        self.now = START
        self.ids = itertools.count(1)
        self.people: list[Person] = []
        self.refused: Counter = Counter()

    # ------------------------------------------------------------ sending

    def tick(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    async def fac(self, command, seconds: float = 5.0):
        from ..engine import Refused
        from ..model import FACILITATOR

        outcome = await self.workshop.handle_async(FACILITATOR, f"f{next(self.ids)}", command, self.tick(seconds))
        if isinstance(outcome, Refused):
            raise RuntimeError(f"the facilitator's {command!r} was refused: {outcome.reason}")
        return outcome

    async def taps(self, makers: list[tuple[Person, Callable[[], dict[str, Any] | None]]], step: float) -> None:
        """Phones' inputs, all in flight at once as in a busy room: each task builds its
        command from the state as it is when its turn comes (tasks start in order, and
        each decides before the next starts), parses it as the room parses a frame,
        then awaits durability. Many share one fsync."""
        from .. import protocol
        from ..engine import Refused

        async def one(person: Person, make: Callable[[], dict[str, Any] | None], at: float) -> None:
            command = make()
            if command is None:
                return
            cmd_id = f"{person.pid}-{next(self.ids):07d}"
            act = protocol.parse(json.dumps({"type": "act", "id": cmd_id, "command": command}))
            outcome = await self.workshop.handle_async(person.pid, act.id, act.command, at)
            if isinstance(outcome, Refused):
                self.refused[outcome.code] += 1

        tasks = [asyncio.ensure_future(one(person, make, self.tick(step))) for person, make in makers]
        await asyncio.gather(*tasks)

    # ------------------------------------------------------------ the day

    async def run(self) -> None:
        from .. import commands as c

        await self.join_all()
        template = self.workshop.session.template
        before = {b.before: b.minutes for b in template.breaks}
        for cfg in template.exercises:
            self.tick(before.get(cfg.id, 0) * 60)
            await self.exercise(cfg)
        last = template.exercises[-1]
        await self.fac(c.Close(exercise=last.id))
        await self.records()

    async def join_all(self) -> None:
        from .. import commands as c
        from .. import protocol
        from ..engine import Accepted

        for n in range(self.people_count):
            side = side_of(n, self.people_count)
            name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST) + n) % len(LAST)]}"
            cmd_id = f"join-{n:03d}"
            message = protocol.parse(json.dumps({"type": "join", "id": cmd_id, "name": name, "side": side}))
            command = c.Join(name=message.name, side=message.side, token=f"long-day-token-{n:03d}-{'x' * 8}")
            outcome = await self.workshop.handle_async(f"join:{cmd_id}", cmd_id, command, self.tick(7))
            assert isinstance(outcome, Accepted), outcome
            pid = outcome.events[0].body.participant.id
            self.people.append(Person(pid, side, name, random.Random(self.rng.random())))

    async def exercise(self, cfg) -> None:
        from .. import commands as c
        from .. import views
        from ..activities import KINDS
        from ..activities.brainstorm import cap
        from ..activities.kind import Persona
        from ..demo import COMMENTS, LEAN, idea_pool

        ex = cfg.id
        minutes = max(cfg.minutes, 1)
        step = minutes * 60 / (self.people_count * (self.rounds + 6) + 20)
        await self.fac(c.Next())  # closes the last step and opens this one, its countdown running
        if cfg.kind == "initiatives":
            await self.draft_initiatives(cfg)
        view = views.room_view(self.workshop.engine, self.now)["exercise"]
        kind = KINDS[cfg.kind]
        first: list[tuple[Person, Callable[[], dict[str, Any] | None]]] = []
        for person in self.people:
            pool = [self._idea_text(text, person, n) for n, text in enumerate(idea_pool(view, person.side) * 2)]
            who = Persona(side=person.side, lean=LEAN.get(person.side, 0), ideas=tuple(pool), remarks=tuple(COMMENTS))
            commands = kind.simulate(view, who, person.rng)
            if cfg.kind == "brainstorm":  # everyone writes as many ideas as the exercise lets them
                limit = cap(self.workshop.session, cfg)  # what the phone is told it may add
                commands = [{"type": "submit_idea", "exercise": ex, "text": text} for text in pool[:limit]]
            if cfg.kind == "dotvote" and view["config"].get("allow_add") and person.rng.random() < 0.2:
                commands.insert(0, {"type": "add_item", "exercise": ex, "text": self._idea_text("Something we forgot", person, 0)})
            first += [(person, lambda command=command: command) for command in commands]
        await self.taps(first, step)
        if cfg.kind == "brainstorm":
            await self.moderate(cfg)
        await self.fac(c.TimerExtend(exercise=ex, seconds=60))
        revise = self._reviser(cfg, view)
        half = self.rounds // 2
        await self.taps([(p, lambda p=p: revise(p)) for _ in range(half) for p in self.people], step)
        await self.fac(c.TimerPause(exercise=ex))
        await self.fac(c.TimerStart(exercise=ex))
        await self.taps([(p, lambda p=p: revise(p)) for _ in range(self.rounds - half) for p in self.people], step)
        if cfg.kind == "initiatives":
            await self.settle_initiatives(cfg)
        if cfg.reveal == "manual":
            await self.fac(c.Reveal(exercise=ex))

    def _idea_text(self, text: str, person: Person, n: int) -> str:
        qualifier = QUALIFIERS[(n + int(person.pid[1:])) % len(QUALIFIERS)]
        return f"{text} {qualifier}".strip()

    async def moderate(self, cfg) -> None:
        """The facilitator's part in a brainstorm: two ideas said aloud, one hidden, two
        merged into others, and themes for a third of the board."""
        from .. import commands as c

        ex = cfg.id
        await self.fac(c.SubmitIdea(exercise=ex, text="Said aloud: both teams at the same table", side="other"))
        await self.fac(c.SubmitIdea(exercise=ex, text="Said aloud: fewer tools, better used", side="it"))
        ideas = list(self.workshop.session.exercises[ex].ideas)
        await self.fac(c.HideIdea(exercise=ex, idea=ideas[3]))
        await self.fac(c.MergeIdeas(exercise=ex, idea=ideas[-3], into=ideas[1]))  # the facilitator's own are the last two
        await self.fac(c.MergeIdeas(exercise=ex, idea=ideas[-4], into=ideas[2]))
        grouped = [i for n, i in enumerate(ideas[:-4]) if n % 3 == 0 and n != 3]
        for n, theme in enumerate(THEMES):
            chunk = grouped[n::len(THEMES)]
            if chunk:
                await self.fac(c.GroupIdeas(exercise=ex, ideas=chunk, theme=theme))

    def _reviser(self, cfg, view: dict[str, Any]) -> Callable[[Person], dict[str, Any] | None]:
        """What one more tap of a person who changes their mind sends, built from the
        session as it is when the tap is decided."""
        from ..activities import KINDS
        from ..activities.kind import Persona

        ex, kind = cfg.id, cfg.kind
        session = self.workshop.session
        config = view["config"]

        def items() -> list[str]:
            return [item.id for item in session.exercises[ex].items]

        def revise(person: Person) -> dict[str, Any] | None:
            rng, state = person.rng, session.exercises[ex]
            if kind == "dotvote":
                held = state.scores.get(person.pid, {})
                if sum(held.values()) >= config["dots"] or (held and rng.random() < 0.5):
                    return {"type": "unvote", "exercise": ex, "item": rng.choice([i for i, n in held.items() if n])}
                free = [i for i in items() if held.get(i, 0) < config["max_per_item"]]
                return {"type": "vote", "exercise": ex, "item": rng.choice(free)}
            if kind == "scale":
                item = rng.choice(items())
                had = state.scores.get(person.pid, {}).get(item, 3)
                value = max(1, min(config["max"], had + rng.choice((-1, 1))))
                return {"type": "rate", "exercise": ex, "item": item, "value": value if value != had else 3 - (had > 3) + (had < 3)}
            if kind == "matrix":
                top = config["max"]
                return {"type": "place", "exercise": ex, "item": rng.choice(items()), "x": rng.randint(1, top), "y": rng.randint(1, top)}
            if kind == "ownership":
                return {"type": "choose_owner", "exercise": ex, "item": rng.choice(items()), "choice": rng.randrange(len(config["choices"]))}
            if kind in ("poll", "rank", "allocate"):
                phone = {**view, "items": [{"id": i.id, "text": i.text} for i in state.items]}
                return KINDS[kind].simulate(phone, Persona(side=person.side, lean=0), rng)[0]
            if kind == "brainstorm":
                mine = [i for i in state.ideas.values() if i.author == person.pid]
                if not mine:
                    return None
                idea = rng.choice(mine)
                person.edits += 1
                base = idea.text.split(" (")[0]
                return {"type": "edit_idea", "exercise": ex, "idea": idea.id, "text": f"{base} ({person.edits})"}
            if kind == "initiatives":
                tables = [i.id for i in state.initiatives.values() if i.status == "draft" and person.pid in state.volunteers.get(i.id, [])]
                if not tables:
                    drafts = [i.id for i in state.initiatives.values() if i.status == "draft"]
                    return {"type": "volunteer", "exercise": ex, "target": rng.choice(drafts)} if drafts else None
                person.edits += 1
                name = rng.choice(["outcome", "first_step", "target", "baseline"])
                return {"type": "draft_fields", "exercise": ex, "initiative": rng.choice(tables),
                        "fields": {name: f"{rng.choice(QUALIFIERS[1:]).capitalize()}, take {person.edits}"}}
            return None

        return revise

    async def draft_initiatives(self, cfg) -> None:
        from .. import commands as c

        ex = cfg.id
        for item in self.workshop.session.exercises[ex].items[:5]:
            await self.fac(c.DraftInitiative(exercise=ex, title=item.text[:100], source_item=item.id))

    async def settle_initiatives(self, cfg) -> None:
        """The tables report back: the facilitator fills in what a CEO holds two people
        to, agrees three, parks one and leaves one in draft."""
        from .. import commands as c

        ex = cfg.id
        state = self.workshop.session.exercises[ex]
        it = [p.name for p in self.people if p.side == "it"]
        marketing = [p.name for p in self.people if p.side == "marketing"]
        for n, initiative in enumerate(list(state.initiatives)):
            fields = {
                "kpi": ["Customer retention", "Lead conversion", "Time from idea to launch", "Net promoter score", "Cost per acquired customer"][n % 5],
                "target": f"+{n + 2} points in 12 months", "timeframe": f"Pilot in Q{n % 4 + 1}, everywhere in 12 months",
                "it_lead": it[n % len(it)], "marketing_lead": marketing[n % len(marketing)], "budget_share": f"{20 - n * 3}%",
                "budget": f"€{400 - n * 50}k",
            }
            await self.fac(c.UpdateInitiative(exercise=ex, initiative=initiative, fields=fields))
            if n < 3:
                await self.fac(c.SetInitiativeStatus(exercise=ex, initiative=initiative, status="agreed"))
            elif n == 3:
                await self.fac(c.SetInitiativeStatus(exercise=ex, initiative=initiative, status="parked"))

    async def records(self) -> None:
        """Decisions, actions, risks, asks and the next checkpoint, as the facilitator
        records them through the day (`d` in the TUI), one amended and one struck out."""
        from .. import commands as c

        session = self.workshop.session
        cio = next(p.name for p in self.people if p.side == "it")
        cmo = next(p.name for p in self.people if p.side == "marketing")
        await self.fac(c.NameExecutives(cio=cio, cmo=cmo, sponsor="Sam Chen, CEO"))
        row = session.exercises["who-leads"].items[0].id
        initiative = next(iter(session.exercises["joint-initiatives"].initiatives))
        worry = next(iter(session.exercises["worries"].ideas))
        choices = getattr(session.exercise("who-leads"), "choices", [])
        await self.fac(c.RecordOutcome(kind="decision", text="The CMO is accountable for the marketing technology budget", owner=f"{cio} and {cmo}",
                                       about=f"who-leads:{row}", accountable=choices[1]))
        for n in range(6):
            await self.fac(c.RecordOutcome(kind="decision", text=f"Decision {n + 1}: one joint review for every new tool, round {n + 1}", owner=f"{cio} and {cmo}"))
            await self.fac(c.RecordOutcome(kind="action", text=f"Book the joint working session number {n + 1}", owner=[cio, cmo][n % 2],
                                           due=f"2025-06-{n + 2:02d}", initiative=f"joint-initiatives:{initiative}"))
        await self.fac(c.RecordOutcome(kind="risk", text="Security and privacy skipped to hit a campaign date", owner=cio,
                                       mitigation="A privacy review in the first sprint of every campaign", about=f"worries:{worry}",
                                       initiative=f"joint-initiatives:{initiative}"))
        await self.fac(c.RecordOutcome(kind="ask", text="Fund the customer view pilot from the joint budget", owner=f"{cio} and {cmo}"))
        await self.fac(c.RecordOutcome(kind="checkpoint", text="Repeat-purchase rate in the pilot market", owner=f"{cio} and {cmo}", due="2025-08-14"))
        records = list(session.records)
        await self.fac(c.AmendRecord(record=records[1], fields={"text": "One joint review for every new tool, within two weeks"}))
        await self.fac(c.DropRecord(record=records[2]))


def generate(root: Path, *, people: int = 30, rounds: int = ROUNDS, seed: int = 17) -> Generated:
    """A finished full-day session in a new folder under `root`; see the module docstring."""
    return asyncio.run(_generate(root, people, rounds, seed))


async def _generate(root: Path, people: int, rounds: int, seed: int) -> Generated:
    from .. import sessions
    from ..model import Executives
    from .bench_store import counting_fsyncs

    started = time.perf_counter()
    workshop = sessions.create(
        f"Long day {people}", TEMPLATE, organisation="Acme Retail Group", facilitator="Jordan Reyes", sessions_dir=root,
        now=START, max_participants=max(120, people), room_code=ROOM_CODE, executives=Executives(sponsor="Sam Chen, CEO"),
    )
    day = _Day(workshop, people, rounds, seed)
    with counting_fsyncs() as fsyncs:
        try:
            await day.run()
        finally:
            workshop.close()
    return Generated(workshop.folder, people, workshop.session.seq, time.perf_counter() - started, day.refused, len(fsyncs))


# ----------------------------------------------------------------- the probe (a fresh interpreter)


def probe(folder: Path, previews: int) -> None:
    """What `workshop resume FOLDER` does, headless, in this fresh interpreter: prints
    a JSON line when the run screen has drawn (with the wall-clock time, for the
    parent to measure from the process's start), then presses x `previews` times
    and prints how long each export preview took to show and the loop's longest
    block meanwhile."""
    started = time.perf_counter()
    from .. import (
        cli,  # noqa: F401 - the command's own module, as `workshop resume` loads it
        sessions,
    )

    imported = time.perf_counter()
    workshop = sessions.open_folder(folder)
    opened = time.perf_counter()
    asyncio.run(_drive(workshop, previews, {"imports_s": imported - started, "open_s": opened - imported}, opened))


async def _until(pilot, predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await pilot.pause(0.005)


def _text(app, selector: str) -> str:
    from textual.widgets import Static

    try:
        return str(app.screen.query_one(selector, Static).content)
    except Exception:  # not mounted yet
        return ""


async def _drive(workshop, previews: int, parts: dict[str, float], opened: float) -> None:
    from ..tui.app import RoomOptions, build_app
    from ..tui.screens.export import ExportScreen
    from ..tui.screens.run import RunScreen
    from ..tui.widgets.laidout import LaidOut
    from .headless import LoopWatch

    app = build_app(workshop=workshop, room=RoomOptions(host="127.0.0.1", port=0))
    async with app.run_test(size=(160, 48)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, RunScreen) and _text(app, "#head").startswith("Step"))
        await pilot.pause()  # and one frame painted
        parts["app_s"] = time.perf_counter() - opened
        print(json.dumps({"run_screen_at": time.time(), **{k: round(v, 3) for k, v in parts.items()}}), flush=True)
        shown = []
        for _ in range(previews):
            watch = LoopWatch()
            start = time.perf_counter()
            await pilot.press("x")
            await _until(pilot, lambda: isinstance(app.screen, ExportScreen) and "Joint agenda" in app.screen.query_one("#preview", LaidOut).text)
            shown.append({"preview_s": round(time.perf_counter() - start, 3), "loop_block_ms": round(watch.worst * 1000, 1)})
            watch.stop()
            await pilot.press("escape")
            await _until(pilot, lambda: isinstance(app.screen, RunScreen))
        print(json.dumps({"previews": shown}), flush=True)


# ----------------------------------------------------------------- measuring


def _workshop_command() -> list[str]:
    """The installed `workshop` script beside this interpreter, else `python -m workshop`."""
    script = Path(sys.executable).parent / "workshop"
    return [str(script)] if script.exists() else [sys.executable, "-m", "workshop"]


def _timed_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - start


def measure_resume(folder: Path, runs: int = 3, previews: int = 3) -> dict[str, Any]:
    """`runs` fresh resumes to the run screen; the first also times `previews` previews."""
    resumes, parts, shown = [], [], []
    for n in range(runs):
        args = [sys.executable, "-m", "workshop.bench.longday", "--probe", str(folder), "--previews", str(previews if n == 0 else 0)]
        spawned = time.time()
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        if process.returncode:
            raise RuntimeError(f"the resume probe failed: {err[-2000:]}")
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        resumes.append(lines[0]["run_screen_at"] - spawned)
        parts.append(lines[0])
        shown += next((line["previews"] for line in lines if "previews" in line), [])
    return {"resume_s": resumes, "parts": parts, "previews": shown}


def measure_export(folder: Path, runs: int = 3) -> list[float]:
    from .. import sessions
    from ..export import FORMATS, local_zone, write_exports

    reading = sessions.read_folder(folder)
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            start = time.perf_counter()
            write_exports(reading.engine, Path(out), FORMATS, tz=local_zone(reading.session))
            times.append(time.perf_counter() - start)
    return times


def measure_agenda(folder: Path) -> list[dict[str, Any]]:
    """The room on the session, headless, the agenda published; two fetches of
    /agenda.html over HTTP (the first renders it, the second is served from the
    cache), each with the loop's longest block while it ran."""

    from .bench import _start, _stop

    server, hello = _start(["-m", "workshop.bench.headless", str(folder), "--port", "0", "--publish"])
    fetches = []
    try:
        time.sleep(1.0)  # let the room settle; then watch from a clean slate
        server.send_signal(signal.SIGUSR1)
        server.stdout.readline()
        url = f"http://127.0.0.1:{hello['port']}/agenda.html?room={hello['room']}"
        for what in ("first request (renders)", "again (cached)"):
            start = time.perf_counter()
            with urllib.request.urlopen(url, timeout=60) as response:
                body = response.read()
                status = response.status
            seconds = time.perf_counter() - start
            server.send_signal(signal.SIGUSR1)
            inside = json.loads(server.stdout.readline())
            fetches.append({"what": what, "status": status, "bytes": len(body), "seconds": seconds, **inside})
    finally:
        _stop(server)
    return fetches


def hotspots(folder: Path, top: int = 12) -> str:
    """cProfile of what the slow figures do, in this process: reading the session
    (`status`, `export`), opening it (`resume`), the three exports, and the agenda's
    render (what the room does on the first request)."""
    import cProfile
    import io
    import pstats

    from .. import sessions
    from ..export import FORMATS, local_zone, to_html, write_exports
    from ..model import Session

    steps: list[tuple[str, Callable[[], object]]] = []
    reading = sessions.read_folder(folder)
    steps.append(("sessions.read_folder (workshop status, export)", lambda: sessions.read_folder(folder)))
    steps.append(("sessions.open_folder + close (workshop resume)", lambda: sessions.open_folder(folder).close()))
    with tempfile.TemporaryDirectory() as out:
        steps.append(("export.write_exports md+html+json", lambda: write_exports(reading.engine, Path(out), FORMATS, tz=local_zone(reading.session))))
        steps.append((
            "the published agenda's first render (Room._agenda)",
            lambda: to_html(Session.model_validate(reading.session.model_dump()), tz=local_zone(reading.session)),
        ))
        lines = []
        for title, step in steps:
            profile = cProfile.Profile()
            profile.enable()
            step()
            profile.disable()
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text)
            stats.sort_stats("cumulative").print_stats(top)
            body = text.getvalue()
            body = body[body.index("   ncalls") :] if "   ncalls" in body else body
            lines.append(f"\n-- {title}: {stats.total_tt:.2f} s under the profiler\n{body.rstrip()}")
    return "\n".join(lines)


# ----------------------------------------------------------------- report


def report(generated: Generated, figures: dict[str, Any]) -> str:
    from .figures import Target, cell, row, spread

    label, widths = 44, [26]
    lines = [
        f"\n== long day: {generated.people} people, template {TEMPLATE} ==",
        f"generated {generated.events:,} events in {generated.seconds:.1f} s through the engine and the real store "
        f"({generated.fsyncs:,} fsyncs; {sum(generated.refused.values())} taps refused by the rules, as a phone's would be)",
        f"{'':<{label}}{'median (min–max)':>{widths[0]}}   target",
    ]

    def add(text: str, values, target: Target | None, digits: int = 2) -> None:
        figure = spread(values)
        lines.append(row(text, [cell(figure, digits)], target, figure, widths, label))

    add("events in the journal", [generated.events], Target(">=", TARGET_EVENTS) if generated.people >= 30 else None, 0)
    resume = figures["resume"]
    add("workshop resume → run screen (s)", resume["resume_s"], Target("<", 1))
    for part, text in (
        ("imports_s", "…interpreter, CLI and session modules"), ("open_s", "…sessions.open_folder"), ("app_s", "…TUI imported, up, run screen drawn"),
    ):
        if part == "imports_s":
            # from the process's start: the whole span less the two measured parts
            values = [r - p["open_s"] - p["app_s"] for r, p in zip(resume["resume_s"], resume["parts"], strict=True)]
        else:
            values = [p[part] for p in resume["parts"]]
        add(f"  {text} (s)", values, None)
    add("workshop status, whole command (s)", figures["status"], Target("<", 0.5))
    add("export md+html+json and annexes (s)", figures["export"], Target("<", 1))
    add("  workshop export, whole command (s)", figures["export_command"], None)
    add("export preview on screen, x pressed (s)", [p["preview_s"] for p in resume["previews"]], Target("<", 1))
    add("  longest loop block meanwhile (ms)", [p["loop_block_ms"] for p in resume["previews"]], Target("<", 20), 1)
    add("workshop --help (s)", figures["help"], Target("<", 0.3))
    for fetch in figures["agenda"]:
        add(f"published agenda, {fetch['what']} (s)", [fetch["seconds"]], None)
        add("  longest loop block meanwhile (ms)", [fetch["loop_block_max_ms"]], Target("<", 20), 1)
    first = figures["agenda"][0] if figures["agenda"] else None
    if first:
        lines.append(f"(the agenda: HTTP {first['status']}, {first['bytes']:,} bytes; resume and the preview in a headless "
                     "Textual pilot, started as a fresh process; status, export and --help as subprocesses; the package "
                     "compiled to bytecode first, as after its first run)")
    return "\n".join(lines)


def compile_package() -> None:
    """Leave the package compiled to bytecode, as any run but the very first finds it
    (and as `make install` leaves it): where PYTHONDONTWRITEBYTECODE is set, every
    start would otherwise compile the package from source again, about 60 ms that no
    facilitator's laptop pays on the second day."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=1)


def main(people: int = 30, rounds: int = ROUNDS, profile: bool = False) -> int:
    compile_package()
    with tempfile.TemporaryDirectory(prefix="long-day-") as tmp:
        print(f"generating a {people}-person full day …", flush=True)
        generated = generate(Path(tmp), people=people, rounds=rounds)
        folder = generated.folder
        command = _workshop_command()
        figures: dict[str, Any] = {}
        figures["resume"] = measure_resume(folder)
        figures["status"] = [_timed_command([*command, "status", str(folder)]) for _ in range(3)]
        figures["export"] = measure_export(folder)
        with tempfile.TemporaryDirectory() as out:
            figures["export_command"] = [_timed_command([*command, "export", str(folder), "--out", out]) for _ in range(3)]
        figures["help"] = [_timed_command([*command, "--help"]) for _ in range(3)]
        figures["agenda"] = measure_agenda(folder)
        print(report(generated, figures), flush=True)
        if profile:
            print("\nWhere the time goes (cProfile, cumulative; one run each):" + hotspots(folder), flush=True)
    return 0


def _cli(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m workshop.bench.longday", description="The long-day benchmark (see `python -m workshop.bench --long-day`).")
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"taps per person and exercise after the first answer (default {ROUNDS})")
    parser.add_argument("--profile", action="store_true", help="also print where the time goes (cProfile)")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--previews", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        probe(args.probe, args.previews)
        return 0
    if not (1 <= args.people <= 120 and 0 <= args.rounds <= 500):
        parser.error("keep it bounded: 1–120 people, 0–500 rounds")
    return main(args.people, args.rounds, args.profile)


if __name__ == "__main__":
    sys.exit(_cli())
