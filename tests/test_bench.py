"""The benchmark tooling (`workshop.bench`) stays runnable where the README says, and
stays tooling: the product does not import it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"


@pytest.mark.parametrize(
    ("module", "prog"),
    [("workshop.bench", "python -m workshop.bench"), ("workshop.bench.bench_store", "python -m workshop.bench.bench_store")],
)
def test_the_benchmarks_answer_their_help(module, prog):
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.startswith(f"usage: {prog}")


def test_only_the_cli_imports_the_bench_package():
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "bench" not in path.relative_to(PACKAGE).parts
        and re.search(r"^\s*(from\s+(workshop)?\.*bench\b|import\s+workshop\.bench\b)", path.read_text(), re.MULTILINE)
    )
    assert importers == ["cli.py"]


def test_the_headless_room_serves_with_the_facilitators_screen_and_reports_its_figures(tmp_path):
    """What the benchmark's server side runs: `python -m workshop.bench.headless FOLDER --tui`."""
    import json
    import os
    import signal

    from workshop import sessions

    workshop = sessions.create("Bench probe", sessions_dir=tmp_path)
    workshop.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "workshop.bench.headless", str(workshop.folder), "--host", "127.0.0.1", "--port", "0", "--tui"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
    )
    try:
        listening = json.loads(process.stdout.readline())
        assert listening["port"] > 0 and listening["room"] == workshop.session.room_code
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    figures = json.loads(out.splitlines()[-1])
    assert figures["tui_cpu_seconds"] > 0


def test_the_headless_room_tells_its_loop_block_on_sigusr1_and_publishes(tmp_path):
    """`--publish` publishes the joint agenda; SIGUSR1 prints the longest loop block so
    far (what the long-day benchmark reads around one request)."""
    import json
    import os
    import signal
    import urllib.request

    from workshop import sessions

    workshop = sessions.create("Bench publish", sessions_dir=tmp_path)
    workshop.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "workshop.bench.headless", str(workshop.folder), "--port", "0", "--publish"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
    )
    try:
        listening = json.loads(process.stdout.readline())
        url = f"http://127.0.0.1:{listening['port']}/agenda.html?room={listening['room']}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200 and b"Bench publish" in response.read()
        process.send_signal(signal.SIGUSR1)
        told = json.loads(process.stdout.readline())
        assert told["loop_block_max_ms"] >= 0 and "gc_pause_max_ms" in told
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0


# ----------------------------------------------------------------- figures


def test_median_and_spread_of_runs():
    from workshop.bench.figures import cell, spread

    figure = spread([33.5, 20.2, 56.2])
    assert (figure.median, figure.low, figure.high, figure.runs) == (33.5, 20.2, 56.2, 3)
    assert cell(figure) == "33.5 (20.2–56.2)"
    assert spread([4, None, 2]).median == 3  # a run without the figure is left out
    assert spread([None, None]) is None and cell(None) == "–"
    assert cell(spread([1234.56]), 1) == "1,234.6"  # one run: its value alone


def test_targets_are_judged_on_the_median_or_the_worst_run():
    from workshop.bench.figures import Target, mark, ratio, spread

    assert mark(spread([10, 30, 200]), Target("<", 100)) == "met (2/3 runs)"
    assert mark(spread([150, 30, 200]), Target("<", 100)) == "MISSED (1/3 runs)"
    lost = Target("==", 0, worst=True)
    assert mark(spread([0, 0, 1]), lost) == "MISSED (2/3 runs)"  # one run losing a vote is a miss
    assert mark(spread([0, 0, 0]), lost) == "met (3/3 runs)"
    assert mark(spread([51_739]), Target(">=", 50_000)) == "met"
    assert mark(None, Target("<", 1)) == "no figure" and mark(spread([1]), None) == ""
    assert Target("<=", 1.5).text == "≤ 1.5" and Target(">=", 50_000).text == "≥ 50,000"
    figure = ratio([30, 60, 45], [20, 30, 40])  # medians 45 / 30; run by run 1.5, 2.0, 1.125
    assert figure.median == 1.5 and (figure.low, figure.high) == (1.125, 2.0)
    assert mark(figure, Target("<=", 1.5)) == "met (2/3 runs)"
    assert ratio([1, 2], [None, None]) is None


def _run(ack: float, everyone: float, **more) -> dict:
    return {
        "connect_s": 0.6, "votes_sent": 1000, "votes_acked": 1000, "views_missing": 0, "ack_p50_ms": ack / 10, "ack_p99_ms": ack,
        "all_phones_p50_ms": everyone / 2, "all_phones_p99_ms": everyone, "server_rss_mb": 70.0, "server_cpu_share": 0.5,
        "loop_block_max_ms": 12.0, **more,
    }


