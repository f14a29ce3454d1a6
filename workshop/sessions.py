"""Sessions on disk: create, open, read, repair, list — the engine joined to its store.

`Workshop` is what the room server and the TUI hold: the one writer of a session
(the store holds the folder's OS lock), it decides a command with the engine and
makes the resulting events durable before the answer goes out. Checkpoints (the
TinyDB snapshot) are taken in the background after an exercise opens or closes and
every `CHECKPOINT_EVERY` events, so loading never has to replay more than a few
hundred events.

`Reading` is what anything that only reads holds (`list`, `status`, `export`, the
home screen): built with `read_folder`, it writes nothing — no lock, no repair, no
snapshot — so it is safe beside a live workshop.
"""

from __future__ import annotations

import json
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import commands as c
from .agenda import find_template
from .engine import Accepted, Engine, Outcome
from .events import SCHEMA, Closed, Created, Event, NewerSchema, Opened
from .lock import Holder, holder
from .model import FACILITATOR, STATE_VERSION, Executives, Session, Template
from .store import Loaded, OutOfSequence, SessionInUse, SessionStore, SetAside, StoreError, default_sessions_dir

CHECKPOINT_EVERY = 500
ROOM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: the code is read aloud and typed on phones."""


SCREEN_KEY_FILE = "screen.key"
"""In a session's folder: the projector page's key (see `Workshop.screen_key`)."""


class Workshop:
    """One open session: its engine, its store and the folder they live in."""

    def __init__(self, folder: Path, store: SessionStore, engine: Engine, warnings: list[str] | None = None):
        self.folder = folder
        self.store = store
        self.engine = engine
        self.warnings = warnings or []
        self.listeners: list[Callable[[tuple[Event, ...]], None]] = []
        """Callables given each batch of events once it is durable (the room, the TUI)."""
        self.resync_listeners: list[Callable[[], None]] = []
        """Callables told when the session went back to what was saved (after a failed
        write): what they drew may show events that no longer exist."""
        self._since_checkpoint = 0
        self._closed = False
        self.generation = 0
        """Bumped each time the engine is rebuilt after a failed write: seqs that were
        given out before may be given out again, so (generation, seq) names a state."""
        self._screen_key: str | None = None

    @property
    def screen_key(self) -> str:
        """The projector page's key, separate from the room code that every phone
        knows: made once per session and kept in its folder (`screen.key`), so that a
        projector left open finds the room again after the laptop restarts."""
        if self._screen_key is None:
            path = self.folder / SCREEN_KEY_FILE
            try:
                key = path.read_text(encoding="ascii").strip()
            except (OSError, UnicodeDecodeError):
                key = ""
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
                key = secrets.token_urlsafe(18)
                try:
                    path.write_text(key + "\n", encoding="ascii")
                except OSError:
                    pass  # this run keeps its key in memory; the projector reopens from the lobby after a restart
            self._screen_key = key
        return self._screen_key

    @property
    def session(self) -> Session:
        return self.engine.session

    def decide(self, actor: str, cmd_id: str, command: c.Command, now: float | None = None) -> Outcome:
        """Decide without waiting for the disk; the caller must submit the events to
        the store before anything else is decided, and acknowledge them once durable."""
        self._resync()  # if a write failed since the last decision
        return self.engine.handle(actor, cmd_id, command, time.time() if now is None else now)

    def handle(self, actor: str, cmd_id: str, command: c.Command, now: float | None = None) -> Outcome:
        """Decide and make durable, blocking until fsynced (CLI and tests)."""
        outcome = self.decide(actor, cmd_id, command, now)
        if isinstance(outcome, Accepted) and self._to_save(actor, cmd_id, outcome):
            with self._saving():
                self.store.append_sync([e.to_json() for e in outcome.events])
            self._after(outcome.events)
        return outcome

    async def handle_async(self, actor: str, cmd_id: str, command: c.Command, now: float | None = None) -> Outcome:
        """Decide, then await durability without blocking the event loop."""
        outcome = self.decide(actor, cmd_id, command, now)
        if isinstance(outcome, Accepted) and self._to_save(actor, cmd_id, outcome):
            with self._saving():
                await self.store.append([e.to_json() for e in outcome.events])
            self._after(outcome.events)
        return outcome

    def _to_save(self, actor: str, cmd_id: str, outcome: Accepted) -> bool:
        """Whether the answer to an accepted command must wait for the disk: it came with
        events, or was sent again (a phone that reconnected while its first try was on
        its way to the disk) before its events were durable. Appending no events waits
        for everything submitted before."""
        return bool(outcome.events) or (outcome.repeated and self.session.handled.get(f"{actor}/{cmd_id}", 0) > self.store.last_seq)

    @contextmanager
    def _saving(self) -> Iterator[None]:
        """StoreError, with the engine back in step with the disk, if the events were
        not saved — also when another write failed between deciding and submitting."""
        try:
            yield
        except StoreError:
            self._resync()
            raise
        except OutOfSequence:
            self._resync()
            raise StoreError(
                f"A write to {self.store.journal_path} had just failed, so this change was NOT saved. "
                "Everything saved before is intact; try again."
            ) from None

    def _resync(self) -> None:
        """After a failed write the engine is ahead of the disk (it applied events that
        were not saved): rebuild it from what was saved, so the session shows only
        what counted and the next events follow the journal. Idempotent: the other
        commands of the failed batch find it already done, and events submitted since
        (numbered after the saved ones) are kept."""
        if self.store.submitted_seq >= self.session.seq:
            return
        self.engine, _ = _rebuild(self.store.load(), self.folder)
        self.generation += 1
        for told in self.resync_listeners:
            told()

    def _after(self, events: tuple[Event, ...]) -> None:
        if not events:
            return
        for listener in self.listeners:
            listener(events)
        self._since_checkpoint += len(events)
        moved = any(isinstance(e.body, Opened | Closed) for e in events)
        if moved or self._since_checkpoint >= CHECKPOINT_EVERY:
            self.checkpoint(background=True)

    def checkpoint(self, background: bool = False) -> None:
        session = self.session
        state = session.model_dump(mode="json")
        meta = summary_meta(session)
        if background:
            self.store.checkpoint_in_background(state, session.seq, meta)
        else:
            self.store.checkpoint(state, session.seq, meta)
        self._since_checkpoint = 0

    def close(self) -> str | None:
        """Take a final checkpoint and stop the store's threads; safe to call twice.

        A final checkpoint that cannot be written loses nothing — the journal holds
        every saved input and loading replays it — so its message is returned for
        the facilitator rather than raised."""
        if self._closed:
            return None
        self._closed = True
        try:
            self.checkpoint()
        except StoreError as err:
            return str(err)
        finally:
            self.store.close()
        return None


def _k(value: int) -> int:
    """A session's `min_answers`, checked as the template's own field is."""
    if not 1 <= value <= 50:
        raise ValueError(f"--min-answers must be a whole number from 1 to 50, not {value}.")
    return value


def create(
    title: str,
    template: str = "cio-cmo-alignment",
    *,
    organisation: str = "",
    facilitator: str = "",
    sessions_dir: Path | None = None,
    now: float | None = None,
    max_participants: int = 120,
    room_code: str | None = None,
    min_answers: int | None = None,
    executives: Executives | None = None,
) -> Workshop:
    """A new session folder with its first event saved and a first snapshot.
    `min_answers` overrides the template's k for this session (`workshop.privacy`);
    `executives` names the CIO, the CMO and the sponsor the joint agenda is for.
    `now` and `room_code` are for repeatable tests; normally both are drawn here."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("A session needs a title, e.g. --title 'Acme offsite'.")
    found = find_template(template)
    now = time.time() if now is None else now
    root = Path(sessions_dir or default_sessions_dir())
    session_id = _unique_id(root, f"{time.strftime('%Y-%m-%d', time.localtime(now))}-{_slug(title)}")
    store = SessionStore.create(root / session_id)
    first = Engine.create_event(
        session_id=session_id,
        title=title,
        organisation=" ".join(organisation.split()),
        facilitator=" ".join(facilitator.split()),
        template_name=found.name,
        template=found.template if min_answers is None else found.template.model_copy(update={"min_answers": _k(min_answers)}),
        room_code=room_code or "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(6)),
        now=now,
        max_participants=max_participants,
        executives=executives,
    )
    store.append_sync([first.to_json()])
    workshop = Workshop(root / session_id, store, Engine.replay([first]))
    workshop.checkpoint()
    return workshop


