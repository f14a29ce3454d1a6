"""The benchmark: the real room (real store, TUI running headless) against two
floors, under the same storm, on loopback.

    python -m workshop.bench [--phones 500,1000] [--runs 3] [--rate 100] [--duration 10]
    python -m workshop.bench --long-day [--people 30]

For each crowd size it runs, `--runs` times in turn, the product (its server in a
process of its own, the TUI headless on its loop) and two floors with the same wire
shape, each storm coming from simulated phones (`loadtest.storm`) in another
process:

- the bare floor: a websockets server that acks at once and broadcasts a tiny view
  (no rules, no disk): what the network and the library cost;
- the durable floor: the same plus an append-only file, each vote acknowledged only
  once fsynced, with group commit (what arrives while one fsync runs goes out after
  the next): what a durable acknowledgement costs on this disk.

It prints, for each figure, the median of the runs and their spread (min–max), the
target beside it marked met or MISSED (and in how many runs it was met): connect
time, vote → acknowledgement, vote → updated view on every phone, votes lost (the
session reloaded from disk), server RSS and CPU, the TUI's CPU share, persistence
p99, the longest event-loop block and GC pause — and the ratios the targets are
about: the product's ack p99 over the durable floor's, its all-phones p99 over the
bare floor's. `--long-day` times resume, status, export and the published agenda on
a generated 50 000-event day instead (`longday.py`).
It sends traffic to 127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from .figures import Target, cell, ratio, row, spread

TEMPLATE = """
title = "Benchmark"
[[exercises]]
id = "storm"
kind = "dotvote"
title = "Storm"
prompt = "Vote"
reveal = "live"
dots = 10
max_per_item = 5
options = ["A", "B", "C", "D", "E"]
"""
ITEMS = ["i1", "i2", "i3", "i4", "i5"]


# ----------------------------------------------------------------- the floors


class GroupCommit:
    """The durable floor's journal: an append-only file, one fsync at a time on one
    thread, and every line that arrived while an fsync ran written and fsynced by the
    next one (group commit). `append` returns once its line is on disk. `durable`
    holds, per line, the seconds from `append` to its fsync's end, taken on the
    writer thread (what the product's persistence p99 measures)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "ab", buffering=0)  # closed by close()
        self.fsyncs = 0
        self.lines = 0
        self.durable: list[float] = []
        self._pending: list[tuple[bytes, asyncio.Future, float]] = []
        self._wake = asyncio.Event()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="durable floor")
        self._task = asyncio.create_task(self._run())

    async def append(self, line: bytes) -> None:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((line, future, time.perf_counter()))
        self._wake.set()
        await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            await loop.run_in_executor(self._thread, self._write, b"".join(line for line, _, _ in batch), [at for _, _, at in batch])
            self.fsyncs += 1
            self.lines += len(batch)
            for _, future, _ in batch:
                if not future.done():
                    future.set_result(None)

    def _write(self, data: bytes, arrivals: list[float]) -> None:
        view = memoryview(data)
        while view:
            view = view[self.file.write(view) :]
        os.fsync(self.file.fileno())
        done = time.perf_counter()
        self.durable += [done - at for at in arrivals]

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._thread.shutdown(wait=True)
        self.file.close()


