"""The ninth kind, `rank`: everyone orders the items; a Borda count overall and per
side, each item's place per side, and a flag with its sentence where the two sides
place an item three or more places apart."""

from __future__ import annotations

from workshop import commands as c
from workshop.activities import ALL

ITEMS = ["One customer view", "Faster launches", "Consent everywhere", "Loyalty app", "Pop-up stores"]
RANK = {"id": "order", "kind": "rank", "options": ITEMS, "minutes": 5}


def order(room, pid: str, *texts: str):
    ids = {item.text: item.id for item in room.state("order").items}
    return room.accepts(pid, c.Pick(exercise="order", items=[ids[t] for t in texts]))


def test_the_room_order_is_a_borda_count_split_by_side(make_room):
    room = make_room(RANK)
    it = [room.join(side="it") for _ in range(2)]
    mk = [room.join(side="marketing") for _ in range(2)]
    room.open("order")
    for pid in it:
        order(room, pid, *ITEMS)  # IT: the list as it stands
    for pid in mk:
        order(room, pid, *reversed(ITEMS))  # Marketing: the other way round
    result = room.engine.result("order")
    assert result.respondents == {"it": 2, "marketing": 2, "other": 0, ALL: 4}
    first = next(r for r in result.rows if r.text == "One customer view")
    assert first.points == {"it": 8, "marketing": 0, "other": 0, ALL: 8}
    assert first.place["it"] == 1 and first.place["marketing"] == 5 and first.place["other"] is None
    assert first.apart == -4 and first.flagged
    assert first.sentence == "IT puts it 1st, Marketing 5th."
    middle = next(r for r in result.rows if r.text == "Consent everywhere")
    assert middle.apart == 0 and not middle.flagged and middle.sentence is None
    assert all(r.points[ALL] == 8 for r in result.rows)  # a perfect split: every item equal overall


def test_an_order_must_hold_every_item_once_and_a_new_one_replaces_it(make_room):
    room = make_room(RANK)
    pid = room.join(side="it")
    room.open("order")
    ids = [item.id for item in room.state("order").items]
    assert "all 5 items" in room.refuses(pid, c.Pick(exercise="order", items=ids[:3]), "incomplete")
    room.refuses(pid, c.Pick(exercise="order", items=[ids[0], *ids[:4]]), "incomplete")
    room.refuses(pid, c.Pick(exercise="order", items=[*ids[:4], "i99"]), "incomplete")
    order(room, pid, *ITEMS)
    order(room, pid, *reversed(ITEMS))
    assert room.engine.result("order").rows[0].text == "Pop-up stores"
    assert room.engine.participation("order") == (1, 1)
    assert room.replayed().result("order") == room.engine.result("order")


def test_a_ranking_can_feed_a_later_exercise_its_top_items(make_room):
    room = make_room(RANK, {"id": "vote", "kind": "dotvote", "source": "order", "top": 2})
    pid = room.join(side="it")
    room.open("order")
    order(room, pid, "Loyalty app", "Pop-up stores", *ITEMS[:3])
    room.open("vote")
    assert [item.text for item in room.state("vote").items] == ["Loyalty app", "Pop-up stores"]


def test_a_rank_template_is_checked_like_any_other(tmp_path):
    from workshop.agenda import TemplateError, load_template

    path = tmp_path / "mine.toml"
    path.write_text('title = "Mine"\n[[exercises]]\nid = "order"\nkind = "rank"\ntitle = "Order"\nprompt = "Order them."\n'
                    'options = ["A", "B"]\nsource = "nowhere"\ntop = 20\n', encoding="utf-8")
    try:
        load_template(path)
    except TemplateError as err:
        message = str(err)
    else:
        raise AssertionError("a rank of 20 items from an unknown source was accepted")
    assert "exercise 1 ('order'), field 'top'" in message and "12" in message


async def test_the_facilitator_sees_the_room_order_and_the_split_on_the_run_screen(tmp_path):
    from tests.faultkit import write_template
    from tests.test_tui import ROOM, SIZE, on_run_screen, text_of, wait_for
    from workshop import sessions
    from workshop.tui.app import build_app

    template = write_template(tmp_path, "ranking", [{"id": "order", "kind": "rank", "title": "Order", "prompt": "Order them.", "options": ITEMS}])
    w = sessions.create("Rank offsite", str(template), sessions_dir=tmp_path, now=1_700_000_000)
    people = [w.handle(f"join:{n}", f"j{n}", c.Join(name=f"P{n}", side=side, token=f"t{n}")).events[0].body.participant.id
              for n, side in enumerate(["it", "it", "marketing", "marketing"])]
    app = build_app(workshop=w, room=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await on_run_screen(app, pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: w.session.exercises["order"].status == "open")
        ids = [item.id for item in w.session.exercises["order"].items]
        for n, pid in enumerate(people):
            await w.handle_async(pid, f"r{n}", c.Pick(exercise="order", items=ids if n < 2 else list(reversed(ids))))
        await wait_for(pilot, lambda: "puts it" in text_of(app, "#results"))
        shown = text_of(app, "#results")
        assert "4 people ranked" in shown and "places apart" in shown and "IT puts it 1st, Marketing 5th." in shown
        assert "4 of 4 have ranked" in text_of(app, "#participation")
