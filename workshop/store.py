"""Durable storage of one session: an append-only journal of events plus a TinyDB snapshot.

This is the only module that imports tinydb, and it knows nothing about workshops: it
stores *events* (JSON-able dicts whose int ``"seq"`` runs 1, 2, 3 … with no gap) and
*snapshots* (a JSON-able ``state`` that includes every event up to its ``seq``, plus a
small ``meta`` dict for listings). A caller rebuilds a session by taking the snapshot
from :meth:`SessionStore.load`, if any, and replaying the events that come with it.

One session lives in one folder::

    journal.jsonl        one event per line: "<crc32 as 8 hex> <compact json>\\n"; append only
    snapshot.json        TinyDB database {snapshot: {seq, state}, meta: {...}}; replaced atomically
    snapshot.prev.json   the snapshot before that, kept in case the newest one is damaged

Why two files: an event must be on disk (fsynced) before it is acknowledged, and TinyDB
rewrites its whole file on every write, so the vote path only ever appends a line to
the journal; many events share one fsync (group commit, on one writer thread). The
snapshot is written at checkpoints, off the vote path, so loading does not replay
the whole history. The journal always keeps every event from seq 1, so a damaged
snapshot costs replay time, never data.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from tinydb import TinyDB
from tinydb.storages import Storage

__all__ = ["Loaded", "OutOfSequence", "SessionStore", "StoreError", "default_sessions_dir"]

JOURNAL = "journal.jsonl"
SNAPSHOT = "snapshot.json"
PREVIOUS = "snapshot.prev.json"

Done = Callable[[BaseException | None], None]
log = logging.getLogger(__name__)


class StoreError(Exception):
    """A message for people: what happened, what was kept, what to do next. Always names the file."""


class OutOfSequence(ValueError):
    """Events submitted with seqs that do not follow the last submitted one — also what
    a caller meets when a failed write restarted the numbering after its check."""


@dataclass(frozen=True)
class Loaded:
    """What :meth:`SessionStore.load` found on disk."""

    snapshot_state: dict | None
    """The latest usable snapshot's state; None when there is none (replay from seq 1)."""
    snapshot_seq: int
    """Seq of the last event included in ``snapshot_state``; 0 when there is no snapshot."""
    meta: dict
    """The snapshot's listing data; {} when none."""
    events: list[dict]
    """Journal events with seq > snapshot_seq, in order: replay them onto the snapshot."""
    warnings: list[str]
    """Things repaired or skipped on the way (torn last line, damaged snapshot), for people."""


def default_sessions_dir() -> Path:
    """Where sessions live: $WORKSHOP_SESSIONS_DIR if set, else ./sessions."""
    configured = os.environ.get("WORKSHOP_SESSIONS_DIR")
    return Path(configured) if configured else Path.cwd() / "sessions"


# --- journal lines -------------------------------------------------------------------


def encode_event(event: dict) -> bytes:
    """One journal line. ValueError/TypeError when the event is not plain JSON."""
    body = json.dumps(
        event, separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False
    ).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _decode_line(line: bytes) -> dict:
    """The event on one journal line (newline removed); ValueError saying what is wrong."""
    crc, _, body = line.partition(b" ")
    if crc != b"%08x" % zlib.crc32(body):
        raise ValueError("checksum mismatch")
    event = json.loads(body)
    if not isinstance(event, dict) or type(event.get("seq")) is not int:
        raise ValueError("not an event with an integer seq")
    return event


