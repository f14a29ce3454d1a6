"""Sessions on disk: create, open, list — the engine joined to its store.

`Workshop` is what the CLI, the room server and the TUI hold: it decides a command
with the engine and makes the resulting events durable before the answer goes
out. Checkpoints (the TinyDB snapshot) are taken in the background after an
exercise opens or closes and every `CHECKPOINT_EVERY` events, so loading never has
to replay more than a few hundred events.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .agenda import find_template
from .engine import Accepted, Engine, Outcome
from .events import Closed, Event, Opened
from .model import FACILITATOR, Session
from .store import OutOfSequence, SessionStore, StoreError, default_sessions_dir

CHECKPOINT_EVERY = 500
ROOM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: the code is read aloud and typed on phones."""


class Workshop:
    """One open session: its engine, its store and the folder they live in."""

    def __init__(self, folder: Path, store: SessionStore, engine: Engine, warnings: list[str] | None = None):
        self.folder = folder
        self.store = store
        self.engine = engine
        self.warnings = warnings or []
        self.listeners: list = []
        """Callables given each batch of events once it is durable (the room, the TUI)."""
        self._since_checkpoint = 0
        self._closed = False
        self.generation = 0
        """Bumped each time the engine is rebuilt after a failed write: seqs that were
        given out before may be given out again, so (generation, seq) names a state."""

    @property
    def session(self) -> Session:
        return self.engine.session

    def decide(self, actor: str, cmd_id: str, command, now: float | None = None) -> Outcome:
        """Decide without waiting for the disk; the caller must submit the events to
        the store before anything else is decided, and acknowledge them once durable."""
        self._resync()  # if a write failed since the last decision
        return self.engine.handle(actor, cmd_id, command, time.time() if now is None else now)

    def handle(self, actor: str, cmd_id: str, command, now: float | None = None) -> Outcome:
        """Decide and make durable, blocking until fsynced (CLI and tests)."""
        outcome = self.decide(actor, cmd_id, command, now)
        if self._to_save(actor, cmd_id, outcome):
            with self._saving():
                self.store.append_sync([e.to_json() for e in outcome.events])
            self._after(outcome.events)
        return outcome

    async def handle_async(self, actor: str, cmd_id: str, command, now: float | None = None) -> Outcome:
        """Decide, then await durability without blocking the event loop."""
        outcome = self.decide(actor, cmd_id, command, now)
        if self._to_save(actor, cmd_id, outcome):
            with self._saving():
                await self.store.append([e.to_json() for e in outcome.events])
            self._after(outcome.events)
        return outcome

    def _to_save(self, actor: str, cmd_id: str, outcome: Outcome) -> bool:
        """Whether the answer must wait for the disk: the command was accepted with
        events, or was sent again (a phone that reconnected while its first try was on
        its way to the disk) before its events were durable. Appending no events waits
        for everything submitted before."""
        if not isinstance(outcome, Accepted):
            return False
        return bool(outcome.events) or (outcome.repeated and self.session.handled.get(f"{actor}/{cmd_id}", 0) > self.store.last_seq)

    @contextmanager
    def _saving(self):
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
        self.engine = _rebuild(self.store.load())
        self.generation += 1

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
) -> Workshop:
    """A new session folder with its first event saved and a first snapshot.
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
        template=found.template,
        room_code=room_code or "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(6)),
        now=now,
        max_participants=max_participants,
    )
    store.append_sync([first.to_json()])
    workshop = Workshop(root / session_id, store, Engine.replay([first]))
    workshop.checkpoint()
    return workshop


def open_folder(folder: Path) -> Workshop:
    """Load a session: snapshot, then the journal's later events. StoreError if the
    folder holds no session or its journal is damaged beyond its last line."""
    store = SessionStore(folder)
    if not store.exists():
        raise StoreError(f"{folder}: no saved session here (no journal.jsonl). `workshop list` shows the sessions.")
    loaded = store.load()
    return Workshop(folder, store, _rebuild(loaded), list(loaded.warnings))


def _rebuild(loaded) -> Engine:
    """The engine from a snapshot (if any) and the journal's later events."""
    events = [Event.model_validate(e) for e in loaded.events]
    snapshot = Session.model_validate(loaded.snapshot_state) if loaded.snapshot_state else None
    return Engine.replay(events, snapshot)


def resolve(name: str, sessions_dir: Path | None = None) -> Path:
    """A session folder from an id, a unique id prefix or a path."""
    path = Path(name)
    if (path / "journal.jsonl").exists():
        return path
    root = Path(sessions_dir or default_sessions_dir())
    if (root / name / "journal.jsonl").exists():
        return root / name
    matches = [p for p in _folders(root) if p.name.startswith(name) or name in p.name]
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


def summary_meta(session: Session) -> dict:
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
    """Every session folder, newest first; a damaged one is listed with its problem
    rather than hidden."""
    rows = []
    for folder in _folders(Path(sessions_dir or default_sessions_dir())):
        try:
            workshop = open_folder(folder)
        except (StoreError, ValueError) as err:
            rows.append(Summary(folder, folder.name, "", (folder / "journal.jsonl").stat().st_mtime, 0, 0, 0, "", str(err)))
            continue
        meta = summary_meta(workshop.session)
        workshop.store.close()
        rows.append(Summary(folder, **meta))
    return sorted(rows, key=lambda r: -r.created_at)


def _folders(root: Path) -> list[Path]:
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


__all__ = ["FACILITATOR", "Workshop", "create", "open_folder", "resolve", "latest", "list_sessions", "StoreError"]
