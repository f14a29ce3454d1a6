"""Privacy, on every surface: who can be seen with an answer, and which sides have figures.

`workshop.privacy` decides it in one place; this file checks what actually reaches
people. Random sessions (the commands of tests/test_properties.py, sent by people
with distinctive names on sides of different sizes, to an agenda of every kind
whose identity levels and `min_answers` k are drawn) are rendered, exercise by
exercise, for every audience: the phone view with its results revealed, the
facilitator's screen, the projector, the document's blocks for the kind (result and
raw inputs, and the document's own parts for the exercise), and the exercise's
entry in the JSON export. Then:

- a `side` or `anonymous` exercise shows no participant's name anywhere, and no
  surface shows a participant id (JSON inputs of a `named` exercise aside);
- an `anonymous` exercise puts no side beside one person's input (the `side` of an
  idea, a champion, a comment, an "Other" answer) on the phone or in the JSON;
- a side with 1..k-1 respondents — counted here from the state (people, never the
  facilitator, never someone taken off the roster), independently of
  `privacy.withheld_sides`, which must agree — has no figure: it is no key of a
  per-side map (or one without a value) and no input's side in the phone results or
  the JSON result (only the lists that name the withheld sides say it); a scale that
  compares with an earlier one gives a side's before, after and shift only where k
  of its people rated the statement both times; and while either of the first two
  sides is withheld no gap between them is given or flagged;
- every surface renders every exercise, whatever was withheld, and so do the whole
  documents.

Then stories in plain words: a lone "Other" at a check-in with k = 3; a named
initiatives exercise beside a scale answered by side; a poll's own-words answer; a
check-out compared with a check-in where a side was withheld; an idea the
facilitator files under a side; a person taken off the roster; a withheld side
shown as a zero.
"""

from __future__ import annotations

import io
import json
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tests.test_properties import AGENDA as PROPERTY_AGENDA
from tests.test_properties import ANSWER, CURRENT, MODERATE, answers, moderation, weighted
from workshop import commands as c
from workshop import privacy
from workshop.activities import ALL, counted
from workshop.engine import Engine
from workshop.export import annex_markdown, to_html, to_json, to_markdown
from workshop.export.build import build as build_document
from workshop.export.common import View
from workshop.export.json import export as export_json
from workshop.model import FACILITATOR, IDENTITIES
from workshop.present import SURFACES
from workshop.tui.results import render
from workshop.views import room_view

# ----------------------------------------------------------------------------- the room

AGENDA = [*PROPERTY_AGENDA, {"id": "order", "kind": "rank", "options": ["Apps", "Data", "AI"]}]
"""Every kind: the property tests' agenda and a ranking."""
KIND_OF = {ex["id"]: ex["kind"] for ex in AGENDA}
SIDES = ("it", "marketing", "other")
"""The default template's sides; the first two are the pair whose gap is flagged."""

NAMES = (
    "Zora Quillfeather", "Bram Oxley", "Ines Vantongeren", "Odile Marchbank", "Kasimir Thorne",
    "Yusra Pelletier", "Wendell Abernathy", "Fenna Drummond", "Ottilie Crane", "Leopold Hawksworth",
)
"""Names nobody could mistake for any other text of a session: the people join with
the first ones and may rename themselves to any."""
NAME_WORDS = sorted({word for name in NAMES for word in name.split()})
TOKENS = [f"t{n}" for n in range(1, 10)]
PHONES = [f"p{n}" for n in range(1, 10)]
"""The ids the engine gives, in joining order (`Engine._joining`): whom the facilitator
moves or takes off the roster. A phone's own commands draw one of the people in the room."""

