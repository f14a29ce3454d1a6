"""Decisions, actions and risks (`workshop.records`): recorded by the facilitator from
any step, checked so that each can be acted on, journaled and replayed like any
input, and a decision settles a contested who-leads-what row."""

from __future__ import annotations

import pytest

from workshop import commands as c
from workshop.engine import Engine
from workshop.events import Event
from workshop.model import Executives

OWNERS = {"id": "who-leads", "kind": "ownership", "rows": ["Consent of campaign data", "Internal platforms UX"]}
WORRIES = {"id": "worries", "kind": "brainstorm"}
PLAN = {"id": "plan", "kind": "initiatives", "options": ["Loyalty app"]}


@pytest.fixture
def room(make_room):
    return make_room(WORRIES, OWNERS, PLAN)


def record(room, **fields):
    return room.run(c.RecordOutcome(**fields)).events[0].body.record


def test_a_decision_an_action_and_a_risk_are_recorded_with_ids_in_order(room):
    decision = record(room, kind="decision", text="Tools bought outside IT go through one review", owner="CIO and CMO")
    action = record(room, kind="action", text="Draft the review checklist", owner="Dana", due="2026-01-31")
    risk = record(room, kind="risk", text="Campaign data copied into spreadsheets", owner="Maya", mitigation="One consented store")
    ask = record(room, kind="ask", text="Fund the pilot from the joint budget", owner="CIO and CMO")
    checkpoint = record(room, kind="checkpoint", text="Repeat purchase and approval time", due="2026-03-31")
    assert [r.id for r in (decision, action, risk, ask, checkpoint)] == ["d1", "a1", "r1", "q1", "c1"]
    assert list(room.session.records) == ["d1", "a1", "r1", "q1", "c1"]
    assert room.session.records["a1"].due == "2026-01-31" and room.session.records["r1"].mitigation == "One consented store"


@pytest.mark.parametrize(
    "fields, code, words",
    [
        ({"kind": "action", "text": "Draft it", "due": "2026-01-31"}, "no_owner", "needs an owner"),
        ({"kind": "action", "text": "Draft it", "owner": "Dana"}, "no_due", "needs a due date"),
        ({"kind": "action", "text": "Draft it", "owner": "Dana", "due": "31/01/2026"}, "bad_date", "year-month-day"),
        ({"kind": "risk", "text": "Data leaks"}, "no_owner", "needs an owner"),
        ({"kind": "decision", "text": "   "}, "empty", "needs a sentence"),
        ({"kind": "checkpoint", "text": "Repeat purchase and approval time"}, "no_due", "needs its date"),
        ({"kind": "decision", "text": "x" * 281}, "too_long", "281 characters"),
        ({"kind": "decision", "text": "Settle it", "about": "who-leads:i9"}, "unknown_item", "not in this session"),
        ({"kind": "risk", "text": "Late", "owner": "Dana", "initiative": "plan:j9"}, "unknown_initiative", "draft it first"),
        ({"kind": "decision", "text": "CMO leads", "about": "who-leads:i1", "accountable": "The intern"}, "unknown_choice", "CIO leads, CMO leads, Joint"),
        ({"kind": "action", "text": "Do", "owner": "Dana", "due": "2026-01-31", "accountable": "CIO leads"}, "not_a_row", "who-leads-what row"),
    ],
)
def test_a_record_that_could_not_be_acted_on_is_refused_with_what_to_fix(room, fields, code, words):
    reason = room.refuses("facilitator", c.RecordOutcome(**fields), code)
    assert words in reason


def test_only_the_facilitator_records(room):
    pid = room.join("it")
    room.refuses(pid, c.RecordOutcome(kind="decision", text="We win"), "not_allowed")


def test_a_decision_settles_a_contested_row_with_the_one_accountable_role(room):
    it, marketing = room.join("it"), room.join("marketing")
    room.open("who-leads")
    rows = room.items("who-leads")
    room.accepts(it, c.ChooseOwner(exercise="who-leads", item=rows[0], choice=0))
    room.accepts(marketing, c.ChooseOwner(exercise="who-leads", item=rows[0], choice=1))
    row = room.engine.result("who-leads").rows[0]
    assert row.contested and row.settled is None
    record(room, kind="decision", text="The CMO is accountable for consent of campaign data", owner="CIO and CMO",
           about=f"who-leads:{rows[0]}", accountable="CMO leads")
    row = room.engine.result("who-leads").rows[0]
    assert (row.contested, row.settled, row.settled_by) == (True, "CMO leads", "d1")  # the room was split; the decision stands
    room.run(c.DropRecord(record="d1"))
    assert room.engine.result("who-leads").rows[0].settled is None
    room.run(c.DropRecord(record="d1", dropped=False))
    assert room.engine.result("who-leads").rows[0].settled == "CMO leads"


def test_a_worry_becomes_a_risk_on_an_initiative_and_is_amended(room):
    pid = room.join("marketing")
    room.open("worries")
    idea = room.accepts(pid, c.SubmitIdea(exercise="worries", text="Security reviews arrive after launch")).events[0].body.idea.id
    room.open("plan")
    initiative = room.run(c.DraftInitiative(exercise="plan", title="Loyalty app")).events[0].body.initiative.id
    risk = record(room, kind="risk", text="Security reviews arrive after launch", owner="Dana",
                  about=f"worries:{idea}", initiative=f"plan:{initiative}")
    room.run(c.AmendRecord(record=risk.id, fields={"mitigation": "Review in sprint one", "owner": "Dana Whitfield"}))
    amended = room.session.records[risk.id]
    assert (amended.owner, amended.mitigation, amended.about, amended.initiative) == (
        "Dana Whitfield", "Review in sprint one", f"worries:{idea}", f"plan:{initiative}",
    )
    room.refuses("facilitator", c.AmendRecord(record=risk.id, fields={"owner": ""}), "no_owner")
    room.refuses("facilitator", c.AmendRecord(record=risk.id, fields={"colour": "red"}), "unknown_field")
    room.refuses("facilitator", c.AmendRecord(record="r9", fields={"owner": "x"}), "unknown_record")
    room.run(c.AmendRecord(record=risk.id, fields={"initiative": ""}))
    assert room.session.records[risk.id].initiative is None


def test_records_and_executives_replay_and_survive_a_snapshot(room):
    room.run(c.NameExecutives(cio="  Dana   Whitfield ", cmo="Maya Okafor", sponsor="Sam Chen"))
    record(room, kind="action", text="Send the joint agenda", owner="Facilitator", due="2026-12-04")
    room.run(c.DropRecord(record="a1"))
    again = Engine.replay(Event.model_validate(e.to_json()) for e in room.events)
    assert again.session.records == room.session.records
    assert again.session.executives == Executives(cio="Dana Whitfield", cmo="Maya Okafor", sponsor="Sam Chen")
    assert again.session.model_dump() == room.session.model_dump()


def test_the_executives_named_at_creation_are_in_the_first_event(make_room):
    from tests.conftest import build_template

    first = Engine.create_event(
        session_id="s1", title="Offsite", template_name="test", template=build_template(WORRIES), room_code="ABC234",
        now=0.0, executives=Executives(cio="Dana", cmo="Maya"),
    )
    assert Engine.replay([Event.model_validate(first.to_json())]).session.executives.cmo == "Maya"
