"""The phone page in a real Chromium, against a real room on 127.0.0.1.

The page is opened as http://workshop.test:<port>/ (mapped to 127.0.0.1 by a
host-resolver rule) so that, as on a venue's LAN address, the browser treats it
as an insecure context: `crypto.randomUUID` and other secure-context APIs are
missing, which a test at http://127.0.0.1 would not notice.

Every test fails on any console error, page error or failed request. With
SCREENSHOTS=1 the tests also write 390×844 screenshots of each screen to
tests/screens/ for a person to look at; CI leaves them off.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.roomkit import running_room, until
from workshop import commands as c
from workshop.room import Room

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
"""Debian's Chromium (`make test` installs it with apt-get when it is missing)."""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP workshop.test 127.0.0.1",
]
HOST = "workshop.test"
SCREENS = Path(__file__).parent / "screens"
HOSTILE = "<img src=x onerror=alert(1)>"
MARKUP = "[bold]x[/bold]"
LAYOUT_CHECK = """() => {
    const small = [];
    for (const el of document.querySelectorAll("button, input, textarea")) {
        const r = el.getBoundingClientRect();
        if (!r.width && !r.height) continue;
        if (r.width < 44 || r.height < 44) small.push(`${el.outerHTML.slice(0, 80)} ${r.width}×${r.height}`);
    }
    return {overflow: document.documentElement.scrollWidth - window.innerWidth, small};
}"""
"""Sideways overflow in px, and every visible control smaller than a 44×44 px tap target."""


@pytest.fixture
async def browser():
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


class Phone:
    """One phone: its own browser context (own localStorage), a 390×844 touch
    screen, and a record of everything that went wrong in the page."""

    def __init__(self, room: Room, page: Page):
        self.room = room
        self.page = page
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("dialog", self._dialog)

    async def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    @classmethod
    async def open(cls, browser: Browser, room: Room) -> Phone:
        context = await browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=1, reduced_motion="reduce"
        )
        phone = cls(room, await context.new_page())
        await phone.page.goto(phone.url)
        return phone

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.room.port}/?room={self.room.workshop.session.room_code}"

    async def join(self, name: str = "", side: str = "IT") -> str:
        """Join through the page; returns the participant id the server gave it."""
        page = self.page
        await expect(page.get_by_role("button", name=side, exact=True)).to_be_visible()
        if name:
            await page.get_by_label("Your name").fill(name)
        await page.get_by_role("button", name=side, exact=True).click()
        await expect(page.locator("#conn")).to_have_text("Connected")
        await expect(page.locator("#bar-title")).to_have_text(f"{name or 'Anonymous'} · {side}")
        token = await page.evaluate(f"localStorage.getItem('commonground.token.{self.room.workshop.session.room_code}')")
        return next(p.id for p in self.room.workshop.session.participants.values() if p.token == token)

    async def shot(self, name: str, full_page: bool = True) -> None:
        """Check the screen's layout (no sideways scrolling, every control at least
        44×44 px), then, only with SCREENSHOTS=1, save a screenshot for a person to
        look at. Full-page shots draw sticky bars mid-page: take those as the viewport."""
        layout = await self.page.evaluate(LAYOUT_CHECK)
        assert layout["overflow"] <= 0, f"{name}: the page scrolls sideways by {layout['overflow']} px"
        assert not layout["small"], f"{name}: controls smaller than 44×44 px: {layout['small']}"
        if os.environ.get("SCREENSHOTS") == "1":
            SCREENS.mkdir(exist_ok=True)
            await self.page.wait_for_timeout(150)
            await self.page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full_page)

    def card(self, text: str):
        """The card (statement, item, row) whose question text is `text`."""
        return self.page.locator(".card", has=self.page.locator(".q", has_text=text)).first

    def assert_clean(self) -> None:
        problems = [p for p in self.problems if not any(pattern.search(p) for pattern in self.allowed)]
        assert not problems, "\n".join(problems)
        assert not self.dialogs, self.dialogs


async def open_exercise(room: Room, exercise_id: str) -> None:
    outcome = await room.facilitate(c.Open(exercise=exercise_id))
    assert outcome.events, outcome


def state(room: Room, exercise_id: str):
    return room.workshop.session.exercises[exercise_id]


def config(room: Room, exercise_id: str):
    """The exercise as the session's template sets it up (title, minutes, choices…)."""
    return next(ex for ex in room.workshop.session.template.exercises if ex.id == exercise_id)


def item_id(room: Room, exercise_id: str, text: str) -> str:
    return next(i.id for i in state(room, exercise_id).items if i.text == text)


def side_row(card, label: str):
    """The bar of one side (or "Everyone") inside a result card."""
    return card.locator(".brow").filter(has=card.page.locator(".blabel").get_by_text(label, exact=True))


# ------------------------------------------------------------------ joining