VALID = "give a valid answer to the current exercise"
"""Placeholder command, like test_properties' ANSWER: an input the current exercise's
rules accept (mostly), so that sides fill up; ANSWER sends anything at all."""
ITEM = st.sampled_from(["i1", "i2", "i3"])
TARGET = st.sampled_from(["i1", "i2", "j1"])
order = st.permutations(["i1", "i2", "i3"]).map(list)
VALID_NOW = {
    "scale": st.builds(c.Rate, exercise=st.just(CURRENT), item=st.sampled_from(["i1", "i2"]), value=st.integers(1, 3)),
    "brainstorm": st.builds(c.SubmitIdea, exercise=st.just(CURRENT), text=st.sampled_from(["Speed", "Trust", "One view", "Shared data"])),
    "dotvote": st.builds(c.Vote, exercise=st.just(CURRENT), item=ITEM),
    "poll": st.one_of(
        st.builds(c.Pick, exercise=st.just(CURRENT), items=ITEM.map(lambda item: [item])),
        st.builds(c.Pick, exercise=st.just(CURRENT), other=st.sampled_from(["Walk together", "Pair up"])),
    ),
    "allocate": st.builds(c.Allocate, exercise=st.just(CURRENT), points=st.integers(0, 10).map(lambda a: {"i1": a, "i2": 10 - a, "i3": 0})),
    "matrix": st.builds(c.Place, exercise=st.just(CURRENT), item=st.sampled_from(["i1", "i2"]), x=st.integers(1, 3), y=st.integers(1, 3)),
    "ownership": st.builds(c.ChooseOwner, exercise=st.just(CURRENT), item=st.sampled_from(["i1", "i2"]), choice=st.integers(0, 2)),
    "initiatives": st.one_of(
        st.builds(c.Volunteer, exercise=st.just(CURRENT), target=TARGET),
        st.builds(c.Comment, exercise=st.just(CURRENT), target=TARGET, text=st.sampled_from(["Count me in", "Too costly"])),
    ),
    "rank": st.builds(c.Pick, exercise=st.just(CURRENT), items=order),
}
ANSWERS_NOW = answers(st.just(CURRENT)) | {
    "rank": st.builds(c.Pick, exercise=st.just(CURRENT), items=st.one_of(order, st.lists(st.sampled_from(["i1", "i2", "i4"]), max_size=3))),
}
MODERATION_NOW = moderation(st.just(CURRENT))
any_exercise = st.sampled_from([CURRENT, *KIND_OF])

participant_commands = weighted(
    (10, st.just(VALID)),
    (6, st.just(ANSWER)),
    (1, st.builds(c.Rename, name=st.sampled_from(["", *NAMES]), side=st.sampled_from([None, *SIDES]))),
    (1, st.just(c.Leave())),
)
facilitator_commands = weighted(
    (6, st.builds(c.Open, exercise=any_exercise)),
    (1, st.builds(c.Close, exercise=any_exercise)),
    (2, st.just(c.Next())),
    (1, st.builds(c.Reveal, exercise=any_exercise, revealed=st.booleans())),
    (4, st.just(MODERATE)),
    (1, st.builds(c.MoveParticipant, participant=st.sampled_from(PHONES[:5]), side=st.sampled_from(SIDES))),
    (1, st.builds(c.RemoveParticipant, participant=st.sampled_from(PHONES[:5]), removed=st.booleans())),
)
joins = st.builds(
    lambda token, side, name: (token, c.Join(name=name, side=side, token=token)),
    st.sampled_from(TOKENS), st.sampled_from(SIDES), st.sampled_from(NAMES),
)
steps = st.tuples(
    weighted(
        (14, st.tuples(st.integers(0, 9), participant_commands)),
        (4, st.tuples(st.just(FACILITATOR), facilitator_commands)),
        (1, joins),
    ),
    st.sampled_from([0.0, 0.5, 5.0, 61.0]),
)


@st.composite
def sessions(draw):
    """(k, identity per exercise, the side of each person joining first, the opening
    exercise, the script). Sides get different sizes: often one or two people on a
    side, so that some sides have fewer than k respondents and some do not."""
    k = draw(st.integers(1, 4))
    identities = draw(st.lists(st.sampled_from(IDENTITIES), min_size=len(AGENDA), max_size=len(AGENDA)))
    sizes = draw(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2)).filter(lambda s: sum(s) >= 2))
    roster = [side for side, n in zip(SIDES, sizes, strict=True) for _ in range(n)]
    roster = draw(st.permutations(roster))
    opening = draw(st.sampled_from([*KIND_OF]))
    script = draw(st.lists(steps, min_size=20, max_size=90))
    return k, identities, roster, opening, script


def start(make_room, k: int, identities, roster) -> object:
    exercises = [{**ex, "identity": identity} for ex, identity in zip(AGENDA, identities, strict=True)]
    room = make_room(*exercises, min_answers=k)
    for n, side in enumerate(roster):
        room.accepts(TOKENS[n], c.Join(name=NAMES[n], side=side, token=TOKENS[n]), cmd_id="hello")
    return room


