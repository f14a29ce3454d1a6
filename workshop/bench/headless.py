"""The room without a screen, as a process of its own: for the fault tests (which
kill it with SIGKILL and start it again) and for the benchmark's server side.

    python -m workshop.bench.headless SESSION_FOLDER --port 0 [--open EXERCISE] [--tui]

It prints one JSON line when it is listening — ``{"port": 43121, "room": "K7QM2X"}``
— then serves until SIGTERM/SIGINT. With ``--tui`` the facilitator's app runs
too, headless, on the same loop (the benchmark measures its CPU share). On a
clean stop it prints a last JSON line of figures measured inside the process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import signal
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path

from .. import commands as c
from ..room import Room
from ..sessions import open_folder

LAG_TICK = 0.005


class LoopWatch:
    """Measures how late the loop wakes a 5 ms sleeper: the longest block."""

    def __init__(self):
        self.worst = 0.0
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(LAG_TICK)
            self.worst = max(self.worst, loop.time() - start - LAG_TICK)

    def stop(self):
        self._task.cancel()


class GCWatch:
    """The longest pause of Python's cyclic garbage collector, and how many ran."""

    def __init__(self):
        self.worst, self.runs, self._start = 0.0, 0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.runs += 1
            self.worst = max(self.worst, time.perf_counter() - self._start)

    def stop(self):
        gc.callbacks.remove(self._callback)


class AppendTimer:
    """Times each durable write two ways: from submit to fsynced, on the writer
    thread (the disk and group commit alone), and from `append` to the loop
    seeing it (that plus waiting for a busy loop)."""

    def __init__(self, store):
        self.durable: list[float] = []
        self.samples: list[float] = []
        submit, append = store.submit, store.append

        def timed_submit(events, done):
            start = time.perf_counter()

            def finished(error):
                self.durable.append(time.perf_counter() - start)
                done(error)

            submit(events, finished)

        async def timed_append(events):
            start = time.perf_counter()
            try:
                return await append(events)
            finally:
                self.samples.append(time.perf_counter() - start)

        store.submit, store.append = timed_submit, timed_append


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def serve(folder: Path, host: str, port: int, open_exercise: str | None, with_tui: bool, keepalive: float = 20.0) -> dict:
    workshop = open_folder(folder)
    room = Room(workshop, host=host, port=port, keepalive=keepalive)
    await room.start()
    if open_exercise and workshop.session.exercises[open_exercise].status != "open":
        await room.facilitate(c.Open(exercise=open_exercise))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with _tui(workshop, room) if with_tui else _no_tui() as tui:
        # Measuring starts once everything is up: start-up is not the vote path.
        # In the app the TUI exists before the room starts; here it came after, so
        # freeze its objects too, as Room.start does for everything before it.
        gc.freeze()
        watch = LoopWatch()
        collector = GCWatch()
        appends = AppendTimer(workshop.store)
        print(json.dumps({"port": room.port, "room": workshop.session.room_code}), flush=True)
        await stop.wait()
        watch.stop()
        collector.stop()
    await room.stop()
    workshop.close()
    return {
        "loop_block_max_ms": round(watch.worst * 1000, 2),
        "gc_pause_max_ms": round(collector.worst * 1000, 2),
        "gc_runs": collector.runs,
        "append_p99_ms": round((percentile(appends.samples, 0.99) or 0) * 1000, 2),
        "durable_p99_ms": round((percentile(appends.durable, 0.99) or 0) * 1000, 2),
        "appends": len(appends.samples),
        "tui_cpu_seconds": round(tui.spent, 3),
    }


class _Spent:
    spent = 0.0


@asynccontextmanager
async def _no_tui():
    yield _Spent()


@asynccontextmanager
async def _tui(workshop, room):
    """The real run screen, headless, on this loop; `.spent` is the CPU seconds
    its redraws took."""
    from ..tui.app import build_app
    from ..tui.screens.run import RunScreen

    app = build_app(workshop=None)
    meter = _Spent()
    async with app.run_test(size=(140, 44)) as pilot:
        app.workshop, app.room = workshop, room
        screen = RunScreen()
        original = screen.refresh_view

        def timed(force: bool = False):
            start = time.process_time()
            original(force)
            meter.spent += time.process_time() - start

        screen.refresh_view = timed
        await app.push_screen(screen)
        await pilot.pause(0.5)
        yield meter
        app.workshop = app.room = None  # the room and store are stopped by `serve`


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.bench.headless", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--open", dest="open_exercise")
    parser.add_argument("--tui", action="store_true")
    parser.add_argument("--keepalive", type=float, default=20.0, help="ping interval and timeout in seconds")
    args = parser.parse_args(argv)
    figures = asyncio.run(serve(args.folder, args.host, args.port, args.open_exercise, args.tui, args.keepalive))
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
