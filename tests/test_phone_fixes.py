"""The phone page's fixes from its audit, in a real Chromium against a real room on
127.0.0.1 (the harness of test_phone_browser.py): axe-core finds nothing in any
state; offline shows within five seconds and taps wait visibly; a name and team can
be changed until the first answer; one save model ("Saved ✓") for every kind; a
1–5 scale is a radio group with the arrow keys; 200 % zoom cuts no figure; your own
ideas are marked; the end of a timebox is told.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import expect

from tests.roomkit import PhoneClient, running_room, until
from tests.test_phone_browser import Phone, browser, open_exercise, state  # noqa: F401 - `browser` is a fixture
from workshop import commands as c

SAVED = "Saved ✓ You can change it while this is open."
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # Beyond axe's defaults: the rules the audit ran (a visible label that is not the
    # start of the accessible name; bold paragraphs standing in for headings).
    "rules": {"label-content-name-mismatch": {"enabled": True}, "p-as-heading": {"enabled": True}},
}


async def axe_clean(page, where: str) -> None:
    results = await Axe().run(page, options=AXE_OPTIONS)
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not found, f"{where}: {found}"


async def test_axe_finds_nothing_in_any_state_of_the_page(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        page = phone.page
        await expect(page.get_by_role("button", name="IT", exact=True)).to_be_visible()
        await axe_clean(page, "join")
        await phone.join("Ann", "IT")
        await axe_clean(page, "waiting")
        await page.get_by_role("button", name="Change").click()
        await axe_clean(page, "name and team")
        await page.get_by_role("button", name="Cancel").click()
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await open_exercise(room, "customer-first")
        for text in ("One view of the customer", "Offers that follow the customer"):
            await bo.act({"type": "submit_idea", "exercise": "customer-first", "text": text})
        for exercise in ("opening", "check-in", "customer-first", "shared-objectives", "objective-order", "who-leads", "impact-effort", "budget", "joint-initiatives"):
            await open_exercise(room, exercise)
            if exercise == "joint-initiatives":
                await room.facilitate(c.DraftInitiative(exercise=exercise, title="Loyalty pilot"))
                await page.get_by_role("button", name="I'll champion this — Loyalty pilot").click()
            await expect(page.locator("h1")).to_have_text(room.workshop.session.exercise(exercise).title)
            await axe_clean(page, f"{exercise}, open")
            await room.facilitate(c.Close(exercise=exercise))
            await room.facilitate(c.Reveal(exercise=exercise))
            await expect(page.locator(".results")).to_be_visible()
            await axe_clean(page, f"{exercise}, results")
        phone.assert_clean()


async def test_offline_shows_within_five_seconds_and_a_tap_waits_then_goes(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "check-in")
        page = phone.page
        statement = state(room, "check-in").items[0].text
        await expect(phone.card(statement)).to_be_visible()
        await page.context.set_offline(True)
        await expect(page.locator("#conn-banner")).to_be_visible(timeout=5000)
        await expect(page.locator("#conn")).to_have_text("Offline")
        await phone.card(statement).get_by_role("radio", name=re.compile("^4 of 5")).click()
        await expect(page.locator(".save-state")).to_have_text("Not connected: this will be sent when the connection is back.")
        assert pid not in state(room, "check-in").scores
        await page.context.set_offline(False)
        await expect(page.locator(".save-state")).to_have_text(SAVED, timeout=15000)
        assert state(room, "check-in").scores[pid] == {state(room, "check-in").items[0].id: 4}
        await expect(page.locator("#conn-banner")).to_be_hidden()
        phone.allowed.append(re.compile("WebSocket|ERR_INTERNET_DISCONNECTED|net::"))
        phone.assert_clean()


async def test_a_name_and_team_can_be_changed_until_the_first_answer(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        page = phone.page
        await page.get_by_role("button", name="Change").click()
        await page.get_by_label("Your name").fill("Anna")
        await page.get_by_role("radio", name="Marketing").click()
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#bar-title")).to_have_text("Anna · Marketing")
        assert (room.workshop.session.participants[pid].name, room.workshop.session.participants[pid].side) == ("Anna", "marketing")

        await open_exercise(room, "check-in")
        statement = state(room, "check-in").items[0].text
        await phone.card(statement).get_by_role("radio", name=re.compile("^2 of 5")).click()
        await expect(page.locator(".save-state")).to_have_text(SAVED)
        await page.get_by_role("button", name="Change").click()
        await expect(page.get_by_text("You have answered already, so your team stays as it is.")).to_be_visible()
        await expect(page.get_by_role("radio", name="IT")).to_be_disabled()  # the answer keeps the team it was given under
        await page.get_by_label("Your name").fill("Anna B.")
        await page.get_by_role("button", name="Save").click()
        await expect(page.locator("#bar-title")).to_have_text("Anna B. · Marketing")
        await phone.shot("90-name-and-team")
        phone.assert_clean()


async def test_a_scale_is_a_radio_group_one_tab_stop_and_the_arrow_keys_rate(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "check-in")
        page = phone.page
        first = state(room, "check-in").items[0]
        group = phone.card(first.text).get_by_role("radiogroup")
        radios = group.get_by_role("radio")
        await expect(radios).to_have_count(5)
        assert [await r.get_attribute("tabindex") for r in await radios.all()] == ["0", "-1", "-1", "-1", "-1"]  # one tab stop
        await radios.nth(0).focus()
        await page.keyboard.press("ArrowRight")
        await page.keyboard.press("ArrowRight")
        await until(lambda: state(room, "check-in").scores.get(pid, {}).get(first.id) == 3)
        await expect(radios.nth(2)).to_have_attribute("aria-checked", "true")
        await expect(radios.nth(2)).to_be_focused()
        await expect(radios.nth(2)).to_have_attribute("tabindex", "0")
        phone.assert_clean()


async def test_at_200_percent_zoom_no_figure_is_cut_and_nothing_scrolls_sideways(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await open_exercise(room, "check-in")
        for item in ("i1", "i2", "i3"):
            await bo.act({"type": "rate", "exercise": "check-in", "item": item, "value": 4})
        await room.facilitate(c.Close(exercise="check-in"))
        page = phone.page
        await page.set_viewport_size({"width": 195, "height": 422})  # a 390 px phone at 200 %
        await expect(page.locator(".results .bnum").first).to_be_visible()
        cut = await page.evaluate("() => [...document.querySelectorAll('.bnum, .blabel')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
        assert [text for text in cut if re.search(r"\d", text)] == []  # "3." for "3.4" no more
        assert await page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert "4.0" in await page.locator(".results").inner_text()


async def test_your_own_ideas_are_marked_on_the_board(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await open_exercise(room, "customer-first")
        page = phone.page
        await page.get_by_label("Your idea").fill("Mine: one login everywhere")
        await page.get_by_role("button", name="Add", exact=True).click()
        await bo.act({"type": "submit_idea", "exercise": "customer-first", "text": "Theirs: returns made easy"})
        board = page.locator(".results")
        await expect(board.locator(".idea-card.yours")).to_have_text(re.compile("Mine: one login everywhere"))
        await expect(board.locator(".idea-card", has_text="Theirs")).not_to_have_class(re.compile("yours"))
        await expect(board.locator(".idea-card.yours .chip.you")).to_have_text("You")


async def test_an_idea_typed_and_not_sent_survives_a_reload(tmp_path, browser):  # noqa: F811
    """A phone's browser may drop the page in the background, or a thumb reloads it:
    what was typed is still in the field, and once sent it is not brought back."""
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        await open_exercise(room, "customer-first")
        page = phone.page
        await page.get_by_label("Your idea").fill("Half a thought about one login")
        await page.reload()
        await expect(page.get_by_label("Your idea")).to_have_value("Half a thought about one login")
        await page.get_by_role("button", name="Add", exact=True).click()
        await until(lambda: any(i.text == "Half a thought about one login" for i in state(room, "customer-first").ideas.values()))
        await expect(page.get_by_label("Your idea")).to_have_value("")
        await page.reload()
        await expect(page.get_by_label("Your idea")).to_have_value("")
        phone.assert_clean()


ONE_MINUTE = """
title = "One minute"
[[exercises]]
id = "quick"
kind = "scale"
title = "Quick pulse"
prompt = "Rate it"
minutes = 1
statements = ["We are aligned"]
"""


async def test_the_end_of_the_timebox_is_told_on_the_phone(tmp_path, browser):  # noqa: F811
    """A real minute runs out (the page's own clock keeps its heartbeat honest)."""
    template = tmp_path / "minute.toml"
    template.write_text(ONE_MINUTE, encoding="utf-8")
    async with running_room(tmp_path, str(template), min_answers=1) as room:
        phone = await Phone.open(browser, room)
        page = phone.page
        await phone.join("Ann", "IT")
        await open_exercise(room, "quick")
        timer = page.locator("[data-timer]")
        await expect(timer).to_have_text(re.compile(r"^[01]:\d\d$"))
        await expect(timer).to_have_text("Time's up", timeout=75_000)
        await expect(timer).to_have_class(re.compile(r"\bup\b"))
        await expect(page.locator("#toast")).to_have_text("Time's up for this step: finish your answer now.")
        phone.assert_clean()


@pytest.mark.parametrize("kind_step", ["opening", "budget"])
async def test_a_tap_on_a_poll_or_a_split_that_adds_up_is_saved_by_itself(tmp_path, browser, kind_step):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "customer-first")
        await room.facilitate(c.SubmitIdea(exercise="customer-first", text="One view of the customer"))
        await open_exercise(room, "shared-objectives")
        await open_exercise(room, kind_step)
        page = phone.page
        if kind_step == "opening":
            await page.get_by_role("button", name="Challenge ideas, not people").click()
        else:
            item = state(room, "budget").items[0].text
            await page.get_by_label(item, exact=True).fill("100")
        await expect(page.locator(".save-state")).to_have_text(SAVED)
        assert state(room, kind_step).scores.get(pid)
        await expect(page.get_by_role("button", name="Send", exact=True)).to_have_count(0)


