"""Bounded views: what one person can add is limited, and the room part of a view stays
within its budget however much everyone writes — long lists are summarised with a count
of what was left out, and the frame stays under the protocol's 16 KiB."""

from __future__ import annotations

from workshop import commands as c
from workshop import protocol, views
from workshop.activities.initiatives import COMMENTS_PER_PERSON, COMMENTS_PER_TARGET

PLAN = {"id": "plan", "kind": "initiatives", "options": [f"Candidate {n}" for n in range(1, 6)], "minutes": 10, "reveal": "live"}
IDEAS = {"id": "ideas", "kind": "brainstorm", "minutes": 10, "reveal": "live", "max_per_person": 5, "room_ideas": 2000}
"""Five ideas each however big the room: the view budget's worst case."""
POLL = {"id": "poll", "kind": "poll", "options": ["Yes", "No"], "other": True, "reveal": "live"}


def frame_size(room, pid: str) -> int:
    room_json = protocol.dumps(views.room_view(room.engine, room.now))
    return len(protocol.view_text(room.session.seq, room_json, protocol.dumps(views.mine_view(room.session, pid))).encode())


def test_one_person_can_leave_only_a_few_comments(make_room):
    room = make_room(PLAN)
    pid = room.join(side="it", name="Mallory")
    room.open("plan")
    for n in range(COMMENTS_PER_TARGET):
        room.accepts(pid, c.Comment(exercise="plan", target="i1", text=f"Comment {n} " + "x" * 260))
    assert "on this one" in room.refuses(pid, c.Comment(exercise="plan", target="i1", text="one more"), "limit")
    for target in ("i2", "i3", "i4", "i5"):
        for n in range(COMMENTS_PER_TARGET):
            if len(room.state("plan").comments) < COMMENTS_PER_PERSON:
                room.accepts(pid, c.Comment(exercise="plan", target=target, text=f"More {n}"))
    assert len(room.state("plan").comments) == COMMENTS_PER_PERSON
    room.refuses(pid, c.Comment(exercise="plan", target="i5", text="and another"), "limit")
    assert frame_size(room, pid) < protocol.MAX_FRAME


def test_a_room_full_of_long_comments_is_summarised_with_the_latest_and_a_count(make_room):
    room = make_room(PLAN)
    people = [room.join(side=("it", "marketing")[n % 2], name=f"Person {n}") for n in range(60)]
    room.open("plan")
    for n, pid in enumerate(people):
        for k in range(COMMENTS_PER_TARGET):
            room.accepts(pid, c.Comment(exercise="plan", target="i1", text=f"{n}/{k} " + "y" * 270))
    view = views.room_view(room.engine, room.now)
    assert len(protocol.dumps(view).encode()) <= views.VIEW_BUDGET
    [target] = [t for t in view["exercise"]["results"]["candidates"] if t["id"] == "i1"]
    assert [m["text"][:5] for m in target["comments"]] == ["59/0 ", "59/1 ", "59/2 "]
    assert target["comments_more"] == 60 * COMMENTS_PER_TARGET - views.KEEP_LATEST
    assert frame_size(room, people[0]) < protocol.MAX_FRAME


def test_a_long_brainstorm_shows_the_newest_ideas_and_how_many_more(make_room):
    room = make_room(IDEAS)
    people = [room.join(side=("it", "marketing", "other")[n % 3]) for n in range(120)]
    room.open("ideas")
    for n, pid in enumerate(people):
        for k in range(5):
            room.accepts(pid, c.SubmitIdea(exercise="ideas", text=f"Idea {n}-{k} " + "z" * 200), now=room.now + 11)
    view = views.room_view(room.engine, room.now)
    results = view["exercise"]["results"]
    assert len(protocol.dumps(view).encode()) <= views.VIEW_BUDGET
    assert results["ideas_more"] + len(results["ideas"]) == 600
    assert results["ideas"][-1]["text"].startswith("Idea 119-4")  # the newest stay
    assert frame_size(room, people[-1]) < protocol.MAX_FRAME


def test_a_small_view_is_left_whole(make_room):
    room = make_room(POLL)
    pid = room.join(side="it")
    room.open("poll")
    room.accepts(pid, c.Pick(exercise="poll", items=[], other="Something else entirely"))
    results = views.room_view(room.engine, room.now)["exercise"]["results"]
    assert "other_more" not in results and [a["text"] for a in results["other"]] == ["Something else entirely"]
