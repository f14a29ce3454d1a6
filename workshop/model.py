"""The shapes of a workshop: templates (what is planned) and sessions (what happened).

Pure data, no behaviour and no I/O. The rules live in `engine.py` and
`activities/`; this module only says what a session is made of, so that the
store can save it, the export can read it and the TUI can show it.

Templates are parsed from TOML by `agenda.py`; unknown keys are errors so that a
typo in a template is caught instead of silently ignored.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, runtime_checkable

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, SerializeAsAny, WrapValidator, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .text import clean

SLUG = r"^[a-z0-9][a-z0-9-]*$"

Reveal = Literal["live", "on_close", "manual"]
Identity = Literal["named", "side", "anonymous"]
"""Who may be seen with one person's input in an exercise (see `ExerciseBase.identity`)."""
IDENTITIES: tuple[Identity, ...] = ("named", "side", "anonymous")
Section = Literal[
    "objectives",
    "kpis",
    "collaboration",
    "roles",
    "budget",
    "initiatives",
    "ways_of_working",
    "perception_gap",
    "concerns",
]
PeopleText = Annotated[str, AfterValidator(clean)]
"""Text a person typed, as it is kept: cleaned (see `text.clean`) whenever it is
validated — from a phone, from the journal, from a snapshot — so a session never holds
a control character, whatever version wrote it."""
FACILITATOR = "facilitator"
"""The actor name of every command that comes from the laptop, never from a phone."""


class Strict(BaseModel):
    """Base of template models: unknown keys are refused, values are not coerced from
    other types, instances are frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --------------------------------------------------------------------------- templates


class Side(Strict):
    id: str = Field(pattern=SLUG, max_length=24)
    label: str = Field(min_length=1, max_length=24)


class Break(Strict):
    """Time in the plan that is no exercise: a coffee break, or the minutes everyone
    needs to scan the code and join before the first step."""

    before: str = Field(pattern=SLUG, max_length=40)
    """The id of the exercise the break comes before."""
    minutes: int = Field(ge=1, le=120)
    title: str = Field(default="Break", min_length=1, max_length=40)


DEFAULT_SIDES = (
    Side(id="it", label="IT"),
    Side(id="marketing", label="Marketing"),
    Side(id="other", label="Other"),
)


class ExerciseBase(Strict):
    """What every exercise has; each kind's model adds `kind` and its own fields
    (`activities/<kind>.py`), after these, so that stored templates keep their order."""

    id: str = Field(pattern=SLUG, max_length=40)
    """Unique within the template; other exercises refer to it (`source`, `compare_with`)."""
    title: str = Field(min_length=1, max_length=80)
    prompt: str = Field(min_length=1, max_length=400)
    """What phones show: one or two plain sentences."""
    notes: str = ""
    """The facilitator's talk track; shown in the TUI only, never on phones or in exports."""
    minutes: int = Field(default=10, ge=1, le=240)
    """The timebox; the countdown starts when the exercise opens."""
    identity: Identity = "side"
    """Who may be seen with one person's input, on every surface (the TUI, phones,
    the projector, every export): `named` their name and side, `side` their side
    only, `anonymous` neither. Left out, the kind's own default (`Kind.identity`).
    Team figures (a side's mean, share, count) show at any level, but only from
    `Template.min_answers` people on that side (`workshop.privacy`)."""
    reveal: Reveal = "on_close"
    """When phones see the results: always, once closed, or when the facilitator says so."""
    section: Section | None = None
    """Where the result lands in the joint agenda document; None = appendix only."""

    if TYPE_CHECKING:
        # Declared by each kind's model as its own Literal, after the fields above: a
        # field here would come first in every stored template.
        kind: str

    @model_validator(mode="before")
    @classmethod
    def _identity(cls, data: Any) -> Any:
        """The kind's default identity when the template names none; a session stored
        before identity levels (`anonymous = true/false`) reads as `anonymous` or the
        kind's default."""
        if not isinstance(data, dict) or ("identity" in data and "anonymous" not in data):
            return data
        data = dict(data)
        anonymous = data.pop("anonymous", None)
        if "identity" in data:
            raise ValueError("give `identity` only (`anonymous` is its old spelling: anonymous = true is identity = \"anonymous\")")
        if anonymous is True:
            data["identity"] = "anonymous"
        elif anonymous is False or anonymous is None:
            data["identity"] = default_identity(data.get("kind"))
        else:
            raise ValueError("`anonymous` must be true or false (better: identity = \"named\", \"side\" or \"anonymous\")")
        return data


