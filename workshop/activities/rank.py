"""`rank`: each person puts every item in order, best first (on the phone: tap to move
an item up or down, no dragging needed); each new order replaces the last while the
exercise is open. The result is a Borda count — with n items, a first place is worth
n − 1 points, a last place 0 — overall and per side, each item's place per side, and
a flag where the two sides place an item three or more places apart, with the
sentence that says so.

The order travels as a `pick` command whose items are the whole order: a rank needs
no command or event of its own.
"""

from __future__ import annotations

from random import Random
from typing import Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, Picked, recorded
from ..model import ExerciseBase, ExerciseState, Session, Sourced
from .common import ALL, Ctx, Refusal, Result, pair, scored, side_ids, side_of
from .kind import Kind, Persona

PLACES_APART = 3
"""Sides that place an item this many places apart disagree enough to talk about it."""


class RankExercise(ExerciseBase, Sourced):
    kind: Literal["rank"]
    top: int | None = Field(default=None, ge=2, le=12)
    """With a `source`: rank only its top N items (keep it short: ranking twelve
    items on a phone is already work)."""


ACCEPTS = (c.Pick,)


def decide(ctx: Ctx[RankExercise], cmd: c.Pick) -> list[EventBody]:
    items = [item.id for item in ctx.state.items]
    if sorted(cmd.items) != sorted(items) or len(set(cmd.items)) != len(cmd.items):
        raise Refusal("incomplete", "incomplete.ranking", n=len(items))
    if cmd.other:
        raise Refusal("no_other", "no_other.ranking")
    return [recorded(cmd)]


def apply(ctx: Ctx[RankExercise], body: Picked) -> None:
    ctx.state.scores[ctx.actor] = {item: place for place, item in enumerate(body.items, start=1)}


participated = scored


class RankRow(Result):
    item: str
    text: str
    points: dict[str, int]
    """Per side and ALL: Borda points (n − place, summed over the people)."""
    place: dict[str, int | None]
    """Per side and ALL: the item's place by those points (1 = first; equal points
    share a place); None for a side that has not ranked."""
    apart: int | None
    """The first side's place minus the second's (negative: the first side puts it higher)."""
    flagged: bool
    """The two sides place it `PLACES_APART` or more places apart."""
    sentence: str | None
    """For a flagged item, who puts it where: "IT puts it 1st, Marketing 4th."."""


class RankResult(Result):
    kind: str = "rank"
    respondents: dict[str, int]
    """Per side and ALL: how many people ranked."""
    rows: list[RankRow]
    """Overall order, first place first."""


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _places(points: dict[str, int], ranked: bool) -> dict[str, int | None]:
    """Item → place by points, equal points sharing the better place."""
    if not ranked:
        return {item: None for item in points}
    ordered = sorted(points.values(), reverse=True)
    return {item: ordered.index(total) + 1 for item, total in points.items()}


def result(session: Session, cfg: RankExercise, state: ExerciseState) -> RankResult:
    n = len(state.items)
    keys = [*side_ids(session, state), ALL]
    points = {key: {item.id: 0 for item in state.items} for key in keys}
    respondents = dict.fromkeys(keys, 0)
    for pid, order in state.scores.items():
        if not order:
            continue
        side = side_of(session, pid, state)
        for key in (side, ALL) if side in points else (ALL,):
            respondents[key] += 1
            for item_id, place in order.items():
                if item_id in points[key]:
                    points[key][item_id] += n - place
    places = {key: _places(points[key], respondents[key] > 0) for key in keys}
    first, second = pair(session)
    rows = []
    for item in state.items:
        a, b = (places.get(side, {}).get(item.id) for side in (first, second))  # none: withheld (privacy)
        apart = a - b if a is not None and b is not None else None
        flagged = apart is not None and abs(apart) >= PLACES_APART
        sentence = (
            f"{session.side_label(first)} puts it {ordinal(a)}, {session.side_label(second)} {ordinal(b)}."
            if flagged and a is not None and b is not None
            else None
        )
        rows.append(
            RankRow(
                item=item.id,
                text=item.text,
                points={key: points[key][item.id] for key in keys},
                place={key: places[key][item.id] for key in keys},
                apart=apart,
                flagged=flagged,
                sentence=sentence,
            )
        )
    rows.sort(key=lambda row: (-row.points[ALL], [i.id for i in state.items].index(row.item)))
    return RankResult(respondents=respondents, rows=rows)


def mine(session: Session, cfg: RankExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    order = state.scores.get(pid, {})
    return {"order": sorted(order, key=order.__getitem__)}


def offers(session: Session, cfg: RankExercise, state: ExerciseState, top: int | None) -> list[str]:
    """As a source: the items in the room's order."""
    return [row.text for row in result(session, cfg, state).rows]


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """The whole list in an order near the shown one; each side leans to one end of
    it, so the sides' orders differ a little."""
    keyed = [(n * 0.8 * who.lean + rng.gauss(0, 1.5), item["id"]) for n, item in enumerate(ex["items"])]
    return [{"type": "pick", "exercise": ex["id"], "items": [item for _, item in sorted(keyed)]}] if keyed else []


KIND = Kind(
    name="rank",
    label="Rank",
    action_word="ranked",
    noun="ranking",
    config=RankExercise,
    result_model=RankResult,
    accepts=ACCEPTS,
    simulate=simulate,
    items_only=True,
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
    offers=offers,
)
