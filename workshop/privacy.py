"""Who sees whose answers: one place that decides, for every surface.

Two rules, both per exercise:

- **Identity** (`ExerciseBase.identity`): `named` — a person's name and side may be
  shown with their input; `side` — only their side; `anonymous` — neither. It holds
  for every audience, the facilitator included.
- **Small groups** (`Template.min_answers`, k, 3 by default): a side's figures (its
  mean, share, count, placing, the side chip beside an input) appear only when at
  least k of its people answered the exercise. Below that the side is *withheld*:
  its people's answers still count for the whole room, and every surface says why
  the side has no figure ("fewer than 3 answers"). A gap needs both sides, so no
  gap is flagged from a withheld side.

How it is enforced:

- `result(session, cfg, state)` is the only way a result is computed for a
  surface: it folds a withheld side's answers into the room (`protect`) before the
  kind counts anything, so no result model ever holds a figure from fewer than k.
- `redact(result, audience, policy)` then rewrites every field a result model
  marks as being about one person (`activities.Person`, `activities.OnesSide`):
  an id becomes the name where the exercise is `named` and None elsewhere; a side
  chip stays only where it may. No surface hides ids by itself.
- The appendix of raw inputs and the JSON export's inputs ask `Policy.shows_name`
  and `Policy.side_shown` for each person.

Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel

from .activities import KINDS, ONES_SIDE, PERSON, Result, counted, side_of
from .model import FACILITATOR, ExerciseBase, ExerciseState, Identity, Session

Audience = Literal["facilitator", "projector", "phone", "document"]
"""Who a result is for: the facilitator's own screen, the projected screen (the
TUI's presentation mode), the participants' phones, the exported documents."""
AUDIENCES: tuple[Audience, ...] = get_args(Audience)

R = TypeVar("R", bound=BaseModel)
ANONYMOUS_NAME = "Someone who gave no name"
"""A named exercise's person who joined without a name."""

IDENTITY_WORDS: Mapping[Identity, str] = {
    "named": "answers named",
    "side": "answers by side, never by name",
    "anonymous": "anonymous",
}
"""How the facilitator's screen and the document's appendix name each level."""


@dataclass(frozen=True)
class Policy:
    """What may be seen of one exercise's people: its identity level, k, the sides
    withheld (side id → how many of them answered), and the names of its people
    (only where the exercise is `named`)."""

    identity: Identity
    min_answers: int
    withheld: Mapping[str, int]
    names: Mapping[str, str]
    labels: Mapping[str, str]
    """side id → its label, for the reasons."""

    @property
    def shows_name(self) -> bool:
        return self.identity == "named"

    def name(self, pid: str | None) -> str | None:
        """The name shown for a person here: None unless the exercise is `named`
        ("Facilitator" for what the facilitator entered, at every level)."""
        if pid == FACILITATOR:
            return "Facilitator"
        if pid is None or not self.shows_name:
            return None
        return self.names.get(pid) or ANONYMOUS_NAME

    def side_shown(self, side: str | None) -> str | None:
        """The side shown beside one person's input here, or None."""
        if side is None or self.identity == "anonymous" or side in self.withheld:
            return None
        return side

    def reasons(self) -> list[str]:
        """One sentence per withheld side: "Other: fewer than 3 answers, so its figures
        are not shown." (in template order)."""
        return [
            f"{self.labels.get(side, side)}: fewer than {self.min_answers} answers, so its figures are not shown."
            for side in self.labels
            if side in self.withheld
        ]


def respondents(session: Session, cfg: ExerciseBase, state: ExerciseState) -> dict[str, set[str]]:
    """side id → the people who gave a live input, by the side they answered under
    (for ideas, the side each idea carries). Only people count: not the facilitator
    (who may write an idea for a side), not anyone taken off the roster."""
    kind = KINDS[cfg.kind]
    per_side: dict[str, set[str]] = {}
    idea_sides: dict[str, set[str]] = {}
    for idea in state.ideas.values():
        if idea.side is not None and not (idea.hidden or idea.withdrawn):
            idea_sides.setdefault(idea.author, set()).add(idea.side)
    for pid in _people(state):
        person = session.participants.get(pid)
        if person is None or person.removed or not kind.participated(state, pid):
            continue
        # An idea carries the side it was written under: someone moved mid-brainstorm
        # counts for each side their ideas show. Any other answer: `side_of`.
        own: set[str | None] = set(idea_sides.get(pid, set())) or {side_of(session, pid, state)}
        for side in own:
            if side is not None:
                per_side.setdefault(side, set()).add(pid)
    return per_side


