"""The run screen's keys, pressed as a facilitator presses them: the real app, a real
room on 127.0.0.1, a real session on disk, and phones over the real protocol. Each
test checks what the facilitator would notice: the session's state, the screen,
and what the phones are shown next."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from rich.console import Console
from textual.widgets import Input, Static

from tests.roomkit import PhoneClient
from tests.test_tui import ROOM, SIZE, on_run_screen, text_of, wait_for
from workshop import cli, sessions
from workshop import commands as c
from workshop.model import FACILITATOR
from workshop.tui.app import DemoOptions, WorkshopApp, build_app
from workshop.tui.screens.dialogs import FormDialog
from workshop.tui.screens.help import HelpScreen
from workshop.tui.screens.initiatives import InitiativesScreen
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.run import RunScreen
from workshop.tui.widgets.board import IdeaBoard

NOW = 1_700_000_000


@pytest.fixture
def workshop(tmp_path):
    w = sessions.create("Pilot offsite", sessions_dir=tmp_path, organisation="Acme", now=NOW, room_code="K7QM2X", min_answers=1)
    yield w
    w.close()


async def phones(app, *people: tuple[str, str]) -> list[PhoneClient]:
    joined = []
    for name, side in people:
        phone = PhoneClient(app.room)
        await phone.connect()
        assert (await phone.join(name, side))["type"] == "welcome"
        joined.append(phone)
    return joined


async def answer(dialog_title: str, app, pilot, *keys: str) -> None:
    """Wait for the form the key asked with, then type into it (Enter submits)."""
    await wait_for(pilot, lambda: isinstance(app.screen, FormDialog) and app.screen.title_text.startswith(dialog_title))
    await pilot.pause()
    await pilot.press(*keys)
    await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog))


def notifications(app) -> list[str]:
    """Every message the app pops up for the facilitator, in order (the real
    notification is still shown)."""
    told: list[str] = []
    show = app.notify

    def notify(message, **kwargs):
        told.append(str(message))
        return show(message, **kwargs)

    app.notify = notify
    return told


def typed(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


def seconds_on(clock: str) -> int:
    minutes, seconds = re.search(r"(\d+):(\d\d)", clock).groups()
    return int(minutes) * 60 + int(seconds)


def idea_texts(view: dict) -> list[str]:
    """The ideas a phone's view shows (none while it shows a step of another kind)."""
    results = view["exercise"]["results"] or {}
    return [idea["text"] for idea in results.get("ideas", [])]


# ----------------------------------------------------------------- running the agenda


