"""Durable storage of one session: an append-only journal of events plus a TinyDB snapshot.

This is the only module that imports tinydb, and it knows nothing about workshops: it
stores *events* (JSON-able dicts whose int ``"seq"`` runs 1, 2, 3 … with no gap) and
*snapshots* (a JSON-able ``state`` that includes every event up to its ``seq``, plus a
small ``meta`` dict for listings). A caller rebuilds a session by taking the snapshot
from :meth:`SessionStore.load`, if any, and replaying the events that come with it.

One session lives in one folder::

    journal.jsonl        one event per line: "<crc32 as 8 hex> <compact json>\\n"; append only
                         (the line format and how it is checked: `journal.py`)
    snapshot.json        TinyDB database {snapshot: {seq, state, journal}, meta: {...}}; replaced
                         atomically; `journal` vouches for the journal up to seq (`journal.Vouch`)
    snapshot.prev.json   the snapshot before that, kept in case the newest one is damaged

Why two files: an event must be on disk (fsynced) before it is acknowledged, and TinyDB
rewrites its whole file on every write, so the vote path only ever appends a line to
the journal; many events share one fsync (group commit, on one writer thread). The
snapshot is written at checkpoints, off the vote path, so loading does not replay
the whole history. The journal always keeps every event from seq 1, so a damaged
snapshot costs replay time, never data.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tinydb.storages import Storage

if TYPE_CHECKING:  # asyncio itself is loaded by the one method that awaits: reading a session never needs it
    import asyncio

from .journal import NO_VOUCH, Scan, SetAside, Vouch, decode_body, encode_event, scan_journal
from .lock import Holder, Locked, WriterLock

__all__ = ["Loaded", "OutOfSequence", "SessionInUse", "SessionStore", "SetAside", "StoreError", "default_sessions_dir", "encode_event"]

JOURNAL = "journal.jsonl"
SNAPSHOT = "snapshot.json"
PREVIOUS = "snapshot.prev.json"

Done = Callable[[BaseException | None], None]
log = logging.getLogger(__name__)


class StoreError(Exception):
    """A message for people: what happened, what was kept, what to do next. Always names the file."""


class SessionInUse(StoreError):
    """Another process (or another open store in this one) writes this session."""

    def __init__(self, message: str, holder: Holder):
        super().__init__(message)
        self.holder = holder


class OutOfSequence(ValueError):
    """Events submitted with seqs that do not follow the last submitted one — also what
    a caller meets when a failed write restarted the numbering after its check."""


@dataclass(frozen=True)
class Loaded:
    """What :meth:`SessionStore.load` or :meth:`SessionStore.read` found on disk.

    The journal's lines are checked (checksum, seqs running 1, 2, 3 …) when it is read,
    but decoded only when asked for: after a long day a snapshot covers nearly all of
    them, and :attr:`events` decodes just the ones after it."""

    snapshot_state: dict[str, Any] | None
    """The latest usable snapshot's state; None when there is none (replay from seq 1)."""
    snapshot_seq: int
    """Seq of the last event included in ``snapshot_state``; 0 when there is no snapshot."""
    meta: dict[str, Any]
    """The snapshot's listing data; {} when none."""
    lines: Scan
    """The journal's valid lines (checked, not decoded)."""
    warnings: list[str]
    """Things repaired, skipped or (for a reader) found, for people."""
    set_aside: SetAside | None = None
    """What followed the journal's valid prefix, if anything."""
    newest_v: int = 1
    """The highest "v" of any event in the journal (1 for one without): the newest
    format a writer used, checked even where the snapshot spares decoding the lines."""

    @property
    def count(self) -> int:
        """How many valid events the journal holds."""
        return self.lines.count

    @property
    def bodies(self) -> list[bytes]:
        """The JSON of every valid journal event from seq 1, in order."""
        return self.lines.bodies()

    @property
    def journal(self) -> list[dict[str, Any]]:
        """Every valid journal event from seq 1, in order."""
        return _decode_bodies(self.lines.bodies(), 1)

    def event(self, seq: int) -> dict[str, Any]:
        """The journal's event `seq` (from 1), decoded."""
        return _decode_bodies(self.lines.bodies(seq)[:1], seq)[0]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Journal events with seq > snapshot_seq: replay them onto the snapshot."""
        return _decode_bodies(self.lines.bodies(self.snapshot_seq + 1), self.snapshot_seq + 1)


def default_sessions_dir() -> Path:
    """Where sessions live: $WORKSHOP_SESSIONS_DIR if set, else ./sessions."""
    configured = os.environ.get("WORKSHOP_SESSIONS_DIR")
    return Path(configured) if configured else Path.cwd() / "sessions"


# --- reading the journal back ---------------------------------------------------------


def _decode_bodies(bodies: list[bytes], first_seq: int) -> list[dict[str, Any]]:
    """The events of checked journal lines (the first is event `first_seq`). Lines are
    checked when the journal is read (checksum and seq), so a failure here means a
    line was edited with its checksum made to match."""
    events = []
    for seq, body in enumerate(bodies, start=first_seq):
        try:
            events.append(decode_body(body))
        except ValueError as exc:
            raise StoreError(
                f"Event {seq} of the journal has a matching checksum but holds no event ({exc}): "
                "it was edited by hand. Nothing was changed; `workshop repair` sets that line "
                "and the ones after it aside (nothing is deleted)."
            ) from None
    return events


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


def dirs_can_be_fsynced(os_name: str) -> bool:
    """Whether a folder can be opened and fsynced: on POSIX systems it must be, for a
    new or renamed file to survive a power cut; Windows cannot open folders as files,
    and NTFS journals its own metadata."""
    return os_name != "nt"


def _fsync_dir(folder: Path) -> None:
    """Make renames and new files in `folder` survive a power cut."""
    if not dirs_can_be_fsynced(os.name):
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_folders(folder: Path) -> None:
    """mkdir -p, made durable: each folder created is fsynced into its parent, so a
    power cut cannot take a new session (and the `sessions` folder holding it) away."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        _fsync_dir(path.parent)


