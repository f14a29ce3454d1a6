"""What phones and the projector see, as JSON-ready dicts. Pure: session in, view out.

A phone's screen is two parts:

- the **room** part, the same for everyone: the current exercise, its items, the
  timer, how many took part, and the results once the reveal rule allows. Built
  once per broadcast and sent to every phone as identical bytes.
- the **mine** part, per person: their own inputs and what they may still do
  (dots left, ideas left). Sent with each acknowledgement and whenever the
  facilitator changes something that affects it.

What a result shows of its people is decided by `privacy` (names only in a `named`
exercise, sides only from `min_answers` people); authors of ideas never appear on
phones at all.

The projector's view (`screen_view`) is the room part as the whole room may read it
(`privacy.redact(..., "projector")`: no name, even in a named exercise) with the
lobby: the join URL, its QR code, the room code and who has joined, by side.

The room part has a size budget (`VIEW_BUDGET`): when what people wrote would make it
larger, the long lists are summarised — the latest few comments per initiative, the
latest "Other" answers, the newest ideas — with a count of the rest (`*_more`), so
a view frame stays under the protocol's 16 KiB whatever anyone does.

A template may carry its own text in other languages (`model.Translation`). The view
carries only what the current exercise needs of it — `exercise.i18n`, per language:
its title, prompt, the fixed items by item id, and the lists of its config — and the
sides' labels in the header's `i18n`; each phone shows its own language's where there
is one. Items people added (ideas, sourced or added items) are never translated.
"""

from __future__ import annotations

from typing import Any

from . import privacy, protocol
from .activities import KINDS, results_visible
from .engine import Engine
from .model import TRANSLATABLE_LISTS, ExerciseBase, ExerciseState, Session

VIEW_BUDGET = 12 * 1024
"""Bytes of JSON the room part may take; the frame around it and the person's own part
fit in the rest of `protocol.MAX_FRAME`."""
KEEP_LATEST = 3
"""Comments per initiative, and "Other" answers, kept when a view is summarised."""


def _size(data: dict[str, Any]) -> int:
    """Bytes of `data` as the wire carries it (`protocol.dumps`)."""
    return len(protocol.dumps(data).encode())


def fit(view: dict[str, Any]) -> dict[str, Any]:
    """The room part within `VIEW_BUDGET`: long lists of what people wrote cut to the
    latest entries, each with the count left out. Changes `view` in place; returns it."""
    results = view["exercise"].get("results") or {}
    if not (results or "i18n" in view["exercise"]) or _size(view) <= VIEW_BUDGET:
        return view  # the common case, without measuring: nothing here grows with the room
    for target in results.get("initiatives", []) + results.get("candidates", []):
        comments = target.get("comments", [])
        if len(comments) > KEEP_LATEST:
            target["comments_more"] = len(comments) - KEEP_LATEST
            target["comments"] = comments[-KEEP_LATEST:]
    other = results.get("other")
    if isinstance(other, list) and len(other) > KEEP_LATEST:
        results["other_more"] = len(other) - KEEP_LATEST
        results["other"] = other[-KEEP_LATEST:]
    ideas = results.get("ideas")
    if isinstance(ideas, list):
        excess = _size(view) - VIEW_BUDGET
        kept = list(ideas)
        while kept and excess > 0:  # the oldest go first: the newest are what the room talks about
            excess -= _size(kept.pop(0)) + 1
        if len(kept) < len(ideas):
            results["ideas_more"] = len(ideas) - len(kept)
            results["ideas"] = kept
    # Last, the template's translations, a language at a time: those phones then show
    # the exercise as written, which beats a frame too big to send.
    words = view["exercise"].get("i18n")
    while words and _size(view) > VIEW_BUDGET:
        words.popitem()
    if words == {}:
        del view["exercise"]["i18n"]
    return view


def header(session: Session) -> dict[str, Any]:
    """The room's name and sides, for the join screen and every view; with `i18n`
    (language → {"sides": {side id: label}}) when the template translates the sides."""
    head: dict[str, Any] = {
        "title": session.title,
        "organisation": session.organisation,
        "sides": [{"id": s.id, "label": s.label} for s in session.template.sides],
    }
    sides = {lang: {"sides": dict(words.sides)} for lang, words in session.template.translations.items() if words.sides}
    if sides:
        head["i18n"] = sides
    return head


