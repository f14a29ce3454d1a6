"""The follow-up in the facilitator's TUI, pressed as a facilitator presses it: the
real app on a real room (127.0.0.1, port 0), the scripted workshop saved on disk by
the real store. From the home screen `f` starts the follow-up of the session picked;
it opens on the new session's lobby; the carried actions are in the talk track of
their step and in the follow-up review (command palette), where a status with its
reason and a KPI's value are recorded — and found in the journal afterwards."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Select

from tests.scripted import SESSION_ID, scripted_workshop_on_disk
from tests.test_tui import ROOM, SIZE, notes_of, text_of, wait_for
from workshop import sessions
from workshop.tui.app import build_app
from workshop.tui.screens.dialogs import FormDialog
from workshop.tui.screens.export import ExportScreen
from workshop.tui.screens.followup import FollowUpScreen
from workshop.tui.screens.home import HomeScreen
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.run import RunScreen
from workshop.tui.widgets.laidout import LaidOut


def cells(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def typed(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


async def palette(app, pilot, query: str) -> None:
    """Open the command palette, type `query` and run the first entry it finds."""

    def listed() -> list[str]:
        commands = app.screen.query_one(CommandList)
        return [str(commands.get_option_at_index(n).prompt) for n in range(commands.option_count)]

    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*typed(query))
    await wait_for(pilot, lambda: listed() and query.split()[0].lower() in listed()[0].lower())
    await pilot.press("enter")


async def test_the_home_screen_follows_up_a_saved_session_and_the_review_records_statuses(tmp_path):
    root = tmp_path / "sessions"
    first = scripted_workshop_on_disk(root)
    app = build_app(sessions_dir=root, room=ROOM)
    told = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert app.screen.title_text == "Follow up “Acme CIO–CMO offsite”"
        await pilot.pause()
        await pilot.press("enter")  # the title offered: "Acme CIO–CMO offsite: follow-up 1"

        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        session = app.workshop.session
        assert session.follows == SESSION_ID and session.title == "Acme CIO–CMO offsite: follow-up 1"
        assert any("6 actions and 2 initiatives carried over" in note for note in told)

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))
        assert "check-in (Check-in pulse), check-out (Check-out pulse)" in text_of(app, "#notes")
        await pilot.press("n")  # opens the pulse
        await wait_for(pilot, lambda: session.exercises["pulse"].status == "open")
        await pilot.press("n")  # on to where each action stands: its talk track lists them
        await wait_for(pilot, lambda: session.exercises["actions"].status == "open")
        await wait_for(pilot, lambda: "a1 Book the joint requirements workshop on the customer record (Maya Okafor, due 2025-06-02)" in text_of(app, "#notes"))

        await palette(app, pilot, "follow-up review")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        actions = app.screen.query_one("#review-actions", DataTable)
        await wait_for(pilot, lambda: actions.row_count == 6)
        rows = cells(actions)
        assert rows[0][:5] == ["a1", "Book the joint requirements workshop on the customer record", "Maya Okafor", "2025-06-02", "to review"]
        assert "Follow-up of “Acme CIO–CMO offsite”" in text_of(app, "#review-head")

        await pilot.press("s")  # a1: at risk, and why
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        status = app.screen.query_one("#f-status", Select)
        assert status.value == "on track" and status.has_focus
        await pilot.press("enter", "down", "enter")  # open the list, one down: at risk
        await wait_for(pilot, lambda: status.value == "at risk")
        await pilot.press("tab", *typed("The CRM vendor slipped"), "enter")
        await wait_for(pilot, lambda: session.reviewed.get("a1") is not None)
        assert (session.reviewed["a1"].status, session.reviewed["a1"].reason) == ("at risk", "The CRM vendor slipped")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen) and cells(actions)[0][4] == "at risk")

        await pilot.press("down", "s")  # a2: a status without a reason is refused, and asked again
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: any("Say in one line why" in note for note in told))
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        assert "a2" not in session.reviewed
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen))

        kpis = app.screen.query_one("#review-kpis", DataTable)
        kpis.focus()
        await pilot.press("v")  # i1: the KPI today
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        await pilot.press(*typed("33% repeat purchase"), "enter")
        await wait_for(pilot, lambda: session.reviewed.get("i1") is not None)
        await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen) and cells(kpis)[0][4] == "33% repeat purchase")
        folder = app.workshop.folder

        await pilot.press("escape")  # back to the run screen; x: the document a follow-up ends with
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        assert "Preview of the progress report" in text_of(app, "#export-status")
        await wait_for(pilot, lambda: "Progress report" in app.screen.query_one("#preview", LaidOut).text)
        await pilot.press("u")
        await wait_for(pilot, lambda: "phones now show the progress report" in text_of(app, "#export-status"))

    saved = sessions.read_folder(folder).session  # what the journal holds
    assert saved.reviewed["a1"].status == "at risk" and saved.reviewed["i1"].value == "33% repeat purchase"
    assert first.exists() and sessions.read_folder(first).session.follows is None


async def test_the_follow_up_review_says_so_in_a_session_that_follows_up_nothing(tmp_path):
    workshop = sessions.create("Plain offsite", sessions_dir=tmp_path, now=1_700_000_000, room_code="K7QM2X")
    app = build_app(workshop=workshop, room=ROOM)
    told = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))
        await palette(app, pilot, "follow-up review")
        await wait_for(pilot, lambda: any("follows up no other" in note for note in told))
        assert isinstance(app.screen, RunScreen)
