"""Live results for the facilitator's screen: `render` asks the exercise's kind for
its drawing (`present/<kind>.py`, function `tui`); what follows it is what those
drawings share.

Everything here builds Rich `Text` objects piece by piece and appends participant
text as plain strings, never through markup: an idea that says `[bold]` or
`[link=…]` is shown exactly as typed.

`presentation=True` is for a projected screen: no idea ids. What the result shows
of its people is `privacy`'s to decide, for both.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from .. import privacy
from ..model import Session

SIDE_STYLES = ("bold dodger_blue2", "bold dark_orange", "bold grey62", "bold green", "bold magenta", "bold yellow")
EIGHTHS = " ▏▎▍▌▋▊▉█"


def render(session: Session, exercise_id: str, *, presentation: bool = False) -> RenderableType:
    """The live result of one exercise for the facilitator."""
    from ..present import SURFACES  # noqa: PLC0415 - the kinds' drawings import the helpers below

    cfg = session.exercise(exercise_id)
    state = session.exercises[exercise_id]
    rule = privacy.policy(session, cfg, state)
    result = privacy.redact(privacy.result(session, cfg, state), "projector" if presentation else "facilitator", rule)
    drawing = SURFACES[cfg.kind].tui(session, cfg, result, presentation)
    reasons = rule.reasons()
    return Group(drawing, Text("\n".join(reasons), style="dim italic")) if reasons else drawing


def side_style(session: Session, side_id: str | None) -> str:
    ids = [s.id for s in session.template.sides]
    return SIDE_STYLES[ids.index(side_id) % len(SIDE_STYLES)] if side_id in ids else "grey50"


def bar(value: float | None, top: float, width: int = 20) -> str:
    """A horizontal bar in eighths of a cell."""
    if not value or top <= 0:
        return ""
    eighths = round(max(0.0, min(1.0, value / top)) * width * 8)
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def side_line(session: Session, label_width: int = 10) -> list[tuple[str, str]]:
    return [(s.id, s.label[:label_width]) for s in session.template.sides]


def side_bar(session, side_id, label: str, value, top: float, figure: str, *, indent: int, width: int) -> Text:
    """One side's labelled bar with its figure: `   IT         ████▌   3.4`."""
    line = Text(" " * indent + f"{label:<10} ")
    line.append(f"{bar(value, top, width):<{width}}", style=side_style(session, side_id))
    line.append(f" {figure}")
    return line


def stacked(session, by_side: dict[str, int], top: int, width: int = 24) -> Text:
    """A bar per side, laid end to end, scaled to the largest total.

    Each segment ends where the running total rounds to, so equal totals draw equal
    lengths whatever their split (rounding each side alone can add a cell or lose one)."""
    line = Text()
    total = used = 0
    for side_id, _ in side_line(session):
        total += by_side.get(side_id, 0)
        end = round(total / top * width) if top else 0
        line.append("█" * (end - used), style=side_style(session, side_id))
        used = end
    line.append(" " * max(0, width - used))
    return line


def pair(session: Session) -> tuple[tuple[str, str], tuple[str, str]]:
    """(id, label) of the two sides whose gap results show (IT and Marketing by default)."""
    first, second = side_line(session)[:2]
    return first, second


def gap_note(points: float, detail: str) -> Text:
    """The line under a flagged item: `    gap 40 points  ⚑ IT 0% of its dots, Marketing 40%`."""
    from ..export.common import signed  # noqa: PLC0415 - export imports the drawings, which import this module

    note = Text("    ")
    note.append(f"gap {signed(points, 0)} points", style="bold black on yellow")
    note.append(f"  ⚑ {detail}", style="bold yellow")
    return note


def legend(session) -> Text:
    line = Text("  ")
    for side_id, label in side_line(session):
        line.append("█ ", style=side_style(session, side_id))
        line.append(f"{label}  ")
    return line