def open_folder(folder: Path, thorough: bool = False) -> Workshop:
    """Open a session for writing: take its lock, repair what needs repairing (see
    `SessionStore.load`) and rebuild its state. `warnings` say, in plain words, what
    was set aside or rebuilt. SessionInUse if another window has it open; StoreError
    if the folder holds no session or cannot be read."""
    folder = Path(folder)
    store = SessionStore(folder)
    if not store.exists():
        raise StoreError(f"{folder}: no saved session here (no journal.jsonl). `workshop list` shows the sessions.")
    loaded = store.load(thorough)
    try:
        engine, warnings = _rebuild(loaded, folder)
    except BaseException:
        store.close()
        raise
    return Workshop(folder, store, engine, warnings)


@dataclass
class Reading:
    """A session read without writing anything: its state, what is wrong with its
    files (warnings for people), and who has it open for writing, if anyone."""

    folder: Path
    engine: Engine
    warnings: list[str]
    holder: Holder | None
    set_aside: SetAside | None

    @property
    def session(self) -> Session:
        return self.engine.session


def read_folder(folder: Path) -> Reading:
    """Read a session, live or not, changing nothing in its folder. StoreError if it
    cannot be read at all."""
    folder = Path(folder)
    writer = holder(folder)
    loaded = SessionStore.read(folder)
    if writer is not None and loaded.set_aside is not None and loaded.set_aside.torn:
        # A live writer's line still on its way to the disk: not damage.
        loaded = replace(loaded, warnings=loaded.warnings[1:], set_aside=None)
    engine, warnings = _rebuild(loaded, folder)
    if loaded.set_aside is not None and not loaded.set_aside.torn:
        warnings.append(
            f"Run `workshop repair {folder.name}` (or open the session) to set the damaged lines aside; "
            "until then the session is shown up to the last good line."
        )
    return Reading(folder, engine, warnings, writer, loaded.set_aside)


