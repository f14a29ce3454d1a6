"""Sessions on disk as a facilitator meets them, with real processes and real files:
one window writes at a time, whatever only reads writes nothing (even beside a vote
storm), damage opens with the valid prefix and a quarantine file, and a journal
written by an earlier version loads, replays and exports the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest

from faultkit import REPO, Headless, Phone, free_port, journal_events, new_session
from test_faults import Ledger, storm_template, vote_until_stopped
from workshop import commands as c
from workshop import sessions
from workshop.export import ANNEX, FORMATS, to_html, to_json, to_markdown
from workshop.model import FACILITATOR
from workshop.store import encode_event

RENDER = {"md": to_markdown, "html": to_html, "json": to_json}
FIXTURE = REPO / "tests" / "fixtures" / "session-88c7a91"
EXPECTED = REPO / "tests" / "fixtures" / "session-88c7a91.expected"


def files(folder: Path) -> dict[str, str]:
    """Every file in the folder (hidden ones too) and a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def workshop_cli(*args: str, sessions_dir: Path, audit: Path | None = None) -> subprocess.CompletedProcess:
    """`workshop ARGS` in a process of its own, no standard input. With `audit`, every
    attempt of that process to create, change, rename or delete a file under that
    folder is printed to stderr as 'WRITE …' by a Python audit hook."""
    hook = ""
    if audit is not None:
        hook = textwrap.dedent(f"""
            import os, sys
            WATCHED = {str(audit.resolve())!r}
            WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
            def inside(path):
                try:
                    return os.path.realpath(os.fsdecode(path)).startswith(WATCHED)
                except (TypeError, ValueError):
                    return False
            def hook(event, args):
                if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)) and inside(args[0]):
                    mode, flags = args[1] or "", args[2] or 0
                    if any(m in mode for m in "wax+") or flags & WRITES:
                        print("WRITE", event, args[0], mode, flags, file=sys.stderr)
                elif event in ("os.remove", "os.rename", "os.truncate", "os.link", "os.mkdir", "os.rmdir", "os.utime", "os.chmod"):
                    if any(isinstance(a, (str, bytes, os.PathLike)) and inside(a) for a in args) or event == "os.truncate":
                        print("WRITE", event, args, file=sys.stderr)
            sys.addaudithook(hook)
        """)
    code = hook + "import sys\nfrom workshop.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, "--sessions-dir", str(sessions_dir), *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@contextmanager
def held(folder: Path):
    """Another workshop window: a process that has the session open for writing
    until the block ends (or it is killed). Yields the process."""
    code = "import sys\nfrom workshop import sessions\nw = sessions.open_folder(sys.argv[1])\nprint('open', flush=True)\nsys.stdin.read()\nw.close()\n"
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout.readline().strip() == "open"
        yield process
    finally:
        if process.poll() is None:
            process.stdin.close()
            process.wait(20)


def test_a_second_resume_is_refused_naming_the_window_and_changes_nothing(tmp_path):
    folder, _ = new_session(tmp_path)
    with held(folder) as window:
        before = files(folder)
        run = workshop_cli("resume", folder.name, sessions_dir=tmp_path / "sessions")
        assert run.returncode != 0
        assert f"open in another workshop window (pid {window.pid}" in run.stderr
        assert "Close that one first" in run.stderr and folder.name in run.stderr
        assert "Traceback" not in run.stderr
        assert files(folder) == before
        repair = workshop_cli("repair", folder.name, sessions_dir=tmp_path / "sessions")
        assert repair.returncode != 0 and f"pid {window.pid}" in repair.stderr
        assert files(folder) == before
        listing = workshop_cli("list", sessions_dir=tmp_path / "sessions")
        assert f"open in another workshop window (pid {window.pid}" in listing.stdout


def test_kill_9_of_the_writer_lets_the_next_window_in_at_once(tmp_path):
    folder, _ = new_session(tmp_path)
    with held(folder) as window:
        window.send_signal(signal.SIGKILL)
        window.wait(10)
        started = time.monotonic()
        workshop = sessions.open_folder(folder)
        assert time.monotonic() - started < 2  # no stale lock to wait out
        assert workshop.warnings == []
        workshop.close()


