"""The phone page as the room serves it: every file under `web/`, read once from
package data, and the list of kind modules (`/kinds/all.js`) written from the
activity registry; and what a request's headers decide about a file (`held`,
`takes_gzip`). Pure data, no sockets: `room.py` answers requests from it.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .activities import KINDS

ASSET_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}
"""The phone page's files by suffix, with the type each is served as; no other file is served."""
COMPRESS_FROM = 512
"""Bytes from which a file is also kept gzipped (smaller ones gain nothing)."""


@dataclass(frozen=True)
class Asset:
    """One file of the page as the room serves it: its bytes, its type, a tag that
    changes when the bytes do (for `If-None-Match`, so that a phone reloading the page
    downloads nothing that did not change) and, when it pays, the bytes gzipped."""

    body: bytes
    kind: str
    etag: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, kind: str) -> Asset:
        packed = gzip.compress(body, compresslevel=9, mtime=0) if len(body) >= COMPRESS_FROM else None
        return cls(body, kind, hashlib.sha256(body).hexdigest()[:20], packed if packed is not None and len(packed) < len(body) else None)


def load_assets() -> dict[str, Asset]:
    """The phone page's files, read once from package data: URL path → `Asset`.

    Every file under web/, in folders too (`/kinds/scale.js`), whose suffix is in
    `ASSET_TYPES`, `/` for index.html, and `/kinds/all.js`, written here from the
    activity registry (`kinds_module`). A request is answered from this dict only,
    so no request path ever reaches the disk."""
    web = Path(__file__).resolve().parent / "web"
    paths = (p.relative_to(web) for p in web.rglob("*") if p.is_file())
    assets = {
        f"/{rel.as_posix()}": Asset.of((web / rel).read_bytes(), ASSET_TYPES[rel.suffix])
        for rel in sorted(paths)
        # Hidden files (an editor's, macOS's `._core.js`) are not the page's.
        if rel.suffix in ASSET_TYPES and not any(part.startswith(".") for part in rel.parts)
    }
    assets["/"] = assets["/index.html"]
    assets["/kinds/all.js"] = Asset.of(kinds_module(KINDS, {p.removeprefix("/kinds/") for p in assets}), ASSET_TYPES[".js"])
    return assets


def held(asset: Asset, if_none_match: Iterable[str]) -> bool:
    """Whether the browser holds this version of the file already: one of its
    `If-None-Match` headers names the file's tag (weak or strong), or `*`."""
    tags = {tag.strip().removeprefix("W/") for value in if_none_match for tag in value.split(",")}
    return f'"{asset.etag}"' in tags or "*" in tags


def takes_gzip(accept_encoding: Iterable[str]) -> bool:
    """Whether the browser's `Accept-Encoding` headers allow gzip: named, or `*`,
    and not with q=0 (a weight that cannot be read counts as allowing it)."""
    for value in accept_encoding:
        for part in value.split(","):
            name, _, params = part.strip().partition(";")
            if name.strip().lower() in ("gzip", "*"):
                weight = params.strip().lower().removeprefix("q=")
                try:
                    return float(weight) > 0 if weight else True
                except ValueError:
                    return True
    return False


def kinds_module(kinds: Iterable[str], files: set[str]) -> bytes:
    """The phone's list of kind modules, `kinds/all.js`: one `export * as <kind>` line
    per activity kind the server has, so a new kind's phone module is found by itself
    (`kinds/index.js` registers them). `files` are the names under `kinds/`; a kind
    without its `<kind>.js` there is an error at start, not a blank phone later."""
    names = sorted(kinds)
    missing = [name for name in names if f"{name}.js" not in files]
    if missing:
        raise RuntimeError(
            "The phone page cannot draw " + ", ".join(missing) + ": write "
            + ", ".join(f"workshop/web/kinds/{name}.js" for name in missing) + " (see kinds/index.js for its shape)."
        )
    lines = ["// Written by the room from the activity registry (workshop/page.py, kinds_module).\n"]
    lines += [f'export * as {name} from "./{name}.js";\n' for name in names]
    return "".join(lines).encode()
