"""`workshop status`'s description of where a session stands (`workshop.status`)."""

from __future__ import annotations

from workshop import commands as c
from workshop.status import describe


def test_a_step_nobody_took_part_in_is_not_marked_done(make_room):
    room = make_room({"id": "pulse", "kind": "scale", "statements": ["We are aligned"]}, {"id": "ideas", "kind": "brainstorm"}, {"id": "vote", "kind": "poll", "options": ["A", "B"]})
    ann = room.join("it", "Ann")
    room.open("pulse")
    room.open("ideas")  # the pulse closes with nobody's rating
    room.accepts(ann, c.SubmitIdea(exercise="ideas", text="Shared dashboards"))
    room.open("vote")
    lines = describe(room.engine).splitlines()
    pulse, ideas, vote = (next(line for line in lines if f". {name}" in line) for name in ("Pulse", "Ideas", "Vote"))
    assert pulse.lstrip().startswith("○") and "0 of 1 took part" in pulse
    assert ideas.lstrip().startswith("✓") and "1 of 1 took part" in ideas
    assert vote.lstrip().startswith("▶") and "← now" in vote
