"""The demo's simulated participants (`workshop.demo`): they join a real room and
take part in whatever the facilitator opens."""

import asyncio
from contextlib import asynccontextmanager

from tests.roomkit import running_room, until
from workshop import commands as c
from workshop.activities import KINDS
from workshop.demo import run_phones


async def test_demo_phones_join_and_act_in_the_open_exercise(tmp_path):
    async with running_room(tmp_path) as room, demo_phones(room, 6):
        session = room.workshop.session
        await until(lambda: len(session.participants) == 6, 5, LATE)
        await room.facilitate(c.Open(exercise="check-in"))
        await until(lambda: room.workshop.engine.participation("check-in")[0] == 6, 5, LATE)
        result = room.workshop.engine.result("check-in")
        assert result.respondents == 6
        sides = {p.side for p in session.participants.values()}
        assert {"it", "marketing"} <= sides


LATE = "the simulated phones did not get there in time"


@asynccontextmanager
async def demo_phones(room, count: int, pace: float = 0):
    """`count` demo phones acting at once in the room, stopped after."""
    code = room.workshop.session.room_code
    stop = asyncio.Event()
    phones = await run_phones(f"ws://127.0.0.1:{room.port}/ws?room={code}", code, count, pace=pace, stop=stop)
    try:
        yield phones
    finally:
        stop.set()
        for phone in phones:
            phone.task.cancel()
        await asyncio.gather(*(p.task for p in phones), return_exceptions=True)


async def test_demo_phones_vote_once_a_skipped_brainstorm_has_given_the_vote_its_items(tmp_path):
    async with running_room(tmp_path) as room, demo_phones(room, 4):
        engine = lambda: room.workshop.engine  # noqa: E731
        await until(lambda: len(room.workshop.session.participants) == 4, 10, LATE)
        await room.facilitate(c.Open(exercise="shared-objectives"))  # skipped ahead: nothing to vote on
        room.broadcast_soon()
        await asyncio.sleep(0.5)
        await room.facilitate(c.Open(exercise="customer-first"))
        await until(lambda: engine().participation("customer-first")[0] == 4, 10, LATE)
        await room.facilitate(c.Open(exercise="shared-objectives"))
        await until(lambda: engine().participation("shared-objectives")[0] == 4, 10, LATE)
        assert sum(row.total for row in engine().result("shared-objectives").ranking) > 0


async def test_demo_phones_take_part_in_every_exercise_of_the_default_agenda(tmp_path):
    """Each kind says what a participant does in it (`simulate`); the room accepts it
    all, so every exercise, of every kind, ends with every phone counted."""
    async with running_room(tmp_path) as room, demo_phones(room, 4):
        engine = lambda: room.workshop.engine  # noqa: E731
        await until(lambda: len(room.workshop.session.participants) == 4, 10, LATE)
        kinds = set()
        for exercise in list(room.workshop.session.exercises):
            await room.facilitate(c.Open(exercise=exercise))
            await until(lambda ex=exercise: engine().participation(ex)[0] == 4, 10, f"{exercise}: {LATE}")
            kinds.add(room.workshop.session.exercise(exercise).kind)
            await room.facilitate(c.Close(exercise=exercise))
        assert kinds == set(KINDS)  # the default agenda has every kind


async def test_demo_phones_still_busy_when_the_facilitator_moves_on_act_on_the_next_step(tmp_path):
    """A facilitator who presses `n` while the phones are still thinking: each drops
    the old step and takes part in the new one (they used to wait, "0 of 12 have
    voted", until something else woke them)."""
    async with running_room(tmp_path) as room, demo_phones(room, 4, pace=0.25) as phones:
        engine = lambda: room.workshop.engine  # noqa: E731
        await until(lambda: len(room.workshop.session.participants) == 4, 10, LATE)
        for step in ("check-in", "stereotypes", "worries"):
            await room.facilitate(c.Open(exercise=step))
            await asyncio.sleep(0.2)  # think times are 0.5 s and more at this pace: nobody has answered yet
        assert engine().participation("stereotypes")[0] < 4
        await until(lambda: engine().participation("worries")[0] == 4, 20, LATE)
        assert all(phone.task is not None and not phone.task.done() for phone in phones)
