"""What every part of the export needs: the session seen through its results
(redacted for the document by `privacy`), how a person is shown under each
exercise's identity level, and number formats that never change between runs."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from .. import privacy
from ..activities import ALL, counted
from ..activities.common import side_of
from ..engine import Engine
from ..model import FACILITATOR, Session
from .document import SideKey, Span

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
"""Spelled here rather than via strftime, whose month names follow the machine's locale."""
NO_VALUE = "–"
FLAG = "⚑"
ANONYMOUS_PERSON = privacy.ANONYMOUS_NAME
SOMEONE = "A participant"
"""A person where neither name nor side may be shown."""


def as_engine(source: Engine | Session) -> Engine:
    """The exports take an engine or a bare session (results only read the session)."""
    return source if isinstance(source, Engine) else Engine(source)


class View:
    """A read-only view of one session for the export: results computed once and
    redacted for the document, people shown by each exercise's `privacy.Policy`."""

    def __init__(self, engine: Engine, tz: tzinfo = UTC):
        self.engine = engine
        self.session = engine.session
        self.tz = tz
        self.sides = tuple(SideKey(s.id, s.label, i) for i, s in enumerate(self.session.template.sides))
        self._results: dict[str, object] = {}
        self._policies: dict[str, privacy.Policy] = {}

    # ------------------------------------------------------------ exercises

    @property
    def exercises(self) -> list:
        return list(self.session.template.exercises)

    def result(self, exercise_id: str):
        """The result as the document may show it (`privacy.redact`)."""
        if exercise_id not in self._results:
            cfg = self.session.exercise(exercise_id)
            self._results[exercise_id] = privacy.redact(self.engine.result(exercise_id), "document", self.policy(cfg))
        return self._results[exercise_id]

    def policy(self, cfg) -> privacy.Policy:
        if cfg.id not in self._policies:
            self._policies[cfg.id] = privacy.policy(self.session, cfg)
        return self._policies[cfg.id]

    def state(self, exercise_id: str):
        """The exercise's state over the inputs that count (see `activities.counted`)."""
        return counted(self.session, self.session.exercises[exercise_id])

    def ran(self, cfg) -> bool:
        return self.state(cfg.id).opened_at is not None

    def in_section(self, section: str) -> list:
        return [cfg for cfg in self.exercises if cfg.section == section]

    def first(self, kind: str, section: str | None = None, *, where=None):
        """The first exercise of a kind, preferring one placed in `section`."""
        candidates = [cfg for cfg in self.exercises if cfg.kind == kind and (where is None or where(cfg))]
        preferred = [cfg for cfg in candidates if cfg.section == section]
        return (preferred or candidates or [None])[0]

    # ------------------------------------------------------------ sides

    @property
    def pair(self) -> tuple[SideKey, SideKey]:
        """The two sides whose gap every result shows (IT and Marketing by default)."""
        return self.sides[0], self.sides[1]

    def side(self, side_id: str | None) -> SideKey | None:
        return next((s for s in self.sides if s.id == side_id), None)

    def side_label(self, side_id: str | None) -> str:
        key = self.side(side_id)
        return key.label if key else "Room"

    def side_order(self, side_id: str | None) -> int:
        key = self.side(side_id)
        return key.index if key else len(self.sides)

    def tag(self, side_id: str | None) -> Span:
        key = self.side(side_id)
        return Span(key.label if key else "Room", "side", key.index if key else -1)

    def gap_label(self) -> str:
        first, second = self.pair
        return f"Gap {first.label} − {second.label}"

    # ------------------------------------------------------------ people

    def participant_side(self, pid: str, cfg=None) -> str | None:
        """A person's side — in an exercise, the side they answered it under."""
        return side_of(self.session, pid, self.session.exercises[cfg.id] if cfg is not None else None)

    def name(self, pid: str) -> str:
        """A person's name as the document shows it where names are allowed."""
        if pid == FACILITATOR:
            return "Facilitator"
        participant = self.session.participants.get(pid)
        if participant is None:
            return "Unknown participant"
        return participant.name or ANONYMOUS_PERSON

    def named(self, cfg) -> bool:
        """Whether names may stand beside this exercise's inputs."""
        return self.policy(cfg).shows_name

    def sided(self, cfg) -> bool:
        """Whether sides may stand beside this exercise's inputs (where not withheld)."""
        return cfg.identity != "anonymous"

    def shown_side(self, pid: str, cfg) -> str | None:
        """The side shown beside one person's input here, or None (`Policy.side_shown`)."""
        return self.policy(cfg).side_shown(self.participant_side(pid, cfg))

    def side_cell(self, side_id: str | None, cfg) -> str:
        """A side column's cell for one input: its label, or NO_VALUE where withheld."""
        shown = self.policy(cfg).side_shown(side_id)
        return self.side_label(shown) if shown else NO_VALUE

    def who(self, pid: str, cfg) -> str:
        """A person in an exercise: their name where it is named, else their side
        ("IT participant") where it may be shown, else "A participant"."""
        if pid == FACILITATOR:
            return "Facilitator"
        if self.named(cfg):
            return self.name(pid)
        return self.label(None, self.shown_side(pid, cfg))

    def person(self, pid: str, cfg) -> str:
        """"Dana Whitfield (IT)" where names may be shown, else as `who`."""
        if pid == FACILITATOR or not self.named(cfg):
            return self.who(pid, cfg)
        return self.label(self.name(pid), self.shown_side(pid, cfg))

    def label(self, name: str | None, side: str | None) -> str:
        """A person from a redacted result's fields: "Dana (IT)", "Dana", "IT
        participant" or "A participant"."""
        if name:
            return f"{name} ({self.side_label(side)})" if side else name
        return f"{self.side_label(side)} participant" if side else SOMEONE

    def people(self) -> list:
        """Everyone who joined and was not taken off the roster, by side (template
        order), then in the order they joined."""
        kept = (p for p in self.session.participants.values() if not p.removed)
        return sorted(kept, key=lambda p: self.side_order(p.side))

    # ------------------------------------------------------------ dates

    def date(self) -> str:
        when = datetime.fromtimestamp(self.session.created_at, self.tz)
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