def _snapshot_document(state: dict[str, Any], seq: int, meta: dict[str, Any], vouch: Vouch | None) -> dict[str, Any]:
    # The whole database as TinyDB lays it out (table -> doc id -> document), written in
    # one go: TinyDB's table API would rewrite the file once per table, and a crash in
    # between would pair a new snapshot with old meta.
    doc: dict[str, Any] = {"seq": seq, "state": state}
    if vouch is not None:
        doc["journal"] = vouch.as_json()
    return {"snapshot": {"1": doc}, "meta": {"1": meta}}


def _read_snapshot(path: Path) -> tuple[dict[str, Any], int, dict[str, Any], Vouch | None]:
    """(state, seq, meta, what it vouches for of the journal) from one snapshot file;
    ValueError if it is damaged or not ours."""
    # The file parsed once: through TinyDB's tables, each `get` would parse it again.
    raw = path.read_bytes()
    tables = json.loads(raw) if raw else {}
    if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
        raise ValueError("not a snapshot database: not a TinyDB layout of tables")
    doc, meta = tables.get("snapshot", {}).get("1"), tables.get("meta", {}).get("1")
    if not isinstance(doc, dict) or not isinstance(doc.get("state"), dict):
        raise ValueError("no snapshot in it")
    seq = doc.get("seq")
    if type(seq) is not int or seq < 0:
        raise ValueError("the snapshot has no valid seq")
    return doc["state"], seq, dict(meta) if isinstance(meta, dict) else {}, Vouch.from_json(seq, doc.get("journal"))


Found = tuple[dict[str, Any], int, dict[str, Any], Vouch | None] | str | None
"""A snapshot file's (state, seq, meta, vouch); why it is unusable; or None if it is absent."""


