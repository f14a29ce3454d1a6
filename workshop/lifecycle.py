"""The life of an exercise, as one table.

Rules of this file (in the manner of h11's state machine):
- An exercise is in one phase: `pending` (never opened), `running` (open, its
  countdown running), `paused` (open, countdown stopped), or `closed`. Whether its
  results are revealed to the phones is a flag beside the phase: `reveal` and `hide`
  are legal in every phase and change no phase.
- `TRANSITIONS` lists every legal (phase, action) and the phase it leads to; nothing
  else is legal. `step` answers from the table alone: an illegal pair raises
  `Illegal` with a sentence for the facilitator or the phone and changes nothing (this
  module holds no state; the engine applies the resulting events).
- Pure: no clock, no I/O.
"""

from __future__ import annotations

from typing import Literal

from . import sentences
from .model import ExerciseState

Phase = Literal["pending", "running", "paused", "closed"]
Action = Literal["open", "close", "answer", "timer_start", "timer_pause", "timer_extend", "reveal", "hide"]

TRANSITIONS: dict[tuple[Phase, Action], Phase] = {
    ("pending", "open"): "running",
    ("closed", "open"): "running",  # reopened: the countdown runs on with what was left
    ("running", "close"): "closed",
    ("paused", "close"): "closed",
    ("running", "answer"): "running",
    ("paused", "answer"): "paused",  # a stopped clock does not stop the room
    ("running", "timer_pause"): "paused",
    ("paused", "timer_start"): "running",
    **{(phase, "timer_extend"): phase for phase in ("pending", "running", "paused", "closed")},
    **{(phase, flag): phase for phase in ("pending", "running", "paused", "closed") for flag in ("reveal", "hide")},
}

WHY_NOT: dict[tuple[Phase | None, Action], tuple[str, str]] = {
    ("running", "open"): ("already_open", "already_open"),
    ("paused", "open"): ("already_open", "already_open"),
    ("pending", "close"): ("not_open", "not_open"),
    ("closed", "close"): ("not_open", "not_open"),
    ("pending", "answer"): ("not_open", "not_open.pending"),
    ("closed", "answer"): ("not_open", "not_open.closed"),
    ("running", "timer_start"): ("running", "timer.running"),
    (None, "timer_start"): ("not_open", "timer.not_open"),
    (None, "timer_pause"): ("not_running", "timer.not_running"),
}
"""Why an action is illegal, by (phase, action), else by (None, action): (code, key of
its sentence in `workshop.sentences`, which may name the exercise as `{title}`)."""
OTHERWISE = ("not_allowed", "not_allowed.phase")
"""(code, key) for a pair `WHY_NOT` does not name (tests/test_lifecycle.py checks there is none)."""


class Illegal(Exception):
    """An action the exercise's phase does not allow. `code` is stable for programs;
    `key` and `values` are the sentence for people (`workshop.sentences`), `reason` the
    same in English."""

    def __init__(self, code: str, key: str, values: dict[str, str | int]):
        self.code, self.key, self.values = code, key, values
        self.reason = sentences.english(key, values)
        super().__init__(self.reason)


def phase(state: ExerciseState) -> Phase:
    """The phase an exercise's state is in."""
    if state.status == "pending":
        return "pending"
    if state.status == "closed":
        return "closed"
    return "running" if state.timer.running else "paused"


def step(current: Phase, action: Action, title: str) -> Phase:
    """The phase `action` leads to from `current`; `Illegal` if the table has no such step."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        code, key = WHY_NOT.get((current, action)) or WHY_NOT.get((None, action)) or OTHERWISE
        raise Illegal(code, key, {"title": title} if "{title}" in sentences.templates()[key] else {}) from None
