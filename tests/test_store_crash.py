"""The store under kill -9: nothing acknowledged is ever lost and the session always loads.

Each round starts tests/crash_writer.py on the same folder (so later rounds load what
earlier crashes left), lets it acknowledge appends for a random 0.05–0.6 s, kills it
with SIGKILL and loads the folder. Rounds are seeded; a failure names its seed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from workshop.store import SessionStore

REPO = Path(__file__).resolve().parents[1]
WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 12
BASE_SEED = 20_240_601
TIME_LIMIT = 50.0  # seconds for all rounds, so the test stays under a minute


def run_writer_and_kill(folder: Path, pause: float, stderr_path: Path) -> tuple[int, list[int]]:
    """Run the writer, SIGKILL it `pause` s after its first ACK; (seq it started from, ACKed seqs)."""
    with open(stderr_path, "wb") as stderr:
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(folder)],
            stdout=subprocess.PIPE, stderr=stderr, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    lines: list[bytes] = []
    first_ack = threading.Event()

    def read() -> None:
        for line in iter(writer.stdout.readline, b""):
            lines.append(line)
            if line.startswith(b"ACK"):
                first_ack.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        assert first_ack.wait(20), "the writer never acknowledged an event: " + stderr_path.read_text()
        time.sleep(pause)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        reader.join()
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL, stderr_path.read_text()
    # A line cut off by the kill has no newline: it was never a complete acknowledgement.
    complete = [line.split() for line in lines if line.endswith(b"\n")]
    start = next(int(seq) for word, seq in complete if word == b"START")
    return start, [int(seq) for word, seq in complete if word == b"ACK"]


def test_acknowledged_events_survive_repeated_kill_9(tmp_path):
    folder = tmp_path / "session"
    deadline = time.monotonic() + TIME_LIMIT
    saved = 0
    for round_number in range(ROUNDS):
        seed = BASE_SEED + round_number
        where = f"round {round_number} (seed {seed})"
        pause = random.Random(seed).uniform(0.05, 0.6)
        start, acked = run_writer_and_kill(folder, pause, tmp_path / f"stderr-{round_number}.txt")

        assert start == saved, f"{where}: the writer resumed after {start}, but {saved} events were saved"
        assert acked, f"{where}: no acknowledgements"
        assert sorted(acked) == list(range(start + 1, max(acked) + 1)), f"{where}: acks are not contiguous"

        store = SessionStore(folder)
        loaded = store.load()  # must never raise
        store.close()
        saved = loaded.snapshot_seq + len(loaded.events)
        print(f"{where}: killed after {pause:.2f} s, {len(acked)} acked, {saved} saved, "
              f"snapshot at {loaded.snapshot_seq}, warnings: {loaded.warnings}")
        seqs = [event["seq"] for event in loaded.events]
        assert seqs == list(range(loaded.snapshot_seq + 1, saved + 1)), f"{where}: journal not contiguous"
        assert max(acked) <= saved, f"{where}: acknowledged event {max(acked)} lost; only {saved} saved"
        if loaded.snapshot_state is not None:
            seq = loaded.snapshot_seq
            assert loaded.snapshot_state == {"sum": seq * (seq + 1) // 2}, f"{where}: snapshot does not match its seq"
            assert loaded.meta == {"events": seq}, f"{where}: snapshot meta does not match its seq"
        assert not list(folder.glob(".*.tmp")), f"{where}: temp files left after load"
        assert time.monotonic() < deadline, f"{where}: too slow; the crash test must stay under a minute"
