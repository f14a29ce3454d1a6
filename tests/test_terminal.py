"""The terminal a crash left raw is set back before the app starts
(`workshop.tui.terminal`): the decision on flags, and on a real pseudo-terminal."""

from __future__ import annotations

import io
import os

import pytest

from workshop.tui.terminal import LEAVE_MODES, looks_raw, restore_if_raw, sane

termios = pytest.importorskip("termios")  # POSIX: a Windows console restores itself


def test_a_terminal_without_line_editing_or_echo_looks_raw():
    line_mode = termios.ICANON | termios.ECHO | termios.ISIG
    assert not looks_raw(line_mode, termios.ICANON, termios.ECHO)
    assert looks_raw(line_mode & ~termios.ICANON, termios.ICANON, termios.ECHO)
    assert looks_raw(line_mode & ~termios.ECHO, termios.ICANON, termios.ECHO)
    assert looks_raw(0, termios.ICANON, termios.ECHO)


def test_sane_turns_line_editing_echo_signals_and_newlines_back_on_and_keeps_the_rest():
    attrs = [0, 0, termios.CS8, 0, 38400, 38400, [b"\x00"] * 32]
    iflag, oflag, cflag, lflag, ispeed, ospeed, cc = sane(attrs, termios)
    assert lflag & termios.ICANON and lflag & termios.ECHO and lflag & termios.ISIG
    assert iflag & termios.ICRNL and oflag & termios.OPOST and oflag & termios.ONLCR
    assert (cflag, ispeed, ospeed, cc) == (termios.CS8, 38400, 38400, attrs[6])


def test_a_pseudo_terminal_left_raw_is_put_back_in_line_mode_and_a_sane_one_is_left_alone():
    import pty
    import tty

    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "r", closefd=False) as stdin:
            out = io.StringIO()
            assert restore_if_raw(stdin, out) is False and out.getvalue() == ""  # a sane terminal: untouched
            tty.setraw(follower)  # what kill -9 leaves behind
            assert looks_raw(termios.tcgetattr(follower)[3], termios.ICANON, termios.ECHO)
            assert restore_if_raw(stdin, out) is True
            assert not looks_raw(termios.tcgetattr(follower)[3], termios.ICANON, termios.ECHO)
            assert out.getvalue() == LEAVE_MODES  # mouse, paste and the alternate screen off
    finally:
        os.close(leader)
        os.close(follower)


def test_no_terminal_no_change():
    assert restore_if_raw(io.StringIO(), io.StringIO()) is False
