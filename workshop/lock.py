"""One writer per session folder: an OS lock on ``writer.lock``, released by the OS when
the process ends (also after kill -9 or a crash), so a lock is never stale.

The lock is an advisory ``flock`` on macOS and Linux and a ``msvcrt.locking`` byte-range
lock on Windows. The holder writes who it is (pid, host, since when) at the start of
the file; the lock itself sits on a byte far beyond that record, so on Windows — where
a locked range cannot be read — the record stays readable by a second window that wants
to say who holds the session.

Readers never take the lock and never create the file: :func:`holder` only opens it
read-only to ask whether someone holds it. Platform code is kept to the two small
functions at the bottom; the decisions (which backend, what the record says) are pure
and tested on every platform.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_FILE = "writer.lock"
RECORD_SIZE = 256
"""The holder's record is padded to this size, so it is rewritten in place, never truncated."""
LOCK_OFFSET = 1 << 20
"""Where the locked byte sits: past the record, so the record stays readable on Windows."""
RETRIES = 25
"""Attempts, 20 ms apart: a window listing sessions may hold the lock for a moment while probing."""


@dataclass(frozen=True)
class Holder:
    """Who holds a session's lock, from the record in its lock file (0/"" when unknown)."""

    pid: int = 0
    host: str = ""
    since: float = 0.0

    def describe(self, own_pid: int | None = None) -> str:
        """A clause for people: 'in another workshop window (pid 4242, since 10:02)'."""
        if self.pid and self.pid == (os.getpid() if own_pid is None else own_pid) and self.host == socket.gethostname():
            return "already open in this workshop window"
        details = []
        if self.pid:
            details.append(f"pid {self.pid}")
        if self.host and self.host != socket.gethostname():
            details.append(f"on {self.host}")
        if self.since:
            details.append("since " + time.strftime("%H:%M", time.localtime(self.since)))
        return "open in another workshop window" + (f" ({', '.join(details)})" if details else "")


class Locked(Exception):
    """The folder's lock is held by another process (or another open store in this one)."""

    def __init__(self, holder: Holder):
        super().__init__(holder.describe())
        self.holder = holder


def backend(os_name: str) -> str:
    """Which lock call this platform has: 'msvcrt' on Windows, 'fcntl' elsewhere."""
    return "msvcrt" if os_name == "nt" else "fcntl"


def encode_record(holder: Holder) -> bytes:
    """The holder's record, padded with spaces to RECORD_SIZE bytes."""
    body = json.dumps({"pid": holder.pid, "host": holder.host[:100], "since": holder.since}).encode()
    return body[:RECORD_SIZE].ljust(RECORD_SIZE, b" ")


def decode_record(data: bytes) -> Holder:
    """The holder a record names; an empty or unreadable record names nobody in particular."""
    try:
        raw = json.loads(data[:RECORD_SIZE].decode("utf-8", "replace").strip() or "{}")
        return Holder(int(raw.get("pid", 0)), str(raw.get("host", "")), float(raw.get("since", 0.0)))
    except (ValueError, TypeError, AttributeError):
        return Holder()


class WriterLock:
    """The lock on one session folder, held from :meth:`acquire` until :meth:`release`."""

    def __init__(self, fd: int, path: Path):
        self._fd: int | None = fd
        self.path = path

    @classmethod
    def acquire(cls, folder: Path) -> WriterLock:
        """Take the folder's lock, or raise :class:`Locked` naming the holder.

        Creates ``writer.lock`` if needed (the folder must exist) and then writes this
        process's record into it; nothing else in the folder is touched, so a refused
        second writer changes nothing at all. OSError if the file cannot be opened.
        """
        path = Path(folder) / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        for attempt in range(RETRIES):
            if _try_lock(fd):
                break
            if attempt + 1 < RETRIES:
                time.sleep(0.02)
        else:
            holder = decode_record(_read_record(fd))
            os.close(fd)
            raise Locked(holder)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, encode_record(Holder(os.getpid(), socket.gethostname(), time.time())))
        return cls(fd, path)

    def release(self) -> None:
        """Let go of the lock; idempotent. The record stays: it is only read while locked."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _unlock(fd)
        os.close(fd)


def holder(folder: Path) -> Holder | None:
    """Who holds the folder's lock right now, or None — without creating or changing
    anything (the file is opened read-only, and a probe holds the lock for a moment
    at most)."""
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if _try_lock(fd):
            _unlock(fd)
            return None
        return decode_record(_read_record(fd))
    finally:
        os.close(fd)


def _read_record(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, RECORD_SIZE)


# --- the platform calls ----------------------------------------------------------------


def _try_lock(fd: int) -> bool:
    """True if this fd now holds the lock; False if another holds it. An fd opened
    read-only can probe (fcntl's flock and Windows' byte locks both allow it)."""
    if backend(os.name) == "msvcrt":
        import msvcrt  # noqa: PLC0415 - Windows only

        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # its stubs are win32 only; mypy checks as Linux
        except OSError:
            return False
        return True
    import fcntl  # noqa: PLC0415 - not on Windows

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:  # a file system without locks (some network shares): say so
        raise OSError(exc.errno, f"this folder's file system cannot lock files ({exc.strerror})") from exc
    return True


def _unlock(fd: int) -> None:
    if backend(os.name) == "msvcrt":
        import msvcrt  # noqa: PLC0415

        os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]  # as above
        return
    import fcntl  # noqa: PLC0415

    fcntl.flock(fd, fcntl.LOCK_UN)
