"""What every activity kind shares: refusals, the context a rule sees, and the
arithmetic of splitting results by side.

Each kind module (`scale.py`, `dotvote.py`, …) exposes the same five names:

- `ACCEPTS`: the participant command types it handles;
- `decide(ctx, cmd) -> list[Body]`: check the kind's rules, return the events
  (`events.recorded(cmd)` for a command recorded as it came; raise `Refusal` to
  say no; never mutate anything);
- `apply(ctx, body)`: fold one of its events (`events.py` classes, never
  commands) into `ctx.state`;
- `result(session, cfg, state)`: the result model, split by side;
- `participated(state, pid)`: whether that person has given an input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Annotated, Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from .. import sentences
from ..model import FACILITATOR, ExerciseBase, ExerciseState, Item, Record, Session

ALL = "all"
"""Key of the whole-room figure beside the per-side ones."""
SHARE_GAP_FLAG = 20.0
"""A difference of twenty percentage points between the two sides' shares (of their
own dots, of their own respondents) is worth a conversation."""


class Refusal(Exception):
    """A command the rules do not allow. `code` is stable for programs; `key` and
    `args` are the sentence for the person (`workshop.sentences`: what happened and
    what they can do), which a phone says in its language; `reason` is that sentence
    in English, as the TUI shows it.

    `key` defaults to `code`, for a code with one sentence; a code with several
    ("limit": of ideas, of items, of comments) names each (`"limit.ideas"`). The
    keyword arguments fill the sentence's placeholders and are kept as `values`
    (`args` is the exception's own)."""

    def __init__(self, code: str, key: str | None = None, /, **values: str | int):
        self.code = code
        self.key: str | None = key or code
        self.values: dict[str, str | int] = values
        self.reason = sentences.english(self.key, values)
        super().__init__(self.reason)

    @classmethod
    def for_facilitator(cls, code: str, reason: str) -> Refusal:
        """A refusal of a command only the facilitator sends (from the TUI, never from
        a phone), in English only: it has no key, so no catalogue needs it."""
        refusal = cls.__new__(cls)
        Exception.__init__(refusal, reason)
        refusal.code, refusal.key, refusal.values, refusal.reason = code, None, {}, reason
        return refusal


CfgT = TypeVar("CfgT", bound=ExerciseBase)
"""The exercise model of a kind (`ScaleExercise`, …): a kind's rules see `Ctx[ScaleExercise]`."""


@dataclass
class Ctx(Generic[CfgT]):
    """Everything a rule may look at. `now` is the command's clock (or the event's
    time during replay); the core never reads a clock of its own."""

    session: Session
    cfg: CfgT
    state: ExerciseState
    actor: str
    now: float

    @property
    def is_facilitator(self) -> bool:
        return self.actor == FACILITATOR

    def side(self) -> str | None:
        participant = self.session.participants.get(self.actor)
        return participant.side if participant else None

    def item(self, item_id: str) -> Item:
        for item in self.state.items:
            if item.id == item_id:
                return item
        raise Refusal("unknown_item")


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Marker:
    """What a field of a result model holds about one person, for `privacy.redact`."""

    def __init__(self, what: str):
        self.what = what

    def __repr__(self) -> str:
        return f"Marker({self.what!r})"


PERSON = Marker("person")
ONES_SIDE = Marker("side")
Person = Annotated[str | None, PERSON]
"""A participant id in a result (an idea's author, a champion): `privacy.redact`
turns it into the name where the exercise is `named`, and None elsewhere."""
OnesSide = Annotated[str | None, ONES_SIDE]
"""The side beside one person's input (an idea's chip): `privacy.redact` keeps it
only where the exercise is not `anonymous` and that side is not withheld."""


Writing = Literal["idea", "comment", "answer", "item", "title", "field"]
"""What a person's text is, for the sentence that refuses it (`empty.idea`,
`too_long.idea`, … in `workshop.sentences`)."""


def clean_text(text: str, limit: int, what: Writing) -> str:
    """Strip and check a participant's text; the refusal says the limit."""
    text = " ".join(text.split())
    if not text:
        raise Refusal("empty", f"empty.{what}")
    if len(text) > limit:
        raise Refusal("too_long", f"too_long.{what}", length=len(text), limit=limit)
    return text


def side_ids(session: Session, state: ExerciseState | None = None) -> list[str]:
    """The sides a result has figures for: every side of the template, less those
    withheld in `state` (too few answers there, `workshop.privacy`)."""
    withheld = state.withheld if state is not None else frozenset()
    return [side.id for side in session.template.sides if side.id not in withheld]


def side_of(session: Session, pid: str, state: ExerciseState | None = None) -> str | None:
    """The side a person's answers in `state` count for: the one they were on when they
    first answered there (moving them later changes nothing here), else their side now;
    None for the room only (a withheld side, `privacy.protect`)."""
    if state is not None and pid in state.sides:
        return state.sides[pid]
    participant = session.participants.get(pid)
    return participant.side if participant else None


def counted(session: Session, state: ExerciseState) -> ExerciseState:
    """An exercise's state without the inputs of people the facilitator took off the
    roster (their ideas count as hidden): what every result and export is built from.
    The state itself when nobody was removed; otherwise a copy."""
    removed = {pid for pid, p in session.participants.items() if p.removed}
    if not removed:
        return state
    return state.model_copy(update={
        "scores": {pid: s for pid, s in state.scores.items() if pid not in removed},
        "places": {pid: p for pid, p in state.places.items() if pid not in removed},
        "other": {pid: o for pid, o in state.other.items() if pid not in removed},
        "volunteers": {t: [p for p in people if p not in removed] for t, people in state.volunteers.items()},
        "comments": [m for m in state.comments if m.author not in removed],
        "ideas": {k: i.model_copy(update={"hidden": True}) if i.author in removed else i for k, i in state.ideas.items()},
    })


V = TypeVar("V")


def split(session: Session, state: ExerciseState, values: Iterable[tuple[str, V]]) -> dict[str, list[V]]:
    """Group (participant, value) pairs by the side each answered under, plus ALL."""
    groups: dict[str, list[V]] = {side: [] for side in side_ids(session, state)}
    groups[ALL] = []
    for pid, value in values:
        side = side_of(session, pid, state)
        if side in groups:
            groups[side].append(value)
        groups[ALL].append(value)
    return groups


def means(groups: Mapping[str, Sequence[float]]) -> dict[str, float | None]:
    return {key: (round(fmean(vals), 3) if vals else None) for key, vals in groups.items()}


def pair(session: Session) -> tuple[str, str]:
    """The two sides whose gap every result shows: the template's first two (IT and
    Marketing by default)."""
    first, second = side_ids(session)[:2]
    return first, second


def gap(session: Session, per_side: dict[str, float | None], digits: int = 3) -> float | None:
    """The first side's figure minus the second's (IT − Marketing by default); None
    when either side has no answer yet."""
    first, second = pair(session)
    a, b = per_side.get(first), per_side.get(second)
    if a is None or b is None:
        return None
    return round(a - b, digits) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0


class ShareGap(NamedTuple):
    """What `share_gap` finds for one item; its fields are those of the result rows."""

    share: dict[str, float | None]
    """Per side and ALL: the percentage of that side's own total (None when it is 0)."""
    gap: float | None
    """First side's share minus the second's, in percentage points."""
    flagged: bool
    """|gap| ≥ SHARE_GAP_FLAG."""


def share_gap(session: Session, part: dict[str, int], whole: dict[str, int]) -> ShareGap:
    """How differently the two sides lean towards one item: `part[key]` (the dots or
    picks the item got from a side) as a percentage of `whole[key]` (all that side's
    dots, or all its respondents), and the gap between the first two sides' shares.

    Each side is measured against its own total, so a side with more people (or more
    dots spent) does not make a gap by weight of numbers. The gap is None while either
    side has a zero total: a side that said nothing cannot disagree.
    """
    raw = {key: (part.get(key, 0) * 100 / total if total else None) for key, total in whole.items()}
    the_gap = gap(session, raw, 1)
    return ShareGap(
        share={key: (round(value, 1) if value is not None else None) for key, value in raw.items()},
        gap=the_gap,
        flagged=the_gap is not None and abs(the_gap) >= SHARE_GAP_FLAG,
    )


def counts(session: Session, state: ExerciseState, pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum integer values per side (the side each answered under) and for ALL."""
    totals: dict[str, int] = defaultdict(int)
    for side_id in side_ids(session, state):
        totals[side_id] = 0
    totals[ALL] = 0
    for pid, value in pairs:
        side = side_of(session, pid, state)
        if side in totals and side != ALL:
            totals[side] += value
        totals[ALL] += value
    return dict(totals)


def listing(texts: Sequence[str]) -> str:
    """"a, b and c": texts as a sentence lists them."""
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def percent(value: float | None) -> str:
    """A percentage as flag sentences say it: "40%" ("–" when there is none)."""
    if value is None:
        return "–"
    text = f"{value:.0f}"
    return ("0" if text == "-0" else text) + "%"


def pair_sentence(session: Session, flagged: bool, say: Callable[[str, str, str, str], str], per_side: dict[str, str]) -> str | None:
    """The sentence that explains a flag, from the pair of sides' labels and figures:
    `say(first_label, first_figure, second_label, second_figure)`; None when not flagged.
    Written once here, in the result, so every surface says the same."""
    if not flagged:
        return None
    first, second = pair(session)
    return say(session.side_label(first), per_side[first], session.side_label(second), per_side[second])


def settled_by(session: Session, exercise: str, item: str) -> Record | None:
    """The latest decision (not struck out) that names who is accountable for one
    item of an exercise: how a contested who-leads-what row is settled
    (`workshop.records`)."""
    found = [
        r for r in session.records.values()
        if r.kind == "decision" and not r.dropped and r.about == f"{exercise}:{item}" and r.accountable
    ]
    return found[-1] if found else None


def results_visible(cfg: ExerciseBase, state: ExerciseState) -> bool:
    """Whether phones may see the results now, per the exercise's `reveal` mode. The
    facilitator's reveal always shows them; closing shows them for `on_close`."""
    if state.revealed or cfg.reveal == "live":
        return True
    return cfg.reveal == "on_close" and state.status == "closed"


def scored(state: ExerciseState, pid: str) -> bool:
    return bool(state.scores.get(pid))
