"""Inbound frames become typed messages or a clear error; nothing raw gets further.
Outbound frames are models of one union, each with the protocol version."""

import json

import pytest
from pydantic import ValidationError

from workshop import commands as c
from workshop import protocol
from workshop.protocol import Act, BadMessage, Hello, JoinMsg, Ping, parse


def test_a_hello_is_parsed_with_its_token():
    message = parse('{"type":"hello","v":1,"room":"ABC234","token":"t0k","seq":3}')
    assert message == Hello(type="hello", v=1, room="ABC234", token="t0k", seq=3)


def test_an_act_carries_the_engines_own_command_model():
    frame = {"type": "act", "id": "abcd1234", "command": {"type": "vote", "exercise": "x", "item": "i1"}}
    message = parse(json.dumps(frame))
    assert isinstance(message, Act) and message.command == c.Vote(exercise="x", item="i1")


def test_join_and_ping_are_understood():
    assert isinstance(parse('{"type":"join","id":"abcd1234","side":"it"}'), JoinMsg)
    assert isinstance(parse('{"type":"ping"}'), Ping)


@pytest.mark.parametrize(
    ("frame", "code", "words"),
    [
        ("{not json", "bad_json", "not valid JSON"),
        ("[1, 2]", "bad_json", "JSON object"),
        ('{"type":"shout"}', "unknown_type", "Unknown message type 'shout'"),
        ('{"type":"act","id":"abcd1234","command":{"type":"open","exercise":"x"}}', "unknown_type", "Unknown command type 'open'"),
        ('{"type":"act","id":"abcd1234","command":{"type":"rate","exercise":"x","item":"i1","value":"high"}}', "bad_field", "value"),
        ('{"type":"act","id":"no","command":{"type":"leave"}}', "bad_field", "'id'"),
        ('{"type":"hello","v":2,"room":"ABC234"}', "version", "Reload"),
        ('{"type":"join","id":"abcd1234","side":"it","admin":true}', "bad_field", "admin"),
    ],
)
def test_bad_frames_get_a_reason_a_person_can_read(frame, code, words):
    with pytest.raises(BadMessage) as caught:
        parse(frame)
    assert caught.value.code == code
    assert words in caught.value.reason


def test_facilitator_commands_cannot_be_expressed_on_the_wire():
    for kind in ("open", "close", "reveal", "next", "publish", "hide_idea", "draft_initiative"):
        with pytest.raises(BadMessage):
            parse(json.dumps({"type": "act", "id": "abcd1234", "command": {"type": kind, "exercise": "x"}}))


def test_the_error_keeps_the_message_id_so_the_phone_can_match_it():
    with pytest.raises(BadMessage) as caught:
        parse('{"type":"act","id":"abcd1234","command":{"type":"vote"}}')
    assert caught.value.msg_id == "abcd1234"


def test_binary_frames_are_refused():
    with pytest.raises(BadMessage, match="text frames"):
        parse(b"\x00\x01")


def test_the_id_of_an_unparsed_frame_can_still_be_found():
    from workshop.protocol import peek_id

    assert peek_id('{"type":"act","id":"abcd-1234","command":{}}') == "abcd-1234"
    assert peek_id('{"type":"ping"}') is None
    assert peek_id(b'{"id":"abcd-1234"}') is None


@pytest.mark.parametrize(
    "message",
    [
        protocol.NeedJoin(room={"title": "Offsite"}, reason="This phone is not in this session any more. Join again."),
        protocol.Welcome(token="t0k3n", me={"id": "p1", "name": "Ann", "side": "it"}, room={"title": "Offsite"}, id="join-000001"),
        protocol.Ack(id="cmd-000001", seq=7, mine={"dots": {"i1": 1}, "note": None}),
        protocol.RefusedMsg(id="cmd-000002", code="budget", reason="No dots left."),
        protocol.ErrorMsg(code="bad_json", reason="That message was not valid JSON."),
        protocol.Pong(),
    ],
    ids=lambda m: m.type,
)
def test_every_outbound_frame_carries_the_version_and_reads_back_as_the_same_model(message):
    text = message.text()
    assert json.loads(text)["v"] == protocol.VERSION
    assert protocol.OUTBOUND.validate_json(text) == message


def test_a_view_built_as_text_is_a_valid_view_model():
    shared = protocol.dumps({"exercise": {"title": "Où l'on gagne"}})
    view = protocol.OUTBOUND.validate_json(protocol.view_text(12, shared, protocol.dumps({"dots": {}})))
    assert isinstance(view, protocol.View) and view.seq == 12 and view.mine == {"dots": {}}
    assert view.room["exercise"]["title"] == "Où l'on gagne"
    assert protocol.OUTBOUND.validate_json(protocol.view_text(3, shared)).mine is None


def test_an_outbound_frame_of_an_unknown_type_or_without_its_fields_is_not_valid():
    with pytest.raises(ValidationError):
        protocol.OUTBOUND.validate_json('{"v":1,"type":"surprise"}')
    with pytest.raises(ValidationError):
        protocol.OUTBOUND.validate_json('{"v":1,"type":"ack","id":"cmd-000001"}')
