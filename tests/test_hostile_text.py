"""Text from a hostile phone is data, never control, wherever it lands: the terminal
(the raw bytes the TUI writes), the documents, other phones — and also when it comes
from a journal written before text was cleaned at the boundary."""

from __future__ import annotations

import json
import os
import select
import sys
import time
from pathlib import Path

import pytest

from workshop import commands as c
from workshop import sessions
from workshop.export import annex_html, annex_markdown, to_html, to_markdown
from workshop.model import FACILITATOR
from workshop.store import encode_event

REPO = Path(__file__).resolve().parents[1]
WIPE = "\x1b[2J\x1b[H"
TITLE = "\x1b]0;PWN\x07"
CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"
RAW = {"NAMEONE": TITLE + "Ann", "NAMETWO": CLIPBOARD, "IDEAONE": WIPE + "Faster launches\x00\x07", "IDEATWO": "cost \u202eliated"}
"""Placeholders written by today's code, swapped for raw control text in the journal, as
a version that did not clean text would have saved it."""


def old_style_session(tmp_path: Path) -> Path:
    """A session whose journal holds names and ideas with raw escape sequences."""
    w = sessions.create("Hostile offsite", sessions_dir=tmp_path, now=1_700_000_000)
    ann = w.handle("join:a", "join-a", c.Join(name="NAMEONE", side="it", token="t1")).events[0].body.participant.id
    bob = w.handle("join:b", "join-b", c.Join(name="NAMETWO", side="other", token="t2")).events[0].body.participant.id
    w.handle(FACILITATOR, "o1", c.Open(exercise="customer-first"))
    w.handle(ann, "i1", c.SubmitIdea(exercise="customer-first", text="IDEAONE"))
    w.handle(bob, "i2", c.SubmitIdea(exercise="customer-first", text="IDEATWO"))
    w.close()
    journal = w.folder / "journal.jsonl"
    lines = []
    for line in journal.read_bytes().splitlines():
        text = line.split(b" ", 1)[1].decode()
        for placeholder, raw in RAW.items():
            text = text.replace(placeholder, json.dumps(raw)[1:-1])
        lines.append(encode_event(json.loads(text)))
    journal.write_bytes(b"".join(lines))
    for snapshot in w.folder.glob("snapshot*.json"):
        snapshot.unlink()
    return w.folder


def test_text_from_an_old_journal_is_cleaned_as_it_is_read(tmp_path):
    folder = old_style_session(tmp_path)
    session = sessions.read_folder(folder).session
    names = sorted(p.name for p in session.participants.values())
    ideas = sorted(i.text for i in session.exercises["customer-first"].ideas.values())
    assert names == ["Ann", "]0;PWN]52;c;ZWNobyBwd25lZA==\\"] or names == ["]0;PWNAnn", "]52;c;ZWNobyBwd25lZA==\\"]
    assert ideas == ["[2J[HFaster launches", "cost liated"]


def test_the_documents_hold_no_control_character_even_from_an_old_journal(tmp_path):
    engine = sessions.read_folder(old_style_session(tmp_path)).engine
    for text in (to_markdown(engine), to_html(engine), annex_markdown(engine), annex_html(engine)):
        assert not any(ch in text for ch in "\x1b\x00\x07\u202e")
    assert "Faster launches" in annex_markdown(engine) and "Faster launches" in annex_html(engine)


def test_a_phone_sends_escapes_and_the_room_keeps_only_the_text(tmp_path):
    w = sessions.create("Live", sessions_dir=tmp_path, now=1_700_000_000)
    pid = w.handle("join:a", "join-a", c.Join(name=CLIPBOARD + "Eve", side="it", token="t1")).events[0].body.participant.id
    w.handle(FACILITATOR, "o1", c.Open(exercise="customer-first"))
    w.handle(pid, "i1", c.SubmitIdea(exercise="customer-first", text=WIPE + "One customer view\u202e"))
    empty = w.handle(pid, "i2", c.SubmitIdea(exercise="customer-first", text="\u200b\u200d\u2800 \x1b"))
    assert empty.code == "empty" and "empty" in empty.reason
    [idea] = w.session.exercises["customer-first"].ideas.values()
    assert idea.text == "[2J[HOne customer view"
    assert w.session.participants[pid].name == "]52;c;ZWNobyBwd25lZA==\\Eve"
    journal = (w.folder / "journal.jsonl").read_bytes()
    assert b"\\u001b" not in journal and b"\x1b" not in journal
    w.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX; the cleaning it checks is not")
def test_the_raw_bytes_the_tui_writes_hold_no_escape_from_a_participant(tmp_path):
    import pty

    folder = old_style_session(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the TUI on a 120×40 pseudo-terminal
        os.environ.update({"PYTHONPATH": str(REPO), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
        os.chdir(REPO)
        os.execv(sys.executable, [sys.executable, "-m", "workshop", "--sessions-dir", str(tmp_path), "--host", "127.0.0.1", "--port", "0", "resume", folder.name])
    written = bytearray()
    try:
        deadline = time.monotonic() + 20
        sent = False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    written += os.read(fd, 65536)
                except OSError:
                    break
            if not sent and b"Faster launches" in written:
                os.write(fd, b"l")  # the lobby: the roster with the names
                sent = True
            if sent and b"PWN" in written[written.find(b"Faster launches"):] and b"ZWNob" in written:
                break
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    assert b"Faster launches" in written, written[-2000:]
    assert b"PWN" in written and b"ZWNob" in written  # the names were drawn…
    assert b"\x1b]0;PWN" not in written and b"\x1b]52;c;ZWNob" not in written  # …as text, never as controls
    assert b"\x1b[2J\x1b[HFaster" not in written and "\u202e".encode() not in written
