"""Breakout drafting of initiatives: with `breakouts`, the champions of a drafted
initiative are its table and write its draft from their phones; the facilitator
names the tables and agrees or parks each draft when the room reconvenes.

The core through `make_room` (see conftest.py); the phone page in Chromium is in
test_phone_browser.py.
"""

from __future__ import annotations

import pytest

from tests.test_activities import draft
from workshop import commands as c
from workshop.views import mine_view, room_view

TABLES = {
    "id": "plan", "kind": "initiatives", "options": ["Loyalty app", "Shared KPI dashboard"], "breakouts": True,
    "identity": "named",
}
"""The initiatives exercise of test_activities.py (its `draft` drafts there), in breakouts."""


@pytest.fixture
def room(make_room):
    room = make_room(TABLES)
    room.open("plan")
    return room


def write(room, who, initiative, **fields):
    return room.accepts(who, c.DraftFields(exercise="plan", initiative=initiative, fields=fields))


def test_a_table_writes_its_draft_and_the_facilitator_agrees_it(room):
    ana, mo = room.join("it", "Ana"), room.join("marketing", "Mo")
    loyalty = draft(room, "Loyalty app", source_item="i1")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    room.accepts(mo, c.Volunteer(exercise="plan", target="i1"))  # backed the candidate before it was drafted: same table
    write(room, ana, loyalty, kpi="  Repeat   purchase rate ", baseline="31%", target="35%", it_lead="Ana")
    write(room, mo, loyalty, marketing_lead="Mo", timeframe="Q3", first_step="Pilot with loyalty members")
    initiative = room.state("plan").initiatives[loyalty]
    assert (initiative.kpi, initiative.baseline, initiative.target, initiative.it_lead) == ("Repeat purchase rate", "31%", "35%", "Ana")
    assert (initiative.marketing_lead, initiative.timeframe, initiative.first_step) == ("Mo", "Q3", "Pilot with loyalty members")
    room.run(c.SetInitiativeStatus(exercise="plan", initiative=loyalty, status="agreed"))  # complete: the table filled it in
    assert room.replayed().session.exercises["plan"].initiatives[loyalty] == room.state("plan").initiatives[loyalty]


def test_only_the_tables_champions_may_write_and_only_while_it_is_a_draft(room):
    ana, bo = room.join("it", "Ana"), room.join("it", "Bo")
    loyalty = draft(room, "Loyalty app")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    reason = room.refuses(bo, c.DraftFields(exercise="plan", initiative=loyalty, fields={"kpi": "Leads"}), "not_champion")
    assert reason == "Join the table of “Loyalty app” first: tap “I'll champion this”."
    write(room, ana, loyalty, kpi="Leads", timeframe="Q3", it_lead="Ana", marketing_lead="Mo")
    room.run(c.SetInitiativeStatus(exercise="plan", initiative=loyalty, status="agreed"))
    reason = room.refuses(ana, c.DraftFields(exercise="plan", initiative=loyalty, fields={"kpi": "Revenue"}), "not_draft")
    assert reason == "This initiative is agreed now, so only the facilitator can change it."


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"title": "Renamed"}, "unknown_field"),
        ({"budget": "€1m"}, "unknown_field"),
        ({"first_step": "x" * 401}, "too_long"),
        ({"kpi": ""}, "no_change"),
    ],
    ids=["the title is the facilitator's", "the money is the sponsor's", "too long", "nothing changes"],
)
def test_a_bad_draft_is_refused_and_changes_nothing(room, fields, code):
    ana = room.join("it", "Ana")
    loyalty = draft(room, "Loyalty app")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    room.refuses(ana, c.DraftFields(exercise="plan", initiative=loyalty, fields=fields), code)


def test_a_table_can_empty_a_field_it_wrote(room):
    ana = room.join("it", "Ana")
    loyalty = draft(room, "Loyalty app")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    write(room, ana, loyalty, target="+5 points")
    write(room, ana, loyalty, target="   ")
    assert room.state("plan").initiatives[loyalty].target == ""


def test_without_breakouts_the_facilitator_alone_writes_the_initiatives(make_room):
    room = make_room({**TABLES, "breakouts": False})
    room.open("plan")
    ana = room.join("it", "Ana")
    loyalty = draft(room, "Loyalty app")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    room.refuses(ana, c.DraftFields(exercise="plan", initiative=loyalty, fields={"kpi": "Leads"}), "not_allowed")


def test_each_phone_is_told_which_tables_it_sits_at(room):
    ana, mo = room.join("it", "Ana"), room.join("marketing", "Mo")
    loyalty, dashboard = draft(room, "Loyalty app"), draft(room, "KPI dashboard")
    room.accepts(ana, c.Volunteer(exercise="plan", target=loyalty))
    room.accepts(mo, c.Volunteer(exercise="plan", target=dashboard))
    assert mine_view(room.session, ana)["tables"] == [loyalty]
    assert mine_view(room.session, mo)["tables"] == [dashboard]
    assert room_view(room.engine, room.now)["exercise"]["config"]["breakouts"] is True


def test_a_simulated_participant_joins_the_table_with_the_fewest_people():
    # The demo's phones spread over the tables as people in a room do, rather than all
    # piling onto whichever draft they saw first.
    from random import Random

    from workshop.activities import KINDS
    from workshop.activities.kind import Persona

    drafts = [{"id": "n1", "status": "draft", "champions": 3}, {"id": "n2", "status": "draft", "champions": 1}]
    ex = {"id": "plan", "config": {"breakouts": True}, "items": [], "initiatives": [*drafts, {"id": "n3", "status": "agreed", "champions": 0}]}
    for seed in range(20):
        acts = KINDS["initiatives"].simulate(ex, Persona(side="it", lean=1), Random(seed))
        assert acts[0] == {"type": "volunteer", "exercise": "plan", "target": "n2"}
        assert acts[1]["initiative"] == "n2"
