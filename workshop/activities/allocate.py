"""`allocate`: split a budget (100 points by default) over the items; an allocation
is only accepted when it totals the budget exactly, and replaces the person's
previous one. The result is the mean share per item, overall and per side."""

from __future__ import annotations

from random import Random
from typing import Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import Allocated, EventBody, recorded
from ..model import ExerciseBase, ExerciseState, Session, Sourced
from .common import ALL, Ctx, Refusal, Result, gap, means, pair_sentence, percent, scored, split
from .kind import Kind, Persona


class AllocateExercise(ExerciseBase, Sourced):
    kind: Literal["allocate"]
    budget: int = Field(default=100, ge=2, le=10_000)


ACCEPTS = (c.Allocate,)


def decide(ctx: Ctx[AllocateExercise], cmd: c.Allocate) -> list[EventBody]:
    budget = ctx.cfg.budget
    for item_id, points in cmd.points.items():
        ctx.item(item_id)
        if points < 0:
            raise Refusal("negative")
    total = sum(cmd.points.values())
    if total != budget:
        key = "not_budget.add" if total < budget else "not_budget.remove"
        raise Refusal("not_budget", key, total=total, budget=budget, difference=abs(budget - total))
    return [recorded(cmd.model_copy(update={"points": {k: v for k, v in cmd.points.items() if v}}))]


def apply(ctx: Ctx[AllocateExercise], body: Allocated) -> None:
    ctx.state.scores[ctx.actor] = dict(body.points)


participated = scored
FLAG = 10.0
"""Percentage points of the budget between the two sides' mean shares worth a conversation."""


class Share(Result):
    item: str
    text: str
    mean: dict[str, float | None]
    """Mean points per side (and ALL) among those who allocated."""
    share: dict[str, float | None]
    """The same as a percentage of the budget."""
    gap: float | None
    """First side's mean points minus the second's."""
    flagged: bool = False
    """The two sides' shares are `FLAG` percentage points of the budget or more apart."""
    sentence: str | None = None
    """For a flagged item: "IT gives it 70% of the budget, Marketing 30%"."""


class AllocateResult(Result):
    kind: str = "allocate"
    budget: int
    respondents: int
    items: list[Share]


def result(session: Session, cfg: AllocateExercise, state: ExerciseState) -> AllocateResult:
    allocators = [pid for pid, s in state.scores.items() if s]
    rows = []
    for item in state.items:
        groups = split(session, state, ((pid, state.scores[pid].get(item.id, 0)) for pid in allocators))
        mean = means(groups)
        share = {k: (round(v * 100 / cfg.budget, 1) if v is not None else None) for k, v in mean.items()}
        apart = gap(session, share)
        flagged = apart is not None and abs(apart) >= FLAG
        sentence = pair_sentence(
            session, flagged, lambda a, pa, b, pb: f"{a} gives it {pa} of the budget, {b} {pb}", {side: percent(value) for side, value in share.items()}
        )
        rows.append(Share(item=item.id, text=item.text, mean=mean, share=share, gap=gap(session, mean), flagged=flagged, sentence=sentence))
    rows.sort(key=lambda row: -(row.mean[ALL] or 0))
    return AllocateResult(budget=cfg.budget, respondents=len(allocators), items=rows)


def mine(session: Session, cfg: AllocateExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {"points": state.scores.get(pid, {})}


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """The whole budget, spread unevenly (a few items get most of it)."""
    items = ex["items"]
    if not items:
        return []
    budget = ex["config"]["budget"]
    weights = [rng.random() ** 2 + 0.05 for _ in items]
    points = [int(budget * w / sum(weights)) for w in weights]
    points[weights.index(max(weights))] += budget - sum(points)
    allocation = {item["id"]: p for item, p in zip(items, points, strict=True) if p}
    return [{"type": "allocate", "exercise": ex["id"], "points": allocation}]


KIND = Kind(
    name="allocate",
    label="Allocate 100 points",
    action_word="allocated",
    noun="budget allocation",
    config=AllocateExercise,
    result_model=AllocateResult,
    accepts=ACCEPTS,
    simulate=simulate,
    items_only=True,
    phone_config=("budget",),
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
