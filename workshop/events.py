"""Events: the facts the engine recorded. A session is the fold of its events.

Events are stored, one per line, in a session's journal, and a saved journal must
load in every later version of Common Ground. That is why they have models of their
own here, separate from the commands in `commands.py`: a command is the wire format
a phone sends today (`protocol.py` parses phones' frames straight into it) and may
change with the phones — a new field, a tighter limit — while an event is a fact
that was already accepted and must stay readable whatever later versions allow. So
stored fields use plain types with no length limits, and this module never imports
`commands.py`.

Most accepted commands are recorded as they came, after the rules cleaned them up:
`recorded(cmd)` turns one into its event (a `vote` command becomes a `Voted`,
stored with the same `type` and fields). The few whose outcome holds something the
engine decided — an id it issued, the items it resolved from an earlier exercise,
the exercise it moved to — are recorded as the richer events `Created`, `Joined`,
`Opened`, `Closed`, `IdeaAdded`, `ItemAdded`, `Grouped` and `InitiativeDrafted`,
so that replaying never has to decide anything again.

Versions: each stored line carries the journal schema `"v": SCHEMA` (`Event.to_json`);
the first version wrote none, so a line without it is version 1. `Event.from_stored`
reads a line of any version up to `SCHEMA`, upgrading it step by step through
`UPGRADES`, and refuses a newer one with `NewerSchema`. To change a stored shape:

1. bump `SCHEMA` (say to 2) and change the models here to the new shape;
2. add `UPGRADES[1]`: a function that takes an event dict as version 1 stored it
   (without its "v") and returns the same event as version 2 would store it
   (it may change the dict it is given);
3. keep a journal written by the old version as a test fixture, and check it loads.

Upgrades are applied in order (1 → 2 → 3 …), so each one only knows its own step.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Annotated, Any, Literal, Protocol, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .model import Executives, Idea, Initiative, Item, PeopleText, Record, Template, default_identity

SCHEMA = 2
"""The version of the stored event shape this code writes (and the newest it reads)."""


def _identity_levels(data: dict[str, Any]) -> dict[str, Any]:
    """1 → 2: a template's exercises said `anonymous = true/false`; they now say
    `identity` ("anonymous", or the kind's default where they were not anonymous).
    A brainstorm keeps its caps whatever the room (`room_ideas` None). A drafted
    initiative gains its (empty) `baseline` and `budget`."""
    if data.get("body", {}).get("type") == "initiative_drafted":
        data["body"]["initiative"].setdefault("baseline", "")
        data["body"]["initiative"].setdefault("budget", "")
    if data.get("body", {}).get("type") == "created":
        for exercise in data["body"].get("template", {}).get("exercises", []):
            if "identity" not in exercise:
                anonymous = exercise.pop("anonymous", False)
                exercise["identity"] = "anonymous" if anonymous is True else default_identity(exercise.get("kind"))
            if exercise.get("kind") == "brainstorm":
                exercise.setdefault("room_ideas", None)  # its caps stay as they were: no scaling with the room
    return data


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _identity_levels}
"""n → the function that turns an event dict stored as version n into version n + 1;
see the module docstring."""


class NewerSchema(ValueError):
    """A stored event written by a newer version of Common Ground than this one. The
    message is for people; the caller adds the file name."""

    def __init__(self, version: int):
        super().__init__(
            f"This session was saved by a newer version of Common Ground (journal schema {version}; "
            f"this version reads up to {SCHEMA}). Update Common Ground to open it; nothing was changed."
        )
        self.version = version


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ------------------------------------------------------------ decided by the engine


class Created(Body):
    type: Literal["created"] = "created"
    session_id: str
    title: str
    organisation: str = ""
    facilitator: str = ""
    template_name: str
    template: Template
    room_code: str
    max_participants: int = 120
    executives: Executives | None = None
    """Who signs the joint agenda, when named as the session was created."""


class Arrival(BaseModel):
    """Who joined, as the join recorded them: the stored shape, kept apart from the
    session's `model.Participant`, which holds more that happens later."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: PeopleText = ""
    side: str
    token: str
    joined_at: float
    left: bool = False
    joined_by: str = ""


class Joined(Body):
    """A new participant, or a phone coming back with its token (the same id: its name,
    side, `left` and `joined_by` are updated, nothing else)."""

    type: Literal["joined"] = "joined"
    participant: Arrival


class Opened(Body):
    type: Literal["opened"] = "opened"
    exercise: str
    items: list[Item] = []
    """Items resolved from the exercise's `source` when it first opens."""


class Closed(Body):
    type: Literal["closed"] = "closed"
    exercise: str


class IdeaAdded(Body):
    type: Literal["idea_added"] = "idea_added"
    exercise: str
    idea: Idea


class ItemAdded(Body):
    type: Literal["item_added"] = "item_added"
    exercise: str
    item: Item


class Grouped(Body):
    type: Literal["grouped"] = "grouped"
    exercise: str
    ideas: list[str]
    theme: str | None
    """The theme id (new or existing), or None to ungroup."""
    name: PeopleText = ""


class InitiativeDrafted(Body):
    type: Literal["initiative_drafted"] = "initiative_drafted"
    exercise: str
    initiative: Initiative


class Recorded(Body):
    """A decision, action or risk, with the id the engine gave it."""

    type: Literal["recorded"] = "recorded"
    record: Record


# ------------------------------------------------------------ recorded as they came
# Each keeps the `type` and the fields of the command it records (see `recorded`).


class Renamed(Body):
    type: Literal["rename"] = "rename"
    name: PeopleText = ""
    side: str | None = None
    """None: the side did not change."""


class Left(Body):
    type: Literal["leave"] = "leave"


class IdeaEdited(Body):
    type: Literal["edit_idea"] = "edit_idea"
    exercise: str
    idea: str
    text: PeopleText


class IdeaWithdrawn(Body):
    type: Literal["withdraw_idea"] = "withdraw_idea"
    exercise: str
    idea: str


class Voted(Body):
    type: Literal["vote"] = "vote"
    exercise: str
    item: str


class Unvoted(Body):
    type: Literal["unvote"] = "unvote"
    exercise: str
    item: str


class Rated(Body):
    type: Literal["rate"] = "rate"
    exercise: str
    item: str
    value: int


class Picked(Body):
    """The participant's whole answer; no options and no text cleared it."""

    type: Literal["pick"] = "pick"
    exercise: str
    items: list[str] = []
    other: PeopleText = ""


class Allocated(Body):
    type: Literal["allocate"] = "allocate"
    exercise: str
    points: dict[str, int]
    """Item id → points, items given none left out."""


class ItemPlaced(Body):
    type: Literal["place"] = "place"
    exercise: str
    item: str
    x: int
    y: int


class OwnerChosen(Body):
    type: Literal["choose_owner"] = "choose_owner"
    exercise: str
    item: str
    choice: int
    """Index into the exercise's `choices`."""


class Volunteered(Body):
    type: Literal["volunteer"] = "volunteer"
    exercise: str
    target: str
    """An initiative id, or a candidate item id."""
    on: bool = True
    """False: stepped back as a champion."""


class Commented(Body):
    type: Literal["comment"] = "comment"
    exercise: str
    target: str
    text: PeopleText


class Revealed(Body):
    type: Literal["reveal"] = "reveal"
    exercise: str
    revealed: bool = True


class TimerStarted(Body):
    type: Literal["timer_start"] = "timer_start"
    exercise: str


class TimerPaused(Body):
    type: Literal["timer_pause"] = "timer_pause"
    exercise: str


class TimerExtended(Body):
    type: Literal["timer_extend"] = "timer_extend"
    exercise: str
    seconds: int = 60


class IdeaHidden(Body):
    type: Literal["hide_idea"] = "hide_idea"
    exercise: str
    idea: str
    hidden: bool = True


class IdeasMerged(Body):
    type: Literal["merge_ideas"] = "merge_ideas"
    exercise: str
    idea: str
    into: str


class ThemeRenamed(Body):
    type: Literal["rename_theme"] = "rename_theme"
    exercise: str
    theme: str
    name: PeopleText


class InitiativeUpdated(Body):
    type: Literal["update_initiative"] = "update_initiative"
    exercise: str
    initiative: str
    fields: dict[str, PeopleText]


class InitiativeStatusSet(Body):
    type: Literal["initiative_status"] = "initiative_status"
    exercise: str
    initiative: str
    status: str
    """One of `model.InitiativeStatus` ("draft", "agreed" or "parked") when it was recorded."""


class Published(Body):
    type: Literal["publish"] = "publish"
    published: bool = True


class ParticipantMoved(Body):
    type: Literal["move_participant"] = "move_participant"
    participant: str
    side: str


class ParticipantRemoved(Body):
    type: Literal["remove_participant"] = "remove_participant"
    participant: str
    removed: bool = True


class RoomLocked(Body):
    type: Literal["lock_room"] = "lock_room"
    locked: bool = True


class RecordAmended(Body):
    type: Literal["amend_record"] = "amend_record"
    record: str
    fields: dict[str, PeopleText]


class RecordDropped(Body):
    type: Literal["drop_record"] = "drop_record"
    record: str
    dropped: bool = True


class ExecutivesNamed(Body):
    type: Literal["name_executives"] = "name_executives"
    cio: PeopleText = ""
    cmo: PeopleText = ""
    sponsor: PeopleText = ""


EventBody = Annotated[
    Created | Joined | Opened | Closed | IdeaAdded | ItemAdded | Grouped | InitiativeDrafted
    | Renamed | Left | IdeaEdited | IdeaWithdrawn | Voted | Unvoted | Rated | Picked | Allocated
    | ItemPlaced | OwnerChosen | Volunteered | Commented | Revealed | TimerStarted | TimerPaused
    | TimerExtended | IdeaHidden | IdeasMerged | ThemeRenamed | InitiativeUpdated
    | InitiativeStatusSet | Published | ParticipantMoved | ParticipantRemoved | RoomLocked
    | Recorded | RecordAmended | RecordDropped | ExecutivesNamed,
    Field(discriminator="type"),
]

BODIES: tuple[type[Body], ...] = get_args(get_args(EventBody)[0])
"""Every event body class."""

RecordedBody = (
    Renamed | Left | IdeaEdited | IdeaWithdrawn | Voted | Unvoted | Rated | Picked | Allocated
    | ItemPlaced | OwnerChosen | Volunteered | Commented | Revealed | TimerStarted | TimerPaused
    | TimerExtended | IdeaHidden | IdeasMerged | ThemeRenamed | InitiativeUpdated
    | InitiativeStatusSet | Published | ParticipantMoved | ParticipantRemoved | RoomLocked
    | RecordAmended | RecordDropped | ExecutivesNamed
)
"""An event that records a command as it came (see `recorded`)."""

RECORDED: dict[str, type[RecordedBody]] = {cls.model_fields["type"].default: cls for cls in get_args(RecordedBody)}
"""Command type → the event that records such a command as it came."""


class Recordable(Protocol):
    """What `recorded` needs of a command (this module never imports `commands.py`)."""

    @property
    def type(self) -> str: ...
    def model_dump(self) -> dict[str, Any]: ...


def recorded(cmd: Recordable) -> RecordedBody:
    """The event recording an accepted command as it stands (after the rules cleaned
    it up): the event class of its `type`, validated from its fields."""
    try:
        cls = RECORDED[cmd.type]
    except KeyError:
        raise TypeError(f"a {cmd.type!r} command is not recorded as it came; its rule returns its own event") from None
    return cls.model_validate(cmd.model_dump())


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A stored event dict as this version stores it, without its "v" (missing: 1).
    NewerSchema if a newer version wrote it. The given dict is left as it was."""
    data = dict(data)
    version = data.pop("v", 1)
    if type(version) is not int or version < 1:
        raise ValueError(f"journal schema version must be a whole number from 1, not {version!r}")
    if version > SCHEMA:
        raise NewerSchema(version)
    if version < SCHEMA:
        data = copy.deepcopy(data)
        for step in range(version, SCHEMA):
            data = UPGRADES[step](data)
    return data


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int
    """1, 2, 3 … within a session; the store checks there are no gaps."""
    at: float
    """Wall-clock seconds, from the command's clock, never read by the core itself."""
    actor: str
    cmd_id: str
    body: EventBody

    def to_json(self) -> dict[str, Any]:
        """The event as stored: its fields and the schema version `"v"`."""
        return {"v": SCHEMA, **self.model_dump(mode="json")}

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Event:
        """An event from a stored dict of any schema version up to `SCHEMA` (a line
        without "v" is version 1), upgraded through `UPGRADES`. NewerSchema when a newer
        version of Common Ground wrote it; ValidationError when it is not an event."""
        return cls.model_validate(upgraded(data))

    @model_validator(mode="before")
    @classmethod
    def _versioned(cls, data: Any) -> Any:
        """`model_validate` takes the current shape (in-memory use, no "v"); given a
        dict that carries its "v" (what `to_json` writes) it reads it as `from_stored`
        does, so a caller holding stored dicts may use either."""
        if isinstance(data, dict) and "v" in data:
            return upgraded(data)
        return data
