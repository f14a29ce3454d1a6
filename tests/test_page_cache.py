"""The phone page's files over real HTTP to a real room on 127.0.0.1: gzipped for a
browser that takes gzip, and not downloaded again when the phone holds them (its
`If-None-Match` names the file's tag) — a reload over a crowded Wi-Fi costs a few
hundred bytes instead of the whole page. Dynamic answers stay uncached."""

from __future__ import annotations

import asyncio
import gzip
import http.client

import pytest

from tests.roomkit import running_room
from workshop.page import held, load_assets, takes_gzip


async def fetch(room, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    def go():
        conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=5)
        conn.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()

    return await asyncio.to_thread(go)


async def test_the_page_comes_gzipped_and_is_not_sent_again_while_unchanged(tmp_path):
    async with running_room(tmp_path) as room:
        plain_status, plain, body = await fetch(room, "/core.js")
        status, packed, zipped = await fetch(room, "/core.js", Accept_Encoding="gzip, deflate, br")
        assert plain_status == status == 200
        assert "content-encoding" not in plain and packed["content-encoding"] == "gzip"
        assert gzip.decompress(zipped) == body and len(zipped) < len(body) / 2
        assert packed["etag"] == plain["etag"] and packed["vary"] == "Accept-Encoding"
        assert packed["cache-control"] == "no-cache"  # kept, but asked about at each load

        status, again, nothing = await fetch(room, "/core.js", If_None_Match=packed["etag"], Accept_Encoding="gzip")
        assert (status, nothing) == (304, b"") and again["etag"] == packed["etag"]
        status, _, body_again = await fetch(room, "/core.js", If_None_Match='"an-old-version"')
        assert (status, body_again) == (200, body)  # another version held: the file again

        status, _, _ = await fetch(room, "/core.js", Accept_Encoding="gzip;q=0")
        status, refused, _ = await fetch(room, "/style.css", Accept_Encoding="gzip;q=0")
        assert "content-encoding" not in refused  # q=0 means no

        status, door, _ = await fetch(room, f"/door?room={room.workshop.session.room_code}", Accept_Encoding="gzip")
        assert door["cache-control"] == "no-store" and "etag" not in door  # what the room says now is never cached


def test_a_files_tag_changes_with_its_bytes_and_tiny_files_are_not_gzipped():
    assets = load_assets()
    tags = {path: asset.etag for path, asset in assets.items()}
    assert len(set(tags.values())) == len({asset.body for asset in assets.values()})  # one tag per distinct content
    assert assets["/"].etag == assets["/index.html"].etag
    small = [asset for asset in assets.values() if len(asset.body) < 512]
    assert all(asset.gzipped is None for asset in small)
    total = sum(len(a.body) for p, a in assets.items() if p != "/")
    sent = sum(len(a.gzipped or a.body) for p, a in assets.items() if p != "/")
    assert sent < total / 2.5  # the whole page travels at well under half its size


@pytest.mark.parametrize(
    "headers, gzip_ok",
    [
        ([], False),  # says nothing: plain bytes
        (["gzip, deflate, br"], True),
        (["br", "GZIP;q=0.5"], True),  # on a second header line, any case
        (["*"], True),
        (["gzip;q=0"], False),
        (["gzip; q=0.000"], False),
        (["deflate, br"], False),
        (["gzip;q=junk"], True),  # a weight that cannot be read does not forbid it
    ],
)
def test_which_accept_encoding_takes_gzip(headers, gzip_ok):
    assert takes_gzip(headers) is gzip_ok


def test_a_file_is_held_when_any_if_none_match_names_its_tag():
    asset = load_assets()["/core.js"]
    tag = f'"{asset.etag}"'
    assert held(asset, [tag]) and held(asset, [f"W/{tag}"]) and held(asset, ['"old", ' + tag]) and held(asset, ["*"])
    assert not held(asset, []) and not held(asset, ['"old"']) and not held(asset, [asset.etag])  # unquoted is no tag
