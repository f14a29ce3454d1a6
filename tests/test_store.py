"""Tests of workshop.store on real files in tmp_path.

The file system is only faked where a failure cannot be provoked for real in a test
(fsync reporting a full disk, a rename failing mid-checkpoint); a write that the OS
cuts short is provoked for real with RLIMIT_FSIZE in a subprocess.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from workshop.store import SessionStore, StoreError, default_sessions_dir, encode_event

REPO = Path(__file__).resolve().parents[1]


def numbered(first: int, last: int, **fields: object) -> list[dict]:
    return [{"seq": seq, "kind": "vote", **fields} for seq in range(first, last + 1)]


def reopen(folder: Path):
    store = SessionStore(folder)
    return store, store.load()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "sessions" / "s1"


@pytest.fixture
def store(folder: Path):
    store = SessionStore.create(folder)
    yield store
    store.close()


@pytest.fixture
def real_fsync():
    return os.fsync


# --- round trip and format -------------------------------------------------------------


def test_events_round_trip_through_the_journal(store, folder):
    store.append_sync(numbered(1, 3, text="Café ☕ \"quoted\"\nnext line"))
    store.append_sync(numbered(4, 4))
    store.close()

    again, loaded = reopen(folder)
    assert loaded.events == numbered(1, 3, text="Café ☕ \"quoted\"\nnext line") + numbered(4, 4)
    assert (loaded.snapshot_state, loaded.snapshot_seq, loaded.meta, loaded.warnings) == (None, 0, {}, [])
    assert again.last_seq == 4
    again.close()


def test_journal_lines_are_crc_then_compact_sorted_json(store, folder):
    store.append_sync([{"seq": 1, "b": "é", "a": [1, 2]}])
    body = '{"a":[1,2],"b":"é","seq":1}'.encode()
    assert (folder / "journal.jsonl").read_bytes() == b"%08x %s\n" % (zlib.crc32(body), body)


def test_appending_continues_after_reload(store, folder):
    store.append_sync(numbered(1, 2))
    store.close()
    again, _ = reopen(folder)
    again.append_sync(numbered(3, 5))
    again.close()
    assert [e["seq"] for e in reopen(folder)[1].events] == [1, 2, 3, 4, 5]


def test_a_new_store_refuses_a_folder_that_already_holds_a_journal(store, folder):
    with pytest.raises(StoreError, match="already exists") as caught:
        SessionStore.create(folder)
    assert str(folder / "journal.jsonl") in str(caught.value)


def test_loading_a_folder_without_a_journal_says_so(tmp_path):
    store = SessionStore(tmp_path / "nowhere")
    assert not store.exists()
    with pytest.raises(StoreError, match="No saved session"):
        store.load()


def test_constructing_a_store_touches_nothing(tmp_path):
    SessionStore(tmp_path / "s")
    assert list(tmp_path.iterdir()) == []


def test_seqs_must_continue_from_the_last_one(store):
    store.append_sync(numbered(1, 2))
    for wrong in (numbered(2, 2), numbered(4, 4), [{"seq": 3}, {"seq": 5}], [{"kind": "no seq"}]):
        with pytest.raises(ValueError):
            store.append_sync(wrong)
    assert store.last_seq == 2
    store.append_sync(numbered(3, 3))
    assert store.last_seq == 3


def test_events_that_are_not_plain_json_are_refused_in_the_caller(store):
    with pytest.raises((TypeError, ValueError)):
        store.append_sync([{"seq": 1, "when": object()}])
    with pytest.raises(ValueError):
        store.append_sync([{"seq": 1, "score": float("nan")}])
    store.append_sync(numbered(1, 1))
    assert store.last_seq == 1


def test_default_sessions_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKSHOP_SESSIONS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_sessions_dir() == tmp_path / "sessions"
    monkeypatch.setenv("WORKSHOP_SESSIONS_DIR", str(tmp_path / "elsewhere"))
    assert default_sessions_dir() == tmp_path / "elsewhere"


def test_close_waits_for_queued_appends_and_is_idempotent(store, folder):
    acks = []
    for seq in range(1, 51):
        store.submit(numbered(seq, seq), acks.append)
    store.close()
    store.close()
    assert acks == [None] * 50
    assert len(reopen(folder)[1].events) == 50


# --- group commit and the event loop ---------------------------------------------------


def test_group_commit_shares_one_fsync_between_concurrent_appends(store, folder, monkeypatch, real_fsync):
    fsyncs = []
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])
    numbering = threading.Lock()
    next_seq = iter(range(1, 1001))
    failures = []

    def writer() -> None:
        for _ in range(1000 // 20):
            acked = threading.Event()
            with numbering:  # numbering and queueing must happen in one order
                seq = next(next_seq)
                store.submit(numbered(seq, seq), lambda error: (failures.append(error), acked.set()))
            acked.wait()

    threads = [threading.Thread(target=writer) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == [None] * 1000
    assert len(fsyncs) < 1000
    store.close()
    assert [e["seq"] for e in reopen(folder)[1].events] == list(range(1, 1001))


async def test_async_appends_keep_the_order_they_were_made_in(store, folder):
    next_seq = iter(range(1, 501))

    async def one() -> None:
        seq = next(next_seq)
        await store.append(numbered(seq, seq))

    await asyncio.gather(*(one() for _ in range(500)))
    assert store.last_seq == 500
    store.close()
    assert [e["seq"] for e in reopen(folder)[1].events] == list(range(1, 501))


async def test_async_append_does_not_block_the_event_loop(store, monkeypatch, real_fsync):
    def slow_fsync(fd: int) -> None:  # a slow disk: the loop must keep running meanwhile
        time.sleep(0.5)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    started = time.monotonic()
    await store.append(numbered(1, 1))
    ticking.cancel()
    assert time.monotonic() - started >= 0.5
    assert ticks >= 10, "the loop stalled while the event was being written"


async def test_async_append_raises_store_error_when_not_saved(store, monkeypatch, real_fsync):
    fail_once(monkeypatch, real_fsync)
    with pytest.raises(StoreError, match="disk is full"):
        await store.append(numbered(1, 1))
    await store.append(numbered(1, 1))
    assert store.last_seq == 1


# --- write failures ------------------------------------------------------------------


def fail_once(monkeypatch, real_fsync, before=lambda: None) -> None:
    """The next fsync reports a full disk (as it can on NFS or thin-provisioned disks)."""
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            before()
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_disk_full_is_a_clear_error_and_loses_nothing_saved_before(store, folder, monkeypatch, real_fsync):
    store.append_sync(numbered(1, 3))
    saved = (folder / "journal.jsonl").read_bytes()
    fail_once(monkeypatch, real_fsync)

    with pytest.raises(StoreError) as caught:
        store.append_sync(numbered(4, 6))
    message = str(caught.value)
    assert "disk is full" in message and "NOT saved" in message and "intact" in message
    assert str(folder / "journal.jsonl") in message
    assert store.last_seq == 3
    assert (folder / "journal.jsonl").read_bytes() == saved

    _, loaded = reopen(folder)
    assert loaded.events == numbered(1, 3) and loaded.warnings == []

    store.append_sync(numbered(4, 4))  # space was freed: saving carries on from the last saved event
    store.close()
    assert [e["seq"] for e in reopen(folder)[1].events] == [1, 2, 3, 4]


def test_events_queued_behind_a_failed_write_are_refused_too(store, monkeypatch, real_fsync):
    in_fsync, release = threading.Event(), threading.Event()
    fail_once(monkeypatch, real_fsync, before=lambda: (in_fsync.set(), release.wait(5)))
    outcomes: dict[int, BaseException | None] = {}

    def record(seq: int):
        return lambda error: outcomes.__setitem__(seq, error)

    store.submit(numbered(1, 1), record(1))
    assert in_fsync.wait(5)
    store.submit(numbered(2, 2), record(2))  # numbered after an event that is about to fail
    release.set()
    store.flush()

    assert all(isinstance(outcomes[seq], StoreError) for seq in (1, 2))
    assert store.last_seq == 0
    store.append_sync(numbered(1, 1))


def test_a_write_cut_short_by_the_os_leaves_no_partial_line(tmp_path):
    # RLIMIT_FSIZE makes the kernel stop the journal mid-line for real (EFBIG).
    script = """
