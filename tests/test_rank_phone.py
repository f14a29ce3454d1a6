"""The ranking on a phone, in Chromium: tap an item up or down (no dragging), each
move saves the whole order, and the result shows the room's order and each side's."""

from __future__ import annotations

from playwright.async_api import expect

from tests.faultkit import write_template
from tests.roomkit import running_room, until
from tests.test_phone_browser import Phone, browser, open_exercise  # noqa: F401 - the fixture
from workshop import commands as c

ITEMS = ["One customer view", "Faster launches", "Consent everywhere"]


def rank_template(folder) -> str:
    return str(write_template(folder, "ranking", [{
        "id": "order", "kind": "rank", "title": "Our order", "prompt": "Put them in order.", "reveal": "manual", "options": ITEMS,
    }]))


async def test_a_phone_orders_the_items_by_tapping_and_sees_the_room_order(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, rank_template(tmp_path)) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ana", "IT")
        await open_exercise(room, "order")
        page = phone.page
        await expect(page.get_by_text("Put them in order, best first")).to_be_visible()
        await expect(page.get_by_role("button", name="Move up: One customer view")).to_be_disabled()
        await phone.shot("rank-input")

        await page.get_by_role("button", name="Move down: One customer view").click()
        state = room.workshop.session.exercises["order"]
        ids = {item.text: item.id for item in state.items}
        await until(lambda: state.scores.get(pid) == {ids["Faster launches"]: 1, ids["One customer view"]: 2, ids["Consent everywhere"]: 3})
        await expect(page.get_by_text("Your order is saved. ✓")).to_be_visible()
        await page.get_by_role("button", name="Move up: Consent everywhere").click()
        await until(lambda: state.scores.get(pid, {}).get(ids["Consent everywhere"]) == 2)
        places = await page.locator(".order-item .order-text").all_inner_texts()
        assert places == ["Faster launches", "Consent everywhere", "One customer view"]

        await room.facilitate(c.Reveal(exercise="order"))
        first = page.locator("[data-key='res:list'] li").first
        await expect(first).to_contain_text("Faster launches")
        await expect(first).to_contain_text("IT 1st")
        await phone.shot("rank-results")
        phone.assert_clean()


async def test_a_phone_that_agrees_with_the_order_as_listed_sends_it_as_it_is(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, rank_template(tmp_path)) as room:
        phone = await Phone.open(browser, room)
        pid = await phone.join("Ana", "IT")
        await open_exercise(room, "order")
        page = phone.page
        await expect(page.get_by_text("Not sent yet: move an item, or send the order as it is.")).to_be_visible()
        await page.get_by_role("button", name="Send this order").click()
        state = room.workshop.session.exercises["order"]
        listed = [item.id for item in state.items]
        await until(lambda: state.scores.get(pid) == {item: place for place, item in enumerate(listed, start=1)})
        await expect(page.get_by_text("Your order is saved. ✓")).to_be_visible()
        await expect(page.get_by_role("button", name="Send this order")).to_have_count(0)
        phone.assert_clean()
