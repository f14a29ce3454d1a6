"""One activity kind, one place: every kind in `activities.KINDS` has every surface.

A kind is its module in `workshop/activities/` (exporting `KIND`), its presentation
in `workshop/present/<kind>.py` (the facilitator's screen, the document, the
appendix) and its phone module `workshop/web/kinds/<kind>.js`. These tests fail when
any of them is missing or names no kind, when a `KIND` does not fill the protocol
with the right types, or when a kind's drawings cannot draw a real session.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from rich.console import Console

from workshop import commands, privacy
from workshop.activities import KINDS
from workshop.activities.kind import ActivityKind
from workshop.export.common import View
from workshop.export.document import Block
from workshop.model import ExerciseBase
from workshop.page import load_assets
from workshop.present import DRAWINGS, SHARED, SURFACES

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"
PHONE_SHARED = {"index"}
"""`web/kinds/index.js` registers the phone modules; every other file there is a kind's."""


def test_every_kind_has_every_surface_and_every_surface_module_names_a_kind():
    problems: list[str] = []
    present = {p.stem for p in (PACKAGE / "present").glob("*.py") if p.stem != "__init__" and p.stem not in SHARED}
    phone = {p.stem for p in (PACKAGE / "web" / "kinds").glob("*.js") if p.stem not in PHONE_SHARED}
    listed = load_assets()["/kinds/all.js"].body.decode()  # what the room serves the phone
    for kind in KINDS:
        if kind not in present:
            problems.append(f"{kind}: no workshop/present/{kind}.py")
        elif kind not in SURFACES:
            problems.append(f"{kind}: workshop/present/{kind}.py is not in present.SURFACES")
        else:
            for drawing in DRAWINGS:
                if not callable(getattr(SURFACES[kind], drawing, None)):
                    problems.append(f"{kind}: workshop/present/{kind}.py defines no {drawing}()")
        if kind not in phone:
            problems.append(f"{kind}: no workshop/web/kinds/{kind}.js")
        else:
            source = (PACKAGE / "web" / "kinds" / f"{kind}.js").read_text(encoding="utf-8")
            if not re.search(rf"""export\s+const\s+name\s*=\s*["']{kind}["']""", source):
                problems.append(f'{kind}: web/kinds/{kind}.js does not export const name = "{kind}"')
            if f"./{kind}.js" not in listed:
                problems.append(f"{kind}: the room's /kinds/all.js does not export ./{kind}.js")
    problems += [f"workshop/present/{name}.py names no kind" for name in sorted(present - set(KINDS))]
    problems += [f"workshop/web/kinds/{name}.js names no kind" for name in sorted(phone - set(KINDS))]
    assert list(SURFACES) == [kind for kind in KINDS if kind in SURFACES], "SURFACES follows the order of KINDS"
    assert not problems, "\n".join(problems)


def _is_words(text: object) -> bool:
    """A label a person reads: words (letters, digits, × / - '), single spaces, no
    field names, no leading or trailing space."""
    return (
        isinstance(text, str)
        and bool(re.fullmatch(r"[^\W_][\w×/'’-]*(?: [\w×/'’-]+)*", text))
        and "_" not in text
        and any(ch.isalpha() for ch in text)
    )


def _command_classes(value: object) -> bool:
    return isinstance(value, tuple) and all(
        isinstance(cls, type) and issubclass(cls, commands.Cmd) and getattr(commands, cls.__name__, None) is cls for cls in value
    )


def _return_type(function) -> object:
    annotation = inspect.signature(function).return_annotation
    return eval(annotation, function.__globals__) if isinstance(annotation, str) else annotation  # noqa: S307 - our own annotations