import json, resource, signal, sys
from pathlib import Path
from workshop.store import SessionStore, StoreError
store = SessionStore.create(Path(sys.argv[1]))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, resource.RLIM_INFINITY))
seq, error = 0, None
while error is None:
    try:
        store.append_sync([{"seq": seq + 1, "text": "x" * 37}])
        seq += 1
    except StoreError as exc:
        error = str(exc)
size = (Path(sys.argv[1]) / "journal.jsonl").stat().st_size
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
store.append_sync([{"seq": seq + 1, "text": "after"}])
store.close()
print(json.dumps({"acked": seq, "error": error, "size": size}))
"""
    folder = tmp_path / "s"
    run = subprocess.run(
        [sys.executable, "-c", script, str(folder)],
        capture_output=True, text=True, timeout=30, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert "NOT saved" in result["error"] and str(folder / "journal.jsonl") in result["error"]
    assert result["size"] <= 1000

    _, loaded = reopen(folder)
    assert loaded.warnings == []
    assert [e["seq"] for e in loaded.events] == list(range(1, result["acked"] + 2))
    assert loaded.events[-1]["text"] == "after"


# --- repairing what a crash leaves, refusing what it cannot -----------------------------


def test_torn_last_line_is_dropped_with_a_warning(store, folder):
    store.append_sync(numbered(1, 3))
    store.close()
    journal = folder / "journal.jsonl"
    saved = journal.read_bytes()
    journal.write_bytes(saved + encode_event(numbered(4, 4)[0])[:-9])

    again, loaded = reopen(folder)
    assert loaded.events == numbered(1, 3)
    [warning] = loaded.warnings
    assert "torn last line" in warning and str(journal) in warning and "never acknowledged" in warning
    assert journal.read_bytes() == saved

    again.append_sync(numbered(4, 4))
    again.close()
    assert reopen(folder)[1].warnings == []


def test_last_line_with_a_bad_checksum_is_dropped_with_a_warning(store, folder):
    store.append_sync(numbered(1, 2))
    store.close()
    journal = folder / "journal.jsonl"
    journal.write_bytes(journal.read_bytes() + b"00000000 " + json.dumps({"seq": 3}).encode() + b"\n")

    _, loaded = reopen(folder)
    assert loaded.events == numbered(1, 2)
    assert "checksum" in loaded.warnings[0]


def test_damaged_middle_line_raises_naming_file_and_line_and_changes_nothing(store, folder):
    store.append_sync(numbered(1, 3, text="hello"))
    store.close()
    journal = folder / "journal.jsonl"
    damaged = journal.read_bytes().replace(b'"seq":2,"text":"hello"', b'"seq":2,"text":"jello"')
    journal.write_bytes(damaged)

    with pytest.raises(StoreError) as caught:
        SessionStore(folder).load()
    message = str(caught.value)
    assert f"{journal}, line 2" in message and "Nothing was changed" in message and "support" in message
    assert journal.read_bytes() == damaged


def test_gap_in_seqs_raises_naming_file_and_line(folder):
    folder.mkdir(parents=True)
    journal = folder / "journal.jsonl"
    journal.write_bytes(b"".join(encode_event(e) for e in numbered(1, 2) + numbered(4, 4)))
    with pytest.raises(StoreError, match=r"line 3.*event 4 where event 3 was expected") as caught:
        SessionStore(folder).load()
    assert str(journal) in str(caught.value)


def test_stale_checkpoint_temp_files_are_removed_on_load(store, folder):
    store.close()
    (folder / ".snapshot.abc123.tmp").write_text("{half a snap")
    reopen(folder)[0].close()
    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl"]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_journal_cut_at_any_byte_loads_exactly_the_complete_lines(data):
    full = b"".join(encode_event({"seq": n, "text": "ü" * (n % 7)}) for n in range(1, 9))
    cut = data.draw(st.integers(0, len(full)))
    complete = full[:cut].count(b"\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "journal.jsonl").write_bytes(full[:cut])
        store, loaded = reopen(folder)
        store.close()
        assert [e["seq"] for e in loaded.events] == list(range(1, complete + 1))
        assert len(loaded.warnings) == (0 if cut in (0, len(full)) or full[cut - 1] == ord("\n") else 1)
        assert (folder / "journal.jsonl").read_bytes() == full[: full.rfind(b"\n", 0, cut) + 1]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.text().filter(lambda k: k != "seq"), json_values, max_size=4), max_size=6))
def test_any_json_events_round_trip(payloads):
    events = [{**payload, "seq": n} for n, payload in enumerate(payloads, start=1)]
    with tempfile.TemporaryDirectory() as tmp:
        with SessionStore.create(Path(tmp) / "s") as store:
            store.append_sync(events)
        again, loaded = reopen(Path(tmp) / "s")
        again.close()
    assert loaded.events == events


# --- snapshots ---------------------------------------------------------------------------


def test_snapshot_and_later_events_load_back(store, folder):
    store.append_sync(numbered(1, 3))
    store.checkpoint({"votes": 3}, 3, {"title": "Offsite"})
    store.append_sync(numbered(4, 5))
    store.close()

    _, loaded = reopen(folder)
    assert (loaded.snapshot_state, loaded.snapshot_seq, loaded.meta) == ({"votes": 3}, 3, {"title": "Offsite"})
    assert loaded.events == numbered(4, 5)
    assert loaded.warnings == []


def test_checkpoint_leaves_no_temp_files_and_plain_tinydb_can_read_it(store, folder):
    store.append_sync(numbered(1, 2))
    store.checkpoint({"n": 1}, 1, {"title": "first"})
    store.checkpoint({"n": 2}, 2, {"title": "second"})

    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl", "snapshot.json", "snapshot.prev.json"]
    with TinyDB(folder / "snapshot.json", storage=JSONStorage, access_mode="r") as db:
        assert db.table("snapshot").get(doc_id=1) == {"seq": 2, "state": {"n": 2}}
        assert db.table("meta").get(doc_id=1) == {"title": "second"}
    with TinyDB(folder / "snapshot.prev.json", storage=JSONStorage, access_mode="r") as db:
        assert db.table("snapshot").get(doc_id=1) == {"seq": 1, "state": {"n": 1}}


def test_a_checkpoint_that_fails_midway_keeps_the_old_snapshot(store, folder, monkeypatch):
    store.append_sync(numbered(1, 2))
    store.checkpoint({"n": 1}, 1, {})
    before = (folder / "snapshot.json").read_bytes()

    def no_rename(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(StoreError, match="disk is full.*Nothing is lost") as caught:
        store.checkpoint({"n": 2}, 2, {})
    assert str(folder / "snapshot.json") in str(caught.value)
    monkeypatch.undo()

    assert (folder / "snapshot.json").read_bytes() == before
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


def test_damaged_snapshot_falls_back_to_the_previous_one(store, folder):
    store.append_sync(numbered(1, 4))
    store.checkpoint({"n": 2}, 2, {"title": "t"})
    store.checkpoint({"n": 4}, 4, {"title": "t"})
    store.close()
    (folder / "snapshot.json").write_text('{"snapshot": {"1": {"seq": 4, "sta')

    again, loaded = reopen(folder)
    assert (loaded.snapshot_state, loaded.snapshot_seq) == ({"n": 2}, 2)
    assert loaded.events == numbered(3, 4)
    assert any(str(folder / "snapshot.json") in w and "damaged" in w for w in loaded.warnings)
    assert any(str(folder / "snapshot.prev.json") in w for w in loaded.warnings)

    # The next checkpoint must not rotate the damaged file over the good previous one.
    again.checkpoint({"n": 4}, 4, {})
    again.close()
    with TinyDB(folder / "snapshot.prev.json", storage=JSONStorage, access_mode="r") as db:
        assert db.table("snapshot").get(doc_id=1)["seq"] == 2


def test_both_snapshots_damaged_gives_no_snapshot_and_a_full_replay(store, folder):
    store.append_sync(numbered(1, 3))
    store.checkpoint({"n": 2}, 2, {})
    store.checkpoint({"n": 3}, 3, {})
    store.close()
    (folder / "snapshot.json").write_bytes(b"\x00\x00\x00")
    (folder / "snapshot.prev.json").write_text('["not", "a", "database"]')

    _, loaded = reopen(folder)
    assert (loaded.snapshot_state, loaded.snapshot_seq, loaded.meta) == (None, 0, {})
    assert loaded.events == numbered(1, 3)
    text = "\n".join(loaded.warnings)
    assert str(folder / "snapshot.json") in text and str(folder / "snapshot.prev.json") in text
    assert "nothing is lost" in text


def test_snapshot_ahead_of_the_journal_raises(store, folder):
    store.append_sync(numbered(1, 3))
    store.checkpoint({"n": 3}, 3, {})
    store.close()
    journal = folder / "journal.jsonl"
    journal.write_bytes(b"".join(encode_event(e) for e in numbered(1, 2)))

    with pytest.raises(StoreError, match="up to 3.*ends at event 2"):
        SessionStore(folder).load()


def test_checkpoint_of_events_never_appended_is_a_programming_error(store):
    store.append_sync(numbered(1, 2))
    with pytest.raises(ValueError):
        store.checkpoint({}, 3, {})
    with pytest.raises(ValueError):
        store.checkpoint_in_background({}, 3, {})


def test_background_checkpoint_is_on_disk_after_flush(store, folder):
    store.append_sync(numbered(1, 5))
    for seq in range(1, 6):
        store.checkpoint_in_background({"n": seq}, seq, {"title": "t"})
    store.flush()
    with TinyDB(folder / "snapshot.json", storage=JSONStorage, access_mode="r") as db:
        assert db.table("snapshot").get(doc_id=1) == {"seq": 5, "state": {"n": 5}}


async def test_background_checkpoint_waits_for_its_events_to_be_saved(store, folder, monkeypatch, real_fsync):
    # The events are only queued when the checkpoint is asked for; a snapshot ahead of
    # the journal would make the session unloadable after a crash. A slow journal disk
    # gives the snapshot every chance to overtake.
    def slow_journal_fsync(fd: int) -> None:
        if os.path.realpath(f"/proc/self/fd/{fd}").endswith("journal.jsonl"):
            time.sleep(0.3)
        real_fsync(fd)

    saved_when_snapshot_replaced = []
    real_replace = os.replace

    def watching_replace(src, dst):
        if Path(dst) == folder / "snapshot.json":
            saved_when_snapshot_replaced.append(store.last_seq)
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", slow_journal_fsync)
    monkeypatch.setattr(os, "replace", watching_replace)
    appends = [asyncio.create_task(store.append(numbered(seq, seq))) for seq in range(1, 201)]
    await asyncio.sleep(0)  # every task has queued its event, none is saved yet
    store.checkpoint_in_background({"n": 200}, 200, {})
    await asyncio.gather(*appends)
    await asyncio.to_thread(store.flush)
    assert saved_when_snapshot_replaced == [200]
