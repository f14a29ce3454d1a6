"""Sessions on disk: the engine joined to its store, as the CLI and the room use it."""

import errno
import json
import os
import time

import pytest

from workshop import commands as c
from workshop import sessions
from workshop.engine import Accepted
from workshop.model import FACILITATOR
from workshop.store import StoreError


@pytest.fixture
def workshop(tmp_path):
    w = sessions.create("Acme offsite", sessions_dir=tmp_path, organisation="Acme", now=1_700_000_000)
    yield w
    w.store.close()


def join(w, name, side="it", token=None):
    outcome = w.handle(f"join:{name}", f"join-{name}", c.Join(name=name, side=side, token=token or f"tok-{name}"))
    return outcome.events[0].body.participant.id


def test_a_new_session_gets_a_dated_folder_and_a_readable_room_code(workshop):
    day = time.strftime("%Y-%m-%d", time.localtime(1_700_000_000))
    assert workshop.folder.name == f"{day}-acme-offsite"
    code = workshop.session.room_code
    assert len(code) == 6 and not set(code) & set("01OI")


def test_two_sessions_with_the_same_title_get_two_folders(tmp_path):
    first = sessions.create("Same", sessions_dir=tmp_path, now=0)
    second = sessions.create("Same", sessions_dir=tmp_path, now=0)
    assert first.folder != second.folder
    first.close(), second.close()


def test_everything_acknowledged_is_there_after_reopening(workshop):
    workshop.handle(FACILITATOR, "open", c.Open(exercise="where-we-win"))
    ann = join(workshop, "Ann")
    workshop.handle(ann, "v1", c.Vote(exercise="where-we-win", item="i2"))
    workshop.store.close()
    again = sessions.open_folder(workshop.folder)
    assert again.session.exercises["where-we-win"].scores == {ann: {"i2": 1}}
    assert again.session.model_dump() == workshop.session.model_dump()
    again.store.close()


def test_a_failed_write_is_not_acknowledged_and_the_session_forgets_it(workshop, monkeypatch):
    workshop.handle(FACILITATOR, "open", c.Open(exercise="where-we-win"))
    ann = join(workshop, "Ann")
    workshop.store.flush()  # let the background checkpoint finish: the failure is for the vote
    real_fsync = os.fsync
    failures = []

    def fsync(fd):
        if not failures:
            failures.append(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(StoreError, match="full"):
        workshop.handle(ann, "v1", c.Vote(exercise="where-we-win", item="i1"))
    assert workshop.session.exercises["where-we-win"].scores.get(ann, {}) == {}

    outcome = workshop.handle(ann, "v2", c.Vote(exercise="where-we-win", item="i3"))
    assert isinstance(outcome, Accepted)
    assert workshop.session.exercises["where-we-win"].scores[ann] == {"i3": 1}
    monkeypatch.undo()
    workshop.store.close()
    again = sessions.open_folder(workshop.folder)
    assert again.session.exercises["where-we-win"].scores[ann] == {"i3": 1}
    again.store.close()


def test_the_list_shows_progress_and_people(tmp_path):
    w = sessions.create("Listed", sessions_dir=tmp_path, now=5)
    join(w, "Ann")
    w.handle(FACILITATOR, "n1", c.Next())
    w.handle(FACILITATOR, "n2", c.Next())
    steps = w.session.template.exercises
    w.close()
    [row] = sessions.list_sessions(tmp_path)
    assert (row.title, row.participants, row.done, row.total) == ("Listed", 1, 1, len(steps))
    assert row.current == steps[1].title  # the first step done, the second now


def test_a_damaged_session_is_listed_with_its_problem_not_hidden(tmp_path):
    w = sessions.create("Broken", sessions_dir=tmp_path, now=5)
    for n in range(3):
        join(w, f"P{n}")
    w.store.close()
    journal = w.folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[1] = b"00000000 {garbage}\n"
    journal.write_bytes(b"".join(lines))
    damaged = journal.read_bytes()
    [row] = sessions.list_sessions(tmp_path)
    assert row.damaged and not row.problem and row.participants == 0  # shown up to the last good line
    assert journal.read_bytes() == damaged  # listing repairs nothing

    reading = sessions.read_folder(w.folder)
    assert any("line 2" in warning and "checksum" in warning for warning in reading.warnings)
    assert any(f"workshop repair {w.folder.name}" in warning for warning in reading.warnings)


def test_an_unreadable_session_is_listed_with_its_problem_not_hidden(tmp_path):
    w = sessions.create("Broken", sessions_dir=tmp_path, now=5)
    w.close()
    (w.folder / "journal.jsonl").write_bytes(b"00000000 {garbage}\n")
    [row] = sessions.list_sessions(tmp_path)
    assert "journal.jsonl" in row.problem and "nothing to open" in row.problem


def test_an_unreadable_session_open_in_another_window_is_listed_as_open_there_not_as_damaged(tmp_path):
    w = sessions.create("Broken", sessions_dir=tmp_path, now=5)  # holds the folder's lock
    (w.folder / "journal.jsonl").write_bytes(b"00000000 {garbage}\n")
    try:
        [row] = sessions.list_sessions(tmp_path)
        assert "nothing to open" in row.problem
        assert row.open_by is not None and row.open_by.pid == os.getpid()
        assert not row.damaged
    finally:
        w.store.close()


def test_a_snapshot_that_does_not_fit_the_model_is_rebuilt_from_the_journal(tmp_path):
    w = sessions.create("Old snapshot", sessions_dir=tmp_path, now=5)
    ann = join(w, "Ann")
    w.close()
    snapshot = w.folder / "snapshot.json"
    data = json.loads(snapshot.read_bytes())
    data["snapshot"]["1"]["state"]["a_field_from_another_version"] = 1
    snapshot.write_text(json.dumps(data))

    again = sessions.open_folder(w.folder)
    assert again.session.participants[ann].name == "Ann"
    assert any("does not fit this version" in warning and "rebuilt from its journal" in warning for warning in again.warnings)
    again.close()
    snapshot.write_bytes(b"\x00garbage")
    reading = sessions.read_folder(w.folder)
    assert reading.session.participants[ann].name == "Ann"
    assert any("damaged" in warning for warning in reading.warnings)


def test_resolve_finds_a_session_by_a_unique_part_of_its_name(tmp_path):
    a = sessions.create("Alpha team", sessions_dir=tmp_path, now=5)
    b = sessions.create("Beta team", sessions_dir=tmp_path, now=5)
    a.close(), b.close()
    assert sessions.resolve("alpha", tmp_path) == a.folder
    with pytest.raises(StoreError, match="several sessions"):
        sessions.resolve("team", tmp_path)
    with pytest.raises(StoreError, match="No session"):
        sessions.resolve("gamma", tmp_path)
