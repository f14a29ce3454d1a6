"""The wire protocol between a phone and the room: JSON text frames over one websocket.

Every inbound frame is parsed here into a typed message or refused with an error
the phone can show; a raw dict never travels further in. Outbound frames are the
`Out` models at the end (`Outbound`, a union on `type`); their contents come from
`views.py`. Every outbound frame carries `"v": 1`.

Phone → room (each has a `type`):

- ``{"type": "hello", "v": 1, "room": "ABC234", "token": null | "…", "seq": 0}``
  — the first frame on every connection. With a token the phone is recognised
  (its identity, inputs and the current view come back at once); without one the
  room answers ``need_join``.
- ``{"type": "join", "id": "<command id>", "name": "Ann", "side": "it"}``
  — take part; the room issues a random token in ``welcome``.
- ``{"type": "act", "id": "<command id>", "command": {...}}`` — one participant
  command (see `PhoneCommand`), e.g. ``{"type": "vote", "exercise": "x", "item": "i3"}``.
- ``{"type": "ping"}`` — the phone's own liveness check; answered with ``pong``.

Command ids are chosen by the phone (8–64 letters, digits, ``-`` or ``_``); sending
the same id again never counts twice and gets the first answer again.

Room → phone:

- ``{"type": "need_join", "v": 1, "room": {title, organisation, sides}}`` — with
  ``reason``, ``key`` and ``args`` when the phone's token is not recognised.
- ``{"type": "welcome", "v": 1, "token": "…", "me": {id, name, side}}``
- ``{"type": "ack", "id": "…", "seq": n, "mine": {...}}`` — accepted and saved to
  disk; ``mine`` is the phone's own inputs after the change.
- ``{"type": "refused", "id": "…", "code": "…", "reason": "…", "key": "…", "args": {…}}``
  — not counted; ``reason`` is a sentence for the person, in English.
- ``{"type": "view", "seq": n, "room": {...}, "mine": {...} | absent}`` — the
  shared state of the room (at most ~10 a second) and, when it changed, the
  phone's own part. ``seq`` is the session's event number: views are whole
  states, so a phone that reconnects is up to date with the first one it gets
  (its shared part at most a tick old, as every view is).
- ``{"type": "error", "code": "…", "reason": "…"}`` — the frame could not be
  understood: ``bad_json``, ``too_deep`` (arrays and objects nested more than
  `MAX_DEPTH` levels: refused before the JSON parser recurses into them),
  ``unknown_type``, ``bad_field``, ``binary``, ``version``, ``too_fast``,
  ``hello_first``, ``not_joined``; ``key`` and ``args`` as in ``refused``.
- ``{"type": "pong"}``

Every sentence for a person (``reason``) comes with its ``key`` and ``args``: the
key of the sentence in the page's catalogues (``server.<key>`` in
``web/i18n/<lang>.json``) and what fills its ``{placeholders}`` (text or whole
numbers), so that a phone says it in its own language; ``reason`` is the English
text, for programs and for a phone that does not know the key. ``code`` is what a
program branches on; one code may have several sentences (``limit``:
``limit.ideas``, ``limit.items``, …). A refusal only the facilitator can get has no
key (`workshop.sentences`).

Close codes: 1008 for a hello with a wrong room code, no valid hello within the
room's hello timeout (5 s), or a phone that keeps flooding; 1009 for a frame over
`MAX_FRAME` bytes; 1013 for a connection that had not said hello and made way for
a newer one while many were waiting. A phone whose outgoing queue does not drain
is cut off without a close frame (it would wait behind the queue). A wrong room
code, a foreign Origin, a full or busy room, or too many wrong codes from one
address refuse the handshake itself (HTTP 403 / 503 / 429); as a browser is not
told why, the page then asks `GET /door?room=CODE`, which answers
``{"status": 403 | 503 | 200, "reason": "…", "key": "…", "args": {}}`` (with HTTP
429 and ``"status": 429`` while that address is slowed down; ``key`` and ``args``
only when the answer is no).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from . import commands as c
from . import sentences

VERSION = 1
MAX_FRAME = 16 * 1024
MAX_DEPTH = 8
"""Arrays and objects nested deeper than this are refused before parsing; the
deepest real message (an allocation) nests three."""
CmdId = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class Msg(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hello(Msg):
    type: Literal["hello"]
    v: int
    room: Annotated[str, Field(max_length=32)]
    token: Annotated[str, Field(max_length=128)] | None = None
    seq: int = 0


class JoinMsg(Msg):
    type: Literal["join"]
    id: CmdId
    name: Annotated[str, Field(max_length=200)] = ""
    side: Annotated[str, Field(max_length=40)]


PhoneCommand = Annotated[
    c.Rename | c.Leave | c.SubmitIdea | c.EditIdea | c.WithdrawIdea | c.AddItem | c.Vote | c.Unvote
    | c.Rate | c.Pick | c.Allocate | c.Place | c.ChooseOwner | c.Volunteer | c.Comment | c.DraftFields,
    Field(discriminator="type"),
]
"""Everything a participant may ask for, as the engine's own command models."""


class Act(Msg):
    type: Literal["act"]
    id: CmdId
    command: PhoneCommand


class Ping(Msg):
    type: Literal["ping"]


Inbound = Annotated[Hello | JoinMsg | Act | Ping, Field(discriminator="type")]
_inbound = TypeAdapter(Inbound)