def _scan_journal(path: Path) -> tuple[list[dict], int, str | None]:
    """Read the journal without changing it: (events, size of the good part, torn-tail warning).

    Only the last line may be bad: a crash while appending leaves at most one torn,
    never-acknowledged line. Damage anywhere else is not a crash leftover, so it raises
    StoreError rather than dropping data people were told was saved.
    """
    lines = path.read_bytes().split(b"\n")
    tail = lines.pop()  # the bytes after the last newline: b"" unless the write was cut short
    events: list[dict] = []
    size = 0
    for number, line in enumerate(lines, start=1):
        try:
            event = _decode_line(line)
        except ValueError as exc:
            if number == len(lines) and not tail:
                return events, size, _torn_warning(path, f"its checksum or JSON is bad: {exc}")
            raise StoreError(
                f"{path}, line {number}, is damaged ({exc}) and it is not the last line, so it is "
                "not left over from a crash. Nothing was changed. Keep a copy of the folder "
                "and send the file to support, or restore the folder from a backup."
            ) from None
        if event["seq"] != len(events) + 1:
            raise StoreError(
                f"{path}, line {number}, holds event {event['seq']} where event "
                f"{len(events) + 1} was expected: the journal has a gap or is out of order. "
                "Nothing was changed. Send the file to support, or restore the folder from a backup."
            )
        events.append(event)
        size += len(line) + 1
    return events, size, _torn_warning(path, "it has no line end") if tail else None


def _torn_warning(path: Path, why: str) -> str:
    return (
        f"dropped a torn last line in {path} (crash while writing; {why}); "
        "1 event lost that was never acknowledged"
    )


# --- snapshot files ------------------------------------------------------------------


class AtomicJSONStorage(Storage):
    """A TinyDB storage whose file is replaced all-or-nothing on every write.

    ``write`` goes to a temp file in the same folder, fsyncs it, renames it over the
    target and fsyncs the folder, so a crash leaves either the old or the new file,
    never a mix. With ``keep_previous_as``, the file being replaced is first kept
    under that name. ``read`` raises ValueError on a damaged file (TinyDB passes it on).
    Do not use TinyDB's CachingMiddleware on top: it holds writes in memory.
    """

    def __init__(self, path: Path, keep_previous_as: Path | None = None) -> None:
        super().__init__()
        self._path = Path(path)
        self._previous = keep_previous_as

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        return json.loads(raw) if raw else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        _replace_file(self._path, lambda file: _dump_politely(data, file), self._previous)


_SNAPSHOT_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _dump_politely(data: Any, file: BinaryIO) -> None:
    """Write `data` as JSON to `file` while letting the event loop's thread run.

    json.dumps (the C encoder) holds the GIL for the whole document: a 3 MB session
    state froze the loop for 65 ms. The pure-Python ``iterencode`` yields small chunks;
    writing them out every few thousand and sleeping 0.1 ms hands the GIL over at once
    instead of after the 5 ms switch interval (measured block: about 1 ms).
    """
    chunks: list[str] = []
    for count, chunk in enumerate(_SNAPSHOT_ENCODER.iterencode(data), start=1):
        chunks.append(chunk)
        if count % 2048 == 0:
            file.write("".join(chunks).encode("utf-8"))
            chunks.clear()
            time.sleep(0.0001)
    file.write("".join(chunks).encode("utf-8"))


