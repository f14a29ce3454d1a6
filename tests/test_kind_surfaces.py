"""The phone's side of "one activity kind, one place", and how the page is served.

Every kind the server knows (`workshop.activities.KINDS`) has its phone module
`workshop/web/kinds/<kind>.js`, which names the kind; the room lists them in the
`/kinds/all.js` it writes, which `web/kinds/index.js` registers; in a real Chromium, the registry holds every kind with
every surface the page draws. Every file of the page is served from memory with
the type of its suffix, and nothing else: a path that climbs out of web/ is 404.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import shutil
from pathlib import Path, PurePosixPath

import pytest
from playwright.async_api import async_playwright

from tests.roomkit import running_room
from workshop.activities import KINDS
from workshop.page import kinds_module, load_assets

WEB = Path(__file__).resolve().parent.parent / "workshop" / "web"
PHONE_KINDS = WEB / "kinds"
REGISTRY = PHONE_KINDS / "index.js"
KIND_MODULES = sorted(p for p in PHONE_KINDS.glob("*.js") if p != REGISTRY)
TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
}
"""What the page is made of, and the media type a browser must be told for each."""
SURFACES = """async () => {
    const { KINDS } = await import("/kinds/index.js");
    const out = {};
    for (const [key, kind] of Object.entries(KINDS)) {
        out[key] = {
            name: kind.name,
            input: typeof kind.input,
            results: typeof kind.results,
            done: kind.labels && typeof kind.labels.done === "string" && kind.labels.done.length > 0,
        };
    }
    return out;
}"""
"""Each registered kind's surfaces, as the page sees them."""


def served_kinds() -> dict[str, str]:
    """What the room's `/kinds/all.js` exports: binding → module file stem."""
    body = load_assets()["/kinds/all.js"].body.decode()
    return dict(re.findall(r'^export \* as (\w+) from "\./([\w-]+)\.js";$', body, re.M))


def declared_name(module: Path) -> str | None:
    found = re.search(r'^export const name = "([^"]*)";$', module.read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else None


# ------------------------------------------------------------------ one module per kind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_activity_kind_has_a_phone_module(kind):
    assert (PHONE_KINDS / f"{kind}.js").is_file(), f"The phone cannot draw {kind!r}: write workshop/web/kinds/{kind}.js (see kinds/index.js for its shape)."


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_module_is_in_the_list_the_room_serves(kind):
    assert served_kinds().get(kind) == kind, f"/kinds/all.js does not export ./{kind}.js"


def test_a_kind_without_a_phone_module_stops_the_room_at_start_and_names_the_file():
    with pytest.raises(RuntimeError) as refused:
        kinds_module(["scale", "survey"], {"scale.js", "index.js"})
    assert "workshop/web/kinds/survey.js" in str(refused.value)
    assert "scale.js" not in str(refused.value).split(":")[0]


@pytest.mark.parametrize("module", KIND_MODULES, ids=lambda p: p.name)
def test_every_module_in_kinds_names_the_kind_it_is_named_after(module):
    name = declared_name(module)
    assert name == module.stem, f'kinds/{module.name} should start with `export const name = "{module.stem}";`, found {name!r}.'
    assert name in KINDS, f"kinds/{module.name} names {name!r}, which is no activity kind (known: {', '.join(sorted(KINDS))})."


def test_the_registry_imports_only_the_list_the_room_writes():
    """kinds/index.js registers what all.js exports, so adding a kind edits neither."""
    imports = re.findall(r'^import .* from "([^"]+)";$', REGISTRY.read_text(encoding="utf-8"), re.M)
    assert imports == ["./all.js"]
    assert set(served_kinds().values()) == {p.stem for p in KIND_MODULES} == set(KINDS)


async def test_in_the_browser_every_kind_is_registered_with_every_surface(tmp_path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with running_room(tmp_path) as room, async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = await browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"http://127.0.0.1:{room.port}/")  # no room code: the page draws, connects nowhere
            await page.locator("h1").wait_for()
            surfaces = await page.evaluate(SURFACES)
        finally:
            await browser.close()
    assert not errors, errors  # the registry reports a malformed kind in the console
    assert sorted(surfaces) == sorted(KINDS)
    for kind, has in surfaces.items():
        assert has == {"name": kind, "input": "function", "results": "function", "done": True}, kind


# ------------------------------------------------------------------ serving


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_every_file_of_the_page_and_nothing_else_is_held_to_be_served():
    page = {"/" + p.relative_to(WEB).as_posix() for p in WEB.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert set(load_assets()) == page | {"/", "/kinds/all.js"}  # all.js: written from the registry
    assert all(PurePosixPath(path).suffix in TYPES for path in page), sorted(page)


async def test_every_asset_is_served_with_the_type_of_its_suffix(tmp_path):
    assets = load_assets()
    async with running_room(tmp_path) as room:
        for path, asset in assets.items():
            body = asset.body
            status, headers, served = await asyncio.to_thread(get, room.port, path)
            suffix = PurePosixPath(path).suffix or ".html"  # "/" is index.html
            assert status == 200, path
            assert headers["Content-Type"].split(";")[0] == TYPES[suffix], path
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert "script-src 'self'" in headers["Content-Security-Policy"], path
            assert served == body, path


@pytest.mark.parametrize(
    "path",
    [
        "/kinds/../room.py",
        "/kinds/../../pyproject.toml",
        "/kinds/%2e%2e/room.py",
        "/kinds/..%2froom.py",
        "/kinds/index.js/../../room.py",
        "/room.py",
        "/__init__.py",
        "/kinds",
        "/kinds/",
        "/KINDS/SCALE.JS",
        "/kinds/scale.py",
    ],
)
async def test_a_path_beside_or_above_the_page_is_not_found(tmp_path, path):
    async with running_room(tmp_path) as room:
        status, _, body = await asyncio.to_thread(get, room.port, path)
        assert status == 404 and body == b"Not found.", path


# ------------------------------------------------------------------ the modules


def test_every_import_and_link_of_the_page_is_served():
    """A mistyped import path would leave the page blank: catch it without a browser."""
    assets = load_assets()
    wanted: list[tuple[str, str]] = []
    for path, asset in assets.items():
        text = asset.body.decode("utf-8")
        if path.endswith(".js"):
            wanted += [(path, ref) for ref in re.findall(r'^\s*(?:import|export)\b[^"\n]*?from "([^"]+)";', text, re.M)]
        elif path.endswith(".html"):
            wanted += [(path, ref) for ref in re.findall(r'(?:src|href)="(/[^"]*)"', text)]
    assert any(ref == "/core.js" for _, ref in wanted)
    for source, ref in wanted:
        target = ref if ref.startswith("/") else str(PurePosixPath(source).parent / ref)
        resolved = "/" + "/".join(_normalised(PurePosixPath(target).parts[1:]))
        assert resolved in assets, f"{source} loads {ref}, which is not served"


def _normalised(parts: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part != ".":
            out.append(part)
    return out


@pytest.mark.parametrize("module", sorted(WEB.rglob("*.js")), ids=lambda p: p.relative_to(WEB).as_posix())
def test_no_module_turns_text_into_markup_or_code(module):
    """Participant text reaches the page only as text nodes (dom.js `h`)."""
    text = re.sub(r"/\*.*?\*/|//[^\n]*", "", module.read_text(encoding="utf-8"), flags=re.S)  # comments may name them
    sinks = re.findall(r"\b(?:innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\s*\(|new Function\b)", text)
    assert not sinks, f"{module.name} uses {sinks}"