async def test_a_wrong_room_code_says_so_and_stops_trying(tmp_path, browser):
    async with running_room(tmp_path) as room:
        context = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        phone = Phone(room, await context.new_page())
        # The refused websocket is expected; nothing else may fail.
        phone.allowed.append(re.compile(r"WebSocket connection to .* failed"))
        attempts: list[str] = []
        phone.page.on("websocket", lambda ws: attempts.append(ws.url))
        await phone.page.goto(f"http://{HOST}:{room.port}/?room=WRONG1")
        await expect(phone.page.get_by_role("heading", level=1)).to_have_text("Cannot join")
        await expect(phone.page.get_by_text("Wrong room code. Scan the QR code on the facilitator's screen again.")).to_be_visible()
        tried = len(attempts)
        await phone.page.wait_for_timeout(2500)  # several backoff periods
        assert len(attempts) == tried, f"still knocking: {attempts}"
        await phone.shot("05-wrong-code")
        phone.assert_clean()
        await context.close()




async def test_a_phone_joins_with_a_name_and_side_and_sees_the_waiting_screen(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        page = phone.page
        assert await page.evaluate("window.isSecureContext") is False
        assert await page.evaluate("typeof crypto.randomUUID") == "undefined"

        await expect(page.get_by_role("heading", level=1)).to_have_text("Test offsite")
        await expect(page.get_by_text("Acme")).to_be_visible()
        for side in ("IT", "Marketing", "Other"):
            await expect(page.get_by_role("button", name=side, exact=True)).to_be_visible()
        await phone.shot("01-join")
        await page.emulate_media(color_scheme="dark")
        await phone.shot("03-join-dark")
        await page.emulate_media(color_scheme="light")

        pid = await phone.join("Ann", "Marketing")
        participant = room.workshop.session.participants[pid]
        assert (participant.name, participant.side) == ("Ann", "marketing")
        await expect(page.get_by_text("Next up")).to_be_visible()
        await expect(page.locator("#announce")).to_have_text("")  # no results on this screen to announce
        first = room.workshop.session.template.exercises[0]
        await expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
        steps = len(room.workshop.session.template.exercises)
        await expect(page.get_by_text(f"Step 1 of {steps}")).to_be_visible()
        await phone.shot("02-waiting")

        await room.facilitate(c.Publish())
        await expect(page.get_by_text("The joint agenda is ready.")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await phone.shot("04-agenda-published")
        download = page.get_by_role("link", name="Download")
        assert await download.get_attribute("href") == f"/agenda.html?room={room.workshop.session.room_code}&download=1"
        async with page.context.expect_page() as opened:
            await page.get_by_role("link", name="Open it").click()
        agenda = await opened.value
        refused: list[str] = []
        agenda.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
        await agenda.wait_for_load_state()
        await expect(agenda.get_by_role("heading", level=1)).to_contain_text("Test offsite")
        # Styled as printed, fitted to the phone: its own stylesheet was allowed to apply.
        assert await agenda.evaluate("getComputedStyle(document.querySelector('section h2')).borderBottomStyle") == "solid"
        assert await agenda.evaluate("document.documentElement.scrollWidth") <= 390
        assert refused == []
        phone.assert_clean()


async def test_a_phone_that_reloads_stays_the_same_participant(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Bo", "IT")
        await phone.page.reload()
        await expect(phone.page.locator("#bar-title")).to_have_text("Bo · IT")
        await expect(phone.page.get_by_text("Next up")).to_be_visible()
        assert list(room.workshop.session.participants) == [pid]
        phone.assert_clean()


# ------------------------------------------------------------------ every kind


async def test_a_phone_rates_every_statement_of_a_scale_and_sees_the_timer_run(tmp_path, browser):
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "check-in")
        page = phone.page
        await expect(page.get_by_role("heading", level=1)).to_have_text("Check-in pulse")
        await expect(page.get_by_text("0 of 1 have rated")).to_be_visible()
        timer = page.get_by_role("timer")
        minutes = config(room, "check-in").minutes
        await expect(timer).to_have_text(re.compile(rf"^({minutes}|{minutes - 1}):\d\d$"))  # just started
        first = await timer.text_content()
        await expect(timer).not_to_have_text(first, timeout=3000)  # counts down locally

        statements = [i.text for i in state(room, "check-in").items]
        for value, text in zip((2, 4, 5), statements):
            await phone.card(text).get_by_role("radio", name=f"{value} of 5").click()
        for value, text in zip((2, 4, 5), statements):
            await expect(phone.card(text).get_by_role("radio", name=f"{value} of 5")).to_have_attribute("aria-checked", "true")
        await expect(page.get_by_text("1 of 1 has rated")).to_be_visible()
        await phone.shot("10-scale")

        await phone.card(statements[0]).get_by_role("radio", name="3 of 5").click()
        await expect(phone.card(statements[0]).get_by_role("radio", name="3 of 5")).to_have_attribute("aria-checked", "true")
        await expect(phone.card(statements[0]).get_by_role("radio", name="2 of 5")).to_have_attribute("aria-checked", "false")
        await until(lambda: state(room, "check-in").scores.get(pid) == {"i1": 3, "i2": 4, "i3": 5})

        await room.facilitate(c.Close(exercise="check-in"))  # on_close: the results show
        await expect(page.get_by_text("Results", exact=True)).to_be_visible()
        await expect(side_row(phone.card(statements[0]), "IT")).to_contain_text("3.0")
        await phone.shot("11-scale-results")
        phone.assert_clean()


def page_heading(phone):
    return phone.page.get_by_role("heading", level=1)


async def test_a_check_out_shows_how_the_people_who_rated_both_times_moved(tmp_path, browser):
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        await open_exercise(room, "check-in")
        statements = [i.text for i in state(room, "check-in").items]
        await phone.card(statements[0]).get_by_role("radio", name="2 of 5").click()
        await expect(phone.card(statements[0]).get_by_role("radio", name="2 of 5")).to_have_attribute("aria-checked", "true")
        await open_exercise(room, "check-out")
        await expect(page_heading(phone)).to_have_text("Check-out pulse")
        await phone.card(statements[0]).get_by_role("radio", name="4 of 5").click()
        await expect(phone.card(statements[0]).get_by_role("radio", name="4 of 5")).to_have_attribute("aria-checked", "true")
        await room.facilitate(c.Close(exercise="check-out"))
        await expect(phone.card(statements[0]).get_by_text("Change since the check-in")).to_have_text(
            "Change since the check-in, among the 1 person who rated both times: IT +2.0 · Everyone +2.0"
        )
        phone.assert_clean()


async def test_a_phone_adds_edits_and_withdraws_ideas_in_a_brainstorm(tmp_path, browser):
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "worries")
        page = phone.page
        await expect(page.get_by_text("5 ideas left")).to_be_visible()
        await expect(page.get_by_text("Anonymous: nobody, not even the facilitator, sees who answered.")).to_be_visible()
        box = page.get_by_label("Your idea")
        await box.fill("Marketing tools that do not scale")
        await expect(page.get_by_text("33 / 280")).to_be_visible()
        await page.get_by_role("button", name="Add", exact=True).click()
        await expect(page.get_by_text("4 ideas left")).to_be_visible()
        await expect(box).to_have_value("")
        await box.fill("Privacy treated as an afterthought")
        await box.press("Control+Enter")
        await expect(page.get_by_text("3 ideas left")).to_be_visible()
        await expect(page.locator(".idea .idea-text")).to_have_text(["Marketing tools that do not scale", "Privacy treated as an afterthought"])
        await phone.shot("20-brainstorm")

        await page.get_by_role("button", name="Edit: Marketing tools that do not scale").click()
        editor = page.get_by_label("Edit your idea")
        await expect(editor).to_be_focused()
        await editor.fill("Marketing tools that cannot scale across markets")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator(".idea .idea-text").first).to_have_text("Marketing tools that cannot scale across markets")

        withdraw = page.get_by_role("button", name="Withdraw: Privacy treated as an afterthought")
        await withdraw.click()
        await expect(page.get_by_role("button", name="Tap again to withdraw: Privacy treated as an afterthought")).to_be_visible()
        await page.get_by_role("button", name="Tap again to withdraw: Privacy treated as an afterthought").click()
        await expect(page.get_by_text("4 ideas left")).to_be_visible()
        await expect(page.locator(".idea")).to_have_count(1)

        ideas = [i for i in state(room, "worries").ideas.values() if i.author == pid]
        assert [(i.text, i.withdrawn) for i in ideas] == [
            ("Marketing tools that cannot scale across markets", False),
            ("Privacy treated as an afterthought", True),
        ]
        await box.fill("Costs nobody owns")
        await page.get_by_role("button", name="Add", exact=True).click()
        await expect(page.get_by_text("3 ideas left")).to_be_visible()
        await room.facilitate(c.HideIdea(exercise="worries", idea=ideas[0].id))
        await expect(page.get_by_text("Hidden by the facilitator")).to_be_visible()
        await phone.shot("22-brainstorm-hidden")

        # Hidden until revealed (reveal = "manual"): closing shows no results yet.
        await room.facilitate(c.Close(exercise="worries"))
        await expect(page.get_by_text("Thanks — waiting for the facilitator.")).to_be_visible()
        await phone.shot("23-closed-waiting")
        await room.facilitate(c.Reveal(exercise="worries"))
        await expect(page.locator(".results .idea-card")).to_have_text([re.compile("Costs nobody owns")])
        await expect(page.locator(".results .idea-card .chip:not(.you)")).to_have_count(0)  # anonymous: not even the side
        phone.assert_clean()