def _product(ack: float, everyone: float) -> dict:
    return _run(
        ack, everyone, votes_lost=0, tui_cpu_share=0.01, durable_p99_ms=3.0, append_p99_ms=4.0, gc_pause_max_ms=2.0,
        fsyncs=400, durable_lines=1000, joining_durable_p99_ms=8.0, joining_loop_block_max_ms=40.0, joining_gc_pause_max_ms=30.0,
    )


@pytest.mark.parametrize("phones", [500, 1000])
def test_the_report_prints_every_row_with_its_target_and_a_mark(phones):
    from workshop.bench.bench import RATIOS, ROWS, report, verdicts

    runs = {
        "product": [_product(30, 150), _product(20, 140), _product(90, 300)],
        "bare": [_run(3, 120), _run(4, 130), _run(2, 110)],
        "durable": [_run(10, 120, fsyncs=500, durable_lines=1000), _run(12, 125, fsyncs=500, durable_lines=1000), _run(8, 115, fsyncs=500, durable_lines=1000)],
    }
    text = report(phones, runs, 100, 10)
    lines = text.splitlines()
    assert f"{phones} phones" in lines[1] and "median (min–max) of 3 runs" in lines[1]
    assert all(h in lines[2] for h in ("product", "bare floor", "durable floor", "target"))
    for label, _, targets, _ in ROWS:
        line = next(line for line in lines if line.startswith(label.split(" (")[0] + " "))
        target = targets(phones) if targets else None
        if target is not None:
            assert target.text in line and ("met" in line or "MISSED" in line), line
    for label, _, _, target in RATIOS:
        line = next(line for line in lines if line.startswith(label))
        assert target.text in line and ("met" in line or "MISSED" in line), line
    assert re.search(r"^ack p99 \(ms\) +30\.0 \(20\.0–90\.0\) ", text, re.MULTILINE)
    ack_ratio = next(line for line in lines if line.startswith("ack p99 ÷"))
    assert "3.00 (1.67–11.25)" in ack_ratio and "MISSED (0/3 runs)" in ack_ratio  # 30 / 10; 20 / 12 … 90 / 8
    everyone = next(line for line in lines if line.startswith("all-phones p99 ÷"))
    assert "1.25" in everyone and "met" in everyone  # 150 / 120
    assert "2.5" in next(line for line in lines if line.startswith("events per fsync"))
    all_phones = next(line for line in lines if line.startswith("all phones p99"))
    assert ("< 250" if phones == 500 else "< 400") in all_phones
    judged = dict(verdicts(phones, runs))
    assert judged["ack p99 ÷ durable floor's ≤ 1.5"] is False and judged["all-phones p99 ÷ bare floor's ≤ 1.5"] is True


def test_the_long_day_report_prints_every_figure_with_its_target_and_a_mark(tmp_path):
    from collections import Counter

    from workshop.bench.longday import Generated, report

    generated = Generated(tmp_path, 30, 51_739, 12.3, Counter({"no_change": 9}), fsyncs=700)
    figures = {
        "resume": {
            "resume_s": [1.2, 0.9, 1.4], "parts": [{"open_s": 0.3, "app_s": 0.5}] * 3,
            "previews": [{"preview_s": 0.5, "loop_block_ms": 70.0}] * 3,
        },
        "status": [0.3, 0.6, 0.4], "export": [0.2, 0.2, 0.3], "export_command": [0.6, 0.7, 0.8], "help": [0.1, 0.1, 0.1],
        "agenda": [
            {"what": "first request (renders)", "status": 200, "bytes": 1000, "seconds": 0.2, "loop_block_max_ms": 15.0},
            {"what": "again (cached)", "status": 200, "bytes": 1000, "seconds": 0.01, "loop_block_max_ms": 30.0},
        ],
    }
    text = report(generated, figures)
    expected = {
        "events in the journal": "≥ 50,000 met",
        "workshop resume → run screen (s)": "< 1      MISSED (1/3 runs)",
        "workshop status, whole command (s)": "< 0.5    met (2/3 runs)",
        "export md+html+json and annexes (s)": "< 1      met (3/3 runs)",
        "export preview on screen, x pressed (s)": "< 1      met",
        "workshop --help (s)": "< 0.3    met",
    }
    for label, verdict in expected.items():
        line = next(line for line in text.splitlines() if line.startswith(label))
        assert verdict in line, line
    blocks = [line for line in text.splitlines() if "longest loop block meanwhile" in line]
    assert len(blocks) == 3 and all("< 20" in line for line in blocks)
    assert "MISSED" in blocks[0] and "met" in blocks[1] and "MISSED" in blocks[2]
    assert "51,739 events" in text and "1.20 (0.90–1.40)" in text


