"""The facilitator's side of the projector, through the real app (Textual's pilot)
and a real room: the lobby drives the projector's lobby, `p` there shows the
projector's own link, and presentation mode leaves nothing on the terminal but the
room (no key bar, no toasts)."""

from __future__ import annotations

import time

from textual.widgets import Footer, Static

from tests.test_tui import ROOM, SIZE, on_run_screen, text_of, wait_for
from tests.test_tui_keys import workshop  # noqa: F401 - a fixture
from workshop.tui.app import build_app
from workshop.tui.screens.lobby import FullQR, LobbyScreen


async def test_the_lobby_shows_on_the_projector_and_p_gives_its_link(workshop):  # noqa: F811
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen))
        assert app.room.screens.lobby
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, FullQR))
        shown = text_of(app, "#full-qr-url").replace("\n", " ")
        assert f"/screen?key={workshop.screen_key}" in shown and "keep it off the projected screen" in shown
        assert workshop.session.room_code not in shown.split("?key=")[1]  # its own key, not the room code
        await pilot.press("escape")
        await pilot.press("enter")  # to the agenda: the projector follows
        await wait_for(pilot, lambda: not app.room.screens.lobby)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LobbyScreen) and app.room.screens.lobby)


async def test_presentation_mode_hides_the_key_bar_and_the_toasts(workshop):  # noqa: F811
    app = build_app(workshop=workshop, room=ROOM)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_run_screen(app, pilot)
        footer = app.screen.query_one(Footer)
        assert footer.display
        await pilot.press("p")
        await wait_for(pilot, lambda: app.screen.has_class("presenting"))
        await pilot.pause()
        assert not footer.display and footer.region.height == 0
        app.notify("A toast the room must not see")
        await pilot.pause()
        await wait_for(pilot, lambda: bool(app.screen.query("Toast")))  # the toast is there…
        assert all(not toast.display and toast.region.height == 0 for toast in app.screen.query("Toast"))  # …and not drawn
        await pilot.press("p")
        await wait_for(pilot, lambda: not app.screen.has_class("presenting"))
        await pilot.pause()
        assert footer.display and footer.region.height > 0
        assert app.screen.query_one("#notes", Static).display


async def test_the_end_of_a_timebox_is_told_once_not_only_drawn_red(workshop):  # noqa: F811
    from tests.test_tui_keys import notifications

    clock = [time.time()]
    app = build_app(workshop=workshop, room=ROOM, clock=lambda: clock[0])
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        told = notifications(app)
        first = workshop.session.template.exercises[0]
        await pilot.press("n")  # opens the first step; its countdown starts
        await wait_for(pilot, lambda: workshop.session.exercises[first.id].status == "open")
        clock[0] += first.minutes * 60 - 5
        await pilot.pause(0.5)
        assert not [m for m in told if m.startswith("Time is up")]
        clock[0] += 10
        await wait_for(pilot, lambda: any(m.startswith(f"Time is up for “{first.title}”") for m in told))
        clock[0] += 30
        await pilot.pause(0.5)
        assert len([m for m in told if m.startswith("Time is up")]) == 1  # once per opening