async def test_a_phone_spends_dots_and_adds_an_item_in_a_dotvote(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "Marketing")
        await open_exercise(room, "where-we-win")
        page = phone.page
        await expect(page.get_by_text("5 dots left")).to_be_visible()
        mobile = phone.card("Mobile apps")
        await mobile.get_by_role("button", name="Give a dot to: Mobile apps").click()
        await expect(page.get_by_text("4 dots left")).to_be_visible()
        await mobile.get_by_role("button", name="Give a dot to: Mobile apps").click()
        await expect(page.get_by_text("3 dots left")).to_be_visible()
        await phone.card("AI and machine learning").get_by_role("button", name="Give a dot to: AI and machine learning").click()
        await expect(page.get_by_text("2 dots left")).to_be_visible()
        await expect(mobile.get_by_role("img")).to_have_attribute("aria-label", "2 dots from you")
        await mobile.get_by_role("button", name="Take a dot back from: Mobile apps").click()
        await expect(page.get_by_text("3 dots left")).to_be_visible()
        await phone.shot("30-dotvote")

        await page.get_by_label("Add an item").fill("Loyalty programme")
        await page.get_by_label("Add an item").press("Enter")
        await expect(phone.card("Loyalty programme")).to_be_visible()
        await phone.card("Loyalty programme").get_by_role("button", name="Give a dot to: Loyalty programme").click()
        await expect(page.get_by_text("2 dots left")).to_be_visible()

        ex = "where-we-win"
        assert state(room, ex).scores[pid] == {
            item_id(room, ex, "Mobile apps"): 1,
            item_id(room, ex, "AI and machine learning"): 1,
            item_id(room, ex, "Loyalty programme"): 1,
        }
        phone.assert_clean()


