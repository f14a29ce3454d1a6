"""Commands: what a phone or the facilitator asks the engine to do.

A command is a request, not a fact: the engine may refuse it (see `engine.py`).
Every command arrives with an actor (a participant id or `FACILITATOR`) and a
command id chosen by the sender; a repeated id changes nothing and gets the first
answer again, which makes retries after a lost connection safe.

Participant commands name the exercise they act on, so a phone still showing a
closed exercise gets a clear refusal instead of voting in the wrong place.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .model import InitiativeStatus
from .text import clean

Text = Annotated[str, Field(max_length=2000), AfterValidator(clean)]
"""Free text from a person: cleaned here, where it is parsed (no control, bidi or
invisible character; see `text.clean`), with an upper bound before the kind's own,
friendlier limit applies. Text with nothing visible arrives empty, and the rule that
needs it says so."""
Name = Annotated[str, Field(max_length=200), AfterValidator(clean)]
"""A person's name or a short label, cleaned like `Text`."""


class Cmd(BaseModel):
    """Strict: a number is a JSON number, never a string, a boolean or a float."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OnExercise(Cmd):
    exercise: str


# ----------------------------------------------------------------- participants


class Join(Cmd):
    type: Literal["join"] = "join"
    name: Name = ""
    side: str
    token: str
    """Issued by the room server (random), never chosen by the phone."""


class Rename(Cmd):
    type: Literal["rename"] = "rename"
    name: Name = ""
    side: str | None = None


class Leave(Cmd):
    type: Literal["leave"] = "leave"


class SubmitIdea(OnExercise):
    """A participant's idea, or one the facilitator adds when it was spoken in the room."""

    type: Literal["submit_idea"] = "submit_idea"
    text: Text
    side: str | None = None
    """Only the facilitator sets this (whose idea it was); a phone's own side is used otherwise."""


class EditIdea(OnExercise):
    type: Literal["edit_idea"] = "edit_idea"
    idea: str
    text: Text


class WithdrawIdea(OnExercise):
    type: Literal["withdraw_idea"] = "withdraw_idea"
    idea: str


class AddItem(OnExercise):
    type: Literal["add_item"] = "add_item"
    text: Text


class Vote(OnExercise):
    type: Literal["vote"] = "vote"
    item: str


class Unvote(OnExercise):
    type: Literal["unvote"] = "unvote"
    item: str


class Rate(OnExercise):
    type: Literal["rate"] = "rate"
    item: str
    value: int


class Pick(OnExercise):
    """Replaces the participant's whole answer; no options and no text clears it."""

    type: Literal["pick"] = "pick"
    items: Annotated[list[str], Field(max_length=50)] = []
    other: Text = ""


class Allocate(OnExercise):
    type: Literal["allocate"] = "allocate"
    points: Annotated[dict[str, int], Field(max_length=60)]


class Place(OnExercise):
    type: Literal["place"] = "place"
    item: str
    x: int
    y: int


class ChooseOwner(OnExercise):
    type: Literal["choose_owner"] = "choose_owner"
    item: str
    choice: int
    """Index into the exercise's `choices`."""


class Volunteer(OnExercise):
    type: Literal["volunteer"] = "volunteer"
    target: str
    """An initiative id, or a candidate item id before initiatives are drafted."""
    on: bool = True


class Comment(OnExercise):
    type: Literal["comment"] = "comment"
    target: str
    text: Text


class DraftFields(OnExercise):
    """A breakout table writes its draft: a champion of an initiative in draft sets
    some of its fields from a phone (`initiatives.BREAKOUT_FIELDS`), when the exercise
    has `breakouts`."""

    type: Literal["draft_fields"] = "draft_fields"
    initiative: str
    fields: Annotated[dict[Annotated[str, Field(max_length=40)], Text], Field(min_length=1, max_length=12)]


# ----------------------------------------------------------------- facilitator


class Open(OnExercise):
    type: Literal["open"] = "open"


class Close(OnExercise):
    type: Literal["close"] = "close"


class Reveal(OnExercise):
    type: Literal["reveal"] = "reveal"
    revealed: bool = True


class Next(Cmd):
    type: Literal["next"] = "next"


class Back(Cmd):
    type: Literal["back"] = "back"


class TimerStart(OnExercise):
    type: Literal["timer_start"] = "timer_start"


class TimerPause(OnExercise):
    type: Literal["timer_pause"] = "timer_pause"


class TimerExtend(OnExercise):
    type: Literal["timer_extend"] = "timer_extend"
    seconds: int = 60


class HideIdea(OnExercise):
    type: Literal["hide_idea"] = "hide_idea"
    idea: str
    hidden: bool = True


