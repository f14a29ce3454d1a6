"""`initiatives`: the facilitator drafts joint initiatives from the top items of an
earlier vote (title, customer outcome, shared KPI and target, time frame, IT lead,
Marketing lead, budget share, first step) and marks each agreed or parked.
Participants volunteer as champions and comment, on a draft or on a candidate.

With `breakouts`, each drafted initiative is a breakout table: its champions write
its draft from their phones (every field but the title and the status), and the
facilitator agrees or parks it when the tables report back."""

from __future__ import annotations

from random import Random
from typing import Any, Literal, cast

from pydantic import Field

from .. import commands as c
from ..events import Commented, EventBody, InitiativeDrafted, InitiativeStatusSet, InitiativeUpdated, Volunteered, recorded
from ..model import INITIATIVE_FIELDS, INITIATIVE_LABELS, Comment, ExerciseBase, ExerciseState, Initiative, InitiativeStatus, Session, Sourced
from .common import Ctx, OnesSide, Person, Refusal, Result, clean_text, listing, side_of
from .kind import Kind, Persona


class InitiativesExercise(ExerciseBase, Sourced):
    kind: Literal["initiatives"]
    max_initiatives: int = Field(default=5, ge=1, le=12)
    breakouts: bool = False
    """Champions write their initiative's draft from their phones (see the module)."""



ACCEPTS = (c.Volunteer, c.Comment, c.DraftFields)
MODERATION = (c.DraftInitiative, c.UpdateInitiative, c.SetInitiativeStatus)
Command = c.Volunteer | c.Comment | c.DraftFields | c.DraftInitiative | c.UpdateInitiative | c.SetInitiativeStatus
"""What `decide` takes: `ACCEPTS` and `MODERATION`."""
Body = Volunteered | Commented | InitiativeDrafted | InitiativeUpdated | InitiativeStatusSet
"""What `apply` folds."""
FIELD_LIMIT = 400
COMMENT_LIMIT = 280
COMMENTS_PER_TARGET = 3
COMMENTS_PER_PERSON = 12
"""What one person may say: a few comments on each initiative or candidate, a dozen in
all — enough for a real opinion, too few for one phone to flood every view."""


def _target(ctx: Ctx[InitiativesExercise], target: str) -> None:
    if target not in ctx.state.initiatives:
        ctx.item(target)


def _initiative(ctx: Ctx[InitiativesExercise], initiative_id: str) -> Initiative:
    initiative = ctx.state.initiatives.get(initiative_id)
    if initiative is None:
        raise Refusal("unknown_initiative")
    return initiative


def _in_play(state: ExerciseState) -> int:
    return sum(1 for i in state.initiatives.values() if i.status != "parked")


