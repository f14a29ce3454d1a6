"""Stored events: their own models and a schema version, so that a journal written by
any earlier version loads, whatever the phones' commands have become since."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from scripted import scripted_workshop
from workshop import commands as c
from workshop import events
from workshop.engine import Engine
from workshop.events import BODIES, RECORDED, Event, NewerSchema, recorded
from workshop.export.common import View
from workshop.export.json import exported_result

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "session-88c7a91" / "journal.jsonl"
DECIDED = {
    "join", "submit_idea", "add_item", "open", "close", "next", "back", "group_ideas", "draft_initiative", "draft_fields", "record",
}
"""Command types whose rule records an event of its own (`Joined`, `IdeaAdded`,
`Opened` …) instead of the command as it came."""


def fixture_lines() -> list[dict]:
    """The journal written by 88c7a91, before events had their own models or a version."""
    return [json.loads(line.split(b" ", 1)[1]) for line in FIXTURE.read_bytes().splitlines()]


def a_line(**body) -> dict:
    return {"seq": 2, "at": 10.0, "actor": "p1", "cmd_id": "cmd-0001", "body": {"type": "vote", "exercise": "x", "item": "i1", **body}}


# ------------------------------------------------------------ journals on disk


def test_every_line_of_an_old_journal_loads_and_is_stored_again_unchanged_but_for_its_upgrades():
    lines = fixture_lines()
    assert {line["body"]["type"] for line in lines} >= {"created", "vote", "rate", "place", "allocate", "pick", "publish"}
    for line in lines:
        event = Event.from_stored(line)
        again = event.to_json()
        assert again.pop("v") == events.SCHEMA == 2
        if line["body"]["type"] == "initiative_drafted":  # 1 → 2: two new fields, empty
            assert again["body"]["initiative"].pop("baseline") == again["body"]["initiative"].pop("budget") == ""
        if line["body"]["type"] != "created":
            assert again == line
            continue
        # 1 → 2: `anonymous` became `identity`; nothing else in the template changed.
        before, after = line["body"]["template"]["exercises"], again["body"]["template"]["exercises"]
        assert [ex.get("anonymous", False) for ex in before] == [ex["identity"] == "anonymous" for ex in after]
        assert [{k: v for k, v in ex.items() if k != "anonymous"} for ex in before] == [
            {k: v for k, v in ex.items() if k not in ("identity", "room_ideas", "breakouts")} for ex in after
        ]
        assert all(ex["room_ideas"] is None for ex in after if ex["kind"] == "brainstorm")  # old caps kept
        # Fields added since, stored with the defaults that keep the old behaviour: no breakouts, no break, no buffer.
        assert all(ex["breakouts"] is False for ex in after if ex["kind"] == "initiatives")
        assert (again["body"]["template"]["breaks"], again["body"]["template"]["buffer"]) == ([], 0)


def test_an_old_journal_replays_to_the_results_it_was_exported_with():
    """The workshop recorded by 88c7a91, run through today's engine, gives every result
    its JSON export held (tests/fixtures/session-88c7a91.expected), as exported."""
    replayed = Engine.replay(Event.from_stored(line) for line in fixture_lines())
    document = json.loads((FIXTURE.parent.parent / "session-88c7a91.expected" / "joint-agenda.json").read_text(encoding="utf-8"))
    view = View(replayed)
    assert [ex["id"] for ex in document["exercises"]] == [cfg.id for cfg in replayed.session.template.exercises]
    for exercise in document["exercises"]:
        assert exported_result(view, exercise["id"]) == exercise["result"], exercise["id"]


def test_events_are_written_with_the_schema_version_and_read_back():
    event = Event.from_stored(a_line())
    stored = json.loads(json.dumps(event.to_json()))
    assert stored["v"] == events.SCHEMA
    assert Event.from_stored(stored) == event
    assert Event.model_validate(stored) == event  # callers still reading with model_validate
    assert Event.model_validate(event.model_dump()) == event  # in-memory use


def test_a_line_without_a_version_is_version_one():
    assert Event.from_stored(a_line()) == Event.from_stored({**a_line(), "v": 1})


def test_reading_leaves_the_stored_dict_as_it_was():
    line = {**a_line(), "v": 1}
    Event.from_stored(line)
    assert line == {**a_line(), "v": 1}


def test_a_newer_schema_is_refused_with_a_sentence_for_people():
    with pytest.raises(NewerSchema) as caught:
        Event.from_stored({**a_line(), "v": 99})
    assert str(caught.value) == (
        "This session was saved by a newer version of Common Ground (journal schema 99; this version "
        "reads up to 2). Update Common Ground to open it; nothing was changed."
    )
    assert isinstance(caught.value, ValueError) and caught.value.version == 99
    with pytest.raises(ValidationError, match="newer version of Common Ground"):
        Event.model_validate({**a_line(), "v": 99})


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, None, True])
def test_a_version_that_is_not_a_whole_number_from_one_is_refused(version):
    with pytest.raises(ValueError, match="schema version"):
        Event.from_stored({**a_line(), "v": version})


def test_old_lines_are_upgraded_step_by_step(monkeypatch):
    """How a future version reads today's journals: SCHEMA goes up, and UPGRADES[n]
    turns a version-n dict into version n + 1 (here: v2 renamed the actor, v3 the item)."""
    calls = []

    def to_v2(data):
        calls.append(2)
        return {**data, "actor": "v2-" + data["actor"]}

    def to_v3(data):
        calls.append(3)
        data["body"]["item"] = "v3-" + data["body"]["item"]
        return data

    monkeypatch.setattr(events, "SCHEMA", 3)
    monkeypatch.setattr(events, "UPGRADES", {1: to_v2, 2: to_v3})
    old = a_line()
    event = Event.from_stored(old)
    assert (event.actor, event.body.item) == ("v2-p1", "v3-i1") and calls == [2, 3]
    assert old == a_line()  # the upgrades worked on a copy
    calls.clear()
    assert Event.from_stored({**a_line(), "v": 2}).actor == "p1" and calls == [3]
    calls.clear()
    current = Event.from_stored({**a_line(), "v": 3})
    assert (current.actor, current.body.item) == ("p1", "i1") and calls == []
    assert current.to_json()["v"] == 3
    with pytest.raises(NewerSchema, match=r"journal schema 4; this version reads up to 3\)"):
        Event.from_stored({**a_line(), "v": 4})


def test_stored_events_know_no_limit_of_todays_commands():
    """A later, tighter limit on a command must not make a saved journal unreadable."""
    long = "x" * 5000
    with pytest.raises(ValidationError):
        c.Comment(exercise="plan", target="j1", text=long)
    line = {**a_line(), "body": {"type": "comment", "exercise": "plan", "target": "j1", "text": long}}
    assert Event.from_stored(line).body.text == long


# ------------------------------------------------------------ the models


def test_every_event_class_has_its_own_type():
    types = [cls.model_fields["type"].default for cls in BODIES]
    assert len(types) == len(set(types)) == len(BODIES)
    assert all(issubclass(cls, events.Body) and cls.model_config.get("frozen") for cls in BODIES)


def test_events_do_not_import_the_commands():
    tree = ast.parse(inspect.getsource(events))
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name and "commands" in name]
    assert not any(cls.__module__ == c.__name__ for cls in BODIES)


def _command_types() -> dict[str, type]:
    return {cls.model_fields["type"].default: cls for cls in c.PARTICIPANT_COMMANDS + c.FACILITATOR_COMMANDS}


def test_every_command_the_engine_records_as_it_came_has_an_event():
    commands = _command_types()
    assert DECIDED <= set(commands)
    assert set(RECORDED) == set(commands) - DECIDED
    assert set(RECORDED.values()) <= set(BODIES)
    for kind, cls in RECORDED.items():
        assert cls.model_fields["type"].default == kind
        # A command that gains a field needs its event (and perhaps a new schema) to follow.
        assert set(cls.model_fields) == set(commands[kind].model_fields), kind


def test_recorded_turns_a_command_into_its_event():
    assert recorded(c.Vote(exercise="x", item="i1")) == events.Voted(exercise="x", item="i1")
    assert recorded(c.Rate(exercise="x", item="i1", value=4)) == events.Rated(exercise="x", item="i1", value=4)
    assert recorded(c.Publish()) == events.Published(published=True)
    assert type(recorded(c.Leave())) is events.Left
    with pytest.raises(TypeError, match="not recorded as it came"):
        recorded(c.Next())


def test_the_engine_records_events_never_commands(monkeypatch):
    """Every body the engine returns in the scripted workshop is an event class."""
    bodies = []
    handle = Engine.handle

    def recording(self, *args, **kwargs):
        outcome = handle(self, *args, **kwargs)
        bodies.extend(event.body for event in getattr(outcome, "events", ()))
        return outcome

    monkeypatch.setattr(Engine, "handle", recording)
    scripted_workshop()
    assert len(bodies) > 300
    assert {type(body) for body in bodies} <= set(BODIES)
    assert not [body for body in bodies if isinstance(body, c.Cmd)]
