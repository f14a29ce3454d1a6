"""Breakout drafting on a real phone page (Chromium) against a real room on
127.0.0.1: the full-day agenda's joint initiatives, where each initiative's
champions are its table and write its draft from their phones.

The harness (a phone per browser context, console errors fail the test) is the one
of test_phone_browser.py.
"""

from __future__ import annotations

from playwright.async_api import expect

from tests.roomkit import running_room, until
from tests.test_phone_browser import HOSTILE, Phone, browser, open_exercise, state  # noqa: F401 - `browser` is a fixture
from workshop import commands as c


async def test_a_table_writes_its_initiative_from_a_phone_and_the_room_sees_it(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, template="full-day-alignment") as room:
        ann, mo = await Phone.open(browser, room), await Phone.open(browser, room)
        await ann.join("Ann", "IT")
        await mo.join("Mo", "Marketing")
        await open_exercise(room, "joint-initiatives")
        outcome = await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title="Loyalty app"))
        loyalty = outcome.events[0].body.initiative.id
        page = ann.page
        await expect(page.get_by_text("Breakouts: champion one initiative to join its table")).to_be_visible()
        await expect(page.get_by_text("Your table's draft")).to_have_count(0)  # not at a table yet

        await page.get_by_role("button", name="I'll champion this — Loyalty app").click()
        await expect(page.get_by_text("Your table's draft")).to_be_visible()
        save = page.get_by_role("button", name="Save draft")
        await expect(save).to_be_disabled()  # nothing written yet
        await page.get_by_label("Shared KPI", exact=True).fill("Repeat purchase rate")
        await page.get_by_label("Time frame", exact=True).fill("Pilot in Q3")
        await page.get_by_label("IT lead", exact=True).fill("Ann")
        await page.get_by_label("Marketing lead", exact=True).fill("Mo")
        await page.get_by_label("First step", exact=True).fill(HOSTILE)
        await expect(page.get_by_text("Not saved yet")).to_be_visible()
        await ann.shot("80-breakout-draft")
        await save.click()
        await expect(page.get_by_text("Draft saved.")).to_be_visible()

        def written():
            return state(room, "joint-initiatives").initiatives[loyalty]

        await until(lambda: written().first_step == HOSTILE)
        assert (written().kpi, written().timeframe, written().it_lead, written().marketing_lead) == ("Repeat purchase rate", "Pilot in Q3", "Ann", "Mo")
        # Mo is at no table: no form, but the draft as the table wrote it, as text.
        card = mo.card("Loyalty app")
        await expect(card.get_by_text(HOSTILE)).to_be_visible()
        await expect(mo.page.get_by_text("Your table's draft")).to_have_count(0)

        # Complete, so the facilitator can agree it; then only the facilitator changes it.
        await room.facilitate(c.SetInitiativeStatus(exercise="joint-initiatives", initiative=loyalty, status="agreed"))
        await expect(page.get_by_text("Your table's draft")).to_have_count(0)
        await expect(ann.card("Loyalty app").get_by_text("Agreed", exact=True)).to_be_visible()
        ann.assert_clean()
        mo.assert_clean()


async def test_a_candidate_drafted_into_an_initiative_is_listed_once(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path, min_answers=1) as room:
        ann = await Phone.open(browser, room)
        await ann.join("Ann", "IT")
        await open_exercise(room, "customer-first")
        for text in ("One view of the customer", "Offers that follow the customer"):
            await room.facilitate(c.SubmitIdea(exercise="customer-first", text=text))
        await open_exercise(room, "shared-objectives")
        await open_exercise(room, "joint-initiatives")
        first, *others = state(room, "joint-initiatives").items
        assert others, "the candidates come from the objectives"
        await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title=first.text, source_item=first.id))
        page = ann.page
        await expect(page.get_by_role("heading", name="Other candidates")).to_be_visible()
        await expect(page.locator(".card", has=page.locator(".q", has_text=first.text))).to_have_count(1)
        await expect(ann.card(others[0].text)).to_be_visible()
        ann.assert_clean()


async def test_an_anonymous_phone_is_asked_for_a_name_before_it_champions(tmp_path, browser):  # noqa: F811
    """Champions are named in the joint agenda: someone who joined without a name is
    shown the name form with the reason, and champions once named — never as
    'someone who gave no name'."""
    async with running_room(tmp_path, min_answers=1) as room:
        ann = await Phone.open(browser, room)
        pid = await ann.join("", "IT")
        await open_exercise(room, "joint-initiatives")
        await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title="Loyalty pilot"))
        page = ann.page
        await page.get_by_role("button", name="I'll champion this — Loyalty pilot").click()
        await expect(page.get_by_text("Champions are named in the joint agenda")).to_be_visible()
        assert state(room, "joint-initiatives").volunteers == {}
        await page.get_by_label("Your name").fill("Ann")
        await page.get_by_role("button", name="Save").click()
        await until(lambda: room.workshop.session.participants[pid].name == "Ann")
        await page.get_by_role("button", name="I'll champion this — Loyalty pilot").click()
        await until(lambda: any(pid in people for people in state(room, "joint-initiatives").volunteers.values()))
        ann.assert_clean()
