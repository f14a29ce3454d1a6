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

from workshop.store import SessionInUse, SessionStore, StoreError, default_sessions_dir, encode_event

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
    store.close()
    with pytest.raises(StoreError, match="already exists") as caught:
        SessionStore.create(folder)
    assert str(folder / "journal.jsonl") in str(caught.value)


def test_a_second_writer_is_refused_before_it_touches_anything(store, folder):
    store.append_sync(numbered(1, 2))
    (folder / "journal.jsonl").write_bytes((folder / "journal.jsonl").read_bytes() + b"torn")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    with pytest.raises(SessionInUse, match=r"already open in this workshop window.*Close that one first") as caught:
        SessionStore(folder).load()
    assert caught.value.holder.pid == os.getpid()
    with pytest.raises(SessionInUse):
        SessionStore.create(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # the torn tail too

    store.close()  # the lock goes with the writer: the next one gets in
    again, loaded = reopen(folder)
    assert [e["seq"] for e in loaded.events] == [1, 2]
    again.close()


def test_reading_writes_nothing_and_reports_what_a_writer_would_repair(store, folder):
    store.append_sync(numbered(1, 3))
    store.checkpoint({"n": 2}, 2, {"title": "t"})
    journal = folder / "journal.jsonl"
    journal.write_bytes(journal.read_bytes() + encode_event(numbered(5, 5)[0]) + b"half a li")
    (folder / ".snapshot.abc.tmp").write_text("{half")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}

    loaded = SessionStore.read(folder)  # while the writer still holds the folder
    assert loaded.events == numbered(3, 3) and loaded.snapshot_state == {"n": 2}
    assert loaded.set_aside is not None and loaded.set_aside.path is None and loaded.set_aside.first_line == 4
    assert "event 5 where event 4 was expected" in loaded.warnings[0]
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before


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
                store.submit(numbered(seq, seq), lambda error: (failures.append(error), acked.set()))  # noqa: B023 - waited for below
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

    loaded = SessionStore.read(folder)
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


def quarantined(folder: Path) -> bytes:
    [path] = folder.glob("journal.quarantine-*.jsonl")
    return path.read_bytes()


def test_a_torn_last_line_is_set_aside_with_a_warning(store, folder):
    store.append_sync(numbered(1, 3))
    store.close()
    journal = folder / "journal.jsonl"
    saved = journal.read_bytes()
    torn = encode_event(numbered(4, 4)[0])[:-9]
    journal.write_bytes(saved + torn)

    again, loaded = reopen(folder)
    assert loaded.events == numbered(1, 3)
    [warning] = loaded.warnings
    assert "Line 4" in warning and str(journal) in warning and "cut short by a crash" in warning
    assert "no one was told it was saved" in warning and "nothing was deleted" in warning
    assert journal.read_bytes() == saved
    assert quarantined(folder) == torn and loaded.set_aside.torn

    again.append_sync(numbered(4, 4))
    again.close()
    assert reopen(folder)[1].warnings == []


def test_a_last_line_with_a_bad_checksum_is_set_aside(store, folder):
    store.append_sync(numbered(1, 2))
    store.close()
    journal = folder / "journal.jsonl"
    bad = b"00000000 " + json.dumps({"seq": 3}).encode() + b"\n"
    journal.write_bytes(journal.read_bytes() + bad)

    _, loaded = reopen(folder)
    assert loaded.events == numbered(1, 2)
    assert "Line 3" in loaded.warnings[0] and quarantined(folder) == bad


@pytest.mark.parametrize(
    "damage, first_bad, reason",
    [
        ("checksum", 2, "checksum or JSON does not match"),
        ("duplicate", 3, "repeats event 2, a duplicated line"),
        ("out_of_sequence", 3, "holds event 4 where event 3 was expected"),
    ],
)
def test_damage_before_the_last_line_keeps_the_valid_prefix_and_quarantines_the_rest(store, folder, damage, first_bad, reason):
    store.append_sync(numbered(1, 4, text="hello"))
    store.close()
    journal = folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    if damage == "checksum":
        lines[1] = lines[1].replace(b'"text":"hello"', b'"text":"jello"')
    elif damage == "duplicate":
        lines.insert(2, lines[1])
    else:
        lines.insert(2, encode_event(numbered(4, 4, text="x")[0]))
    journal.write_bytes(b"".join(lines))

    again, loaded = reopen(folder)
    assert [e["seq"] for e in loaded.events] == list(range(1, first_bad))
    [warning] = loaded.warnings
    assert f"from line {first_bad} on could not be trusted" in warning and reason in warning
    assert "nothing was deleted" in warning and "support" not in warning
    assert quarantined(folder) == b"".join(lines[first_bad - 1 :])
    assert journal.read_bytes() == b"".join(lines[: first_bad - 1])
    again.append_sync(numbered(first_bad, first_bad))  # the session goes on after the prefix
    again.close()
    assert reopen(folder)[1].warnings == []


