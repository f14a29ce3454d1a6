"""What the phone page tells a participant about who sees their answers, in a real
Chromium against a real room on 127.0.0.1 (see test_phone_browser for the set-up).

- Before anyone answers, each exercise says its identity level in one line.
- The join screen says what the name is used for.
- Where results show, a side with fewer than `min_answers` answers is named as
  withheld, with the reason, instead of showing its figures.
"""

from __future__ import annotations

from playwright.async_api import expect

from tests.roomkit import PhoneClient, running_room
from tests.test_phone_browser import Phone, browser, open_exercise, state  # noqa: F401  (browser: the fixture)
from workshop import commands as c

IDENTITY_LINES = {
    "anonymous": "Anonymous: nobody, not even the facilitator, sees who answered.",
    "side": "Shown with your team, never your name.",
    "named": "Your name will appear with your answer in the joint agenda.",
}
NAME_USE = (
    "Your name is shown only where an exercise says so (like volunteering to champion an initiative); "
    "elsewhere answers show your team or nobody."
)


def identity_of(room, exercise_id: str) -> str:
    return next(e.identity for e in room.workshop.session.template.exercises if e.id == exercise_id)


async def test_the_join_screen_says_what_the_name_is_used_for(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        page = phone.page
        await expect(page.get_by_role("button", name="IT", exact=True)).to_be_visible()
        line = page.locator('[data-key="name-use"]')
        await expect(line).to_have_text(NAME_USE)
        await expect(line).to_be_visible()
        # The field points at the line, so a screen reader reads it with the field.
        await expect(page.get_by_label("Your name")).to_have_attribute("aria-describedby", "name-use")
        await expect(page.get_by_label("Your name")).to_have_attribute("placeholder", "Leave blank to stay anonymous")
        await phone.shot("p01-join-name-use")
        phone.assert_clean()


async def test_each_exercise_says_who_will_see_an_answer_before_anyone_answers(tmp_path, browser):  # noqa: F811
    async with running_room(tmp_path) as room:
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "IT")
        page = phone.page
        for exercise_id, identity, shot in (
            ("check-in", "anonymous", "p10-identity-anonymous"),
            ("customer-first", "side", "p11-identity-side"),
            ("joint-initiatives", "named", "p12-identity-named"),
        ):
            assert identity_of(room, exercise_id) == identity, "the default agenda changed"
            await open_exercise(room, exercise_id)
            title = next(e.title for e in room.workshop.session.template.exercises if e.id == exercise_id)
            await expect(page.get_by_role("heading", level=1)).to_have_text(title)
            line = page.locator('[data-key="identity"]')
            await expect(line).to_have_count(1)
            await expect(line).to_have_text(IDENTITY_LINES[identity])
            await expect(line).to_be_visible()
            await expect(line).to_have_class("identity muted small")
            assert not state(room, exercise_id).scores and not state(room, exercise_id).ideas  # nobody has answered yet
            await expect(page.get_by_text("names are never shown")).to_have_count(0)
            await phone.shot(shot)
            await room.facilitate(c.Close(exercise=exercise_id))
        phone.assert_clean()


async def test_a_side_with_too_few_answers_is_named_as_withheld_in_the_results(tmp_path, browser):  # noqa: F811
    """k = 3 (the template's `min_answers`): three IT people answer, one in Marketing
    (the browser phone) and one in Other, so Marketing and Other are withheld and IT
    is not."""
    async with running_room(tmp_path) as room:
        assert room.workshop.session.template.min_answers == 3
        phone = await Phone.open(browser, room)
        await phone.join("Ann", "Marketing")
        page = phone.page
        scripted = [PhoneClient(room) for _ in range(4)]
        try:
            for client, side in zip(scripted, ("it", "it", "it", "other")):
                await client.connect()
                await client.join("", side)
            await open_exercise(room, "check-in")
            items = [(i.id, i.text) for i in state(room, "check-in").items]
            await expect(page.locator('[data-key="withheld"]')).to_have_count(0)  # not while answering
            for client in scripted:
                for item, _ in items:
                    ack = await client.act({"type": "rate", "exercise": "check-in", "item": item, "value": 4})
                    assert ack["type"] == "ack", ack
            for _, text in items:
                await phone.card(text).get_by_role("radio", name="2 of 5").click()
            await expect(page.get_by_text("5 of 5 have rated")).to_be_visible()

            await room.facilitate(c.Close(exercise="check-in"))  # reveal = on_close
            await expect(page.get_by_text("Results", exact=True)).to_be_visible()
            line = page.locator('[data-key="withheld"]')
            await expect(line).to_have_text("Marketing and Other: fewer than 3 answers each, so their figures are not shown.")
            await expect(line).to_be_visible()
            await phone.shot("p20-withheld")

            # One side short: the sentence for one side.
            await open_exercise(room, "check-out")
            items = [(i.id, i.text) for i in state(room, "check-out").items]
            for client in scripted[:3]:
                for item, _ in items:
                    await client.act({"type": "rate", "exercise": "check-out", "item": item, "value": 3})
            for _, text in items:
                await phone.card(text).get_by_role("radio", name="5 of 5").click()
            await expect(page.get_by_text("4 of 5 have rated")).to_be_visible()
            await room.facilitate(c.Close(exercise="check-out"))
            await expect(page.locator('[data-key="withheld"]')).to_have_text("Marketing: fewer than 3 answers, so its figures are not shown.")
        finally:
            for client in scripted:
                await client.close()
        phone.assert_clean()