# ----------------------------------------------------------------- the durable floor


def test_the_durable_floor_acknowledges_only_what_its_file_holds_fsynced(tmp_path, monkeypatch):
    """Every ack comes after the fsync that covered its line: when the phone reads the
    ack, the line is within what was fsynced."""
    import asyncio
    import json
    import os

    from websockets.asyncio.client import connect

    from workshop.bench.bench import floor_server

    journal = tmp_path / "floor.jsonl"
    synced: list[int] = [0]
    real = os.fsync

    def fsync(fd: int) -> None:
        real(fd)
        synced.append(os.fstat(fd).st_size)

    monkeypatch.setattr(os, "fsync", fsync)

    async def phone(port: int, n: int) -> list[str]:
        acked = []
        async with connect(f"ws://127.0.0.1:{port}/ws", compression=None) as ws:
            await ws.send(json.dumps({"type": "hello"}))
            await ws.recv()
            for k in range(8):
                cmd_id = f"p{n}-{k}"
                await ws.send(json.dumps({"type": "act", "id": cmd_id, "command": {"type": "vote", "item": "i1"}}))
                while True:
                    message = json.loads(await ws.recv())
                    if message.get("type") == "ack":
                        break
                assert message["id"] == cmd_id
                on_disk = journal.read_bytes()[: synced[-1]]
                assert f'"id":"{cmd_id}"'.encode() in on_disk, f"{cmd_id} acked before its fsync"
                acked.append(cmd_id)
        return acked

    async def main():
        async with floor_server(0, journal) as (port, commit):
            acked = await asyncio.wait_for(asyncio.gather(*(phone(port, n) for n in range(6))), 60)
            return [a for each in acked for a in each], commit.fsyncs, commit.lines

    acked, fsyncs, lines = asyncio.run(main())
    assert len(acked) == 48 and lines == 48 and 1 <= fsyncs <= 48
    held = [json.loads(line)["id"] for line in journal.read_text().splitlines()]
    assert sorted(held) == sorted(acked)


def test_group_commit_takes_what_arrived_during_an_fsync_into_the_next(tmp_path, monkeypatch):
    import asyncio
    import os
    import time

    from workshop.bench.bench import GroupCommit

    real = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.2)  # long enough for the other appends to arrive meanwhile
        real(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)

    async def main():
        commit = GroupCommit(tmp_path / "group.jsonl")
        first = asyncio.ensure_future(commit.append(b"first\n"))
        await asyncio.sleep(0.05)  # the first fsync is under way
        rest = [asyncio.ensure_future(commit.append(b"line %d\n" % n)) for n in range(9)]
        await asyncio.sleep(0.05)
        assert not any(f.done() for f in rest)
        await asyncio.wait_for(asyncio.gather(first, *rest), 30)
        fsyncs = commit.fsyncs
        await commit.close()
        return fsyncs

    assert asyncio.run(main()) == 2
    assert (tmp_path / "group.jsonl").read_bytes().count(b"\n") == 10


# ----------------------------------------------------------------- the long day


def test_the_long_day_generator_makes_a_session_that_loads_and_reaches_50000_events_at_30_people(tmp_path):
    """Small rooms here (a few seconds); the count grows with the room, and the default
    sizing of the 30-person day gives 50 000 events or more."""
    from workshop import sessions
    from workshop.bench.longday import ROUNDS, TARGET_EVENTS, generate

    small = generate(tmp_path / "a", people=3, rounds=ROUNDS)
    larger = generate(tmp_path / "b", people=6, rounds=ROUNDS)
    per_person = (larger.events - small.events) / 3
    assert per_person > 0.9 * small.events / 3  # about linear in the room's size
    assert small.events + per_person * 27 >= TARGET_EVENTS
    reading = sessions.read_folder(larger.folder)
    session = reading.session
    assert reading.warnings == [] and session.seq == larger.events
    assert all(state.status == "closed" for state in session.exercises.values())
    assert len(session.participants) == 6
    worries = session.exercises["worries"]
    assert any(i.hidden for i in worries.ideas.values()) and any(i.merged_into for i in worries.ideas.values()) and worries.themes
    assert any(i.text.endswith(")") for i in worries.ideas.values())  # edited
    statuses = [i.status for i in session.exercises["joint-initiatives"].initiatives.values()]
    assert statuses.count("agreed") == 3 and statuses.count("parked") == 1
    kinds = {r.kind for r in session.records.values()}
    assert {"decision", "action", "risk", "ask", "checkpoint"} <= kinds
    again = generate(tmp_path / "c", people=3, rounds=ROUNDS)  # a fixed clock: the same session every time
    assert (again.folder / "journal.jsonl").read_bytes() == (small.folder / "journal.jsonl").read_bytes()