def shaped(first: int, last: int, text: str = "hi") -> list[dict]:
    """Events laid out as the engine's are (body, cmd_id, seq, v): the store reads
    their seqs from the end of the line without decoding it."""
    return [
        {"actor": "p1", "at": 1.5, "body": {"type": "idea", "text": text, "meta": {"seq": 999}}, "cmd_id": f"c{seq}", "seq": seq, "v": 3}
        for seq in range(first, last + 1)
    ]


@pytest.mark.parametrize(
    "damage, first_bad, reason",
    [
        ("duplicate", 3, "repeats event 2, a duplicated line"),
        ("out_of_sequence", 3, "holds event 4 where event 3 was expected"),
        ("gap", 2, "holds event 3 where event 2 was expected"),
    ],
)
def test_seqs_read_from_the_line_end_catch_duplicates_and_gaps_as_decoding_would(store, folder, damage, first_bad, reason):
    tricky = 'a "quote", then ,"seq":2} and ,"seq":7,"v":1}'  # text that looks like a line's end
    store.append_sync(shaped(1, 4, text=tricky))
    store.close()
    journal = folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    if damage == "duplicate":
        lines.insert(2, lines[1])
    elif damage == "out_of_sequence":
        lines.insert(2, encode_event(shaped(4, 4)[0]))
    else:
        del lines[1]
    journal.write_bytes(b"".join(lines))

    loaded = SessionStore.read(folder)
    assert loaded.events == shaped(1, first_bad - 1, text=tricky)
    assert loaded.set_aside is not None and loaded.set_aside.first_line == first_bad
    assert reason in loaded.warnings[0]


def test_a_forged_line_with_a_valid_checksum_is_a_clear_error_that_changes_nothing(store, folder):
    store.append_sync(shaped(1, 2))
    store.close()
    journal = folder / "journal.jsonl"
    body = b'not json at all,"seq":3,"v":3}'
    journal.write_bytes(journal.read_bytes() + b"%08x %s\n" % (zlib.crc32(body), body))
    before = journal.read_bytes()

    loaded = SessionStore.read(folder)  # its seq reads as 3, so the line is not set aside …
    assert loaded.set_aside is None
    with pytest.raises(StoreError, match="edited by hand"):  # … and decoding it says what is wrong
        _ = loaded.journal
    assert journal.read_bytes() == before


def test_opening_again_after_a_crash_mid_repair_reuses_the_quarantine_file(store, folder):
    store.append_sync(numbered(1, 3))
    store.close()
    journal = folder / "journal.jsonl"
    damaged = journal.read_bytes() + b"garbage line\n" + encode_event(numbered(4, 4)[0])
    journal.write_bytes(damaged)
    reopen(folder)[0].close()
    journal.write_bytes(damaged)  # as if the crash came after the copy, before the cut

    _, loaded = reopen(folder)
    assert len(list(folder.glob("journal.quarantine-*.jsonl"))) == 1
    assert str(loaded.set_aside.path) in loaded.warnings[0]


def test_stale_checkpoint_temp_files_are_removed_on_load(store, folder):
    store.close()
    (folder / ".snapshot.abc123.tmp").write_text("{half a snap")
    reopen(folder)[0].close()
    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl", "writer.lock"]


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


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(json_values, min_size=1, max_size=5), st.data())
def test_a_duplicated_line_is_found_whatever_the_events_hold(payloads, data):
    events = [
        {"actor": "p", "body": {"x": payload, "seq": 1}, "cmd_id": str(payload)[:20], "seq": n, "v": 3}
        for n, payload in enumerate(payloads, start=1)
    ]
    lines = [encode_event(event) for event in events]
    twice = data.draw(st.integers(0, len(lines) - 1))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "journal.jsonl").write_bytes(b"".join([*lines[: twice + 1], lines[twice], *lines[twice + 1 :]]))
        loaded = SessionStore.read(folder)
    assert loaded.journal == events[: twice + 1]
    assert loaded.set_aside is not None and loaded.set_aside.first_line == twice + 2


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

    assert sorted(p.name for p in folder.iterdir()) == ["journal.jsonl", "snapshot.json", "snapshot.prev.json", "writer.lock"]
    lines = (folder / "journal.jsonl").read_bytes().splitlines(keepends=True)
    with TinyDB(folder / "snapshot.json", storage=JSONStorage, access_mode="r") as db:
        doc = db.table("snapshot").get(doc_id=1)
        assert (doc["seq"], doc["state"]) == (2, {"n": 2})
        # ...and what it vouches for of the journal: its first two lines, byte for byte.
        assert doc["journal"] == {"bytes": len(lines[0] + lines[1]), "crc32": zlib.crc32(lines[0] + lines[1]), "v": 1}
        assert db.table("meta").get(doc_id=1) == {"title": "second"}
    with TinyDB(folder / "snapshot.prev.json", storage=JSONStorage, access_mode="r") as db:
        doc = db.table("snapshot").get(doc_id=1)
        # Event 1 was saved in one write with event 2: the writer never knew the journal
        # to end there, so this snapshot vouches for nothing and a reader checks every line.
        assert doc == {"seq": 1, "state": {"n": 1}}


