"""Helper for tests/test_store_crash.py: append to a store as fast as possible until killed.

    python tests/crash_writer.py FOLDER

Opens the store in FOLDER (creating it the first time), prints ``START <last seq>``,
then runs many asyncio tasks that each append one event at a time and print
``ACK <seq>`` only after ``await store.append`` returned, i.e. once the event is
fsynced. Every few hundred events it asks for a background checkpoint of a state
that is a pure function of its seq (the sum 1 + 2 + … + seq), so the parent can check
that a snapshot matches the events it claims to include.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from workshop.store import SessionStore

TASKS = 32
CHECKPOINT_EVERY = 300


def state_at(seq: int) -> dict:
    return {"sum": seq * (seq + 1) // 2}


async def main(folder: Path) -> None:
    store = SessionStore(folder)
    if store.exists():
        store.load()
    else:
        store = SessionStore.create(folder)
    next_seq = store.last_seq + 1
    print(f"START {store.last_seq}", flush=True)

    async def appender() -> None:
        nonlocal next_seq
        while True:
            seq, next_seq = next_seq, next_seq + 1
            await store.append([{"seq": seq, "kind": "vote", "text": "ça va ✓ " * (seq % 5)}])
            sys.stdout.write(f"ACK {seq}\n")
            sys.stdout.flush()
            if seq % CHECKPOINT_EVERY == 0:
                # The latest *submitted* seq: its events are usually still queued, so the
                # checkpoint has to wait for them before writing.
                latest = next_seq - 1
                store.checkpoint_in_background(state_at(latest), latest, {"events": latest})

    await asyncio.gather(*(appender() for _ in range(TASKS)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