def decide(ctx: Ctx[InitiativesExercise], cmd: Command) -> list[EventBody]:
    cfg, state = ctx.cfg, ctx.state
    match cmd:
        case c.Volunteer():
            _target(ctx, cmd.target)
            already = ctx.actor in state.volunteers.get(cmd.target, [])
            if already == cmd.on:
                raise Refusal("no_change", "no_change.champion" if cmd.on else "no_change.not_champion")
            return [recorded(cmd)]
        case c.Comment():
            _target(ctx, cmd.target)
            text = clean_text(cmd.text, COMMENT_LIMIT, "comment")
            mine = [m for m in state.comments if m.author == ctx.actor]
            if sum(1 for m in mine if m.target == cmd.target) >= COMMENTS_PER_TARGET:
                raise Refusal("limit", "limit.comments_here", most=COMMENTS_PER_TARGET)
            if len(mine) >= COMMENTS_PER_PERSON:
                raise Refusal("limit", "limit.comments", most=COMMENTS_PER_PERSON)
            return [recorded(cmd.model_copy(update={"text": text}))]
        case c.DraftFields():
            if not cfg.breakouts:
                raise Refusal("not_allowed", "not_allowed.drafting")
            initiative = _initiative(ctx, cmd.initiative)
            if initiative.status != "draft":
                raise Refusal("not_draft", f"not_draft.{initiative.status}")
            if ctx.actor not in _champions(state, initiative):
                raise Refusal("not_champion", title=initiative.title)
            unknown = set(cmd.fields) - set(BREAKOUT_FIELDS)
            if unknown:
                raise Refusal("unknown_field", "unknown_field.table", fields=", ".join(sorted(unknown)))
            fields = {name: clean_text(value, FIELD_LIMIT, "field") if value.strip() else "" for name, value in cmd.fields.items()}
            changed = {name: value for name, value in fields.items() if getattr(initiative, name) != value}
            if not changed:
                raise Refusal("no_change", "no_change.draft")
            return [InitiativeUpdated(exercise=cmd.exercise, initiative=cmd.initiative, fields=changed)]
        case c.DraftInitiative():
            if _in_play(state) >= cfg.max_initiatives:
                raise Refusal.for_facilitator("limit", f"There are already {cfg.max_initiatives} initiatives in play; park one first.")
            if cmd.source_item is not None:
                ctx.item(cmd.source_item)
            title = clean_text(cmd.title, 120, "title")
            initiative = Initiative(id=f"j{state.counter + 1}", title=title, source_item=cmd.source_item)
            return [InitiativeDrafted(exercise=cmd.exercise, initiative=initiative)]
        case c.UpdateInitiative():
            _initiative(ctx, cmd.initiative)
            unknown = set(cmd.fields) - set(INITIATIVE_FIELDS)
            if unknown:
                raise Refusal.for_facilitator("unknown_field", f"Unknown initiative field(s): {', '.join(sorted(unknown))}.")
            fields = {k: " ".join(v.split()) for k, v in cmd.fields.items()}
            for name, value in fields.items():
                if len(value) > FIELD_LIMIT:
                    raise Refusal.for_facilitator("too_long", f"{INITIATIVE_LABELS[name]} is {len(value)} characters; the limit is {FIELD_LIMIT}.")
            if "title" in fields and not fields["title"]:
                raise Refusal.for_facilitator("empty", "An initiative needs a title.")
            initiative = state.initiatives[cmd.initiative]
            emptied = [INITIATIVE_LABELS[name] for name in AGREE_NEEDS if name in fields and not fields[name]]
            if initiative.status == "agreed" and emptied:
                raise Refusal.for_facilitator("incomplete", f"This initiative is agreed, so its {_words(emptied)} cannot be empty. Park it first to change that.")
            return [recorded(cmd.model_copy(update={"fields": fields}))]
        case c.SetInitiativeStatus():
            initiative = _initiative(ctx, cmd.initiative)
            if initiative.status == "parked" and cmd.status != "parked" and _in_play(state) >= cfg.max_initiatives:
                raise Refusal.for_facilitator("limit", f"There are already {cfg.max_initiatives} initiatives in play; park one first.")
            missing = [INITIATIVE_LABELS[name] for name in AGREE_NEEDS if not getattr(initiative, name).strip()]
            if cmd.status == "agreed" and missing:
                raise Refusal.for_facilitator("incomplete", f"To agree “{initiative.title}”, fill in its {_words(missing)} first.")
            return [recorded(cmd)]
    raise AssertionError(f"initiatives cannot decide {cmd!r}")


BREAKOUT_FIELDS = ("outcome", "kpi", "baseline", "target", "timeframe", "it_lead", "marketing_lead", "budget_share", "first_step")
"""What a breakout table writes from its phones: everything but the title (the
facilitator names the table) and the money (`budget`, which the sponsor gives)."""


def _champions(state: ExerciseState, initiative: Initiative) -> set[str]:
    """Who backs an initiative: its champions and those of the candidate it was drafted from."""
    targets = [initiative.id] + ([initiative.source_item] if initiative.source_item else [])
    return {p for t in targets for p in state.volunteers.get(t, [])}


AGREE_NEEDS = ("title", "kpi", "timeframe", "it_lead", "marketing_lead")
"""What an initiative must say before the room can agree it: something the CEO can
hold two named people to, by a date."""


def _words(labels: list[str]) -> str:
    """"IT lead, Shared KPI and Time frame": labels as a sentence says them."""
    return listing([label if label.startswith(("IT", "KPI")) else label[0].lower() + label[1:] for label in labels])


def apply(ctx: Ctx[InitiativesExercise], body: Body) -> None:
    state = ctx.state
    match body:
        case Volunteered():
            names = state.volunteers.setdefault(body.target, [])
            if body.on:
                names.append(ctx.actor)
            else:
                names.remove(ctx.actor)
        case Commented():
            state.comments.append(Comment(author=ctx.actor, target=body.target, text=body.text, at=ctx.now))
        case InitiativeDrafted():
            state.counter += 1
            state.initiatives[body.initiative.id] = body.initiative.model_copy()
        case InitiativeUpdated():
            initiative = state.initiatives[body.initiative]
            for name, value in body.fields.items():
                setattr(initiative, name, value)
        case InitiativeStatusSet():
            # Stored as plain text (see `events.py`); it was an InitiativeStatus when recorded.
            state.initiatives[body.initiative].status = cast(InitiativeStatus, body.status)


def participated(state: ExerciseState, pid: str) -> bool:
    return any(pid in names for names in state.volunteers.values()) or any(m.author == pid for m in state.comments)


class Champion(Result):
    participant: Person
    side: OnesSide