HABITS_POLL = """title = "Habits"

[[exercises]]
id = "ways-of-working"
kind = "poll"
title = "How we will work"
prompt = "Which habits should we adopt to keep working together? Pick all that you would commit to."
minutes = 6
reveal = "on_close"
multi = true
other = true
options = [
    "Regular joint reviews on a fixed schedule",
    "Informal time together",
    "Day-in-the-life rotations between the teams",
    "Marketing helps tell the story of IT's investments",
    "IT joins marketing planning early",
]
"""
"""A multiple-choice poll that takes an answer of one's own (`other`)."""


async def test_a_phone_answers_a_multiple_choice_poll_with_its_own_answer(tmp_path, browser):
    template = tmp_path / "habits.toml"
    template.write_text(HABITS_POLL, encoding="utf-8")
    async with running_room(tmp_path, str(template), min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "Other")
        await open_exercise(room, "ways-of-working")
        page = phone.page
        await expect(page.get_by_text("Pick all that apply. Each tap is saved.")).to_be_visible()
        ex = "ways-of-working"
        await page.get_by_role("button", name="Informal time together").click()
        await page.get_by_role("button", name="IT joins marketing planning early").click()
        await until(lambda: len(state(room, ex).scores.get(pid, {})) == 2)  # each tap saved, no Send
        await expect(page.locator(".save-state")).to_have_text("Saved ✓ You can change it while this is open.")
        await page.get_by_role("button", name="Other (write your own)").click()
        other = page.get_by_label("Your own answer")
        await expect(other).to_be_focused()
        await other.fill("Shared coffee on Fridays")
        await expect(page.get_by_role("button", name="Informal time together")).to_have_attribute("aria-pressed", "true")
        await phone.shot("40-poll")
        await page.get_by_role("button", name="Send", exact=True).click()  # typed text goes with its button
        await expect(page.get_by_text("Your answer is in.")).to_be_visible()

        await until(lambda: pid in state(room, ex).other)
        assert set(state(room, ex).scores[pid]) == {item_id(room, ex, "Informal time together"), item_id(room, ex, "IT joins marketing planning early")}
        assert state(room, ex).other[pid] == "Shared coffee on Fridays"

        await page.get_by_role("button", name="Informal time together").click()
        await until(lambda: set(state(room, ex).scores[pid]) == {item_id(room, ex, "IT joins marketing planning early")})
        assert state(room, ex).other[pid] == "Shared coffee on Fridays"  # the whole answer, own text included

        await room.facilitate(c.Close(exercise=ex))  # on_close: the results show, own answers too
        await expect(page.get_by_text("Results", exact=True)).to_be_visible()
        await expect(page.locator(".results").get_by_text("Shared coffee on Fridays")).to_be_visible()
        phone.assert_clean()


