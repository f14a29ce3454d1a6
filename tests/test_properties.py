"""Property tests: random sessions cannot break the rules or the fold.

A few phones and the facilitator send random commands (unknown ids, values out of
range, repeated command ids, a clock that only moves forward) to a small agenda
with every kind. Whatever they send, no budget or cap is exceeded, and the journal
of accepted events rebuilds exactly the live state and the same results.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from itertools import pairwise

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
            assert again == dataclasses.replace(outcome, repeated=True)
            # A phone is told in its own language: never an English-only refusal.
            assert actor == FACILITATOR or outcome.key is not None, (actor, command, outcome)
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
        for places in state.places.values():
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


# ----------------------------------------------------------------- results against a reference
#
# The results are checked against a fold written here from the commands alone, not
# from the engine's events: what the engine accepted is all this reference knows.

VOTERS = ["it", "it", "marketing", "marketing", "marketing", "other"]
"""The side of each phone in the two properties below, in joining order."""
ITEMS = ["i1", "i2", "i3", "i4"]  # i4 is not on the list: always refused
PAIR = ("it", "marketing")

toggles = st.just(("toggle",))
"""The facilitator closes the exercise (or opens it again): inputs meanwhile are refused."""
retry_ids = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(["r1", "r2"]))
"""None: a fresh command id; otherwise an id the phone may have used before (a retry)."""
vote_steps = st.lists(
    weighted(
        (12, st.tuples(st.integers(0, len(VOTERS) - 1), st.sampled_from(["vote", "vote", "unvote"]), st.sampled_from(ITEMS), retry_ids)),
        (1, toggles),
    ),
    max_size=80,
)


def voting_room(make_room, exercise: dict):
    room = make_room(exercise)
    people = [room.join(side) for side in VOTERS]
    room.open(exercise["id"])
    return room, people


def run_steps(room, people, steps, exercise_id: str, make_command):
    """Send each step; yield (participant, command) for those the engine accepted anew."""
    for n, step in enumerate(steps):
        if step[0] == "toggle":
            state = room.state(exercise_id).status
            room.run(c.Close(exercise=exercise_id) if state == "open" else c.Open(exercise=exercise_id))
            continue
        who, *rest, cmd_id = step
        command = make_command(*rest)
        outcome = room.send(people[who], command, cmd_id=cmd_id or f"step-{n}")
        if isinstance(outcome, Accepted) and not outcome.repeated:
            yield people[who], command


def side_of(room, pid: str) -> str:
    return room.session.participants[pid].side


@SETTINGS
@given(steps=vote_steps)
def test_dot_vote_totals_per_item_and_side_are_the_accepted_votes_minus_unvotes(make_room, steps):
    room, people = voting_room(make_room, {"id": "vote", "kind": "dotvote", "options": ["Apps", "Data", "AI"], "dots": 4, "max_per_item": 2})

    def command(kind, item):
        return (c.Vote if kind == "vote" else c.Unvote)(exercise="vote", item=item)

    dots: Counter = Counter()  # (participant, item) → dots held
    for pid, cmd in run_steps(room, people, steps, "vote", command):
        dots[pid, cmd.item] += 1 if isinstance(cmd, c.Vote) else -1

    sides = ["it", "marketing", "other"]
    by_side = {item: {side: sum(n for (pid, i), n in dots.items() if i == item and side_of(room, pid) == side) for side in sides} for item in ITEMS[:3]}
    totals = {item: sum(by_side[item].values()) for item in ITEMS[:3]}
    spent = {side: sum(by_side[item][side] for item in by_side) for side in sides}
    result = room.engine.result("vote")

    assert [row.item for row in result.ranking] == sorted(ITEMS[:3], key=lambda item: -totals[item])  # ties: list order
    for row in result.ranking:
        assert row.total == totals[row.item]
        assert row.by_side == by_side[row.item]
        assert row.voters == sum(1 for (pid, i), n in dots.items() if i == row.item and n > 0)
        for side in sides:
            expected = by_side[row.item][side] * 100 / spent[side] if spent[side] else None
            assert (row.share[side] is None) == (expected is None)
            assert expected is None or abs(row.share[side] - expected) <= 0.05 + 1e-9
        if spent[PAIR[0]] and spent[PAIR[1]]:
            gap = by_side[row.item][PAIR[0]] * 100 / spent[PAIR[0]] - by_side[row.item][PAIR[1]] * 100 / spent[PAIR[1]]
            assert row.gap is not None and abs(row.gap - gap) <= 0.05 + 1e-9
        else:
            assert row.gap is None and not row.flagged
    assert result.dots_used == sum(dots.values())
    assert result.voters == len({pid for (pid, _), n in dots.items() if n > 0})
    assert all(n >= 0 for n in dots.values())  # the reference never took back a dot that was not there


allocations = st.one_of(
    st.integers(0, 10).flatmap(lambda a: st.integers(0, 10 - a).map(lambda b: {"i1": a, "i2": b, "i3": 10 - a - b})),
    st.dictionaries(st.sampled_from(ITEMS), st.integers(-2, 10), max_size=3),
)
"""Mostly allocations that total the budget of 10, some that do not (or name an item
not on the list, or hold negative points): those must be refused and change nothing."""
allocate_steps = st.lists(
    weighted((10, st.tuples(st.integers(0, len(VOTERS) - 1), allocations, retry_ids)), (1, toggles)),
    max_size=60,
)


@SETTINGS
@given(steps=allocate_steps)
def test_allocation_means_per_item_and_side_come_from_each_persons_last_accepted_split(make_room, steps):
    budget = 10
    room, people = voting_room(make_room, {"id": "split", "kind": "allocate", "options": ["Apps", "Data", "AI"], "budget": budget})
    last: dict[str, dict[str, int]] = {}
    for pid, cmd in run_steps(room, people, steps, "split", lambda points: c.Allocate(exercise="split", points=points)):
        assert sum(cmd.points.values()) == budget and all(v >= 0 for v in cmd.points.values())
        last[pid] = dict(cmd.points)

    result = room.engine.result("split")
    assert result.respondents == len(last)
    groups = {"all": list(last)} | {side: [pid for pid in last if side_of(room, pid) == side] for side in ("it", "marketing", "other")}
    expected_means = {}
    for row in result.items:
        mean = {
            key: (sum(last[pid].get(row.item, 0) for pid in pids) / len(pids) if pids else None) for key, pids in groups.items()
        }
        expected_means[row.item] = mean["all"] or 0
        for key, value in mean.items():
            assert (row.mean[key] is None) == (value is None), (key, row)
            if value is not None:
                assert abs(row.mean[key] - value) <= 0.0005 + 1e-9
                assert abs(row.share[key] - value * 100 / budget) <= 0.05 + 1e-9
        if mean[PAIR[0]] is not None and mean[PAIR[1]] is not None:
            assert abs(row.gap - (mean[PAIR[0]] - mean[PAIR[1]])) <= 0.001 + 1e-9
        else:
            assert row.gap is None
    means_in_order = [expected_means[row.item] for row in result.items]
    assert all(a >= b - 0.001 for a, b in pairwise(means_in_order))  # highest mean share first
    assert sorted(row.item for row in result.items) == ["i1", "i2", "i3"]
