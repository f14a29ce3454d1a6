"""A hostile phone with the room code, against a real room on 127.0.0.1: what it sends
is kept as plain text, it cannot stuff the ballot or relabel results, it cannot flood
the other phones — and honest phones keep voting meanwhile, with nothing saved changed.

(Connection and HTTP attacks are in test_room_attacks.py.)"""

from __future__ import annotations

import asyncio
import time

from tests.roomkit import PhoneClient, new_id, running_room
from workshop import commands as c
from workshop import protocol, sessions
from workshop.activities.initiatives import COMMENTS_PER_PERSON

ESCAPES = "\x1b[2J\x1b[H\x1b]0;PWN\x07\x1b]52;c;ZWNobyBwd25lZA==\x1b\\\u202e\u200b\x00"
NAME = "\x1b]52;c;ZWNo\x1b\\\u202eMal\x07"


async def joined(room, name="Ann", side="it") -> PhoneClient:
    phone = PhoneClient(room)
    assert (await phone.connect())["type"] == "need_join"
    welcome = await phone.join(name, side)
    assert welcome["type"] == "welcome", welcome
    return phone


async def vote_round_trip(phone: PhoneClient, exercise: str, item: str) -> float:
    """Seconds from sending a vote to its ack (and the dot taken back again)."""
    started = time.monotonic()
    answer = await phone.act({"type": "vote", "exercise": exercise, "item": item})
    elapsed = time.monotonic() - started
    assert answer["type"] == "ack", answer
    assert (await phone.act({"type": "unvote", "exercise": exercise, "item": item}))["type"] == "ack"
    return elapsed


async def test_escapes_in_a_name_and_an_idea_are_kept_as_text_for_everyone(tmp_path):
    async with running_room(tmp_path) as room:
        honest = await joined(room, "Ann")
        mallory = await joined(room, NAME, "marketing")
        assert mallory.me["name"] == "]52;c;ZWNo\\Mal"
        await room.facilitate(c.Open(exercise="customer-first"))
        await room.facilitate(c.Reveal(exercise="customer-first"))
        answer = await mallory.act({"type": "submit_idea", "exercise": "customer-first", "text": ESCAPES + "One view"})
        assert answer["type"] == "ack"
        view = await honest.wait_view(lambda v: v["exercise"]["id"] == "customer-first" and v["exercise"]["results"] and v["exercise"]["results"]["ideas"])
        [idea] = view["exercise"]["results"]["ideas"]
        assert idea["text"] == "[2J[H]0;PWN]52;c;ZWNobyBwd25lZA==\\One view"
        empty = await mallory.act({"type": "submit_idea", "exercise": "customer-first", "text": "\u200b\u200d\u2800\x1b"})
        assert empty["type"] == "refused" and empty["code"] == "empty"
        journal = (room.workshop.folder / "journal.jsonl").read_bytes()
        assert b"\x1b" not in journal and b"\\u001b" not in journal and "\u202e".encode() not in journal


async def test_numbers_must_be_numbers(tmp_path):
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        await room.facilitate(c.Open(exercise="check-in"))
        for value in ("3", True, 4.0):
            answer = await phone.act({"type": "rate", "exercise": "check-in", "item": "i1", "value": value})
            assert answer["type"] == "error" and answer["code"] == "bad_field", answer
        assert room.workshop.session.exercises["check-in"].scores == {}


async def test_a_closed_result_cannot_be_rewritten_by_renaming_a_side(tmp_path):
    async with running_room(tmp_path) as room:
        it, marketing = await joined(room, "Ann", "it"), await joined(room, "Bo", "marketing")
        await room.facilitate(c.Open(exercise="check-in"))
        for phone, value in ((it, 5), (marketing, 1)):
            assert (await phone.act({"type": "rate", "exercise": "check-in", "item": "i1", "value": value}))["type"] == "ack"
        await room.facilitate(c.Close(exercise="check-in"))
        before = room.workshop.engine.result("check-in")
        refused = await it.act({"type": "rename", "name": "Ann", "side": "marketing"})
        assert refused["type"] == "refused" and refused["code"] == "side_fixed"
        assert room.workshop.engine.result("check-in") == before
        assert sessions.read_folder(room.workshop.folder).engine.result("check-in") == before


