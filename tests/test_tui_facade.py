"""The facilitator's screens talk to a typed facade and redraw when the session tells
them it changed, not by reading the session to find out."""

from __future__ import annotations

import pytest

from tests.test_tui import ROOM, SIZE, on_run_screen, wait_for
from workshop import commands as c
from workshop import sessions
from workshop.tui.app import build_app
from workshop.tui.facade import Facilitator, NoSession, WorkshopScreen
from workshop.tui.screens.run import RunScreen


async def test_a_screen_counts_saved_changes_while_it_shows_and_stops_when_it_goes(tmp_path):
    w = sessions.create("Facade offsite", sessions_dir=tmp_path, now=1_700_000_000)
    app = build_app(workshop=w, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        screen = app.screen
        assert isinstance(screen, RunScreen) and isinstance(screen.facilitator, Facilitator)
        before = screen.session_changes
        assert await screen.facilitator.act(c.Open(exercise="check-in"))
        await wait_for(pilot, lambda: screen.session_changes > before)
        listeners = len(w.listeners)
        await pilot.press("l")  # the lobby follows too…
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LobbyScreen")
        assert len(w.listeners) == listeners + 1
        await pilot.press("enter")  # …and stops when it goes
        await wait_for(pilot, lambda: app.screen is screen)
        assert len(w.listeners) == listeners


async def test_the_facade_says_clearly_when_no_session_is_open(tmp_path):
    app = build_app(sessions_dir=tmp_path, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WorkshopScreen) and not screen.facilitator.is_open
        with pytest.raises(NoSession, match="no session is open"):
            _ = screen.facilitator.session