class CommentView(Result):
    author: Person
    side: OnesSide
    text: str


class Target(Result):
    """A drafted initiative or a candidate item, with who backs it."""

    id: str
    title: str
    champions: list[Champion]
    comments: list[CommentView]
    initiative: Initiative | None = None


class InitiativesResult(Result):
    kind: str = "initiatives"
    initiatives: list[Target]
    candidates: list[Target]
    agreed: int
    parked: int


def _target_view(session: Session, state: ExerciseState, target_id: str, title: str, initiative: Initiative | None = None) -> Target:
    """Champions and comments of a target; an initiative drafted from a candidate
    keeps the people who backed that candidate."""
    targets = [target_id] + ([initiative.source_item] if initiative and initiative.source_item else [])
    people = list(dict.fromkeys(p for t in targets for p in state.volunteers.get(t, [])))
    return Target(
        id=target_id,
        title=title,
        champions=[Champion(participant=p, side=side_of(session, p, state)) for p in people],
        comments=[CommentView(author=m.author, side=side_of(session, m.author, state), text=m.text) for m in state.comments if m.target in targets],
        initiative=initiative,
    )


def result(session: Session, cfg: InitiativesExercise, state: ExerciseState) -> InitiativesResult:
    initiatives = [_target_view(session, state, i.id, i.title, i) for i in state.initiatives.values()]
    # A candidate drafted into an initiative lives on as that initiative, its backers with it.
    drafted = {i.source_item for i in state.initiatives.values() if i.source_item}
    candidates = [_target_view(session, state, item.id, item.text) for item in state.items if item.id not in drafted]
    statuses = [i.status for i in state.initiatives.values()]
    return InitiativesResult(
        initiatives=initiatives,
        candidates=candidates,
        agreed=statuses.count("agreed"),
        parked=statuses.count("parked"),
    )


def mine(session: Session, cfg: InitiativesExercise, state: ExerciseState, pid: str) -> dict[str, Any]:
    return {
        "volunteered": sorted(t for t, people in state.volunteers.items() if pid in people),
        "comments": [{"target": m.target, "text": m.text} for m in state.comments if m.author == pid],
        # The drafts this person may write, at a breakout table.
        "tables": sorted(i.id for i in state.initiatives.values() if cfg.breakouts and i.status == "draft" and pid in _champions(state, i)),
    }


def for_phone(data: dict[str, Any]) -> dict[str, Any]:
    """Champions and commenters by name where the exercise allows names (redacted to
    None elsewhere: "" here), never by id."""
    for target in data["initiatives"] + data["candidates"]:
        target.pop("initiative", None)
        for champion in target["champions"]:
            champion["name"] = champion.pop("participant") or ""
        for comment in target["comments"]:
            comment["name"] = comment.pop("author") or ""
    return data


def simulate(ex: dict[str, Any], who: Persona, rng: Random) -> list[dict[str, Any]]:
    """Volunteer for one initiative (or candidate), sometimes with a comment. In
    breakouts, wait for the drafts, join one table and write part of its draft."""
    drafts = [i for i in ex.get("initiatives", []) if i.get("status") == "draft"]
    if ex["config"].get("breakouts"):
        if not drafts:
            return []
        # The table with the fewest people so far, as people in a room spread out (a
        # random pick piled everyone acting early onto the first draft).
        table = min(drafts, key=lambda i: (i.get("champions", 0), rng.random()))["id"]
        field = rng.choice(["first_step", "outcome"])
        return [
            {"type": "volunteer", "exercise": ex["id"], "target": table},
            {"type": "draft_fields", "exercise": ex["id"], "initiative": table, "fields": {field: rng.choice(who.remarks or ("Meet as a table next week",))}},
        ]
    targets = [i["id"] for i in ex.get("initiatives", [])] or [i["id"] for i in ex["items"]]
    if not targets:
        return []
    target = rng.choice(targets)
    acts: list[dict[str, Any]] = [{"type": "volunteer", "exercise": ex["id"], "target": target}]
    if who.remarks and rng.random() < 0.4:
        acts.append({"type": "comment", "exercise": ex["id"], "target": target, "text": rng.choice(who.remarks)})
    return acts


KIND = Kind(
    name="initiatives",
    label="Joint initiatives",
    action_word="joined in",
    noun="initiatives",
    config=InitiativesExercise,
    result_model=InitiativesResult,
    accepts=ACCEPTS,
    simulate=simulate,
    identity="named",  # who champions what is the point
    moderation=MODERATION,
    for_phone=for_phone,
    phone_config=("max_initiatives", "breakouts"),
    fixed_items=lambda cfg: list(cfg.options),
    decide=decide,
    apply=apply,
    result=result,
    participated=participated,
    mine=mine,
)