async def test_a_phone_splits_exactly_the_budget_in_an_allocation(tmp_path, browser):
    async with running_room(tmp_path) as room:
        # The budget splits over the top five shared objectives, which come from the
        # customer-first ideas: the facilitator puts five on the board.
        await open_exercise(room, "customer-first")
        for text in ("One view of the customer", "Offers that follow the customer", "Fewer forms to fill", "Delivery dates we keep", "Prices that match online"):
            await room.facilitate(c.SubmitIdea(exercise="customer-first", text=text))
        await open_exercise(room, "shared-objectives")
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "budget")
        page = phone.page
        items = [i.text for i in state(room, "budget").items]
        assert len(items) == 5
        saved = page.locator(".save-state")
        await expect(page.get_by_text("0 / 100", exact=True)).to_be_visible()
        await expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)  # saved by itself when exact

        await page.get_by_label(items[0], exact=True).fill("60")  # the slider
        for _ in range(4):
            await page.get_by_role("button", name=f"5 more points for: {items[1]}").click()
        await expect(page.get_by_text("80 / 100")).to_be_visible()
        await expect(page.get_by_text("20 points left to place")).to_be_visible()
        await phone.shot("50-allocate-partial", full_page=False)
        for _ in range(3):
            await page.get_by_role("button", name=f"5 more points for: {items[2]}").click()
        await page.get_by_label(items[2], exact=True).fill("25")  # the slider can go past the budget; "+" cannot
        await expect(page.get_by_text("105 / 100")).to_be_visible()
        await expect(page.get_by_role("button", name=f"5 more points for: {items[3]}")).to_be_disabled()
        assert pid not in state(room, "budget").scores  # never sent while it does not add up
        await page.get_by_role("button", name=f"5 fewer points for: {items[2]}").click()
        await expect(page.get_by_text("100 / 100")).to_be_visible()
        await expect(page.locator(".total-bar")).to_have_class(re.compile(r"\bexact\b"))
        await expect(saved).to_have_text("Saved ✓ You can change it while this is open.")
        await phone.shot("51-allocate-exact", full_page=False)

        ex = "budget"
        assert state(room, ex).scores[pid] == {
            item_id(room, ex, items[0]): 60,
            item_id(room, ex, items[1]): 20,
            item_id(room, ex, items[2]): 20,
        }
        phone.assert_clean()


async def test_a_phone_places_items_on_both_axes_of_a_matrix(tmp_path, browser):
    async with running_room(tmp_path) as room:
        # The matrix takes its items from the shared objectives, which come from
        # the customer-first ideas: the facilitator puts two on the board.
        await open_exercise(room, "customer-first")
        for text in ("One view of the customer", "Offers that follow the customer"):
            await room.facilitate(c.SubmitIdea(exercise="customer-first", text=text))
        await open_exercise(room, "shared-objectives")
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "impact-effort")
        page = phone.page
        card = phone.card("One view of the customer")
        await card.get_by_role("radio", name="Impact 4 of 5").click()
        await expect(card.get_by_text("Now pick effort.")).to_be_visible()
        await card.get_by_role("radio", name="Effort 2 of 5").click()
        await expect(card.get_by_text("Placed: Impact 4, Effort 2")).to_be_visible()
        await phone.shot("60-matrix")
        await card.get_by_role("radio", name="Effort 5 of 5").click()
        await expect(card.get_by_text("Placed: Impact 4, Effort 5")).to_be_visible()
        ex = "impact-effort"
        assert state(room, ex).places[pid] == {item_id(room, ex, "One view of the customer"): (4, 5)}

        await room.facilitate(c.Close(exercise=ex))
        await expect(page.locator(".mdot")).to_have_count(1)
        await expect(page.locator(".legend-list li").first).to_contain_text("Big bet")
        await phone.shot("61-matrix-results")
        phone.assert_clean()


async def test_a_phone_picks_who_leads_each_responsibility(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "Marketing")
        await open_exercise(room, "who-leads")
        page = phone.page
        ex = "who-leads"
        _, cmo, joint = config(room, ex).choices  # "CIO accountable (CMO contributes)", "CMO accountable (…)", "Jointly accountable"
        rows = [i.text for i in state(room, ex).items]
        first, second, unanswered = rows[0], rows[1], rows[-1]
        row = phone.card(first)
        await row.get_by_role("button", name=f"{joint}: {first}").click()
        await expect(row.get_by_role("button", name=f"{joint}: {first}")).to_have_attribute("aria-pressed", "true")
        await phone.card(second).get_by_role("button", name=f"{cmo}: {second}").click()
        await expect(page.get_by_text("1 of 1 has answered")).to_be_visible()
        await phone.shot("70-ownership")
        await until(lambda: len(state(room, ex).scores.get(pid, {})) == 2)
        assert state(room, ex).scores[pid] == {item_id(room, ex, first): 2, item_id(room, ex, second): 1}

        await room.facilitate(c.Close(exercise=ex))
        await expect(phone.card(first)).to_contain_text(f"Agreed: {joint}")
        await expect(phone.card(unanswered)).to_contain_text("Contested")
        await phone.shot("71-ownership-results")
        phone.assert_clean()


