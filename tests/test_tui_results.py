"""What the facilitator's screen says of a result (the kinds' `tui` drawings), as text:
the gap between the two sides carries its sign, as in the joint agenda, and a
check-out says what the gap was at the check-in among the same people."""

from __future__ import annotations

import io

from rich.console import Console

from workshop import commands as c
from workshop.present import SURFACES
from workshop.privacy import policy, redact


def shown(room, exercise_id: str) -> str:
    session = room.session
    cfg = session.exercise(exercise_id)
    result = redact(room.engine.result(exercise_id), "facilitator", policy(session, cfg, session.exercises[exercise_id]))
    console = Console(width=140, record=True, file=io.StringIO())
    console.print(SURFACES[cfg.kind].tui(session, cfg, result, False))
    return console.export_text()


def test_a_check_out_shows_the_signed_gap_now_and_what_it_was_among_those_who_rated_both(make_room):
    room = make_room(
        {"id": "in", "kind": "scale", "statements": ["We work well together"]},
        {"id": "out", "kind": "scale", "statements": ["We work well together"], "compare_with": "in"},
        min_answers=1,
    )
    it, mkt = room.join("it", "Ann"), room.join("marketing", "Bo")
    room.open("in")
    room.accepts(it, c.Rate(exercise="in", item="i1", value=5))
    room.accepts(mkt, c.Rate(exercise="in", item="i1", value=1))
    room.open("out")
    room.accepts(it, c.Rate(exercise="out", item="i1", value=4))
    room.accepts(mkt, c.Rate(exercise="out", item="i1", value=3))
    text = shown(room, "out")
    assert "gap IT − Marketing +1.0 (was +4.0 among those who rated both)" in text
    assert "gap IT − Marketing +4.0" in shown(room, "in")
    assert "⚑ IT rates it 5.0, Marketing 1.0" in shown(room, "in")  # flagged, with its sentence


def test_a_gap_the_other_way_has_a_minus_sign(make_room):
    room = make_room({"id": "in", "kind": "scale", "statements": ["Spending is decided jointly"]}, min_answers=1)
    it, mkt = room.join("it", "Ann"), room.join("marketing", "Bo")
    room.open("in")
    room.accepts(it, c.Rate(exercise="in", item="i1", value=2))
    room.accepts(mkt, c.Rate(exercise="in", item="i1", value=4))
    assert "gap IT − Marketing −2.0" in shown(room, "in")
