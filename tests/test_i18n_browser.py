"""The phone page and the projector in each language, in a real Chromium against a
real room (the harness of test_phone_browser: any console error, page error or
failed request fails a test).

A browser context's `locale` is what a phone's language setting is to the page
(`navigator.languages`). The expected words are read from the catalogues themselves,
so these tests check that the page speaks the catalogue of the phone's language, and
formats numbers the language's way ("3,5" in German), not the wording itself.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright, expect

from tests.faultkit import write_template
from tests.roomkit import PhoneClient, running_room
from tests.test_phone_browser import ARGS, HOST, Phone, side_row
from workshop import commands as c

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CATALOGUES = Path(__file__).resolve().parent.parent / "workshop" / "web" / "i18n"
LOCALES = {"en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES"}
DECIMALS = {"en": ("3.5", "3.0"), "de": ("3,5", "3,0"), "fr": ("3,5", "3,0"), "es": ("3,5", "3,0")}
"""A mean of 3.5 and a gap of 3 points, as each language writes them."""


def words(lang: str) -> dict[str, str]:
    return json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))


def say(lang: str, key: str, **values) -> str:
    """A catalogue's sentence with its `{placeholders}` filled in."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), words(lang)[key])


@pytest.fixture
async def browser():
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def open_phone(browser, room, locale: str, url: str | None = None) -> Phone:
    """A phone whose language setting is `locale`."""
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=1, reduced_motion="reduce", locale=locale
    )
    phone = Phone(room, await context.new_page())
    await phone.page.goto(url or phone.url)
    return phone


async def join(phone: Phone, lang: str, side: str = "IT") -> None:
    page = phone.page
    await page.get_by_role("button", name=side, exact=True).click()
    await expect(page.locator("#conn")).to_have_text(words(lang)["conn.connected"])


async def page_language(phone: Phone) -> str:
    return await phone.page.evaluate("document.documentElement.lang")


# ------------------------------------------------------------------ each language


@pytest.mark.parametrize("lang", list(LOCALES))
async def test_a_phone_speaks_its_language_from_joining_to_a_result(tmp_path, browser, lang):
    mean, gap = DECIMALS[lang]
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await open_phone(browser, room, LOCALES[lang])
        page = phone.page
        # The join screen, in the phone's language, with the switcher showing it chosen.
        await expect(page.get_by_text(words(lang)["join.side"], exact=True)).to_be_visible()
        await expect(page.get_by_text(words(lang)["join.eyebrow"], exact=True)).to_be_visible()
        assert await page_language(phone) == lang
        switcher = page.get_by_role("group", name=words(lang)["language.label"])
        await expect(switcher.locator(f'button[lang="{lang}"]')).to_have_attribute("aria-pressed", "true")
        await expect(switcher.get_by_role("button")).to_have_text(["English", "Deutsch", "Français", "Español"])
        await phone.shot(f"i18n-{lang}-01-join")

        await join(phone, lang)
        await expect(page.get_by_text(words(lang)["pending.eyebrow"], exact=True)).to_be_visible()
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")

        # A scale: its controls, then its result with the language's decimals.
        await room.facilitate(c.Open(exercise="check-in"))
        statement = room.workshop.session.exercises["check-in"].items[0]
        card = phone.card(statement.text)
        await expect(page.get_by_text(say(lang, "step", step=2, steps=len(room.workshop.session.template.exercises)))).to_be_visible()
        await expect(page.get_by_text(say(lang, "done.rated.one" if lang == "fr" else "done.rated.other", n=0, present=2))).to_be_visible()
        await card.get_by_role("radio", name=say(lang, "scale.value", v=5, max=5)).click()
        await expect(card.get_by_role("radio", name=say(lang, "scale.value", v=5, max=5))).to_have_attribute("aria-checked", "true")
        await bo.act({"type": "rate", "exercise": "check-in", "item": statement.id, "value": 2})
        await expect(page.get_by_text(say(lang, "done.rated.other", n=2, present=2))).to_be_visible()
        await phone.shot(f"i18n-{lang}-02-scale")

        await room.facilitate(c.Close(exercise="check-in"))
        await expect(page.get_by_text(words(lang)["results.eyebrow"], exact=True)).to_be_visible()
        await expect(side_row(card, words(lang)["side.all"])).to_contain_text(mean)
        await expect(card.locator(".gap")).to_have_text(
            words(lang)["gap.badge"] + say(lang, "scale.higher", higher="IT", size=gap, lower="Marketing")
        )
        people = say(lang, "people.other", n=2)
        await expect(page.get_by_text(say(lang, "scale.summary", max=5, people=people))).to_be_visible()
        await phone.shot(f"i18n-{lang}-03-scale-results")
        phone.assert_clean()


