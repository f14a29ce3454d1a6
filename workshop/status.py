"""Where a session stands, as plain text: for `workshop resume` without a screen and
for log lines. Reads the engine, changes nothing."""

from __future__ import annotations

import time

from .engine import Engine

MARKS = {"pending": "·", "open": "▶", "closed": "✓"}
EMPTY = "○"
"""A closed step that nobody took part in: run, but not done."""


def describe(engine: Engine) -> str:
    session = engine.session
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(session.created_at))
    lines = [
        f"{session.title}" + (f" — {session.organisation}" if session.organisation else ""),
        f"Session {session.id}, created {when}, template {session.template_name}, room code {session.room_code}",
    ]
    people = session.active_participants()
    by_side = ", ".join(
        f"{side.label} {sum(1 for p in people if p.side == side.id)}" for side in session.template.sides
    )
    lines.append(f"Participants: {len(people)} ({by_side})")
    lines.append("")
    for index, cfg in enumerate(session.template.exercises):
        lines.extend(f"       {pause.title} ({pause.minutes} min)" for pause in session.template.breaks_before(cfg.id))
        state = session.exercises[cfg.id]
        done, present = engine.participation(cfg.id)
        used = f", {round(state.active_seconds / 60)} used" if state.status == "closed" else ""
        here = "  ← now" if index == session.current else ""
        taking_part = f" — {done} of {present} took part" if state.status != "pending" else ""
        mark = EMPTY if state.status == "closed" and done == 0 else MARKS[state.status]
        lines.append(f" {mark} {index + 1:>2}. {cfg.title} ({cfg.kind}, {cfg.minutes} min planned{used}){taking_part}{here}")
    return "\n".join(lines)
