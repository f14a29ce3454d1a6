"""The HTML joint agenda in a real browser: Debian's Chromium, driven by Playwright.

The document is served from a made-up origin through Playwright's request routing,
so every request the page makes is seen: the only one allowed is the document
itself. Nothing may fail, nothing may log an error (a Content-Security-Policy
violation would), no script may run; the joint agenda of a 30-person day prints on
at most six pages of A4 and of Letter, and its annex holds the charts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import playwright.async_api as playwright_api
import pytest

from scripted import scripted_workshop
from workshop.export import annex_html, to_html

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")  # installed by `make test`
ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
URL = "http://joint-agenda.test/document.html"

@pytest.fixture(scope="module")
def html() -> str:
    return to_html(scripted_workshop())


@pytest.fixture(scope="module")
def annex() -> str:
    return annex_html(scripted_workshop())


@pytest.fixture(scope="module")
def full_day() -> str:
    """The joint agenda of the scripted morning with 30 people (`tests/golden/joint-agenda-30.html`)."""
    return to_html(scripted_workshop(people=30))


MAX_PAGES = 6
"""DESIGN §4: the main document prints on at most six pages."""
A4_PRINTABLE = round((210 - 24) / 25.4 * 96)
"""The width of A4 inside the document's 12 mm page margins, in CSS pixels (Letter is wider)."""


class Visit:
    """One page load of the document, with everything the browser reported."""

    def __init__(self):
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []


async def _open(browser, html: str):
    visit = Visit()
    page = await browser.new_page()
    page.on("console", lambda message: visit.console.append((message.type, message.text)))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("requestfailed", lambda request: visit.failed.append(request.url))

    async def on_dialog(dialog):
        visit.dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", on_dialog)

    async def route(route):
        visit.requests.append(route.request.url)
        if route.request.url == URL:
            await route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        else:
            await route.abort()

    await page.route("**/*", route)
    response = await page.goto(URL, wait_until="load")
    assert response is not None and response.ok
    return page, visit


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as p:
        launched = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


async def test_the_document_loads_nothing_but_itself_and_logs_no_error(browser, html):
    page, visit = await _open(browser, html)
    await page.wait_for_timeout(200)
    assert visit.requests == [URL]
    assert visit.failed == []
    assert [m for m in visit.console if m[0] in ("error", "warning")] == []
    assert visit.errors == []
    assert visit.dialogs == []  # the names and ideas that say alert(...) stayed text
    counts = await page.evaluate(
        "() => ({scripts: document.scripts.length, images: document.images.length, svgs: document.querySelectorAll('svg').length})"
    )
    assert counts == {"scripts": 0, "images": 0, "svgs": 0}  # the charts are in the annex


async def test_the_annex_draws_its_charts_and_loads_nothing_but_itself(browser, annex):
    page, visit = await _open(browser, annex)
    await page.wait_for_timeout(200)
    assert visit.requests == [URL] and visit.failed == [] and visit.errors == [] and visit.dialogs == []
    assert [m for m in visit.console if m[0] in ("error", "warning")] == []
    counts = await page.evaluate("() => ({scripts: document.scripts.length, svgs: document.querySelectorAll('svg').length})")
    # Bars for the four dot votes, the budget, the opening poll and the four scales (check-in, skills, the
    # shift, confidence); the 2×2 plot.
    assert counts == {"scripts": 0, "svgs": 11}


async def test_hostile_names_show_as_text_in_the_page(browser, html):
    page, _ = await _open(browser, html)
    body = await page.inner_text("body")
    for text in ("<script>alert(1)</script>", "[bold]Rich[/bold]", "| pipe | name", "**stars**", "# heading"):
        assert text in body


@pytest.mark.parametrize("paper", ["A4", "Letter"])
async def test_the_joint_agenda_of_a_30_person_day_prints_on_at_most_six_pages(browser, full_day, paper):
    page, visit = await _open(browser, full_day)
    pdf = await page.pdf(format=paper)
    assert pdf.startswith(b"%PDF")
    assert 4 <= _pages(pdf) <= MAX_PAGES  # more than a cover, no more than a CEO reads
    assert visit.requests == [URL]


@pytest.mark.parametrize("paper", ["A4", "Letter"])
async def test_the_8_person_joint_agenda_prints_on_at_most_six_pages_and_its_annex_on_more(browser, html, annex, paper):
    page, _ = await _open(browser, html)
    assert _pages(await page.pdf(format=paper)) <= MAX_PAGES
    page, _ = await _open(browser, annex)
    assert _pages(await page.pdf(format=paper)) > MAX_PAGES  # every input: what the joint agenda leaves out


@pytest.mark.parametrize("which", ["html", "annex", "full_day"])
async def test_nothing_is_wider_than_the_printed_page(browser, request, which):
    """Chromium shrinks the whole page to fit anything wider than the paper: every
    page would then hold more, in smaller type, and the page count would lie."""
    page, _ = await _open(browser, request.getfixturevalue(which))
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": A4_PRINTABLE, "height": 1000})
    overflow = await page.evaluate(
        "() => [...document.querySelectorAll('table, svg, figure, p, li')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.closest('[id]').id)"
    )
    assert overflow == []


PHONE = {"width": 390, "height": 844}
"""An iPhone 12–15 screen in CSS pixels: the published agenda is opened on phones."""

SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll('td, th, dd')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[\\p{L}\\p{N}]{2,24}/gu)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(word[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("which", ["html", "full_day", "annex"])
async def test_on_a_phone_the_joint_agenda_fits_the_screen_and_splits_no_word(browser, request, which):
    """The published agenda is read on phones: the page never scrolls sideways (a
    table of initiatives may, inside its own box), and no word of a table or of the
    cover's facts is cut across two lines — a row becomes a card instead of columns
    a letter wide."""
    page, _ = await _open(browser, request.getfixturevalue(which))
    await page.set_viewport_size(PHONE)
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert await page.evaluate(SPLIT_WORDS) == []
    if which == "annex":
        return
    # Each value of a card is still named: the column's title comes before it.
    label = await page.evaluate(
        "() => getComputedStyle(document.querySelector('#brief-initiatives td[data-label=\"Budget\"]'), '::before').content"
    )
    assert label == '"Budget: "'


async def test_on_a_wide_screen_and_on_paper_the_tables_keep_their_columns(browser, full_day):
    """Cards are for phones only: a laptop's window and the printed page show columns."""
    page, _ = await _open(browser, full_day)
    await page.set_viewport_size({"width": 1200, "height": 900})
    assert await page.evaluate("() => getComputedStyle(document.querySelector('table.cards td')).display") == "table-cell"
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await page.evaluate("() => getComputedStyle(document.querySelector('table.cards td')).display") == "table-cell"
