"""The facilitator's TUI driven with Textual's pilot: real app, real room on
127.0.0.1, real session files, simulated phones over the real protocol."""

import asyncio
import gc
import io

import pytest
import zxingcpp
from PIL import Image
from rich.console import Console
from textual.widgets import DataTable, Static

from tests.roomkit import PhoneClient
from workshop import sessions
from workshop.tui.app import DemoOptions, RoomOptions, build_app
from workshop.tui.screens.export import collector_held
from workshop.tui.screens.lobby import LobbyScreen
from workshop.tui.screens.run import RunScreen
from workshop.tui.widgets.laidout import LaidOut
from workshop.tui.widgets.qr import QRCode, matrix_from_text

ROOM = RoomOptions(host="127.0.0.1", port=0, public_url="http://workshop.test:8765")
SIZE = (140, 44)


def notes_of(app) -> list[str]:
    """Every notification the app shows from now on, as its text (shown as usual)."""
    told: list[str] = []
    show = app.notify

    def notify(message, **kw):
        told.append(str(message))
        return show(message, **kw)

    app.notify = notify
    return told


def text_of(app, selector: str) -> str:
    """The plain text a Static shows (what a person reads on the screen)."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)


async def on_run_screen(app, pilot) -> None:
    """Past the lobby a new session opens on, on the run screen."""
    await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, RunScreen))


def decode(qr: QRCode) -> str:
    """Decode every half-block drawn, as a camera would see it; a scaled code
    gets fewer pixels per half-block so that every image is about the same size."""
    matrix = matrix_from_text(qr.text)
    scale = max(1, 6 // qr.scale)
    image = Image.new("L", (len(matrix[0]) * scale, len(matrix) * scale), 255)
    pixels = image.load()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    for dx in range(scale):
                        pixels[x * scale + dx, y * scale + dy] = 0
    return zxingcpp.read_barcodes(image)[0].text


@pytest.fixture
def workshop(tmp_path):
    # min_answers=1: these small rooms test the screens; privacy's rule has tests of its own.
    w = sessions.create("Pilot offsite", sessions_dir=tmp_path, organisation="Acme", now=1_700_000_000, room_code="K7QM2X", min_answers=1)
    yield w


async def test_a_new_session_from_the_home_screen_opens_the_lobby_with_a_scannable_code(tmp_path):
    app = build_app(sessions_dir=tmp_path, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#title")
        for char in "Acme offsite":
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        qr = app.screen.query_one(QRCode)
        code = app.workshop.session.room_code
        assert decode(qr) == f"http://workshop.test:8765/?room={code}"
        assert code in text_of(app, "#join-text")
    assert [row.title for row in sessions.list_sessions(tmp_path)] == ["Acme offsite"]


async def test_the_home_screen_resumes_a_saved_session(tmp_path, workshop):
    workshop.close()
    app = build_app(sessions_dir=tmp_path, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.workshop is not None and app.workshop.session.title == "Pilot offsite")


async def test_the_lobby_roster_fills_by_side_as_phones_join(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        ann, bob = PhoneClient(app.room), PhoneClient(app.room)
        await ann.connect(), await bob.connect()
        await ann.join("Ann", "it"), await bob.join("Bob", "marketing")
        await wait_for(pilot, lambda: "Bob" in text_of(app, "#roster"))
        roster = text_of(app, "#roster")
        assert "2 joined · 2 connected" in roster
        assert roster.index("IT (1)") < roster.index("Ann") < roster.index("Marketing (1)") < roster.index("Bob")
        await bob.close()
        await wait_for(pilot, lambda: "(away)" in text_of(app, "#roster"))
        await ann.close()


async def test_participant_markup_is_shown_literally(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(__import__("workshop.commands", fromlist=["Open"]).Open(exercise="customer-first"))
        phone = PhoneClient(app.room)
        await phone.connect()
        await phone.join("[bold]Eve[/bold]", "it")
        hostile = "[bold]loud[/bold] [link=http://evil.example]click[/link] [red]x"
        ack = await phone.act({"type": "submit_idea", "exercise": "customer-first", "text": hostile})
        assert ack["type"] == "ack"
        await wait_for(pilot, lambda: "loud" in text_of(app, "#results"))
        shown = text_of(app, "#results")
        assert hostile in shown
        assert "Eve" not in shown  # customer-first is answered by side: not even the facilitator sees names
        await phone.close()


async def test_a_scale_counts_its_answers_as_they_arrive(workshop):
    from workshop import commands as c

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="check-in"))
        ann, bob = PhoneClient(app.room), PhoneClient(app.room)
        for phone, name in ((ann, "Ann"), (bob, "Bob")):
            await phone.connect()
            await phone.join(name, "it")
        rate = {"type": "rate", "exercise": "check-in", "item": "i1", "value": 4}
        assert (await ann.act(rate))["type"] == "ack"
        await wait_for(pilot, lambda: "(1 answer)" in text_of(app, "#results"))
        assert (await bob.act(rate))["type"] == "ack"
        await wait_for(pilot, lambda: "(2 answers)" in text_of(app, "#results"))
        assert "(0 answers)" in text_of(app, "#results")  # the statements nobody rated yet
        await ann.close(), await bob.close()


async def test_every_step_of_the_default_agenda_runs_with_simulated_phones(workshop):
    app = build_app(workshop=workshop, room=ROOM, demo=DemoOptions(participants=6, pace=0))
    told = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await wait_for(pilot, lambda: len(app.workshop.session.participants) == 6)
        await pilot.pause(0.2)
        assert not any("joined from one address" in note for note in told), told  # simulated: one address by design
        await pilot.press("enter")
        assert isinstance(app.screen, RunScreen)
        session = app.workshop.session
        for index, cfg in enumerate(session.template.exercises):
            await pilot.press("n")
            await wait_for(pilot, lambda: session.current == index and session.exercises[cfg.id].status == "open")  # noqa: B023 - awaited in this iteration
            await wait_for(pilot, lambda: app.workshop.engine.participation(cfg.id)[0] >= 3, timeout=15)  # noqa: B023 - awaited in this iteration
            await pilot.press("c")
            await wait_for(pilot, lambda: session.exercises[cfg.id].status == "closed")  # noqa: B023 - awaited in this iteration
            await pilot.pause(0.3)
            assert cfg.title in text_of(app, "#head")
            assert "have" in text_of(app, "#participation")
            assert text_of(app, "#results").strip()
        assert all(s.status == "closed" for s in session.exercises.values())
        scale = app.workshop.engine.result("check-out")
        assert scale.statements[0].shift is not None


async def test_the_demo_phones_may_share_an_address_but_real_phones_from_it_are_still_watched(workshop):
    # Arriving staggered, as in `workshop demo`: the first ones join while the later
    # ones have not started yet, and are known as demo phones all the same.
    app = build_app(workshop=workshop, room=ROOM, demo=DemoOptions(participants=12, pace=0.5))
    told = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(app.workshop.session.participants) == 12)
        await pilot.pause(0.2)
        assert not any("joined from one address" in note for note in told), told
        real = [PhoneClient(app.room) for _ in range(6)]  # from this laptop too, but not the demo's
        for n, phone in enumerate(real):
            await phone.connect()
            await phone.join(f"Real {n}", "it")
        await wait_for(pilot, lambda: any("joined from one address" in note for note in told))
        for phone in real:
            await phone.close()


async def test_the_screen_redraws_at_most_about_four_times_a_second_under_a_storm(workshop):
    from workshop import commands as c
    from workshop.tui.widgets.rail import AgendaRail

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="where-we-win"))
        people = []
        for n in range(30):
            outcome = await workshop.handle_async(f"join:{n}", f"join-{n:04d}", c.Join(name=f"P{n}", side="it", token=f"t{n}"))
            people.append(outcome.events[0].body.participant.id)
        rail = app.screen.query_one(AgendaRail)
        draws = []
        original = rail.show
        rail.show = lambda *args: (draws.append(1), original(*args))
        loop = asyncio.get_running_loop()
        start = loop.time()
        for round_ in range(5):
            for pid in people:
                await workshop.handle_async(pid, f"{pid}-{round_}", c.Vote(exercise="where-we-win", item=f"i{1 + round_}"))
                await asyncio.sleep(0.01)
        elapsed = loop.time() - start
        assert sum(workshop.session.exercises["where-we-win"].scores[p]["i1"] for p in people) == 30
        assert 1 <= len(draws) <= elapsed * 4 + 2, (len(draws), elapsed)


async def test_presentation_mode_hides_notes_names_and_the_rail(workshop):
    from workshop import commands as c

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="customer-first"))
        outcome = await workshop.handle_async("join:z", "join-zzzz", c.Join(name="Zora Named", side="it", token="tz"))
        pid = outcome.events[0].body.participant.id
        await workshop.handle_async(pid, "idea-0001", c.SubmitIdea(exercise="customer-first", text="One customer view"))
        await wait_for(pilot, lambda: "One customer view" in text_of(app, "#results"))
        assert "Zora Named" not in text_of(app, "#results")  # by side: no names, even for the facilitator
        assert app.screen.query_one("#notes").display
        await pilot.press("p")
        await wait_for(pilot, lambda: not app.screen.query_one("#notes").display)
        assert "One customer view" in text_of(app, "#results") and "Zora Named" not in text_of(app, "#results")
        assert not app.screen.query_one("#notes").display
        assert not app.screen.query_one("#rail").display


async def test_the_export_screen_writes_the_three_files_and_publishes_to_phones(workshop):
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        preview = app.screen.query_one("#preview", LaidOut)
        await wait_for(pilot, lambda: "Joint agenda: Pilot offsite" in screen_text(preview))
        assert gc.isenabled(), "the preview's thread held the garbage collector off and never let go"
        last = preview.text.rstrip().splitlines()[-1].strip()
        assert last and last not in screen_text(preview), "the document should be longer than the screen"
        await pilot.press("end")  # the preview has the focus: the keys scroll it
        await wait_for(pilot, lambda: last in screen_text(preview))
        widest = lambda: max(len(line.rstrip()) for line in preview.text.splitlines())  # noqa: E731
        assert widest() > 76
        screen, layouts = app.screen, []
        lay_out_preview = screen.lay_out_preview
        screen.lay_out_preview = lambda *args: (layouts.append(args[1]), lay_out_preview(*args))[1]
        for width in (120, 100, 90, 80):  # the window's edge dragged: laid out once, when it stops
            await pilot.resize_terminal(width, 30)
        await wait_for(pilot, lambda: widest() <= 76)
        assert layouts == [76]
        await pilot.press("e")
        await wait_for(pilot, lambda: "Written" in text_of(app, "#export-status"))
        assert gc.isenabled()
        written = sorted(p.name for p in workshop.folder.glob("*-joint-agenda.*"))
        assert written == [f"{workshop.session.id}-joint-agenda.{ext}" for ext in ("html", "json", "md")]
        annexes = sorted(p.name for p in workshop.folder.glob("*-annex.*"))
        assert annexes == [f"{workshop.session.id}-annex.{ext}" for ext in ("html", "md")]
        assert str(workshop.folder) in text_of(app, "#export-status")
        await pilot.press("u")
        await wait_for(pilot, lambda: app.workshop.session.published)


def test_a_worker_holds_the_collector_off_only_while_it_builds():
    """And leaves it as it found it: off if Textual had it off (while scrolling)."""
    assert gc.isenabled()
    with collector_held():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(OSError), collector_held():
        raise OSError("disk full")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_held(freeze=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def screen_text(widget) -> str:
    """What a widget draws on the screen, line by line, as plain text."""
    return "\n".join("".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height))


async def test_session_titles_with_markup_are_listed_literally_on_the_home_screen(tmp_path):
    for title in ("Q3 [/] review", "[bold red]Loud"):
        sessions.create(title, sessions_dir=tmp_path, now=1_700_000_000).close()
    app = build_app(sessions_dir=tmp_path, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(app.screen.query_one("#sessions", DataTable))
        assert "Q3 [/] review" in shown
        assert "[bold red]Loud" in shown


async def test_the_initiative_editor_fits_a_120_by_40_terminal_with_its_buttons_in_view(workshop):
    from workshop import commands as c
    from workshop.model import FACILITATOR
    from workshop.tui.screens.dialogs import FormDialog

    workshop.handle(FACILITATOR, "draft-1", c.DraftInitiative(exercise="joint-initiatives", title="One customer view"), now=1_700_000_010)
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await pilot.press("enter", "i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "InitiativesScreen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.pause()
        dialog = app.screen.query_one("#dialog").region
        ok = app.screen.query_one("#ok").region
        assert app.screen.region.contains_region(dialog)
        assert dialog.contains_region(ok)
        for _ in range(8):  # from the title, through every field, to the last one: First step
            await pilot.press("tab")
        assert app.focused.id == "f-first_step"
        await pilot.click("#f-first_step")
        for char in "Pilot":
            await pilot.press(char)
        await pilot.click("#ok")
        initiative = workshop.session.exercises["joint-initiatives"].initiatives["j1"]
        await wait_for(pilot, lambda: initiative.first_step == "Pilot")
        assert initiative.title == "One customer view"


async def test_the_full_screen_code_is_larger_than_the_lobbys_and_still_scans(workshop):
    from workshop.tui.screens.lobby import FullQR

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        small = app.screen.query_one(QRCode)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FullQR))
        await pilot.pause()
        big = app.screen.query_one(QRCode)
        assert big.size.width >= 2 * small.size.width
        assert big.size.height >= 2 * small.size.height - 1
        assert big.scale >= 2 and app.screen.region.contains_region(big.region)
        assert matrix_from_text(big.text, big.scale) == matrix_from_text(small.text)  # each module a square
        assert decode(big) == decode(small) == f"http://workshop.test:8765/?room={workshop.session.room_code}"


async def test_presentation_mode_keeps_names_off_the_lobby_and_the_initiatives_screen(workshop):
    from workshop import commands as c

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        phone = PhoneClient(app.room)
        await phone.connect()
        await phone.join("Zora Named", "it")
        await app.facilitate(c.Open(exercise="customer-first"))
        assert (await phone.act({"type": "submit_idea", "exercise": "customer-first", "text": "One customer view"}))["type"] == "ack"
        await app.facilitate(c.Open(exercise="shared-objectives"))
        assert (await phone.act({"type": "vote", "exercise": "shared-objectives", "item": "i1"}))["type"] == "ack"
        await app.facilitate(c.Open(exercise="joint-initiatives"))
        assert (await phone.act({"type": "volunteer", "exercise": "joint-initiatives", "target": "i1"}))["type"] == "ack"
        await pilot.press("i")
        await wait_for(pilot, lambda: "Zora Named" in text_of(app, "#initiative-board"))  # shown when not presenting
        await pilot.press("escape", "p")
        await wait_for(pilot, lambda: app.screen.presentation)
        await pilot.press("i")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "InitiativesScreen")
        await pilot.pause(0.3)
        board = text_of(app, "#initiative-board")
        assert "1 champion" in board and "Zora Named" not in board
        await pilot.press("escape", "l")
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        await wait_for(pilot, lambda: "1 joined" in text_of(app, "#roster"))
        assert "Zora Named" not in text_of(app, "#roster")
        await phone.close()


async def test_the_command_palette_hides_and_edits_ideas_as_the_keys_do(workshop):
    from textual.command import CommandList, CommandPalette

    from workshop import commands as c

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await app.facilitate(c.Open(exercise="customer-first"))
        await app.facilitate(c.SubmitIdea(exercise="customer-first", text="One customer view", side="it"))
        ideas = workshop.session.exercises["customer-first"].ideas

        def listed() -> list[str]:
            commands = app.screen.query_one(CommandList)
            return [str(commands.get_option_at_index(n).prompt) for n in range(commands.option_count)]

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_for(pilot, lambda: any("Hide" in name for name in listed()) and any("Edit the idea" in name for name in listed()))

        await pilot.press(*"hide the idea")  # the one picked on the board: the only one
        await wait_for(pilot, lambda: listed() and "Hide" in listed()[0])
        await pilot.press("enter")
        await wait_for(pilot, lambda: ideas["i1"].hidden)

        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"edit the idea")
        await wait_for(pilot, lambda: listed() and "Edit the idea" in listed()[0])
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FormDialog")
        await pilot.pause()
        await pilot.press(*"One view", "enter")
        await wait_for(pilot, lambda: ideas["i1"].text == "One view")


def test_dot_vote_bars_of_equal_totals_are_equally_long_whatever_the_split(workshop):
    from workshop import commands as c
    from workshop.model import FACILITATOR
    from workshop.tui.results import render

    now = 1_700_000_000
    workshop.handle(FACILITATOR, "open", c.Open(exercise="where-we-win"), now=now)
    people = {}
    for n, (name, side) in enumerate([("A", "it"), ("B", "it"), ("C", "it"), ("D", "marketing")]):
        people[name] = workshop.handle(f"join:{n}", f"join-{n}", c.Join(name=name, side=side, token=f"t{n}"), now=now).events[0].body.participant.id
    # i1: 9 dots, all IT (the longest bar); i2: 4 dots, all IT; i3: 4 dots, 2 IT + 2 Marketing.
    votes = [("A", "i1", 3), ("B", "i1", 3), ("C", "i1", 3), ("A", "i2", 2), ("B", "i2", 2), ("C", "i3", 2), ("D", "i3", 2)]
    for name, item, dots in votes:
        for n in range(dots):
            outcome = workshop.handle(people[name], f"{name}-{item}-{n}", c.Vote(exercise="where-we-win", item=item), now=now)
            assert outcome.events, outcome
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render(workshop.session, "where-we-win"))
    lines = console.export_text().splitlines()
    all_it = next(line for line in lines if "IT 4 · Marketing 0" in line)
    split = next(line for line in lines if "IT 2 · Marketing 2" in line)
    assert all_it.count("█") == split.count("█") == round(4 / 9 * 24)


def test_the_command_palette_names_every_action_of_the_run_screen():
    from workshop.tui.commands import ENTRIES

    actions = {binding.action for binding in RunScreen.BINDINGS} - {"app.help"}
    assert actions <= {action for _, action in ENTRIES}


async def test_a_vote_whose_source_has_no_ideas_says_why_on_the_run_screen_and_not_on_the_projection(workshop):
    from workshop import commands as c

    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        assert await app.facilitate(c.Open(exercise="shared-objectives"))  # the brainstorm before it was skipped
        await wait_for(pilot, lambda: "has nothing to act on yet" in text_of(app, "#results"))
        said = text_of(app, "#results").replace("\n", " ")
        assert "“Customer first”" in said and "Go back and run that first" in said
        assert not [n for n in app._notifications if "nothing to act on" in n.message]  # on screen, not a toast
        await pilot.press("p")  # presentation: the room sees a fact, not an instruction
        await wait_for(pilot, lambda: "Waiting for what this step works on." in text_of(app, "#results"))
        assert "Go back" not in text_of(app, "#results") and "0 dots" not in text_of(app, "#results")


def test_an_allocation_the_sides_split_differently_is_flagged_with_each_sides_share(workshop):
    from workshop import commands as c
    from workshop.model import FACILITATOR
    from workshop.tui.results import render

    now = 1_700_000_000
    # The budget splits over the objectives, which the customer-first ideas feed.
    workshop.handle(FACILITATOR, "open-ideas", c.Open(exercise="customer-first"), now=now)
    for n, text in enumerate(["One customer view", "Frictionless mobile"]):
        assert workshop.handle(FACILITATOR, f"idea-{n}", c.SubmitIdea(exercise="customer-first", text=text, side="it"), now=now).events
    workshop.handle(FACILITATOR, "open", c.Open(exercise="budget"), now=now)
    items = [item.id for item in workshop.session.exercises["budget"].items]
    assert len(items) == 2
    for n, (side, first) in enumerate([("it", 70), ("marketing", 30), ("marketing", 30)]):
        pid = workshop.handle(f"join:{n}", f"join-{n}", c.Join(name=f"P{n}", side=side, token=f"t{n}"), now=now).events[0].body.participant.id
        split = {items[0]: first, items[1]: 100 - first}
        assert workshop.handle(pid, f"alloc-{n}", c.Allocate(exercise="budget", points=split), now=now).events
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render(workshop.session, "budget"))
    shown = console.export_text()
    assert shown.count("⚑") == 2
    assert "gap +40 points  ⚑ IT gives it 70% of the budget, Marketing 30%" in shown
    assert "gap −40 points  ⚑ IT gives it 30% of the budget, Marketing 70%" in shown  # signed, as in the document
