"""The rules common to every exercise: who may act, on which exercise and when;
moving through the agenda; the timer; joining and leaving; repeated command ids;
and that a session is exactly the fold of its events (replay and snapshots)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workshop import commands as c
from workshop.agenda import load_template
from workshop.engine import Accepted, Engine, Refused
from workshop.events import Event
from workshop.model import FACILITATOR, Session

PULSE = {"id": "pulse", "kind": "scale", "statements": ["We work well together"], "minutes": 5}
IDEAS = {"id": "ideas", "kind": "brainstorm", "minutes": 10}
VOTE = {"id": "vote", "kind": "dotvote", "source": "ideas", "options": ["Retention"], "dots": 3}
AGENDA = (PULSE, IDEAS, VOTE)


@pytest.fixture
def room(make_room):
    return make_room(*AGENDA)


def statuses(room) -> dict[str, str]:
    return {ex_id: state.status for ex_id, state in room.session.exercises.items()}


# ------------------------------------------------------------------ who may act, and when


def test_a_participant_cannot_answer_an_exercise_that_has_not_started(room):
    pid = room.join()
    reason = room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=3), "not_open")
    assert "has not started yet" in reason and "Pulse" in reason


def test_a_participant_cannot_answer_an_exercise_that_is_closed(room):
    pid = room.join()
    room.open("pulse")
    room.run(c.Close(exercise="pulse"))
    reason = room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=3), "not_open")
    assert "is closed" in reason and "not counted" in reason


def test_a_participant_still_showing_the_previous_exercise_is_told_it_closed(room):
    pid = room.join()
    room.open("pulse")
    room.run(c.Next())
    assert "is closed" in room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=3), "not_open")


@pytest.mark.parametrize(
    "command",
    [
        c.Open(exercise="pulse"),
        c.Close(exercise="pulse"),
        c.Reveal(exercise="pulse"),
        c.Next(),
        c.Back(),
        c.TimerStart(exercise="pulse"),
        c.TimerPause(exercise="pulse"),
        c.TimerExtend(exercise="pulse"),
        c.HideIdea(exercise="ideas", idea="i1"),
        c.MergeIdeas(exercise="ideas", idea="i1", into="i2"),
        c.GroupIdeas(exercise="ideas", ideas=["i1"], theme="X"),
        c.RenameTheme(exercise="ideas", theme="t1", name="X"),
        c.DraftInitiative(exercise="ideas", title="X"),
        c.UpdateInitiative(exercise="ideas", initiative="j1", fields={}),
        c.SetInitiativeStatus(exercise="ideas", initiative="j1", status="agreed"),
        c.Publish(),
    ],
    ids=lambda command: command.type,
)
def test_a_participant_cannot_send_facilitator_commands(room, command):
    pid = room.join()
    room.open("pulse")
    assert room.refuses(pid, command, "not_allowed") == "Only the facilitator can do that."


@pytest.mark.parametrize(
    "command",
    [c.Rate(exercise="pulse", item="i1", value=3), c.Vote(exercise="vote", item="i1"), c.Join(side="it", token="t"), c.Leave()],
    ids=lambda command: command.type,
)
def test_the_facilitator_cannot_send_participant_answers(room, command):
    room.open("pulse")
    before = room.snapshot()
    outcome = room.send(FACILITATOR, command)
    assert isinstance(outcome, Refused) and outcome.code == "not_allowed"
    assert room.snapshot() == before


def test_an_unknown_actor_cannot_act_until_it_joins(room):
    room.open("pulse")
    reason = room.refuses("p7", c.Rate(exercise="pulse", item="i1", value=3), "not_joined")
    assert "Join again" in reason


def test_an_exercise_not_on_the_agenda_is_refused(room):
    pid = room.join()
    room.refuses(pid, c.Rate(exercise="nope", item="i1", value=3), "unknown_exercise")
    room.refuses(FACILITATOR, c.Open(exercise="nope"), "unknown_exercise")


def test_an_answer_of_the_wrong_kind_is_refused(room):
    pid = room.join()
    room.open("pulse")
    assert "Pulse" in room.refuses(pid, c.Vote(exercise="pulse", item="i1"), "wrong_kind")


def test_the_facilitator_cannot_moderate_an_exercise_of_another_kind(room):
    before = room.snapshot()
    outcome = room.send(FACILITATOR, c.HideIdea(exercise="pulse", idea="i1"))
    assert isinstance(outcome, Refused) and outcome.code == "wrong_kind"
    assert room.snapshot() == before


# ------------------------------------------------------------------ moving through the agenda


def test_next_opens_the_first_exercise_then_moves_on_closing_the_one_before(room):
    room.run(c.Next(), now=10.0)
    assert (room.session.current, statuses(room)) == (0, {"pulse": "open", "ideas": "pending", "vote": "pending"})
    room.run(c.Next(), now=70.0)
    assert (room.session.current, statuses(room)) == (1, {"pulse": "closed", "ideas": "open", "vote": "pending"})
    assert room.state("pulse").active_seconds == 60.0
    room.run(c.Next())
    assert (room.session.current, statuses(room)) == (2, {"pulse": "closed", "ideas": "closed", "vote": "open"})
    assert room.refuses(FACILITATOR, c.Next(), "at_end") == "This is the last exercise. Close it, then export the joint agenda."
    room.run(c.Close(exercise="vote"))
    assert room.refuses(FACILITATOR, c.Next(), "at_end") == "That was the last exercise. Export the joint agenda, or go back to one."


def test_back_reopens_the_previous_exercise_and_keeps_its_answers(room):
    pid = room.join()
    room.run(c.Next())
    room.accepts(pid, c.Rate(exercise="pulse", item="i1", value=4))
    room.run(c.Next())
    room.run(c.Back())
    assert (room.session.current, statuses(room)) == (0, {"pulse": "open", "ideas": "closed", "vote": "pending"})
    assert room.state("pulse").scores == {pid: {"i1": 4}}
    room.refuses(FACILITATOR, c.Back(), "at_start")


def test_open_jumps_to_any_exercise_and_closes_the_one_that_was_open(room):
    room.open("vote")
    assert (room.session.current, statuses(room)) == (2, {"pulse": "pending", "ideas": "pending", "vote": "open"})
    room.open("pulse")
    assert (room.session.current, statuses(room)) == (0, {"pulse": "open", "ideas": "pending", "vote": "closed"})
    assert "already open" in room.refuses(FACILITATOR, c.Open(exercise="pulse"), "already_open")


def test_close_ends_the_exercise_but_the_room_stays_on_it(room):
    room.open("ideas")
    room.run(c.Close(exercise="ideas"))
    assert (room.session.current, statuses(room)["ideas"]) == (1, "closed")
    room.refuses(FACILITATOR, c.Close(exercise="ideas"), "not_open")
    room.refuses(FACILITATOR, c.Close(exercise="vote"), "not_open")
    room.run(c.Next())
    assert (room.session.current, statuses(room)["vote"]) == (2, "open")


@pytest.mark.parametrize(
    "moves",
    [
        ["next", "next", "back", "next", "next"],
        ["open:vote", "open:pulse", "close:pulse", "next", "back", "back"],
        ["next", "close:pulse", "next", "next", "open:ideas"],
    ],
)
def test_at_most_one_exercise_is_open_and_it_is_the_current_one(room, moves):
    for move in moves:
        verb, _, target = move.partition(":")
        command = {"next": c.Next(), "back": c.Back(), "open": c.Open(exercise=target), "close": c.Close(exercise=target)}[verb]
        room.send(FACILITATOR, command)
        open_now = [ex_id for ex_id, status in statuses(room).items() if status == "open"]
        assert len(open_now) <= 1
        if open_now:
            assert open_now == [room.session.current_exercise.id]


def test_the_whole_default_agenda_can_be_run_from_start_to_end():
    template = load_template(Path(__file__).resolve().parent.parent / "exercises" / "cio-cmo-alignment.toml")
    first = Engine.create_event(session_id="s", title="Offsite", template_name="cio-cmo-alignment", template=template, room_code="ABC234", now=0.0)
    engine = Engine.replay([first])
    events = [first]
    pid = engine.handle("tok", "join", c.Join(name="Ana", side="it", token="tok"), 0.0).events[0].body.participant.id
    for n, ex in enumerate(template.exercises):
        outcome = engine.handle(FACILITATOR, f"next-{n}", c.Next(), 60.0 * n)
        assert isinstance(outcome, Accepted), outcome
        events.extend(outcome.events)
        assert engine.session.current_exercise.id == ex.id
        if ex.kind == "brainstorm":
            outcome = engine.handle(pid, f"idea-{n}", c.SubmitIdea(exercise=ex.id, text=f"Idea for {ex.id}"), 60.0 * n + 1)
            assert isinstance(outcome, Accepted), outcome
        if getattr(ex, "source", None):
            assert engine.session.exercises[ex.id].items, f"{ex.id} has no items from {ex.source}"
        for key in engine.session.exercises:
            engine.result(key)
    assert isinstance(engine.handle(FACILITATOR, "next-end", c.Next(), 9999.0), Refused)


# ------------------------------------------------------------------ the timer


def test_the_timer_starts_on_open_with_the_exercises_minutes(room):
    room.open("pulse", now=100.0)
    timer = room.state("pulse").timer
    assert timer.running and timer.duration == 5 * 60
    assert timer.remaining(100.0) == 300.0
    assert timer.remaining(130.0) == 270.0


def test_pausing_stops_the_clock_and_starting_resumes_it(room):
    room.open("pulse", now=0.0)
    room.run(c.TimerPause(exercise="pulse"), now=60.0)
    timer = room.state("pulse").timer
    assert not timer.running
    assert timer.remaining(60.0) == timer.remaining(500.0) == 240.0
    room.refuses(FACILITATOR, c.TimerPause(exercise="pulse"), "not_running")
    room.run(c.TimerStart(exercise="pulse"), now=500.0)
    assert room.state("pulse").timer.remaining(530.0) == 210.0
    room.refuses(FACILITATOR, c.TimerStart(exercise="pulse"), "running")


def test_extending_adds_time_to_the_clock(room):
    room.open("pulse", now=0.0)
    room.run(c.TimerExtend(exercise="pulse", seconds=120), now=10.0)
    assert room.state("pulse").timer.remaining(10.0) == 410.0
    room.run(c.TimerExtend(exercise="pulse"), now=20.0)
    assert room.state("pulse").timer.remaining(20.0) == 460.0


@pytest.mark.parametrize("seconds", [0, -60, 3601])
def test_an_extension_out_of_range_is_refused(room, seconds):
    room.open("pulse")
    reason = room.refuses(FACILITATOR, c.TimerExtend(exercise="pulse", seconds=seconds), "out_of_range")
    assert "3600" in reason


def test_the_timer_of_an_exercise_that_is_not_open_cannot_be_started(room):
    assert "Open" in room.refuses(FACILITATOR, c.TimerStart(exercise="ideas"), "not_open")
    room.open("ideas")
    room.run(c.Close(exercise="ideas"))
    room.refuses(FACILITATOR, c.TimerStart(exercise="ideas"), "not_open")


def test_closing_pauses_the_timer_and_reopening_resumes_what_was_left(room):
    room.open("pulse", now=0.0)
    room.run(c.Next(), now=100.0)
    timer = room.state("pulse").timer
    assert not timer.running and timer.remaining(1000.0) == 200.0
    room.run(c.Back(), now=1000.0)
    timer = room.state("pulse").timer
    assert timer.running and timer.remaining(1050.0) == 150.0


def test_a_timebox_that_ran_out_does_not_restart_when_reopened(room):
    room.open("pulse", now=0.0)
    room.run(c.Close(exercise="pulse"), now=400.0)
    room.open("pulse", now=500.0)
    timer = room.state("pulse").timer
    assert not timer.running and timer.remaining(600.0) == -100.0


def test_time_added_before_an_exercise_opens_is_kept(room):
    outcome = room.send(FACILITATOR, c.TimerExtend(exercise="ideas", seconds=300), now=0.0)
    room.open("ideas", now=10.0)
    remaining = room.state("ideas").timer.remaining(10.0)
    if isinstance(outcome, Accepted):
        assert remaining == 15 * 60, "an accepted extension was thrown away when the exercise opened"
    else:
        assert remaining == 10 * 60 and outcome.reason.endswith(".")


# ------------------------------------------------------------------ joining and leaving


def test_a_join_with_a_side_not_offered_is_refused(room):
    assert room.refuses("tok", c.Join(side="finance", token="tok"), "unknown_side") == "Pick one of the sides shown."


def test_names_are_tidied_and_a_long_name_is_refused(room):
    pid = room.join(name="  Ana   Silva ")
    assert room.session.participants[pid].name == "Ana Silva"
    assert "40" in room.refuses("tok-x", c.Join(name="A" * 41, side="it", token="tok-x"), "too_long")


def test_a_full_room_refuses_one_more_person(make_room):
    room = make_room(*AGENDA, max_participants=2)
    first, _ = room.join(), room.join()
    reason = room.refuses("tok-3", c.Join(side="it", token="tok-3"), "room_full")
    assert "2" in reason
    room.accepts(first, c.Leave())
    room.join(token="tok-3")


def test_rejoining_with_the_same_token_keeps_the_participant_their_votes_and_their_side(room):
    pid = room.join(side="it", name="Ana", token="secret")
    room.open("pulse")
    room.accepts(pid, c.Rate(exercise="pulse", item="i1", value=2))
    again = room.join(side="marketing", name="Ana S", token="secret")
    assert again == pid
    assert list(room.session.participants) == [pid]
    person = room.session.participants[pid]
    assert (person.name, person.side, person.left) == ("Ana S", "it", False)  # answered: only the facilitator moves her
    assert room.state("pulse").scores == {pid: {"i1": 2}}


def test_every_phone_in_a_crowd_that_comes_back_is_the_person_it_was(room):
    """Phones join one after another, and some come back (a reload, a lock screen)
    between arrivals: each returning token finds its own person, also one who arrived
    after the last phone came back, and after a restart (a session read from disk)."""
    pids = {}
    for n in range(1, 31):
        pids[n] = room.join(token=f"tok-{n}", name=f"P{n}")
        if n % 7 == 0:
            back = (n * 5) % n + n // 2
            assert room.join(token=f"tok-{back}", name=f"P{back}") == pids[back]
    assert all(room.join(token=f"tok-{n}", name=f"P{n}") == pid for n, pid in reversed(pids.items()))
    assert len(room.session.participants) == 30
    restarted = room.replayed()
    assert restarted.with_token("tok-30").id == pids[30] and restarted.with_token("tok-31") is None


def test_a_person_who_left_cannot_act_until_they_rejoin(room):
    pid = room.join(token="secret")
    room.open("pulse")
    room.accepts(pid, c.Leave())
    assert room.engine.participation("pulse") == (0, 0)
    reason = room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=3), "not_joined")
    assert "Join again" in reason
    room.refuses(pid, c.Leave(), "not_joined")
    assert room.join(token="secret") == pid
    room.accepts(pid, c.Rate(exercise="pulse", item="i1", value=3))


def test_renaming_changes_the_side_until_the_first_answer_and_the_name_always(room):
    pid = room.join(side="it", name="Ana")
    room.accepts(pid, c.Rename(name=" Ana  S ", side="marketing"))  # a wrong tap, fixed before answering
    assert (room.session.participants[pid].name, room.session.participants[pid].side) == ("Ana S", "marketing")
    room.refuses(pid, c.Rename(name="Ana", side="finance"), "unknown_side")
    room.open("ideas")
    idea = room.accepts(pid, c.SubmitIdea(exercise="ideas", text="Faster launches")).events[0].body.idea.id
    reason = room.refuses(pid, c.Rename(name="Ana", side="it"), "side_fixed")
    assert "facilitator" in reason
    room.accepts(pid, c.Rename(name="Ana Silva", side="marketing"))  # same side: only the name changes
    assert (room.session.participants[pid].name, room.session.participants[pid].side) == ("Ana Silva", "marketing")
    assert room.state("ideas").ideas[idea].side == "marketing"


def test_publishing_shows_the_joint_agenda_and_can_be_undone(room):
    room.run(c.Publish())
    assert room.session.published
    room.run(c.Publish(published=False))
    assert not room.session.published


# ------------------------------------------------------------------ repeated command ids


def test_a_repeated_command_id_is_acknowledged_and_changes_nothing(room):
    pid = room.join()
    room.open("vote")
    first = room.send(pid, c.Vote(exercise="vote", item="i1"), cmd_id="v1")
    assert isinstance(first, Accepted) and len(first.events) == 1
    before = room.snapshot()
    again = room.send(pid, c.Vote(exercise="vote", item="i1"), cmd_id="v1")
    assert again == Accepted(events=(), repeated=True)
    assert room.snapshot() == before
    assert room.state("vote").scores == {pid: {"i1": 1}}


def test_the_same_command_id_from_another_person_is_another_command(room):
    one, two = room.join(), room.join()
    room.open("vote")
    room.accepts(one, c.Vote(exercise="vote", item="i1"), cmd_id="v1")
    outcome = room.accepts(two, c.Vote(exercise="vote", item="i1"), cmd_id="v1")
    assert not outcome.repeated
    assert room.engine.result("vote").ranking[0].total == 2


def test_a_repeated_command_id_changes_nothing_after_a_replay(room):
    pid = room.join(token="secret")
    room.open("vote")
    room.accepts(pid, c.Vote(exercise="vote", item="i1"), cmd_id="v1")
    engine = room.replayed()  # a restart: the engine is rebuilt from the journal
    before = engine.session.model_dump()
    assert engine.handle(pid, "v1", c.Vote(exercise="vote", item="i1"), 5.0) == Accepted(events=(), repeated=True)
    assert engine.handle("secret", room.events[1].cmd_id, c.Join(side="it", token="secret"), 5.0).repeated
    assert engine.session.model_dump() == before


def test_a_repeated_refused_command_id_gets_the_same_refusal(room):
    pid = room.join()
    first = room.send(pid, c.Vote(exercise="vote", item="i1"), cmd_id="early")
    assert isinstance(first, Refused) and first.code == "not_open"
    room.open("vote")
    before = room.snapshot()
    again = room.send(pid, c.Vote(exercise="vote", item="i1"), cmd_id="early")
    assert again == dataclasses.replace(first, repeated=True)  # the same sentence, key and args
    assert room.snapshot() == before


# ------------------------------------------------------------------ replay and snapshots


def play_a_little(room, start: float = 0.0) -> None:
    """Some of everything: joins, answers, moderation, moves, the timer."""
    it, marketing = room.join("it", "Ana"), room.join("marketing", "Bo")
    room.run(c.Next(), now=start + 1)
    room.accepts(it, c.Rate(exercise="pulse", item="i1", value=2), now=start + 2)
    room.accepts(marketing, c.Rate(exercise="pulse", item="i1", value=5), now=start + 3)
    room.run(c.Next(), now=start + 30)
    room.run(c.TimerPause(exercise="ideas"), now=start + 31)
    room.run(c.TimerExtend(exercise="ideas", seconds=90), now=start + 32)
    a = room.accepts(it, c.SubmitIdea(exercise="ideas", text="Faster launches"), now=start + 33).events[0].body.idea.id
    b = room.accepts(marketing, c.SubmitIdea(exercise="ideas", text="One customer view"), now=start + 34).events[0].body.idea.id
    room.run(c.GroupIdeas(exercise="ideas", ideas=[a, b], theme="Customer"), now=start + 35)
    room.run(c.TimerStart(exercise="ideas"), now=start + 36)


def test_replaying_the_journal_gives_the_live_state(room):
    play_a_little(room)
    replayed = room.replayed()
    assert replayed.session.model_dump() == room.snapshot()
    for ex_id in room.session.exercises:
        assert replayed.result(ex_id) == room.engine.result(ex_id)


def test_events_read_back_from_json_replay_to_the_live_state(room):
    play_a_little(room)
    room.run(c.Next(), now=100.0)
    pid = next(iter(room.session.participants))
    room.accepts(pid, c.Vote(exercise="vote", item="i2"), now=101.0)
    events = [Event.model_validate(event.to_json()) for event in room.events]
    assert Engine.replay(events).session.model_dump() == room.snapshot()


def test_a_snapshot_plus_the_later_events_gives_the_live_state(room):
    play_a_little(room)
    saved = room.session.model_dump(mode="json")
    seen = len(room.events)
    room.run(c.Next(), now=200.0)
    it = next(iter(room.session.participants))
    room.accepts(it, c.Vote(exercise="vote", item="i1"), now=201.0)
    room.accepts(it, c.Vote(exercise="vote", item="i2"), now=202.0, cmd_id="late-vote")
    later = room.events[seen:]
    assert later

    restored = Engine.replay(later, session=Session.model_validate(saved))
    assert restored.session.model_dump() == room.snapshot()
    for ex_id in room.session.exercises:
        assert restored.result(ex_id) == room.engine.result(ex_id)
    # the set of command ids seen survives the snapshot too
    assert restored.handle(it, "late-vote", c.Vote(exercise="vote", item="i2"), 203.0).repeated


def test_an_event_out_of_sequence_is_not_folded(room):
    play_a_little(room)
    with pytest.raises(ValueError):
        room.engine.apply(room.events[-1])


def test_a_vote_opened_before_its_source_had_ideas_says_so_and_takes_them_when_it_opens_again(make_room):
    room = make_room(IDEAS, {"id": "vote", "kind": "dotvote", "title": "Top ideas", "source": "ideas", "dots": 3})
    pid = room.join()
    room.open("vote")  # the facilitator skipped the brainstorm
    reason = room.engine.nothing_to_act_on("vote")
    assert reason is not None and "“Top ideas” has nothing to act on yet" in reason and "“Ideas”" in reason
    room.open("ideas")
    room.accepts(pid, c.SubmitIdea(exercise="ideas", text="One customer view"))
    room.open("vote")
    assert [i.text for i in room.state("vote").items] == ["One customer view"]
    assert room.engine.nothing_to_act_on("vote") is None
    room.accepts(pid, c.Vote(exercise="vote", item="i1"))
    room.run(c.Close(exercise="vote"))
    room.open("vote")  # once it has items, they stay as they were: votes cannot move
    assert [i.text for i in room.state("vote").items] == ["One customer view"]
    assert room.replayed().session == room.session


def test_a_vote_with_fixed_options_or_one_participants_add_to_always_has_something_to_act_on(make_room):
    room = make_room(IDEAS, VOTE, {"id": "open-vote", "kind": "dotvote", "source": "ideas", "allow_add": True})
    room.open("vote")
    assert room.engine.nothing_to_act_on("vote") is None  # its fixed option
    room.open("open-vote")
    assert room.engine.nothing_to_act_on("open-vote") is None
    assert room.engine.nothing_to_act_on("ideas") is None  # a brainstorm starts empty
