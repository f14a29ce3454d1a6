"""Events: the facts the engine recorded. A session is the fold of its events.

Most accepted commands are recorded as they came (a `Vote` is its own event); the
few whose outcome holds something the engine decided — an id it issued, the items
it resolved from an earlier exercise, the exercise it moved to — are recorded as
the richer events below, so that replaying never has to decide anything again.

Events are append-only and never change shape incompatibly: a saved journal must
load in every later version.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import commands as c
from .model import Idea, Initiative, Item, Participant, Template


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Joined(Body):
    type: Literal["joined"] = "joined"
    participant: Participant


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
    name: str = ""


class InitiativeDrafted(Body):
    type: Literal["initiative_drafted"] = "initiative_drafted"
    exercise: str
    initiative: Initiative


EventBody = Annotated[
    Created | Joined | Opened | Closed | IdeaAdded | ItemAdded | Grouped | InitiativeDrafted
    | c.Rename | c.Leave | c.EditIdea | c.WithdrawIdea | c.Vote | c.Unvote | c.Rate | c.Pick
    | c.Allocate | c.Place | c.ChooseOwner | c.Volunteer | c.Comment | c.Reveal | c.TimerStart
    | c.TimerPause | c.TimerExtend | c.HideIdea | c.MergeIdeas | c.RenameTheme
    | c.UpdateInitiative | c.SetInitiativeStatus | c.Publish,
    Field(discriminator="type"),
]


class Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: int
    """1, 2, 3 … within a session; the store checks there are no gaps."""
    at: float
    """Wall-clock seconds, from the command's clock, never read by the core itself."""
    actor: str
    cmd_id: str
    body: EventBody

    def to_json(self) -> dict:
        return self.model_dump(mode="json")