async def test_a_dot_vote_and_its_gap_sentence_in_german(tmp_path, browser):
    """The flag sentence a phone builds from the result's figures, with German percentages."""
    async with running_room(tmp_path, min_answers=1) as room:
        phone = await open_phone(browser, room, "de-DE")
        await join(phone, "de")
        bo = PhoneClient(room)
        await bo.connect()
        await bo.join("Bo", "marketing")
        await room.facilitate(c.Open(exercise="where-we-win"))
        items = room.workshop.session.exercises["where-we-win"].items
        mine, theirs = items[0], items[1]
        page = phone.page
        await expect(page.get_by_text(say("de", "dotvote.left.other", n=5))).to_be_visible()
        for left in (4, 3):
            await page.get_by_role("button", name=say("de", "dotvote.give", item=mine.text)).click()
            await expect(page.get_by_text(say("de", "dotvote.left.other", n=left))).to_be_visible()
        await bo.act({"type": "vote", "exercise": "where-we-win", "item": theirs.id})
        await room.facilitate(c.Close(exercise="where-we-win"))
        sentence = say("de", "dotvote.flag", a="IT", pa="100\u00a0%", b="Marketing", pb="0\u00a0%")
        await expect(phone.card(mine.text).locator(".gap")).to_have_text(words("de")["gap.badge"] + sentence)
        await expect(page.get_by_text(say("de", "dotvote.summary", dots=say("de", "dot.other", n=3), people=say("de", "people.other", n=2)))).to_be_visible()
        phone.assert_clean()


OPTIONS = ["Loyalty app", "One customer view", "Faster launches"]
EVERY_KIND = [
    {"id": "scale", "kind": "scale", "title": "Scale", "prompt": "Rate it.", "statements": OPTIONS[:2]},
    {"id": "ideas", "kind": "brainstorm", "title": "Ideas", "prompt": "Add ideas.", "reveal": "live"},
    {"id": "dots", "kind": "dotvote", "title": "Dots", "prompt": "Spend dots.", "options": OPTIONS, "allow_add": True},
    {"id": "poll", "kind": "poll", "title": "Poll", "prompt": "Pick.", "options": OPTIONS, "multi": True, "other": True},
    {"id": "split", "kind": "allocate", "title": "Split", "prompt": "Split it.", "options": OPTIONS[:2]},
    {"id": "grid", "kind": "matrix", "title": "Grid", "prompt": "Place them.", "options": OPTIONS[:2]},
    {"id": "who", "kind": "ownership", "title": "Who", "prompt": "Who leads?", "rows": OPTIONS[:2]},
    {"id": "order", "kind": "rank", "title": "Order", "prompt": "Order them.", "options": OPTIONS},
    {"id": "plan", "kind": "initiatives", "title": "Plan", "prompt": "Champion one.", "options": OPTIONS[:2], "identity": "named"},
]


FLAGGED = {"scale", "dots", "poll", "split", "grid", "who"}
"""The exercises where the two scripted sides disagree enough for a flag (three items
cannot be ranked the three places apart a rank's flag needs)."""


