"""The room without a screen, as a process of its own: for the fault tests (which
kill it with SIGKILL and start it again) and for the benchmark's server side.

    python -m workshop.bench.headless SESSION_FOLDER --port 0 [--open EXERCISE] [--publish] [--tui]

It prints one JSON line when it is listening — ``{"port": 43121, "room": "K7QM2X"}``
— then serves until SIGTERM/SIGINT. With ``--tui`` the facilitator's app runs
too, headless, on the same loop (the benchmark measures its CPU share); with
``--publish`` the joint agenda is published first, as `u` on the export screen
does; with ``--profile FILE`` the loop's thread is profiled while serving, and
with ``--blocks FILE`` its stack is sampled whenever the loop is blocked (`BlockSampler`). On a clean stop it prints a last JSON line of figures measured inside the
process. SIGUSR1 prints the same figures so far as a JSON line (with "so_far") and
starts them afresh, so that a caller can tell phases apart (the phones joining, then
voting) or watch the loop during one request.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import gc
import json
import signal
import sys
import threading
import time
import traceback
from contextlib import asynccontextmanager
from pathlib import Path

from .. import commands as c
from ..room import Room
from ..sessions import open_folder
from .bench_store import counting_fsyncs

LAG_TICK = 0.005


class LoopWatch:
    """Measures how late the loop wakes a 5 ms sleeper: the longest block. `beat` is
    when it last woke (`time.perf_counter`), for `BlockSampler`'s thread to read."""

    def __init__(self):
        self.worst = 0.0
        self.beat = time.perf_counter()
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(LAG_TICK)
            self.beat = time.perf_counter()
            self.worst = max(self.worst, loop.time() - start - LAG_TICK)

    def stop(self):
        self._task.cancel()


class BlockSampler:
    """A poor man's py-spy for long loop blocks: a thread that, whenever the loop has
    not woken `LoopWatch` for `threshold` seconds, samples the loop thread's stack.
    Samples add up to about the time spent blocked in each place (a sample every
    `every` seconds; a collection by Python's GC shows as the line that set it off)."""

    def __init__(self, watch: LoopWatch, threshold: float = 0.02, every: float = 0.002):
        self.watch, self.threshold, self.every = watch, threshold, every
        self.samples: collections.Counter = collections.Counter()
        self.others: collections.Counter = collections.Counter()
        self.blocks = 0
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="block sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        blocked = False
        while not self._stop.wait(self.every):
            if time.perf_counter() - self.watch.beat <= self.threshold + LAG_TICK:
                blocked = False
                continue
            frames = sys._current_frames()
            frame = frames.get(self._loop_thread)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            self.samples[tuple(f"{_short(f.filename)}:{f.lineno} {f.name}" for f in stack[-14:])] += 1
            self.blocks += 0 if blocked else 1
            blocked = True
            # What the other threads were doing meanwhile (one holding the GIL keeps the loop waiting).
            names = {t.ident: t.name for t in threading.enumerate()}
            for ident, other in frames.items():
                if ident not in (self._loop_thread, threading.get_ident()):
                    self.others[(names.get(ident, "?"), f"{_short(other.f_code.co_filename)}:{other.f_lineno} {other.f_code.co_name}")] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> None:
        self.samples = collections.Counter()
        self.others = collections.Counter()
        self.blocks = 0

    def report(self, top: int = 12) -> str:
        """Where the loop was while blocked: by innermost frame of the product (or of
        anything), then the commonest stacks."""
        total = sum(self.samples.values()) or 1
        lines = [f"{self.blocks} blocks over {self.threshold * 1000:.0f} ms, {total} samples every {self.every * 1000:.0f} ms"]
        for title, pick in (
            ("innermost frame of the product", lambda s: next((f for f in reversed(s) if f.startswith("workshop/")), s[-1])),
            ("innermost frame", lambda s: s[-1]),
        ):
            counts: collections.Counter = collections.Counter()
            for stack, n in self.samples.items():
                counts[pick(stack)] += n
            lines.append(f"\n-- by {title}:")
            lines += [f"{n * 100 / total:5.1f}%  {where}" for where, n in counts.most_common(top)]
        lines.append("\n-- meanwhile, the other threads (innermost frame):")
        lines += [f"{n * 100 / total:5.1f}%  {thread}: {where}" for (thread, where), n in self.others.most_common(top)]
        lines.append("\n-- commonest stacks (outermost first):")
        for stack, n in self.samples.most_common(5):
            lines.append(f"{n * 100 / total:5.1f}%")
            lines += [f"        {frame}" for frame in stack]
        return "\n".join(lines)


