"""`ownership`: for each responsibility, who should lead it (CIO leads / CMO leads /
Joint by default). One choice per row per person, changeable while open. A row is
contested when no choice reaches the `consensus` share (60 % by default)."""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, OwnerChosen, recorded
from ..model import ExerciseBase, ExerciseState, Session
from .common import ALL, Ctx, Refusal, Result, pair, pair_sentence, scored, settled_by, split
from .kind import Kind, Persona


class OwnershipExercise(ExerciseBase):
    kind: Literal["ownership"]
    rows: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        min_length=1, max_length=20
    )
    choices: list[str] = Field(default=["CIO leads", "CMO leads", "Joint"], min_length=2, max_length=6)
    consensus: float = Field(default=0.6, gt=0, le=1)
    """A row is contested when no choice reaches this share."""


ACCEPTS = (c.ChooseOwner,)


def decide(ctx: Ctx[OwnershipExercise], cmd: c.ChooseOwner) -> list[EventBody]:
    ctx.item(cmd.item)
    if not 0 <= cmd.choice < len(ctx.cfg.choices):
        raise Refusal("unknown_choice")
    return [recorded(cmd)]


def apply(ctx: Ctx[OwnershipExercise], body: OwnerChosen) -> None:
    ctx.state.scores.setdefault(ctx.actor, {})[body.item] = body.choice


participated = scored


class Row(Result):
    item: str
    text: str
    counts: dict[str, list[int]]
    """Per side and ALL: how many picked each choice, in the order of `choices`."""
    leader: dict[str, str | None]
    """Per side and ALL: the most picked choice (None on a tie or no answers)."""
    consensus: float | None
    """Share of the whole room behind the most picked choice."""
    contested: bool
    agreed: str | None
    """The owner the room agreed on, or None while contested."""
    settled: str | None = None
    """The choice a decision made accountable for the row (`workshop.records`), which
    stands whatever the room said; None while no decision names one."""
    settled_by: str | None = None
    """That decision's id ("d3")."""
    differ: bool = False
    """The pair of sides each have a leading choice, and they are not the same."""
    sentence: str | None = None
    """Where they differ: "IT says CIO leads, Marketing says CMO leads"."""


class OwnershipResult(Result):
    kind: str = "ownership"
    choices: list[str]
    respondents: int
    rows: list[Row]
    contested: int


def _leader(tally: list[int], choices: Sequence[str]) -> str | None:
    best = max(tally) if tally else 0
    if best == 0 or tally.count(best) > 1:
        return None
    return choices[tally.index(best)]


def result(session: Session, cfg: OwnershipExercise, state: ExerciseState) -> OwnershipResult:
    rows = []
    for item in state.items:
        groups = split(session, state, ((pid, s[item.id]) for pid, s in state.scores.items() if item.id in s))
        tallies = {key: [picks.count(i) for i in range(len(cfg.choices))] for key, picks in groups.items()}
        everyone = tallies[ALL]
        n = sum(everyone)
        consensus = round(max(everyone) / n, 3) if n else None
        contested = consensus is None or consensus < cfg.consensus
        leader = {key: _leader(t, cfg.choices) for key, t in tallies.items()}
        first, second = (leader.get(side) for side in pair(session))
        differ = first is not None and second is not None and first != second
        sentence = pair_sentence(session, differ, lambda a, la, b, lb: f"{a} says {la}, {b} says {lb}", {k: v or "–" for k, v in leader.items()})
        decision = settled_by(session, cfg.id, item.id)
        rows.append(
            Row(
                item=item.id,
                text=item.text,
                counts=tallies,
                leader=leader,
                consensus=consensus,
                contested=contested,
                agreed=None if contested else leader[ALL],
                differ=differ,
                sentence=sentence,
                settled=decision.accountable if decision is not None else None,
                settled_by=decision.id if decision is not None else None,
            )
        )
    return OwnershipResult(
        choices=list(cfg.choices),
        respondents=sum(1 for s in state.scores.values() if s),
        rows=rows,
        contested=sum(1 for r in rows if r.contested),
    )


def mine(session: Session, cfg: OwnershipExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {"choices": state.scores.get(pid, {})}


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """Each row: often their own side's lead (the first choice for IT, the second for
    Marketing), often the last choice (Joint by default), sometimes anything."""
    choices = ex["config"]["choices"]
    own = 0 if who.lean > 0 else 1 if who.lean < 0 else rng.randrange(len(choices))
    picks = []
    for item in ex["items"]:
        roll = rng.random()
        choice = own if roll < 0.45 else (len(choices) - 1 if roll < 0.85 else rng.randrange(len(choices)))
        picks.append({"type": "choose_owner", "exercise": ex["id"], "item": item["id"], "choice": choice})
    return picks


KIND = Kind(
    name="ownership",
    label="Who leads what",
    action_word="answered",
    noun="ownership vote",
    config=OwnershipExercise,
    result_model=OwnershipResult,
    accepts=ACCEPTS,
    simulate=simulate,
    phone_config=("choices",),
    fixed_items=lambda cfg: list(cfg.rows),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
