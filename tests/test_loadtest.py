"""The load storm (`workshop.bench.loadtest`): what `workshop loadtest` and the
benchmark send, only ever to this machine, and counted exactly."""

import pytest

from tests.roomkit import running_room
from workshop import commands as c
from workshop.bench.loadtest import require_loopback, storm


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