async def test_t_pauses_and_restarts_the_countdown_and_plus_adds_a_minute(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        (ann,) = await phones(app, ("Ann", "it"))
        first = workshop.session.template.exercises[0]
        await pilot.press("n")  # opens the first step; its clock starts with it
        timer = workshop.session.exercises[first.id].timer
        await wait_for(pilot, lambda: timer.running and "OPEN" in text_of(app, "#head"))
        assert "paused" not in text_of(app, "#timer")
        await ann.wait_view(lambda v: v["exercise"]["status"] == "open" and v["exercise"]["timer"]["running"])

        await pilot.press("t")
        await wait_for(pilot, lambda: not timer.running)
        await wait_for(pilot, lambda: "paused" in text_of(app, "#timer"))
        view = await ann.wait_view(lambda v: not v["exercise"]["timer"]["running"])
        paused_at = seconds_on(text_of(app, "#timer"))
        assert first.minutes * 60 - 5 <= paused_at <= first.minutes * 60  # just started
        assert abs(view["exercise"]["timer"]["remaining"] - paused_at) <= 1  # the phones show the same clock

        await pilot.press("plus")
        await wait_for(pilot, lambda: timer.duration == (first.minutes + 1) * 60)
        await wait_for(pilot, lambda: seconds_on(text_of(app, "#timer")) == paused_at + 60)
        await ann.wait_view(lambda v: v["exercise"]["timer"]["duration"] == (first.minutes + 1) * 60)

        await pilot.press("t")
        await wait_for(pilot, lambda: timer.running and "paused" not in text_of(app, "#timer"))
        await ann.wait_view(lambda v: v["exercise"]["timer"]["running"])
        await ann.close()


async def test_r_reveals_the_results_to_phones_and_pressed_again_hides_them(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    told = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        ann, bob = await phones(app, ("Ann", "it"), ("Bob", "marketing"))
        await app.facilitate(c.Open(exercise="where-we-win"))  # results shown on close only
        for phone in (ann, bob):
            assert (await phone.act({"type": "vote", "exercise": "where-we-win", "item": "i2"}))["type"] == "ack"
        await ann.wait_view(lambda v: v["exercise"]["id"] == "where-we-win" and v["exercise"]["done"] == 2)
        assert ann.view["exercise"]["results"] is None
        await wait_for(pilot, lambda: "Where we win together" in text_of(app, "#head"))
        assert "results hidden from phones" in text_of(app, "#visibility")

        await pilot.press("r")
        view = await ann.wait_view(lambda v: v["exercise"]["results"] is not None)
        top = view["exercise"]["results"]["ranking"][0]
        assert (top["item"], top["total"], top["by_side"]["it"], top["by_side"]["marketing"]) == ("i2", 2, 1, 1)
        assert workshop.session.exercises["where-we-win"].revealed
        await wait_for(pilot, lambda: "phones see results" in text_of(app, "#visibility"))

        await pilot.press("r")
        await bob.wait_view(lambda v: v["exercise"]["results"] is None)
        assert not workshop.session.exercises["where-we-win"].revealed
        await wait_for(pilot, lambda: "results hidden from phones" in text_of(app, "#visibility"))
        await ann.close(), await bob.close()
    # What the facilitator is told after each press matches what the phones now show.
    assert [m for m in told if m.startswith("Results")] == ["Results shown on phones", "Results hidden from phones again"]


async def test_r_on_results_the_phones_see_anyway_says_so_and_changes_nothing(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    told = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="customer-first"))  # a live board
        seq = workshop.session.seq
        await pilot.press("r")
        await wait_for(pilot, lambda: any("already see" in m for m in told))
        assert "this exercise shows them live" in next(m for m in told if "already see" in m)
        assert workshop.session.seq == seq and not workshop.session.exercises["customer-first"].revealed


async def test_v_hides_the_facilitator_notes_and_shows_them_again(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        notes = app.screen.query_one("#notes", Static)
        assert notes.display and "working agreements" in text_of(app, "#notes").replace("\n", " ")  # the opening's
        await pilot.press("v")
        await wait_for(pilot, lambda: not notes.display)
        await pilot.press("v")
        await wait_for(pilot, lambda: notes.display)


async def test_n_moves_on_and_b_goes_back_closing_one_step_and_opening_the_other(workshop):
    def status(exercise_id: str) -> str:
        return workshop.session.exercises[exercise_id].status

    steps = workshop.session.template.exercises
    first, second, total = steps[0], steps[1], len(steps)
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        (ann,) = await phones(app, ("Ann", "it"))

        await pilot.press("n")
        await wait_for(pilot, lambda: status(first.id) == "open" and workshop.session.current == 0)
        await pilot.press("n")
        await wait_for(pilot, lambda: status(second.id) == "open")
        assert status(first.id) == "closed" and workshop.session.current == 1
        await wait_for(pilot, lambda: second.title in text_of(app, "#head") and f"Step 2 of {total}" in text_of(app, "#head"))
        await ann.wait_view(lambda v: v["exercise"]["id"] == second.id and v["exercise"]["status"] == "open")

        await pilot.press("b")
        await wait_for(pilot, lambda: status(first.id) == "open")
        assert status(second.id) == "closed" and workshop.session.current == 0
        await wait_for(pilot, lambda: first.title in text_of(app, "#head") and f"Step 1 of {total}" in text_of(app, "#head"))
        await ann.wait_view(lambda v: v["exercise"]["id"] == first.id)
        await ann.close()


# ----------------------------------------------------------------- idea moderation


def board_lines(app) -> list[str]:
    """What the brainstorm's board lists, one idea per line, as the facilitator reads it."""
    board = app.screen.query_one(IdeaBoard)
    return [str(option.prompt) for option in board.options]


async def point(app, pilot, idea_id: str) -> None:
    """Walk the board with the arrow keys to one idea, as a facilitator would."""
    board = app.screen.query_one(IdeaBoard)
    board.focus()
    await pilot.pause()
    ids = [option.id for option in board.options]
    assert idea_id in ids, (idea_id, ids)
    while board.highlighted_option.id != idea_id:
        await pilot.press("down" if ids.index(idea_id) > board.highlighted else "up")
    await pilot.pause()


async def test_the_idea_keys_add_hide_edit_merge_and_group_what_phones_see(workshop):
    """Moderation by pointing: arrow keys pick an idea on the board, `h` `e` `m` `g`
    act on it; a hidden idea stays listed, dimmed, and `h` shows it again."""
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        ann, bob = await phones(app, ("Ann", "it"), ("Bob", "marketing"))
        await app.facilitate(c.Open(exercise="customer-first"))  # results live on phones
        for phone, text in ((ann, "One customer view"), (bob, "Single customer view"), (bob, "Rude remark")):
            assert (await phone.act({"type": "submit_idea", "exercise": "customer-first", "text": text}))["type"] == "ack"
        ideas = workshop.session.exercises["customer-first"].ideas
        await ann.wait_view(lambda v: "Rude remark" in idea_texts(v))
        await wait_for(pilot, lambda: len(board_lines(app)) == 3)

        await pilot.press("a")  # said aloud by someone in Marketing
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        await pilot.press(*typed("Trusted delivery dates"), "tab", "enter", "up", "up", "enter")  # The room → Marketing
        await pilot.pause()
        await pilot.click("#ok")
        await wait_for(pilot, lambda: "i4" in ideas)
        assert (ideas["i4"].text, ideas["i4"].side, ideas["i4"].author) == ("Trusted delivery dates", "marketing", FACILITATOR)
        await ann.wait_view(lambda v: "Trusted delivery dates" in idea_texts(v))
        await wait_for(pilot, lambda: any("Trusted delivery dates" in line for line in board_lines(app)))
        line = next(line for line in board_lines(app) if "Trusted delivery dates" in line)
        assert "i4 Marketing" in line and "— Facilitator" in line

        await point(app, pilot, "i3")
        await pilot.press("h")
        await wait_for(pilot, lambda: ideas["i3"].hidden)
        await ann.wait_view(lambda v: "Rude remark" not in idea_texts(v))
        await wait_for(pilot, lambda: any("Rude remark" in line and "h shows it again" in line for line in board_lines(app)))  # still listed
        await point(app, pilot, "i3")
        await pilot.press("h")  # shown again
        await wait_for(pilot, lambda: not ideas["i3"].hidden)
        await ann.wait_view(lambda v: "Rude remark" in idea_texts(v))
        await pilot.press("h")
        await wait_for(pilot, lambda: ideas["i3"].hidden)

        await point(app, pilot, "i1")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        assert app.screen.query_one(Input).value == "One customer view"  # pre-filled
        await pilot.press(*typed("One view of the customer"), "enter")  # the old text is selected: typing replaces it
        await wait_for(pilot, lambda: ideas["i1"].text == "One view of the customer")
        await ann.wait_view(lambda v: "One view of the customer" in idea_texts(v) and "One customer view" not in idea_texts(v))

        await point(app, pilot, "i2")
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog) and app.screen.title_text.startswith("Merge i2"))
        await pilot.pause()
        await pilot.click("#ok")  # its target picked from the list of ideas: the first, i1
        await wait_for(pilot, lambda: ideas["i2"].merged_into == "i1")
        view = await ann.wait_view(lambda v: "Single customer view" not in idea_texts(v))
        assert [(i["text"], i["merged"]) for i in view["exercise"]["results"]["ideas"] if i["id"] == "i1"] == [("One view of the customer", 1)]
        await wait_for(pilot, lambda: any("One view of the customer  +1 merged in" in line for line in board_lines(app)))

        await point(app, pilot, "i1")
        await pilot.press("g")
        await answer("Theme of i1", app, pilot, *typed("Customer trust"), "enter")
        await point(app, pilot, "i4")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        assert app.screen.query_one(Input).value == "Customer trust"  # the last theme, offered for the next idea
        await pilot.press("enter")
        await wait_for(pilot, lambda: ideas["i1"].theme is not None and ideas["i1"].theme == ideas["i4"].theme)
        view = await bob.wait_view(lambda v: any(len(t["ideas"]) == 2 for t in (v["exercise"]["results"] or {}).get("themes", [])))
        assert [(t["name"], t["ideas"]) for t in view["exercise"]["results"]["themes"]] == [("Customer trust", ["i1", "i4"])]
        await wait_for(pilot, lambda: any("▸ Customer trust" in line for line in board_lines(app)))
        await pilot.press("p")  # presentation: the room's drawing, not the board
        await wait_for(pilot, lambda: not app.screen.query_one(IdeaBoard).display and "Customer trust" in text_of(app, "#results"))
        await ann.close(), await bob.close()


