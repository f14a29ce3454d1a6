"""The benchmark: the real room (real store, TUI running headless) against a bare
websockets broadcast server, under the same storm, on loopback.

    python -m workshop.bench [--phones 200,500,1000] [--rate 100] [--duration 10]

For each crowd size it starts the server in a process of its own, runs the
simulated phones (`loadtest.storm`, beside this module) in another, and prints:
connect time, vote → acknowledgement p50/p99, vote → updated view on every phone
p50/p99, votes lost, server RSS, the TUI's CPU share, persistence p99 and the
longest event-loop block — then the same for the floor, and the ratio of the
product's p99 to it.
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
from pathlib import Path

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


# ----------------------------------------------------------------- the floor


async def baseline_server(port: int) -> None:
    """The same wire shape with nothing behind it: acks at once, counts in memory,
    broadcasts `{"v":1,"type":"view","seq":n}` at most 10 times a second."""
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()
    state = {"seq": 0, "sent": -1}

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
                    await ws.send(json.dumps({"type": "ack", "id": message["id"], "seq": state["seq"], "mine": {}}))
        finally:
            clients.discard(ws)

    async def ticker():
        while True:
            await asyncio.sleep(0.1)
            if state["seq"] != state["sent"]:
                state["sent"] = state["seq"]
                broadcast(clients, f'{{"v":1,"type":"view","seq":{state["seq"]},"room":{{}}}}')

    from .headless import LoopWatch

    async with serve(handler, "127.0.0.1", port, compression=None) as server:
        task = asyncio.create_task(ticker())
        watch = LoopWatch()  # the same gauge as the product's: the machine's own noise
        print(json.dumps({"port": server.sockets[0].getsockname()[1], "room": "BASE"}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        task.cancel()
        watch.stop()
    print(json.dumps({"loop_block_max_ms": round(watch.worst * 1000, 2)}), flush=True)


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
    process.send_signal(signal.SIGTERM)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return {}
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else {}


def _storm(port: int, room: str, phones: int, rate: float, duration: float) -> dict:
    code = (
        "import asyncio, json, sys; from workshop.bench.loadtest import storm; "
        f"print(json.dumps(asyncio.run(storm('ws://127.0.0.1:{port}/ws?room={room}', '{room}', phones={phones}, "
        f"exercise='storm', items={ITEMS!r}, rate={rate}, duration={duration}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_product(phones: int, rate: float, duration: float, workdir: Path) -> dict:
    from .. import sessions

    template = workdir / "bench.toml"
    template.write_text(TEMPLATE)
    workshop = sessions.create(f"Bench {phones}", str(template), sessions_dir=workdir, max_participants=phones + 10)
    folder = workshop.folder
    workshop.close()
    server, hello = _start(["-m", "workshop.bench.headless", str(folder), "--open", "storm", "--tui"])
    cpu_before = _cpu_seconds(server.pid)
    wall_before = time.monotonic()
    figures = _storm(hello["port"], hello["room"], phones, rate, duration)
    figures["server_rss_mb"] = _rss_mb(server.pid)
    figures["server_cpu_share"] = round((_cpu_seconds(server.pid) - cpu_before) / (time.monotonic() - wall_before), 3)
    inside = _stop(server)
    wall = time.monotonic() - wall_before
    figures["tui_cpu_share"] = round(inside.get("tui_cpu_seconds", 0) / wall, 4)
    figures["append_p99_ms"] = inside.get("append_p99_ms")
    figures["durable_p99_ms"] = inside.get("durable_p99_ms")
    figures["loop_block_max_ms"] = inside.get("loop_block_max_ms")
    figures["gc_pause_max_ms"] = inside.get("gc_pause_max_ms")
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


def run_baseline(phones: int, rate: float, duration: float) -> dict:
    server, hello = _start(["-m", "workshop.bench", "--serve-baseline"])
    figures = _storm(hello["port"], hello["room"], phones, rate, duration)
    figures["server_rss_mb"] = _rss_mb(server.pid)
    figures.pop("expected")
    figures.update(_stop(server))
    return figures


# ----------------------------------------------------------------- report

ROWS = [
    ("connect time (s)", "connect_s", "< 2 s at 500"),
    ("votes acked / sent", None, ""),
    ("ack p50 (ms)", "ack_p50_ms", ""),
    ("ack p99 (ms)", "ack_p99_ms", "< 100"),
    ("all phones p50 (ms)", "all_phones_p50_ms", ""),
    ("all phones p99 (ms)", "all_phones_p99_ms", "< 250 (500), < 400 (1000)"),
    ("votes lost", "votes_lost", "0"),
    ("server RSS (MB)", "server_rss_mb", "< 150 at 1000"),
    ("server CPU share", "server_cpu_share", ""),
    ("TUI CPU share", "tui_cpu_share", "< 0.25"),
    ("persistence p99 (ms)", "durable_p99_ms", "< 5"),
    ("  …until the loop sees it", "append_p99_ms", ""),
    ("longest loop block (ms)", "loop_block_max_ms", "< 20"),
    ("longest GC pause (ms)", "gc_pause_max_ms", ""),
]


def report(results: list[tuple[int, dict, dict]]) -> str:
    lines = []
    for phones, product, floor in results:
        lines.append(f"\n== {phones} phones ==")
        lines.append(f"{'':<26}{'product':>12}{'floor':>12}   target")
        for label, key, target in ROWS:
            if key is None:
                p = f"{product['votes_acked']}/{product['votes_sent']}"
                f = f"{floor['votes_acked']}/{floor['votes_sent']}"
            else:
                p, f = product.get(key, "–"), floor.get(key, "–")
            lines.append(f"{label:<26}{p!s:>12}{f if f is not None else '–'!s:>12}   {target}")
        for key in ("ack_p99_ms", "all_phones_p99_ms"):
            if product.get(key) and floor.get(key):
                lines.append(f"ratio {key.replace('_ms', '')} product/floor: {product[key] / floor[key]:.2f} (target ≤ 1.5)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", default="200,500,1000", help="crowd sizes, comma separated")
    parser.add_argument("--rate", type=float, default=100.0, help="votes per second (default 100)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of storm per run (default 10)")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_baseline:
        asyncio.run(baseline_server(0))
        return 0
    sizes = [int(n) for n in args.phones.split(",")]
    print(f"Common Ground benchmark — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"storm: {args.rate:g} votes/s for {args.duration:g} s; server and phones in separate processes on 127.0.0.1")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for phones in sizes:
            product = run_product(phones, args.rate, args.duration, Path(tmp))
            floor = run_baseline(phones, args.rate, args.duration)
            results.append((phones, product, floor))
            print(report([results[-1]]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