async def test_list_status_and_export_beside_a_live_vote_storm_write_nothing(tmp_path):
    folder, code = new_session(tmp_path, storm_template(tmp_path))
    root = tmp_path / "sessions"
    server = Headless(folder, free_port(), open_exercise="storm")
    phones: list[Phone] = []
    try:
        await server.start()
        phones = [Phone(server.url(), code, n, random.Random(n), side=("it", "marketing")[n % 2]) for n in range(12)]
        for phone in phones:
            phone.start()
        await asyncio.gather(*(p.wait_ready(15) for p in phones))
        ledgers = {p.index: Ledger() for p in phones}
        stop = asyncio.Event()
        voters = [asyncio.create_task(vote_until_stopped(p, ledgers[p.index], stop, random.Random(p.index))) for p in phones]
        readers = []
        for round_ in range(3):
            for args in (("list",), ("status", folder.name), ("export", folder.name, "--out", str(tmp_path / f"out{round_}"))):
                readers.append(await asyncio.to_thread(workshop_cli, *args, sessions_dir=root, audit=folder))
        stop.set()
        await asyncio.wait_for(asyncio.gather(*voters), 40)
        for phone in phones:
            await phone.close()
        await server.stop()
    finally:
        for phone in phones:
            await phone.close()
        await server.ensure_dead()

    for run in readers:
        assert run.returncode == 0, run.stderr
        assert "WRITE" not in run.stderr, run.stderr
        assert "warning" not in run.stderr, run.stderr  # a line still being written is no damage
    assert "open in another workshop window" in readers[1].stdout  # status says who writes
    acked = sum(len(ledger.acked) for ledger in ledgers.values())
    assert acked > 50
    saved = [e for e in journal_events(folder) if e["body"]["type"] in ("vote", "unvote")]
    assert len(saved) == acked  # every acknowledged vote, once; nothing cut off by a reader
    assert not list(folder.glob("*quarantine*"))
    assert (tmp_path / "out2").is_dir() and len(list((tmp_path / "out2").iterdir())) == len(FORMATS) + len(ANNEX)


def test_a_reader_leaves_a_damaged_session_byte_identical_and_repair_sets_the_damage_aside(tmp_path):
    folder, _ = new_session(tmp_path)
    root = tmp_path / "sessions"
    journal = folder / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = b"".join(lines) + lines[-1]  # the last event again: a duplicated line
    journal.write_bytes(damaged)
    (folder / ".snapshot.x1.tmp").write_text("{half")
    before = files(folder)

    for args in (("list",), ("status", folder.name), ("export", folder.name, "--out", str(tmp_path / "out"))):
        run = workshop_cli(*args, sessions_dir=root, audit=folder)
        assert run.returncode == 0 and "WRITE" not in run.stderr, run.stderr
        assert files(folder) == before
    status = workshop_cli("status", folder.name, sessions_dir=root)
    assert "duplicated line" in status.stderr and f"workshop repair {folder.name}" in status.stderr
    assert "support" not in status.stderr

    repair = workshop_cli("repair", folder.name, sessions_dir=root, audit=folder)
    assert repair.returncode == 0, repair.stderr
    assert "WRITE" in repair.stderr  # the audit sees a writer's writes, so its silence above means something
    assert f"1 line of {journal} from line {len(lines) + 1} on could not be trusted" in repair.stdout
    [aside] = folder.glob("journal.quarantine-*.jsonl")
    assert aside.read_bytes() == lines[-1] and str(aside) in repair.stdout
    assert journal.read_bytes() == b"".join(lines)
    again = workshop_cli("repair", folder.name, sessions_dir=root)
    assert again.returncode == 0 and "Nothing to repair" in again.stdout
    assert workshop_cli("status", folder.name, sessions_dir=root).stderr == ""


def test_opening_a_session_with_damaged_lines_names_the_exercises_set_aside(tmp_path):
    root = tmp_path / "sessions"
    shutil.copytree(FIXTURE, root / FIXTURE.name)
    journal = root / FIXTURE.name / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    cut = next(n for n, line in enumerate(lines) if b'"type":"rate"' in line and b'"check-out"' in line)
    lines[cut] = lines[cut].replace(b'"value":', b'"value":1')  # checksum no longer matches
    journal.write_bytes(b"".join(lines))

    workshop = sessions.open_folder(root / FIXTURE.name)
    text = "\n".join(workshop.warnings)
    workshop.close()
    assert f"{len(lines) - cut} lines of {journal} from line {cut + 1} on could not be trusted" in text
    assert "“Check-out pulse”" in text and "checksum" in text


def test_a_journal_written_by_an_earlier_version_loads_replays_and_exports_the_same(tmp_path):
    """tests/fixtures/session-88c7a91 was written by the store of commit 88c7a91 (the
    scripted workshop, with a snapshot halfway): it must open in every later version.
    If the document's format changes on purpose, regenerate the expected files with
    UPDATE_GOLDEN=1; the session itself never changes."""
    copy = tmp_path / FIXTURE.name
    shutil.copytree(FIXTURE, copy)
    before = files(copy)
    reading = sessions.read_folder(copy)
    assert "rebuilt from its journal" in reading.warnings[0] and files(copy) == before

    workshop = sessions.open_folder(copy)  # as a writer
    [rebuilt] = workshop.warnings  # its snapshot holds less than this version derives
    assert "written by another version" in rebuilt and "rebuilt from its journal" in rebuilt
    replayed = sessions.read_folder(_without_snapshots(tmp_path / "journal-only", FIXTURE))
    assert replayed.session.model_dump() == workshop.session.model_dump()
    for exercise in workshop.session.template.exercises:
        assert replayed.engine.result(exercise.id) == workshop.engine.result(exercise.id)
    assert len(workshop.session.participants) == 8 and workshop.session.seq == 384

    for fmt in FORMATS:
        expected = EXPECTED / f"joint-agenda.{fmt}"
        text = RENDER[fmt](workshop.engine)
        if os.environ.get("UPDATE_GOLDEN"):
            expected.write_text(text, encoding="utf-8")
        assert text == expected.read_text(encoding="utf-8"), f"{fmt} export of the old session changed"
        assert RENDER[fmt](replayed.engine) == text
    workshop.close()