def withheld_sides(session: Session, cfg: ExerciseBase, state: ExerciseState) -> dict[str, int]:
    """Sides with some answers but fewer than k: side id → how many answered."""
    k = session.template.min_answers
    return {side: len(people) for side, people in respondents(session, cfg, state).items() if 0 < len(people) < k}


def protect(session: Session, cfg: ExerciseBase, state: ExerciseState) -> ExerciseState:
    """The state a result is counted from: a withheld side's people answer for the
    room only (their side becomes None, as does the side on their ideas), and the
    copy knows which sides it withholds (`ExerciseState.withheld`). The state itself
    when no side is withheld; never changed in place."""
    small = withheld_sides(session, cfg, state)
    if not small:
        return state
    sides = {pid: side_of(session, pid, state) for pid in _people(state) if pid != FACILITATOR}
    copy = state.model_copy(update={
        "sides": {pid: (None if side in small else side) for pid, side in sides.items()},
        "ideas": {
            key: idea.model_copy(update={"side": None}) if idea.side in small else idea
            for key, idea in state.ideas.items()
        },
    })
    copy._withheld = frozenset(small)
    return copy


def result(session: Session, cfg: ExerciseBase, state: ExerciseState) -> Result:
    """The result of one exercise as every surface gets it before `redact`: without
    removed people's inputs (`counted`) and with withheld sides folded (`protect`)."""
    return KINDS[cfg.kind].result(session, cfg, protect(session, cfg, counted(session, state)))


def policy(session: Session, cfg: ExerciseBase, state: ExerciseState | None = None) -> Policy:
    """The policy of one exercise, now."""
    state = counted(session, state if state is not None else session.exercises[cfg.id])
    return Policy(
        identity=cfg.identity,
        min_answers=session.template.min_answers,
        withheld=withheld_sides(session, cfg, state),
        names={pid: p.name for pid, p in session.participants.items()} if cfg.identity == "named" else {},
        labels={s.id: s.label for s in session.template.sides},
    )


def redact(result: R, audience: Audience, policy: Policy) -> R:
    """A copy of `result` in which every field marked as a person (`Person`) holds the
    name (a `named` exercise) or None, and every side beside one input (`OnesSide`)
    only what `policy.side_shown` allows; everything else as it was. Identity holds
    for the facilitator too; the projector, which the whole room reads, shows no
    names even in a `named` exercise (sides only)."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if audience == "projector" and policy.identity == "named":
        policy = replace(policy, identity="side")
    redacted: R = _walk(result, policy)
    return redacted


def _walk(value: Any, policy: Policy) -> Any:
    if isinstance(value, BaseModel):
        update: dict[str, Any] = {}
        for field, info in type(value).model_fields.items():
            current = getattr(value, field)
            if PERSON in info.metadata:
                update[field] = policy.name(current)
            elif ONES_SIDE in info.metadata:
                update[field] = policy.side_shown(current)
            else:
                walked = _walk(current, policy)
                if walked is not current:
                    update[field] = walked
        return value.model_copy(update=update) if update else value
    if isinstance(value, list):
        items = [_walk(item, policy) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        mapped = {key: _walk(item, policy) for key, item in value.items()}
        return mapped if any(mapped[key] is not value[key] for key in value) else value
    return value


def _people(state: ExerciseState) -> set[str]:
    """Everyone with anything in this exercise's state."""
    return (
        set(state.sides) | set(state.scores) | set(state.places) | set(state.other)
        | {idea.author for idea in state.ideas.values()}
        | {pid for pids in state.volunteers.values() for pid in pids}
        | {comment.author for comment in state.comments}
    )