def test_a_checkpoint_that_fails_midway_keeps_the_old_snapshot(store, folder, monkeypatch):
    store.append_sync(numbered(1, 2))
    store.checkpoint({"n": 1}, 1, {})
    before = (folder / "snapshot.json").read_bytes()

    def no_rename(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(StoreError, match=r"disk is full.*Nothing is lost") as caught:
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


def test_a_snapshot_ahead_of_the_journal_is_moved_aside_and_the_journal_replayed(store, folder):
    store.append_sync(numbered(1, 3))
    store.checkpoint({"n": 3}, 3, {})
    store.close()
    journal = folder / "journal.jsonl"
    journal.write_bytes(b"".join(encode_event(e) for e in numbered(1, 2)))
    ahead = (folder / "snapshot.json").read_bytes()

    again, loaded = reopen(folder)
    assert (loaded.snapshot_state, loaded.events) == (None, numbered(1, 2))
    assert any("up to 3" in w and "ends at event 2" in w for w in loaded.warnings)
    [kept] = folder.glob("snapshot.quarantine*.json")
    assert kept.read_bytes() == ahead and not (folder / "snapshot.json").exists()
    again.close()


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
        doc = db.table("snapshot").get(doc_id=1)
        assert (doc["seq"], doc["state"]) == (5, {"n": 5})


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


# --- a snapshot vouches for the journal before it ---------------------------------------


def _one_by_one(store: SessionStore, first: int, last: int) -> None:
    for seq in range(first, last + 1):
        store.append_sync(numbered(seq, seq, text=f"idea {seq}"))


def test_a_snapshot_vouches_for_the_journal_before_it_so_a_read_checks_only_the_lines_after(store, folder):
    """After a long day the snapshot holds nearly every event: a read (status, resume)
    checks the journal's lines after it one by one, and the lines before it at once,
    by the checksum the writer kept of them — and finds the very same events."""
    _one_by_one(store, 1, 40)
    store.checkpoint({"n": 40}, 40, {})
    _one_by_one(store, 41, 45)
    store.close()

    loaded = SessionStore.read(folder)
    assert (loaded.lines.vouched, loaded.count, loaded.snapshot_seq) == (40, 45, 40)
    assert loaded.events == [e for seq in range(41, 46) for e in numbered(seq, seq, text=f"idea {seq}")]
    assert loaded.journal == SessionStore.read(folder).journal == reopen_thorough(folder).journal
    assert loaded.event(7) == numbered(7, 7, text="idea 7")[0] and loaded.warnings == []


def reopen_thorough(folder: Path):
    store = SessionStore(folder)
    try:
        return store.load(thorough=True)
    finally:
        store.close()


def test_what_the_writer_vouches_for_stays_true_across_a_resume_and_a_failed_write(folder, monkeypatch, real_fsync):
    """The checksum carries on from the journal as it was found on opening, and a write
    that failed (cut back off the file) is not counted in it."""
    store = SessionStore.create(folder)
    _one_by_one(store, 1, 5)
    store.checkpoint({"n": 5}, 5, {})
    _one_by_one(store, 6, 6)
    store.close()
    store, resumed = reopen(folder)
    assert resumed.lines.vouched == 5
    _one_by_one(store, 7, 8)
    fail_once(monkeypatch, real_fsync)
    with pytest.raises(StoreError):
        store.append_sync(numbered(9, 9))
    _one_by_one(store, 9, 10)
    store.checkpoint({"n": 10}, 10, {})
    store.close()

    loaded = SessionStore.read(folder)
    assert (loaded.lines.vouched, loaded.count, loaded.warnings) == (10, 10, [])


@pytest.mark.parametrize("damage", ["a byte flipped", "the line cut in two"])
def test_a_line_damaged_inside_what_a_snapshot_vouched_for_is_still_found(store, folder, damage):
    """The journal no longer starts with what the snapshot vouched for, so every line is
    checked: the damaged one and those after it are set aside, as without a snapshot,
    and the snapshot (ahead of what is left) is passed over."""
    _one_by_one(store, 1, 12)
    store.checkpoint({"n": 12}, 12, {})
    store.close()
    journal = folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b"idea 5", b"idea 6") if damage == "a byte flipped" else lines[4][:20] + b"\n" + lines[4][20:]
    journal.write_bytes(b"".join(lines))

    loaded = SessionStore.read(folder)
    assert (loaded.lines.vouched, loaded.count, loaded.set_aside.first_line) == (0, 4, 5)
    assert loaded.snapshot_state is None
    assert any("Passed over the snapshot" in w for w in loaded.warnings)

    _, repaired = reopen(folder)  # a writer sets the same lines aside, into a quarantine file
    assert repaired.count == 4 and repaired.set_aside.path is not None