class _Unread:
    """In place of what a snapshot file holds: not opened yet."""


UNREAD = _Unread()


def _try_snapshot(path: Path) -> Found:
    """A snapshot file's (state, seq, meta, vouch); why it is unusable; or None if it is absent."""
    try:
        return _read_snapshot(path)
    except FileNotFoundError:  # never written, or moved aside by a checkpoint this moment
        return None
    except (ValueError, OSError) as exc:
        return f"it is damaged ({exc})"


def _vouch(found: Found) -> Vouch | None:
    return found[3] if isinstance(found, tuple) else None


def _choose_snapshot(
    candidates: list[tuple[Path, Found | _Unread]], journal_len: int, warnings: list[str]
) -> tuple[dict[str, Any] | None, int, dict[str, Any], Path | None, list[tuple[Path, Found]]]:
    """The newest usable snapshot — readable and not ahead of the journal — with its
    seq, meta and file; a warning for each one passed over. A candidate not read yet
    (UNREAD in place of what was found) is read only when the ones before it are
    unusable: after a good snapshot, the previous one is never opened. Also returns
    what was found in each file looked at."""
    passed_over = False
    looked: list[tuple[Path, Found]] = []
    for path, found in candidates:
        if isinstance(found, _Unread):
            found = _try_snapshot(path)
        looked.append((path, found))
        if found is None:
            continue
        if isinstance(found, str):
            why = found
        elif found[1] > journal_len:
            why = f"it includes events up to {found[1]}, but the journal ends at event {journal_len}"
        else:
            if passed_over:
                warnings.append(f"Used the previous snapshot {path}; the journal replays the rest.")
            return (*found[:3], path, looked)
        warnings.append(f"Passed over the snapshot {path}: {why}.")
        passed_over = True
    if passed_over:
        warnings.append(f"No usable snapshot: every event is replayed from {JOURNAL}, so nothing is lost.")
    return None, 0, {}, None, looked


def _unused_name(folder: Path, stem: str, suffix: str) -> Path:
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


# --- the open journal: one writer thread, group commit --------------------------------


@dataclass(slots=True)
class _Pending:
    data: bytes
    count: int
    last_seq: int
    v: int  # the highest "v" of its events
    done: Done


