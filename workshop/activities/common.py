"""What every activity kind shares: refusals, the context a rule sees, and the
arithmetic of splitting results by side.

Each kind module (`scale.py`, `dotvote.py`, …) exposes the same five names:

- `ACCEPTS`: the participant command types it handles;
- `decide(ctx, cmd) -> list[Body]`: check the kind's rules, return the events
  (raise `Refusal` to say no; never mutate anything);
- `apply(ctx, body)`: fold one of its events into `ctx.state`;
- `result(session, cfg, state)`: the result model, split by side;
- `participated(state, pid)`: whether that person has given an input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from pydantic import BaseModel, ConfigDict

from ..model import FACILITATOR, ExerciseState, Item, Session

ALL = "all"
"""Key of the whole-room figure beside the per-side ones."""


class Refusal(Exception):
    """A command the rules do not allow. `reason` is shown to the person as is, so it
    says what happened and what they can do; `code` is stable for programs."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class Ctx:
    """Everything a rule may look at. `now` is the command's clock (or the event's
    time during replay); the core never reads a clock of its own."""

    session: Session
    cfg: Any
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
        raise Refusal("unknown_item", "That item is no longer on the list. Refresh and try again.")


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


def clean_text(text: str, limit: int, what: str = "Your text") -> str:
    """Strip and check a participant's text; the refusal says the limit."""
    text = " ".join(text.split())
    if not text:
        raise Refusal("empty", f"{what} is empty. Type something first.")
    if len(text) > limit:
        raise Refusal("too_long", f"{what} is {len(text)} characters; the limit is {limit}. Please shorten it.")
    return text


def side_ids(session: Session) -> list[str]:
    return [side.id for side in session.template.sides]


def side_of(session: Session, pid: str) -> str | None:
    participant = session.participants.get(pid)
    return participant.side if participant else None


def split(session: Session, values: Iterable[tuple[str, Any]]) -> dict[str, list]:
    """Group (participant, value) pairs by the participant's side, plus ALL."""
    groups: dict[str, list] = {side: [] for side in side_ids(session)}
    groups[ALL] = []
    for pid, value in values:
        side = side_of(session, pid)
        if side in groups:
            groups[side].append(value)
        groups[ALL].append(value)
    return groups


def means(groups: dict[str, list[float]]) -> dict[str, float | None]:
    return {key: (round(fmean(vals), 3) if vals else None) for key, vals in groups.items()}


def gap(session: Session, per_side: dict[str, float | None]) -> float | None:
    """The first side's figure minus the second's (IT − Marketing by default); None
    when either side has no answer yet."""
    first, second = side_ids(session)[:2]
    a, b = per_side.get(first), per_side.get(second)
    if a is None or b is None:
        return None
    return round(a - b, 3)


def counts(session: Session, pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    """Sum integer values per side and for ALL."""
    totals: dict[str, int] = defaultdict(int)
    for side in side_ids(session):
        totals[side] = 0
    totals[ALL] = 0
    for pid, value in pairs:
        side = side_of(session, pid)
        if side is not None:
            totals[side] += value
        totals[ALL] += value
    return dict(totals)


def results_visible(cfg, state: ExerciseState) -> bool:
    """Whether phones may see the results now, per the exercise's `reveal` mode. The
    facilitator's reveal always shows them; closing shows them for `on_close`."""
    if state.revealed or cfg.reveal == "live":
        return True
    return cfg.reveal == "on_close" and state.status == "closed"


def scored(state: ExerciseState, pid: str) -> bool:
    return bool(state.scores.get(pid))