def _short(filename: str) -> str:
    """`workshop/room.py`, `textual/app.py`: the path from the package down."""
    parts = Path(filename).parts
    for anchor in ("workshop", "site-packages", "python3.11", "lib"):
        if anchor in parts:
            rest = parts[len(parts) - parts[::-1].index(anchor) :]
            return "/".join(("workshop", *rest) if anchor == "workshop" else rest)
    return filename


class GCWatch:
    """The longest pause of Python's cyclic garbage collector (and the generation it
    collected), and how many ran."""

    def __init__(self):
        self._start = 0.0
        self.reset()
        gc.callbacks.append(self._callback)

    def reset(self):
        self.worst, self.runs, self.worst_generation = 0.0, 0, None

    def _callback(self, phase, info):
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.runs += 1
            pause = time.perf_counter() - self._start
            if pause > self.worst:
                self.worst, self.worst_generation = pause, info.get("generation")

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


async def serve(
    folder: Path, host: str, port: int, open_exercise: str | None, with_tui: bool, keepalive: float = 20.0, publish: bool = False,
    profile: Path | None = None,
    blocks: Path | None = None,
    refreeze: bool = False,
) -> dict:
    workshop = open_folder(folder)
    room = Room(workshop, host=host, port=port, keepalive=keepalive)
    await room.start()
    if open_exercise and workshop.session.exercises[open_exercise].status != "open":
        await room.facilitate(c.Open(exercise=open_exercise))
    if publish and not workshop.session.published:
        await room.facilitate(c.Publish())
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

        since = {"fsyncs": 0}

        def measured() -> dict:
            return {
                "loop_block_max_ms": round(watch.worst * 1000, 2),
                "gc_pause_max_ms": round(collector.worst * 1000, 2),
                "gc_worst_generation": collector.worst_generation,
                "gc_runs": collector.runs,
                "append_p99_ms": round((percentile(appends.samples, 0.99) or 0) * 1000, 2),
                "durable_p99_ms": round((percentile(appends.durable, 0.99) or 0) * 1000, 2),
                "appends": len(appends.samples),
                "fsyncs": len(fsyncs) - since["fsyncs"],
            }

        def so_far():
            """SIGUSR1: the figures since the start (or the last SIGUSR1), then afresh."""
            print(json.dumps({"so_far": True, **measured()}), flush=True)
            watch.worst = 0.0
            collector.reset()
            appends.samples.clear()
            appends.durable.clear()
            since["fsyncs"] = len(fsyncs)
            if refreeze:  # to try it without changing the product: the crowd's objects out of the collector's sight
                gc.freeze()
            if sampler is not None:
                Path(blocks).with_name(f"{Path(blocks).stem}-before{Path(blocks).suffix}").write_text(sampler.report() + "\n")
                sampler.reset()

        sampler = BlockSampler(watch) if blocks else None
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        with counting_fsyncs() as fsyncs:
            loop.add_signal_handler(signal.SIGUSR1, so_far)
            print(json.dumps({"port": room.port, "room": workshop.session.room_code}), flush=True)
            await stop.wait()
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        if sampler is not None:
            sampler.stop()
            Path(blocks).write_text(sampler.report() + "\n")
        watch.stop()
        collector.stop()
        figures = measured()
    await room.stop()
    workshop.close()
    return {**figures, "tui_cpu_seconds": round(tui.spent, 3)}


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
    parser.add_argument("--publish", action="store_true", help="publish the joint agenda (as u on the export screen)")
    parser.add_argument("--profile", type=Path, help="cProfile the loop's thread while serving; stats written to this file at the end")
    parser.add_argument("--blocks", type=Path, help="sample the loop thread's stack during long blocks; report written to this file")
    parser.add_argument("--refreeze", action="store_true", help="gc.freeze() again at SIGUSR1 (after the phones joined): an experiment")
    parser.add_argument("--keepalive", type=float, default=20.0, help="ping interval and timeout in seconds")
    args = parser.parse_args(argv)
    figures = asyncio.run(serve(args.folder, args.host, args.port, args.open_exercise, args.tui, args.keepalive, args.publish, args.profile, args.blocks, args.refreeze))
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
