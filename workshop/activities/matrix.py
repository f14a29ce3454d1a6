"""`matrix`: place each item on two axes (impact × effort by default, 1..`max`);
one placement per item per person, changeable while open. The result is each
item's mean position and quadrant, overall and per side, and whether the two sides
put it in different quadrants (flagged), with how far apart their means are."""

from __future__ import annotations

import math
from random import Random
from typing import Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, ItemPlaced, recorded
from ..model import ExerciseBase, ExerciseState, Session, Sourced
from .common import ALL, Ctx, Refusal, Result, pair, pair_sentence, split
from .kind import Kind, Persona


class MatrixExercise(ExerciseBase, Sourced):
    kind: Literal["matrix"]
    axes: list[str] = Field(default=["Impact", "Effort"], min_length=2, max_length=2)
    """x then y. Quadrants read the first as a gain and the second as a cost."""
    max: int = Field(default=5, ge=2, le=10)


ACCEPTS = (c.Place,)
QUADRANTS = {
    (True, False): "quick win",
    (True, True): "big bet",
    (False, False): "fill-in",
    (False, True): "money pit",
}
"""(high gain, high cost) → name. The first axis is read as a gain, the second as a cost."""


def decide(ctx: Ctx[MatrixExercise], cmd: c.Place) -> list[EventBody]:
    ctx.item(cmd.item)
    top = ctx.cfg.max
    if not (1 <= cmd.x <= top and 1 <= cmd.y <= top):
        raise Refusal("out_of_range", "out_of_range.place", max=top)
    return [recorded(cmd)]


def apply(ctx: Ctx[MatrixExercise], body: ItemPlaced) -> None:
    ctx.state.places.setdefault(ctx.actor, {})[body.item] = (body.x, body.y)


def participated(state: ExerciseState, pid: str) -> bool:
    return bool(state.places.get(pid))


def quadrant(x: float | None, y: float | None, top: int) -> str | None:
    """Above the midpoint counts as high; exactly on it counts as low."""
    if x is None or y is None:
        return None
    middle = (1 + top) / 2
    return QUADRANTS[(x > middle, y > middle)]


class Position(Result):
    x: float | None
    y: float | None
    n: int
    quadrant: str | None


class Placed(Result):
    item: str
    text: str
    by_side: dict[str, Position]
    """Per side and ALL."""
    distance: float | None
    """How far apart the first two sides' mean positions are, in points of the scale
    (None until both have placed the item)."""
    flagged: bool
    """The first two sides put the item in different quadrants."""
    sentence: str | None = None
    """For a flagged item: "IT sees a big bet, Marketing a quick win"."""


def a_quadrant(quadrant: str | None) -> str:
    """"a quick win", "a big bet": a quadrant's name as a noun phrase."""
    return f"a {quadrant}" if quadrant else "–"


class MatrixResult(Result):
    kind: str = "matrix"
    axes: list[str]
    max: int
    respondents: int
    items: list[Placed]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _apart(a: Position, b: Position) -> tuple[float | None, bool]:
    """The distance between two sides' mean positions, and whether their quadrants differ."""
    if a.x is None or a.y is None or b.x is None or b.y is None:
        return None, False
    return round(math.hypot(a.x - b.x, a.y - b.y), 3), a.quadrant != b.quadrant


def result(session: Session, cfg: MatrixExercise, state: ExerciseState) -> MatrixResult:
    first, second = pair(session)
    rows = []
    for item in state.items:
        groups = split(session, state, ((pid, p[item.id]) for pid, p in state.places.items() if item.id in p))
        by_side = {}
        for key, points in groups.items():
            x, y = _mean([p[0] for p in points]), _mean([p[1] for p in points])
            by_side[key] = Position(x=x, y=y, n=len(points), quadrant=quadrant(x, y, cfg.max))
        a, b = by_side.get(first), by_side.get(second)  # absent: withheld (privacy)
        distance, flagged = _apart(a, b) if a is not None and b is not None else (None, False)
        sentence = pair_sentence(
            session, flagged, lambda a, qa, b, qb: f"{a} sees {qa}, {b} {qb}", {side: a_quadrant(p.quadrant) for side, p in by_side.items()}
        )
        rows.append(Placed(item=item.id, text=item.text, by_side=by_side, distance=distance, flagged=flagged, sentence=sentence))
    return MatrixResult(
        axes=list(cfg.axes),
        max=cfg.max,
        respondents=sum(1 for p in state.places.values() if p),
        items=rows,
    )


def quadrant_of(result: MatrixResult, item_text: str) -> str | None:
    """The whole room's quadrant for an item, found by its text (for initiatives)."""
    for row in result.items:
        if row.text.casefold() == item_text.casefold():
            return row.by_side[ALL].quadrant
    return None


def mine(session: Session, cfg: MatrixExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {"places": {item: list(xy) for item, xy in state.places.get(pid, {}).items()}}


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """Each item placed: earlier items a little more valuable, effort varying."""
    top = ex["config"]["max"]
    placed = []
    for n, item in enumerate(ex["items"]):
        x = max(1, min(top, round(top - n * 0.6 + rng.gauss(0, 0.9))))
        y = max(1, min(top, round(2 + n % 3 + rng.gauss(0, 0.9))))
        placed.append({"type": "place", "exercise": ex["id"], "item": item["id"], "x": x, "y": y})
    return placed


KIND = Kind(
    name="matrix",
    label="Impact × effort",
    action_word="placed items",
    noun="impact/effort matrix",
    config=MatrixExercise,
    result_model=MatrixResult,
    accepts=ACCEPTS,
    simulate=simulate,
    items_only=True,
    phone_config=("axes", "max"),
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