def _without_snapshots(target: Path, source: Path) -> Path:
    target.mkdir()
    shutil.copy(source / "journal.jsonl", target / "journal.jsonl")
    return target


def test_a_journal_line_from_a_newer_version_is_refused_with_a_clear_message(tmp_path):
    folder, _ = new_session(tmp_path)
    journal = folder / "journal.jsonl"
    event = json.loads(journal.read_bytes().splitlines()[0].split(b" ", 1)[1])
    newer = {"seq": 2, "at": event["at"], "actor": "facilitator", "cmd_id": "x1", "body": {"type": "teleport", "to": "mars"}}
    journal.write_bytes(journal.read_bytes() + encode_event(newer))
    before = files(folder)
    with pytest.raises(sessions.StoreError, match=r"newer version.*Nothing was changed"):
        sessions.open_folder(folder)
    after = files(folder)
    assert after.pop("writer.lock") and before.pop("writer.lock")  # the lock records who held it last
    assert after == before
    run = workshop_cli("status", folder.name, sessions_dir=tmp_path / "sessions")
    assert run.returncode == 1 and "newer version" in run.stderr and "Traceback" not in run.stderr


async def test_the_home_screen_shows_a_session_open_elsewhere_and_will_not_open_it(tmp_path):
    from textual.widgets import DataTable

    from workshop.tui.app import RoomOptions, build_app
    from workshop.tui.screens.home import HomeScreen

    folder, _ = new_session(tmp_path)
    with held(folder) as window:
        app = build_app(sessions_dir=tmp_path / "sessions", room=RoomOptions(host="127.0.0.1", port=0, public_url="http://workshop.test:8765"))
        async with app.run_test(size=(140, 44)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#sessions", DataTable)
            assert str(table.get_row_at(0)[3]) == f"open elsewhere (pid {window.pid})"
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert isinstance(app.screen, HomeScreen) and app.workshop is None
            [note] = [n.message for n in app._notifications]
            assert f"open in another workshop window (pid {window.pid}" in note and "Close that one first" in note


def test_a_newer_schema_line_is_refused_even_where_the_snapshot_covers_it(tmp_path):
    # The snapshot spares decoding the lines it covers: their format is still checked.
    folder, _ = new_session(tmp_path)
    workshop = sessions.open_folder(folder)
    assert workshop.handle(FACILITATOR, "cmd-publish-1", c.Publish(published=True)).events
    workshop.close()  # a snapshot at the last event
    journal = folder / "journal.jsonl"
    first, second = journal.read_bytes().splitlines(keepends=True)
    event = json.loads(second.split(b" ", 1)[1])
    journal.write_bytes(first + encode_event({**event, "v": 7}))
    assert json.loads((folder / "snapshot.json").read_text())["snapshot"]["1"]["seq"] == 2
    for opening in (sessions.read_folder, sessions.open_folder):
        with pytest.raises(sessions.StoreError, match=r"newer version of Common Ground \(journal schema 7"):
            opening(folder)


def test_repair_sets_aside_a_line_that_has_a_good_checksum_but_is_not_json(tmp_path):
    folder, _ = new_session(tmp_path)
    journal = folder / "journal.jsonl"
    body = b'not json,"seq":2,"v":2}'  # forged: looks like a line's end, good checksum
    journal.write_bytes(journal.read_bytes() + b"%08x %s\n" % (zlib.crc32(body), body))
    with pytest.raises(sessions.StoreError, match=r"Event 2 .* edited by hand.*workshop repair"):
        sessions.read_folder(folder)  # what to do, before repairing
    workshop, done = sessions.repair(folder)
    workshop.close()
    [said] = [line for line in done if "set aside" in line]
    assert "edited by hand" in said and "crash" not in said  # not what a crash leaves
    assert journal.read_bytes().count(b"\n") == 1 and sessions.read_folder(folder).session.seq == 1


def test_a_journal_line_with_a_newer_schema_version_is_refused_naming_the_file(tmp_path):
    folder, _ = new_session(tmp_path)
    journal = folder / "journal.jsonl"
    event = json.loads(journal.read_bytes().splitlines()[0].split(b" ", 1)[1])
    newer = {**event, "seq": 2, "cmd_id": "x2", "v": 7, "body": {"type": "publish", "published": True}}
    journal.write_bytes(journal.read_bytes() + encode_event(newer))
    with pytest.raises(sessions.StoreError) as caught:
        sessions.read_folder(folder)
    message = str(caught.value)
    assert str(journal) in message and "newer version of Common Ground (journal schema 7" in message
    assert "nothing was changed" in message
