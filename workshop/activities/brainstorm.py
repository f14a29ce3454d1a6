"""`brainstorm`: short ideas (1..`max_length` characters), at most `max_per_person`
each and `per_minute` in any minute. Authors may edit or withdraw their own ideas
while it is open. The facilitator moderates at any time: hide, edit, merge
duplicates, group into named themes, and add ideas that were spoken aloud."""

from __future__ import annotations

from random import Random
from typing import Annotated, Any, Literal

from pydantic import Field

from .. import commands as c
from ..events import EventBody, Grouped, IdeaAdded, IdeaEdited, IdeaHidden, IdeasMerged, IdeaWithdrawn, ThemeRenamed, recorded
from ..model import FACILITATOR, ExerciseBase, ExerciseState, Idea, Session, Theme
from .common import ALL, Ctx, OnesSide, Person, Refusal, Result, clean_text, side_ids
from .kind import Kind, Persona


class BrainstormExercise(ExerciseBase):
    kind: Literal["brainstorm"]
    max_per_person: int = Field(default=5, ge=1, le=50)
    max_length: int = Field(default=280, ge=10, le=280)
    seed: list[Annotated[str, Field(min_length=1, max_length=280)]] = []  # noqa: RUF012 - pydantic copies a default per instance
    """Ideas on the board from the start, added in the facilitator's name."""
    per_minute: int = Field(default=6, ge=1, le=60)
    """Rate limit: at most this many ideas per person in any 60 seconds."""
    room_ideas: int | None = Field(default=60, ge=10, le=2000)
    """About how many ideas the whole room should give, so that a big room does not
    bury the board: each person's cap shrinks as the room grows (`cap`), never below
    2 nor above `max_per_person`. None: `max_per_person` whatever the room."""