async def test_who_leads_results_read_short_with_the_per_team_table_folded(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await open_exercise(room, "who-leads")
        first = state(room, "who-leads").items[0]
        await bo.act({"type": "choose_owner", "exercise": "who-leads", "item": first.id, "choice": 1})
        await room.facilitate(c.Close(exercise="who-leads"))
        card = phone.card(first.text)
        await expect(card.locator(".verdict")).to_be_visible()
        table = card.locator("table.dist")
        await expect(table).to_be_hidden()  # folded: the verdict and the gap read first
        await card.get_by_text("Who chose what, by team").click()
        await expect(table).to_be_visible()
        await expect(table).to_contain_text("Marketing")
        # A new view (Bo renames) must not fold it again under the reader's eyes.
        assert (await bo.act({"type": "rename", "name": "Bo B", "side": "marketing"}))["type"] == "ack"
        await phone.page.wait_for_timeout(600)  # a broadcast tick and a redraw
        await expect(table).to_be_visible()
        assert await phone.page.evaluate("document.documentElement.scrollWidth") <= 390
        height = await page_height(phone.page)
        assert height < 2800  # the audit measured ~2,800 px for this grid unfolded
        phone.assert_clean()


async def page_height(page) -> int:
    return await page.evaluate("document.documentElement.scrollHeight")


async def test_the_2x2_shows_where_each_team_puts_an_item_beside_the_room(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await open_exercise(room, "customer-first")
        await room.facilitate(c.SubmitIdea(exercise="customer-first", text="One view of the customer"))
        await open_exercise(room, "shared-objectives")
        await open_exercise(room, "impact-effort")
        item = state(room, "impact-effort").items[0].id
        await room.workshop.handle_async(pid, "place-ann", c.Place(exercise="impact-effort", item=item, x=5, y=5))
        await bo.act({"type": "place", "exercise": "impact-effort", "item": item, "x": 2, "y": 1})
        await room.facilitate(c.Close(exercise="impact-effort"))
        page = phone.page
        await expect(page.locator(".matrix .mdot:not(.side)")).to_have_count(1)  # the room
        await expect(page.locator(".matrix .mdot.side")).to_have_count(2)  # IT and Marketing apart
        await expect(page.locator(".matrix .mdot.side.s0")).to_have_count(1)
        await expect(page.locator(".matrix-key")).to_contain_text("where each team puts an item")
        await phone.shot("62-matrix-by-team")
        phone.assert_clean()


async def test_a_count_from_a_withheld_team_is_drawn_and_said_never_called_nobody(tmp_path, browser):  # noqa: F811
    """k = 3: Ann alone in Marketing ticks an agreement nobody in IT ticked. The card
    shows 1, its bar a segment in the room's colour, and "Not shown by team: 1" —
    not "Nobody picked this" under a count of 1."""
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "Marketing")
        crowd = [PhoneClient(room) for _ in range(3)]
        try:
            for client in crowd:
                await client.connect()
                await client.join("", "it")
            await open_exercise(room, "opening")  # reveal = live
            for client in crowd:
                ack = await client.act({"type": "pick", "exercise": "opening", "items": ["i1"]})
                assert ack["type"] == "ack", ack
            await phone.page.get_by_role("button", name="Challenge ideas, not people").click()
            await expect(phone.page.locator(".save-state")).to_have_text(SAVED)
            await room.facilitate(c.Close(exercise="opening"))
            card = phone.page.locator('[data-key="res:i2"]')
            await expect(card.locator(".legends")).to_have_text("Not shown by team: 1")
            await expect(card.locator(".seg.sx")).to_have_count(1)
            await expect(phone.page.locator('[data-key="res:i1"] .legends')).to_have_text("IT 3")
        finally:
            for client in crowd:
                await client.close()
        phone.assert_clean()


async def test_the_bar_shortens_the_team_before_a_short_name(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Fatima", "Marketing")
        who = phone.page.locator("#bar-title .who")
        await expect(who).to_have_text("Fatima")
        assert await who.evaluate("e => e.scrollWidth <= e.clientWidth"), "the name is cut"
        phone.assert_clean()


async def test_a_split_off_the_budget_says_the_saved_one_still_counts(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ann", "IT")
        await open_exercise(room, "customer-first")
        for text in ("One view of the customer", "Offers that follow the customer"):
            await room.facilitate(c.SubmitIdea(exercise="customer-first", text=text))
        await open_exercise(room, "shared-objectives")
        await open_exercise(room, "budget")
        page = phone.page
        first, second = [item.text for item in state(room, "budget").items[:2]]
        await page.get_by_label(first, exact=True).fill("100")
        await expect(page.locator(".save-state")).to_have_text(SAVED)
        saved = dict(state(room, "budget").scores[pid])
        # Every point is placed: "+" cannot take the split past the budget…
        await expect(page.get_by_role("button", name=f"5 more points for: {second}")).to_be_disabled()
        # …and a slider that does says which split counts meanwhile.
        await page.get_by_label(second, exact=True).fill("5")
        await expect(page.locator(".total-line")).to_contain_text("5 points too many. Not sent: your last saved split still counts.")
        assert dict(state(room, "budget").scores[pid]) == saved
        phone.assert_clean()
