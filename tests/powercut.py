"""A simulated disk for power-cut tests: after a cut, only what was fsynced is there.

kill -9 is a gentle crash: the OS page cache survives it, so every write() the
process made is still read back. A power cut keeps only what reached the disk, and
POSIX promises that only for what was fsynced. The model here is the worst case:

* a directory holds the entries (name -> inode) it held at its own last fsync;
* a regular file holds the bytes it held at its own last fsync, and nothing at all
  (empty) if its data was never fsynced;
* before its first fsync, each directory and file is as it was at the baseline,
  the moment the disk started watching its root.

While a ``PowerCutDisk`` is active, ``os.fsync`` is wrapped (the product calls it
through the ``os`` module from its own threads): the real fsync runs first, then the
fsynced directory's listing or file's bytes is recorded, and the whole durable state
is frozen into a ``Cut`` together with whatever ``witness()`` returns at that moment
(for example the set of events acknowledged so far). ``cuts[k - 1]`` is therefore a
power cut right after the k-th fsync; ``materialise`` lays it out as real files.

Every inode the disk has seen is kept open (pinned) until the disk stops, so the file
system cannot hand its number to a new file while a durable listing still names it.
Linux only: it reads files and directories back through /proc/self/fd. fdatasync,
partly written data and writeback the OS does on its own are not modelled.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Listing = dict[str, tuple[int, str]]  # name -> (inode, "dir" or "file"); other kinds are left out


@dataclass(frozen=True)
class Cut:
    """The durable state right after one fsync: what a power cut at that moment leaves."""

    number: int  # 1 for the first fsync; 0 for a cut taken with PowerCutDisk.now()
    what: str  # the fsynced path (relative to the root) and the thread that fsynced it
    root: int  # inode of the watched root
    dirs: dict[int, Listing]  # never mutated: a new listing replaces the old one
    files: dict[int, bytes]
    witness: Any

    def materialise(self, target: Path) -> None:
        """Create `target` (which must not exist) holding the root's durable tree."""
        made: dict[int, Path] = {}  # inode -> first path written, so hard links stay links

        def build(inode: int, path: Path) -> None:
            path.mkdir()
            for name, (child, kind) in sorted(self.dirs.get(inode, {}).items()):
                if kind == "dir":
                    build(child, path / name)  # a directory never fsynced comes out empty
                elif child in made:
                    os.link(made[child], path / name)
                else:
                    (path / name).write_bytes(self.files.get(child, b""))
                    made[child] = path / name

        build(self.root, target)


class PowerCutDisk:
    """Watch `root` while active; ``cuts`` holds one Cut per fsync, in order."""

    def __init__(self, root: Path, witness: Callable[[], Any] = lambda: None) -> None:
        self.root = Path(root).resolve()  # /proc/self/fd names real paths
        self.cuts: list[Cut] = []
        self.errors: list[Exception] = []  # recording failures, raised when the disk stops
        self._witness = witness
        self._lock = threading.Lock()  # the writer and checkpoint threads fsync at once
        self._dirs: dict[int, Listing] = {}
        self._files: dict[int, bytes] = {}
        self._pinned: dict[int, int] = {}  # inode -> an fd we hold open on it
        self._real_fsync = os.fsync
        self._root_inode = 0

    def __enter__(self) -> PowerCutDisk:
        with self._lock:
            self._root_inode = self._record_tree(self.root)
        os.fsync = self._fsync
        return self

    def __exit__(self, *exc_info: object) -> None:
        os.fsync = self._real_fsync
        for fd in self._pinned.values():
            os.close(fd)
        self._pinned.clear()
        if self.errors and exc_info[0] is None:
            first = self.errors[0]
            raise AssertionError(f"the simulated disk could not record an fsync: {first!r}") from first

    def now(self) -> Cut:
        """The durable state at this moment, as a cut (number 0)."""
        with self._lock:
            return self._freeze(0, "now")

    # --- recording ------------------------------------------------------------------

    def _fsync(self, fd: int) -> None:
        self._real_fsync(fd)  # an fsync that fails records nothing, as on a real disk
        with self._lock:
            try:
                what = self._record_fd(fd)
            except Exception as exc:  # the product must not see our failure as its own
                self.errors.append(exc)
                what = f"unrecorded fd {fd}"
            what += f" ({threading.current_thread().name})"
            self.cuts.append(self._freeze(len(self.cuts) + 1, what))

    def _freeze(self, number: int, what: str) -> Cut:
        return Cut(number, what, self._root_inode, dict(self._dirs), dict(self._files), self._witness())

    def _record_fd(self, fd: int) -> str:
        info = os.fstat(fd)
        self._pin(info.st_ino, lambda: os.dup(fd))
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        if stat.S_ISDIR(info.st_mode):
            self._dirs[info.st_ino] = self._listing(path)
        elif stat.S_ISREG(info.st_mode):
            with open(f"/proc/self/fd/{fd}", "rb") as file:  # works for "ab" files and unlinked ones
                self._files[info.st_ino] = file.read()
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)

    def _record_tree(self, path: Path) -> int:
        """Baseline: record `path` (a directory) and everything under it; its inode."""
        inode = os.stat(path).st_ino
        self._pin(inode, lambda: os.open(path, os.O_PATH))
        listing = self._dirs[inode] = self._listing(path)
        for name, (child, kind) in listing.items():
            if kind == "dir":
                self._record_tree(path / name)
            else:
                self._files[child] = (path / name).read_bytes()
        return inode

    def _listing(self, folder: Path) -> Listing:
        listing: Listing = {}
        for name in os.listdir(folder):
            try:  # open first, then fstat: the inode we pin is the one we name
                fd = os.open(folder / name, os.O_PATH | os.O_NOFOLLOW)
            except FileNotFoundError:  # removed while we looked: either state is fair
                continue
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
                listing[name] = (info.st_ino, "dir" if stat.S_ISDIR(info.st_mode) else "file")
                self._pin(info.st_ino, lambda: fd)  # noqa: B023 - called at once, in this iteration
            if self._pinned.get(info.st_ino) != fd:
                os.close(fd)
        return listing

    def _pin(self, inode: int, open_fd: Callable[[], int]) -> None:
        if inode not in self._pinned:
            self._pinned[inode] = open_fd()
