"""The joint agenda as JSON: every raw input and every result, for archives and tools.

Top-level shape (keys are sorted in the file; `…` marks kind-specific content)::

    {
      "format": "common-ground/joint-agenda",
      "version": 1,
      "session": {"id", "title", "organisation", "facilitator", "created_at" (epoch
                  seconds), "date" ("2025-05-14", in the export's time zone),
                  "template": {"name", "title", "description", "minutes"}},
      "executives": {"cio", "cmo", "sponsor"},    # who signs the agenda, whom it goes to ("" when not named)
      "records": [{"id", "kind", "text", "owner", "due", "mitigation", "about", "initiative",
                   "accountable", "at", "dropped"}, …],   # decisions, actions, risks; struck-out ones left out
      "sides": [{"id", "label"}, …],              # template order; the first two are the gap pair
      "participants": [{"id", "name", "side", "left"}, …],   # join order; never the token
      "exercises": [                              # agenda order
        {"id", "kind", "title", "prompt", "section", "identity", "reveal", "minutes",
         "config": {…},                           # the kind's own options (statements, dots, …)
         "status", "opened_at", "closed_at", "active_seconds",
         "inputs": {
            "items":       [{"id", "text", "added_by"}],
            "ideas":       [{"id", "text", "author", "side", "at", "theme", "merged_into"}],
            "themes":      [{"id", "name"}],
            "scores":      {participant: {item: value}},   # rating, dots, points, pick (1), choice index
            "places":      {participant: {item: [x, y]}},
            "other":       {participant: text},            # a poll's own answers
            "volunteers":  {target: [participant, …]},
            "comments":    [{"author", "target", "text", "at"}],
            "initiatives": [{"id", "title", "outcome", "kpi", "target", "timeframe",
                             "it_lead", "marketing_lead", "budget_share", "first_step",
                             "status", "source_item"}]
         },
         "result": {…},                           # the kind's result model (`KINDS[kind].result_model`)
         "redacted": {"hidden_ideas": n, "identity": level, "min_answers": k,
                      "withheld_sides": {side: how many answered}}}
      ]
    }

What is redacted, the same way in every format: ideas the facilitator hid (and
ideas withdrawn by their authors) appear neither in `inputs` nor in `result`; the
result is the document's (`privacy.redact`: a person is a name only in a `named`
exercise, None elsewhere; a side with fewer than `min_answers` answers has no
figure); and in an exercise that is not `named` every participant id in `inputs` is
replaced by an alias (`anonymous-1`, … in order of first input), whose side alone
is given in `inputs.sides` (not at all where the exercise is `anonymous`, None for
a withheld side) — so that the participant list cannot be joined back to it.
`results_from_json` loads `result` back into the result models.

Facilitator notes (the talk track) are never exported.
"""

from __future__ import annotations

import json
from datetime import datetime

from ..activities import KINDS
from ..model import FACILITATOR
from .common import View

FORMAT = "common-ground/joint-agenda"
VERSION = 1
COMMON_FIELDS = {"id", "kind", "title", "prompt", "notes", "minutes", "identity", "reveal", "section"}
PERSON_KEYS = ("author", "participant", "added_by")
"""Keys under which results and inputs hold a participant id."""


def render(view: View) -> str:
    return json.dumps(export(view), ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def export(view: View) -> dict:
    session = view.session
    template = session.template
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": {
            "id": session.id,
            "title": session.title,
            "organisation": session.organisation,
            "facilitator": session.facilitator,
            "created_at": session.created_at,
            "date": datetime.fromtimestamp(session.created_at, view.tz).date().isoformat(),
            "template": {
                "name": session.template_name,
                "title": template.title,
                "description": template.description,
                "minutes": template.minutes,
                "planned": template.planned,
                "breaks": [b.model_dump() for b in template.breaks],
                "buffer": template.buffer,
            },
        },
        "executives": session.executives.model_dump(mode="json"),
        "records": [record.model_dump(mode="json") for record in session.records.values() if not record.dropped],
        "sides": [{"id": s.id, "label": s.label} for s in template.sides],
        "participants": [
            {"id": p.id, "name": p.name, "side": p.side, "left": p.left} for p in session.participants.values() if not p.removed
        ],
        "exercises": [_exercise(view, cfg) for cfg in template.exercises],
    }


