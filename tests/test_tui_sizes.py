"""The facilitator's screens at the two ends of the terminals a facilitator brings:
80×24 (a small laptop window, or a terminal left at its default) and 200×60 (a
large screen). Every screen must keep its essentials in view at 80×24 — the room
code, the counts, the prompt, the key hints that matter, the rows of a result — and
use the space at 200×60. Snapshots with a fixed clock, URL and room code; after an
intended change regenerate with `--snapshot-update` and look at the SVGs.

Besides the snapshots, each test checks in plain text what must be readable at
80×24, so that a regenerated snapshot cannot quietly lose it.
"""

from __future__ import annotations

import pytest

from tests.test_tui_snapshots import NOW, PEOPLE, fixed_app
from tests.test_tui_snapshots import workshop as _workshop  # noqa: F401 - the fixture
from workshop import commands as c
from workshop.model import FACILITATOR

SIZES = {"80x24": (80, 24), "200x60": (200, 60)}
RUN = {
    # the step of each kind a run-screen snapshot shows
    "poll": "opening", "scale": "check-in", "brainstorm": "customer-first", "dotvote": "shared-objectives",
    "rank": "objective-order", "ownership": "who-leads", "allocate": "budget", "matrix": "impact-effort",
    "initiatives": "joint-initiatives",
}
PIDS = [f"p{n}" for n in range(1, len(PEOPLE) + 1)]


def fill(workshop) -> None:
    """A morning's inputs, every kind answered by the seven people, up to the initiatives."""
    clock = iter(range(100, 10_000))
    ids = iter(range(10_000))

    def do(actor, command):
        outcome = workshop.handle(actor, f"c{next(ids)}", command, now=NOW - 20_000 + next(clock))  # before the app's clock
        assert outcome.events, (actor, command, outcome)

    def opened(exercise):
        do(FACILITATOR, c.Open(exercise=exercise))
        return workshop.session.exercises[exercise]

    state = opened("opening")
    for n, pid in enumerate(PIDS):
        do(pid, c.Pick(exercise="opening", items=[state.items[n % 5].id, state.items[(n + 2) % 5].id]))
    opened("check-in")
    for n, pid in enumerate(PIDS):
        for item in ("i1", "i2", "i3"):
            do(pid, c.Rate(exercise="check-in", item=item, value=(n % 5) + 1))
    opened("customer-first")
    for pid, text in zip(PIDS, ["One customer view", "Service that remembers", "A checkout that just works", "Delivery dates to trust", "Prices that match", "One login everywhere", "Returns made easy"]):
        do(pid, c.SubmitIdea(exercise="customer-first", text=text))
    state = opened("shared-objectives")
    for n, pid in enumerate(PIDS):
        for k in range(3):
            do(pid, c.Vote(exercise="shared-objectives", item=state.items[(n + k) % len(state.items)].id))
    state = opened("objective-order")
    for n, pid in enumerate(PIDS):
        order = [item.id for item in state.items]
        do(pid, c.Pick(exercise="objective-order", items=order[n % len(order):] + order[: n % len(order)]))
    state = opened("who-leads")
    for n, pid in enumerate(PIDS):
        for k, item in enumerate(state.items):
            do(pid, c.ChooseOwner(exercise="who-leads", item=item.id, choice=(n + k) % 3 if k % 2 else n % 2))
    state = opened("impact-effort")
    for n, pid in enumerate(PIDS):
        for k, item in enumerate(state.items):
            do(pid, c.Place(exercise="impact-effort", item=item.id, x=1 + (n + k) % 5, y=1 + (n * k) % 5))
    state = opened("budget")
    for n, pid in enumerate(PIDS):
        shares = [40, 30, 20, 10, 0][: len(state.items)]
        shares[0] += 100 - sum(shares)
        do(pid, c.Allocate(exercise="budget", points={item.id: shares[(k + n) % len(shares)] for k, item in enumerate(state.items)}))
    state = opened("joint-initiatives")
    first = state.items[0]
    do(FACILITATOR, c.DraftInitiative(exercise="joint-initiatives", title=first.text, source_item=first.id))
    for pid in PIDS[:4]:
        do(pid, c.Volunteer(exercise="joint-initiatives", target=first.id))


async def settle(pilot):
    """A session under way opens on the run screen: let it draw."""
    await pilot.pause(0.4)


@pytest.mark.parametrize("size", SIZES)
def test_the_lobby_keeps_the_room_code_in_view(snap_compare, _workshop, size):  # noqa: F811
    assert snap_compare(fixed_app(_workshop), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", RUN)
def test_the_run_screen_of_every_kind(snap_compare, _workshop, kind, size):  # noqa: F811
    fill(_workshop)
    _workshop.handle(FACILITATOR, "show", c.Open(exercise=RUN[kind]), now=NOW + 40)
    assert snap_compare(fixed_app(_workshop), terminal_size=SIZES[size], run_before=settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen, keys", [("initiatives", ("i",)), ("export", ("x",)), ("help", ("question_mark",))])
def test_the_other_screens(snap_compare, _workshop, screen, keys, size):  # noqa: F811
    fill(_workshop)

    async def go(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause(1.0 if screen == "export" else 0.4)

    assert snap_compare(fixed_app(_workshop), terminal_size=SIZES[size], run_before=go)


async def test_at_80x24_the_lobby_shows_the_room_code(_workshop):  # noqa: F811
    from tests.test_tui import text_of, wait_for
    from workshop.tui.screens.lobby import LobbyScreen

    app = fixed_app(_workshop)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await pilot.pause(0.3)
        join = app.screen.query_one("#join-text")
        assert 0 < join.region.bottom <= 23 and join.region.right <= 80
        assert "K7QM2X" in text_of(app, "#join-text") and "http://192.168.1.20:8765/?room=K7QM2X" in text_of(app, "#join-text")


async def test_at_80x24_the_run_screen_shows_prompt_counts_rows_and_the_keys_that_run_the_room(_workshop):  # noqa: F811
    from tests.test_tui import text_of, wait_for
    from workshop.tui.screens.run import RunScreen

    fill(_workshop)
    _workshop.handle(FACILITATOR, "show", c.Open(exercise="who-leads"), now=NOW + 40)
    app = fixed_app(_workshop)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))
        await pilot.pause(0.3)
        for widget in ("#prompt", "#participation", "#timer"):
            region = app.screen.query_one(widget).region
            assert region.width > 0 and region.right <= 80, widget
        assert "7 of 7 have answered" in text_of(app, "#participation")
        assert "who is accountable and who contributes" in text_of(app, "#prompt")
        assert app.screen.query_one("#results-scroll").region.height >= 8  # rows of the grid, not one line
        keys = {key.key for key in app.screen.query("FooterKey") if key.region.width and key.region.right <= 80}
        assert {"n", "b", "o", "c", "r", "question_mark"} <= keys, keys
