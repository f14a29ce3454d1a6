"""The HTML joint agenda in a real browser: Debian's Chromium, driven by Playwright.

The document is served from a made-up origin through Playwright's request routing,
so every request the page makes is seen: the only one allowed is the document
itself. Nothing may fail, nothing may log an error (a Content-Security-Policy
violation would), no script may run, and printing gives a multi-page PDF on both
A4 and Letter paper.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import playwright.async_api as playwright_api
import pytest

from scripted import scripted_workshop
from workshop.export import to_html

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")  # installed by `make test`
ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
URL = "http://joint-agenda.test/document.html"

@pytest.fixture(scope="module")
def html() -> str:
    return to_html(scripted_workshop())


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
        "() => ({scripts: document.scripts.length, images: document.images.length,"
        " svgs: document.querySelectorAll('svg').length, h2: document.querySelectorAll('h2').length})"
    )
    assert counts["scripts"] == 0 and counts["images"] == 0
    assert counts["svgs"] == 8  # bars for the three votes, the poll, the budget, the pulse shift and the confidence; the 2×2 plot


async def test_hostile_names_show_as_text_in_the_page(browser, html):
    page, _ = await _open(browser, html)
    body = await page.inner_text("body")
    for text in ("<script>alert(1)</script>", "[bold]Rich[/bold]", "| pipe | name", "**stars**", "# heading"):
        assert text in body


@pytest.mark.parametrize("paper", ["A4", "Letter"])
async def test_printing_gives_a_multi_page_pdf(browser, html, paper):
    page, visit = await _open(browser, html)
    pdf = await page.pdf(format=paper)
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) > 1
    assert visit.requests == [URL]


async def test_nothing_is_wider_than_the_printed_page(browser, html):
    page, _ = await _open(browser, html)
    await page.emulate_media(media="print")
    await page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    overflow = await page.evaluate(
        "() => [...document.querySelectorAll('table, svg, figure')]"
        ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"
    )
    assert overflow == 0
