"""The Decisions and actions screen (`d` on the run screen), used as a facilitator uses
it during the day: the real app, a real room on 127.0.0.1, a real session on disk and
phones over the real protocol. Each test is one story: what the facilitator presses,
what the session then holds, and what the screen shows."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select

from tests.test_tui import ROOM, SIZE, on_run_screen, text_of, wait_for
from tests.test_tui_keys import notifications, phones, typed
from workshop import commands as c
from workshop import sessions
from workshop.events import RecordAmended
from workshop.tui.app import build_app
from workshop.tui.screens.decisions import DecisionsScreen
from workshop.tui.screens.dialogs import FormDialog
from workshop.tui.screens.run import RunScreen

NOW = 1_700_000_000


@pytest.fixture
def workshop(tmp_path):
    w = sessions.create("Pilot offsite", sessions_dir=tmp_path, organisation="Acme", now=NOW, room_code="K7QM2X", min_answers=1)
    yield w
    w.close()


# ----------------------------------------------------------------- helpers


async def on_decisions_screen(app, pilot) -> None:
    """From the run screen, `d`."""
    await pilot.press("d")
    await wait_for(pilot, lambda: isinstance(app.screen, DecisionsScreen))
    await pilot.pause()


async def form(app, pilot, title: str) -> FormDialog:
    """The form a key asked with, once it is up and focused."""
    await wait_for(pilot, lambda: isinstance(app.screen, FormDialog) and app.screen.title_text.startswith(title))
    await pilot.pause()
    return app.screen


async def pick(pilot, words: str) -> None:
    """On a focused select: open it, type part of the option wanted, take it."""
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*typed(words))
    await pilot.press("enter")
    await pilot.pause()


async def submit(app, pilot) -> None:
    await pilot.click("#ok")
    await wait_for(pilot, lambda: not isinstance(app.screen, FormDialog))


def value(dialog: FormDialog, field: str) -> str:
    widget = dialog.query_one(f"#f-{field}")
    return str(widget.value)


def rows(app) -> list[list[str]]:
    """The table as the facilitator reads it: one list of cell texts per record."""
    table = app.screen.query_one("#decisions", DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def row_of(app, record_id: str) -> list[str]:
    return next(row for row in rows(app) if row[0] == record_id)


def styles_of(app, record_id: str) -> list[str]:
    table = app.screen.query_one("#decisions", DataTable)
    return [str(cell.style) for cell in table.get_row(record_id)]


# ----------------------------------------------------------------- opening


async def test_d_on_the_run_screen_opens_decisions_and_actions_and_escape_goes_back(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        assert "Decisions" in [b.description for b in RunScreen.BINDINGS if b.key == "d"]

        await on_decisions_screen(app, pilot)
        head = text_of(app, "#decisions-head")
        assert "CIO and CMO not named yet — press n" in head
        assert "0 decisions · 0 actions · 0 risks" in head
        assert "s settle a contested who-leads row" in text_of(app, "#decisions-help")
        assert rows(app) == []
        headers = [column.label.plain for column in app.screen.query_one("#decisions", DataTable).columns.values()]
        assert headers == ["Id", "Kind", "What", "Owner", "Due", "About"]

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))


# ----------------------------------------------------------------- recording


async def test_a_decision_about_an_area_of_the_current_step_is_recorded_and_listed(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="where-we-win"))
        await on_decisions_screen(app, pilot)

        await pilot.press("d")
        dialog = await form(app, pilot, "Record a decision")
        await pilot.press(*typed("Mobile apps are built jointly [from now on]"), "tab", *typed("Dana and Maya"), "tab")
        await pick(pilot, "Mobile apps")
        assert value(dialog, "link") == "about:where-we-win:i4"
        await submit(app, pilot)

        await wait_for(pilot, lambda: "d1" in workshop.session.records)
        decision = workshop.session.records["d1"]
        assert (decision.kind, decision.text, decision.owner) == ("decision", "Mobile apps are built jointly [from now on]", "Dana and Maya")
        assert (decision.about, decision.initiative, decision.accountable) == ("where-we-win:i4", None, "")
        await wait_for(pilot, lambda: rows(app) == [["d1", "decision", "Mobile apps are built jointly [from now on]", "Dana and Maya", "", "Mobile apps"]])
        assert "1 decision · 0 actions · 0 risks" in text_of(app, "#decisions-head")


async def test_an_action_with_a_date_that_is_not_one_is_refused_then_recorded_once_put_right(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    told = notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await on_decisions_screen(app, pilot)

        await pilot.press("a")
        await form(app, pilot, "Record an action")
        await pilot.press(*typed("Draft the review checklist"), "tab", *typed("Dana"), "tab", *typed("31/03/2026"), "enter")
        await wait_for(pilot, lambda: any("is not a date" in note for note in told))
        assert "year-month-day, such as 2026-03-31" in next(note for note in told if "is not a date" in note)
        assert workshop.session.records == {}

        # The form is back with what was typed: only the date needs putting right.
        dialog = await form(app, pilot, "Record an action")
        assert (value(dialog, "text"), value(dialog, "owner"), value(dialog, "due")) == ("Draft the review checklist", "Dana", "31/03/2026")
        await pilot.press("tab", "tab", "home", "ctrl+k", *typed("2026-03-31"), "enter")

        await wait_for(pilot, lambda: "a1" in workshop.session.records)
        action = workshop.session.records["a1"]
        assert (action.text, action.owner, action.due, action.about, action.initiative) == ("Draft the review checklist", "Dana", "2026-03-31", None, None)
        assert list(workshop.session.records) == ["a1"]  # the refused one left nothing behind
        await wait_for(pilot, lambda: rows(app) == [["a1", "action", "Draft the review checklist", "Dana", "2026-03-31", ""]])
        assert "0 decisions · 1 action · 0 risks" in text_of(app, "#decisions-head")


async def test_a_worry_becomes_a_risk_to_a_joint_initiative(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="joint-initiatives"))
        await app.facilitate(c.DraftInitiative(exercise="joint-initiatives", title="Loyalty app"))
        (initiative,) = workshop.session.exercises["joint-initiatives"].initiatives
        await app.facilitate(c.Open(exercise="worries"))  # back to the worries, where the risk is raised
        await app.facilitate(c.SubmitIdea(exercise="worries", text="Security reviews arrive after launch", side="it"))
        await app.facilitate(c.SubmitIdea(exercise="worries", text="Tools nobody can support", side="marketing"))
        await on_decisions_screen(app, pilot)

        await pilot.press("r")
        dialog = await form(app, pilot, "Record a risk")
        await pick(pilot, "Security reviews")  # from a worry: its words fill in what could go wrong
        assert value(dialog, "worry") == "worries:i1"
        assert value(dialog, "text") == "Security reviews arrive after launch"
        await pilot.press("tab", "tab", *typed("Dana"), "tab", *typed("Security review in sprint one"), "tab")
        await pick(pilot, "Loyalty")
        assert value(dialog, "initiative") == f"joint-initiatives:{initiative}"
        await submit(app, pilot)

        await wait_for(pilot, lambda: "r1" in workshop.session.records)
        risk = workshop.session.records["r1"]
        assert (risk.text, risk.owner, risk.mitigation) == ("Security reviews arrive after launch", "Dana", "Security review in sprint one")
        assert (risk.about, risk.initiative) == ("worries:i1", f"joint-initiatives:{initiative}")
        await wait_for(pilot, lambda: bool(rows(app)))
        assert row_of(app, "r1") == [
            "r1", "risk", "Security reviews arrive after launch · mitigation: Security review in sprint one", "Dana", "",
            "Security reviews arrive after launch · initiative: Loyalty app",
        ]
        assert "0 decisions · 0 actions · 1 risk" in text_of(app, "#decisions-head")


# ----------------------------------------------------------------- settling a row


async def test_s_settles_a_contested_who_leads_row_with_the_one_accountable_role(workshop):
    who_leads = next(ex for ex in workshop.session.template.exercises if ex.id == "who-leads")
    cmo = who_leads.choices[1]  # "CMO accountable (CIO contributes)"
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        ann, bob = await phones(app, ("Ann", "it"), ("Bob", "marketing"))
        await app.facilitate(c.Open(exercise="who-leads"))
        rows_ = workshop.session.exercises["who-leads"].items
        split, agreed = rows_[0], rows_[1]
        for phone, row, choice in ((ann, split, 0), (bob, split, 1), (ann, agreed, 2), (bob, agreed, 2)):
            answer = await phone.act({"type": "choose_owner", "exercise": "who-leads", "item": row.id, "choice": choice})
            assert answer["type"] == "ack"
        result = workshop.engine.result("who-leads")
        assert result.rows[0].contested and not result.rows[1].contested  # IT says the CIO, Marketing the CMO; both say jointly for the second

        await on_decisions_screen(app, pilot)
        await pilot.press("s")
        dialog = await form(app, pilot, "Settle a contested who-leads-what row")
        offered = [(prompt.plain, ref) for prompt, ref in dialog.query_one("#f-row", Select)._options]
        assert offered[0] == (f"{split.text} — top choice 50%", f"who-leads:{split.id}")
        assert f"who-leads:{agreed.id}" not in [ref for _, ref in offered]  # agreed in the room: nothing to settle
        await pilot.press("tab")
        await pick(pilot, "CMO")
        await pilot.press("tab", *typed("Dana and Maya"))
        await submit(app, pilot)

        await wait_for(pilot, lambda: "d1" in workshop.session.records)
        decision = workshop.session.records["d1"]
        assert (decision.text, decision.owner) == (f"{split.text}: {cmo}", "Dana and Maya")
        assert (decision.about, decision.accountable) == (f"who-leads:{split.id}", cmo)
        row = workshop.engine.result("who-leads").rows[0]
        assert (row.contested, row.settled, row.settled_by) == (True, cmo, "d1")
        await wait_for(pilot, lambda: bool(rows(app)))
        assert row_of(app, "d1")[5] == f"{split.text} → {cmo}"

        await pilot.press("escape")  # the run screen's grid shows the row decided
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))
        await wait_for(pilot, lambda: f"→ decided: {cmo}" in text_of(app, "#results"))
        await ann.close(), await bob.close()


# ----------------------------------------------------------------- the executives


async def test_n_names_the_cio_the_cmo_and_the_sponsor_who_then_sign_the_head_line(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await on_decisions_screen(app, pilot)

        await pilot.press("n")
        await form(app, pilot, "Who signs the joint agenda")
        await pilot.press(*typed("Dana Whitfield"), "tab", *typed("Maya Okafor"), "tab", *typed("Sam Chen [CEO]"), "enter")
        await wait_for(pilot, lambda: workshop.session.executives.sponsor == "Sam Chen [CEO]")
        assert (workshop.session.executives.cio, workshop.session.executives.cmo) == ("Dana Whitfield", "Maya Okafor")
        await wait_for(pilot, lambda: "Signed by Dana Whitfield (CIO) and Maya Okafor (CMO), for Sam Chen [CEO]" in text_of(app, "#decisions-head"))

        await pilot.press("n")  # again: the names are there to correct
        dialog = await form(app, pilot, "Who signs the joint agenda")
        assert (value(dialog, "cio"), value(dialog, "cmo"), value(dialog, "sponsor")) == ("Dana Whitfield", "Maya Okafor", "Sam Chen [CEO]")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DecisionsScreen))

        await pilot.press("d")  # and they are who decides, unless someone else did
        dialog = await form(app, pilot, "Record a decision")
        assert value(dialog, "owner") == "Dana Whitfield and Maya Okafor"


# ----------------------------------------------------------------- editing, striking out


async def test_e_changes_only_what_was_edited_and_x_strikes_a_record_out_and_back(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    told = notifications(app)
    amended: list = []
    workshop.listeners.append(lambda events: amended.extend(e.body for e in events if isinstance(e.body, RecordAmended)))
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.RecordOutcome(kind="decision", text="One review for tools bought outside IT", owner="Dana and Maya"))
        await app.facilitate(c.RecordOutcome(kind="action", text="Send the joint agenda", owner="Facilitator", due="2026-12-04"))
        await on_decisions_screen(app, pilot)
        assert [row[0] for row in rows(app)] == ["d1", "a1"]

        await pilot.press("down", "e")
        dialog = await form(app, pilot, "Edit a1: action")
        assert (value(dialog, "text"), value(dialog, "owner"), value(dialog, "due")) == ("Send the joint agenda", "Facilitator", "2026-12-04")
        await pilot.press("tab", "home", "ctrl+k", "enter")  # no owner: refused, nothing changed, the form is back
        await wait_for(pilot, lambda: any("needs an owner" in note for note in told))
        assert workshop.session.records["a1"].owner == "Facilitator" and amended == []
        await form(app, pilot, "Edit a1: action")
        await pilot.press("tab", *typed("Maya Okafor"), "enter")

        await wait_for(pilot, lambda: workshop.session.records["a1"].owner == "Maya Okafor")
        assert [body.fields for body in amended] == [{"owner": "Maya Okafor"}]  # only what changed
        await wait_for(pilot, lambda: row_of(app, "a1")[3] == "Maya Okafor")

        await pilot.press("x")  # the cursor is still on a1
        await wait_for(pilot, lambda: workshop.session.records["a1"].dropped)
        await wait_for(pilot, lambda: row_of(app, "a1")[1] == "action (struck out)")
        assert all("strike" in style for style in styles_of(app, "a1"))
        assert not workshop.session.records["d1"].dropped
        assert "1 decision · 0 actions · 0 risks · 0 asks · 0 checkpoints · 1 struck out" in text_of(app, "#decisions-head")

        await pilot.press("x")  # a slip: put it back
        await wait_for(pilot, lambda: not workshop.session.records["a1"].dropped)
        await wait_for(pilot, lambda: row_of(app, "a1")[1] == "action")
        assert "1 decision · 1 action · 0 risks" in text_of(app, "#decisions-head")