def translations(session: Session, cfg: ExerciseBase, state: ExerciseState) -> dict[str, dict[str, Any]]:
    """The template's own text for one exercise, per language that has some: `title`,
    `prompt`, `items` (item id → text, for the fixed items the template lists, matched
    by position and only while the item still reads as the template wrote it) and the
    config's other lists (`labels`, `choices`, `axes`) whole. Empty when none."""
    fixed = KINDS[cfg.kind].fixed_items(cfg)
    # The list the items were made from (statements, options or rows), by its name.
    listed = next((name for name in TRANSLATABLE_LISTS if fixed and list(getattr(cfg, name, ())) == fixed), None)
    out: dict[str, dict[str, Any]] = {}
    for lang, words in session.template.translations.items():
        own = words.exercises.get(cfg.id)
        if own is None:
            continue
        entry: dict[str, Any] = {name: getattr(own, name) for name in ("title", "prompt") if getattr(own, name) is not None}
        for name in TRANSLATABLE_LISTS:
            given = getattr(own, name)
            if given is None:
                continue
            if name == listed:
                entry["items"] = {
                    item.id: text for item, original, text in zip(state.items, fixed, given, strict=False) if item.text == original
                }
            else:
                entry[name] = list(given)
        if entry:
            out[lang] = entry
    return out


def me(session: Session, pid: str) -> dict[str, Any]:
    p = session.participants[pid]
    # `answered`: their side is fixed now (the facilitator can still move them).
    return {"id": p.id, "name": p.name, "side": p.side, "answered": p.answered}


def room_view(engine: Engine, now: float, audience: privacy.Audience = "phone") -> dict[str, Any]:
    """The shared part. `now` only serves the timer's remaining seconds; `audience`
    decides what the results may show of people (phones, or the projector)."""
    session = engine.session
    cfg = session.current_exercise
    state = session.exercises[cfg.id]
    rule = privacy.policy(session, cfg, state)
    done, present = engine.participation(cfg.id)
    exercise = {
        "id": cfg.id,
        "kind": cfg.kind,
        "title": cfg.title,
        "prompt": cfg.prompt,
        "status": state.status,
        "identity": cfg.identity,
        "min_answers": session.template.min_answers,
        "withheld": [side for side in rule.labels if side in rule.withheld],  # template order
        "config": {name: getattr(cfg, name) for name in KINDS[cfg.kind].phone_config},
        "items": [{"id": i.id, "text": i.text} for i in state.items],
        "timer": {
            "remaining": round(max(state.timer.remaining(now), 0.0), 1),
            "running": state.timer.running,
            "duration": state.timer.duration,
        },
        "done": done,
        "results": _results(engine, cfg, rule, audience) if results_visible(cfg, state) else None,
    }
    words = translations(session, cfg, state)
    if words:
        exercise["i18n"] = words
    if cfg.kind == "initiatives":
        exercise["initiatives"] = [
            {**i.model_dump(mode="json", exclude={"source_item"}), "champions": len(state.volunteers.get(i.id, []))}
            for i in state.initiatives.values()
        ]
        # Candidates drafted into an initiative: the phone lists them there, not twice.
        exercise["drafted_items"] = sorted({i.source_item for i in state.initiatives.values() if i.source_item})
    return fit({
        **header(session),
        "published": session.published,
        "step": session.current + 1,
        "steps": len(session.template.exercises),
        "present": present,
        "exercise": exercise,
    })


def mine_view(session: Session, pid: str) -> dict[str, Any]:
    """One person's own inputs in the current exercise."""
    cfg = session.current_exercise
    state = session.exercises[cfg.id]
    return {"exercise": cfg.id, "me": me(session, pid), **KINDS[cfg.kind].mine(session, cfg, state, pid)}


def screen_view(engine: Engine, now: float, *, lobby: bool, join_url: str, qr: list[str]) -> dict[str, Any]:
    """What the projector shows: the room part for the whole room to read, and the
    lobby — shown while the facilitator is on the lobby screen, and before the first
    exercise opens. `qr` is the join URL's QR code, a string of 0 and 1 per row."""
    session = engine.session
    view = room_view(engine, now, "projector")
    people = session.active_participants()
    started = any(state.opened_at is not None for state in session.exercises.values())
    view["lobby"] = {
        "show": lobby or not started,
        "url": join_url,
        "code": session.room_code,
        "qr": qr,
        "joined": len(people),
        "by_side": {side.id: sum(1 for p in people if p.side == side.id) for side in session.template.sides},
    }
    return view


def _results(engine: Engine, cfg: ExerciseBase, rule: privacy.Policy, audience: privacy.Audience = "phone") -> dict[str, Any]:
    """The kind's result as this audience may see it (`privacy.redact`), in JSON."""
    data = privacy.redact(engine.result(cfg.id), audience, rule).model_dump(mode="json")
    return KINDS[cfg.kind].for_phone(data)
