"""A terminal left in raw mode by a crash, put back before the app starts.

Killed with kill -9, the app cannot restore the terminal: it stays in raw mode (no
echo, no line editing), with the mouse reported and the alternate screen on, and
needs `reset`. Textual restores at exit the mode it found at start — after a crash,
that same raw mode. So `restore_if_raw` runs before the app: if the terminal looks
raw it is set back to a sane line mode first, which Textual then records and
restores. POSIX terminals only; a Windows console's mode is per process and comes
back by itself. The decision (`looks_raw`, `sane`) is pure and tested with flags.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

try:
    import termios
except ImportError:  # Windows
    termios = None  # type: ignore[assignment]

LEAVE_MODES = "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1049l\x1b[?25h"
"""Mouse reporting, bracketed paste and the alternate screen off; the cursor shown."""


def looks_raw(lflag: int, icanon: int, echo: int) -> bool:
    """A terminal without line editing or without echo: what a crashed app leaves."""
    return not lflag & icanon or not lflag & echo


def sane(attrs: list[Any], flags: Any) -> list[Any]:
    """`attrs` (as `termios.tcgetattr` gives them) with line editing, echo, signals
    and newline translation back on — what `stty sane` restores."""
    iflag, oflag, cflag, lflag, *rest = attrs
    iflag |= flags.ICRNL | flags.BRKINT
    oflag |= flags.OPOST | flags.ONLCR
    lflag |= flags.ICANON | flags.ECHO | flags.ECHOE | flags.ISIG | flags.IEXTEN
    return [iflag, oflag, cflag, lflag, *rest]


def restore_if_raw(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> bool:
    """Put a terminal a crash left raw back to line mode; True if it was raw."""
    if termios is None or not stdin.isatty():
        return False
    try:
        attrs = termios.tcgetattr(stdin.fileno())
        if not looks_raw(attrs[3], termios.ICANON, termios.ECHO):
            return False
        termios.tcsetattr(stdin.fileno(), termios.TCSANOW, sane(attrs, termios))
    except (termios.error, OSError, ValueError):
        return False
    stdout.write(LEAVE_MODES)
    stdout.flush()
    return True