class MergeIdeas(OnExercise):
    """Folds a duplicate into another idea; the duplicate's author still counts."""

    type: Literal["merge_ideas"] = "merge_ideas"
    idea: str
    into: str


class GroupIdeas(OnExercise):
    """Puts ideas under a theme named `theme` (made if new); an empty name ungroups them."""

    type: Literal["group_ideas"] = "group_ideas"
    ideas: Annotated[list[str], Field(min_length=1, max_length=200)]
    theme: Name = ""


class RenameTheme(OnExercise):
    type: Literal["rename_theme"] = "rename_theme"
    theme: str
    name: Name


class DraftInitiative(OnExercise):
    type: Literal["draft_initiative"] = "draft_initiative"
    title: Name
    source_item: str | None = None


class UpdateInitiative(OnExercise):
    """Sets any of the initiative's text fields (see `model.INITIATIVE_FIELDS`)."""

    type: Literal["update_initiative"] = "update_initiative"
    initiative: str
    fields: Annotated[dict[str, Text], Field(max_length=12)]


class SetInitiativeStatus(OnExercise):
    type: Literal["initiative_status"] = "initiative_status"
    initiative: str
    status: InitiativeStatus


class MoveParticipant(Cmd):
    """Puts a participant on another side. What they answered before keeps the side it
    was given under; only later answers count for the new side."""

    type: Literal["move_participant"] = "move_participant"
    participant: str
    side: str


class RemoveParticipant(Cmd):
    """Takes a participant off the roster — their inputs no longer count in any result
    or export, and their phone can no longer act — or, with `removed=False`, back on."""

    type: Literal["remove_participant"] = "remove_participant"
    participant: str
    removed: bool = True


class LockRoom(Cmd):
    """Closes the room to newcomers (phones already in the session still get back in)."""

    type: Literal["lock_room"] = "lock_room"
    locked: bool = True


class Publish(Cmd):
    """Shows (or hides again) the joint agenda on the phones."""

    type: Literal["publish"] = "publish"
    published: bool = True


class RecordOutcome(Cmd):
    """A decision, an action or a risk (see `model.Record` and `workshop.records`)."""

    type: Literal["record"] = "record"
    kind: Literal["decision", "action", "risk", "ask", "checkpoint"]
    text: Text
    owner: Name = ""
    due: Name = ""
    mitigation: Text = ""
    about: str | None = None
    initiative: str | None = None
    accountable: Name = ""


class AmendRecord(Cmd):
    """Sets any of a record's fields (those of `RecordOutcome` but `kind`)."""

    type: Literal["amend_record"] = "amend_record"
    record: str
    fields: Annotated[dict[str, Text], Field(max_length=8)]


class DropRecord(Cmd):
    type: Literal["drop_record"] = "drop_record"
    record: str
    dropped: bool = True


class NameExecutives(Cmd):
    """Who signs the joint agenda (the CIO and the CMO) and whom it goes to."""

    type: Literal["name_executives"] = "name_executives"
    cio: Name = ""
    cmo: Name = ""
    sponsor: Name = ""


PARTICIPANT_COMMANDS = (
    Join, Rename, Leave, SubmitIdea, EditIdea, WithdrawIdea, AddItem, Vote, Unvote, Rate, Pick,
    Allocate, Place, ChooseOwner, Volunteer, Comment, DraftFields,
)
FACILITATOR_COMMANDS = (
    Open, Close, Reveal, Next, Back, TimerStart, TimerPause, TimerExtend, HideIdea, MergeIdeas,
    GroupIdeas, RenameTheme, DraftInitiative, UpdateInitiative, SetInitiativeStatus, Publish,
    MoveParticipant, RemoveParticipant, LockRoom, RecordOutcome, AmendRecord, DropRecord, NameExecutives,
    # The facilitator may also add and edit ideas (spoken aloud, typo fixes).
    SubmitIdea, EditIdea,
)

Command = Annotated[
    Join | Rename | Leave | SubmitIdea | EditIdea | WithdrawIdea | AddItem | Vote | Unvote | Rate
    | Pick | Allocate | Place | ChooseOwner | Volunteer | Comment | DraftFields | Open | Close | Reveal | Next
    | Back | TimerStart | TimerPause | TimerExtend | HideIdea | MergeIdeas | GroupIdeas
    | RenameTheme | DraftInitiative | UpdateInitiative | SetInitiativeStatus | Publish
    | MoveParticipant | RemoveParticipant | LockRoom | RecordOutcome | AmendRecord | DropRecord
    | NameExecutives,
    Field(discriminator="type"),
]