# ---------------------------------------------------------------- numbers


def num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NO_VALUE
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def signed(value: float | None, digits: int = 1) -> str:
    if value is None:
        return NO_VALUE
    text = num(value, digits)
    if text.startswith("-"):
        return "−" + text[1:]  # a real minus sign: it reads better and starts no Markdown list
    return text if float(text) == 0 else f"+{text}"


def pct(value: float | None, digits: int = 0) -> str:
    return NO_VALUE if value is None else f"{num(value, digits)}%"


def share(value: float | None) -> str:
    """A fraction (0..1) as a whole percentage."""
    return NO_VALUE if value is None else f"{num(value * 100, 0)}%"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def shift_cell(before: float | None, after: float | None) -> str:
    """"1.8 → 3.3 (+1.5)": where a side stood, where it stands, and the move."""
    if before is None and after is None:
        return NO_VALUE
    # No-break spaces keep "1.8 → 3.3" on one line when a narrow column wraps the shift.
    if before is None or after is None:
        return f"{num(before)}\u00a0→\u00a0{num(after)}"
    return f"{num(before)}\u00a0→\u00a0{num(after)} ({signed(after - before)})"


def flag_spans(text: str | None, flagged: bool) -> tuple:
    """A table cell worth a conversation: "⚑ text" in the flag style when flagged, the
    text alone otherwise, NO_VALUE when there is no figure (None)."""
    if text is None:
        return (NO_VALUE,)
    return (Span(f"{FLAG} {text}", "flag"),) if flagged else (text,)


def gap_spans(value: float | None, flagged: bool) -> tuple:
    """A gap between the two sides' means ("+2.2"), flagged by the caller's threshold."""
    return flag_spans(None if value is None else signed(value), flagged)


def points_spans(value: float | None, flagged: bool) -> tuple:
    """A gap in percentage points ("+23 pts"), flagged by the caller's threshold."""
    return flag_spans(None if value is None else f"{signed(value, 0)} pts", flagged)


def figure(per_side: dict, side_id: str) -> float | None:
    """A side's count as a chart value: None where the side is withheld (no key)."""
    value = per_side.get(side_id)
    return None if value is None else float(value)


def sides_and_room(view: View) -> list[tuple[str, str]]:
    """(key, label) for each side and the whole room, the columns of most tables."""
    return [(s.id, s.label) for s in view.sides] + [(ALL, "Room")]