def resolve(room, command, data):
    kind = room.session.current_exercise.kind
    if command == VALID:
        command = data.draw(VALID_NOW[kind])
    elif command == ANSWER:
        command = data.draw(ANSWERS_NOW[kind])
    elif command == MODERATE:
        command = data.draw(MODERATION_NOW.get(kind, st.just(c.Next())))
    if getattr(command, "exercise", None) == CURRENT:
        return command.model_copy(update={"exercise": room.session.current_exercise.id})
    return command


def play(room, opening: str, script, data) -> None:
    """Open the first exercise, then send every step (refusals are part of the game).
    A phone is drawn as a number: one of the people in the room, or (9) nobody's."""
    room.run(c.Open(exercise=opening), cmd_id="start")
    now = room.now
    for n, ((actor, command), dt) in enumerate(script):
        now += dt
        if isinstance(actor, int):
            people = list(room.session.participants)
            actor = people[actor % len(people)] if actor < 9 else "p99"
        room.send(actor, resolve(room, command, data), now=now, cmd_id=f"step-{n}")


# ----------------------------------------------------------------------------- what reaches people


@dataclass
class Surfaces:
    """Everything one exercise shows. `texts`: per surface, what a person reads there
    (the phone view as JSON, the screens' text, the reprs of document blocks, the JSON
    export's entry); `phone` and `exported`: the phone view and the JSON export's entry
    as data; `crashes`: per surface, the end of the traceback where drawing it failed."""

    texts: dict[str, str] = field(default_factory=dict)
    phone: dict | None = None
    exported: dict | None = None
    crashes: dict[str, str] = field(default_factory=dict)

    def run(self, surface: str, draw, *args, **kwargs):
        """`draw(*args, **kwargs)`, or None with the crash noted under `surface`."""
        try:
            return draw(*args, **kwargs)
        except Exception:  # every crash is reported by the test that nothing crashes
            self.crashes[surface] = "".join(traceback.format_exc().splitlines(keepends=True)[-6:])
            return None


