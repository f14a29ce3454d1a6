"""Shared fixtures for the tests of the pure core.

`make_room(*exercises)` builds a fresh session from exercise tables (dicts keyed as
in a template; `title` and `prompt` may be left out) and returns a `Room`: a thin
driver around `Engine` that numbers command ids, keeps a clock that only moves
forward, records every accepted event, and checks refusals the way a person would
meet them (a stable code, a readable sentence, nothing changed).
"""

from __future__ import annotations

import itertools
import re

import pytest

from workshop import commands as c
from workshop.engine import Accepted, Engine, Outcome, Refused
from workshop.events import Event
from workshop.model import FACILITATOR, ExerciseState, Template


def exercise_table(fields: dict) -> dict:
    """An exercise as a template holds it, with a title and prompt filled in."""
    table = {"title": fields["id"].replace("-", " ").capitalize(), "prompt": f"Answer {fields['id']}."}
    table.update(fields)
    return table


def build_template(*exercises: dict, **fields) -> Template:
    """A template of these exercises. `min_answers` is 1 unless given: these small rooms
    test each kind's arithmetic; tests of privacy's small-group rule set it."""
    return Template.model_validate({"title": "Test agenda", "min_answers": 1, **fields, "exercises": [exercise_table(e) for e in exercises]})


def is_sentence(text: str) -> bool:
    """What a phone or the TUI can show as is: starts like a sentence, ends like one,
    and holds no leaked Python (reprs, braces, None, snake_case names)."""
    text = text.strip()
    return (
        len(text) >= 12
        and (text[0].isupper() or text[0] in "'\"“")  # “Pulse” is closed.
        and text[-1] in ".!?"
        and not any(leak in text for leak in ("{", "}", "None", "Traceback", "<"))
        and not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # a field name such as it_lead
    )


class Room:
    """One session driven through `Engine.handle`, as the room server would."""

    def __init__(self, template: Template, *, max_participants: int = 120):
        first = Engine.create_event(
            session_id="s1", title="Offsite", template_name="test", template=template,
            room_code="ABC234", now=0.0, max_participants=max_participants,
        )
        self.engine = Engine.replay([first])
        self.events: list[Event] = [first]
        self.now = 0.0
        self._ids = itertools.count(1)
        self._phones = itertools.count(1)

    @property
    def session(self):
        return self.engine.session

    def state(self, exercise_id: str) -> ExerciseState:
        return self.session.exercises[exercise_id]

    def items(self, exercise_id: str) -> list[str]:
        return [item.id for item in self.state(exercise_id).items]

    def snapshot(self) -> dict:
        return self.session.model_dump()

    def send(self, actor: str, command, *, now: float | None = None, cmd_id: str | None = None) -> Outcome:
        """Hand one command to the engine; `now` defaults to the room's clock."""
        if now is not None:
            self.now = now
        outcome = self.engine.handle(actor, cmd_id or f"cmd-{next(self._ids)}", command, self.now)
        if isinstance(outcome, Accepted):
            self.events.extend(outcome.events)
        return outcome

    def accepts(self, actor: str, command, **kwargs) -> Accepted:
        outcome = self.send(actor, command, **kwargs)
        assert isinstance(outcome, Accepted), f"refused: {outcome}"
        return outcome

    def run(self, command, **kwargs) -> Accepted:
        """A facilitator command that must be accepted."""
        return self.accepts(FACILITATOR, command, **kwargs)

    def refuses(self, actor: str, command, code: str, **kwargs) -> str:
        """Assert the command is refused with `code`, a readable reason, and no change
        to the session; returns the reason for further checks."""
        before = self.snapshot()
        outcome = self.send(actor, command, **kwargs)
        assert isinstance(outcome, Refused), f"accepted: {outcome}"
        assert outcome.code == code, outcome
        assert is_sentence(outcome.reason), outcome.reason
        assert self.snapshot() == before
        return outcome.reason

    def join(self, side: str = "it", name: str = "", token: str | None = None, **kwargs) -> str:
        """A phone joins; returns the participant id it acts as from then on."""
        token = token or f"phone-{next(self._phones)}"
        outcome = self.accepts(token, c.Join(name=name, side=side, token=token), **kwargs)
        return outcome.events[0].body.participant.id

    def open(self, exercise_id: str, **kwargs) -> Accepted:
        return self.run(c.Open(exercise=exercise_id), **kwargs)

    def replayed(self) -> Engine:
        """A fresh engine rebuilt from the recorded events alone."""
        return Engine.replay(self.events)


@pytest.fixture
def make_room():
    """Factory: `make_room(*exercise_dicts, sides=..., max_participants=...)` → Room."""

    def make(*exercises: dict, max_participants: int = 120, **template_fields) -> Room:
        return Room(build_template(*exercises, **template_fields), max_participants=max_participants)

    return make