def repair(folder: Path) -> tuple[Workshop, list[str]]:
    """Open a session for writing, which repairs it (every journal line decoded, see
    `SessionStore.load`), and take a fresh snapshot. Returns the open workshop (the
    caller closes it) and what was done, for people."""
    workshop = open_folder(folder, thorough=True)
    workshop.checkpoint()
    return workshop, list(workshop.warnings)


def _rebuild(loaded: Loaded, folder: Path) -> tuple[Engine, list[str]]:
    """The engine from a snapshot (if any) and the journal's later events, with the
    store's warnings put in the session's own words. A snapshot that does not fit
    this version's model (older, newer, or damaged) is passed over for a full replay
    of the journal; only then are the events it covers read at all. StoreError if the
    journal itself cannot be understood."""
    warnings = list(loaded.warnings)
    if loaded.newest_v > SCHEMA:  # checked here too: the snapshot spares decoding most lines
        raise StoreError(f"{folder / 'journal.jsonl'}: {NewerSchema(loaded.newest_v)}")
    if not loaded.bodies:
        raise StoreError(
            f"{folder / 'journal.jsonl'} holds no readable event, not even the session's first one, "
            "so there is nothing to open. Nothing was deleted: any lines set aside are beside it."
        )
    if loaded.set_aside is not None and not loaded.set_aside.torn:
        touched = _exercises_in(loaded.set_aside.lines, _events([loaded.event(1)], folder)[0])
        if touched:
            warnings.append("The lines set aside hold inputs to " + ", ".join(f"“{t}”" for t in touched) + ".")
    snapshot = _snapshot(loaded, folder, warnings)
    if snapshot is None:
        return Engine.replay(_events(loaded.journal, folder)), warnings
    return Engine.replay(_events(loaded.events, folder), snapshot), warnings


def _snapshot(loaded: Loaded, folder: Path, warnings: list[str]) -> Session | None:
    """The loaded snapshot as a session, or None (with a warning saying why) when
    there is none or it does not fit this version."""
    if loaded.snapshot_state is None:
        return None
    try:
        snapshot = Session.model_validate(loaded.snapshot_state)
    except ValidationError as err:
        warnings.append(
            f"The snapshot in {folder} does not fit this version ({_first_error(err)}); the session "
            "was rebuilt from its journal instead, so nothing is lost."
        )
        return None
    if snapshot.state_version != STATE_VERSION:
        warnings.append(
            f"The snapshot in {folder} was written by another version of Common Ground; the session "
            "was rebuilt from its journal, so nothing is lost."
        )
        return None
    return snapshot