def text_of(renderable) -> str:
    """What a Rich renderable shows on a 120-column screen, as plain text."""
    console = Console(record=True, width=120, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def screen(session, exercise_id: str, presentation: bool) -> str:
    return text_of(render(session, exercise_id, presentation=presentation))


WHOLE = "(the whole document)"


def phone_views(room) -> dict[str, Surfaces]:
    """On a copy of the room: each exercise made current (opened) and revealed, then the
    view every phone gets."""
    engine = Engine.replay(room.events)
    now = room.now + 1
    out: dict[str, Surfaces] = {}
    for n, cfg in enumerate(engine.session.template.exercises):
        surfaces = out.setdefault(cfg.id, Surfaces())
        state = engine.session.exercises[cfg.id]
        if not (engine.session.current_exercise.id == cfg.id and state.status == "open"):
            assert not engine.handle(FACILITATOR, f"open-{n}", c.Open(exercise=cfg.id), now).repeated
        engine.handle(FACILITATOR, f"reveal-{n}", c.Reveal(exercise=cfg.id), now)
        view = surfaces.run("phone", room_view, engine, now)
        if view is not None:
            assert view["exercise"]["id"] == cfg.id and view["exercise"]["results"] is not None
            surfaces.phone = view
            surfaces.texts["phone"] = json.dumps(view, ensure_ascii=False)
    return out


def everything(room) -> dict[str, Surfaces]:
    """Every surface of every exercise of the room as the script left it; under the key
    WHOLE, the crashes of the whole documents (Markdown, HTML, JSON)."""
    out = phone_views(room)
    session = room.session
    view = View(room.engine)
    whole = out[WHOLE] = Surfaces()
    document = whole.run("document tree", build_document, view)
    exported = whole.run("JSON export", export_json, View(room.engine))
    for fmt, write in (("Markdown", to_markdown), ("HTML", to_html), ("JSON", to_json)):
        whole.run(fmt, write, room.engine)
    for cfg in session.template.exercises:
        surfaces = out[cfg.id]
        for audience, presentation in (("facilitator", False), ("projector", True)):
            text = surfaces.run(audience, screen, session, cfg.id, presentation)
            if text is not None:
                surfaces.texts[audience] = text
        for drawing in ("document", "raw"):
            blocks = surfaces.run(f"{drawing} blocks", getattr(SURFACES[cfg.kind], drawing), view, cfg)
            if blocks is not None:
                surfaces.texts[f"{drawing} blocks"] = repr(blocks)
        if document is not None:
            parts = [part for section in document.sections for part in section.parts if part.key.endswith(f"-{cfg.id}")]
            surfaces.texts["document parts"] = repr(parts)
        if exported is not None:
            entry = next(e for e in exported["exercises"] if e["id"] == cfg.id)
            surfaces.exported = entry
            surfaces.texts["json export"] = json.dumps(entry, ensure_ascii=False)
    return out


def exercises(room):
    """(cfg, surfaces) of every exercise, in agenda order."""
    out = everything(room)
    return [(cfg, out[cfg.id]) for cfg in room.session.template.exercises]


# ----------------------------------------------------------------------------- the reference count


def respondents(session, state) -> dict[str, set[str]]:
    """side → the people (never the facilitator, never someone taken off the roster)
    with an input that counts in this state, under the side it counts for: a person's
    side when they first answered here (else their side now), an idea's own side.
    Written from the state's fields, not from `privacy`."""
    people = session.participants
    per_side: dict[str, set[str]] = defaultdict(set)

    def add(pid: str, side: str | None) -> None:
        person = people.get(pid)
        if person is not None and not person.removed and side is not None:
            per_side[side].add(pid)

    def side(pid: str) -> str | None:
        return state.sides[pid] if pid in state.sides else (people[pid].side if pid in people else None)

    answered = [pid for pid, s in state.scores.items() if s] + [pid for pid, p in state.places.items() if p] + list(state.other)
    answered += [pid for pids in state.volunteers.values() for pid in pids] + [m.author for m in state.comments]
    for pid in answered:
        add(pid, side(pid))
    for idea in state.ideas.values():
        if not idea.withdrawn and idea.author != FACILITATOR:
            add(idea.author, idea.side)
    return per_side


def small_sides(session, exercise_id: str) -> dict[str, int]:
    k = session.template.min_answers
    counts = {side: len(people) for side, people in respondents(session, session.exercises[exercise_id]).items()}
    return {side: n for side, n in counts.items() if 0 < n < k}


# ----------------------------------------------------------------------------- walking the dumps


def walk(data, path: str = ""):
    """Every (path, dict) inside `data`."""
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(data, list):
        for n, value in enumerate(data):
            yield from walk(value, f"{path}[{n}]")


def per_side_maps(data):
    """(path, map) for every dict keyed by sides (and the room, `all`)."""
    for path, d in walk(data):
        if d and set(d) <= {*SIDES, ALL}:
            yield path, d


def ones_sides(data):
    """(path, value) of every `side` field: the side beside one person's input."""
    for path, d in walk(data):
        if "side" in d:
            yield f"{path}.side", d["side"]


def leaks(text: str, words) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def pair_withheld(withheld) -> bool:
    return bool(set(SIDES[:2]) & set(withheld))


def rated_both(session, cfg, index: int) -> Counter:
    """A scale that compares with an earlier one: side → how many people (as this scale
    counts their side) rated its statement number `index` in both. Its before, after and
    shift per side are those people's: a side needs k of them."""
    now, then = session.exercises[cfg.id], session.exercises[cfg.compare_with]
    if index >= len(now.items) or index >= len(then.items):
        return Counter()
    item, earlier = now.items[index].id, then.items[index].id
    both: Counter = Counter()
    for pid, scores in now.scores.items():
        person = session.participants.get(pid)
        if person is not None and not person.removed and item in scores and earlier in then.scores.get(pid, {}):
            both[now.sides.get(pid, person.side)] += 1
    return both


# ----------------------------------------------------------------------------- the properties

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def played(make_room, drawn, data):
    k, identities, roster, opening, script = drawn
    room = start(make_room, k, identities, roster)
    play(room, opening, script, data)
    return room


def described(cfg, session, withheld=None) -> str:
    """"pulse (scale, identity side, k=2, withheld ['other'])": where a failure is."""
    more = f", withheld {sorted(withheld)}" if withheld is not None else ""
    return f"{cfg.id} ({cfg.kind}, identity {cfg.identity}, k={session.template.min_answers}{more})"


@SETTINGS
@given(drawn=sessions(), data=st.data())
def test_every_surface_renders_every_exercise_whatever_is_withheld(make_room, drawn, data):
    room = played(make_room, drawn, data)
    session = room.session
    out = everything(room)
    crashes = [
        f"{described(session.exercise(key), session, small_sides(session, key)) if key != WHOLE else key} on {surface}:\n{trace}"
        for key, surfaces in out.items()
        for surface, trace in surfaces.crashes.items()
    ]
    assert not crashes, "\n".join(crashes)


@SETTINGS
@given(drawn=sessions(), data=st.data())
def test_no_surface_names_a_person_where_the_exercise_is_not_named_and_none_shows_an_id(make_room, drawn, data):
    room = played(make_room, drawn, data)
    session = room.session
    pids = sorted(session.participants)
    for cfg, surfaces in exercises(room):
        for surface, text in surfaces.texts.items():
            where = f"{described(cfg, session)} on {surface}"
            if cfg.identity != "named":
                assert not leaks(text, NAME_WORDS), f"{where} shows a name: {leaks(text, NAME_WORDS)}\n{text}"
            if cfg.identity != "named" or surface != "json export":  # a named exercise's JSON inputs hold ids by design
                assert not leaks(text, pids), f"{where} shows a participant id: {leaks(text, pids)}\n{text}"
        if cfg.identity == "named" and surfaces.exported is not None:
            result = json.dumps(surfaces.exported["result"])
            assert not leaks(result, pids), f"{described(cfg, session)}: the JSON result shows a participant id\n{result}"


@SETTINGS
@given(drawn=sessions(), data=st.data())
def test_an_anonymous_exercise_puts_no_side_beside_anyones_input(make_room, drawn, data):
    room = played(make_room, drawn, data)
    session = room.session
    for cfg, surfaces in exercises(room):
        if cfg.identity != "anonymous":
            continue
        dumps = {"phone": surfaces.phone and surfaces.phone["exercise"]["results"], "json export": surfaces.exported}
        for surface, dump in dumps.items():
            for path, value in ones_sides(dump):
                assert value is None, f"{described(cfg, session)} on {surface}: {path} = {value!r}"
        if surfaces.exported is not None:
            assert "sides" not in surfaces.exported["inputs"], f"{described(cfg, session)}: the JSON inputs give sides"


@SETTINGS
@given(drawn=sessions(), data=st.data())
def test_the_withheld_sides_are_those_with_fewer_than_k_respondents(make_room, drawn, data):
    room = played(make_room, drawn, data)
    session = room.session
    for cfg in session.template.exercises:
        state = counted(session, session.exercises[cfg.id])
        found = privacy.withheld_sides(session, cfg, state)
        reference = small_sides(session, cfg.id)
        assert found == reference, (
            f"{described(cfg, session)}: privacy withholds {found}, the state says {reference}; privacy counts "
            f"{privacy.respondents(session, cfg, state)}, this test {dict(respondents(session, session.exercises[cfg.id]))}"
        )


GAPS = ("gap", "distance", "apart")
"""The fields that hold a figure of the first side against the second."""
FLAGS = ("flagged", "differ")
"""The fields that flag a difference between the first two sides."""


@SETTINGS
@given(drawn=sessions(), data=st.data())
def test_a_side_with_fewer_than_k_respondents_has_no_figure_and_no_flagged_gap(make_room, drawn, data):
    room = played(make_room, drawn, data)
    session = room.session
    for cfg, surfaces in exercises(room):
        said = privacy.withheld_sides(session, cfg, counted(session, session.exercises[cfg.id]))
        withheld = set(small_sides(session, cfg.id)) | set(said)  # this test's count, and the code's (see the test above)
        phone = surfaces.phone and surfaces.phone["exercise"]
        if phone is not None:
            assert set(phone["withheld"]) == set(said), f"{described(cfg, session, said)}: the phone names {phone['withheld']} as withheld"
        if surfaces.exported is not None:
            assert surfaces.exported["redacted"]["withheld_sides"] == said, f"{described(cfg, session, said)}: {surfaces.exported['redacted']}"
            for alias, side in surfaces.exported["inputs"].get("sides", {}).items():
                assert side not in withheld, f"{described(cfg, session, withheld)}: JSON inputs.sides[{alias!r}] = {side!r}"
        dumps = {"phone": phone and phone["results"], "json export": surfaces.exported and surfaces.exported["result"]}
        for surface, dump in dumps.items():
            where = f"{described(cfg, session, withheld)} on {surface}"
            for path, side_map in per_side_maps(dump):
                if compared := re.fullmatch(r"\.statements\[(\d+)\]\.(before|after|shift|matched)", path):
                    both = rated_both(session, cfg, int(compared[1]))
                    figures = {side for side, value in side_map.items() if side != ALL and value is not None and (compared[2] != "matched" or value > 0)}
                    few = {side for side in figures if both[side] < session.template.min_answers}
                    assert not few, f"{where}: {path} = {side_map}, but only {dict(both)} rated it both times"
                else:
                    shown = {side for side, value in side_map.items() if side in withheld and value is not None}
                    assert not shown, f"{where}: {path} = {side_map}"
            for path, value in ones_sides(dump):
                assert value not in withheld, f"{where}: {path} = {value!r}"
            if pair_withheld(withheld):
                for path, d in walk(dump):
                    assert not any(d.get(key) for key in FLAGS), f"{where}: {path} is flagged: {d}"
                    assert all(d.get(key) is None for key in GAPS), f"{where}: {path} has a gap: {d}"


# ----------------------------------------------------------------------------- stories

CHECK_IN = {"id": "check-in", "kind": "scale", "title": "Check-in", "statements": ["We share goals", "We trust each other"], "max": 5, "identity": "side"}
PLAN = {"id": "plan", "kind": "initiatives", "title": "Joint initiatives", "options": ["Loyalty app"], "identity": "named"}


def test_a_lone_other_at_a_check_in_is_counted_in_the_room_but_has_no_mean_of_its_own(make_room):
    """k = 3. Three from IT and three from Marketing rate the check-in, and one person
    from Other: the room's mean counts all seven, Other gets no mean anywhere, and the
    facilitator's screen says why."""
    room = make_room(CHECK_IN, min_answers=3)
    people = [room.join(side, name) for side, name in zip(["it"] * 3 + ["marketing"] * 3 + ["other"], NAMES, strict=False)]
    room.open("check-in")
    for n, pid in enumerate(people):
        for item in room.items("check-in"):
            room.accepts(pid, c.Rate(exercise="check-in", item=item, value=5 if pid == people[-1] else 1 + n % 3))
    room.run(c.Close(exercise="check-in"))

    screen = text_of(render(room.session, "check-in"))
    assert "Other: fewer than 3 answers, so its figures are not shown." in screen
    other_lines = [line for line in screen.splitlines() if line.strip().startswith("Other") and "fewer than" not in line]
    assert all(re.search(r"\d\.\d", line) is None for line in other_lines), other_lines  # no "Other ███ 5.0"
    assert "7 answers" in screen

    result = room.engine.result("check-in")
    assert all("other" not in st.mean and "other" not in st.n for st in result.statements)
    assert all(st.n[ALL] == 7 for st in result.statements)

    view = room_view(room.engine, room.now)["exercise"]
    assert view["withheld"] == ["other"]
    assert all("other" not in st["mean"] for st in view["results"]["statements"])

    markdown = annex_markdown(room.engine)  # an exercise with no section: its result is in the annex
    assert "Other: fewer than 3 answers, so its figures are not shown." in markdown
    entry = json.loads(to_json(room.engine))["exercises"][0]
    assert entry["redacted"]["withheld_sides"] == {"other": 1}
    assert all("other" not in st["mean"] for st in entry["result"]["statements"])


def test_a_named_initiative_shows_its_champion_but_a_scale_by_side_never_names_anyone(make_room):
    """The same room, k = 1: the initiatives exercise is named, so the document says who
    champions the loyalty app; the check-in is answered by side, so its appendix lists
    sides and ratings, never a name."""
    room = make_room(CHECK_IN, PLAN, min_answers=1)
    zora = room.join("it", "Zora Quillfeather")
    bram = room.join("marketing", "Bram Oxley")
    room.open("check-in")
    for pid in (zora, bram):
        for item in room.items("check-in"):
            room.accepts(pid, c.Rate(exercise="check-in", item=item, value=4))
    room.open("plan")
    room.accepts(zora, c.Volunteer(exercise="plan", target=room.items("plan")[0]))
    room.accepts(bram, c.Comment(exercise="plan", target=room.items("plan")[0], text="Start with the app"))

    view = View(room.engine)
    plan = room.session.exercise("plan")
    champions = repr(SURFACES["initiatives"].document(view, plan)) + repr(SURFACES["initiatives"].raw(view, plan))
    assert "Zora Quillfeather" in champions

    appendix = annex_markdown(room.engine)
    check_in = appendix[appendix.index("Check-in"):appendix.index("Joint initiatives")]
    assert "Every input" in check_in
    assert "IT" in check_in and "Marketing" in check_in
    assert not leaks(check_in, NAME_WORDS), check_in
    assert "Zora Quillfeather" in appendix[appendix.index("Joint initiatives"):]

    screen = text_of(render(room.session, "check-in"))
    assert not leaks(screen, NAME_WORDS) and not leaks(screen, [zora, bram])


@pytest.mark.parametrize("identity", ["side", "anonymous"])
def test_a_poll_answer_in_your_own_words_is_never_signed(make_room, identity):
    """An "Other" answer in a poll that is not named shows no name on any surface; in
    an anonymous one not even the side."""
    poll = {"id": "poll", "kind": "poll", "options": ["Reviews", "Lunch"], "other": True, "identity": identity, "reveal": "live"}
    room = make_room(poll, min_answers=1)
    zora = room.join("it", "Zora Quillfeather")
    room.open("poll")
    room.accepts(zora, c.Pick(exercise="poll", other="Walk together"))

    phone = room_view(room.engine, room.now)["exercise"]["results"]
    assert phone["other"] == [{"text": "Walk together", "side": "it" if identity == "side" else None}]
    entry = json.loads(to_json(room.engine))["exercises"][0]
    assert entry["result"]["other"] == [{"text": "Walk together", "side": "it" if identity == "side" else None, "author": None}]
    for text in (text_of(render(room.session, "poll")), repr(SURFACES["poll"].raw(View(room.engine), room.session.exercise("poll")))):
        assert "Walk together" in text
        assert not leaks(text, ["Zora", "Quillfeather", zora]), text


CHECK_OUT = {"id": "check-out", "kind": "scale", "title": "Check-out", "statements": ["We share goals", "We trust each other"], "max": 5, "compare_with": "check-in", "identity": "side"}


def test_a_check_out_shows_no_before_figure_for_a_side_withheld_at_the_check_in(make_room):
    """k = 3. Only one person from Other came to the check-in (they rated 5); two more
    arrived for the check-out, where Other has three answers and its own mean. The
    check-out's "before" is the check-in's figures: Other had none there, so neither the
    before nor the shift may show the lone person's 5."""
    room = make_room(CHECK_IN, CHECK_OUT, min_answers=3)
    it = [room.join("it", name) for name in NAMES[:3]]
    marketing = [room.join("marketing", name) for name in NAMES[3:6]]
    lone = room.join("other", NAMES[6])
    room.open("check-in")
    for pid in [*it, *marketing, lone]:
        for item in room.items("check-in"):
            room.accepts(pid, c.Rate(exercise="check-in", item=item, value=5 if pid == lone else 2))
    late = [room.join("other", name) for name in NAMES[7:9]]
    room.open("check-out")
    for pid in [*it, *marketing, lone, *late]:
        for item in room.items("check-out"):
            room.accepts(pid, c.Rate(exercise="check-out", item=item, value=3))
    room.run(c.Close(exercise="check-out"))
    session = room.session
    assert privacy.withheld_sides(session, session.exercise("check-in"), session.exercises["check-in"]) == {"other": 1}
    assert privacy.withheld_sides(session, session.exercise("check-out"), session.exercises["check-out"]) == {}

    for st_ in room.engine.result("check-out").statements:
        assert st_.mean["other"] == 3.0
        assert (st_.before or {}).get("other") is None, f"the check-in's lone Other shows as before: {st_.before}"
        assert (st_.shift or {}).get("other") is None, f"the check-in's lone Other shows in the shift: {st_.shift}"
    phone = room_view(room.engine, room.now)["exercise"]["results"]
    assert all((st_["before"] or {}).get("other") is None for st_ in phone["statements"]), phone["statements"]
    markdown = to_markdown(room.engine) + annex_markdown(room.engine)
    assert "5.0" not in markdown, [line for line in markdown.splitlines() if "5.0" in line]
    screen = text_of(render(session, "check-out"))
    assert "since check-in" not in "\n".join(line for line in screen.splitlines() if line.strip().startswith("Other")), screen


BRAINSTORM = {"id": "ideas", "kind": "brainstorm", "title": "Ideas", "identity": "side", "reveal": "live"}


def test_an_idea_the_facilitator_writes_for_a_side_does_not_make_it_one_of_that_sides_people(make_room):
    """k = 2. Zora is the only person from IT. The facilitator types an idea said aloud
    and files it under IT: that does not make two IT people, so IT is still withheld and
    Zora's idea carries no IT chip (the room knows which idea was the facilitator's)."""
    room = make_room(BRAINSTORM, min_answers=2)
    zora = room.join("it", "Zora Quillfeather")
    bram, ines = room.join("marketing", "Bram Oxley"), room.join("marketing", "Ines Vantongeren")
    room.open("ideas")
    room.run(c.SubmitIdea(exercise="ideas", text="Said aloud", side="it"))
    for pid, text in ((zora, "Shared roadmap"), (bram, "Joint KPIs"), (ines, "One budget")):
        room.accepts(pid, c.SubmitIdea(exercise="ideas", text=text))

    view = room_view(room.engine, room.now)["exercise"]
    assert view["withheld"] == ["it"], f"IT has one person, yet is not withheld: {view['withheld']}"
    zoras = next(idea for idea in view["results"]["ideas"] if idea["text"] == "Shared roadmap")
    assert zoras["side"] is None, zoras


def test_a_person_taken_off_the_roster_does_not_count_towards_k(make_room):
    """k = 2. Zora and Odile are IT; the facilitator takes Odile off the roster, so her
    idea counts nowhere. Zora is then IT's only person: IT is withheld and her idea
    carries no IT chip."""
    room = make_room(BRAINSTORM, min_answers=2)
    zora, odile = room.join("it", "Zora Quillfeather"), room.join("it", "Odile Marchbank")
    bram, ines = room.join("marketing", "Bram Oxley"), room.join("marketing", "Ines Vantongeren")
    room.open("ideas")
    for pid, text in ((zora, "Shared roadmap"), (odile, "Off topic"), (bram, "Joint KPIs"), (ines, "One budget")):
        room.accepts(pid, c.SubmitIdea(exercise="ideas", text=text))
    room.run(c.RemoveParticipant(participant=odile))

    view = room_view(room.engine, room.now)["exercise"]
    assert view["withheld"] == ["it"], f"IT has one person left, yet is not withheld: {view['withheld']}"
    assert view["results"]["by_side"].get("it") is None, view["results"]["by_side"]
    zoras = next(idea for idea in view["results"]["ideas"] if idea["text"] == "Shared roadmap")
    assert zoras["side"] is None, zoras


def test_a_withheld_side_shows_no_figure_not_even_a_zero(make_room):
    """k = 2, one person from Other among two IT and two Marketing: the dot vote's
    screen, its document table and the executive summary give Other no number at all
    (a 0 would be a figure, and a wrong one: Other did vote)."""
    vote = {"id": "vote", "kind": "dotvote", "title": "Objectives", "options": ["Apps", "Data"], "dots": 2, "section": "objectives"}
    room = make_room(vote, min_answers=2)
    people = [room.join(side, name) for side, name in zip(["it", "it", "marketing", "marketing", "other"], NAMES, strict=False)]
    room.open("vote")
    for pid in people:
        room.accepts(pid, c.Vote(exercise="vote", item="i1"))

    screen = text_of(render(room.session, "vote"))
    markdown = to_markdown(room.engine)
    for text in (screen, markdown):
        assert not re.search(r"Other:? 0\b", text), [line for line in text.splitlines() if re.search(r"Other:? 0\b", line)]
    assert "Other: fewer than 2 answers, so its figures are not shown." in screen