def _replace_file(path: Path, write: Callable[[BinaryIO], None], previous: Path | None) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with open(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        if previous is not None and path.exists():
            _keep_as(path, previous)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _keep_as(path: Path, previous: Path) -> None:
    """Make `previous` hold what `path` holds now, while `path` stays in place."""
    link = previous.with_name(f".{previous.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
    link.unlink(missing_ok=True)
    try:
        os.link(path, link)  # files are only ever replaced, never rewritten, so sharing is safe
    except OSError:
        # No hard links here (FAT, some network shares): move it instead. A crash before
        # the next rename leaves no snapshot.json, and load() then uses the previous one.
        os.replace(path, previous)
        return
    try:
        os.replace(link, previous)
    finally:
        link.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    """Make renames and new files in `folder` survive a power cut (POSIX)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _snapshot_document(state: dict, seq: int, meta: dict) -> dict:
    # The whole database as TinyDB lays it out (table -> doc id -> document), written in
    # one go: TinyDB's table API would rewrite the file once per table, and a crash in
    # between would pair a new snapshot with old meta.
    return {"snapshot": {"1": {"seq": seq, "state": state}}, "meta": {"1": meta}}


def _read_snapshot(path: Path) -> tuple[dict, int, dict]:
    """(state, seq, meta) from one snapshot file; ValueError if it is damaged or not ours."""
    try:
        with TinyDB(path, storage=AtomicJSONStorage) as db:
            doc = db.table("snapshot").get(doc_id=1)
            meta = db.table("meta").get(doc_id=1)
    except (TypeError, KeyError, AttributeError) as exc:  # valid JSON, but not a TinyDB layout
        raise ValueError(f"not a snapshot database: {exc!r}") from None
    if doc is None or not isinstance(doc.get("state"), dict):
        raise ValueError("no snapshot in it")
    seq = doc.get("seq")
    if type(seq) is not int or seq < 0:
        raise ValueError("the snapshot has no valid seq")
    return doc["state"], seq, dict(meta or {})


# --- the open journal: one writer thread, group commit --------------------------------


@dataclass(slots=True)
class _Pending:
    data: bytes
    count: int
    last_seq: int
    done: Done


class _Journal:
    """The journal opened for appending, and the one thread that writes it.

    The writer takes everything queued, writes it with one fsync, then calls each
    ``done``: under load many events share an fsync. A failed write is cut back off
    the file, so no partial line is ever followed by good ones.
    """

    def __init__(self, path: Path, size: int, last_seq: int) -> None:
        self.path = path
        self.last_seq = last_seq  # durable: written and fsynced
        self.failures = 0  # count of failed batches; checkpoints watch it
        self._next_seq = last_seq + 1  # what the next submitted event must carry
        self._size = size  # the file's length up to its last good line
        self._file = open(path, "ab", buffering=0)  # unbuffered: a failed write is never retried later
        self._queue: list[_Pending] = []
        self._busy = False
        self._closing = False
        self._broken: OSError | None = None
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name=f"journal {path.parent.name}", daemon=True)
        self._thread.start()

    @property
    def submitted_seq(self) -> int:
        return self._next_seq - 1

    def submit(self, events: list[dict], done: Done) -> None:
        # Encoding here keeps its cost with the caller, makes later mutation of the dicts
        # harmless, and reports non-JSON values to the code that produced them.
        data = b"".join(encode_event(event) for event in events)
        with self._cond:
            if self._closing:
                raise RuntimeError(f"the store for {self.path.parent} is closed")
            for offset, event in enumerate(events):
                if event.get("seq") != self._next_seq + offset:
                    raise OutOfSequence(
                        f"event seq {event.get('seq')!r} does not follow {self._next_seq + offset - 1}"
                    )
            self._next_seq += len(events)
            self._queue.append(_Pending(data, len(events), self._next_seq - 1, done))
            self._cond.notify_all()

    def wait_durable(self, seq: int, failures: int) -> bool:
        """Wait until events up to `seq` are fsynced (True) or a batch failed since `failures` was read."""
        with self._cond:
            self._cond.wait_for(lambda: self.last_seq >= seq or self.failures != failures)
            return self.failures == failures

    def flush(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._queue and not self._busy)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._thread.join()
        self._file.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._closing)
                if not self._queue:
                    return
                batch, self._queue = self._queue, []
                self._busy = True
            error = self._write(b"".join(item.data for item in batch))
            with self._cond:
                if error is None:
                    self.last_seq = batch[-1].last_seq
                else:
                    # Events queued meanwhile were numbered after the failed ones: they fail
                    # too, and numbering restarts after the last saved event.
                    batch += self._queue
                    self._queue = []
                    self.failures += 1
                    self._next_seq = self.last_seq + 1
                self._cond.notify_all()
            for item in batch:
                _call(item.done, None if error is None else self._failure(error, item.count))
            with self._cond:
                self._busy = False
                self._cond.notify_all()

    def _write(self, data: bytes) -> OSError | None:
        if self._broken is not None:
            return self._broken
        if not data:
            return None
        try:
            _write_all(self._file, data)
            os.fsync(self._file.fileno())
        except OSError as exc:
            self._cut_back()
            return exc
        self._size += len(data)
        return None

    def _cut_back(self) -> None:
        """Remove whatever part of a failed batch reached the file."""
        try:
            os.ftruncate(self._file.fileno(), self._size)
            os.fsync(self._file.fileno())
        except OSError as exc:
            # Appending after a partial line would bury it mid-file, so stop writing; on
            # the next load the partial line is the last one and is dropped as torn.
            self._broken = exc

    def _failure(self, exc: OSError, count: int) -> StoreError:
        lost = "1 change was" if count <= 1 else f"{count} changes were"  # 0: a change sent again
        if self._broken is not None:
            message = (
                f"Could not write to {self.path}, nor repair it afterwards ({exc}): {lost} NOT "
                "saved, and nothing more can be saved in this run. Everything saved before is "
                "intact: quit, check the disk, and resume the session."
            )
        elif exc.errno in (errno.ENOSPC, errno.EDQUOT):
            message = (
                f"The disk is full: {lost} NOT saved to {self.path}. Everything saved before "
                "is intact. Free some disk space; saving carries on with the next change."
            )
        else:
            message = (
                f"Could not write to {self.path} ({exc.strerror or exc}): {lost} NOT saved. "
                "Everything saved before is intact. Check the disk; saving carries on with "
                "the next change."
            )
        error = StoreError(message)
        error.__cause__ = exc
        return error


def _write_all(file: Any, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[file.write(view) :]


def _call(done: Done, error: BaseException | None) -> None:
    try:
        done(error)
    except Exception:  # a caller's callback must not stop the writer for everyone
        log.exception("a store callback failed")


# --- background checkpoints ----------------------------------------------------------


class _LatestJob:
    """A thread that runs the latest job handed to it; a newer job replaces one still waiting."""

    def __init__(self, name: str) -> None:
        self._cond = threading.Condition()
        self._pending: Callable[[], None] | None = None
        self._busy = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, job: Callable[[], None]) -> None:
        with self._cond:
            self._pending = job
            self._cond.notify_all()

    def wait_idle(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._pending is None and not self._busy)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._stopping)
                if self._pending is None:
                    return
                job, self._pending, self._busy = self._pending, None, True
            try:
                job()
            except Exception:
                log.exception("a background checkpoint failed")
            with self._cond:
                self._busy = False
                self._cond.notify_all()


# --- the public face -----------------------------------------------------------------


class SessionStore:
    """The saved form of one session in one folder.

    Use :meth:`create` for a new session, or construct and call :meth:`load` for a
    saved one; either opens the journal for appending and starts the writer thread.
    Call :meth:`close` when done (it waits for pending writes). One process per folder.
    """

    def __init__(self, folder: Path) -> None:
        """Name the folder; nothing is read or written until create() or load()."""
        self.folder = Path(folder)
        self.journal_path = self.folder / JOURNAL
        self.snapshot_path = self.folder / SNAPSHOT
        self.previous_path = self.folder / PREVIOUS
        self._journal: _Journal | None = None
        self._background: _LatestJob | None = None
        self._snapshot_lock = threading.Lock()
        self._snapshot_seq = 0
        # Only a snapshot read back fine (or written by us) is worth keeping as the
        # previous one: rotating a damaged file would overwrite the good fallback.
        self._snapshot_trusted = False

    @classmethod
    def create(cls, folder: Path) -> SessionStore:
        """Make the folder (and parents) with an empty journal; ready to append from seq 1.

        StoreError if the folder already holds a journal, or cannot be created.
        """
        store = cls(folder)
        try:
            store.folder.mkdir(parents=True, exist_ok=True)
            os.close(os.open(store.journal_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            _fsync_dir(store.folder)
            _fsync_dir(store.folder.parent)
        except FileExistsError:
            raise StoreError(
                f"{store.journal_path} already exists: a session is saved in {store.folder}. "
                "Resume that session, or choose another name for the new one."
            ) from None
        except OSError as exc:
            raise StoreError(
                f"Could not create the session folder {store.folder} ({exc.strerror or exc}). "
                "Nothing was saved. Check that the location is writable and the disk has room."
            ) from exc
        store._journal = _Journal(store.journal_path, size=0, last_seq=0)
        return store

    def exists(self) -> bool:
        """True if the folder holds a saved session (a journal)."""
        return self.journal_path.is_file()

    def load(self) -> Loaded:
        """Read the session back and open the journal for appending after its last event.

        Repairs what a crash can leave: a torn last journal line is cut off (it was never
        acknowledged), a damaged snapshot falls back to the previous one or to none;
        each repair is reported in ``warnings``. Raises StoreError, changing nothing,
        when the damage is not a crash leftover (a bad line before the last, a seq gap,
        a snapshot newer than the journal) or the files cannot be read.
        """
        if not self.exists():
            raise StoreError(
                f"No saved session in {self.folder}: {JOURNAL} is missing. "
                "Check the folder name, or start a new session."
            )
        self._shut_down()
        try:
            return self._load()
        except OSError as exc:
            raise StoreError(
                f"Could not read or repair the session in {self.folder} ({exc}). "
                "Check that the folder is readable and writable, then try again."
            ) from exc

    def _load(self) -> Loaded:
        events, good_size, torn = _scan_journal(self.journal_path)
        warnings: list[str] = []
        state, seq, meta, source = self._load_snapshot(warnings)
        if seq > len(events):
            raise StoreError(
                f"{source} includes events up to {seq}, but {self.journal_path} ends at event "
                f"{len(events)}. Nothing was changed. The journal may be an older copy: restore "
                "the matching one, or send the folder to support."
            )
        if torn:
            with open(self.journal_path, "rb+") as file:
                file.truncate(good_size)
                os.fsync(file.fileno())
            warnings.append(torn)
        for leftover in self.folder.glob(".snapshot*.tmp"):  # from a checkpoint cut short
            leftover.unlink(missing_ok=True)
        self._snapshot_seq = seq
        self._snapshot_trusted = source == self.snapshot_path
        self._journal = _Journal(self.journal_path, good_size, last_seq=len(events))
        return Loaded(state, seq, meta, events[seq:], warnings)

    def _load_snapshot(self, warnings: list[str]) -> tuple[dict | None, int, dict, Path | None]:
        """The newest readable snapshot, its seq, meta and file; warnings for the damaged ones."""
        damaged = False
        for path in (self.snapshot_path, self.previous_path):
            if not path.exists():
                continue
            try:
                state, seq, meta = _read_snapshot(path)
            except (ValueError, OSError) as exc:
                warnings.append(f"skipped the snapshot {path}: it is damaged ({exc})")
                damaged = True
                continue
            if damaged:
                warnings.append(f"used the previous snapshot {path}; the journal replays the rest")
            return state, seq, meta, path
        if damaged:
            warnings.append(
                f"no usable snapshot in {self.folder}; every event is replayed from "
                f"{self.journal_path}, so nothing is lost"
            )
        return None, 0, {}, None

    @property
    def last_seq(self) -> int:
        """Seq of the last event written and fsynced (0 before create()/load() or when empty).

        Events submitted but not yet written are not counted; the next event to append
        must follow the last one *submitted*.
        """
        return self._journal.last_seq if self._journal else 0

    @property
    def submitted_seq(self) -> int:
        """Seq of the last event submitted (written or queued). After a failed write it
        falls back to ``last_seq``: the failed events, and those queued behind them, are gone."""
        return self._journal.submitted_seq if self._journal else 0

    def submit(self, events: list[dict], done: Done) -> None:
        """Queue events for the writer thread and return at once.

        The seqs must continue the last submitted event's (OutOfSequence otherwise), and the
        events must be plain JSON (TypeError/ValueError). They are encoded now, so later
        changes to the dicts do not matter. ``done`` is called on the writer thread with
        None once the events are fsynced, or with a StoreError if they were NOT saved; it
        must be quick and must not wait on this store. After a failure, numbering
        restarts after ``last_seq``: the events of the failed batch, and any queued
        behind it, are all refused.
        """
        self._open().submit(events, done)

    def append_sync(self, events: list[dict]) -> None:
        """Append and block until the events are fsynced; StoreError if not saved.

        For the CLI and tests: never call it from an event loop (use ``append``).
        """
        finished = threading.Event()
        outcome: list[BaseException | None] = []

        def done(error: BaseException | None) -> None:
            outcome.append(error)
            finished.set()

        self.submit(events, done)
        finished.wait()
        if outcome[0] is not None:
            raise outcome[0]

    async def append(self, events: list[dict]) -> None:
        """Append and return once the events are fsynced; StoreError if not saved.

        The loop is never blocked: this only queues the events and awaits a future the
        writer thread resolves. Cancelling the await does not withdraw the events.
        """
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def done(error: BaseException | None) -> None:
            loop.call_soon_threadsafe(_settle, future, error)

        self.submit(events, done)
        await future

    def checkpoint(self, state: dict, seq: int, meta: dict) -> None:
        """Write a snapshot of `state`, which includes every event up to `seq`, atomically.

        Waits until the journal holds event `seq`, so a snapshot is never ahead of the
        journal. ValueError if `seq` was never submitted; StoreError if those events or
        the snapshot could not be written (the journal still holds everything saved).
        A snapshot older than the one on disk is ignored.
        """
        journal = self._open()
        self._check_checkpoint_seq(journal, seq)
        self._write_snapshot(journal, state, seq, meta, journal.failures)

    def checkpoint_in_background(self, state: dict, seq: int, meta: dict) -> None:
        """Like ``checkpoint``, on a background thread, returning at once.

        `state` and `meta` must no longer change (pass a deep copy or a model_dump). A
        newer request replaces one not yet started. Failures are logged, not raised: a
        missing snapshot loses nothing, as the journal holds every event.
        """
        journal = self._open()
        self._check_checkpoint_seq(journal, seq)
        failures = journal.failures

        def job() -> None:
            try:
                self._write_snapshot(journal, state, seq, meta, failures)
            except StoreError as exc:
                log.warning("%s", exc)

        if self._background is None:
            self._background = _LatestJob(f"checkpoints {self.folder.name}")
        self._background.put(job)

    def _check_checkpoint_seq(self, journal: _Journal, seq: int) -> None:
        if type(seq) is not int or not 0 <= seq <= journal.submitted_seq:
            raise ValueError(f"cannot checkpoint at seq {seq!r}: events end at {journal.submitted_seq}")

    def _write_snapshot(self, journal: _Journal, state: dict, seq: int, meta: dict, failures: int) -> None:
        if not journal.wait_durable(seq, failures):
            raise StoreError(
                f"The snapshot at event {seq} was not written to {self.snapshot_path}: some of "
                "the events it includes could not be saved. The previous snapshot and the "
                "journal are intact."
            )
        with self._snapshot_lock:
            if seq < self._snapshot_seq:
                return
            keep = self.previous_path if self._snapshot_trusted else None
            try:
                AtomicJSONStorage(self.snapshot_path, keep).write(_snapshot_document(state, seq, meta))
            except OSError as exc:
                full = " The disk is full." if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
                raise StoreError(
                    f"Could not write the snapshot {self.snapshot_path} ({exc.strerror or exc}).{full} "
                    "Nothing is lost: the journal holds every saved event and the previous "
                    "snapshot is intact. Free some space or check the disk."
                ) from exc
            self._snapshot_seq = seq
            self._snapshot_trusted = True

    def flush(self) -> None:
        """Wait until every queued append and background checkpoint has finished."""
        if self._journal is not None:
            self._journal.flush()
        if self._background is not None:
            self._background.wait_idle()

    def close(self) -> None:
        """Finish pending writes and stop the threads. Idempotent; load() reopens."""
        self._shut_down()

    def _shut_down(self) -> None:
        self.flush()
        if self._background is not None:
            self._background.stop()
            self._background = None
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _open(self) -> _Journal:
        if self._journal is None:
            raise RuntimeError(f"call create() or load() before writing to {self.folder}")
        return self._journal

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _settle(future: asyncio.Future, error: BaseException | None) -> None:
    if future.done():  # the awaiting task was cancelled
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