FIELDS = {
    "name": lambda kind, name: kind.name == name,
    "label": lambda kind, name: _is_words(kind.label) and kind.label[0].isupper(),
    "action_word": lambda kind, name: _is_words(kind.action_word) and kind.action_word[0].islower(),
    "noun": lambda kind, name: _is_words(kind.noun) and kind.noun[0].islower(),
    "config": lambda kind, name: isinstance(kind.config, type) and issubclass(kind.config, ExerciseBase),
    "accepts": lambda kind, name: _command_classes(kind.accepts) and len(kind.accepts) > 0,
    "moderation": lambda kind, name: _command_classes(kind.moderation),
    "items_only": lambda kind, name: isinstance(kind.items_only, bool),
    "phone_config": lambda kind, name: isinstance(kind.phone_config, tuple)
    and all(isinstance(field, str) and field in kind.config.model_fields for field in kind.phone_config),
    "result_model": lambda kind, name: isinstance(kind.result_model, type)
    and issubclass(kind.result_model, BaseModel)
    and _return_type(kind.result) is kind.result_model,
    "offers": lambda kind, name: kind.offers is None
    or (callable(kind.offers) and len(inspect.signature(kind.offers).parameters) == 4),
    "identity": lambda kind, name: kind.identity in ("named", "side", "anonymous"),
    # What it does is proven in tests/test_demo.py: the demo's phones, in every exercise.
    "simulate": lambda kind, name: callable(kind.simulate) and len(inspect.signature(kind.simulate).parameters) == 3,
}
"""How each data field of `ActivityKind` is checked (a new field needs a line here)."""
METHODS = [name for name, member in vars(ActivityKind).items() if inspect.isfunction(member) and not name.startswith("_")]


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_fills_every_field_of_the_protocol_with_the_right_type(name):
    kind = KINDS[name]
    fields = [field for field, member in vars(ActivityKind).items() if isinstance(member, property) and not field.startswith("_")]
    assert set(fields) == set(FIELDS), f"ActivityKind's fields changed: check {sorted(set(fields) ^ set(FIELDS))} here"
    wrong = [field for field in fields if not hasattr(kind, field) or not FIELDS[field](kind, name)]
    assert not wrong, f"{name}: {wrong} missing or of the wrong type"
    assert METHODS, "ActivityKind declares its methods"
    for method in METHODS:
        expected = len(inspect.signature(getattr(ActivityKind, method)).parameters) - 1  # less self
        function = getattr(kind, method, None)
        assert callable(function), f"{name}: no {method}"
        assert len(inspect.signature(function).parameters) == expected, f"{name}.{method} takes {expected} arguments"


# A tiny exercise of each kind and a few commands for it, from two people on the two
# sides of the gap pair: `run(room, ex, it, marketing)` sends them through the engine.


def _scale(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Rate(exercise=ex, item=items[0], value=5))
    room.accepts(mk, commands.Rate(exercise=ex, item=items[0], value=1))
    room.accepts(mk, commands.Rate(exercise=ex, item=items[1], value=3))


def _brainstorm(room, ex, it, mk):
    first = room.accepts(it, commands.SubmitIdea(exercise=ex, text="Shared roadmap")).events[0].body.idea.id
    second = room.accepts(mk, commands.SubmitIdea(exercise=ex, text="Joint customer interviews")).events[0].body.idea.id
    rude = room.accepts(mk, commands.SubmitIdea(exercise=ex, text="Something rude")).events[0].body.idea.id
    room.run(commands.GroupIdeas(exercise=ex, ideas=[first, second], theme="Together"))
    room.run(commands.HideIdea(exercise=ex, idea=rude))


def _dotvote(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Vote(exercise=ex, item=items[0]))
    room.accepts(it, commands.Vote(exercise=ex, item=items[0]))
    room.accepts(mk, commands.Vote(exercise=ex, item=items[1]))


def _poll(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Pick(exercise=ex, items=[items[0]]))
    room.accepts(mk, commands.Pick(exercise=ex, items=[], other="A rotation scheme"))


def _allocate(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Allocate(exercise=ex, points={items[0]: 80, items[1]: 20}))
    room.accepts(mk, commands.Allocate(exercise=ex, points={items[0]: 10, items[1]: 90}))


def _matrix(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Place(exercise=ex, item=items[0], x=5, y=1))
    room.accepts(mk, commands.Place(exercise=ex, item=items[0], x=1, y=5))
    room.accepts(mk, commands.Place(exercise=ex, item=items[1], x=4, y=4))


