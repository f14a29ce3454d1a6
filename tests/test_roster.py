"""One person, one participant, and results that do not move: the facilitator moves,
removes and restores people and locks the room; a person's side is theirs to fix only
until they first answer; every answer counts for the side it was given under."""

from __future__ import annotations

import pytest

from workshop import commands as c
from workshop.export import to_json, to_markdown
from workshop.model import FACILITATOR

PULSE = {"id": "pulse", "kind": "scale", "statements": ["We work well together"], "minutes": 5}
IDEAS = {"id": "ideas", "kind": "brainstorm", "minutes": 10}
VOTE = {"id": "vote", "kind": "dotvote", "options": ["Retention", "Speed"], "dots": 3}
COMMENTS = {"id": "plan", "kind": "initiatives", "options": ["Loyalty app"], "minutes": 10}


@pytest.fixture
def room(make_room):
    return make_room(PULSE, IDEAS, VOTE)


def test_a_closed_result_keeps_its_sides_when_someone_is_moved_afterwards(room):
    ana, bo = room.join(side="it", name="Ana"), room.join(side="marketing", name="Bo")
    room.open("pulse")
    room.accepts(ana, c.Rate(exercise="pulse", item="i1", value=5))
    room.accepts(bo, c.Rate(exercise="pulse", item="i1", value=1))
    room.run(c.Close(exercise="pulse"))
    before = room.engine.result("pulse")
    assert before.statements[0].gap == 4.0

    room.run(c.MoveParticipant(participant=ana, side="marketing"))
    assert room.session.participants[ana].side == "marketing"
    assert room.engine.result("pulse") == before  # answered as IT: counted as IT
    room.open("vote")
    room.accepts(ana, c.Vote(exercise="vote", item="i1"))
    assert room.engine.result("vote").ranking[0].by_side["marketing"] == 1  # later answers: the new side
    assert room.replayed().result("pulse") == before


def test_a_participant_cannot_relabel_answers_by_renaming_their_side(room):
    ana = room.join(side="it", name="Ana")
    room.open("pulse")
    room.accepts(ana, c.Rate(exercise="pulse", item="i1", value=5))
    room.refuses(ana, c.Rename(name="Ana", side="marketing"), "side_fixed")
    assert room.engine.result("pulse").statements[0].mean["it"] == 5.0


def test_a_removed_participant_counts_nowhere_until_restored(room):
    ana, bo = room.join(side="it", name="Ana"), room.join(side="marketing", name="Bo")
    room.open("ideas")
    room.accepts(ana, c.SubmitIdea(exercise="ideas", text="Faster launches"))
    room.accepts(bo, c.SubmitIdea(exercise="ideas", text="Ballot stuffing"))
    room.open("vote")
    room.accepts(bo, c.Vote(exercise="vote", item="i2"))
    room.accepts(bo, c.Vote(exercise="vote", item="i2"))
    room.accepts(ana, c.Vote(exercise="vote", item="i1"))

    room.run(c.RemoveParticipant(participant=bo))
    assert [p.id for p in room.session.active_participants()] == [ana]
    assert room.engine.participation("vote") == (1, 1)
    ranking = room.engine.result("vote").ranking
    assert [(r.text, r.total) for r in ranking] == [("Retention", 1), ("Speed", 0)]
    assert [i.text for i in room.engine.result("ideas").ideas] == ["Faster launches"]
    document = to_markdown(room.engine) + to_json(room.engine)
    assert "Ballot stuffing" not in document and '"Bo"' not in document
    reason = room.refuses(bo, c.Vote(exercise="vote", item="i1"), "removed")
    assert "facilitator" in reason
    room.refuses(f"{bo}-again", c.Join(side="it", token="phone-2"), "removed")  # the same phone, joining again

    room.run(c.RemoveParticipant(participant=bo, removed=False))  # undo
    assert room.engine.result("vote").ranking[0].total == 2
    assert room.replayed().session == room.session


def test_a_locked_room_lets_people_back_in_but_no_newcomer(room):
    ana = room.join(side="it", name="Ana", token="ana-phone")
    room.run(c.LockRoom())
    reason = room.refuses("new-phone", c.Join(name="Mallory", side="it", token="new-phone"), "room_locked")
    assert "closed" in reason
    assert room.join(side="it", name="Ana", token="ana-phone") == ana
    room.run(c.LockRoom(locked=False))
    room.join(side="it", name="Mallory", token="new-phone")


def test_roster_commands_name_a_real_person_and_a_real_side(room):
    ana = room.join(side="it", name="Ana")
    room.refuses(FACILITATOR, c.MoveParticipant(participant="p99", side="it"), "unknown_participant")
    room.refuses(FACILITATOR, c.MoveParticipant(participant=ana, side="finance"), "unknown_side")
    room.refuses(FACILITATOR, c.MoveParticipant(participant=ana, side="it"), "same_side")
    room.refuses(FACILITATOR, c.RemoveParticipant(participant=ana, removed=False), "unchanged")
    room.refuses(ana, c.RemoveParticipant(participant=ana), "not_allowed")


async def test_the_facilitator_moves_removes_restores_and_locks_from_the_people_screen(tmp_path):
    from textual.widgets import DataTable

    from tests.test_tui import ROOM, SIZE, wait_for
    from workshop import sessions
    from workshop.tui.app import build_app
    from workshop.tui.screens.lobby import LobbyScreen
    from workshop.tui.screens.people import PeopleScreen

    w = sessions.create("People offsite", sessions_dir=tmp_path, now=1_700_000_000)
    ana = w.handle("join:1", "join-1", c.Join(name="[bold]Ana[/bold]", side="it", token="t1")).events[0].body.participant.id
    bot = w.handle("join:2", "join-2", c.Join(name="Bot 7", side="marketing", token="t2")).events[0].body.participant.id
    app = build_app(workshop=w, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, PeopleScreen))
        table = app.screen.query_one("#people", DataTable)
        assert [str(table.get_row_at(n)[0]) for n in range(2)] == ["[bold]Ana[/bold]", "Bot 7"]  # literal, never markup

        await pilot.press("down", "x")
        await wait_for(pilot, lambda: w.session.participants[bot].removed)
        await wait_for(pilot, lambda: str(table.get_row_at(1)[4]) == "removed")
        assert "Bot 7 is off the roster" in list(app._notifications)[-1].message
        await pilot.press("x")
        await wait_for(pilot, lambda: not w.session.participants[bot].removed)
        assert "Bot 7 is back on the roster" in list(app._notifications)[-1].message
        await pilot.press("up", "s")
        await wait_for(pilot, lambda: w.session.participants[ana].side == "marketing")
        await pilot.press("k")
        await wait_for(pilot, lambda: w.session.locked)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
    again = sessions.read_folder(w.folder).session  # every change was saved
    assert again.locked and again.participants[ana].side == "marketing" and not again.participants[bot].removed
