"""The projector page in a real Chromium at 1920×1080, against a real room on
127.0.0.1, with scripted phones: it opens only with the screen key, follows the
facilitator (lobby → open → reveal → next), never shows a name, and finds the room
again when its connection drops.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import shutil

import pytest
from playwright.async_api import async_playwright, expect

from tests.roomkit import PhoneClient, running_room, until
from workshop import commands as c
from workshop.screen import WRONG_KEY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
SECRET_NAME = "Zed Secretname"


@pytest.fixture
async def wall():
    """A browser page the size of a 1080p projector, failing on any console error."""
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1920, "height": 1080})
        problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            yield page, problems
        finally:
            await browser.close()


async def get(room, path: str) -> tuple[int, str]:
    """A plain GET from another thread (the room serves on this test's loop)."""

    def fetch() -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()

    return await asyncio.to_thread(fetch)


async def test_the_projector_page_needs_the_screen_key_not_the_room_code(tmp_path):
    async with running_room(tmp_path) as room:
        key, code = room.screens.key, room.workshop.session.room_code
        assert key != code and len(key) >= 16
        assert (tmp_path / room.workshop.folder.name / "screen.key").read_text().strip() == key  # kept for a restart
        for path in ("/screen", f"/screen?key={code}", f"/screen?room={code}", "/screen?key=" + key[:-1]):
            status, body = await get(room, path)
            assert (status, body) == (403, WRONG_KEY), path
        status, body = await get(room, f"/screen?key={key}")
        assert status == 200 and '<script type="module" src="/screen.js">' in body
        assert room.screens.url().endswith(f"/screen?key={key}")


async def test_a_phones_websocket_cannot_listen_as_a_projector(tmp_path):
    async with running_room(tmp_path) as room:
        phone = PhoneClient(room)
        phone_url = f"ws://127.0.0.1:{room.port}/ws?screen={room.workshop.session.room_code}"
        with pytest.raises(Exception, match="403"):
            from websockets.asyncio.client import connect

            await connect(phone_url)
        await phone.connect()
        await phone.join("Ann", "it")
        assert not room.screens.sockets


async def test_the_projector_follows_the_facilitator_and_never_shows_a_name(tmp_path, wall):
    page, problems = wall
    async with running_room(tmp_path, min_answers=1) as room:
        await page.goto(room.screens.url().replace(room.join_url.split("/?")[0], f"http://127.0.0.1:{room.port}"))
        code = room.workshop.session.room_code
        # The lobby: the room code, the QR code drawn, nobody yet.
        await expect(page.locator(".room-code")).to_have_text(code)
        await expect(page.get_by_text("0 people joined")).to_be_visible()
        drawn = await page.evaluate(
            "() => { const c = document.querySelector('canvas.qr'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++; return [c.width, dark]; }"
        )
        assert drawn[0] > 200 and drawn[1] > 1000  # a real code, big enough to scan from the back

        ann, bo = PhoneClient(room), PhoneClient(room)
        for phone, name, side in ((ann, SECRET_NAME, "it"), (bo, "Bo", "marketing")):
            await phone.connect()
            await phone.join(name, side)
        await expect(page.get_by_text("2 people joined")).to_be_visible()
        await expect(page.locator(".sides-line")).to_have_text(re.compile(r"IT 1\s*Marketing 1"))

        # Open the check-in: its prompt and the count, results kept back until the close.
        await room.facilitate(c.Open(exercise="check-in"))
        await expect(page.locator("h1")).to_have_text("Check-in pulse")
        await expect(page.get_by_text("0 of 2 have rated")).to_be_visible()
        await expect(page.locator("[data-timer]")).to_have_text(re.compile(r"^\d+:\d\d$"))
        for phone, value in ((ann, 5), (bo, 1)):
            for item in ("i1", "i2", "i3"):
                await phone.act({"type": "rate", "exercise": "check-in", "item": item, "value": value})
        await expect(page.get_by_text("2 of 2 have rated")).to_be_visible()
        await expect(page.locator(".results")).to_have_count(0)
        await expect(page.get_by_text("The results show here when the facilitator reveals them.", exact=False)).to_be_visible()
        await room.facilitate(c.Close(exercise="check-in"))  # on_close: revealed
        await expect(page.locator(".results")).to_be_visible()
        await expect(page.locator(".results")).to_contain_text("IT")

        # Next, to the stereotypes (revealed by hand): hidden until the facilitator says so.
        await room.facilitate(c.Open(exercise="stereotypes"))
        await expect(page.locator("h1")).to_have_text("What we have heard said about us")
        await ann.act({"type": "submit_idea", "exercise": "stereotypes", "text": "IT is the department of no"})
        await expect(page.locator(".results")).to_have_count(0)
        await room.facilitate(c.Reveal(exercise="stereotypes"))
        await expect(page.locator(".results")).to_contain_text("IT is the department of no")

        # A named exercise: the phones may see who champions what; the wall never does.
        await room.facilitate(c.Open(exercise="joint-initiatives"))
        outcome = await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title="Loyalty pilot"))
        loyalty = outcome.events[0].body.initiative.id
        await ann.act({"type": "volunteer", "exercise": "joint-initiatives", "target": loyalty})
        await expect(page.locator(".results")).to_contain_text("Loyalty pilot")
        await expect(page.locator(".results")).to_contain_text("1 champion")
        assert SECRET_NAME not in await page.inner_text("body")
        await ann.wait_view(lambda view: SECRET_NAME in str(view))  # while the phones' own view names champions

        # The lobby again whenever the facilitator shows it.
        room.screens.lobby = True
        await expect(page.locator(".room-code")).to_have_text(code)
        room.screens.lobby = False
        await expect(page.locator("h1")).to_have_text("Joint initiatives")
        assert problems == []


async def test_the_projector_finds_the_room_again_by_itself(tmp_path, wall):
    page, problems = wall
    async with running_room(tmp_path) as room:
        await page.goto(f"http://127.0.0.1:{room.port}/screen?key={room.screens.key}")
        await expect(page.locator(".room-code")).to_be_visible()
        await until(lambda: len(room.screens.sockets) == 1)
        for ws in list(room.screens.sockets):
            await ws.close()
        await until(lambda: len(room.screens.sockets) == 1, timeout=10)  # reconnected
        await room.facilitate(c.Open(exercise="check-in"))
        await expect(page.locator("h1")).to_have_text("Check-in pulse")
        await expect(page.locator("#screen-conn")).to_be_hidden()
        assert [p for p in problems if "WebSocket" not in p] == []