class Sourced(Strict):
    """Mixin for kinds whose items are fixed `options`, an earlier exercise's output, or both."""

    options: list[Annotated[str, Field(min_length=1, max_length=120)]] = []
    source: str | None = Field(default=None, pattern=SLUG)
    """Id of an earlier brainstorm (its themes and ideas) or dotvote (its ranking)."""
    top: int | None = Field(default=None, ge=1, le=50)
    """With a dotvote source: take only its top N items."""

    @model_validator(mode="after")
    def _has_items(self) -> Sourced:
        if not self.options and self.source is None:
            raise ValueError("needs `options` (a list of items), `source` (an earlier exercise id), or both")
        if self.top is not None and self.source is None:
            raise ValueError("`top` only applies together with `source`")
        return self


@runtime_checkable
class HasSource(Protocol):
    """An exercise whose items may come from an earlier one: `Sourced`, by its shape
    (a type checker cannot narrow to two pydantic models at once)."""

    @property
    def source(self) -> str | None: ...
    @property
    def top(self) -> int | None: ...


@runtime_checkable
class Compares(Protocol):
    """An exercise that can be compared with an earlier one of its kind (scale's
    `compare_with`); the two must have as many statements. Named by shape, so that
    this module names no kind."""

    @property
    def compare_with(self) -> str | None: ...
    @property
    def statements(self) -> list[str]: ...


def _exercise_of_its_kind(value: Any, handler: Any) -> Any:
    """An exercise table validated by its kind's own model (see `activities/kind.py`):
    the kinds own their template fields, so the registry is asked here, when a
    template is read, rather than when this module is imported."""
    if isinstance(value, ExerciseBase):
        return value
    if isinstance(value, dict):
        from .activities import KINDS  # noqa: PLC0415 - the kinds import this module

        kind = KINDS.get(value.get("kind"))  # type: ignore[arg-type]  # any value a table holds; an unknown one finds no kind
        if kind is None:
            raise PydanticCustomError(
                "union_tag_invalid",
                "unknown kind {kind!r}; expected one of {expected}",
                {"kind": value.get("kind"), "expected": ", ".join(KINDS)},
            )
        return kind.config.model_validate(value)
    return handler(value)


Exercise = Annotated[SerializeAsAny[ExerciseBase], WrapValidator(_exercise_of_its_kind)]
"""Any exercise, as the model of its kind (`ScaleExercise`, …)."""


# --------------------------------------------------------------------------- translations

Language = Literal["en", "de", "fr", "es"]
"""The languages the phone page and the projector speak (their catalogues are
`workshop/web/i18n/<language>.json`)."""
LANGUAGES: tuple[Language, ...] = ("en", "de", "fr", "es")
TRANSLATABLE_LISTS = ("statements", "labels", "options", "rows", "choices", "axes")
"""The lists of an exercise that phones show, by the names the kinds give them: a
template may translate those its exercise has, entry for entry."""

Words = list[Annotated[str, Field(min_length=1, max_length=200)]]


class ExerciseWords(Strict):
    """One exercise's own text in another language, as a template's
    `[translations.<language>.exercises.<exercise id>]` gives it. Every field is
    optional: what is left out shows as written. A list has as many entries as the
    exercise's own, in the same order (`Template._translations_fit` checks it, and
    that the exercise has the field at all). The talk track (`notes`) is never
    translated: it is the facilitator's, and no phone shows it."""

    title: str | None = Field(default=None, min_length=1, max_length=80)
    prompt: str | None = Field(default=None, min_length=1, max_length=400)
    statements: Words | None = None
    """scale"""
    labels: Words | None = None
    """scale: the two ends"""
    options: Words | None = None
    """dotvote, poll, allocate, matrix, rank, initiatives: the fixed items (not those
    taken from a `source`: people wrote those)"""
    rows: Words | None = None
    """ownership"""
    choices: Words | None = None
    """ownership"""
    axes: Words | None = None
    """matrix"""


class Translation(Strict):
    """A template's text in one language (`[translations.<language>]`): phones and
    the projector set to that language show it instead of the original, which stays
    what the TUI and the documents print."""

    title: str | None = Field(default=None, min_length=1, max_length=120)
    """The template's title."""
    description: str | None = None
    sides: dict[str, Annotated[str, Field(min_length=1, max_length=24)]] = Field(default_factory=dict)
    """Side id → its label in this language."""
    exercises: dict[str, ExerciseWords] = Field(default_factory=dict)
    """Exercise id → its text in this language."""


