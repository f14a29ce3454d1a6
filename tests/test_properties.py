"""Property tests: random sessions cannot break the rules or the fold.

A few phones and the facilitator send random commands (unknown ids, values out of
range, repeated command ids, a clock that only moves forward) to a small agenda
with every kind. Whatever they send, no budget or cap is exceeded, and the journal
of accepted events rebuilds exactly the live state and the same results.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import commands as c
from workshop.engine import Accepted, Engine, Refused
from workshop.events import Event
from workshop.model import FACILITATOR, Session

AGENDA = [
    {"id": "pulse", "kind": "scale", "statements": ["Together", "Goals"], "max": 5},
    {"id": "ideas", "kind": "brainstorm", "max_per_person": 3, "per_minute": 2, "max_length": 20, "seed": ["Speed"]},
    {"id": "vote", "kind": "dotvote", "options": ["Apps", "Data", "AI"], "dots": 4, "max_per_item": 2, "allow_add": True},
    {"id": "shortlist", "kind": "dotvote", "source": "ideas", "dots": 2, "max_per_item": 1},
    {"id": "poll", "kind": "poll", "options": ["Reviews", "Lunch", "Rotations"], "other": True},
    {"id": "multi", "kind": "poll", "options": ["Reviews", "Lunch"], "multi": True},
    {"id": "split", "kind": "allocate", "options": ["Apps", "Data", "AI"], "budget": 10},
    {"id": "grid", "kind": "matrix", "options": ["Apps", "Data"], "max": 3},
    {"id": "owners", "kind": "ownership", "rows": ["Privacy", "UX"]},
    {"id": "plan", "kind": "initiatives", "source": "vote", "top": 2, "options": ["Loyalty"], "max_initiatives": 2},
    {"id": "check-out", "kind": "scale", "statements": ["Together", "Goals"], "compare_with": "pulse"},
]
KIND_OF = {ex["id"]: ex["kind"] for ex in AGENDA}
CURRENT = "@current"
"""Placeholder exercise id: whichever exercise the room is on when the command is sent."""

PHONES = ["p1", "p2", "p3", "p4"]  # p4 only exists once someone joins with a fourth token
TOKENS = ["t1", "t2", "t3", "t4"]
SIDES = ["it", "marketing", "other", "finance"]

ids = st.one_of(
    st.sampled_from(["i1", "i2", "i3"]),
    st.sampled_from(["i1", "i2", "i3", "i4", "i5", "i6", "i9", "j4", "j5", "t3", "x"]),
)
initiative_ids = st.sampled_from(["j1", "j4", "j5", "j6", "x"])
theme_ids = st.sampled_from(["t3", "t4", "t5", "t6", "t7", "t8", "x"])
texts = st.sampled_from(["", "  ", "Speed", "speed ", "Data", "One view", "x" * 21, "Trust", "Apps"])
points = st.one_of(
    st.dictionaries(ids, st.integers(-2, 10), max_size=4),
    st.integers(-1, 11).map(lambda a: {"i1": a, "i2": 10 - a}),
    st.integers(0, 10).map(lambda a: {"i2": a, "i3": 10 - a, "i1": 0}),
)

ANSWER, MODERATE = "answer the current exercise", "moderate the current exercise"
"""Placeholder commands, drawn when sent from the strategies for the kind of the
exercise the room is on. They keep random sessions busy: most inputs can count."""


def weighted(*pairs):
    """`one_of` with weights: (weight, strategy) pairs."""
    strategies = [strategy for weight, strategy in pairs for _ in range(weight)]
    return st.integers(0, len(strategies) - 1).flatmap(lambda n: strategies[n])


def exercise_of(*kinds: str):
    """Mostly the current exercise or one of the right kind, sometimes any or none."""
    right = [ex_id for ex_id, kind in KIND_OF.items() if kind in kinds]
    return st.one_of(st.just(CURRENT), st.sampled_from(right), st.sampled_from([*KIND_OF, "nope"]))


def answers(exercise) -> dict:
    return {
        "scale": st.builds(c.Rate, exercise=exercise, item=ids, value=st.integers(0, 6)),
        "brainstorm": weighted(
            (3, st.builds(c.SubmitIdea, exercise=exercise, text=texts)),
            (1, st.builds(c.EditIdea, exercise=exercise, idea=ids, text=texts)),
            (1, st.builds(c.WithdrawIdea, exercise=exercise, idea=ids)),
        ),
        "dotvote": weighted(
            (4, st.builds(c.Vote, exercise=exercise, item=ids)),
            (1, st.builds(c.Unvote, exercise=exercise, item=ids)),
            (1, st.builds(c.AddItem, exercise=exercise, text=texts)),
        ),
        "poll": st.builds(c.Pick, exercise=exercise, items=st.lists(ids, max_size=3), other=st.sampled_from(["", "", "Mine"])),
        "allocate": st.builds(c.Allocate, exercise=exercise, points=points),
        "matrix": st.builds(c.Place, exercise=exercise, item=ids, x=st.integers(0, 4), y=st.integers(0, 4)),
        "ownership": st.builds(c.ChooseOwner, exercise=exercise, item=ids, choice=st.integers(-1, 3)),
        "initiatives": st.one_of(
            st.builds(c.Volunteer, exercise=exercise, target=ids, on=st.booleans()),
            st.builds(c.Comment, exercise=exercise, target=ids, text=texts),
        ),
    }


def moderation(exercise) -> dict:
    brainstorm = st.one_of(
        st.builds(c.SubmitIdea, exercise=exercise, text=texts, side=st.sampled_from([None, "it"])),
        st.builds(c.EditIdea, exercise=exercise, idea=ids, text=texts),
        st.builds(c.HideIdea, exercise=exercise, idea=ids, hidden=st.booleans()),
        st.builds(c.MergeIdeas, exercise=exercise, idea=ids, into=ids),
        st.builds(c.GroupIdeas, exercise=exercise, ideas=st.lists(ids, min_size=1, max_size=3), theme=st.sampled_from(["", "Speed", "Trust"])),
        st.builds(c.RenameTheme, exercise=exercise, theme=theme_ids, name=texts),
    )
    initiatives = st.one_of(
        st.builds(c.DraftInitiative, exercise=exercise, title=texts, source_item=st.one_of(st.none(), ids)),
        st.builds(
            c.UpdateInitiative, exercise=exercise, initiative=initiative_ids,
            fields=st.dictionaries(st.sampled_from(["title", "kpi", "it_lead", "colour"]), texts, max_size=2),
        ),
        st.builds(c.SetInitiativeStatus, exercise=exercise, initiative=initiative_ids, status=st.sampled_from(["draft", "agreed", "parked"])),
    )
    return {"brainstorm": brainstorm, "initiatives": initiatives}


ANSWERS_NOW = answers(st.just(CURRENT))
MODERATION_NOW = moderation(st.just(CURRENT))
answer_now, moderate_now = st.just(ANSWER), st.just(MODERATE)
any_answer = st.one_of(*[answers(exercise_of(kind))[kind] for kind in sorted(set(KIND_OF.values()))])
"""An answer of any kind, aimed at an exercise of that kind, the current one, or any."""

participant_commands = weighted(
    (16, answer_now),
    (3, any_answer),
    (1, st.builds(c.Rename, name=st.sampled_from(["", "Ana", "B" * 41]), side=st.sampled_from([None, *SIDES]))),
    (1, st.just(c.Leave())),
)

any_exercise = st.sampled_from([CURRENT, *KIND_OF, "nope"])
facilitator_commands = weighted(
    (3, st.builds(c.Open, exercise=any_exercise)),
    (1, st.builds(c.Close, exercise=any_exercise)),
    (2, st.just(c.Next())),
    (1, st.just(c.Back())),
    (1, st.builds(c.Reveal, exercise=any_exercise, revealed=st.booleans())),
    (1, st.builds(c.TimerStart, exercise=any_exercise)),
    (1, st.builds(c.TimerPause, exercise=any_exercise)),
    (1, st.builds(c.TimerExtend, exercise=any_exercise, seconds=st.sampled_from([-5, 0, 30, 3600, 4000]))),
    (4, moderate_now),
    (1, st.one_of(*moderation(exercise_of("brainstorm", "initiatives")).values())),
    (1, st.builds(c.Publish, published=st.booleans())),
)

joins = st.builds(
    lambda token, side, name: (token, c.Join(name=name, side=side, token=token)),
    st.sampled_from(TOKENS), st.sampled_from(SIDES), st.sampled_from(["", "Ana", "  Bo  "]),
)

steps = st.tuples(
    weighted(
        (10, st.tuples(st.sampled_from(["p1", "p1", "p2", "p2", "p3", "p3", "p4"]), participant_commands)),
        (4, st.tuples(st.just(FACILITATOR), facilitator_commands)),
        (1, joins),
        (1, st.tuples(st.sampled_from(PHONES), facilitator_commands)),  # phones trying the facilitator's buttons
        (1, st.tuples(st.just(FACILITATOR), participant_commands)),
    ),
    st.one_of(st.none(), st.none(), st.sampled_from(["a", "b", "c"])),  # None: a fresh command id
    st.sampled_from([0.0, 0.0, 0.5, 5.0, 30.0, 61.0, 400.0]),
)
scripts = st.tuples(st.sampled_from([None, *KIND_OF]), st.lists(steps, min_size=20, max_size=80))
"""The exercise opened before the script runs (None: the room starts in the lobby)."""

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def start(make_room, opening: str | None):
    room = make_room(*AGENDA)
    for token, side in zip(TOKENS[:3], SIDES[:3]):
        room.accepts(token, c.Join(side=side, token=token), cmd_id="hello")
    if opening is not None:
        room.run(c.Open(exercise=opening), cmd_id="start")
    return room


def resolve(room, command, data):
    kind = room.session.current_exercise.kind
    if command == ANSWER:
        command = data.draw(ANSWERS_NOW[kind])
    elif command == MODERATE:
        command = data.draw(MODERATION_NOW.get(kind, st.just(c.Next())))
    if getattr(command, "exercise", None) == CURRENT:
        return command.model_copy(update={"exercise": room.session.current_exercise.id})
    return command


def play(room, script, data, first: int = 0):
    """Run the script (its steps numbered from `first`); after each command check the
    rules, and that a repeat of its command id changes nothing."""
    now = room.now
    for n, ((actor, command), cmd_id, dt) in enumerate(script, start=first):
        now += dt
        command = resolve(room, command, data)
        cmd_id = cmd_id or f"fresh-{n}"
        seen = f"{actor}/{cmd_id}" in room.session.handled
        before = room.snapshot()
        outcome = room.send(actor, command, now=now, cmd_id=cmd_id)
        if seen:
            assert outcome == Accepted(events=(), repeated=True)
        if outcome.repeated or isinstance(outcome, Refused):
            assert room.snapshot() == before, (actor, command, outcome)
        after = room.snapshot()
        again = room.send(actor, command, now=now, cmd_id=cmd_id)
        assert again.repeated and room.snapshot() == after
        if isinstance(outcome, Refused):
            assert again == Refused(outcome.code, outcome.reason, repeated=True)
        check_rules(room.session)


def check_rules(session: Session) -> None:
    for ex in session.template.exercises:
        state = session.exercises[ex.id]
        items = {item.id for item in state.items}
        for pid, scores in state.scores.items():
            assert pid in session.participants
            assert set(scores) <= items
            match ex.kind:
                case "scale":
                    assert all(1 <= v <= ex.max for v in scores.values())
                case "dotvote":
                    assert sum(scores.values()) <= ex.dots
                    assert all(1 <= v <= ex.max_per_item for v in scores.values())
                case "allocate":
                    assert not scores or sum(scores.values()) == ex.budget
                    assert all(v > 0 for v in scores.values())
                case "poll":
                    assert set(scores.values()) <= {1}
                    assert ex.multi or len(scores) + (pid in state.other) <= 1
                case "ownership":
                    assert all(0 <= v < len(ex.choices) for v in scores.values())
        for pid, places in state.places.items():
            assert set(places) <= items
            assert all(1 <= x <= ex.max and 1 <= y <= ex.max for x, y in places.values())
        if ex.kind == "brainstorm":
            live = Counter(i.author for i in state.ideas.values() if not i.withdrawn and i.author != FACILITATOR)
            assert all(n <= ex.max_per_person for n in live.values())
            for idea in state.ideas.values():
                if idea.author != FACILITATOR:
                    window = [i for i in state.ideas.values() if i.author == idea.author and idea.at - 60 < i.at <= idea.at]
                    assert len(window) <= ex.per_minute
                assert 1 <= len(idea.text) <= ex.max_length or idea.author == FACILITATOR
        if ex.kind == "initiatives":
            assert sum(1 for i in state.initiatives.values() if i.status != "parked") <= ex.max_initiatives
        for names in state.volunteers.values():
            assert len(names) == len(set(names))
        assert len({item.id for item in state.items}) == len(state.items)
    open_now = [ex_id for ex_id, state in session.exercises.items() if state.status == "open"]
    assert len(open_now) <= 1
    assert sum(1 for p in session.participants.values() if not p.left) <= session.max_participants


def results(engine: Engine) -> dict:
    return {ex_id: engine.result(ex_id).model_dump() for ex_id in engine.session.exercises} | {
        f"{ex_id}/participation": engine.participation(ex_id) for ex_id in engine.session.exercises
    }


@SETTINGS
@given(scripted=scripts, data=st.data())
def test_random_sessions_keep_every_budget_cap_and_range(make_room, scripted, data):
    opening, script = scripted
    play(start(make_room, opening), script, data)


@SETTINGS
@given(scripted=scripts, data=st.data())
def test_replaying_the_accepted_events_rebuilds_the_live_state_and_results(make_room, scripted, data):
    opening, script = scripted
    room = start(make_room, opening)
    play(room, script, data)
    live = room.snapshot()
    assert [e.seq for e in room.events] == list(range(1, len(room.events) + 1))

    replayed = room.replayed()
    assert replayed.session.model_dump() == live
    assert results(replayed) == results(room.engine)

    from_json = Engine.replay(Event.model_validate(e.to_json()) for e in room.events)
    assert from_json.session.model_dump() == live


@SETTINGS
@given(scripted=scripts, data=st.data(), cut=st.integers(0, 200))
def test_a_snapshot_then_the_rest_of_the_journal_rebuilds_the_live_state(make_room, scripted, data, cut):
    opening, script = scripted
    room = start(make_room, opening)
    half = len(script) // 2
    play(room, script[:half], data)
    saved, seen = room.session.model_dump(mode="json"), len(room.events)
    play(room, script[half:], data, first=half)
    restored = Engine.replay(room.events[seen:], session=Session.model_validate(saved))
    assert restored.session.model_dump() == room.snapshot()
    assert results(restored) == results(room.engine)
    # every command already handled is still recognised after the restore
    for key in list(room.session.handled)[cut % max(1, len(room.session.handled)):][:5]:
        actor, _, cmd_id = key.partition("/")
        before = restored.session.model_dump()
        assert restored.handle(actor, cmd_id, c.Publish(), 10_000.0).repeated
        assert restored.session.model_dump() == before
