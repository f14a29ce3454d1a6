"""The simulated phones: the storm used by the benchmark, and the demo's people."""

import asyncio

import pytest

from tests.roomkit import running_room, until
from workshop import commands as c
from workshop.loadtest import require_loopback, run_phones, storm


@pytest.mark.parametrize("url", ["ws://10.1.2.3:8765/ws", "ws://192.168.1.20:8765/ws", "ws://example.com/ws"])
def test_load_is_refused_for_anything_but_this_machine(url):
    with pytest.raises(ValueError, match="only run against this machine"):
        require_loopback(url)


@pytest.mark.parametrize("url", ["ws://127.0.0.1:1/ws", "ws://[::1]:1/ws", "ws://localhost:1/ws"])
def test_load_to_loopback_is_allowed(url):
    require_loopback(url)


async def test_a_small_storm_is_acknowledged_and_counted_exactly(tmp_path):
    async with running_room(tmp_path) as room:
        await room.facilitate(c.Open(exercise="where-we-win"))
        code = room.workshop.session.room_code
        figures = await storm(
            f"ws://127.0.0.1:{room.port}/ws?room={code}", code,
            phones=8, exercise="where-we-win", items=["i1", "i2", "i3"], rate=40, duration=1.0,
        )
        assert figures["votes_acked"] == figures["votes_sent"] == 40
        assert figures["ack_p99_ms"] is not None and figures["views_missing"] == 0
        scores = room.workshop.session.exercises["where-we-win"].scores
        assert {pid: held for pid, held in scores.items() if held} == {p: h for p, h in figures["expected"].items() if h}


async def test_demo_phones_join_and_act_in_the_open_exercise(tmp_path):
    async with running_room(tmp_path) as room:
        code = room.workshop.session.room_code
        stop = asyncio.Event()
        phones = await run_phones(f"ws://127.0.0.1:{room.port}/ws?room={code}", code, 6, pace=0, stop=stop)
        try:
            session = room.workshop.session
            for _ in range(100):
                if len(session.participants) == 6:
                    break
                await asyncio.sleep(0.05)
            await room.facilitate(c.Open(exercise="check-in"))
            for _ in range(100):
                if room.workshop.engine.participation("check-in")[0] == 6:
                    break
                await asyncio.sleep(0.05)
            result = room.workshop.engine.result("check-in")
            assert result.respondents == 6
            sides = {p.side for p in session.participants.values()}
            assert {"it", "marketing"} <= sides
        finally:
            stop.set()
            for phone in phones:
                phone.task.cancel()
            await asyncio.gather(*(p.task for p in phones), return_exceptions=True)


LATE = "the simulated phones did not get there in time"


async def test_demo_phones_vote_once_a_skipped_brainstorm_has_given_the_vote_its_items(tmp_path):
    async with running_room(tmp_path) as room:
        code = room.workshop.session.room_code
        stop = asyncio.Event()
        phones = await run_phones(f"ws://127.0.0.1:{room.port}/ws?room={code}", code, 4, pace=0, stop=stop)
        engine = lambda: room.workshop.engine  # noqa: E731
        try:
            await until(lambda: len(room.workshop.session.participants) == 4, 10, LATE)
            await room.facilitate(c.Open(exercise="shared-objectives"))  # skipped ahead: nothing to vote on
            room.broadcast_soon()
            await asyncio.sleep(0.5)
            await room.facilitate(c.Open(exercise="customer-first"))
            await until(lambda: engine().participation("customer-first")[0] == 4, 10, LATE)
            await room.facilitate(c.Open(exercise="shared-objectives"))
            await until(lambda: engine().participation("shared-objectives")[0] == 4, 10, LATE)
            assert sum(row.total for row in engine().result("shared-objectives").ranking) > 0
        finally:
            stop.set()
            for phone in phones:
                phone.task.cancel()
            await asyncio.gather(*(p.task for p in phones), return_exceptions=True)