async def test_a_phone_champions_and_comments_on_a_joint_initiative(tmp_path, browser):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "customer-first")
        await room.facilitate(c.SubmitIdea(exercise="customer-first", text="One view of the customer"))
        await open_exercise(room, "shared-objectives")
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "joint-initiatives")
        ex = "joint-initiatives"
        await room.facilitate(c.DraftInitiative(exercise=ex, title="Single customer profile"))
        initiative = next(iter(state(room, ex).initiatives))
        await room.facilitate(c.UpdateInitiative(exercise=ex, initiative=initiative, fields={"outcome": "Customers are recognised everywhere", "kpi": "Retention", "target": "+5 %"}))
        page = phone.page
        card = page.locator(".initiative", has_text="Single customer profile")
        await expect(card).to_contain_text("Customers are recognised everywhere")
        await card.get_by_role("button", name=re.compile("champion.* — Single customer profile")).click()
        await expect(card.get_by_role("button", name=re.compile("champion.* — Single customer profile"))).to_have_attribute("aria-pressed", "true")
        await expect(card).to_contain_text("1 champion: Ann")
        await expect(page.get_by_label("Add a comment")).to_have_count(0)  # one comment form at a time, when asked
        await card.get_by_role("button", name="Comment", exact=True).click()
        await expect(card.get_by_label("Add a comment")).to_be_focused()
        await card.get_by_label("Add a comment").fill("Start with the loyalty data")
        await card.get_by_role("button", name="Send").click()
        await expect(card.get_by_text("Start with the loyalty data")).to_be_visible()
        await phone.shot("80-initiatives")
        await page.emulate_media(color_scheme="dark")
        await phone.shot("82-initiatives-dark")
        assert state(room, ex).volunteers[initiative] == [pid]
        assert [(m.target, m.text) for m in state(room, ex).comments] == [(initiative, "Start with the loyalty data")]

        await card.get_by_role("button", name=re.compile("champion.* — Single customer profile")).click()
        await expect(card.get_by_role("button", name=re.compile("champion.* — Single customer profile"))).to_have_attribute("aria-pressed", "false")
        assert state(room, ex).volunteers[initiative] == []
        phone.assert_clean()


# ------------------------------------------------------------------ refusals, reveal, reconnect, hostile text


async def test_a_refusal_is_shown_next_to_the_control_that_caused_it(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "where-we-win")
        page = phone.page
        card = phone.card("Mobile apps")
        plus = card.get_by_role("button", name="Give a dot to: Mobile apps")
        for left in (4, 3, 2):
            await plus.click()
            await expect(page.get_by_text(f"{left} dots left")).to_be_visible()
        await plus.click()
        message = card.locator(".note")
        await expect(message).to_have_text("At most 3 dots on one item. Spread the rest.")
        await expect(message).to_have_attribute("aria-live", "polite")
        await expect(page.get_by_text("2 dots left")).to_be_visible()
        await phone.shot("90-refusal")
        assert state(room, "where-we-win").scores[pid] == {item_id(room, "where-we-win", "Mobile apps"): 3}
        await expect(message).to_be_hidden(timeout=10_000)  # it clears after a few seconds
        phone.assert_clean()


async def test_two_phones_see_each_others_votes_once_the_results_are_revealed(tmp_path, browser):
    async with running_room(tmp_path, min_answers=1) as room:
        ann = await Phone.open(browser, room)
        await ann.join("Ann", "IT")
        bo = await Phone.open(browser, room)
        await bo.join("Bo", "Marketing")
        await open_exercise(room, "where-we-win")
        await ann.card("Mobile apps").get_by_role("button", name="Give a dot to: Mobile apps").click()
        await expect(ann.page.get_by_text("4 dots left")).to_be_visible()
        await bo.card("Mobile apps").get_by_role("button", name="Give a dot to: Mobile apps").click()
        await bo.card("Analytics and modelling").get_by_role("button", name="Give a dot to: Analytics and modelling").click()
        await expect(bo.page.get_by_text("3 dots left")).to_be_visible()
        await expect(ann.page.get_by_text("2 of 2 have voted")).to_be_visible()
        await expect(ann.page.locator(".ranking")).to_have_count(0)  # on_close: nothing shown yet

        await room.facilitate(c.Reveal(exercise="where-we-win"))
        for phone in (ann, bo):
            first = phone.page.locator(".rank-row").first
            await expect(first).to_contain_text("Mobile apps")
            await expect(first).to_contain_text("2 dots")
            await expect(first).to_contain_text("IT 1")
            await expect(first).to_contain_text("Marketing 1")
            await expect(phone.page.locator(".rank-row").nth(1)).to_contain_text("Analytics and modelling")
            # IT spent its one dot here, Marketing half of its two: a gap of 50 points.
            await expect(first.locator(".gap")).to_have_text("GapIT gave it 100% of its dots, Marketing 50%")
        await room.facilitate(c.Close(exercise="where-we-win"))
        await expect(ann.page.get_by_text("Results", exact=True)).to_be_visible()
        await ann.shot("91-dotvote-results")
        await bo.page.emulate_media(color_scheme="dark")
        await bo.shot("96-dotvote-results-dark")
        ann.assert_clean()
        bo.assert_clean()


