"""The store under a simulated power cut: every acknowledged event is still there.

tests/test_store_crash.py kills the writer with SIGKILL, which keeps the OS page
cache: every write() survives it, fsynced or not. A power cut keeps only what was
fsynced. tests/powercut.py records, at each fsync the store makes (from its writer
thread, its checkpoint thread or the caller's), what a worst-case POSIX disk would
hold if the power went right then: each directory as it was at its own last fsync,
each file's bytes as at its own last fsync (empty if never), and which events had
been acknowledged by then. Each of those states is laid out as real files and loaded.

The workload, per seed: create a session, append a few hundred events in small
batches from 2–4 threads (each waits for its batch's acknowledgement, as a phone
would), checkpoint every 50 events, close and reopen halfway, append the rest with
background checkpoints. Every fsync of every run is a cut point. A failure names the
seed and the fsync.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.powercut import Cut, PowerCutDisk
from workshop.store import SessionStore

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").exists(),
    reason="the simulated disk reads fsynced files back through /proc/self/fd, which only Linux has",
)

EVENTS = 240
CHECKPOINT_EVERY = 50
SEEDS = range(20_250_601, 20_250_621)  # 20 runs of 60-100 fsyncs each: every fsync is a cut


class Workload:
    """One seeded run: the events it appends, and which of them were acknowledged.

    The events and batch sizes are a pure function of the seed; only the thread
    timing (and so how batches share fsyncs) varies from run to run.
    """

    def __init__(self, seed: int, events: int = EVENTS) -> None:
        rng = random.Random(seed)
        self.seed = seed
        self.threads = rng.randint(2, 4)
        self.events = [{"seq": n, "body": "x" * rng.randint(0, 160)} for n in range(1, events + 1)]
        self.batches: list[list[dict]] = []
        while (start := sum(map(len, self.batches))) < events:
            self.batches.append(self.events[start : start + rng.randint(1, 4)])
        self.digests = [hashlib.sha256().hexdigest()]  # digests[seq]: of events 1..seq
        running = hashlib.sha256()
        for event in self.events:
            running.update(json.dumps(event, sort_keys=True).encode())
            self.digests.append(running.copy().hexdigest())
        self.failures: list[BaseException] = []
        self._acked: set[int] = set()
        self._lock = threading.Lock()

    def state_at(self, seq: int) -> dict:
        """The snapshot state that includes events 1..seq: checkable against the events."""
        return {"count": seq, "digest": self.digests[seq]}

    def acked(self) -> frozenset[int]:
        """The seqs acknowledged so far (the disk's witness, called at every fsync)."""
        with self._lock:
            return frozenset(self._acked)

    def run(self, folder: Path) -> None:
        """Create, append half with checkpoints, close, reopen, append the rest, close."""
        half = next(i for i, batch in enumerate(self.batches) if batch[-1]["seq"] >= len(self.events) // 2) + 1
        store = SessionStore.create(folder)
        self._append(store, self.batches[:half], store.checkpoint)
        store.close()
        store = SessionStore(folder)
        loaded = store.load()  # the reopen: its own writes must be crash-safe too
        assert loaded.snapshot_seq + len(loaded.events) == self.batches[half - 1][-1]["seq"]
        self._append(store, self.batches[half:], store.checkpoint_in_background)
        store.close()

    def _append(self, store: SessionStore, batches: list[list[dict]], checkpoint) -> None:
        queue = iter(batches)
        turn = threading.Lock()  # seqs must reach the store in order

        def client() -> None:
            while True:
                with turn:
                    batch = next(queue, None)
                    if batch is None:
                        return
                    acknowledged = threading.Event()
                    store.submit(batch, self._done(batch, acknowledged))
                first, last = batch[0]["seq"], batch[-1]["seq"]
                if (first - 1) // CHECKPOINT_EVERY != last // CHECKPOINT_EVERY:
                    # Usually not yet durable: the checkpoint has to wait for the journal.
                    checkpoint(self.state_at(last), last, {"seq": last})
                assert acknowledged.wait(30), f"seed {self.seed}: events {first}..{last} were never acknowledged"

        with ThreadPoolExecutor(self.threads) as pool:
            for future in [pool.submit(client) for _ in range(self.threads)]:
                future.result()

    def _done(self, batch: list[dict], acknowledged: threading.Event):
        def done(error: BaseException | None) -> None:
            with self._lock:
                if error is None:
                    self._acked.update(event["seq"] for event in batch)
                else:
                    self.failures.append(error)
            acknowledged.set()

        return done


def run_under_power_cut_disk(workload: Workload, tmp_path: Path) -> list[Cut]:
    """Run `workload` on a watched disk; every cut it offers, the last one after close."""
    root = tmp_path / "disk"
    root.mkdir()  # exists before create(), so the session folder's own entry is modelled too
    with PowerCutDisk(root, witness=workload.acked) as disk:
        workload.run(root / "session")
        after_close = disk.now()
    assert not workload.failures, f"seed {workload.seed}: the store refused to save: {workload.failures[0]}"
    assert workload.acked() == set(range(1, len(workload.events) + 1))
    return [*disk.cuts, after_close]


def check_cut(cut: Cut, workload: Workload, restored: Path) -> int | None:
    """Load what `cut` left on disk and check the store's promises; the snapshot seq loaded
    (0 for none), or None when the session folder is not there yet."""
    where = f"seed {workload.seed}, power cut after fsync #{cut.number} ({cut.what})"
    acked: frozenset[int] = cut.witness
    shutil.rmtree(restored, ignore_errors=True)
    cut.materialise(restored)
    store = SessionStore(restored / "session")
    if not store.exists():
        assert not acked, f"{where}: the session is gone, but events up to {max(acked)} were acknowledged"
        return None
    try:
        loaded = store.load()  # must not raise
        reopened_at = store.last_seq
    finally:
        store.close()
    snapshot_seq = loaded.snapshot_seq
    saved = snapshot_seq + len(loaded.events)
    in_journal = (restored / "session" / "journal.jsonl").read_bytes().count(b"\n")
    seqs = [event["seq"] for event in loaded.events]
    assert seqs == list(range(snapshot_seq + 1, saved + 1)), f"{where}: events out of order, missing or twice: {seqs}"
    assert in_journal == saved, f"{where}: the journal holds {in_journal} lines, but {saved} events loaded"
    assert snapshot_seq <= in_journal, f"{where}: the snapshot at {snapshot_seq} is ahead of the journal"
    lost = sorted(acked - set(range(1, saved + 1)))
    assert not lost, f"{where}: {len(lost)} acknowledged events ({lost[0]}..{lost[-1]}) are lost; {saved} saved"
    assert loaded.events == workload.events[snapshot_seq:saved], f"{where}: an event came back changed"
    if loaded.snapshot_state is not None:
        assert loaded.snapshot_state == workload.state_at(snapshot_seq), f"{where}: the snapshot does not match its seq"
        assert loaded.meta == {"seq": snapshot_seq}, f"{where}: the snapshot's meta does not match its seq"
    # Everything the store renames into place was fsynced first, so nothing can be damaged.
    assert loaded.warnings == [], f"{where}: {loaded.warnings}"
    assert reopened_at == saved, f"{where}: the reopened store would append after {reopened_at}, not {saved}"
    return snapshot_seq


@pytest.mark.parametrize("seed", SEEDS)
def test_every_acknowledged_event_survives_a_power_cut_at_any_fsync(tmp_path, seed):
    """Cut the power after each fsync of one seeded run (create, appends from several
    threads, checkpoints, a reopen): the session loads, with every acknowledged event
    intact, 1..n with no gap or repeat, and a snapshot never ahead of the journal."""
    workload = Workload(seed)
    cuts = run_under_power_cut_disk(workload, tmp_path)
    snapshots = [check_cut(cut, workload, tmp_path / "restored") for cut in cuts]
    # The run really went through the interesting states, not just the last one.
    assert None in snapshots, "no cut came before the session folder was durable"
    assert any(snapshots), "no cut left a snapshot to load"
    assert any(cut.witness and seq == 0 for cut, seq in zip(cuts, snapshots)), "no cut before the first snapshot"
    print(f"seed {seed}: {workload.threads} threads, {len(cuts)} cut points checked")


def test_a_session_created_with_its_sessions_folder_survives_a_power_cut(tmp_path):
    """The first session on a machine: create() also makes the sessions folder."""
    root = tmp_path / "disk"
    root.mkdir()
    with PowerCutDisk(root) as disk:
        store = SessionStore.create(root / "sessions" / "first")
        store.append_sync([{"seq": 1, "body": "acknowledged"}])
        store.close()
        cut = disk.now()
    cut.materialise(tmp_path / "restored")
    store = SessionStore(tmp_path / "restored" / "sessions" / "first")
    left = sorted(os.listdir(tmp_path / "restored"))
    assert store.exists(), f"the acknowledged event 1 is lost: the disk after the cut holds only {left}"
    with store:
        assert store.load().events == [{"seq": 1, "body": "acknowledged"}]


def test_the_check_fails_a_store_whose_folder_fsyncs_do_nothing(tmp_path):
    """The oracle can fail: when fsync on a directory does nothing (the folder's entries
    never reach the disk), the cuts lose acknowledged events and check_cut says so."""
    workload = Workload(SEEDS[0], events=60)
    root = tmp_path / "disk"
    root.mkdir()
    with PowerCutDisk(root, witness=workload.acked) as disk:
        recorded = os.fsync
        os.fsync = lambda fd: None if stat.S_ISDIR(os.fstat(fd).st_mode) else recorded(fd)
        try:
            workload.run(root / "session")
        finally:
            os.fsync = recorded
    caught = []
    for cut in disk.cuts:
        try:
            check_cut(cut, workload, tmp_path / "restored")
        except AssertionError as failure:
            caught.append(str(failure))
    assert caught and all("the session is gone, but events" in failure for failure in caught)


# --- the simulated disk itself ------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "disk").mkdir()
    (tmp_path / "disk" / "old.json").write_bytes(b"old")  # in the baseline
    return tmp_path / "disk"


def write(path: Path, data: bytes, *, fsync: bool) -> None:
    with open(path, "wb") as file:
        file.write(data)
        file.flush()
        if fsync:
            os.fsync(file.fileno())


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def test_a_file_fsynced_in_a_folder_never_fsynced_is_gone_after_the_cut(root, tmp_path):
    """A file's own fsync does not make its name durable: its folder's fsync does."""
    with PowerCutDisk(root) as disk:
        write(root / "new.json", b"data", fsync=True)
        cut = disk.now()
    assert (root / "new.json").read_bytes() == b"data"  # kill -9 would keep it
    cut.materialise(tmp_path / "after")
    assert sorted(os.listdir(tmp_path / "after")) == ["old.json"]


def test_a_file_whose_data_was_never_fsynced_is_empty_after_the_cut(root, tmp_path):
    """The folder's fsync makes the name durable, not the bytes written to the file."""
    with PowerCutDisk(root) as disk:
        write(root / "new.json", b"data", fsync=False)
        fsync_folder(root)
        cut = disk.now()
    cut.materialise(tmp_path / "after")
    assert (tmp_path / "after" / "new.json").read_bytes() == b""


def test_bytes_written_after_the_last_fsync_are_lost_and_earlier_ones_kept(root, tmp_path):
    with PowerCutDisk(root) as disk:
        with open(root / "log", "ab") as file:
            file.write(b"one\n")
            file.flush()
            os.fsync(file.fileno())
            fsync_folder(root)
            file.write(b"two\n")
            file.flush()
        cut = disk.now()
    cut.materialise(tmp_path / "after")
    assert (tmp_path / "after" / "log").read_bytes() == b"one\n"


def test_a_rename_is_undone_by_the_cut_until_its_folder_is_fsynced(root, tmp_path):
    """The atomic-replace recipe: before the folder's fsync the old file is back, after it the new."""
    with PowerCutDisk(root, witness=lambda: "seen") as disk:
        write(root / "temp", b"new", fsync=True)
        os.replace(root / "temp", root / "old.json")
        fsync_folder(root)
    before, after = disk.cuts
    assert (before.number, after.number, after.witness) == (1, 2, "seen")
    before.materialise(tmp_path / "before")
    after.materialise(tmp_path / "after")
    assert (tmp_path / "before" / "old.json").read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path / "after")) == ["old.json"]
    assert (tmp_path / "after" / "old.json").read_bytes() == b"new"