async def test_a_comment_flood_is_capped_and_no_view_frame_outgrows_the_protocol(tmp_path):
    async with running_room(tmp_path) as room:
        watcher = await joined(room, "Watcher")
        flooders = [await joined(room, f"Flood {n}", ("it", "marketing")[n % 2]) for n in range(5)]
        session = room.workshop.session
        await room.facilitate(c.Open(exercise="joint-initiatives"))
        await room.facilitate(c.Reveal(exercise="joint-initiatives"))
        for title in ("Loyalty app", "One customer view", "Faster launches", "Consent everywhere"):
            await room.facilitate(c.DraftInitiative(exercise="joint-initiatives", title=title))
        targets = list(session.exercises["joint-initiatives"].initiatives)
        sizes: list[int] = []

        async def watch() -> None:
            while True:
                sizes.append(len((await watcher.ws.recv()).encode()))

        watching = asyncio.create_task(watch())
        refused = 0
        for flooder in flooders:
            for n in range(COMMENTS_PER_PERSON + 3):
                frame = {"type": "act", "id": new_id(), "command": {"type": "comment", "exercise": "joint-initiatives", "target": targets[n % len(targets)], "text": f"{n} " + "w" * 270}}
                await flooder.send(frame)
                answer = await flooder.recv()
                refused += answer["type"] == "refused"
                await asyncio.sleep(0.11)  # under the rate limit: the cap, not the limiter, stops it
        await asyncio.sleep(0.5)
        watching.cancel()
        comments = room.workshop.session.exercises["joint-initiatives"].comments
        assert len(comments) == len(flooders) * COMMENTS_PER_PERSON and refused == len(flooders) * 3
        assert sizes and max(sizes) < protocol.MAX_FRAME


async def test_honest_phones_keep_voting_quickly_while_a_hostile_one_misbehaves(tmp_path):
    async with running_room(tmp_path) as room:
        honest = await joined(room, "Ann")
        mallory = await joined(room, NAME, "marketing")
        await room.facilitate(c.Open(exercise="where-we-win"))
        item = room.workshop.session.exercises["where-we-win"].items[0].id
        saved_before = room.workshop.engine.result("check-in")

        async def misbehave() -> None:
            for _ in range(40):
                await mallory.send({"type": "act", "id": new_id(), "command": {"type": "rename", "name": ESCAPES * 3, "side": "it"}})
                await mallory.send('{"type": "act", "id": "x", "command": ' + "[" * 500 + "]" * 500 + "}")
                await asyncio.sleep(0.02)

        hostile = asyncio.create_task(misbehave())
        times = [await vote_round_trip(honest, "where-we-win", item) for _ in range(10)]
        await hostile
        assert max(times) < 2.0, times
        assert room.workshop.engine.result("check-in") == saved_before


async def test_a_connection_joins_once_and_a_burst_of_joins_from_one_address_is_reported(tmp_path):
    async with running_room(tmp_path) as room:
        told: list[str] = []
        room.on_trouble = told.append
        phone = await joined(room, "Mallory")
        again = await phone.join("Mallory 2", "marketing")
        assert again["type"] == "refused" and again["code"] == "already_joined", again
        assert len(room.workshop.session.participants) == 1
        stuffers = [await joined(room, f"Sock {n}") for n in range(8)]  # one address, eight people in seconds
        assert len(room.workshop.session.participants) == 9
        assert any("joined from one address" in sentence and "People" in sentence for sentence in told), told
        for stuffer in stuffers:
            await stuffer.close()


async def test_a_removed_phone_is_asked_to_join_again_and_a_locked_room_keeps_newcomers_out(tmp_path):
    async with running_room(tmp_path) as room:
        ann = await joined(room, "Ann")
        bot = await joined(room, "Bot", "marketing")
        await room.facilitate(c.RemoveParticipant(participant=bot.me["id"]))
        await room.facilitate(c.LockRoom())
        await bot.close()
        back = await bot.connect()
        assert back["type"] == "need_join" and "roster" in back["reason"], back
        refused = await bot.join("Bot again", "it")
        assert refused["type"] == "refused" and refused["code"] == "room_locked"
        await ann.close()
        assert (await ann.connect())["type"] == "welcome"  # people already in come back