async def test_results_of_every_kind_are_drawn_for_the_room(tmp_path, browser):
    """A second phone answers too, so each result has two sides to compare."""
    async with running_room(tmp_path, min_answers=1) as room:
        ann = await Phone.open(browser, room)
        await ann.join("Ann", "IT")
        bo = await Phone.open(browser, room)
        await bo.join("Bo", "Marketing")
        page = ann.page

        await open_exercise(room, "customer-first")  # live: the board shows as ideas arrive
        for phone, text in ((ann, "One view of the customer"), (bo, "Offers that follow the customer")):
            await phone.page.get_by_label("Your idea").fill(text)
            await phone.page.get_by_role("button", name="Add", exact=True).click()
            await expect(phone.page.locator(".idea .idea-text", has_text=text)).to_be_visible()
        # Ann is half-way through typing when Bo's idea lands on her board.
        await page.get_by_label("Your idea").fill("Half a thou")
        await bo.page.get_by_label("Your idea").fill("Fewer forms to fill")
        await bo.page.get_by_role("button", name="Add", exact=True).click()
        await expect(page.locator(".results .idea-card", has_text="Fewer forms to fill")).to_be_visible()
        await expect(page.get_by_label("Your idea")).to_be_focused()
        await expect(page.get_by_label("Your idea")).to_have_value("Half a thou")
        await page.keyboard.type("ght")
        await expect(page.get_by_label("Your idea")).to_have_value("Half a thought")
        await expect(page.get_by_text("14 / 280")).to_be_visible()
        await page.get_by_label("Your idea").fill("")
        ideas = {i.text: i.id for i in state(room, "customer-first").ideas.values()}
        await room.facilitate(c.GroupIdeas(exercise="customer-first", ideas=[ideas["One view of the customer"], ideas["Offers that follow the customer"]], theme="Know the customer"))
        await expect(page.locator(".theme h3", has_text="Know the customer")).to_be_visible()
        await expect(page.locator(".theme", has_text="Know the customer").locator(".chip:not(.you)")).to_have_text(["IT", "Marketing"])
        await expect(page.locator(".theme", has_text="Know the customer").locator(".chip.you")).to_have_text(["You"])  # Ann's own idea
        await ann.shot("21-brainstorm-live-board")

        await open_exercise(room, "opening")
        agreed, phones_down = "Challenge ideas, not people", "Phones down except to answer"
        await page.get_by_role("button", name=agreed).click()  # each tap is saved
        await bo.page.get_by_role("button", name=agreed).click()
        await bo.page.get_by_role("button", name=phones_down).click()
        await expect(page.get_by_text("2 of 2 have answered")).to_be_visible()
        await expect(bo.page.locator(".save-state")).to_have_text("Saved ✓ You can change it while this is open.")
        await room.facilitate(c.Close(exercise="opening"))
        option = ann.card(agreed)
        await expect(option).to_contain_text("IT 1")
        await expect(option).to_contain_text("Marketing 1")
        await expect(option.locator(".gap")).to_have_count(0)  # everyone on both sides picked it
        await expect(ann.card(phones_down)).to_contain_text("Marketing 1")
        await ann.shot("41-poll-results")

        await open_exercise(room, "budget")
        items = [i.text for i in state(room, "budget").items]
        for phone, first in ((ann, "70"), (bo, "30")):
            await phone.page.get_by_label(items[0], exact=True).fill(first)
            await phone.page.get_by_label(items[1], exact=True).fill(str(100 - int(first)))  # exact: saved by itself
            await expect(phone.page.locator(".save-state")).to_have_text("Saved ✓ You can change it while this is open.")
        await room.facilitate(c.Close(exercise="budget"))
        await expect(side_row(ann.card(items[0]), "IT")).to_contain_text("70 %")
        await expect(side_row(ann.card(items[0]), "Marketing")).to_contain_text("30 %")
        await expect(ann.card(items[0]).locator(".gap")).to_have_text("GapIT gives it 70% of the budget, Marketing 30%")
        await ann.shot("52-allocate-results")

        await open_exercise(room, "check-out")
        statement = state(room, "check-out").items[0].text
        await ann.card(statement).get_by_role("radio", name="5 of 5").click()
        await bo.card(statement).get_by_role("radio", name="2 of 5").click()
        await expect(page.get_by_text("2 of 2 have rated")).to_be_visible()
        await room.facilitate(c.Close(exercise="check-out"))
        await expect(ann.card(statement).locator(".gap")).to_contain_text("IT rates it 3.0 points higher than Marketing")
        await expect(ann.card(statement).locator(".badge")).to_have_text("Gap")
        await ann.shot("12-scale-results-gap")

        await open_exercise(room, "joint-initiatives")
        await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title="Single customer profile"))
        await ann.page.locator(".initiative", has_text="Single customer profile").get_by_role("button", name=re.compile("champion.* — Single customer profile")).click()
        await expect(page.locator(".initiative", has_text="Single customer profile")).to_contain_text("1 champion: Ann")
        await room.facilitate(c.Close(exercise="joint-initiatives"))
        await expect(page.locator(".results .card", has_text="Single customer profile")).to_contain_text("1 champion: Ann")
        await ann.shot("81-initiatives-results")
        ann.assert_clean()
        bo.assert_clean()


