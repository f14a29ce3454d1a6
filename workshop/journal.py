"""The journal's lines: how an event is written on one, and how a journal read back
is checked — its longest valid prefix, and what follows it (`SetAside`).

One line per event: ``<crc32 of the JSON as 8 hex> <compact JSON, keys sorted>\n``.
Reading checks every line's checksum and that the seqs run 1, 2, 3 …, without
decoding a line of the usual shape (see `_SEQ_AT_END`): after a long day a snapshot
holds nearly every event, and the store decodes only the lines after it. A snapshot
also vouches for the journal up to its event (`Vouch`: the prefix's length and
checksum, taken by the writer as it wrote it): when the journal still starts with
exactly those bytes, its lines are not checked one by one again. Pure: bytes in,
bytes and findings out; `store.py` does the files.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def encode_event(event: dict[str, Any]) -> bytes:
    """One journal line. ValueError/TypeError when the event is not plain JSON."""
    body = json.dumps(
        event, separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False
    ).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def decode_body(body: bytes) -> dict[str, Any]:
    event = json.loads(body)
    if not isinstance(event, dict) or type(event.get("seq")) is not int:
        raise ValueError("not an event with an integer seq")
    return event


_SEQ_AT_END = re.compile(rb',"seq":(0|[1-9][0-9]*)(?:,"v":([0-9]+))?}\Z')
"""How every line `encode_event` writes for an event ends: its keys are sorted and
none comes after "seq" but "v" (a string's own quotes are escaped, so this cannot
match inside text). It reads a line's seq, and "v", without decoding the line."""


@dataclass(frozen=True)
class SetAside:
    """The part of a journal after its longest valid prefix: lines that cannot be
    trusted, moved to a quarantine file by a writer, reported by a reader."""

    first_line: int
    """Line number (from 1) of the first line that could not be read."""
    reason: str
    """Why that line could not be read, for people: 'its checksum does not match'."""
    data: bytes
    """Every byte from that line on."""
    torn: bool
    """True when it is only an unfinished last line: what a crash (or a write still
    under way) leaves, holding nothing anyone was told was saved."""
    path: Path | None = None
    """The quarantine file it was moved to; None when nothing was moved (a reader)."""

    @property
    def lines(self) -> list[bytes]:
        return [line for line in self.data.split(b"\n") if line]

    def describe(self, journal: Path) -> str:
        """A sentence: what was set aside, from where, why, and where it is now."""
        count = len(self.lines)
        what = "1 line" if count == 1 else f"{count} lines"
        where = f"; {'it is' if count == 1 else 'they are'} in {self.path}, nothing was deleted" if self.path else ""
        if self.torn:
            return (
                f"Line {self.first_line} of {journal} was cut short by a crash while it was "
                f"being written, so no one was told it was saved; it was set aside{where}."
            ) if self.path else (
                f"The last line of {journal} is unfinished (being written right now, or cut "
                "short by a crash); it is not counted here."
            )
        return (
            f"{what} of {journal} from line {self.first_line} on could not be trusted "
            f"({self.reason}) and {'were' if count != 1 else 'was'} set aside{where}."
        )


@dataclass(frozen=True)
class Vouch:
    """What the writer knew of its journal when a snapshot was taken at event `seq`:
    the journal's first `size` bytes are lines 1 … `seq`, their crc32 is `crc`, and
    the highest "v" among them is `v`. Stored in the snapshot (`as_json`)."""

    seq: int
    size: int
    crc: int
    v: int

    def as_json(self) -> dict[str, int]:
        return {"bytes": self.size, "crc32": self.crc, "v": self.v}

    @classmethod
    def from_json(cls, seq: int, found: Any) -> Vouch | None:
        """The vouch a snapshot at `seq` holds; None when it holds none (written by an
        earlier version) or one that is not well formed."""
        if not isinstance(found, dict):
            return None
        size, crc, v = found.get("bytes"), found.get("crc32"), found.get("v")
        if type(size) is not int or type(crc) is not int or type(v) is not int or min(size, crc, v) < 0:
            return None
        return cls(seq, size, crc, v)

    def holds_for(self, data: bytes) -> bool:
        """Whether `data` starts with the very lines vouched for: same length up to a
        line end, same checksum, `seq` lines."""
        end = self.size
        if end > len(data) or (end and data[end - 1 : end] != b"\n"):
            return False
        return zlib.crc32(memoryview(data)[:end]) == self.crc and data.count(b"\n", 0, end) == self.seq