class _Journal:
    """The journal opened for appending, and the one thread that writes it.

    The writer takes everything queued, writes it with one fsync, then calls each
    ``done``: under load many events share an fsync. A failed write is cut back off
    the file, so no partial line is ever followed by good ones.
    """

    VOUCHES_KEPT = 64
    """How many of the latest durable seqs `vouch` can answer for: a checkpoint asks
    for the seq it was taken at, right after that event was saved."""

    def __init__(self, path: Path, valid: Vouch) -> None:
        """Open `path` for appending after its valid prefix, `valid`."""
        self.path = path
        self.last_seq = valid.seq  # durable: written and fsynced
        self.failures = 0  # count of failed batches; checkpoints watch it
        self._next_seq = valid.seq + 1  # what the next submitted event must carry
        self._size = valid.size  # the file's length up to its last good line
        self._vouches = {valid.seq: valid}  # the latest durable seqs, for snapshots to keep
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

    def submit(self, events: list[dict[str, Any]], done: Done) -> None:
        # Encoding here keeps its cost with the caller, makes later mutation of the dicts
        # harmless, and reports non-JSON values to the code that produced them.
        data = b"".join(encode_event(event) for event in events)
        version = max((v for event in events if type(v := event.get("v", 1)) is int), default=1)
        with self._cond:
            if self._closing:
                raise RuntimeError(f"the store for {self.path.parent} is closed")
            for offset, event in enumerate(events):
                if event.get("seq") != self._next_seq + offset:
                    raise OutOfSequence(
                        f"event seq {event.get('seq')!r} does not follow {self._next_seq + offset - 1}"
                    )
            self._next_seq += len(events)
            self._queue.append(_Pending(data, len(events), self._next_seq - 1, version, done))
            self._cond.notify_all()

    def wait_durable(self, seq: int, failures: int) -> bool:
        """Wait until events up to `seq` are fsynced (True) or a batch failed since `failures` was read."""
        with self._cond:
            self._cond.wait_for(lambda: self.last_seq >= seq or self.failures != failures)
            return self.failures == failures

    def vouch(self, seq: int) -> Vouch | None:
        """What a snapshot at durable event `seq` can vouch for; None if `seq` is not
        one of the latest the writer saved (the snapshot then vouches for nothing)."""
        with self._cond:
            return self._vouches.get(seq)

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
            if error is None:
                vouches = self._vouch_for(batch)
            with self._cond:
                if error is None:
                    self.last_seq = batch[-1].last_seq
                    self._vouches.update(vouches)
                    for old in list(self._vouches)[: -self.VOUCHES_KEPT]:
                        del self._vouches[old]
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

    def _vouch_for(self, batch: list[_Pending]) -> dict[int, Vouch]:
        """The journal's length, checksum and newest "v" after each item of a batch
        just written, continuing from the last item saved before it."""
        last = self._vouches[self.last_seq]
        size, crc, v = last.size, last.crc, last.v
        vouches = {}
        for item in batch:
            size, crc, v = size + len(item.data), zlib.crc32(item.data, crc), max(v, item.v)
            vouches[item.last_seq] = Vouch(item.last_seq, size, crc, v)
        return vouches

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

    Writers use :meth:`create` for a new session, or construct and call :meth:`load`
    for a saved one; either takes the folder's lock (one writer per folder, see
    `lock.py`), opens the journal for appending and starts the writer thread. Call
    :meth:`close` when done: it waits for pending writes and lets go of the lock.
    Anything that only reads uses :meth:`read`, which writes nothing at all.
    """

    def __init__(self, folder: Path) -> None:
        """Name the folder; nothing is read or written until create() or load()."""
        self.folder = Path(folder)
        self.journal_path = self.folder / JOURNAL
        self.snapshot_path = self.folder / SNAPSHOT
        self.previous_path = self.folder / PREVIOUS
        self._journal: _Journal | None = None
        self._background: _LatestJob | None = None
        self._settler: _Settler | None = None
        self._lock: WriterLock | None = None
        self._snapshot_lock = threading.Lock()
        self._snapshot_seq = 0
        # Only a snapshot read back fine (or written by us) is worth keeping as the
        # previous one: rotating a damaged file would overwrite the good fallback.
        self._snapshot_trusted = False

    @classmethod
    def create(cls, folder: Path) -> SessionStore:
        """Make the folder (and parents) with an empty journal; ready to append from seq 1.

        StoreError if the folder already holds a journal, is open in another window, or
        cannot be created.
        """
        store = cls(folder)
        try:
            _make_folders(store.folder)
            store._take_lock()
            os.close(os.open(store.journal_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            _fsync_dir(store.folder)
        except FileExistsError:
            store._release_lock()
            raise StoreError(
                f"{store.journal_path} already exists: a session is saved in {store.folder}. "
                "Resume that session, or choose another name for the new one."
            ) from None
        except OSError as exc:
            store._release_lock()
            raise StoreError(
                f"Could not create the session folder {store.folder} ({exc.strerror or exc}). "
                "Nothing was saved. Check that the location is writable and the disk has room."
            ) from exc
        store._journal = _Journal(store.journal_path, NO_VOUCH)
        return store

    def exists(self) -> bool:
        """True if the folder holds a saved session (a journal)."""
        return self.journal_path.is_file()

    def load(self, thorough: bool = False) -> Loaded:
        """Take the folder's lock, read the session back, repair what needs repairing, and
        open the journal for appending after its last valid event.

        The journal keeps its longest valid prefix: whatever follows it (a line cut short
        by a crash, a bad checksum, a duplicated or out-of-sequence line) is first copied
        to a quarantine file beside it, never deleted, then cut off. A snapshot that is
        damaged, or ahead of the journal, is passed over for the previous one or none
        (one ahead of the journal is moved aside too). Each repair is reported in
        ``warnings`` and ``set_aside``. StoreError, with nothing changed, if another
        process holds the folder or it cannot be read; after a failed repair, with the
        journal as it was. `thorough` (`workshop repair`): every line is decoded, not
        only checked, so a line with a good checksum that is not JSON is set aside too.
        """
        self._shut_down()
        if not self.exists():
            raise StoreError(
                f"No saved session in {self.folder}: {JOURNAL} is missing. "
                "Check the folder name, or start a new session."
            )
        self._take_lock()
        try:
            return self._load(thorough)
        except OSError as exc:
            raise StoreError(
                f"Could not read or repair the session in {self.folder} ({exc.strerror or exc}). "
                "Nothing saved was lost. Check that the folder is readable and writable, then try again."
            ) from exc

    @classmethod
    def read(cls, folder: Path) -> Loaded:
        """Read a session without writing anything: no lock, no repair, no thread.

        Safe while another process writes the session: the journal is read up to its
        last complete valid line and the snapshot is read before it (the previous one
        too, when the newest is unusable — say moved aside by a checkpoint this very
        moment), so a snapshot never includes events the journal read lacks. What a writer would repair is
        reported in ``warnings`` and ``set_aside`` instead. StoreError if there is no
        journal or it cannot be read.
        """
        store = cls(folder)
        if not store.exists():
            raise StoreError(
                f"No saved session in {store.folder}: {JOURNAL} is missing. "
                "Check the folder name, or start a new session."
            )
        try:
            newest = _try_snapshot(store.snapshot_path)  # before the journal: see above
            previous = UNREAD if isinstance(newest, tuple) else _try_snapshot(store.previous_path)
            scan = scan_journal(store.journal_path.read_bytes(), vouch=_vouch(newest))
            warnings = [scan.set_aside.describe(store.journal_path)] if scan.set_aside else []
            candidates = [(store.snapshot_path, newest), (store.previous_path, previous)]
            state, seq, meta, _, _ = _choose_snapshot(candidates, scan.count, warnings)
        except OSError as exc:
            raise StoreError(
                f"Could not read the session in {store.folder} ({exc.strerror or exc}). "
                "Check that the folder is readable."
            ) from exc
        return Loaded(state, seq, meta, scan, warnings, scan.set_aside, scan.newest_v)

    def _load(self, thorough: bool) -> Loaded:
        warnings: list[str] = []
        newest = _try_snapshot(self.snapshot_path)
        scan = scan_journal(self.journal_path.read_bytes(), thorough, _vouch(newest))
        set_aside = scan.set_aside
        if set_aside is not None:
            set_aside = self._quarantine(set_aside, scan.size)
            warnings.append(set_aside.describe(self.journal_path))
        candidates: list[tuple[Path, Found | _Unread]] = [(self.snapshot_path, newest), (self.previous_path, UNREAD)]
        state, seq, meta, source, looked = _choose_snapshot(candidates, scan.count, warnings)
        for path, found in looked:
            if isinstance(found, tuple) and found[1] > scan.count:
                aside = _unused_name(self.folder, f"{path.stem}.quarantine", ".json")
                os.replace(path, aside)
                _fsync_dir(self.folder)
                warnings.append(f"{path} was moved to {aside}, so that it is kept.")
        for leftover in self.folder.glob(".snapshot*.tmp"):  # from a checkpoint cut short
            leftover.unlink(missing_ok=True)
        self._snapshot_seq = seq
        self._snapshot_trusted = source == self.snapshot_path
        self._journal = _Journal(self.journal_path, scan.valid())
        return Loaded(state, seq, meta, scan, warnings, set_aside, scan.newest_v)

    def _quarantine(self, set_aside: SetAside, keep: int) -> SetAside:
        """Copy what follows the valid prefix to a quarantine file (fsynced, with its
        folder), then cut it off the journal. Opening again after a crash in between
        finds the same lines and reuses the file that already holds them."""
        existing = [p for p in sorted(self.folder.glob("journal.quarantine-*.jsonl")) if p.read_bytes() == set_aside.data]
        if existing:
            path = existing[0]
        else:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = _unused_name(self.folder, f"journal.quarantine-{stamp}", ".jsonl")
            with open(path, "xb") as file:
                file.write(set_aside.data)
                file.flush()
                os.fsync(file.fileno())
            _fsync_dir(self.folder)
        with open(self.journal_path, "rb+") as file:
            file.truncate(keep)
            file.flush()
            os.fsync(file.fileno())
        return SetAside(set_aside.first_line, set_aside.reason, set_aside.data, set_aside.torn, path)

    def _take_lock(self) -> None:
        if self._lock is not None:
            return
        try:
            self._lock = WriterLock.acquire(self.folder)
        except Locked as locked:
            raise SessionInUse(
                f"The session in {self.folder} is {locked.holder.describe()}. Close that one "
                "first; nothing was changed here.",
                locked.holder,
            ) from None

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

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

    def submit(self, events: list[dict[str, Any]], done: Done) -> None:
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

    def append_sync(self, events: list[dict[str, Any]]) -> None:
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

    async def append(self, events: list[dict[str, Any]]) -> None:
        """Append and return once the events are fsynced; StoreError if not saved.

        The loop is never blocked: this only queues the events and awaits a future the
        writer thread resolves. Cancelling the await does not withdraw the events.
        """
        import asyncio  # noqa: PLC0415 - see the imports

        loop = asyncio.get_running_loop()
        if self._settler is None or self._settler.loop is not loop:
            self._settler = _Settler(loop)
        settler, future = self._settler, loop.create_future()
        self.submit(events, lambda error: settler.put(future, error))
        await future

    def checkpoint(self, state: dict[str, Any], seq: int, meta: dict[str, Any]) -> None:
        """Write a snapshot of `state`, which includes every event up to `seq`, atomically.

        Waits until the journal holds event `seq`, so a snapshot is never ahead of the
        journal. ValueError if `seq` was never submitted; StoreError if those events or
        the snapshot could not be written (the journal still holds everything saved).
        A snapshot older than the one on disk is ignored.
        """
        journal = self._open()
        self._check_checkpoint_seq(journal, seq)
        self._write_snapshot(journal, state, seq, meta, journal.failures)

    def checkpoint_in_background(self, state: dict[str, Any], seq: int, meta: dict[str, Any]) -> None:
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

    def _write_snapshot(self, journal: _Journal, state: dict[str, Any], seq: int, meta: dict[str, Any], failures: int) -> None:
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
                AtomicJSONStorage(self.snapshot_path, keep).write(_snapshot_document(state, seq, meta, journal.vouch(seq)))
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
        """Finish pending writes, stop the threads and let go of the folder's lock.
        Idempotent; load() reopens."""
        self._shut_down()
        self._release_lock()

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


class _Settler:
    """Hands the writer thread's completions to one event loop in batches: one wake-up
    of the loop (a write to its self-pipe) for every append one fsync saved, rather
    than one each."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._lock = threading.Lock()
        self._ready: list[tuple[asyncio.Future[None], BaseException | None]] = []

    def put(self, future: asyncio.Future[None], error: BaseException | None) -> None:
        """From the writer thread: settle `future` on the loop, soon."""
        with self._lock:
            self._ready.append((future, error))
            if len(self._ready) > 1:  # a wake-up is on its way already
                return
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody awaits any more
            self.loop.call_soon_threadsafe(self._settle_all)

    def _settle_all(self) -> None:
        with self._lock:
            ready, self._ready = self._ready, []
        for future, error in ready:
            _settle(future, error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the awaiting task was cancelled
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