def _events(stored: list[dict[str, Any]], folder: Path) -> list[Event]:
    """Stored events as events. StoreError saying what to do when one was written by
    a newer version or is not an event this version knows."""
    try:
        return [Event.from_stored(e) for e in stored]
    except NewerSchema as err:
        raise StoreError(f"{folder / 'journal.jsonl'}: {err}") from None
    except ValidationError as err:
        raise StoreError(
            f"{folder / 'journal.jsonl'} holds an event this version of Common Ground cannot read "
            f"({_first_error(err)}). It may have been saved by a newer version: update Common Ground "
            "and open it again. Nothing was changed."
        ) from None


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"][:4])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _exercises_in(lines: list[bytes], first: Event) -> list[str]:
    """Titles of the exercises that lines set aside give inputs to (best effort: a
    damaged line may name none). `first` is the session's first event."""
    titles: dict[object, object] = {}
    if isinstance(first.body, Created):
        titles = {e.id: e.title for e in first.body.template.exercises}
    found: list[str] = []
    for line in lines:
        try:
            exercise = json.loads(line.partition(b" ")[2]).get("body", {}).get("exercise")
        except (ValueError, AttributeError):
            continue
        title = titles.get(exercise, exercise)
        if isinstance(title, str) and title not in found:
            found.append(title)
    return found


def follow_up(
    source: Path,
    *,
    title: str | None = None,
    facilitator: str | None = None,
    sessions_dir: Path | None = None,
    now: float | None = None,
    room_code: str | None = None,
    template: str = "follow-up",
) -> Workshop:
    """A new session that follows up the session in `source` (`workshop.followup`):
    `source` is read without writing anything (it may be open elsewhere), what it
    agreed is carried over read-only into the new session's agenda, and the new
    session is saved and returned open, like `create`. Its `warnings` say, for
    people, what could not be read of `source` (a damaged journal: what was saved
    before the damage is carried; a session saved by an older version: read and
    upgraded as it is read) — they are also kept in the follow-up itself, so its
    progress report says them. StoreError when `source` cannot be read at all."""
    from . import followup  # noqa: PLC0415 - only a follow-up needs it

    source = Path(source)
    try:
        reading = read_folder(source)
    except StoreError as err:
        raise StoreError(f"Cannot follow up {source.name}: {err}") from None
    earlier = reading.session
    notes = _follow_up_notes(reading)
    carried = followup.carry(earlier, notes)
    found = find_template(template)
    if not found.template.follow_up:
        raise ValueError(f"The template {found.name!r} is not a follow-up agenda: it needs `follow_up = true` (see exercises/follow-up.toml).")
    try:
        agenda = followup.template_for(found.template, carried, earlier)
    except ValidationError as err:
        raise ValueError(f"The follow-up agenda {found.name!r} cannot take what “{earlier.title}” carries ({_first_error(err)}).") from None
    workshop = _create_from(
        title or followup.title_for(earlier), found.name, agenda,
        organisation=earlier.organisation, facilitator=earlier.facilitator if facilitator is None else facilitator,
        sessions_dir=sessions_dir, now=now, room_code=room_code, max_participants=earlier.max_participants,
        executives=earlier.executives,
    )
    workshop.warnings = list(notes)
    return workshop


def _follow_up_notes(reading: Reading) -> list[str]:
    """What a follow-up must say about the session it read: damage (what is carried is
    what was saved before it) and an older version (read and upgraded, nothing lost,
    but what that version did not record is not there), each in plain words."""
    session = reading.session
    notes = []
    if reading.set_aside is not None and not reading.set_aside.torn:
        notes.append(
            f"“{session.title}” has damaged lines in its journal (from line {reading.set_aside.first_line}: "
            f"{reading.set_aside.reason}). This follow-up carries what was saved before them: check the actions and "
            f"initiatives it lists against your notes. `workshop repair {reading.folder.name}` sets the damaged lines aside."
        )
    schema = _journal_schema(reading.folder)
    rebuilt = any("another version" in w or "does not fit this version" in w for w in reading.warnings)
    if schema < SCHEMA or rebuilt:
        notes.append(
            f"“{session.title}” was saved by an older version of Common Ground; it was read from its journal and "
            "upgraded as it was read, and nothing in its folder was changed."
            + ("" if session.records else " That version recorded no decisions, actions or risks, so there is no action to review.")
        )
    return notes


def _journal_schema(folder: Path) -> int:
    """The stored schema version of a journal's first line (1 when it carries none)."""
    try:
        with (folder / "journal.jsonl").open("rb") as journal:
            first = journal.readline()
        version = json.loads(first.partition(b" ")[2]).get("v", 1)
    except (OSError, ValueError, AttributeError):
        return SCHEMA
    return version if isinstance(version, int) else SCHEMA