class BadMessage(Exception):
    """A frame we cannot use, or one the room will not read now. `code` is stable for
    programs; `key` and `values` are the sentence for the phone (`workshop.sentences`;
    `key` defaults to `code`), `reason` the same in English; `msg_id` the command id
    of the frame, when it had one."""

    def __init__(self, code: str, key: str | None = None, /, *, msg_id: str | None = None, **values: str | int):
        self.code, self.key, self.values, self.msg_id = code, key or code, values, msg_id
        self.reason = sentences.english(self.key, values)
        super().__init__(self.reason)


def parse(frame: str | bytes) -> Hello | JoinMsg | Act | Ping:
    """One inbound frame → a typed message, or BadMessage saying what was wrong."""
    if isinstance(frame, bytes):
        raise BadMessage("binary")
    if too_deep(frame):
        raise BadMessage("too_deep", msg_id=peek_id(frame))
    try:
        data = json.loads(frame)
    except ValueError:
        raise BadMessage("bad_json") from None
    if not isinstance(data, dict):
        raise BadMessage("bad_json", "bad_json.object")
    msg_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        message = _inbound.validate_python(data)
    except ValidationError as err:
        first = err.errors()[0]
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            command = first["loc"][:1] == ("act",) or "command" in first["loc"]
            key = "unknown_type.command" if command else "unknown_type.message"
            raise BadMessage("unknown_type", key, msg_id=msg_id, type=str(_tag(data, first))) from None
        where = ".".join(str(part) for part in first["loc"][1:]) or "message"
        raise BadMessage("bad_field", msg_id=msg_id, field=where, detail=first["msg"]) from None
    if isinstance(message, Hello) and message.v != VERSION:
        raise BadMessage("version")
    return message


_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_SQUARE = str.maketrans("{}", "[]")


def too_deep(frame: str) -> bool:
    """Whether arrays and objects in `frame` nest deeper than `MAX_DEPTH`.

    Exact for JSON: escapes and strings are dropped (brackets in text do not
    count), what is left is reduced to its brackets, and each pass of removing
    every adjacent open-close pair takes away one level. Malformed text may be
    called too deep rather than bad JSON, which is as much of an answer. Every
    step is a C string method, so even a 16 KiB frame of brackets costs
    microseconds; frames with few brackets, every real one, cost nothing."""
    if frame.count("[") + frame.count("{") <= MAX_DEPTH:
        return False
    bare = frame.replace("\\\\", "").replace('\\"', "")
    brackets = _NOT_BRACKETS.sub("", "".join(bare.split('"')[0::2])).translate(_SQUARE)
    for _ in range(MAX_DEPTH):
        brackets = brackets.replace("[]", "")
    return "[" in brackets


_ID = re.compile(r'"id"\s*:\s*"([A-Za-z0-9_-]{8,64})"')


def peek_id(frame: str | bytes) -> str | None:
    """The command id of a frame we will not parse (e.g. one refused for speed), so
    the phone can tell which command to send again."""
    if isinstance(frame, bytes):
        return None
    match = _ID.search(frame[:512])
    return match.group(1) if match else None


def _tag(data: dict[str, Any], error: ErrorDetails) -> Any:
    if "command" in error["loc"] and isinstance(data.get("command"), dict):
        return data["command"].get("type")
    return data.get("type")


def dumps(payload: dict[str, Any]) -> str:
    """Compact JSON for the wire; participant text is data, never markup."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- room → phone


class Out(BaseModel):
    """A frame the room sends. Every one carries the protocol version `v`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    v: Literal[1] = 1
    """`VERSION`."""

    def text(self) -> str:
        """The frame as sent: compact JSON, fields left unset omitted."""
        return self.model_dump_json(exclude_none=True)


class NeedJoin(Out):
    type: Literal["need_join"] = "need_join"
    room: dict[str, Any]
    reason: str | None = None
    """Why a token was not recognised, when the phone sent one (in English)."""
    key: str | None = None
    args: dict[str, str | int] | None = None


class Welcome(Out):
    type: Literal["welcome"] = "welcome"
    token: str
    me: dict[str, Any]
    room: dict[str, Any]
    id: str | None = None
    """The join's command id, when this answers a join."""


class Ack(Out):
    type: Literal["ack"] = "ack"
    id: str
    seq: int
    mine: dict[str, Any]


class RefusedMsg(Out):
    type: Literal["refused"] = "refused"
    id: str
    code: str
    reason: str
    """The sentence in English."""
    key: str | None = None
    """The sentence's key (`workshop.sentences`); absent for one only the facilitator sees."""
    args: dict[str, str | int] | None = None
    """What fills the sentence's placeholders."""


class ErrorMsg(Out):
    type: Literal["error"] = "error"
    code: str
    reason: str
    id: str | None = None
    key: str | None = None
    args: dict[str, str | int] | None = None


class Pong(Out):
    type: Literal["pong"] = "pong"


class View(Out):
    """Built as text by the room for speed (`view_text`); this model is its shape."""

    type: Literal["view"] = "view"
    seq: int
    room: dict[str, Any]
    mine: dict[str, Any] | None = None


Outbound = Annotated[NeedJoin | Welcome | Ack | RefusedMsg | ErrorMsg | Pong | View, Field(discriminator="type")]
OUTBOUND = TypeAdapter(Outbound)
"""Validates any frame the room sends (the tests check every one they receive)."""
PONG = Pong().text()


def view_text(seq: int, room_json: str, mine_json: str | None = None) -> str:
    """A `View` frame from JSON already encoded: the room encodes the shared part once
    for every phone."""
    mine = f',"mine":{mine_json}' if mine_json is not None else ""
    return f'{{"v":{VERSION},"type":"view","seq":{seq},"room":{room_json}{mine}}}'