def answers(exercise: str, items: list[str], lean: int) -> list[dict]:
    """What a scripted phone sends in each kind of exercise; `lean` 0 or 1 makes the
    two sides disagree, so that results have gaps and flags to draw."""
    on = {"exercise": exercise}
    if exercise == "ideas":
        return [{"type": "submit_idea", **on, "text": f"Idea from side {lean}"}]
    first, second = (items[0], items[1]) if lean == 0 else (items[1], items[0])
    high, low = (5, 1) if lean == 0 else (1, 5)
    return {
        "scale": [{"type": "rate", **on, "item": items[0], "value": 5 if lean == 0 else 2}],
        "dots": [{"type": "vote", **on, "item": first}] * 2,
        "poll": [{"type": "pick", **on, "items": [first], "other": "Something else" if lean else ""}],
        "split": [{"type": "allocate", **on, "points": {first: 75, second: 25}}],
        "grid": [{"type": "place", **on, "item": items[0], "x": high, "y": low}],
        "who": [{"type": "choose_owner", **on, "item": items[0], "choice": lean}],
        "order": [{"type": "pick", **on, "items": items if lean == 0 else list(reversed(items))}],
        "plan": [{"type": "volunteer", **on, "target": first}, {"type": "comment", **on, "target": first, "text": "Start small"}],
    }[exercise]


@pytest.mark.parametrize("lang", ["de", "fr", "es"])
async def test_every_kind_draws_its_controls_and_results_in_the_phones_language(tmp_path, browser, lang):
    """Nothing is asked of the catalogue that it does not have (a console error), and
    no screen of any kind is left with an English word of the page's own."""
    template = write_template(tmp_path, "every-kind", EVERY_KIND)
    async with running_room(tmp_path, str(template), min_answers=1) as room:
        phone = await open_phone(browser, room, LOCALES[lang])
        await join(phone, lang)
        others = [PhoneClient(room), PhoneClient(room)]
        for other, side in zip(others, ("it", "marketing"), strict=True):
            await other.connect()
            await other.join("", side)
        page = phone.page
        english = {text for key, text in words("en").items() if len(text.split()) > 2 and "{" not in text}
        for step, exercise in enumerate(EVERY_KIND, start=1):
            ex = exercise["id"]
            await room.facilitate(c.Open(exercise=ex))
            await expect(page.get_by_text(say(lang, "step", step=step, steps=len(EVERY_KIND)))).to_be_visible()
            await expect(page.locator(f".inputs.kind-{exercise['kind']}, .kind-{exercise['kind']} .inputs").first).to_be_visible()
            if ex == "plan":
                await room.facilitate(c.DraftInitiative(exercise=ex, title="Pilot"))
            items = [item.id for item in room.workshop.session.exercises[ex].items]
            for lean, other in enumerate(others):
                for command in answers(ex, items, lean):
                    await other.act(command)
            await phone.shot(f"i18n-{lang}-kind-{ex}-input")
            await room.facilitate(c.Close(exercise=ex))
            await expect(page.locator(".results")).to_be_visible()
            await expect(page.locator(".results")).not_to_be_empty()
            if ex in FLAGGED:
                await expect(page.locator(".results .gap.flagged").first).to_be_visible()
            await phone.shot(f"i18n-{lang}-kind-{ex}-results")
            shown = await page.inner_text("main")
            left = sorted(text for text in english if text in shown)
            assert not left, f"{ex}: English left on a {lang} phone: {left}"
        phone.assert_clean()


# ------------------------------------------------------------------ the room's own sentences


def server(lang: str, key: str, **values) -> str:
    """A sentence of the room (`workshop.sentences`) as a phone in `lang` says it."""
    return say(lang, f"server.{key}", **values)