@asynccontextmanager
async def floor_server(port: int = 0, journal: Path | None = None):
    """The same wire shape as the room with nothing behind it: acks, counts in
    memory, broadcasts `{"v":1,"type":"view","seq":n}` at most 10 times a second.
    With `journal` it is the durable floor: each vote is appended to that file and
    acknowledged only once fsynced (`GroupCommit`), the physical cost of a durable
    ack on this disk; it then also lets the writer thread have the interpreter as
    soon as the room does (`Room.start` sets the same switch interval). Yields
    (port, the GroupCommit or None)."""
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()
    state = {"seq": 0, "sent": -1}
    commit = GroupCommit(journal) if journal is not None else None
    switch_interval = sys.getswitchinterval()
    if commit is not None:
        from ..room import SWITCH_INTERVAL

        sys.setswitchinterval(SWITCH_INTERVAL)

    async def handler(ws):
        clients.add(ws)
        try:
            async for frame in ws:
                message = json.loads(frame)
                kind = message["type"]
                if kind == "hello":
                    await ws.send('{"type":"need_join"}')
                elif kind == "join":
                    await ws.send(json.dumps({"type": "welcome", "token": "t", "me": {"id": message["id"]}}))
                elif kind == "act":
                    state["seq"] += 1
                    seq = state["seq"]
                    if commit is not None:
                        line = json.dumps({"seq": seq, "id": message["id"], "command": message["command"]}, separators=(",", ":"))
                        await commit.append(line.encode() + b"\n")
                    await ws.send(json.dumps({"type": "ack", "id": message["id"], "seq": seq, "mine": {}}))
        finally:
            clients.discard(ws)

    async def ticker():
        while True:
            await asyncio.sleep(0.1)
            if state["seq"] != state["sent"]:
                state["sent"] = state["seq"]
                broadcast(clients, f'{{"v":1,"type":"view","seq":{state["seq"]},"room":{{}}}}')

    try:
        async with serve(handler, "127.0.0.1", port, compression=None) as server:
            task = asyncio.create_task(ticker())
            try:
                yield server.sockets[0].getsockname()[1], commit
            finally:
                task.cancel()
    finally:
        if commit is not None:
            await commit.close()
        sys.setswitchinterval(switch_interval)


