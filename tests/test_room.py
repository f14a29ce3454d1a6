"""The room with real websocket clients on 127.0.0.1: what a phone sends, what it
gets back, and what can never get through."""

import asyncio
import gc
import http.client
import json
import re

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.roomkit import PhoneClient, new_id, running_room
from workshop import commands as c
from workshop.room import REFREEZE_EVERY, Room, Tokens


def get(room, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def policies_of(room, path) -> list[str]:
    """Every Content-Security-Policy header of one answer."""
    conn = http.client.HTTPConnection("127.0.0.1", room.port, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.headers.get_all("Content-Security-Policy") or []


async def joined(room, name="Ann", side="it"):
    phone = PhoneClient(room)
    assert (await phone.connect())["type"] == "need_join"
    welcome = await phone.join(name, side)
    assert welcome["type"] == "welcome", welcome
    return phone


async def open_exercise(room, exercise_id):
    outcome = await room.facilitate(c.Open(exercise=exercise_id))
    assert outcome.events, outcome


# ------------------------------------------------------------------ HTTP


async def test_the_page_is_served_with_a_strict_content_security_policy(tmp_path):
    async with running_room(tmp_path) as room:
        status, headers, body = await asyncio.to_thread(get, room, "/?room=" + room.workshop.session.room_code)
        assert status == 200 and b"<html" in body.lower()
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        status, headers, _ = await asyncio.to_thread(get, room, "/core.js")
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")


@pytest.mark.parametrize("path", ["/etc/passwd", "/../pyproject.toml", "/web/core.js", "/favicon.ico", "/ws/../core.js"])
async def test_nothing_but_the_known_assets_is_served(tmp_path, path):
    async with running_room(tmp_path) as room:
        status, _, body = await asyncio.to_thread(get, room, path)
        assert status == 404 and body == b"Not found."


# ------------------------------------------------------------------ handshake


async def test_a_wrong_room_code_is_refused_at_the_door(tmp_path):
    async with running_room(tmp_path) as room:
        with pytest.raises(InvalidStatus) as caught:
            await connect(f"ws://127.0.0.1:{room.port}/ws?room=WRONG1")
        assert caught.value.response.status_code == 403


@pytest.mark.parametrize("code", ["%C3%A9", "K7QM2%00", "%F0%9F%98%80" * 3, "k7qm2x" + "A" * 200])
async def test_a_room_code_that_is_not_ascii_or_too_long_is_refused_like_any_wrong_one(tmp_path, code):
    async with running_room(tmp_path) as room:
        with pytest.raises(InvalidStatus) as caught:
            await connect(f"ws://127.0.0.1:{room.port}/ws?room={code}")
        assert caught.value.response.status_code == 403
        phone = PhoneClient(room)
        assert (await phone.connect())["type"] == "need_join"  # the room is fine
        await phone.send({"type": "hello", "v": 1, "room": "é", "token": None, "seq": 0})
        with pytest.raises(ConnectionClosed) as closed:
            await phone.recv()
        assert closed.value.rcvd.code == 1008


async def test_the_door_tells_a_page_why_its_websocket_was_refused(tmp_path):
    async with running_room(tmp_path) as room:
        code = room.workshop.session.room_code
        status, headers, body = await asyncio.to_thread(get, room, "/door?room=WRONG1")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body) == {
            "status": 403, "reason": "Wrong room code. Scan the QR code on the facilitator's screen again.", "key": "door.wrong_code", "args": {}
        }
        status, _, body = await asyncio.to_thread(get, room, f"/door?room={code.lower()}")
        assert json.loads(body) == {"status": 200, "reason": ""}
        room.max_connections = 0
        status, _, body = await asyncio.to_thread(get, room, f"/door?room={code}")
        assert json.loads(body)["status"] == 503 and "full" in json.loads(body)["reason"]
        assert json.loads(body)["key"] == "door.room_full"


async def test_a_page_from_another_origin_cannot_open_the_websocket(tmp_path):
    async with running_room(tmp_path) as room:
        url = PhoneClient(room).url
        with pytest.raises(InvalidStatus) as caught:
            await connect(url, origin="http://evil.example")
        assert caught.value.response.status_code == 403
        ws = await connect(url, origin=f"http://127.0.0.1:{room.port}")
        await ws.close()


async def test_the_facilitators_controls_are_not_on_the_network(tmp_path):
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        error = await phone.act({"type": "open", "exercise": "check-in"})
        assert error["type"] == "error" and error["code"] == "unknown_type"
        assert room.workshop.session.exercises["check-in"].status == "pending"


# ------------------------------------------------------------------ joining


async def test_a_phone_joins_and_gets_its_view_and_a_token(tmp_path):
    async with running_room(tmp_path) as room:
        phone = PhoneClient(room)
        need = await phone.connect()
        assert need["type"] == "need_join"
        assert [s["label"] for s in need["room"]["sides"]] == ["IT", "Marketing", "Other"]
        welcome = await phone.join("Ann", "marketing")
        assert welcome["me"] == {"id": "p1", "name": "Ann", "side": "marketing", "answered": False}
        assert len(welcome["token"]) >= 20
        view = await phone.wait_view(lambda v: True)
        assert view["exercise"]["id"] == "opening" and view["present"] == 1  # the agenda's first step
        assert room.connected == {"p1": 1}


async def test_phones_joining_in_a_burst_each_soon_see_everyone_who_joined(tmp_path):
    # A newcomer is welcomed with the room's view as last built (up to a tick old, as
    # every view is); the next tick brings everyone to the same count.
    async with running_room(tmp_path) as room:
        phones = [await joined(room, f"P{n}", ("it", "marketing")[n % 2]) for n in range(8)]
        for phone in phones:
            view = await phone.wait_view(lambda v: v["present"] == 8, timeout=2)
            assert view["present"] == 8
        await asyncio.sleep(0.15)  # over a tick after the burst: the newcomer is counted at once
        late = await joined(room, "Late", "other")
        assert (await late.wait_view(lambda v: True))["present"] == 9


async def test_a_phone_joining_just_after_the_facilitator_moves_on_is_welcomed_with_the_new_step(tmp_path):
    async with running_room(tmp_path) as room:
        first = await joined(room, "Ann")
        assert (await first.wait_view(lambda v: True))["exercise"]["id"] == "opening"
        await open_exercise(room, "check-in")
        late = await joined(room, "Ben", "marketing")  # within the same tick
        assert (await late.wait_view(lambda v: True))["exercise"]["id"] == "check-in"


async def test_a_crowd_arriving_is_taken_out_of_the_collectors_sight_every_hundred_joins(tmp_path):
    # A full collection walks every object not frozen: with a thousand people joining
    # at once, what they brought made one pause 27 ms long before the crowd settled.
    async with running_room(tmp_path) as room:
        frozen = gc.get_freeze_count()
        phones = [await joined(room, f"P{n}") for n in range(REFREEZE_EVERY)]
        assert gc.get_freeze_count() > frozen, "the heap was not frozen again as the crowd arrived"
        assert room._refreeze_timer is None  # frozen by the count, not by the crowd settling
        view = await phones[-1].wait_view(lambda v: v["present"] == REFREEZE_EVERY)
        assert view["exercise"]["id"] == "opening"
        for phone in phones:
            await phone.close()


async def test_acting_before_joining_is_refused(tmp_path):
    async with running_room(tmp_path) as room:
        phone = PhoneClient(room)
        await phone.connect()
        error = await phone.act({"type": "rate", "exercise": "check-in", "item": "i1", "value": 3})
        assert error == {
            "v": 1, "type": "error", "code": "not_joined", "reason": "Join the room first.", "id": error["id"], "key": "not_joined.yet", "args": {}
        }


async def test_a_phone_that_reconnects_with_its_token_keeps_identity_and_inputs(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        phone = await joined(room, "Ann")
        await phone.act({"type": "vote", "exercise": "where-we-win", "item": "i1"})
        await phone.ws.close()
        again = PhoneClient(room)
        welcome = await again.connect(token=phone.token)
        assert welcome["type"] == "welcome" and welcome["me"]["id"] == "p1"
        await again.wait_view(lambda v: True)
        assert again.mine["dots"] == {"i1": 1} and again.mine["left"] == 4
        assert len(room.workshop.session.participants) == 1


async def test_an_unknown_token_is_asked_to_join_again(tmp_path):
    async with running_room(tmp_path) as room:
        phone = PhoneClient(room)
        need = await phone.connect(token="not-a-real-token")
        assert need["type"] == "need_join" and "Join again" in need["reason"]
        assert (need["key"], need["args"]) == ("need_join.gone", {})


async def test_the_participant_cap_refuses_one_more(tmp_path):
    async with running_room(tmp_path) as room:
        room.workshop.session.max_participants = 2
        await joined(room, "A")
        await joined(room, "B")
        third = PhoneClient(room)
        await third.connect()
        refused = await third.join("C")
        assert refused["type"] == "refused" and refused["code"] == "room_full"
        assert "full" in refused["reason"]
        assert (refused["key"], refused["args"]) == ("room_full", {"most": 2})


# ------------------------------------------------------------------ every kind


async def test_every_activity_kind_accepts_its_action_over_the_wire(tmp_path):
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        session = room.workshop.session
        steps = [
            ("check-in", {"type": "rate", "item": "i1", "value": 4}, lambda s: s.scores["p1"] == {"i1": 4}),
            ("customer-first", {"type": "submit_idea", "text": "One view of the customer"}, lambda s: len(s.ideas) == 1),
            # A second idea, so that the objectives the budget splits over are two.
            ("customer-first", {"type": "submit_idea", "text": "Prices that match online"}, lambda s: len(s.ideas) == 2),
            ("where-we-win", {"type": "vote", "item": "i2"}, lambda s: s.scores["p1"] == {"i2": 1}),
            ("who-leads", {"type": "choose_owner", "item": "i1", "choice": 2}, lambda s: s.scores["p1"] == {"i1": 2}),
            ("opening", {"type": "pick", "items": ["i1", "i3"]}, lambda s: set(s.scores["p1"]) == {"i1", "i3"}),
        ]
        for exercise_id, command, check in steps:
            if session.exercises[exercise_id].status != "open":
                await open_exercise(room, exercise_id)
            ack = await phone.act({**command, "exercise": exercise_id})
            assert ack["type"] == "ack", ack
            assert check(session.exercises[exercise_id])
            assert ack["mine"]["exercise"] == exercise_id

        await open_exercise(room, "budget")
        items = [i.id for i in session.exercises["budget"].items]
        ack = await phone.act({"type": "allocate", "exercise": "budget", "points": {items[0]: 60, items[1]: 40}})
        assert ack["type"] == "ack" and ack["mine"]["points"] == {items[0]: 60, items[1]: 40}

        await open_exercise(room, "impact-effort")
        item = session.exercises["impact-effort"].items[0].id
        ack = await phone.act({"type": "place", "exercise": "impact-effort", "item": item, "x": 5, "y": 1})
        assert ack["mine"]["places"] == {item: [5, 1]}

        await open_exercise(room, "joint-initiatives")
        candidate = session.exercises["joint-initiatives"].items[0].id
        assert (await phone.act({"type": "volunteer", "exercise": "joint-initiatives", "target": candidate}))["type"] == "ack"
        ack = await phone.act({"type": "comment", "exercise": "joint-initiatives", "target": candidate, "text": "Start small"})
        assert ack["mine"]["volunteered"] == [candidate] and ack["mine"]["comments"][0]["text"] == "Start small"


async def test_a_refusal_says_why_and_counts_nothing(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        phone = await joined(room)
        for _ in range(3):
            assert (await phone.act({"type": "vote", "exercise": "where-we-win", "item": "i1"}))["type"] == "ack"
        refused = await phone.act({"type": "vote", "exercise": "where-we-win", "item": "i1"})
        assert refused["type"] == "refused" and refused["code"] == "item_full"
        assert "At most 3 dots" in refused["reason"]
        # The sentence's key and what fills it, so that a phone says it in its own language.
        assert (refused["key"], refused["args"]) == ("item_full", {"most": 3})
        assert room.workshop.session.exercises["where-we-win"].scores["p1"] == {"i1": 3}


async def test_acting_on_a_closed_exercise_is_refused(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "check-in")
        phone = await joined(room)
        await room.facilitate(c.Close(exercise="check-in"))
        refused = await phone.act({"type": "rate", "exercise": "check-in", "item": "i1", "value": 2})
        assert refused["code"] == "not_open" and "is closed" in refused["reason"]
        assert (refused["key"], refused["args"]) == ("not_open.closed", {"title": "Check-in pulse"})


# ------------------------------------------------------------------ bad input


async def test_a_repeated_command_id_is_answered_again_but_counted_once(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        phone = await joined(room)
        command = {"type": "vote", "exercise": "where-we-win", "item": "i1"}
        first = await phone.act(command, cmd_id="vote-000001")
        again = await phone.act(command, cmd_id="vote-000001")
        assert first["type"] == again["type"] == "ack"
        assert room.workshop.session.exercises["where-we-win"].scores["p1"] == {"i1": 1}


async def test_garbage_gets_an_error_and_the_connection_and_other_phones_carry_on(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        ann, bob = await joined(room, "Ann"), await joined(room, "Bob", "marketing")
        for frame, code, key in [
            ("{nope", "bad_json", "bad_json"),
            ('{"type":"dance"}', "unknown_type", "unknown_type.message"),
            (json.dumps({"type": "act", "id": new_id(), "command": {"type": "vote", "exercise": 3, "item": []}}), "bad_field", "bad_field"),
        ]:
            await ann.send(frame)
            error = await ann.recv()
            assert error["type"] == "error" and error["code"] == code and error["reason"] and error["key"] == key
        assert (await ann.act({"type": "vote", "exercise": "where-we-win", "item": "i1"}))["type"] == "ack"
        assert (await bob.act({"type": "vote", "exercise": "where-we-win", "item": "i1"}))["type"] == "ack"


async def test_a_frame_over_16_kib_closes_the_connection_with_1009(tmp_path):
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        await phone.send(json.dumps({"type": "ping", "pad": "x" * (17 * 1024)}))
        with pytest.raises(ConnectionClosed) as caught:
            await phone.recv()
        assert caught.value.rcvd.code == 1009
        other = await joined(room, "Still here")
        assert other.me["id"] == "p2"


async def test_a_flooding_phone_is_slowed_then_cut_off_and_counts_at_most_its_dots(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        phone = await joined(room)
        items = [i.id for i in room.workshop.session.exercises["where-we-win"].items]
        frames = [
            json.dumps({"type": "act", "id": new_id("flood"), "command": {"type": "vote", "exercise": "where-we-win", "item": items[n % 3]}})
            for n in range(400)
        ]
        with pytest.raises(ConnectionClosed):
            for frame in frames:
                await phone.ws.send(frame)
            while True:
                await phone.recv(timeout=5)
        scores = room.workshop.session.exercises["where-we-win"].scores["p1"]
        assert sum(scores.values()) == 5
        assert (await joined(room, "Calm")).me["id"] == "p2"


# ------------------------------------------------------------------ views


async def test_results_reach_the_other_phones_only_once_revealed(tmp_path):
    async with running_room(tmp_path, min_answers=1) as room:  # one voter's side figure: shown from 1 here
        await open_exercise(room, "where-we-win")
        ann, bob = await joined(room, "Ann"), await joined(room, "Bob", "marketing")
        await ann.act({"type": "vote", "exercise": "where-we-win", "item": "i1"})
        view = await bob.wait_view(lambda v: v["exercise"]["done"] == 1)
        assert view["exercise"]["results"] is None
        await room.facilitate(c.Reveal(exercise="where-we-win"))
        view = await bob.wait_view(lambda v: v["exercise"]["results"] is not None)
        top = view["exercise"]["results"]["ranking"][0]
        assert top["item"] == "i1" and top["by_side"]["it"] == 1 and top["total"] == 1


async def test_views_reach_a_phone_at_most_ten_times_a_second_however_busy_the_room(tmp_path):
    from workshop.room import TICK

    async with running_room(tmp_path) as room:
        await open_exercise(room, "where-we-win")
        await room.facilitate(c.Reveal(exercise="where-we-win"))
        watcher = await joined(room, "Watcher")
        voters = [await joined(room, f"V{n}", ("it", "marketing")[n % 2]) for n in range(4)]
        views = 0
        loop = asyncio.get_running_loop()

        async def count_views(until: float) -> None:
            nonlocal views
            while loop.time() < until:
                try:
                    frame = json.loads(await asyncio.wait_for(watcher.ws.recv(), max(0.01, until - loop.time())))
                except TimeoutError:
                    return
                views += frame["type"] == "view"

        async def storm(phone: PhoneClient, offset: float, until: float) -> None:
            await asyncio.sleep(offset)  # out of step with the others: more moments of change
            while loop.time() < until:  # vote and take it back: the tally keeps changing
                for kind in ("vote", "unvote"):
                    assert (await phone.act({"type": kind, "exercise": "where-we-win", "item": "i1"}))["type"] == "ack"
                    await asyncio.sleep(0.1)  # within the phones' own rate limit, which is not what is tested

        async def impatient_facilitator(until: float) -> None:
            while loop.time() < until:
                room.broadcast_soon()
                await asyncio.sleep(0.005)

        start = loop.time()
        window = 2.0
        await asyncio.gather(count_views(start + window), impatient_facilitator(start + window), *(storm(v, n * 0.025, start + window) for n, v in enumerate(voters)))
        elapsed = loop.time() - start
        assert views >= 5, f"only {views} views in {elapsed:.1f} s while the tally kept changing"
        assert views <= elapsed / TICK + 2, f"{views} views in {elapsed:.1f} s: more than one per {TICK} s"
        for phone in (watcher, *voters):
            await phone.close()


async def test_compression_is_declined_even_when_the_phone_offers_it(tmp_path):
    async with running_room(tmp_path) as room:
        async with connect(PhoneClient(room).url, compression="deflate") as ws:
            assert "Sec-WebSocket-Extensions" not in ws.response.headers
            assert ws.protocol.extensions == []


async def test_opening_an_exercise_reaches_every_phone_with_its_own_part(tmp_path):
    async with running_room(tmp_path) as room:
        phones = [await joined(room, f"P{n}") for n in range(5)]
        await open_exercise(room, "where-we-win")
        for phone in phones:
            await phone.wait_view(lambda v: v["exercise"]["id"] == "where-we-win" and v["exercise"]["status"] == "open")
            assert phone.mine["exercise"] == "where-we-win" and phone.mine["left"] == 5


async def test_anonymous_ideas_reach_phones_without_names_or_authors(tmp_path):
    async with running_room(tmp_path) as room:
        await open_exercise(room, "worries")
        ann = await joined(room, "Ann Secret")
        await ann.act({"type": "submit_idea", "exercise": "worries", "text": "Shadow IT"})
        await room.facilitate(c.Reveal(exercise="worries"))
        view = await ann.wait_view(lambda v: v["exercise"]["results"] is not None)
        text = json.dumps(view)
        assert "Shadow IT" in text and "Ann Secret" not in text and '"author"' not in text


# ------------------------------------------------------------------ startup


async def test_a_busy_port_moves_to_the_next_one_and_says_so(tmp_path):
    async with running_room(tmp_path) as first:
        second = Room(first.workshop, host="127.0.0.1", port=first.port)
        await second.start()
        try:
            assert second.port == first.port + 1 or second.port > first.port
            assert f"Port {first.port} was busy" in second.notice
        finally:
            await second.stop()


async def test_the_join_url_carries_the_room_code(tmp_path):
    async with running_room(tmp_path, public_url="http://laptop.local:9000/") as room:
        assert room.join_url == f"http://laptop.local:9000/?room={room.workshop.session.room_code}"


async def test_the_joint_agenda_is_served_to_phones_only_once_published(tmp_path):
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        agenda = f"/agenda.html?room={room.workshop.session.room_code}"
        status, _, _ = await asyncio.to_thread(get, room, agenda)
        assert status == 404
        await room.facilitate(c.Publish())
        view = await phone.wait_view(lambda v: v["published"])
        assert view["published"] is True
        status, headers, body = await asyncio.to_thread(get, room, agenda)
        assert status == 200 and b"Joint agenda" in body and b"Test offsite" in body
        policies = await asyncio.to_thread(policies_of, room, agenda)
        # One policy: a browser applies every one it gets, and the room's own
        # (style-src 'self') would strip the document of its inline styles.
        assert len(policies) == 1 and "style-src 'unsafe-inline'" in policies[0] and "script-src" not in policies[0], policies
        for stranger in ("/agenda.html", "/agenda.html?room=WRONG1", "/agenda.html?download=1"):
            status, _, body = await asyncio.to_thread(get, room, stranger)
            assert status == 403 and b"room code" in body and b"Test offsite" not in body
        _, headers, _ = await asyncio.to_thread(get, room, agenda + "&download=1")
        assert headers["Content-Disposition"].startswith("attachment;")


async def test_a_room_whose_join_url_phones_cannot_reach_says_so(tmp_path):
    async with running_room(tmp_path) as room:  # 127.0.0.1 only, as a test room is
        assert room.join_url.startswith("http://127.0.0.1:")
        assert "only this laptop can open" in room.notice
    async with running_room(tmp_path / "b", public_url="http://192.168.1.20:8765") as room:
        assert "only this laptop" not in room.notice


async def test_the_published_agenda_is_rendered_off_the_loop_and_phones_keep_voting_meanwhile(tmp_path):
    """The agenda is rendered on a worker thread from a copy of the session: while
    several phones fetch it at once, a vote is still acknowledged, and every copy
    served is the same document, which then shows what was voted before the fetch."""
    async with running_room(tmp_path) as room:
        phone = await joined(room)
        await room.facilitate(c.Open(exercise="who-leads"))
        await room.facilitate(c.Publish())
        agenda = f"/agenda.html?room={room.workshop.session.room_code}"
        fetches = [asyncio.to_thread(get, room, agenda) for _ in range(4)]
        vote = phone.act({"type": "choose_owner", "exercise": "who-leads", "item": "i1", "choice": 0})
        *answers, ack = await asyncio.gather(*fetches, vote)
        assert ack["type"] == "ack"
        assert {status for status, _, _ in answers} == {200}
        assert len({body for _, _, body in answers}) == 1  # one render, shared
        status, _, body = await asyncio.to_thread(get, room, agenda)
        assert status == 200 and b"1 person chose who should lead" in body  # the agenda after the vote: re-rendered


def test_every_new_participant_gets_a_secret_token_of_its_own():
    """Drawn 64 at a time from the system's random source: each is 144 random bits as
    24 URL-safe characters, as `secrets.token_urlsafe(18)` makes them, and none repeats
    across batches."""
    tokens = Tokens(batch=64)
    drawn = [tokens.take() for _ in range(64 * 3 + 5)]
    assert len(set(drawn)) == len(drawn)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24}", token) for token in drawn)
    assert len({token[:4] for token in drawn}) > 150  # not one value shifted along


async def test_a_request_given_up_on_does_not_take_the_agenda_from_the_others(tmp_path):
    """Requests share one render. The library gives up on a request that takes too
    long (its handshake timeout cancels it, as here); the render goes on for the
    others, and the next request is answered."""
    async with running_room(tmp_path) as room:
        await room.facilitate(c.Publish())
        given_up = asyncio.create_task(room._agenda(download=False))
        await asyncio.sleep(0)  # its render has started
        given_up.cancel()
        with pytest.raises(asyncio.CancelledError):
            await given_up
        agenda = f"/agenda.html?room={room.workshop.session.room_code}"
        status, _, body = await asyncio.to_thread(get, room, agenda)
        assert status == 200 and b"Test offsite" in body


async def test_an_address_that_cannot_be_parsed_is_a_bad_request_not_a_server_error(tmp_path):
    async with running_room(tmp_path) as room:
        for path in ("//[x/", "//x]/"):
            status, _, body = await asyncio.to_thread(get, room, path)
            assert status == 400 and b"not an address this room serves" in body, (path, status, body)