def translation_problems(template: Template) -> list[str]:
    """What does not fit in a template's translations, one sentence each, naming the
    language, the exercise (or side) and the field: an id that is no exercise's, a
    field the exercise does not have, a list of another length than the original."""
    problems = []
    exercises = {ex.id: ex for ex in template.exercises}
    side_ids = [side.id for side in template.sides]
    for lang, words in template.translations.items():
        for side in words.sides:
            if side not in side_ids:
                problems.append(f"translation {lang!r}, side {side!r}: no side has this id (the sides are {', '.join(side_ids)})")
        for ex_id, own in words.exercises.items():
            ex = exercises.get(ex_id)
            if ex is None:
                near = difflib.get_close_matches(ex_id, exercises, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append(f"translation {lang!r}, exercise {ex_id!r}: no exercise has this id{hint}")
                continue
            fields = type(ex).model_fields
            has = ["title", "prompt", *(name for name in TRANSLATABLE_LISTS if name in fields and getattr(ex, name))]
            for name in TRANSLATABLE_LISTS:
                given = getattr(own, name)
                if given is None:
                    continue
                where = f"translation {lang!r}, exercise {ex_id!r}, field {name!r}"
                if name not in has:
                    problems.append(f"{where}: this {ex.kind} exercise has no {name} to translate (it has {', '.join(has)})")
                elif len(given) != len(getattr(ex, name)):
                    problems.append(f"{where}: {len(given)} given, the exercise has {len(getattr(ex, name))}; give one for each, in the same order")
    return problems


# --------------------------------------------------------------------------- follow-ups

ActionStatus = Literal["done", "on track", "at risk", "dropped"]
"""Where a carried action stands at a follow-up, as the room settles it."""
ACTION_STATUSES: tuple[ActionStatus, ...] = ("done", "on track", "at risk", "dropped")


class StatusNote(Strict):
    """An action's status as an earlier follow-up recorded it, with the reason."""

    session: str
    """The follow-up session's id."""
    at: float
    """When that session was created (its date)."""
    status: ActionStatus
    reason: str


class KpiReading(Strict):
    """An initiative's KPI as its leads gave it at an earlier follow-up."""

    session: str
    at: float
    value: str


class CarriedInitiative(Strict):
    """An agreed joint initiative, carried over read-only into a follow-up: what its
    KPI is to be measured against (baseline, target, time frame) and by whom."""

    id: str
    """"i1", "i2" … in this follow-up (`review.CARRIED` + id is its reference)."""
    title: str
    outcome: str = ""
    kpi: str = ""
    baseline: str = ""
    target: str = ""
    timeframe: str = ""
    it_lead: str = ""
    marketing_lead: str = ""
    budget: str = ""
    agreed_in: str
    """The id of the session that agreed it."""
    readings: list[KpiReading] = []
    """Its KPI at each earlier follow-up, oldest first."""


class CarriedRecord(Strict):
    """A decision, action, risk, ask or checkpoint of an earlier session, carried over
    read-only into a follow-up; an action's status is recorded there (`workshop.review`)."""

    id: str
    """"a1", "d2" … in this follow-up, numbered afresh per kind (an earlier follow-up's
    own records come after those it carried)."""
    kind: Literal["decision", "action", "risk", "ask", "checkpoint"]
    text: str
    owner: str = ""
    due: str = ""
    mitigation: str = ""
    about: str = ""
    """What it was about, in words (the item it pointed at is not in this session)."""
    accountable: str = ""
    initiative: str = ""
    """The id of the carried initiative it belongs to ("i1"), or ""."""
    recorded_in: str
    """The id of the session it was recorded in."""
    original_id: str
    """Its id there ("a3")."""
    history: list[StatusNote] = []
    """Its status at each earlier follow-up, oldest first."""


class PulseFigure(Strict):
    """One pulse statement at one point in time: per side (and "all") the mean rating
    and how many gave one. A side with answers but fewer than the session's
    `min_answers` has no entry: its figures were never carried."""

    mean: dict[str, float] = {}
    n: dict[str, int] = {}


class SamePeople(Strict):
    """Within one session, a statement before → after among the people who rated it
    both times (a check-out's shift), per side; sides under k left out."""

    before: dict[str, float] = {}
    after: dict[str, float] = {}
    n: dict[str, int] = {}


class RatedBy(Strict):
    """One person's ratings at a pulse whose answers were named: only then may a later
    session follow them by name (`followup.over_time`)."""

    name: str
    side: str
    ratings: list[int | None]
    """One per statement, None where they gave none."""


class PulsePoint(Strict):
    """The pulse at one moment — a check-in, a check-out, a follow-up — as it is
    carried: aggregates per side, and people by name only where the pulse was named."""

    label: str
    """"Check-in", "Check-out", "Follow-up 1"."""
    session: str
    title: str
    """The exercise's title."""
    at: float
    """When the exercise first opened."""
    identity: Identity
    min_answers: int
    figures: list[PulseFigure]
    """One per statement, in order."""
    withheld: list[str] = []
    """Sides that answered but had fewer than `min_answers` people."""
    same_people: list[SamePeople] | None = None
    """A check-out: the shift since the check-in among the people who rated both."""
    people: list[RatedBy] = []
    """Only where `identity` is "named", and only people with a name no one else there had."""


class ChainLink(Strict):
    """A session earlier in a follow-up's chain: the first workshop, then each follow-up."""

    session: str
    title: str
    at: float
    follow_up: bool = False
    """False for the workshop the chain starts with."""
    done: int = 0
    """At a follow-up: how many carried actions it found done."""
    reviewed: int = 0
    """At a follow-up: how many carried actions it gave a status."""


class Review(Strict):
    """What a follow-up session reviews: the session it follows up, the chain of
    sessions before it, and what it carries over from them, read-only. It is part of
    the follow-up's template — its agenda is built from it (`workshop.followup`) —
    and so it is stored in the session's first event and never changes."""

    follows: str
    """The id of the session this one follows up."""
    chain: list[ChainLink]
    """Every earlier session, the first workshop first; the last is `follows`."""
    initiatives: list[CarriedInitiative] = []
    records: list[CarriedRecord] = []
    statements: list[str] = []
    """The pulse statements, as the first session asked them."""
    scale: list[str] = []
    """The two ends of the pulse's scale, then its top as text ("5"); empty: no pulse."""
    pulse: list[PulsePoint] = []
    """The pulse at every earlier point, in order."""
    notes: list[str] = []
    """What could not be carried, or was read from a damaged or older session, for people."""


class Template(Strict):
    title: str = Field(min_length=1, max_length=120)
    description: str = ""
    sides: list[Side] = Field(default=list(DEFAULT_SIDES), min_length=2, max_length=6)
    """The first two are the pair whose perception gap every result shows."""
    exercises: list[Exercise] = Field(min_length=1, max_length=60)
    min_answers: int = Field(default=3, ge=1, le=50)
    """A side's figures (its mean, share, count, the side beside an input) show only
    when at least this many of its people answered the exercise; fewer, and they are
    withheld with the reason, everywhere (`workshop.privacy`)."""
    breaks: list[Break] = Field(default_factory=list, max_length=20)
    buffer: int = Field(default=0, ge=0, le=240)
    """Minutes of the day held back for overruns, in no exercise: the rail counts
    them down as steps run over (10–15% of the exercises' time is usual)."""
    translations: dict[Language, Translation] = Field(default_factory=dict, exclude_if=lambda words: not words)
    """The template's own text in other languages, for phones and the projector set
    to one of them (`views.room_view` sends the current exercise's). Left out of a
    stored template when there are none, so a session without any is stored as before."""
    follow_up: bool = Field(default=False, exclude_if=lambda value: not value)
    """An agenda for reviewing an earlier session (`exercises/follow-up.toml`): it is
    started with `workshop follow-up SESSION`, which fills it from that session, so it
    is not offered for `workshop new`. Left out of a stored template when false."""
    review: Review | None = Field(default=None, exclude_if=lambda review: review is None)
    """In a follow-up session: the session it follows up and what it carries over
    (`workshop.followup`). Left out of a stored template when there is none."""

    @field_validator("sides")
    @classmethod
    def _unique_sides(cls, sides: list[Side]) -> list[Side]:
        ids = [s.id for s in sides]
        if len(set(ids)) != len(ids):
            raise ValueError(f"side ids must be unique, got {ids}")
        return sides

    @model_validator(mode="after")
    def _references(self) -> Template:
        seen: dict[str, ExerciseBase] = {}
        for ex in self.exercises:
            if ex.id in seen:
                raise ValueError(f"exercise id {ex.id!r} is used twice; ids must be unique")
            source = getattr(ex, "source", None)
            if source is not None:
                if source not in seen:
                    raise ValueError(f"exercise {ex.id!r}: source {source!r} must be the id of an earlier exercise")
                if not _is_source(seen[source].kind):
                    raise ValueError(f"exercise {ex.id!r}: source {source!r} is a {seen[source].kind}; expected one of {_source_kinds()}")
            if isinstance(ex, Compares) and ex.compare_with is not None:
                compare_with = ex.compare_with
                before = seen.get(compare_with)
                if before is None or before.kind != ex.kind or not isinstance(before, Compares):
                    raise ValueError(f"exercise {ex.id!r}: compare_with {compare_with!r} must be the id of an earlier {ex.kind} exercise")
                if len(before.statements) != len(ex.statements):
                    raise ValueError(f"exercise {ex.id!r}: compare_with {compare_with!r} has {len(before.statements)} statements, this one has {len(ex.statements)}; they must match")
            seen[ex.id] = ex
        for pause in self.breaks:
            if pause.before not in seen:
                raise ValueError(f"break {pause.title!r}: before {pause.before!r} must be the id of an exercise")
        return self

    @model_validator(mode="after")
    def _translations_fit(self) -> Template:
        """Each translation names real exercises and sides, and only fields they have,
        with lists as long as theirs; every problem is reported at once (`problems` in
        the error's context, which `agenda.load_template` lists one per line)."""
        problems = translation_problems(self)
        if problems:
            raise PydanticCustomError("translations", "{summary}", {"summary": "; ".join(problems), "problems": problems})
        return self

    @property
    def minutes(self) -> int:
        """The exercises' timeboxes added up."""
        return sum(ex.minutes for ex in self.exercises)

    @property
    def planned(self) -> int:
        """The whole plan: exercises, breaks and buffer."""
        return self.minutes + sum(b.minutes for b in self.breaks) + self.buffer

    def breaks_before(self, exercise_id: str) -> list[Break]:
        return [b for b in self.breaks if b.before == exercise_id]

    def timing(self) -> str:
        """"185 minutes (150 in exercises, 15 in breaks, 20 of buffer)": the plan in words."""
        pauses = sum(b.minutes for b in self.breaks)
        if not pauses and not self.buffer:
            return f"{self.minutes} minutes"
        parts = [f"{self.minutes} in exercises"]
        if pauses:
            parts.append(f"{pauses} in {'a break' if len(self.breaks) == 1 else 'breaks'}")
        if self.buffer:
            parts.append(f"{self.buffer} of buffer")
        return f"{self.planned} minutes ({', '.join(parts)})"


def default_identity(kind: object) -> Identity:
    """A kind's default identity level ("side" for a kind that is not known, which
    the kind validator then refuses with its own message)."""
    from .activities import KINDS  # noqa: PLC0415 - the kinds import this module

    known = KINDS.get(kind) if isinstance(kind, str) else None
    return known.identity if known is not None else "side"


def _is_source(kind: str) -> bool:
    """Whether an exercise of this kind can be a later one's `source`."""
    from .activities import KINDS  # noqa: PLC0415 - the kinds import this module

    return KINDS[kind].offers is not None


def _source_kinds() -> str:
    from .activities import KINDS  # noqa: PLC0415

    return ", ".join(name for name, kind in KINDS.items() if kind.offers is not None)


# --------------------------------------------------------------------------- sessions


class State(BaseModel):
    """Base of the mutable session state. Validation is lax here: the state is only
    ever built by the engine or loaded back from our own snapshot."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Participant(State):
    id: str
    name: PeopleText = ""
    side: str
    token: str
    """Server-issued secret that lets a phone reconnect as the same person."""
    joined_at: float
    left: bool = False
    removed: bool = False
    """Taken off the roster by the facilitator: their inputs count nowhere (undoable)."""
    answered: bool = False
    """Has given an input: from then on only the facilitator can change their side."""
    joined_by: str = ""
    """The actor of the join that last let this phone in (`join:<message id>`): a
    join sent again after a crash finds the participant it already made."""


class Item(State):
    """Something participants act on: a statement, an option, a row, a sourced idea."""

    id: str
    text: PeopleText
    added_by: str | None = None
    """Participant id when a participant added it (dotvote `allow_add`)."""


class Idea(State):
    id: str
    text: PeopleText
    author: str
    """Participant id, or FACILITATOR for seeds and ideas spoken aloud in the room."""
    side: str | None = None
    """The author's side at the time, so a side change later does not rewrite history."""
    at: float
    hidden: bool = False
    withdrawn: bool = False
    merged_into: str | None = None
    theme: str | None = None


class Theme(State):
    id: str
    name: PeopleText


class Timer(State):
    duration: float = 0.0
    """Seconds on the clock in total, including extensions."""
    started_at: float | None = None
    """Set while running."""
    used: float = 0.0
    """Seconds consumed before the current run."""

    def remaining(self, now: float) -> float:
        running = now - self.started_at if self.started_at is not None else 0.0
        return self.duration - self.used - running

    @property
    def running(self) -> bool:
        return self.started_at is not None


class Comment(State):
    author: str
    target: str
    """An initiative id or candidate item id."""
    text: PeopleText
    at: float


InitiativeStatus = Literal["draft", "agreed", "parked"]


class Initiative(State):
    id: str
    title: PeopleText
    outcome: PeopleText = ""
    """The customer outcome it serves."""
    kpi: PeopleText = ""
    target: PeopleText = ""
    timeframe: PeopleText = ""
    baseline: PeopleText = ""
    """Where the shared KPI stands today: the start of "baseline → target"."""
    budget: PeopleText = ""
    """The money it needs, as written ("€400k"); the board brief shows it, else the share."""
    it_lead: PeopleText = ""
    marketing_lead: PeopleText = ""
    budget_share: PeopleText = ""
    first_step: PeopleText = ""
    status: InitiativeStatus = "draft"
    source_item: str | None = None
    """The candidate item it was drafted from, to find its quadrant and votes."""


INITIATIVE_LABELS = {
    "title": "Title", "outcome": "Customer outcome", "kpi": "Shared KPI", "target": "Target",
    "timeframe": "Time frame", "it_lead": "IT lead", "marketing_lead": "Marketing lead",
    "budget_share": "Budget share", "first_step": "First step", "baseline": "Baseline (the KPI today)",
    "budget": "Budget in money",
}
"""The text fields of an initiative, in the order people fill them, with their labels."""
INITIATIVE_FIELDS = tuple(INITIATIVE_LABELS)

Status = Literal["pending", "open", "closed"]


class ExerciseState(State):
    """What happened in one exercise. One shape for all kinds; each kind uses the parts
    it needs (see `activities/`), which keeps the store and the export generic."""

    status: Status = "pending"
    revealed: bool = False
    """Set by the facilitator's reveal; see `activities.common.results_visible`."""
    opened_at: float | None = None
    """When it first opened; None means never (its sourced items are not resolved yet)."""
    open_since: float | None = None
    """Start of the current open spell."""
    closed_at: float | None = None
    active_seconds: float = 0.0
    """Time spent open, summed over every time it was opened."""
    timer: Timer = Field(default_factory=Timer)
    items: list[Item] = Field(default_factory=list)
    ideas: dict[str, Idea] = Field(default_factory=dict)
    themes: dict[str, Theme] = Field(default_factory=dict)
    scores: dict[str, dict[str, int]] = Field(default_factory=dict)
    """participant → item → value: a rating, dots, points, a pick (1) or a choice index."""
    places: dict[str, dict[str, tuple[int, int]]] = Field(default_factory=dict)
    """participant → item → (x, y) for a matrix."""
    other: dict[str, str] = Field(default_factory=dict)
    """participant → free text of a poll's 'Other' answer."""
    volunteers: dict[str, list[str]] = Field(default_factory=dict)
    """initiative or item id → participant ids who volunteered as champion."""
    comments: list[Comment] = Field(default_factory=list)
    initiatives: dict[str, Initiative] = Field(default_factory=dict)
    sides: dict[str, str | None] = Field(default_factory=dict)
    """participant → the side they were on when they first answered here: their
    answers count for that side, so moving someone later never changes this result."""
    _withheld: frozenset[str] = PrivateAttr(default_factory=frozenset)

    @property
    def withheld(self) -> frozenset[str]:
        """Sides whose figures are withheld in this copy (`privacy.protect`): their
        people's answers count for the room only. Empty in the stored state."""
        return self._withheld

    counter: int = 0
    """Source of ids for ideas, themes, items and initiatives within the exercise."""

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


STATE_VERSION = 3
"""The shape of the session state this code derives from the journal. Bump it when the
fold derives something new (2: the side each answer counts for, who has answered; 3:
identity levels, records and executives, and old templates read through the journal's
upgrade, which keeps their brainstorm caps as they were): a snapshot of another
version is not used, and the journal is replayed instead."""


RecordKind = Literal["decision", "action", "risk", "ask", "checkpoint"]
RECORD_KINDS: tuple[RecordKind, ...] = ("decision", "action", "risk", "ask", "checkpoint")


class Record(State):
    """A decision, an action, a risk, an ask of the sponsor or the next checkpoint,
    recorded by the facilitator during the day (`workshop.records`): what the joint
    agenda asks people to act on."""

    id: str
    """"d1", "a2", "r3": its kind's letter and a number, in the order recorded."""
    kind: RecordKind
    text: PeopleText
    """What was decided, what is to be done, or what could go wrong."""
    owner: PeopleText = ""
    """Who decided (a decision), who does it (an action), who watches it (a risk):
    a participant, the CIO, the CMO or anyone named."""
    due: str = ""
    """An action's due date, or a checkpoint's date, YYYY-MM-DD."""
    mitigation: PeopleText = ""
    """A risk's mitigation."""
    about: str | None = None
    """"exercise:item" — what it settles or comes from (a who-leads row, a worry)."""
    initiative: str | None = None
    """"exercise:initiative" — the joint initiative it belongs to."""
    accountable: str = ""
    """A decision that settles a who-leads row: the one choice accountable for it."""
    at: float
    dropped: bool = False
    """Struck out by the facilitator (kept in the journal, shown nowhere)."""


class Executives(State):
    """The two people the joint agenda is signed by, and whom it goes to."""

    cio: PeopleText = ""
    cmo: PeopleText = ""
    sponsor: PeopleText = ""
    """The CEO or sponsor the agenda is for (optional)."""


class Reviewed(State):
    """What a follow-up recorded of one carried item (`workshop.review`): an action's
    status and the one-line reason the room gave, or an initiative's KPI now."""

    status: str = ""
    """One of `ACTION_STATUSES`, for an action."""
    reason: str = ""
    value: str = ""
    """The KPI's value now, as its leads gave it, for an initiative."""


class Session(State):
    state_version: int = 0
    """`STATE_VERSION` of the code that built this state; 0 in snapshots from before it was kept."""
    id: str
    title: str
    organisation: str = ""
    facilitator: str = ""
    created_at: float
    room_code: str
    template_name: str
    template: Template
    max_participants: int = 120
    participants: dict[str, Participant] = Field(default_factory=dict)
    exercises: dict[str, ExerciseState] = Field(default_factory=dict)
    current: int = 0
    """Index of the exercise the room is on (open or about to be)."""
    seq: int = 0
    """Sequence number of the last event folded into this state."""
    published: bool = False
    """The facilitator published the joint agenda to the phones."""
    locked: bool = False
    """No newcomers: only phones already in the session can (re)join."""
    executives: Executives = Field(default_factory=Executives)
    records: dict[str, Record] = Field(default_factory=dict)
    """Decisions, actions and risks by id, in the order recorded."""
    handled: dict[str, int] = Field(default_factory=dict)
    """`actor/cmd_id` → seq of the first event it caused: a repeated command id is
    recognised, even after a restart, and changes nothing."""
    reviewed: dict[str, Reviewed] = Field(default_factory=dict)
    """In a follow-up: carried action or initiative id ("a1", "i2") → what was
    recorded of it here (`workshop.review`). Empty in any other session."""

    @property
    def review(self) -> Review | None:
        """What this session reviews, when it is a follow-up (`Template.review`)."""
        return self.template.review

    @property
    def follows(self) -> str | None:
        """The id of the session this one follows up, or None."""
        return self.template.review.follows if self.template.review is not None else None

    def exercise(self, exercise_id: str) -> ExerciseBase:
        """The template's definition of an exercise (KeyError if unknown)."""
        for ex in self.template.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    @property
    def current_exercise(self) -> ExerciseBase:
        return self.template.exercises[self.current]

    def side_label(self, side_id: str | None) -> str:
        for side in self.template.sides:
            if side.id == side_id:
                return side.label
        return side_id or ""

    def active_participants(self) -> list[Participant]:
        return [p for p in self.participants.values() if not p.left and not p.removed]
