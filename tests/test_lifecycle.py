"""The exercise lifecycle is one table: every (phase, action) pair is either a step in
it or refused with a sentence, and the engine follows it."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from tests.conftest import is_sentence
from workshop import commands as c
from workshop import lifecycle
from workshop.lifecycle import TRANSITIONS, Illegal, step

PHASES = get_args(lifecycle.Phase)
ACTIONS = get_args(lifecycle.Action)
PULSE = {"id": "pulse", "kind": "scale", "statements": ["We work well together"], "minutes": 5}


@pytest.mark.parametrize("phase, action", list(itertools.product(PHASES, ACTIONS)))
def test_every_pair_is_a_step_or_a_sentence(phase, action):
    if (phase, action) in TRANSITIONS:
        assert step(phase, action, "Pulse") in PHASES
        return
    with pytest.raises(Illegal) as caught:
        step(phase, action, "Pulse")
    assert caught.value.code != "not_allowed", f"({phase}, {action}) has no sentence of its own"
    assert is_sentence(caught.value.reason), caught.value.reason


def test_revealing_and_extending_never_change_the_phase():
    for phase in PHASES:
        assert step(phase, "reveal", "x") == step(phase, "hide", "x") == step(phase, "timer_extend", "x") == phase


def test_the_engine_follows_the_table(make_room):
    room = make_room(PULSE)
    pid = room.join()
    room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=3), "not_open")
    room.refuses("facilitator", c.TimerStart(exercise="pulse"), "not_open")
    room.refuses("facilitator", c.Close(exercise="pulse"), "not_open")
    room.open("pulse")
    assert lifecycle.phase(room.state("pulse")) == "running"
    room.refuses("facilitator", c.Open(exercise="pulse"), "already_open")
    room.run(c.TimerPause(exercise="pulse"))
    assert lifecycle.phase(room.state("pulse")) == "paused"
    room.accepts(pid, c.Rate(exercise="pulse", item="i1", value=3))  # a stopped clock does not stop the room
    room.refuses("facilitator", c.TimerPause(exercise="pulse"), "not_running")
    room.run(c.Close(exercise="pulse"))
    room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=4), "not_open")
    room.run(c.Reveal(exercise="pulse"))
    assert lifecycle.phase(room.state("pulse")) == "closed"