def _create_from(
    title: str,
    template_name: str,
    template: Template,
    *,
    organisation: str,
    facilitator: str,
    sessions_dir: Path | None,
    now: float | None,
    room_code: str | None,
    max_participants: int,
    executives: Executives,
) -> Workshop:
    """`create`, for a template built in code (a follow-up's) rather than found by name."""
    title = " ".join(title.split())
    if not title:
        raise ValueError("A session needs a title, e.g. --title 'Acme offsite: follow-up 1'.")
    now = time.time() if now is None else now
    root = Path(sessions_dir or default_sessions_dir())
    session_id = _unique_id(root, f"{time.strftime('%Y-%m-%d', time.localtime(now))}-{_slug(title)}")
    store = SessionStore.create(root / session_id)
    first = Engine.create_event(
        session_id=session_id, title=title, organisation=" ".join(organisation.split()), facilitator=" ".join(facilitator.split()),
        template_name=template_name, template=template,
        room_code=room_code or "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(6)),
        now=now, max_participants=max_participants, executives=executives,
    )
    store.append_sync([first.to_json()])
    workshop = Workshop(root / session_id, store, Engine.replay([first]))
    workshop.checkpoint()
    return workshop


def resolve(name: str, sessions_dir: Path | None = None) -> Path:
    """A session folder from an id, a unique id prefix or a path."""
    path = Path(name)
    if (path / "journal.jsonl").exists():
        return path
    root = Path(sessions_dir or default_sessions_dir())
    if (root / name / "journal.jsonl").exists():
        return root / name
    # Folder names are slugs ("2026-05-14-globex-offsite"): "Globex" or "Globex offsite" finds it.
    key = _slug(name) if _slug(name) != "session" else name.casefold()
    matches = [p for p in _folders(root) if p.name.startswith(key) or key in p.name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise StoreError(f"No session {name!r} in {root}. `workshop list` shows the sessions.")
    raise StoreError(f"{name!r} matches several sessions: {', '.join(p.name for p in matches)}. Give more of the name.")


def latest(sessions_dir: Path | None = None) -> Path:
    """The session folder most recently written to."""
    folders = _folders(Path(sessions_dir or default_sessions_dir()))
    if not folders:
        raise StoreError("No saved sessions yet. Start one with `workshop new --title '...'`.")
    return max(folders, key=lambda p: (p / "journal.jsonl").stat().st_mtime)


@dataclass(frozen=True)
class Summary:
    folder: Path
    title: str
    organisation: str
    created_at: float
    participants: int
    done: int
    total: int
    current: str
    problem: str = ""
    """Why it cannot be read at all; '' when it can."""
    damaged: bool = False
    """Its journal has lines past the valid prefix: `workshop repair` sets them aside."""
    open_by: Holder | None = None
    """The window that has it open for writing, if any."""


def summary_meta(session: Session) -> dict[str, Any]:
    states = session.exercises.values()
    return {
        "title": session.title,
        "organisation": session.organisation,
        "created_at": session.created_at,
        "participants": len(session.participants),
        "done": sum(1 for s in states if s.status == "closed"),
        "total": len(session.template.exercises),
        "current": session.current_exercise.title,
    }


def list_sessions(sessions_dir: Path | None = None) -> list[Summary]:
    """Every session folder, newest first, read without writing anything; a damaged
    one is listed with its problem rather than hidden, and one open in another window
    says so."""
    rows = []
    for folder in _folders(Path(sessions_dir or default_sessions_dir())):
        try:
            reading = read_folder(folder)
        except (StoreError, ValueError) as err:
            mtime = (folder / "journal.jsonl").stat().st_mtime
            rows.append(Summary(folder, folder.name, "", mtime, 0, 0, 0, "", str(err), open_by=holder(folder)))
            continue
        damaged = reading.set_aside is not None and not reading.set_aside.torn
        rows.append(Summary(folder, **summary_meta(reading.session), damaged=damaged, open_by=reading.holder))
    return sorted(rows, key=lambda r: -r.created_at)


def _folders(root: Path) -> list[Path]:
    """The session folders in `root`: none when it does not exist yet; StoreError when
    it is a file (a mistyped --sessions-dir must not look like an empty folder)."""
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, not a folder of sessions. Give --sessions-dir (or $WORKSHOP_SESSIONS_DIR) a folder.")
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if (p / "journal.jsonl").exists()]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "session"


def _unique_id(root: Path, base: str) -> str:
    candidate, n = base, 1
    while (root / candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


__all__ = [
    "FACILITATOR", "Reading", "SessionInUse", "StoreError", "Workshop", "create", "follow_up", "latest", "list_sessions",
    "open_folder", "read_folder", "repair", "resolve",
]
