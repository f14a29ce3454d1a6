"""Persistence benchmark: ``python -m workshop.bench.bench_store [--events 10000] [--dir PATH]``.

Measures, in a temporary folder (under PATH if given, so a real disk can be tested):

1. throughput: N events appended by many concurrent asyncio tasks, and how many
   fsyncs they took (group commit puts many events in one fsync);
2. latency: with 10k events already in the journal, one task appends single events
   one by one while other tasks append too and a ~1 MB snapshot is written in the
   background every 1,000 events; p50/p99/max of ``await store.append`` in ms;
3. the longest event-loop block during the whole run, seen by a ticker task as the
   lateness of ``asyncio.sleep(0.001)``.

DESIGN §6 targets: persisting never blocks the loop > 20 ms; append p99 < 5 ms with
10k events held. The run stops each phase after a few seconds, whatever N is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workshop.store import SessionStore

TASKS = 64
BACKGROUND_APPENDERS = 16
HELD = 10_000
SAMPLES = 2_000
CHECKPOINT_EVERY = 1_000
PHASE_SECONDS = 8.0


class Numbering:
    """Seqs shared by the tasks appending to one store (the loop is single-threaded)."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.next = store.last_seq + 1

    async def append_one(self) -> None:
        seq, self.next = self.next, self.next + 1
        await self.store.append([{"seq": seq, "kind": "vote", "item": seq % 9, "dots": 1}])


class Ticker:
    """Measures how late the loop wakes a task sleeping 1 ms: the longest block seen."""

    def __init__(self) -> None:
        self.worst = 0.0

    async def run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - start - 0.001)


@contextmanager
def counting_fsyncs() -> Iterator[list[int]]:
    """Count os.fsync calls made while the block runs (by any thread of this process)."""
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    os.fsync = fsync
    try:
        yield calls
    finally:
        os.fsync = real


async def throughput(folder: Path, events: int) -> dict:
    store = SessionStore.create(folder)
    numbering = Numbering(store)
    deadline = time.perf_counter() + PHASE_SECONDS

    async def appender() -> None:
        while numbering.next <= events and time.perf_counter() < deadline:
            await numbering.append_one()

    with counting_fsyncs() as fsyncs:
        start = time.perf_counter()
        await asyncio.gather(*(appender() for _ in range(TASKS)))
        elapsed = time.perf_counter() - start
    store.close()
    done = numbering.next - 1
    return {"events": done, "per_second": done / elapsed, "fsyncs": len(fsyncs)}


def held_store(folder: Path) -> SessionStore:
    """A store whose journal already holds HELD events (set up before anything is timed)."""
    store = SessionStore.create(folder)
    store.append_sync([{"seq": seq, "kind": "vote", "item": seq % 9, "dots": 1} for seq in range(1, HELD + 1)])
    return store


def session_like_state(inputs: int) -> dict:
    """About what a session of 60 people holds after `inputs` inputs (~1 MB of JSON)."""
    return {
        "inputs": [
            {"seq": n, "participant": f"p{n % 60}", "exercise": f"ex{n % 12}", "text": "an idea typed on a phone"}
            for n in range(inputs)
        ]
    }


async def latency(store: SessionStore, state: dict) -> dict:
    numbering = Numbering(store)
    measuring = True

    async def other_appender() -> None:
        while measuring:
            await numbering.append_one()
            await asyncio.sleep(0.005)

    others = [asyncio.create_task(other_appender()) for _ in range(BACKGROUND_APPENDERS)]
    samples: list[float] = []
    deadline = time.perf_counter() + PHASE_SECONDS
    while len(samples) < SAMPLES and time.perf_counter() < deadline:
        start = time.perf_counter()
        await numbering.append_one()
        samples.append(time.perf_counter() - start)
        if len(samples) % CHECKPOINT_EVERY == 0:
            seq = numbering.next - 1
            store.checkpoint_in_background(state, seq, {"events": seq})
    measuring = False
    await asyncio.gather(*others)
    await asyncio.to_thread(store.close)
    quantiles = statistics.quantiles(samples, n=100)
    return {"samples": len(samples), "p50": quantiles[49], "p99": quantiles[98], "max": max(samples)}


async def run(root: Path, events: int) -> dict:
    store, state = held_store(root / "latency"), session_like_state(HELD)
    ticker = Ticker()
    ticking = asyncio.create_task(ticker.run())
    figures = {"throughput": await throughput(root / "throughput", events)}
    figures["latency"] = await latency(store, state)
    ticking.cancel()
    figures["worst_block"] = ticker.worst
    return figures


def report(figures: dict, where: Path) -> str:
    t, lat = figures["throughput"], figures["latency"]
    ms = lambda seconds: f"{seconds * 1000:.2f} ms"  # noqa: E731
    rows = [
        ("throughput", f"{t['per_second']:,.0f} events/s", f"{t['events']:,} events, {TASKS} tasks"),
        ("fsyncs", f"{t['fsyncs']:,}", f"{t['events'] / max(t['fsyncs'], 1):.1f} events per fsync"),
        ("append p50", ms(lat["p50"]), f"{HELD:,} held, {BACKGROUND_APPENDERS} other appenders"),
        ("append p99", ms(lat["p99"]), "target < 5 ms"),
        ("append max", ms(lat["max"]), f"{lat['samples']:,} samples; 1 MB snapshot every {CHECKPOINT_EVERY:,}"),
        ("longest loop block", ms(figures["worst_block"]), "target < 20 ms"),
    ]
    lines = [f"store benchmark in {where}"]
    lines += [f"  {name:<20}{value:>18}   {note}" for name, value, note in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m workshop.bench.bench_store",
        description="How fast the session store saves events, and how long it ever blocks the event loop.",
    )
    parser.add_argument("--events", type=int, default=10_000, help="events for the throughput run")
    parser.add_argument("--dir", type=Path, default=None, help="where to create the temporary folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.dir) as tmp:
        figures = asyncio.run(run(Path(tmp), args.events))
        print(report(figures, Path(tmp).parent))


if __name__ == "__main__":
    main()