NO_VOUCH = Vouch(seq=0, size=0, crc=0, v=0)
"""What an empty journal is: no line, nothing vouched for."""


@dataclass(frozen=True)
class Scan:
    data: bytes
    """The journal as read."""
    held: Vouch
    """The snapshot's vouch the journal still holds to (NO_VOUCH if none): its lines
    were not split, nor checked again."""
    rest: list[bytes]
    """The JSON of each valid line after those, in order (checked, not decoded)."""
    size: int
    """Bytes of the valid prefix."""
    set_aside: SetAside | None
    newest_v: int

    @property
    def vouched(self) -> int:
        """How many lines at the journal's start were vouched for."""
        return self.held.seq

    @property
    def count(self) -> int:
        """Events in the valid prefix."""
        return self.held.seq + len(self.rest)

    def bodies(self, first_seq: int = 1) -> list[bytes]:
        """The JSON of every valid event from `first_seq` on (from 1)."""
        if first_seq > self.held.seq:
            return self.rest[first_seq - 1 - self.held.seq :]
        vouched = self.data[: self.held.size].split(b"\n")[first_seq - 1 : self.held.seq]
        return [line.partition(b" ")[2] for line in vouched] + self.rest

    def valid(self) -> Vouch:
        """What a writer appending after the valid prefix can vouch for: the held
        vouch's checksum carried on over the lines checked after it."""
        crc = zlib.crc32(memoryview(self.data)[self.held.size : self.size], self.held.crc)
        return Vouch(self.count, self.size, crc, self.newest_v)


def scan_journal(data: bytes, thorough: bool = False, vouch: Vouch | None = None) -> Scan:
    """The longest valid prefix of a journal: lines with a good checksum whose seqs run
    1, 2, 3 … — and, if anything follows it, what and why. Changes nothing. A line of
    the usual shape is not decoded (see `_SEQ_AT_END`) unless `thorough`: then every
    line must also be JSON, and the prefix ends before the first that is not. The
    lines a `vouch` holds for are skipped (never when `thorough`)."""
    held = vouch if vouch is not None and not thorough and vouch.holds_for(data) else NO_VOUCH
    bodies: list[bytes] = []
    lines = data[held.size :].split(b"\n")
    unfinished = lines.pop()  # b"" when the journal ends with a line end, as it should
    size, newest = held.size, held.v
    for number, line in enumerate(lines, start=held.seq + 1):
        crc, _, body = line.partition(b" ")
        at = body.rfind(b',"seq":')
        found = _SEQ_AT_END.match(body, at) if at > 0 and not thorough else None
        if found is not None and int(found[1]) == number and crc == b"%08x" % zlib.crc32(body):
            version = int(found[2] or 1)
        else:
            checked = _line_problem(line, number)  # the careful way, saying what is wrong
            if isinstance(checked, str):
                last = number == held.seq + len(lines) and not unfinished  # what a write cut short leaves
                set_aside = SetAside(number, checked, data[size:], torn=last and checked == BAD_LINE)
                return Scan(data, held, bodies, size, set_aside, newest)
            version = checked
        newest = max(newest, version)
        bodies.append(body)
        size += len(line) + 1
    if unfinished:
        set_aside = SetAside(held.seq + len(lines) + 1, "it has no line end", data[size:], torn=True)
        return Scan(data, held, bodies, size, set_aside, newest)
    return Scan(data, held, bodies, size, None, newest)


def _line_problem(line: bytes, expected: int) -> int | str:
    """The "v" of the event on one journal line (1 when it has none), or why the line
    cannot be used at this place."""
    crc, _, body = line.partition(b" ")
    if crc != b"%08x" % zlib.crc32(body):
        return BAD_LINE
    try:
        event = decode_body(body)
    except ValueError:
        return NOT_AN_EVENT  # not what a crash leaves: the checksum was made to match
    seq = event["seq"]
    if seq < expected:
        return f"it repeats event {seq}, a duplicated line"
    if seq > expected:
        return f"it holds event {seq} where event {expected} was expected, out of sequence"
    version = event.get("v", 1)
    return version if type(version) is int else 1  # one that is not a number: the reader says so


BAD_LINE = "its checksum or JSON does not match what was written"
NOT_AN_EVENT = "its checksum matches, but it holds no event: it was edited by hand"