async def test_a_german_phone_is_told_why_it_cannot_join_in_german(tmp_path, browser):
    """Refusals carry a key and args beside the English reason; the page says them in
    its language, the args (a number here) filled in the language's way."""
    async with running_room(tmp_path) as room:
        code = room.workshop.session.room_code
        phone = await open_phone(browser, room, "de-DE")
        page = phone.page
        # A phone whose token the room does not know (a session started again): asked to join anew.
        await page.evaluate(f"localStorage.setItem('commonground.token.{code}', 'not-a-real-token')")
        await page.reload()
        await expect(page.get_by_text(server("de", "need_join.gone"), exact=True)).to_be_visible()
        assert await page_language(phone) == "de"
        # Kept as the room sent it, so a switch of language says it again in the new one.
        await page.locator('.langs button[lang="fr"]').click()
        await expect(page.get_by_text(server("fr", "need_join.gone"), exact=True)).to_be_visible()
        await page.locator('.langs button[lang="de"]').click()
        await expect(page.get_by_text(server("de", "need_join.gone"), exact=True)).to_be_visible()

        await room.facilitate(c.LockRoom(locked=True))
        await page.get_by_role("button", name="IT", exact=True).click()
        await expect(page.get_by_text(server("de", "room_locked"), exact=True)).to_be_visible()
        assert not await page.get_by_text(words("en")["server.room_locked"]).count()
        assert await page_language(phone) == "de"
        await phone.shot("i18n-de-refused-locked")

        await room.facilitate(c.LockRoom(locked=False))
        room.workshop.session.max_participants = 2
        for side in ("it", "marketing"):
            other = PhoneClient(room)
            await other.connect()
            await other.join("", side)
        await page.get_by_role("button", name="IT", exact=True).click()
        await expect(page.get_by_text(server("de", "room_full", most=2), exact=True)).to_be_visible()
        await phone.shot("i18n-de-refused-full")
        phone.assert_clean()


SAY = """async ([msg, fallback]) => {
    const i18n = await import("/i18n.js");
    await i18n.ready;
    return i18n.say(msg, fallback);
}"""


