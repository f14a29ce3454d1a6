"""`dotvote`: each person spends up to `dots` dots, at most `max_per_item` on one
item, and may take a dot back while the vote is open. Items are fixed `options`,
an earlier exercise's output (`source`), and — with `allow_add` — items the
participants add. The result ranks items by total dots, with totals per side and
the gap between the two sides' shares of their own dots (flagged from 20 points)."""

from __future__ import annotations

from random import Random
from typing import Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, ItemAdded, Unvoted, Voted, recorded
from ..model import ExerciseBase, ExerciseState, Item, Session, Sourced
from .common import ALL, Ctx, Refusal, Result, clean_text, counts, pair_sentence, percent, scored, share_gap
from .kind import Kind, Persona


class DotvoteExercise(ExerciseBase, Sourced):
    kind: Literal["dotvote"]
    dots: int = Field(default=5, ge=1, le=50)
    max_per_item: int = Field(default=3, ge=1, le=50)
    allow_add: bool = False
    """Participants may add an item while the vote is open."""


ACCEPTS = (c.Vote, c.Unvote, c.AddItem)
MAX_ADDED_PER_PERSON = 3
Command = c.Vote | c.Unvote | c.AddItem
"""What `decide` takes: `ACCEPTS`."""
Body = Voted | Unvoted | ItemAdded
"""What `apply` folds."""


def dots_used(state: ExerciseState, pid: str) -> int:
    return sum(state.scores.get(pid, {}).values())


def decide(ctx: Ctx[DotvoteExercise], cmd: Command) -> list[EventBody]:
    cfg, state = ctx.cfg, ctx.state
    match cmd:
        case c.Vote():
            ctx.item(cmd.item)
            if dots_used(state, ctx.actor) >= cfg.dots:
                raise Refusal("no_dots_left", dots=cfg.dots)
            if state.scores.get(ctx.actor, {}).get(cmd.item, 0) >= cfg.max_per_item:
                raise Refusal("item_full", most=cfg.max_per_item)
            return [recorded(cmd)]
        case c.Unvote():
            ctx.item(cmd.item)
            if not state.scores.get(ctx.actor, {}).get(cmd.item):
                raise Refusal("no_dot_here")
            return [recorded(cmd)]
        case c.AddItem():
            if not cfg.allow_add:
                raise Refusal("not_allowed", "not_allowed.adding")
            text = clean_text(cmd.text, 120, "item")
            if any(item.text.casefold() == text.casefold() for item in state.items):
                raise Refusal("duplicate", "duplicate.item")
            if sum(1 for item in state.items if item.added_by == ctx.actor) >= MAX_ADDED_PER_PERSON:
                raise Refusal("limit", "limit.items", most=MAX_ADDED_PER_PERSON)
            item = Item(id=f"i{state.counter + 1}", text=text, added_by=ctx.actor)
            return [ItemAdded(exercise=cmd.exercise, item=item)]
    raise AssertionError(f"dotvote cannot decide {cmd!r}")


def apply(ctx: Ctx[DotvoteExercise], body: Body) -> None:
    state = ctx.state
    match body:
        case Voted():
            mine = state.scores.setdefault(ctx.actor, {})
            mine[body.item] = mine.get(body.item, 0) + 1
        case Unvoted():
            mine = state.scores[ctx.actor]
            mine[body.item] -= 1
            if not mine[body.item]:
                del mine[body.item]
        case ItemAdded():
            state.counter += 1
            state.items.append(body.item.model_copy())


participated = scored


class Ranked(Result):
    item: str
    text: str
    total: int
    by_side: dict[str, int]
    voters: int
    share: dict[str, float | None]
    """Per side and ALL: the percentage of all the dots that side spent that went to
    this item (None when the side spent none)."""
    gap: float | None
    """First side's share minus the second's, in percentage points."""
    flagged: bool
    sentence: str | None = None
    """For a flagged item: "IT gave it 0% of its dots, Marketing 40%"."""


class DotvoteResult(Result):
    kind: str = "dotvote"
    ranking: list[Ranked]
    voters: int
    dots_used: int


def ranking(session: Session, state: ExerciseState) -> list[Ranked]:
    """Items by total dots, highest first; ties keep the list order."""
    spent = counts(session, state, ((pid, sum(s.values())) for pid, s in state.scores.items()))
    rows = []
    for item in state.items:
        pairs = [(pid, s[item.id]) for pid, s in state.scores.items() if s.get(item.id)]
        totals = counts(session, state, pairs)
        leaning = share_gap(session, totals, spent)
        sentence = pair_sentence(
            session, leaning.flagged, lambda a, pa, b, pb: f"{a} gave it {pa} of its dots, {b} {pb}",
            {side: percent(value) for side, value in leaning.share.items()},
        )
        rows.append(Ranked(
            item=item.id, text=item.text, total=totals.pop(ALL), by_side=totals, voters=len(pairs), sentence=sentence, **leaning._asdict(),
        ))
    return sorted(rows, key=lambda row: -row.total)


def result(session: Session, cfg: DotvoteExercise, state: ExerciseState) -> DotvoteResult:
    return DotvoteResult(
        ranking=ranking(session, state),
        voters=sum(1 for s in state.scores.values() if s),
        dots_used=sum(sum(s.values()) for s in state.scores.values()),
    )


def mine(session: Session, cfg: DotvoteExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {
        "dots": state.scores.get(pid, {}),
        "left": cfg.dots - dots_used(state, pid),
        "added": sum(1 for i in state.items if i.added_by == pid),
    }


def offers(session: Session, cfg: DotvoteExercise, state: ExerciseState, top: int | None) -> list[str]:
    """Its ranking: the top N (filled from unvoted items when fewer got votes), or
    without `top` every item that got a vote (all of them, if none did)."""
    rows = ranking(session, state)
    if top is None:
        rows = [r for r in rows if r.total] or rows
    return [r.text for r in rows]


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """Every dot, mostly on two or three favourites, never past `max_per_item`."""
    items = [item["id"] for item in ex["items"]]
    if not items:
        return []
    favourites = rng.sample(items, k=min(3, len(items)))
    cap = ex["config"]["max_per_item"]
    given: dict[str, int] = {}
    votes = []
    for _ in range(ex["config"]["dots"]):
        free = [i for i in favourites if given.get(i, 0) < cap] or [i for i in items if given.get(i, 0) < cap]
        if not free:
            break
        item = rng.choice(free)
        given[item] = given.get(item, 0) + 1
        votes.append({"type": "vote", "exercise": ex["id"], "item": item})
    return votes


KIND = Kind(
    name="dotvote",
    label="Dot vote",
    action_word="voted",
    noun="dot vote",
    config=DotvoteExercise,
    result_model=DotvoteResult,
    accepts=ACCEPTS,
    simulate=simulate,
    items_only=True,
    offers=offers,
    phone_config=("dots", "max_per_item", "allow_add"),
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