def cap(session: Session, cfg: BrainstormExercise) -> int:
    """How many ideas one person may add now: `max_per_person` in a small room;
    `room_ideas` shared among the people present in a big one (at least 2)."""
    if cfg.room_ideas is None:
        return cfg.max_per_person
    present = sum(1 for p in session.participants.values() if not (p.left or p.removed))
    return min(cfg.max_per_person, max(2, cfg.room_ideas // max(present, 1)))


ACCEPTS = (c.SubmitIdea, c.EditIdea, c.WithdrawIdea)
MODERATION = (c.SubmitIdea, c.EditIdea, c.HideIdea, c.MergeIdeas, c.GroupIdeas, c.RenameTheme)
Command = c.SubmitIdea | c.EditIdea | c.WithdrawIdea | c.HideIdea | c.MergeIdeas | c.GroupIdeas | c.RenameTheme
"""What `decide` takes: `ACCEPTS` and `MODERATION`."""
Body = IdeaAdded | IdeaEdited | IdeaWithdrawn | IdeaHidden | IdeasMerged | Grouped | ThemeRenamed
"""What `apply` folds."""


def _idea(ctx: Ctx[BrainstormExercise], idea_id: str) -> Idea:
    idea = ctx.state.ideas.get(idea_id)
    if idea is None or idea.withdrawn:
        raise Refusal("unknown_idea")
    return idea


def _own(ctx: Ctx[BrainstormExercise], idea_id: str) -> Idea:
    idea = _idea(ctx, idea_id)
    if not ctx.is_facilitator and idea.author != ctx.actor:
        raise Refusal("not_yours")
    return idea


def live_ideas(state: ExerciseState, author: str | None = None) -> list[Idea]:
    """Ideas not withdrawn (hidden and merged ones included), optionally by one author."""
    return [i for i in state.ideas.values() if not i.withdrawn and (author is None or i.author == author)]


def visible_ideas(state: ExerciseState) -> list[Idea]:
    """What the room sees: not withdrawn, not hidden, not merged into another."""
    return [i for i in state.ideas.values() if not (i.withdrawn or i.hidden or i.merged_into)]


def decide(ctx: Ctx[BrainstormExercise], cmd: Command) -> list[EventBody]:
    cfg, state = ctx.cfg, ctx.state
    match cmd:
        case c.SubmitIdea():
            text = _clean(ctx, cmd.text)
            if not ctx.is_facilitator:
                mine = live_ideas(state, ctx.actor)
                most = cap(ctx.session, cfg)
                if len(mine) >= most:
                    raise Refusal("limit", "limit.ideas", most=most)
                recent = [i for i in state.ideas.values() if i.author == ctx.actor and i.at > ctx.now - 60]
                if len(recent) >= cfg.per_minute:
                    raise Refusal("too_fast", "too_fast.ideas")
                if any(i.text.casefold() == text.casefold() for i in mine):
                    raise Refusal("duplicate", "duplicate.idea")
            side = cmd.side if ctx.is_facilitator else ctx.side()
            idea = Idea(id=_next_idea_id(state), text=text, author=ctx.actor, side=side, at=ctx.now)
            return [IdeaAdded(exercise=cmd.exercise, idea=idea)]
        case c.EditIdea():
            _own(ctx, cmd.idea)
            return [recorded(cmd.model_copy(update={"text": _clean(ctx, cmd.text)}))]
        case c.WithdrawIdea():
            _own(ctx, cmd.idea)
            return [recorded(cmd)]
        case c.HideIdea():
            _idea(ctx, cmd.idea)
            return [recorded(cmd)]
        case c.MergeIdeas():
            _idea(ctx, cmd.idea)
            target = _idea(ctx, cmd.into)
            if cmd.idea == cmd.into or target.merged_into:
                raise Refusal.for_facilitator("bad_merge", "Merge an idea into another idea that is still on the board.")
            return [recorded(cmd)]
        case c.GroupIdeas():
            for idea_id in cmd.ideas:
                _idea(ctx, idea_id)
            name = " ".join(cmd.theme.split())
            if not name:
                return [Grouped(exercise=cmd.exercise, ideas=cmd.ideas, theme=None)]
            existing = next((t for t in state.themes.values() if t.name.casefold() == name.casefold()), None)
            theme_id = existing.id if existing else f"t{state.counter + 1}"
            return [Grouped(exercise=cmd.exercise, ideas=cmd.ideas, theme=theme_id, name=existing.name if existing else name)]
        case c.RenameTheme():
            if cmd.theme not in state.themes:
                raise Refusal.for_facilitator("unknown_theme", "That theme no longer exists.")
            name = " ".join(cmd.name.split())
            if not name:
                raise Refusal.for_facilitator("empty", "A theme needs a name.")
            return [recorded(cmd.model_copy(update={"name": name}))]
    raise AssertionError(f"brainstorm cannot decide {cmd!r}")


def _clean(ctx: Ctx[BrainstormExercise], text: str) -> str:
    return clean_text(text, ctx.cfg.max_length, "idea")


def _next_idea_id(state: ExerciseState) -> str:
    return f"i{state.counter + 1}"


def apply(ctx: Ctx[BrainstormExercise], body: Body) -> None:
    state = ctx.state
    match body:
        case IdeaAdded():
            state.counter += 1
            state.ideas[body.idea.id] = body.idea.model_copy()
        case IdeaEdited():
            state.ideas[body.idea].text = body.text
        case IdeaWithdrawn():
            gone = state.ideas[body.idea]
            gone.withdrawn = True
            # Duplicates merged into it were other people's ideas: the first takes its place.
            heirs = [i for i in state.ideas.values() if i.merged_into == gone.id and not i.withdrawn]
            if heirs:
                heirs[0].merged_into, heirs[0].theme = None, gone.theme
                for other in heirs[1:]:
                    other.merged_into = heirs[0].id
        case IdeaHidden():
            state.ideas[body.idea].hidden = body.hidden
        case IdeasMerged():
            for idea in state.ideas.values():
                if idea.merged_into == body.idea:
                    idea.merged_into = body.into
            state.ideas[body.idea].merged_into = body.into
        case Grouped():
            if body.theme is not None and body.theme not in state.themes:
                state.counter += 1
                state.themes[body.theme] = Theme(id=body.theme, name=body.name)
            for idea_id in body.ideas:
                state.ideas[idea_id].theme = body.theme
        case ThemeRenamed():
            state.themes[body.theme].name = body.name


def add_seeds(state: ExerciseState, cfg: BrainstormExercise, at: float) -> None:
    """Put the template's seed ideas on the board, in the facilitator's name."""
    for text in cfg.seed:
        state.counter += 1
        idea_id = f"i{state.counter}"
        state.ideas[idea_id] = Idea(id=idea_id, text=text, author=FACILITATOR, at=at)


def participated(state: ExerciseState, pid: str) -> bool:
    return any(i.author == pid for i in live_ideas(state))


class IdeaView(Result):
    id: str
    text: str
    side: OnesSide
    author: Person
    theme: str | None
    merged: int
    """How many duplicates were merged into it."""
    hidden: bool = False
    by_facilitator: bool = False
    """Written by the facilitator (seeded, or typed for the room)."""


class ThemeView(Result):
    id: str
    name: str
    ideas: list[str]


class BrainstormResult(Result):
    kind: str = "brainstorm"
    ideas: list[IdeaView]
    hidden: list[IdeaView]
    themes: list[ThemeView]
    by_side: dict[str, int]
    contributors: int


def _view(state: ExerciseState, idea: Idea) -> IdeaView:
    merged = sum(1 for i in state.ideas.values() if i.merged_into == idea.id and not i.withdrawn)
    return IdeaView(
        id=idea.id, text=idea.text, side=idea.side, author=idea.author, theme=idea.theme, merged=merged, hidden=idea.hidden,
        by_facilitator=idea.author == FACILITATOR,
    )


def result(session: Session, cfg: BrainstormExercise, state: ExerciseState) -> BrainstormResult:
    shown = visible_ideas(state)
    hidden = [i for i in state.ideas.values() if i.hidden and not i.withdrawn and not i.merged_into]
    themes = [
        ThemeView(id=t.id, name=t.name, ideas=[i.id for i in shown if i.theme == t.id])
        for t in state.themes.values()
    ]
    counted = [i for i in live_ideas(state) if not i.hidden]  # merged duplicates count; moderated-away ones do not
    by_side = {side: 0 for side in side_ids(session, state)}
    for idea in counted:
        if idea.side in by_side:
            by_side[idea.side] += 1
    by_side[ALL] = len(counted)
    authors = {i.author for i in counted if i.author != FACILITATOR}
    return BrainstormResult(
        ideas=[_view(state, i) for i in shown],
        hidden=[_view(state, i) for i in hidden],
        themes=[t for t in themes if t.ideas],
        by_side=by_side,
        contributors=len(authors),
    )


def mine(session: Session, cfg: BrainstormExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    ideas = live_ideas(state, pid)
    most = cap(session, cfg)
    return {
        "ideas": [{"id": i.id, "text": i.text, "hidden": i.hidden, "merged": bool(i.merged_into)} for i in ideas],
        "left": max(most - len(ideas), 0),
        "cap": most,
    }


def for_phone(data: dict[str, Any]) -> dict[str, Any]:
    """Phones never see who wrote an idea (even where names are allowed), nor what was
    hidden; the side chip is there where `privacy.redact` left it."""
    data.pop("hidden")
    for idea in data["ideas"]:
        idea.pop("author")
        idea.pop("hidden")
    return data


def offers(session: Session, cfg: BrainstormExercise, state: ExerciseState, top: int | None) -> list[str]:
    """Its themes (those with a visible idea), then the ideas in no theme."""
    ideas = visible_ideas(state)
    texts = [t.name for t in state.themes.values() if any(i.theme == t.id for i in ideas)]
    return texts + [i.text for i in ideas if i.theme is None]


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """One to three of the person's ideas, within the exercise's limit."""
    pool = list(who.ideas)
    rng.shuffle(pool)
    count = rng.randint(1, max(1, min(2, ex["config"]["max_per_person"], len(pool))))
    return [{"type": "submit_idea", "exercise": ex["id"], "text": text} for text in pool[:count]]


KIND = Kind(
    name="brainstorm",
    label="Brainstorm",
    action_word="added ideas",
    noun="brainstorm",
    config=BrainstormExercise,
    result_model=BrainstormResult,
    accepts=ACCEPTS,
    simulate=simulate,
    moderation=MODERATION,
    seed=add_seeds,
    for_phone=for_phone,
    offers=offers,
    phone_config=("max_per_person", "max_length"),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