# ----------------------------------------------------------------- initiatives, help


async def test_the_initiatives_editor_drafts_from_the_top_candidate_fills_it_in_agrees_and_parks(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    told = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        ann, bob = await phones(app, ("Ann", "it"), ("Bob", "marketing"))
        await app.facilitate(c.Open(exercise="customer-first"))
        await ann.act({"type": "submit_idea", "exercise": "customer-first", "text": "One customer view"})
        await bob.act({"type": "submit_idea", "exercise": "customer-first", "text": "Faster delivery"})
        await app.facilitate(c.Open(exercise="shared-objectives"))
        items = {i.text: i.id for i in workshop.session.exercises["shared-objectives"].items}
        for phone, text in ((ann, "Faster delivery"), (bob, "Faster delivery"), (bob, "One customer view")):
            assert (await phone.act({"type": "vote", "exercise": "shared-objectives", "item": items[text]}))["type"] == "ack"
        await app.facilitate(c.Open(exercise="joint-initiatives"))
        state = workshop.session.exercises["joint-initiatives"]
        assert [i.text for i in state.items] == ["Faster delivery", "One customer view"]

        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, InitiativesScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        assert app.screen.query_one("#f-title", Input).value == "Faster delivery"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(state.initiatives) == 1)
        (drafted,) = state.initiatives.values()
        assert (drafted.title, drafted.status, drafted.source_item) == ("Faster delivery", "draft", state.items[0].id)

        await wait_for(pilot, lambda: isinstance(app.screen, InitiativesScreen))
        await pilot.pause()
        await pilot.press("enter")  # title, outcome, KPI, target, …
        await answer("Edit: Faster delivery", app, pilot, "tab", "tab", *typed("Repeat purchase rate"), "tab", *typed("+10% by Q4"), "enter")
        await wait_for(pilot, lambda: drafted.kpi == "Repeat purchase rate" and drafted.target == "+10% by Q4")
        assert drafted.title == "Faster delivery" and drafted.outcome == ""
        await wait_for(pilot, lambda: "KPI: Repeat purchase rate — +10% by Q4" in text_of(app, "#initiative-board"))

        await pilot.press("a")  # not yet: an agreed initiative names both leads and a date
        await wait_for(pilot, lambda: any("fill in its time frame, IT lead and marketing lead first" in n for n in told))
        assert drafted.status == "draft"
        await pilot.press("enter")
        await answer(
            "Edit: Faster delivery", app, pilot, "tab", "tab", "tab", "tab", *typed("By Q4"), "tab", *typed("Ann"), "tab", *typed("Bob"), "enter",
        )
        await wait_for(pilot, lambda: (drafted.timeframe, drafted.it_lead, drafted.marketing_lead) == ("By Q4", "Ann", "Bob"))
        await pilot.press("a")
        await wait_for(pilot, lambda: drafted.status == "agreed")
        await wait_for(pilot, lambda: "AGREED" in text_of(app, "#initiative-board"))
        view = await ann.wait_view(lambda v: [i["status"] for i in v["exercise"].get("initiatives", [])] == ["agreed"])
        assert view["exercise"]["initiatives"][0]["kpi"] == "Repeat purchase rate"
        await pilot.press("k")
        await wait_for(pilot, lambda: drafted.status == "parked")
        await wait_for(pilot, lambda: "PARKED" in text_of(app, "#initiative-board"))
        await ann.close(), await bob.close()


