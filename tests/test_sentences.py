"""The room's sentences for people (refusals, errors, the door's answers) are written
once, in English, in the phone page's catalogue (`server.*` in web/i18n/en.json), and
sent as a key and its args beside the English text (`workshop.sentences`).

Read from the source: every key the code can send is in the catalogue and every
`server.*` key is one the code can send; each call fills exactly the placeholders of
its sentence; a refusal left in English only is one that only the facilitator can get.
The other languages are held to the English catalogue by tests/test_i18n.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest

import workshop
from tests.conftest import is_sentence
from workshop import commands as c
from workshop import lifecycle, room, sentences
from workshop.activities import Refusal
from workshop.activities.common import Writing
from workshop.model import InitiativeStatus
from workshop.protocol import BadMessage

PACKAGE = Path(workshop.__file__).resolve().parent
TEMPLATES = sentences.templates()
SAYERS = {"Refusal": 1, "BadMessage": 1, "Illegal": 1, "english": 0}
"""The calls that take a sentence's key, and which positional argument is the key
(`Refusal` and `BadMessage` default it to their code, the argument before)."""
WHY_NOT = sorted({key for _, key in lifecycle.WHY_NOT.values()} | {lifecycle.OTHERWISE[1]})
DYNAMIC: dict[tuple[str, str], list[str]] = {
    ("activities/common.py", "f'empty.{what}'"): [f"empty.{what}" for what in get_args(Writing)],
    ("activities/common.py", "f'too_long.{what}'"): [f"too_long.{what}" for what in get_args(Writing)],
    ("activities/initiatives.py", "f'not_draft.{initiative.status}'"): [f"not_draft.{s}" for s in get_args(InitiativeStatus) if s != "draft"],
    ("activities/allocate.py", "key"): ["not_budget.add", "not_budget.remove"],
    ("protocol.py", "key"): ["unknown_type.command", "unknown_type.message"],
    ("lifecycle.py", "key"): WHY_NOT,
    ("room.py", "door[1]"): [room.WRONG_CODE, room.ROOM_FULL, room.ROOM_BUSY, room.SLOW_DOWN],
    ("room.py", "SLOW_DOWN"): [room.SLOW_DOWN],
    ("room.py", "key"): ["need_join.gone", "removed"],
}
"""Keys the code works out as it runs (by module and the key's expression), each with
every key it can become. A new one fails `test_every_key_the_room_can_send_is_in_the_english_catalogue`
until it is listed here."""
PASSED_ON = {
    ("activities/common.py", "self.key"),  # Refusal's own: checked where each Refusal is made
    ("protocol.py", "self.key"),  # BadMessage's own
    ("engine.py", "illegal.key"),  # a lifecycle refusal, checked in lifecycle.py
}
FACILITATOR_PATHS = {
    ("records.py", None): "records.decide takes RecordOutcome, AmendRecord, DropRecord, NameExecutives",
    ("review.py", None): "the follow-up review's edits, AmendRecord and DropRecord",
    ("engine.py", "_move"): "Next, Back and Open",
    ("engine.py", "_roster"): "MoveParticipant and RemoveParticipant",
    ("engine.py", "_timer"): "TimerStart, TimerPause, TimerExtend",
}
"""Functions only facilitator commands reach (beside `case`s naming facilitator-only
commands and `if actor == FACILITATOR:` branches, which the test reads itself)."""


@dataclass
class Site:
    """One place in the code that makes a sentence."""

    where: str
    line: int
    keys: list[str]
    fills: set[str] | None
    """The placeholders the call fills in, when the source says (keyword arguments)."""


def modules() -> dict[str, ast.Module]:
    return {p.relative_to(PACKAGE).as_posix(): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def constant_keys(node: ast.expr) -> list[str] | None:
    """The keys an argument names outright: a string, or either branch of `a if … else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = constant_keys(node.body), constant_keys(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def sites() -> tuple[list[Site], list[str]]:
    """Every call that makes a sentence, and the keys worked out as the code runs that
    neither DYNAMIC nor PASSED_ON lists."""
    found: list[Site] = []
    unlisted: list[str] = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or called(node) not in SAYERS:
                continue
            at = SAYERS[called(node)]  # type: ignore[index]
            if len(node.args) > at:
                argument = node.args[at]
            elif at and node.args:
                argument = node.args[0]  # the key defaults to the code
            else:
                continue
            keys = constant_keys(argument)
            source = ast.unparse(argument)
            if keys is None and (name, source) in PASSED_ON:
                continue
            if keys is None:
                if (name, source) not in DYNAMIC:
                    unlisted.append(f"{name}:{node.lineno}: {source}")
                    continue
                keys = DYNAMIC[(name, source)]
            if any(k.arg is None for k in node.keywords) or called(node) in ("english", "Illegal"):
                fills = None if len(node.args) > 1 else set()
            else:
                fills = {k.arg for k in node.keywords if k.arg != "msg_id"}  # type: ignore[misc]
            found.append(Site(f"{name}:{node.lineno}", node.lineno, keys, fills))
    return found, unlisted


def emitted() -> set[str]:
    """Every key the room can send: what tests/test_i18n.py checks the page for."""
    return {key for site in sites()[0] for key in site.keys}


# ------------------------------------------------------------------ one source


def test_every_key_the_room_can_send_is_in_the_english_catalogue():
    found, unlisted = sites()
    assert not unlisted, f"keys worked out as the code runs, to list in DYNAMIC with every key they become: {unlisted}"
    assert len(found) > 60  # the scan finds the calls
    missing = sorted({f"{site.where}: {key}" for site in found for key in site.keys if key not in TEMPLATES})
    assert not missing, f"en.json lacks server.<key> for: {missing}"


def test_every_sentence_in_the_catalogue_is_one_the_room_can_send():
    unused = sorted(set(TEMPLATES) - emitted())
    assert not unused, f"server.* keys nothing sends: {unused}"


def test_each_call_fills_exactly_the_placeholders_of_its_sentence():
    wrong = []
    for site in sites()[0]:
        for key in site.keys:
            wanted = set(sentences.PLACEHOLDER.findall(TEMPLATES.get(key, "")))
            if site.fills is not None and site.fills != wanted:
                wrong.append(f"{site.where}: {key} wants {sorted(wanted)}, the call gives {sorted(site.fills)}")
    assert not wrong, wrong


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_sentence_reads_as_one_once_filled_in(key):
    values = {name: 3 if name in ("most", "max", "limit", "length", "n", "dots", "total", "budget", "difference") else "Pulse"
              for name in sentences.PLACEHOLDER.findall(TEMPLATES[key])}
    text = sentences.english(key, values)
    assert is_sentence(text), text
    # Only `{name}`, which the page's `t` fills in the same way; no other braces.
    assert "{" not in sentences.PLACEHOLDER.sub("", TEMPLATES[key]) and "}" not in sentences.PLACEHOLDER.sub("", TEMPLATES[key])


def test_the_lifecycle_names_the_exercise_only_where_its_sentence_does():
    for phase in get_args(lifecycle.Phase):
        for action in get_args(lifecycle.Action):
            if (phase, action) in lifecycle.TRANSITIONS:
                continue
            with pytest.raises(lifecycle.Illegal) as caught:
                lifecycle.step(phase, action, "Pulse")
            wanted = set(sentences.PLACEHOLDER.findall(TEMPLATES[caught.value.key]))
            assert set(caught.value.values) == wanted, (phase, action, caught.value.key)


# ------------------------------------------------------------------ key, args, English


def test_a_refusal_carries_its_key_its_args_and_the_english_sentence():
    refusal = Refusal("limit", "limit.ideas", most=5)
    assert (refusal.code, refusal.key, refusal.values) == ("limit", "limit.ideas", {"most": 5})
    assert refusal.reason == str(refusal) == "You have added 5 ideas, the most for this exercise. You can still edit or withdraw one."
    plain = Refusal("unknown_item")
    assert plain.key == "unknown_item" and plain.values == {} and plain.reason == TEMPLATES["unknown_item"]


def test_a_refusal_only_the_facilitator_gets_has_no_key():
    refusal = Refusal.for_facilitator("at_start", "This is the first exercise.")
    assert (refusal.code, refusal.key, refusal.values, refusal.reason) == ("at_start", None, {}, "This is the first exercise.")


def test_a_frame_error_carries_its_key_and_args_too():
    bad = BadMessage("unknown_type", "unknown_type.command", msg_id="abcd1234", type="open")
    assert (bad.code, bad.key, bad.values, bad.msg_id) == ("unknown_type", "unknown_type.command", {"type": "open"}, "abcd1234")
    assert bad.reason == "Unknown command type 'open'."


def test_an_arg_is_filled_in_as_text_and_never_looked_up_again():
    said = sentences.english("wrong_kind", {"title": "{title} <b>x</b>"})
    assert said == "“{title} <b>x</b>” does not take that kind of answer."


def test_an_unknown_key_or_a_missing_arg_is_a_programming_error():
    with pytest.raises(KeyError):
        sentences.english("no.such.sentence")
    with pytest.raises(KeyError):
        Refusal("limit", "limit.ideas")


# ------------------------------------------------------------------ English only


def enclosing(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def commands_named(pattern: ast.pattern) -> list[str] | None:
    """The command classes a `case` names (`case c.Open():`, `case c.A() | c.B():`)."""
    if isinstance(pattern, ast.MatchClass) and isinstance(pattern.cls, ast.Attribute):
        return [pattern.cls.attr]
    if isinstance(pattern, ast.MatchOr):
        names = [commands_named(p) for p in pattern.patterns]
        return None if any(n is None for n in names) else [x for n in names for x in n]  # type: ignore[union-attr]
    return None


def facilitators_only(node: ast.AST, parents: dict[ast.AST, ast.AST], where: str) -> bool:
    """Whether only a facilitator command can reach `node`: it sits in a `case` naming
    commands a phone cannot send, under `if actor == FACILITATOR:`, or in one of
    FACILITATOR_PATHS."""
    phone = set(c.PARTICIPANT_COMMANDS)
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.match_case):
            names = commands_named(node.pattern)
            if names and all(getattr(c, n) not in phone for n in names):
                return True
        if isinstance(node, ast.If) and ast.unparse(node.test) == "actor == FACILITATOR":
            return True
        if isinstance(node, ast.FunctionDef) and ((where, node.name) in FACILITATOR_PATHS or (where, None) in FACILITATOR_PATHS):
            return True
    return False


def test_a_refusal_left_in_english_is_one_only_the_facilitator_can_get():
    english_only, reachable = 0, []
    for where, tree in modules().items():
        parents = enclosing(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "for_facilitator":
                english_only += 1
                if not facilitators_only(node, parents, where):
                    reachable.append(f"{where}:{node.lineno}: {ast.unparse(node)[:90]}")
    assert english_only > 20  # the scan finds them
    assert not reachable, f"English-only refusals a phone could get; give them a key in en.json: {reachable}"