async def baseline_server(port: int, journal: Path | None = None) -> None:
    """A floor as a process of its own: prints `{"port": …, "room": "BASE"}`, serves
    until SIGTERM, then prints its figures (longest loop block; fsyncs and lines for
    the durable floor)."""
    from .headless import LoopWatch, percentile

    async with floor_server(port, journal) as (bound, commit):
        watch = LoopWatch()  # the same gauge as the product's: the machine's own noise
        print(json.dumps({"port": bound, "room": "BASE"}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        def measured() -> dict:
            figures = {"loop_block_max_ms": round(watch.worst * 1000, 2)}
            if commit is not None:
                p99 = percentile(commit.durable, 0.99)
                figures |= {"fsyncs": commit.fsyncs, "durable_lines": commit.lines, "durable_p99_ms": p99 and round(p99 * 1000, 2)}
            return figures

        def so_far():  # SIGUSR1, as headless.py: the figures so far, then afresh
            print(json.dumps({"so_far": True, **measured()}), flush=True)
            watch.worst = 0.0
            if commit is not None:
                commit.fsyncs = commit.lines = 0
                commit.durable.clear()

        loop.add_signal_handler(signal.SIGUSR1, so_far)
        await stop.wait()
        watch.stop()
        figures = measured()
    print(json.dumps(figures), flush=True)


# ----------------------------------------------------------------- processes


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(args: list[str]) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"server did not start: {args}")
    return process, json.loads(line)


def _stop(process: subprocess.Popen) -> dict:
    """Stop a server; its last figures, with those it printed on SIGUSR1 (the phones
    joining) under `joining_<key>`."""
    process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return {}
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if not lines:
        return {}
    joining = next((line for line in lines[:-1] if line.get("so_far")), {})
    return {**lines[-1], **{f"joining_{k}": v for k, v in joining.items() if k != "so_far"}}


def _storm(port: int, room: str, phones: int, rate: float, duration: float, server_pid: int | None = None) -> dict:
    """The phones, in a process of their own; once all have joined they tell the
    server (SIGUSR1), which then measures the votes apart from the joining."""
    tell = f"lambda: os.kill({server_pid}, signal.SIGUSR1)" if server_pid else "None"
    code = (
        "import asyncio, json, os, signal, sys; from workshop.bench.loadtest import storm; "
        f"print(json.dumps(asyncio.run(storm('ws://127.0.0.1:{port}/ws?room={room}', '{room}', phones={phones}, "
        f"exercise='storm', items={ITEMS!r}, rate={rate}, duration={duration}, on_connected={tell}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_product(phones: int, rate: float, duration: float, workdir: Path, extra: tuple[str, ...] = ()) -> dict:
    """One storm against the room; `extra` goes to `headless` (`--blocks`, `--profile`)."""
    from .. import sessions

    template = workdir / "bench.toml"
    template.write_text(TEMPLATE)
    workshop = sessions.create(f"Bench {phones}", str(template), sessions_dir=workdir, max_participants=phones + 10)
    folder = workshop.folder
    workshop.close()
    server, hello = _start(["-m", "workshop.bench.headless", str(folder), "--open", "storm", "--tui", *extra])
    cpu_before = _cpu_seconds(server.pid)
    wall_before = time.monotonic()
    figures = _storm(hello["port"], hello["room"], phones, rate, duration, server.pid)
    figures["server_rss_mb"] = _rss_mb(server.pid)
    figures["server_cpu_share"] = round((_cpu_seconds(server.pid) - cpu_before) / (time.monotonic() - wall_before), 3)
    inside = _stop(server)
    wall = time.monotonic() - wall_before
    figures["tui_cpu_share"] = round(inside.get("tui_cpu_seconds", 0) / wall, 4)
    for key in ("append_p99_ms", "durable_p99_ms", "loop_block_max_ms", "gc_pause_max_ms", "gc_worst_generation"):
        figures[key], figures[f"joining_{key}"] = inside.get(key), inside.get(f"joining_{key}")
    figures["fsyncs"], figures["durable_lines"] = inside.get("fsyncs"), inside.get("appends")
    figures["votes_lost"] = _lost(folder, figures.pop("expected"))
    return figures


def _lost(folder: Path, expected: dict) -> int:
    """Acknowledged votes missing from the saved session (reloaded from disk)."""
    from .. import sessions

    workshop = sessions.open_folder(folder)
    scores = workshop.session.exercises["storm"].scores
    workshop.store.close()
    lost = 0
    for pid, held in expected.items():
        have = scores.get(pid, {})
        lost += sum(abs(have.get(item, 0) - n) for item, n in held.items())
        lost += sum(n for item, n in have.items() if item not in held)
    return lost


def run_floor(phones: int, rate: float, duration: float, workdir: Path | None = None) -> dict:
    """The bare floor, or with `workdir` the durable floor (its file in `workdir`)."""
    args = ["-m", "workshop.bench", "--serve-baseline"]
    if workdir is not None:
        journal = workdir / f"durable-floor-{phones}-{time.monotonic_ns()}.jsonl"
        args += ["--journal", str(journal)]
    server, hello = _start(args)
    cpu_before, wall_before = _cpu_seconds(server.pid), time.monotonic()
    figures = _storm(hello["port"], hello["room"], phones, rate, duration, server.pid)
    figures["server_rss_mb"] = _rss_mb(server.pid)
    figures["server_cpu_share"] = round((_cpu_seconds(server.pid) - cpu_before) / (time.monotonic() - wall_before), 3)
    figures.pop("expected")
    figures.update(_stop(server))
    if workdir is not None:
        journal.unlink(missing_ok=True)
    return figures


# ----------------------------------------------------------------- report

CONFIGS = ("product", "bare", "durable")
HEADINGS = {"product": "product", "bare": "bare floor", "durable": "durable floor"}


def _at_500(target: Target):
    """A target for 500 phones, which holds a fortiori below."""
    return lambda phones: target if phones <= 500 else None


def _all_phones(phones: int) -> Target | None:
    return Target("<", 250) if phones <= 500 else Target("<", 400) if phones <= 1000 else None


def _always(target: Target):
    return lambda phones: target


ROWS = [
    # (label, key, target for a crowd size, digits)
    ("connect all phones (s)", "connect_s", _at_500(Target("<", 2)), 2),
    ("votes acked (of sent)", "votes_acked", None, 0),
    ("votes without every view", "views_missing", None, 0),
    ("ack p50 (ms)", "ack_p50_ms", None, 1),
    ("ack p99 (ms)", "ack_p99_ms", _at_500(Target("<", 100)), 1),
    ("all phones p50 (ms)", "all_phones_p50_ms", None, 1),
    ("all phones p99 (ms)", "all_phones_p99_ms", _all_phones, 1),
    ("votes lost", "votes_lost", _always(Target("==", 0, worst=True)), 0),
    ("server RSS (MB)", "server_rss_mb", _always(Target("<", 150)), 1),
    ("server CPU share", "server_cpu_share", None, 2),
    ("TUI CPU share", "tui_cpu_share", _always(Target("<", 0.25)), 3),
    ("persistence p99 (ms)", "durable_p99_ms", _always(Target("<", 5)), 1),
    ("  …until the loop sees it", "append_p99_ms", None, 1),
    ("persistence p99, joining (ms)", "joining_durable_p99_ms", _always(Target("<", 5)), 1),
    ("longest loop block (ms)", "loop_block_max_ms", _always(Target("<", 20)), 1),
    ("longest loop block, joining (ms)", "joining_loop_block_max_ms", _always(Target("<", 20)), 1),
    ("longest GC pause (ms)", "gc_pause_max_ms", _always(Target("<", 10)), 1),
    ("  …generation it collected", "gc_worst_generation", None, 0),
    ("longest GC pause, joining (ms)", "joining_gc_pause_max_ms", _always(Target("<", 10)), 1),
    ("  …generation it collected", "joining_gc_worst_generation", None, 0),
    ("events per fsync", "per_fsync", None, 1),
]
RATIOS = [
    # (label, product's key, floor, target)
    ("ack p99 ÷ durable floor's", "ack_p99_ms", "durable", Target("<=", 1.5)),
    ("all-phones p99 ÷ bare floor's", "all_phones_p99_ms", "bare", Target("<=", 1.5)),
]
LABEL, WIDTH = 30, 22


def _values(runs: list[dict], key: str) -> list[float | None]:
    if key == "per_fsync":
        return [r["durable_lines"] / r["fsyncs"] if r.get("fsyncs") else None for r in runs]
    return [r.get(key) for r in runs]


def report(phones: int, runs: dict[str, list[dict]], rate: float = 100.0, duration: float = 10.0) -> str:
    """The table for one crowd size: `runs` maps "product", "bare" and "durable" to
    each run's figures (as `run_product` and `run_floor` return them)."""
    count = max(len(v) for v in runs.values())
    lines = [
        f"\n== {phones} phones · {rate:g} votes/s for {duration:g} s · median (min–max) of {count} run{'s' * (count != 1)} ==",
        f"{'':<{LABEL}}" + "".join(f"{HEADINGS[k]:>{WIDTH}}" for k in CONFIGS) + "   target",
    ]
    for label, key, targets, digits in ROWS:
        figures = {k: spread(_values(runs.get(k, []), key)) for k in CONFIGS}
        cells = [cell(figures[k], digits) for k in CONFIGS]
        if key == "votes_acked":
            sent = spread(r.get("votes_sent") for r in runs.get("product", []))
            label = f"votes acked (of {sent.median:.0f})" if sent else label
        target = targets(phones) if targets else None
        lines.append(row(label, cells, target, figures["product"], [WIDTH] * 3, LABEL))
    for label, key, floor, target in RATIOS:
        figure = ratio(_values(runs.get("product", []), key), _values(runs.get(floor, []), key))
        lines.append(row(label, [cell(figure, 2), "", ""], target, figure, [WIDTH] * 3, LABEL))
    lines.append(
        "(Persistence, loop blocks and GC pauses are measured while the phones vote; 'joining': while they join, before. "
        "A ratio is the product's median over the floor's; in brackets the run-by-run ratios. "
        "Marks judge the median, votes lost the worst run.)"
    )
    return "\n".join(lines)


def verdicts(phones: int, runs: dict[str, list[dict]]) -> list[tuple[str, bool]]:
    """(what, met) for every target of one crowd size, for the closing summary."""
    out = []
    for label, key, targets, _ in ROWS:
        target = targets(phones) if targets else None
        figure = spread(_values(runs.get("product", []), key))
        if target is not None and figure is not None:
            out.append((f"{label.strip()} {target.text}", target.judge(figure)))
    for label, key, floor, target in RATIOS:
        figure = ratio(_values(runs.get("product", []), key), _values(runs.get(floor, []), key))
        if figure is not None:
            out.append((f"{label} {target.text}", target.judge(figure)))
    return out


def diagnose(sizes: list[int], rate: float, duration: float, out: Path) -> int:
    """Where the product's time goes under the storm: for each crowd size one run with
    the loop's thread under cProfile (which slows it: its figures are not the
    benchmark's) and one with only the block sampler; prints the sampler's report
    and the profile's top functions, and leaves both in `out`."""
    import io
    import pstats

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for phones in sizes:
            blocks, profile = out / f"blocks-{phones}.txt", out / f"profile-{phones}.pstats"
            sampled = run_product(phones, rate, duration, Path(tmp), ("--blocks", str(blocks)))
            joined = blocks.with_name(f"{blocks.stem}-before{blocks.suffix}")
            print(f"\n== {phones} phones joining, block sampler only: longest loop block {sampled['joining_loop_block_max_ms']} ms, "
                  f"GC pause {sampled['joining_gc_pause_max_ms']} ms (generation {sampled['joining_gc_worst_generation']}) ==")
            print(joined.read_text() if joined.exists() else "(no report)")
            print(f"\n== {phones} phones voting, block sampler only: {_brief('product', sampled)}, "
                  f"longest loop block {sampled['loop_block_max_ms']} ms, GC pause {sampled['gc_pause_max_ms']} ms "
                  f"(generation {sampled['gc_worst_generation']}) ==")
            print(blocks.read_text())
            profiled = run_product(phones, rate, duration, Path(tmp), ("--profile", str(profile)))
            text = io.StringIO()
            stats = pstats.Stats(str(profile), stream=text)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(r"workshop/(?!bench)", 25)
            print(f"== {phones} phones under cProfile (slower than the benchmark): {_brief('product', profiled)} ==")
            print(text.getvalue())
    return 0


def _brief(name: str, figures: dict) -> str:
    return f"{name} ack p99 {figures.get('ack_p99_ms')} ms, all phones p99 {figures.get('all_phones_p99_ms')} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", default="500,1000", help="crowd sizes, comma separated (default 500,1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration per crowd size (default 3)")
    parser.add_argument("--rate", type=float, default=100.0, help="votes per second (default 100)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of storm per run (default 10)")
    parser.add_argument("--long-day", action="store_true", help="time resume, status, export and the agenda on a generated full day")
    parser.add_argument("--people", type=int, default=30, help="people in the long day (default 30)")
    parser.add_argument("--profile", action="store_true", help="with --long-day: also print where the time goes (cProfile)")
    parser.add_argument(
        "--diagnose", type=Path, metavar="DIR",
        help="instead: one storm per crowd size against the product, its loop profiled (cProfile) and its long blocks sampled; reports in DIR",
    )
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--journal", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        asyncio.run(baseline_server(0, args.journal))
        return 0
    if not (1 <= args.runs <= 9 and 0 < args.rate <= 2000 and 0 < args.duration <= 120 and 1 <= args.people <= 120):
        parser.error("keep it bounded: 1–9 runs, a rate up to 2000/s, a duration up to 120 s, 1–120 people")
    print(f"Common Ground benchmark — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if args.long_day:
        from .longday import main as long_day

        return long_day(people=args.people, profile=args.profile)
    sizes = [int(n) for n in args.phones.split(",")]
    if not all(1 <= n <= 2000 for n in sizes):
        parser.error("--phones: 1–2000 each")
    if args.diagnose:
        return diagnose(sizes, args.rate, args.duration, args.diagnose)
    print(
        f"storm: {args.rate:g} votes/s for {args.duration:g} s; server and phones in separate processes on 127.0.0.1; "
        f"{args.runs} run{'s' * (args.runs != 1)} of each configuration, in turn"
    )
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        for phones in sizes:
            runs: dict[str, list[dict]] = {k: [] for k in CONFIGS}
            for n in range(args.runs):
                runs["product"].append(run_product(phones, args.rate, args.duration, Path(tmp)))
                runs["bare"].append(run_floor(phones, args.rate, args.duration))
                runs["durable"].append(run_floor(phones, args.rate, args.duration, Path(tmp)))
                print(
                    f"  {phones} phones, run {n + 1}/{args.runs}: "
                    + "; ".join(_brief(HEADINGS[k], runs[k][-1]) for k in CONFIGS),
                    flush=True,
                )
            print(report(phones, runs, args.rate, args.duration), flush=True)
            summary += [(phones, what, met) for what, met in verdicts(phones, runs)]
    missed = [f"{phones} phones: {what}" for phones, what, met in summary if not met]
    print(f"\n{len(summary) - len(missed)} of {len(summary)} targets met" + (f"; missed: {'; '.join(missed)}" if missed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