def help_text(app) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#help Static", Static).content)
    return console.export_text()


async def test_question_mark_opens_the_help_listing_every_run_screen_key(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = help_text(app)
        keys = {re.split(r"\s{2,}", line.strip())[0] for line in shown.splitlines() if line.strip()}
        listed = {k.strip() for entry in keys for k in re.split(r" / | or ", entry)}
        names = {"plus": "+", "right": "→", "left": "←", "question_mark": "?"}
        for binding in RunScreen.BINDINGS:
            first = binding.key.split(",")[0]
            assert names.get(first, first) in listed, (binding.key, sorted(listed))
        assert {"ctrl+p", "ctrl+q"} <= listed
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))


# ----------------------------------------------------------------- resume, demo


def test_workshop_resume_opens_the_named_session_where_it_was_left(tmp_path, monkeypatch):
    """`workshop resume pilot` through the CLI; only `App.run` is replaced, by a pilot
    (a test cannot hand the terminal over), so the app is the one cmd_resume builds."""
    w = sessions.create("Pilot offsite", sessions_dir=tmp_path, organisation="Acme", now=NOW, room_code="K7QM2X", min_answers=1)
    pid = w.handle("join:1", "join-1", c.Join(name="Ann", side="it", token="t1"), now=NOW).events[0].body.participant.id
    w.handle(FACILITATOR, "open", c.Open(exercise="customer-first"), now=NOW + 1)
    w.handle(pid, "idea-1", c.SubmitIdea(exercise="customer-first", text="One customer view"), now=NOW + 2)
    steps = [ex.id for ex in w.session.template.exercises]
    w.close()
    monkeypatch.setenv("WORKSHOP_SESSIONS_DIR", str(tmp_path))  # restored after; the CLI sets it too
    seen = {}

    async def drive(app: WorkshopApp) -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, RunScreen) and "OPEN" in text_of(app, "#head"))
            seen.update(head=text_of(app, "#head"), results=text_of(app, "#results"), url=app.room.join_url)
            seen["participation"] = text_of(app, "#participation")
            await pilot.press("ctrl+q")

    monkeypatch.setattr(WorkshopApp, "run", lambda app, *a, **k: asyncio.run(drive(app)))
    argv = ["resume", "pilot", "--sessions-dir", str(tmp_path), "--host", "127.0.0.1", "--port", "0", "--public-url", "http://workshop.test:8765"]
    assert cli.main(argv) == 0
    assert "Customer first" in seen["head"] and f"Step {steps.index('customer-first') + 1} of {len(steps)}" in seen["head"]
    assert "One customer view" in seen["results"] and "Ann" not in seen["results"]  # by side: no names
    assert "1 of 1 have added ideas" in seen["participation"]
    assert seen["url"] == "http://workshop.test:8765/?room=K7QM2X"