async def test_a_phone_comes_back_as_the_same_participant_after_the_room_restarts(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        # While the room is down the browser logs its failed connection attempts.
        phone.allowed.append(re.compile(r"WebSocket connection to 'ws://workshop\.test:\d+/ws\?room=\w+' failed"))
        phone.allowed.append(re.compile(r"/door\?room=\w+"))  # and asks why, in vain
        # …which the console also reports, without the address, when the room stays down past a retry.
        phone.allowed.append(re.compile(r"^console: Failed to load resource: net::ERR_CONNECTION_REFUSED$"))
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "where-we-win")
        page = phone.page
        await phone.card("Mobile apps").get_by_role("button", name="Give a dot to: Mobile apps").click()
        await expect(page.get_by_text("4 dots left")).to_be_visible()

        port = room.port
        await room.stop()
        await expect(page.locator("#conn")).to_have_text("Reconnecting…")
        # A dot given while the room is down waits, and is sent once it is back.
        await phone.card("Mobile apps").get_by_role("button", name="Give a dot to: Mobile apps").click()
        await expect(phone.card("Mobile apps").locator(".note")).to_contain_text("will be sent when the connection is back")
        await phone.shot("92-reconnecting", full_page=False)

        again = Room(room.workshop, host="127.0.0.1", port=port, hostnames=("workshop.test",))
        await again.start()
        try:
            assert again.port == port
            await expect(page.locator("#conn")).to_have_text("Connected", timeout=20_000)
            await expect(page.get_by_text("3 dots left")).to_be_visible()
            minutes = config(room, "where-we-win").minutes
            await expect(page.get_by_role("timer")).to_have_text(re.compile(rf"^{minutes - 1}:\d\d$"), timeout=3000)
            await expect(page.locator("#bar-title")).to_have_text("Ann · IT")
            await expect(page.get_by_role("button", name="IT", exact=True)).to_have_count(0)
            assert list(room.workshop.session.participants) == [pid]
            assert state(room, "where-we-win").scores[pid] == {item_id(room, "where-we-win", "Mobile apps"): 2}
            await phone.shot("93-reconnected")
            phone.assert_clean()
        finally:
            await again.stop()


async def test_participant_text_shows_literally_and_never_as_markup(tmp_path, browser):
    async with running_room(tmp_path) as room:
        ann = await Phone.open(browser, room)
        await ann.join(HOSTILE, "IT")
        bo = await Phone.open(browser, room)
        await bo.join("Bo", "Marketing")
        await open_exercise(room, "customer-first")
        page = ann.page
        unbroken = "https://example.com/" + "x" * 200  # one long word must not widen the page
        for text in (HOSTILE, MARKUP, unbroken):
            await page.get_by_label("Your idea").fill(text)
            await page.get_by_role("button", name="Add", exact=True).click()
            await expect(page.locator(".idea .idea-text", has_text=text)).to_be_visible()
        board = bo.page.locator(".results .idea-card .idea-text")
        await expect(board).to_have_text([HOSTILE, MARKUP, unbroken])
        await bo.shot("95-hostile-text-board")
        await expect(ann.page.locator("#bar-title")).to_have_text(f"{HOSTILE} · IT")
        for phone in (ann, bo):
            assert await phone.page.locator("main img, header img").count() == 0
            assert await phone.page.locator("b, strong", has_text="x").count() == 0
        await ann.shot("94-hostile-text")

        await open_exercise(room, "joint-initiatives")
        title = f"Plan {MARKUP}"
        await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title=title))
        card = page.locator(".initiative", has_text=title)
        await card.get_by_role("button", name=f"I'll champion this — {title}").click()
        await expect(bo.page.locator(".initiative", has_text=title).locator(".champions")).to_contain_text(f"1 champion: {HOSTILE}")
        assert await bo.page.locator("main img").count() == 0
        await page.wait_for_timeout(300)  # an injected onerror would have fired by now
        ann.assert_clean()
        bo.assert_clean()
