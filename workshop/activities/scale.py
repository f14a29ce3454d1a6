"""`scale`: rate each statement from 1 to `max`; one rating per statement per person,
changeable while the exercise is open. The result is the distribution and mean per
side, the gap between the two sides (flagged from one point), and — when the
exercise `compare_with`s an earlier scale — the shift since then."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, Rated, recorded
from ..model import SLUG, ExerciseBase, ExerciseState, Session
from .common import ALL, Ctx, Refusal, Result, counted, gap, means, pair_sentence, scored, split
from .kind import Kind, Persona


class ScaleExercise(ExerciseBase):
    kind: Literal["scale"]
    statements: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=10
    )
    max: int = Field(default=5, ge=2, le=10)
    """Ratings run from 1 to `max`."""
    labels: list[str] = Field(default=["Strongly disagree", "Strongly agree"], min_length=2, max_length=2)
    compare_with: str | None = Field(default=None, pattern=SLUG)
    """An earlier scale with as many statements: its results become the 'before'."""


ACCEPTS = (c.Rate,)
GAP_FLAG = 1.0
"""A gap of at least one point between the sides is worth a conversation."""


def decide(ctx: Ctx[ScaleExercise], cmd: c.Rate) -> list[EventBody]:
    ctx.item(cmd.item)
    if not 1 <= cmd.value <= ctx.cfg.max:
        raise Refusal("out_of_range", "out_of_range.rating", max=ctx.cfg.max)
    return [recorded(cmd)]


def apply(ctx: Ctx[ScaleExercise], body: Rated) -> None:
    ctx.state.scores.setdefault(ctx.actor, {})[body.item] = body.value


participated = scored


class StatementResult(Result):
    item: str
    text: str
    n: dict[str, int]
    distribution: dict[str, list[int]]
    """Per side (and ALL): how many gave 1, 2, … max."""
    mean: dict[str, float | None]
    gap: float | None
    """First side's mean minus the second's."""
    flagged: bool
    sentence: str | None = None
    """For a flagged statement, signed: "IT rates it 3.7, Marketing 1.5: IT is 2.2
    points closer to “Strongly agree”"."""
    before: dict[str, float | None] | None = None
    """With `compare_with`: per side, the earlier mean of the people who rated this
    statement both times (`matched`), so that a shift is never made by who came or
    went."""
    after: dict[str, float | None] | None = None
    """The same people's mean now."""
    shift: dict[str, float | None] | None = None
    """`after` minus `before`, per side: how the same people moved."""
    matched: dict[str, int] | None = None
    """Per side and ALL: how many rated this statement both times. A side with fewer
    than the session's `min_answers` has no before, after or shift."""


class ScaleResult(Result):
    kind: str = "scale"
    respondents: int
    statements: list[StatementResult]


def _statement_means(session: Session, state: ExerciseState, item_id: str) -> tuple[dict[str, list[int]], dict[str, float | None]]:
    groups = split(session, state, ((pid, s[item_id]) for pid, s in state.scores.items() if item_id in s))
    return groups, means(groups)


def _signed(the_gap: float | None, high: str) -> Callable[[str, str, str, str], str]:
    """The flag's sentence with its sign in words: which side sits closer to the top
    of the scale, and by how much."""

    def say(a: str, ma: str, b: str, mb: str) -> str:
        size = abs(the_gap or 0.0)
        closer = a if (the_gap or 0.0) >= 0 else b
        return f"{a} rates it {ma}, {b} {mb}: {closer} is {size:.1f} points closer to “{high}”"

    return say


def _minus(now: float | None, then: float | None) -> float | None:
    return round(now - then, 3) if now is not None and then is not None else None


def _matched(
    session: Session, state: ExerciseState, item_id: str, before_state: ExerciseState, before_item: str
) -> dict[str, list[tuple[int, int]]]:
    """Per side (as this exercise counts them) and ALL: (then, now) for everyone who
    rated the statement in both. A side with fewer than `min_answers` such people is
    left out: its shift would be a few people's own."""
    pairs = (
        (pid, (before_state.scores[pid][before_item], scores[item_id]))
        for pid, scores in state.scores.items()
        if item_id in scores and before_item in before_state.scores.get(pid, {})
    )
    groups = split(session, state, pairs)
    k = session.template.min_answers
    return {key: values for key, values in groups.items() if key == ALL or len(values) >= k or not values}


def result(session: Session, cfg: ScaleExercise, state: ExerciseState) -> ScaleResult:
    compared = session.exercises.get(cfg.compare_with) if cfg.compare_with is not None else None
    before_state = counted(session, compared) if compared is not None else None
    statements = []
    for index, item in enumerate(state.items):
        groups, mean = _statement_means(session, state, item.id)
        the_gap = gap(session, mean)
        flagged = the_gap is not None and abs(the_gap) >= GAP_FLAG
        sentence = pair_sentence(
            session, flagged, _signed(the_gap, cfg.labels[1]),
            {side: "–" if value is None else f"{value:.1f}" for side, value in mean.items()},
        )
        matched = _matched(session, state, item.id, before_state, before_state.items[index].id) if (
            before_state is not None and index < len(before_state.items)
        ) else None
        before = after = shift = counts = None
        if matched is not None:
            before = means({key: [then for then, _ in pairs] for key, pairs in matched.items()})
            after = means({key: [now for _, now in pairs] for key, pairs in matched.items()})
            shift = {key: _minus(after[key], before[key]) for key in matched}
            counts = {key: len(pairs) for key, pairs in matched.items()}
        statements.append(
            StatementResult(
                item=item.id,
                text=item.text,
                n={key: len(vals) for key, vals in groups.items()},
                distribution={key: [vals.count(v) for v in range(1, cfg.max + 1)] for key, vals in groups.items()},
                mean=mean,
                gap=the_gap,
                flagged=flagged,
                sentence=sentence,
                before=before,
                after=after,
                shift=shift,
                matched=counts,
            )
        )
    return ScaleResult(respondents=sum(1 for s in state.scores.values() if s), statements=statements)


def mine(session: Session, cfg: ScaleExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {"ratings": state.scores.get(pid, {})}


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """A rating per statement around the middle, leaning to the person's side; at a
    check-out (a scale that compares with an earlier one) higher and closer together,
    as after a good workshop."""
    top = ex["config"]["max"]
    lift, lean = (0.8, 0.3) if ex["config"].get("compare_with") else (0.0, 0.8)
    return [
        {"type": "rate", "exercise": ex["id"], "item": item["id"],
         "value": max(1, min(top, round((top + 1) / 2 + lift + lean * who.lean + rng.gauss(0, 0.8))))}
        for item in ex["items"]
    ]


KIND = Kind(
    name="scale",
    label="Scale",
    action_word="answered",
    noun="rating scale",
    config=ScaleExercise,
    result_model=ScaleResult,
    accepts=ACCEPTS,
    simulate=simulate,
    phone_config=("max", "labels", "compare_with"),
    fixed_items=lambda cfg: list(cfg.statements),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