def _ownership(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.ChooseOwner(exercise=ex, item=items[0], choice=0))
    room.accepts(mk, commands.ChooseOwner(exercise=ex, item=items[0], choice=1))
    room.accepts(mk, commands.ChooseOwner(exercise=ex, item=items[1], choice=2))


def _initiatives(room, ex, it, mk):
    items = room.items(ex)
    room.accepts(it, commands.Volunteer(exercise=ex, target=items[0]))
    room.accepts(mk, commands.Comment(exercise=ex, target=items[0], text="Start with one market."))
    drafted = room.run(commands.DraftInitiative(exercise=ex, title="Loyalty app", source_item=items[0])).events[0].body.initiative.id
    room.run(commands.UpdateInitiative(exercise=ex, initiative=drafted, fields={
        "kpi": "Retention", "timeframe": "Q3", "it_lead": "Platform team", "marketing_lead": "Brand team",
    }))
    room.run(commands.SetInitiativeStatus(exercise=ex, initiative=drafted, status="agreed"))
    parked = room.run(commands.DraftInitiative(exercise=ex, title="Data lake")).events[0].body.initiative.id
    room.run(commands.SetInitiativeStatus(exercise=ex, initiative=parked, status="parked"))


def _rank(room, ex, it, marketing):
    ids = room.items(ex)
    room.accepts(it, commands.Pick(exercise=ex, items=ids))
    room.accepts(marketing, commands.Pick(exercise=ex, items=list(reversed(ids))))


SCENARIOS = {
    "scale": ({"kind": "scale", "statements": ["We share goals", "We trust each other"]}, _scale),
    "brainstorm": ({"kind": "brainstorm"}, _brainstorm),
    "dotvote": ({"kind": "dotvote", "options": ["Speed", "Budget"]}, _dotvote),
    "poll": ({"kind": "poll", "options": ["Joint reviews", "Informal time"], "other": True}, _poll),
    "allocate": ({"kind": "allocate", "options": ["Data platform", "Campaign tools"]}, _allocate),
    "matrix": ({"kind": "matrix", "options": ["Loyalty app", "Data lake"]}, _matrix),
    "ownership": ({"kind": "ownership", "rows": ["Data privacy", "Customer UX"]}, _ownership),
    "initiatives": ({"kind": "initiatives", "options": ["Loyalty app", "Shared KPI dashboard"]}, _initiatives),
    "rank": ({"kind": "rank", "options": ["Loyalty app", "Data lake", "Pop-up stores"]}, _rank),
}
"""Kind → (its exercise table, the commands run on it). A new kind adds a line."""


@pytest.mark.parametrize("identity", ["named", "side", "anonymous"])
@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_draws_a_real_session_on_every_surface(make_room, name, identity):
    assert name in SCENARIOS, f"add a tiny exercise of kind {name!r} and a few commands for it to SCENARIOS"
    table, run = SCENARIOS[name]
    room = make_room({"id": "ex", "identity": identity, **table})
    it, marketing = room.join(side="it", name="Ana Quill"), room.join(side="marketing", name="Mo Brandt")
    room.open("ex")
    run(room, "ex", it, marketing)
    session, drawings = room.session, SURFACES[name]

    cfg = session.exercise("ex")
    for presentation in (False, True):
        audience = "projector" if presentation else "facilitator"
        result = privacy.redact(room.engine.result("ex"), audience, privacy.policy(session, cfg))
        console = Console(record=True, width=100, color_system=None)
        console.print(drawings.tui(session, cfg, result, presentation))
        shown = console.export_text()
        assert shown.strip(), f"{name}: the facilitator's screen shows nothing"
        if identity != "named":
            assert "Quill" not in shown and "Brandt" not in shown, f"{name}: a {identity} exercise names a person on the {audience}'s screen"

    view = View(room.engine)
    document = drawings.document(view, cfg)
    raw = drawings.raw(view, cfg)
    assert document and all(isinstance(block, Block) for block in document), f"{name}: no document blocks"
    assert raw and all(isinstance(block, Block) for block in raw), f"{name}: inputs were given, the appendix shows none"
    if identity != "named":
        shown = repr(document) + repr(raw)
        assert "Quill" not in shown and "Brandt" not in shown, f"{name}: a {identity} exercise names a person"