def exported_result(view: View, exercise_id: str) -> dict:
    """The result as the JSON holds it: the model dump, redacted (see the module doc)."""
    cfg = view.session.exercise(exercise_id)
    data = view.result(exercise_id).model_dump(mode="json")
    if cfg.kind == "brainstorm":
        data["hidden"] = []
    return data


def _exercise(view: View, cfg) -> dict:
    state = view.state(cfg.id)
    hidden = [i for i in state.ideas.values() if i.hidden and not i.withdrawn]
    inputs = {
        "items": [item.model_dump(mode="json") for item in state.items],
        "ideas": [
            idea.model_dump(mode="json", include={"id", "text", "author", "side", "at", "theme", "merged_into"})
            for idea in state.ideas.values()
            if not (idea.hidden or idea.withdrawn)
        ],
        "themes": [theme.model_dump(mode="json") for theme in state.themes.values()],
        "scores": {pid: dict(values) for pid, values in state.scores.items() if values},
        "places": {pid: {item: list(xy) for item, xy in places.items()} for pid, places in state.places.items() if places},
        "other": dict(state.other),
        "volunteers": {target: list(pids) for target, pids in state.volunteers.items() if pids},
        "comments": [comment.model_dump(mode="json") for comment in state.comments],
        "initiatives": [initiative.model_dump(mode="json") for initiative in state.initiatives.values()],
    }
    if not view.named(cfg):
        aliases = _aliases(view, cfg)
        inputs = _rename(inputs, aliases)
        for idea in inputs["ideas"]:
            idea["side"] = view.policy(cfg).side_shown(idea["side"])
        if view.sided(cfg):
            inputs["sides"] = {alias: view.shown_side(pid, cfg) for pid, alias in aliases.items()}
    return {
        "id": cfg.id,
        "kind": cfg.kind,
        "title": cfg.title,
        "prompt": cfg.prompt,
        "section": cfg.section,
        "identity": cfg.identity,
        "reveal": cfg.reveal,
        "minutes": cfg.minutes,
        "config": cfg.model_dump(mode="json", exclude=COMMON_FIELDS),
        "status": state.status,
        "opened_at": state.opened_at,
        "closed_at": state.closed_at,
        "active_seconds": state.active_seconds,
        "inputs": inputs,
        "result": exported_result(view, cfg.id),
        "redacted": {
            "hidden_ideas": len(hidden),
            "identity": cfg.identity,
            "min_answers": view.session.template.min_answers,
            "withheld_sides": dict(view.policy(cfg).withheld),
        },
    }


def _aliases(view: View, cfg) -> dict[str, str]:
    """Participant id → `anonymous-N`, numbered in order of first input."""
    state = view.state(cfg.id)
    seen: list[str] = []
    order = (
        [i.author for i in state.ideas.values() if not (i.hidden or i.withdrawn)]
        + list(state.scores) + list(state.places) + list(state.other)
        + [pid for pids in state.volunteers.values() for pid in pids]
        + [m.author for m in state.comments]
        + [item.added_by for item in state.items if item.added_by]
    )
    for pid in order:
        if pid != FACILITATOR and pid not in seen:
            seen.append(pid)
    return {pid: f"anonymous-{n}" for n, pid in enumerate(seen, 1)}


def _rename(data, aliases: dict[str, str]):
    """A copy of `data` with participant ids replaced: as values under PERSON_KEYS, as
    keys of per-person maps and as members of volunteer lists."""
    if isinstance(data, list):
        return [_rename(value, aliases) for value in data]
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if key in PERSON_KEYS and isinstance(value, str):
            out[key] = aliases.get(value, value)
        elif key in ("scores", "places", "other") and isinstance(value, dict):
            out[key] = {aliases.get(pid, pid): _rename(v, aliases) for pid, v in value.items()}
        elif key == "volunteers" and isinstance(value, dict):
            out[key] = {target: [aliases.get(pid, pid) for pid in pids] for target, pids in value.items()}
        else:
            out[key] = _rename(value, aliases)
    return out


def results_from_json(text: str) -> dict[str, object]:
    """Exercise id → result model, loaded back from an exported JSON document.
    ValueError when the text is not a joint agenda export of a known version."""
    data = json.loads(text)
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError(f"Not a joint agenda export (format {FORMAT!r} version {VERSION}).")
    return {ex["id"]: KINDS[ex["kind"]].result_model.model_validate(ex["result"]) for ex in data["exercises"]}