async def test_the_demo_brings_twelve_phones_whose_dots_show_split_by_side(workshop):
    app = build_app(workshop=workshop, room=ROOM, demo=DemoOptions(participants=12, pace=0.2, seed=1))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await wait_for(pilot, lambda: "12 joined" in text_of(app, "#roster"), timeout=10)
        sides = [p.side for p in workshop.session.participants.values()]
        assert len(sides) == 12 and sides.count("it") == sides.count("marketing") == 5
        await pilot.press("enter")
        await app.facilitate(c.Open(exercise="where-we-win"))
        engine = workshop.engine
        await wait_for(pilot, lambda: engine.participation("where-we-win") == (12, 12), timeout=12)
        await pilot.press("c")
        await wait_for(pilot, lambda: workshop.session.exercises["where-we-win"].status == "closed")
        await pilot.pause(0.3)
        ranking = engine.result("where-we-win").ranking
        assert sum(r.by_side["it"] for r in ranking) > 0 and sum(r.by_side["marketing"] for r in ranking) > 0
        shown = [tuple(map(int, m)) for m in re.findall(r"IT (\d+) · Marketing (\d+) · Other (\d+)", text_of(app, "#results"))]
        assert shown == [(r.by_side["it"], r.by_side["marketing"], r.by_side["other"]) for r in ranking]
        assert f"{sum(r.total for r in ranking)} dots from 12 people" in text_of(app, "#results")


async def test_escape_on_a_form_with_typing_in_it_asks_before_throwing_the_typing_away(workshop):
    from workshop.tui.screens.dialogs import ConfirmDiscard

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="customer-first"))
        ideas = workshop.session.exercises["customer-first"].ideas

        await pilot.press("a")  # nothing typed yet: Escape closes at once
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, (FormDialog, ConfirmDiscard)))

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        await pilot.press(*typed("Half a thought"), "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDiscard))
        await pilot.press("escape")  # keep editing: back in the form, the typing still there
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.query_one("#f-text", Input).value == "Half a thought"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDiscard))
        await pilot.click("#discard")
        await wait_for(pilot, lambda: not isinstance(app.screen, (FormDialog, ConfirmDiscard)))
        assert not ideas  # discarded: nothing was added
