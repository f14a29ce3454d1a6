"""`poll`: pick one option (or several with `multi`), and with `other` write an
answer of your own. Answers can be changed while the poll is open; the result is
the count per option per side, the gap between the shares of the two sides'
respondents who picked it (flagged from 20 points), and the 'Other' answers."""

from __future__ import annotations

from random import Random
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, Picked, recorded
from ..model import ExerciseBase, ExerciseState, Session
from .common import ALL, Ctx, OnesSide, Person, Refusal, Result, clean_text, counts, pair_sentence, percent, share_gap, side_of
from .kind import Kind, Persona


class PollExercise(ExerciseBase):
    kind: Literal["poll"]
    options: list[Annotated[str, Field(min_length=1, max_length=120)]] = Field(
        min_length=2, max_length=12
    )
    multi: bool = False
    other: bool = False
    """Offer an 'Other' answer with free text."""


ACCEPTS = (c.Pick,)


def decide(ctx: Ctx[PollExercise], cmd: c.Pick) -> list[EventBody]:
    cfg = ctx.cfg
    for item_id in cmd.items:
        ctx.item(item_id)
    if len(set(cmd.items)) != len(cmd.items):
        raise Refusal("duplicate", "duplicate.option")
    if not cfg.multi and len(cmd.items) > 1:
        raise Refusal("one_only", "one_only.option")
    other = ""
    if cmd.other.strip():
        if not cfg.other:
            raise Refusal("no_other", "no_other.poll")
        other = clean_text(cmd.other, 280, "answer")
        if not cfg.multi and cmd.items:
            raise Refusal("one_only", "one_only.other")
    return [recorded(cmd.model_copy(update={"other": other}))]


def apply(ctx: Ctx[PollExercise], body: Picked) -> None:
    state = ctx.state
    state.scores[ctx.actor] = {item_id: 1 for item_id in body.items}
    if body.other:
        state.other[ctx.actor] = body.other
    else:
        state.other.pop(ctx.actor, None)


def participated(state: ExerciseState, pid: str) -> bool:
    return bool(state.scores.get(pid)) or pid in state.other


class OptionCount(Result):
    item: str
    text: str
    total: int
    by_side: dict[str, int]
    share: dict[str, float | None]
    """Per side and ALL: the percentage of that side's respondents who picked this
    option (None when the side has no respondents)."""
    gap: float | None
    """First side's share minus the second's, in percentage points."""
    flagged: bool
    sentence: str | None = None
    """For a flagged option: "picked by 0% of IT, 75% of Marketing"."""


class OtherAnswer(Result):
    text: str
    side: OnesSide
    author: Person


class PollResult(Result):
    kind: str = "poll"
    respondents: int
    options: list[OptionCount]
    other: list[OtherAnswer]


def result(session: Session, cfg: PollExercise, state: ExerciseState) -> PollResult:
    respondents = {pid for pid, s in state.scores.items() if s} | set(state.other)
    answered = counts(session, state, ((pid, 1) for pid in respondents))
    options = []
    for item in state.items:
        totals = counts(session, state, ((pid, 1) for pid, s in state.scores.items() if item.id in s))
        leaning = share_gap(session, totals, answered)
        sentence = pair_sentence(
            session, leaning.flagged, lambda a, pa, b, pb: f"picked by {pa} of {a}, {pb} of {b}",
            {side: percent(value) for side, value in leaning.share.items()},
        )
        options.append(OptionCount(item=item.id, text=item.text, total=totals.pop(ALL), by_side=totals, sentence=sentence, **leaning._asdict()))
    others = [OtherAnswer(text=text, side=side_of(session, pid, state), author=pid) for pid, text in state.other.items()]
    return PollResult(respondents=len(respondents), options=options, other=others)


def mine(session: Session, cfg: PollExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {"picked": list(state.scores.get(pid, {})), "other": state.other.get(pid, "")}


def for_phone(data: dict[str, Any]) -> dict[str, Any]:
    """Phones see 'Other' answers never with a name; with the side where allowed."""
    for answer in data["other"]:
        answer.pop("author")
    return data


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """One option, or one to three when the poll allows several."""
    items = ex["items"]
    if not items:
        return []
    k = rng.randint(1, min(3, len(items))) if ex["config"]["multi"] else 1
    return [{"type": "pick", "exercise": ex["id"], "items": [i["id"] for i in rng.sample(items, k=k)]}]


KIND = Kind(
    name="poll",
    label="Poll",
    action_word="answered",
    noun="poll",
    config=PollExercise,
    result_model=PollResult,
    accepts=ACCEPTS,
    simulate=simulate,
    items_only=True,
    for_phone=for_phone,
    phone_config=("multi", "other"),
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