async def test_say_fills_in_args_as_text_and_falls_back_to_the_rooms_english(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await open_phone(browser, room, "de-DE")
        page = phone.page
        await expect(page.get_by_text(words("de")["join.side"], exact=True)).to_be_visible()
        said = await page.evaluate(SAY, [{"key": "room_full", "args": {"most": 1000}, "reason": "The room is full (1000 people)."}, None])
        assert said == server("de", "room_full", most="1.000")
        hostile = "<img src=x onerror=alert(1)> {title}"
        said = await page.evaluate(SAY, [{"key": "not_champion", "args": {"title": hostile}, "reason": "x"}, None])
        assert said == server("de", "not_champion", title=hostile)  # as text, and not looked up again
        # A key this page does not know (a newer room), or none (a facilitator's sentence): the English reason.
        assert await page.evaluate(SAY, [{"key": "from.a.newer.room", "args": {}, "reason": "Newer words."}, None]) == "Newer words."
        assert await page.evaluate(SAY, [{"reason": "Only English."}, None]) == "Only English."
        assert await page.evaluate(SAY, [{}, "Fallback."]) == "Fallback."
        phone.assert_clean()


async def test_a_french_phone_hears_the_door_in_french(tmp_path, browser):
    """A refused websocket is not told why; the page asks /door, whose answer carries
    its key: a wrong room code, and a room full of connections."""
    async with running_room(tmp_path) as room:
        wrong = await open_phone(browser, room, "fr-FR", f"http://{HOST}:{room.port}/?room=WRONG1")
        wrong.allowed.append(re.compile(r"WebSocket connection to .* failed"))
        await expect(wrong.page.get_by_role("heading", level=1)).to_have_text(words("fr")["fatal.title"])
        await expect(wrong.page.get_by_text(server("fr", "door.wrong_code"), exact=True)).to_be_visible()
        assert await page_language(wrong) == "fr"
        await wrong.shot("i18n-fr-door-wrong-code")
        wrong.assert_clean()

        room.max_connections = 0
        full = await open_phone(browser, room, "fr-FR")
        full.allowed.append(re.compile(r"WebSocket connection to .* failed"))
        await expect(full.page.locator("#toast")).to_have_text(server("fr", "door.room_full"))
        assert await page_language(full) == "fr"
        await full.shot("i18n-fr-door-full")
        full.assert_clean()


# ------------------------------------------------------------------ choosing a language


async def test_the_switcher_changes_the_language_and_the_phone_remembers_it(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await open_phone(browser, room, "en-US")
        page = phone.page
        await expect(page.get_by_text(words("en")["join.side"], exact=True)).to_be_visible()
        await page.locator('.langs button[lang="de"]').click()
        await expect(page.get_by_text(words("de")["join.side"], exact=True)).to_be_visible()
        await expect(page.get_by_label(words("de")["join.name"].strip())).to_have_attribute("placeholder", words("de")["join.placeholder"])
        assert await page_language(phone) == "de"
        await expect(page.locator('.langs button[lang="de"]')).to_have_attribute("aria-pressed", "true")
        await expect(page.locator('.langs button[lang="en"]')).to_have_attribute("aria-pressed", "false")

        await page.reload()
        await expect(page.get_by_text(words("de")["join.side"], exact=True)).to_be_visible()
        assert await page_language(phone) == "de"
        await join(phone, "de")
        await expect(page.get_by_text(words("de")["pending.eyebrow"], exact=True)).to_be_visible()

        # Back to English from a fresh load of the join screen (a new phone in the same browser).
        await page.evaluate("localStorage.removeItem('commonground.token.' + new URLSearchParams(location.search).get('room'))")
        await page.reload()
        await page.locator('.langs button[lang="en"]').click()
        await expect(page.get_by_text(words("en")["join.side"], exact=True)).to_be_visible()
        assert await page_language(phone) == "en"
        phone.assert_clean()


async def test_a_phone_falls_back_to_english_for_a_language_the_page_does_not_speak(tmp_path, browser):
    async with running_room(tmp_path) as room:
        phone = await open_phone(browser, room, "it-IT")
        await expect(phone.page.get_by_text(words("en")["join.side"], exact=True)).to_be_visible()
        assert await page_language(phone) == "en"
        phone.assert_clean()


# ------------------------------------------------------------------ the template's own words

TRANSLATED = """
title = "Translated pulse"

[[exercises]]
id = "pulse"
kind = "scale"
title = "Pulse"
prompt = "How do things stand today?"
statements = ["We work well together", "We share our goals"]
labels = ["Not at all", "Completely"]

[[exercises]]
id = "who"
kind = "ownership"
title = "Who leads"
prompt = "Who should lead each of these?"
rows = ["Data privacy"]
choices = ["CIO", "CMO", "Both"]

[translations.de]
sides = { marketing = "Vertrieb & Marketing" }

[translations.de.exercises.pulse]
title = "Puls"
prompt = "Wie steht es heute?"
statements = ["Wir arbeiten gut zusammen", "Wir teilen unsere Ziele"]
labels = ["Gar nicht", "Völlig"]

[translations.de.exercises.who]
rows = ["Datenschutz"]
choices = ["CIO", "CMO", "Beide"]
"""


async def test_a_templates_own_translation_shows_on_a_german_phone_and_the_original_on_an_english_one(tmp_path, browser):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "translated.toml").write_text(TRANSLATED, encoding="utf-8")
    async with running_room(tmp_path, template=str(folder / "translated.toml"), min_answers=1) as room:
        german = await open_phone(browser, room, "de-DE")
        english = await open_phone(browser, room, "en-US")
        # The sides as the template translates them (and the product's default "Other" by the catalogue).
        await expect(german.page.get_by_role("button", name="Vertrieb & Marketing", exact=True)).to_be_visible()
        await expect(german.page.get_by_role("button", name="Andere", exact=True)).to_be_visible()
        await expect(english.page.get_by_role("button", name="Marketing", exact=True)).to_be_visible()
        await join(german, "de")
        await join(english, "en", "Marketing")

        await room.facilitate(c.Open(exercise="pulse"))
        await expect(german.page.get_by_role("heading", level=1)).to_have_text("Puls")
        await expect(german.page.get_by_text("Wie steht es heute?")).to_be_visible()
        await expect(german.page.locator(".card .q")).to_have_text(["Wir arbeiten gut zusammen", "Wir teilen unsere Ziele"])
        await expect(german.page.get_by_role("radio", name=say("de", "scale.value-end", v=5, max=5, end="Völlig")).first).to_be_visible()
        await expect(english.page.get_by_role("heading", level=1)).to_have_text("Pulse")
        await expect(english.page.get_by_text("How do things stand today?")).to_be_visible()
        await expect(english.page.locator(".card .q")).to_have_text(["We work well together", "We share our goals"])

        await german.card("Wir arbeiten gut zusammen").get_by_role("radio", name=say("de", "scale.value", v=4, max=5)).click()
        await english.card("We work well together").get_by_role("radio", name="2 of 5").click()
        await expect(english.page.get_by_text("2 of 2 have rated")).to_be_visible()
        await room.facilitate(c.Close(exercise="pulse"))
        # Results carry the original text; each phone shows its own language's.
        await expect(side_row(german.card("Wir arbeiten gut zusammen"), "Vertrieb & Marketing")).to_contain_text("2,0")
        await expect(side_row(english.card("We work well together"), "Marketing")).to_contain_text("2.0")

        await room.facilitate(c.Open(exercise="who"))
        beide = german.card("Datenschutz").get_by_role("button", name=say("de", "ownership.choice-for", choice="Beide", item="Datenschutz"))
        both = english.card("Data privacy").get_by_role("button", name="Both: Data privacy")
        await beide.click()
        await both.click()
        await expect(english.page.get_by_text("2 of 2 have answered")).to_be_visible()
        await room.facilitate(c.Close(exercise="who"))
        await expect(german.card("Datenschutz")).to_contain_text(say("de", "ownership.agreed", choice="Beide"))
        await expect(english.card("Data privacy")).to_contain_text("Agreed: Both")
        german.assert_clean()
        english.assert_clean()


# ------------------------------------------------------------------ the projector


async def test_the_projector_speaks_the_language_of_its_browser_or_of_its_address(tmp_path, browser):
    async with running_room(tmp_path, min_answers=1) as room:
        url = room.screens.url().replace(room.join_url.split("/?")[0], f"http://127.0.0.1:{room.port}")
        context = await browser.new_context(viewport={"width": 1920, "height": 1080}, locale="de-DE")
        wall = await context.new_page()
        problems: list[str] = []
        wall.on("console", lambda m: m.type == "error" and problems.append(m.text))
        wall.on("pageerror", lambda e: problems.append(str(e)))
        await wall.goto(url)
        await expect(wall.get_by_text(words("de")["screen.code"], exact=True)).to_be_visible()
        await expect(wall.get_by_text(say("de", "screen.joined", people=say("de", "people.other", n=0)))).to_be_visible()
        assert await wall.evaluate("document.documentElement.lang") == "de"

        ann = PhoneClient(room)
        await ann.connect()
        await ann.join("Ann", "it")
        await expect(wall.get_by_text(say("de", "screen.joined", people=say("de", "people.one", n=1)))).to_be_visible()
        await room.facilitate(c.Open(exercise="check-in"))
        await expect(wall.locator("h1")).to_have_text("Check-in pulse")  # the template's words, as written
        await expect(wall.get_by_text(say("de", "done.rated.other", n=0, present=1))).to_be_visible()
        await expect(wall.get_by_text(words("de")["screen.answering"])).to_be_visible()
        statement = room.workshop.session.exercises["check-in"].items[0]
        await ann.act({"type": "rate", "exercise": "check-in", "item": statement.id, "value": 4})
        await room.facilitate(c.Close(exercise="check-in"))
        card = wall.locator(".card", has=wall.locator(".q", has_text=statement.text))
        await expect(side_row(card, words("de")["side.all"])).to_contain_text("4,0")

        french = await context.new_page()
        french.on("console", lambda m: m.type == "error" and problems.append(m.text))
        await french.goto(url + "&lang=fr")
        await expect(french.get_by_text(say("fr", "done.rated.one", n=1, present=1))).to_be_visible()  # 1 is singular in French
        assert await french.evaluate("document.documentElement.lang") == "fr"
        assert problems == []
        await context.close()
