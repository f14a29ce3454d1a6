"""Snapshots of the facilitator's screens with a fixed clock, join URL, room code
and terminal size. Regenerate after an intended change with
`pytest tests/test_tui_snapshots.py --snapshot-update` and look at the SVGs."""

import pytest

from workshop import commands as c
from workshop import sessions
from workshop.model import FACILITATOR
from workshop.tui.app import RoomOptions, build_app

NOW = 1_700_000_000.0
ROOM = RoomOptions(host="127.0.0.1", port=0, public_url="http://192.168.1.20:8765")
SIZE = (120, 40)
PEOPLE = [("Ann", "it"), ("Bob", "marketing"), ("Cleo", "it"), ("Dan", "marketing"), ("Eve [bold]x[/bold]", "other"), ("Fay", "it"), ("Gus", "marketing")]
"""Three IT, three Marketing and one Other: IT and Marketing have figures, Other is
withheld (fewer than 3 answers) and the screens say so."""


@pytest.fixture
def workshop(tmp_path):
    w = sessions.create("Acme offsite", sessions_dir=tmp_path, organisation="Acme", now=NOW, room_code="K7QM2X")
    for n, (name, side) in enumerate(PEOPLE):
        w.handle(f"join:{n}", f"join-{n}", c.Join(name=name, side=side, token=f"token-{n}"), now=NOW + n)
    return w


def fixed_app(workshop):
    return build_app(workshop=workshop, room=ROOM, clock=lambda: NOW + 100)


def test_the_lobby_shows_the_code_url_and_roster(snap_compare, workshop):
    assert snap_compare(fixed_app(workshop), terminal_size=SIZE)


def test_the_run_screen_shows_a_scale_with_its_perception_gap(snap_compare, workshop):
    workshop.handle(FACILITATOR, "open", c.Open(exercise="check-in"), now=NOW + 10)
    ratings = {"p1": 4, "p2": 2, "p3": 5, "p4": 2, "p5": 3, "p6": 4, "p7": 2}
    for pid, value in ratings.items():
        for item in ("i1", "i2", "i3"):
            workshop.handle(pid, f"{pid}-{item}", c.Rate(exercise="check-in", item=item, value=value), now=NOW + 20)

    async def leave_lobby(pilot):
        await pilot.press("enter")
        await pilot.pause(0.3)

    assert snap_compare(fixed_app(workshop), terminal_size=SIZE, run_before=leave_lobby)


def test_the_ownership_grid_marks_contested_rows(snap_compare, workshop):
    workshop.handle(FACILITATOR, "open", c.Open(exercise="who-leads"), now=NOW + 10)
    rows = len(workshop.session.exercises["who-leads"].items)  # every row answered
    for n, pid in enumerate(["p1", "p2", "p3", "p4", "p5", "p6", "p7"]):
        for row in range(1, rows + 1):
            choice = (row + n) % 3 if row % 2 else 2
            workshop.handle(pid, f"{pid}-{row}", c.ChooseOwner(exercise="who-leads", item=f"i{row}", choice=choice), now=NOW + 20)

    async def leave_lobby(pilot):
        await pilot.press("enter")
        await pilot.pause(0.3)

    assert snap_compare(fixed_app(workshop), terminal_size=SIZE, run_before=leave_lobby)


def test_the_initiative_editor_scrolls_its_fields_between_title_and_buttons(snap_compare, workshop):
    workshop.handle(FACILITATOR, "draft", c.DraftInitiative(exercise="joint-initiatives", title="One customer view"), now=NOW + 10)

    async def open_editor(pilot):
        await pilot.press("enter", "i")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)

    assert snap_compare(fixed_app(workshop), terminal_size=SIZE, run_before=open_editor)
