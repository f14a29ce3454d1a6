"""The rules of each activity kind and the results they give, split by side.

Every refusal is checked the way a participant meets it: a stable code, a reason a
phone can show as is, and a session left exactly as it was.
"""

from __future__ import annotations

import pytest

from workshop import commands as c
from workshop.activities import ALL, KINDS, results_visible

# ------------------------------------------------------------------------ scale

PULSE = {"id": "pulse", "kind": "scale", "statements": ["We work well together", "We share goals"]}


@pytest.fixture
def pulse(make_room):
    room = make_room(PULSE)
    room.open("pulse")
    return room


def rate(room, pid, item, value, exercise="pulse"):
    return room.accepts(pid, c.Rate(exercise=exercise, item=item, value=value))


@pytest.mark.parametrize("value", [0, -1, 6, 99])
def test_a_rating_outside_the_scale_is_refused(pulse, value):
    pid = pulse.join()
    reason = pulse.refuses(pid, c.Rate(exercise="pulse", item="i1", value=value), "out_of_range")
    assert "1 to 5" in reason


def test_the_top_of_the_scale_follows_the_exercise_max(make_room):
    room = make_room({**PULSE, "max": 7})
    room.open("pulse")
    pid = room.join()
    rate(room, pid, "i1", 7)
    assert "1 to 7" in room.refuses(pid, c.Rate(exercise="pulse", item="i1", value=8), "out_of_range")


def test_a_rating_of_a_statement_not_on_the_list_is_refused(pulse):
    pid = pulse.join()
    pulse.refuses(pid, c.Rate(exercise="pulse", item="i9", value=3), "unknown_item")


def test_a_participant_can_change_a_rating_while_the_scale_is_open(pulse):
    pid = pulse.join()
    rate(pulse, pid, "i1", 2)
    rate(pulse, pid, "i1", 4)
    statement = pulse.engine.result("pulse").statements[0]
    assert statement.n[ALL] == 1
    assert statement.mean[ALL] == 4
    assert statement.distribution[ALL] == [0, 0, 0, 1, 0]


def test_the_mean_is_given_per_side_and_for_the_whole_room(pulse):
    for side, value in [("it", 5), ("it", 4), ("marketing", 2), ("other", 3)]:
        rate(pulse, pulse.join(side), "i1", value)
    result = pulse.engine.result("pulse")
    first = result.statements[0]
    assert first.mean == {"it": 4.5, "marketing": 2.0, "other": 3.0, ALL: 3.5}
    assert first.n == {"it": 2, "marketing": 1, "other": 1, ALL: 4}
    assert first.distribution["it"] == [0, 0, 0, 1, 1]
    assert result.respondents == 4
    assert result.statements[1].mean[ALL] is None


@pytest.mark.parametrize(
    "it_ratings, marketing_ratings, gap, flagged",
    [
        ([4], [3], 1.0, True),
        ([2], [4], -2.0, True),
        ([4, 3], [3], 0.5, False),
        ([3], [3], 0.0, False),
        ([5, 4, 4], [4, 4, 3], 0.666, False),
        ([5, 5, 4], [4, 4, 3], 1.0, True),
    ],
)
def test_a_gap_of_one_point_or_more_between_the_sides_is_flagged(pulse, it_ratings, marketing_ratings, gap, flagged):
    for value in it_ratings:
        rate(pulse, pulse.join("it"), "i1", value)
    for value in marketing_ratings:
        rate(pulse, pulse.join("marketing"), "i1", value)
    statement = pulse.engine.result("pulse").statements[0]
    assert statement.gap == gap
    assert statement.flagged is flagged


def test_there_is_no_gap_until_both_sides_have_answered(pulse):
    rate(pulse, pulse.join("it"), "i1", 5)
    rate(pulse, pulse.join("other"), "i1", 1)
    statement = pulse.engine.result("pulse").statements[0]
    assert statement.gap is None and not statement.flagged


def test_a_check_out_scale_shows_the_shift_since_the_check_in(make_room):
    room = make_room(PULSE, {**PULSE, "id": "check-out", "compare_with": "pulse"})
    it, marketing = room.join("it"), room.join("marketing")
    room.open("pulse")
    rate(room, it, "i1", 2)
    rate(room, marketing, "i1", 4)
    room.open("check-out")
    rate(room, it, "i1", 4, "check-out")
    rate(room, marketing, "i1", 4, "check-out")
    first, second = room.engine.result("check-out").statements
    assert first.before == {"it": 2.0, "marketing": 4.0, "other": None, ALL: 3.0}
    assert first.shift == {"it": 2.0, "marketing": 0.0, "other": None, ALL: 1.0}
    assert first.gap == 0.0 and not first.flagged
    assert second.shift == {"it": None, "marketing": None, "other": None, ALL: None}
    assert second.matched == {"it": 0, "marketing": 0, "other": 0, ALL: 0}


def test_the_shift_counts_only_the_people_who_rated_both_times(make_room):
    """A sceptic who leaves at the break and an enthusiast who arrives after it do not
    make the room look as if it moved: the shift is the same people's."""
    room = make_room(PULSE, {**PULSE, "id": "check-out", "compare_with": "pulse"})
    stays, leaves, arrives = room.join("it"), room.join("it"), room.join("it")
    room.open("pulse")
    rate(room, stays, "i1", 3)
    rate(room, leaves, "i1", 1)
    room.open("check-out")
    rate(room, stays, "i1", 4, "check-out")
    rate(room, arrives, "i1", 5, "check-out")
    first = room.engine.result("check-out").statements[0]
    assert first.mean["it"] == 4.5  # the check-out's own result: everyone who rated it
    assert (first.before["it"], first.after["it"], first.shift["it"]) == (3.0, 4.0, 1.0)  # the one who stayed
    assert first.matched == {"it": 1, "marketing": 0, "other": 0, ALL: 1}
    # Naively, 2.0 (mean of 3 and 1) → 4.5 would have read as +2.5.


def test_a_side_with_fewer_than_k_people_who_rated_both_times_has_no_shift(make_room):
    room = make_room(PULSE, {**PULSE, "id": "check-out", "compare_with": "pulse"}, min_answers=2)
    a, b, c_ = room.join("it"), room.join("it"), room.join("marketing")
    room.open("pulse")
    for pid in (a, b, c_):
        rate(room, pid, "i1", 2)
    room.open("check-out")
    rate(room, a, "i1", 4, "check-out")
    rate(room, c_, "i1", 4, "check-out")
    rate(room, room.join("marketing"), "i1", 5, "check-out")
    first = room.engine.result("check-out").statements[0]
    assert "it" not in first.shift and "marketing" not in first.shift  # one matched person each: withheld
    assert first.shift[ALL] == 2.0 and first.matched[ALL] == 2


def test_a_scale_without_compare_with_shows_no_shift(pulse):
    rate(pulse, pulse.join(), "i1", 3)
    statement = pulse.engine.result("pulse").statements[0]
    assert statement.before is None and statement.shift is None


# ------------------------------------------------------------------------ brainstorm

IDEAS = {"id": "ideas", "kind": "brainstorm"}


def idea(room, actor, text, exercise="ideas", side=None, now=None) -> str:
    outcome = room.accepts(actor, c.SubmitIdea(exercise=exercise, text=text, side=side), now=now)
    return outcome.events[0].body.idea.id


@pytest.fixture
def ideas(make_room):
    room = make_room(IDEAS)
    room.open("ideas")
    return room


@pytest.mark.parametrize(
    "text, code",
    [("", "empty"), ("   \n\t ", "empty"), ("x" * 281, "too_long")],
)
def test_an_empty_or_oversized_idea_is_refused(ideas, text, code):
    pid = ideas.join()
    ideas.refuses(pid, c.SubmitIdea(exercise="ideas", text=text), code)


def test_the_refusal_of_a_long_idea_says_how_long_it_is_and_the_limit(make_room):
    room = make_room({**IDEAS, "max_length": 20})
    room.open("ideas")
    pid = room.join()
    reason = room.refuses(pid, c.SubmitIdea(exercise="ideas", text="x" * 25), "too_long")
    assert "25" in reason and "20" in reason
    idea(room, pid, "x" * 20)


def test_an_idea_of_exactly_280_characters_is_accepted_and_spaces_are_tidied(ideas):
    pid = ideas.join()
    long_id = idea(ideas, pid, "y" * 280)
    tidy_id = idea(ideas, pid, "  faster   campaign\nlaunches ")
    assert len(ideas.state("ideas").ideas[long_id].text) == 280
    assert ideas.state("ideas").ideas[tidy_id].text == "faster campaign launches"


def test_an_idea_is_tagged_with_its_authors_side(ideas):
    marketing = ideas.join("marketing")
    idea_id = idea(ideas, marketing, "Shared customer data", side="it")  # a phone cannot choose the side
    assert ideas.state("ideas").ideas[idea_id].side == "marketing"


def test_in_a_big_room_each_person_may_add_fewer_ideas_so_the_board_stays_readable(make_room):
    room = make_room({**IDEAS, "max_per_person": 5, "room_ideas": 60})
    room.open("ideas")
    people = [room.join(side) for side in ["it", "marketing"] * 15]  # 30 people: 60 ideas make 2 each
    first = people[0]
    idea(room, first, "One")
    idea(room, first, "Two")
    assert room.refuses(first, c.SubmitIdea(exercise="ideas", text="Three"), "limit").startswith("You have added 2 ideas")
    assert KINDS["brainstorm"].mine(room.session, room.session.exercise("ideas"), room.state("ideas"), first)["left"] == 0
    small = make_room({**IDEAS, "max_per_person": 5, "room_ideas": 60})
    small.open("ideas")
    pid = small.join()
    for n in range(5):  # 4 people or 12: the template's own cap of 5 holds
        idea(small, pid, f"Idea {n}")
    small.refuses(pid, c.SubmitIdea(exercise="ideas", text="Six"), "limit")


def test_a_person_cannot_add_more_ideas_than_max_per_person(make_room):
    room = make_room({**IDEAS, "max_per_person": 2})
    room.open("ideas")
    pid, other = room.join(), room.join()
    first = idea(room, pid, "One")
    idea(room, pid, "Two")
    reason = room.refuses(pid, c.SubmitIdea(exercise="ideas", text="Three"), "limit")
    assert "2" in reason
    idea(room, other, "Three")  # the limit is per person
    room.accepts(pid, c.WithdrawIdea(exercise="ideas", idea=first))
    idea(room, pid, "Three")  # withdrawing frees a place


def test_ideas_sent_too_fast_are_refused_until_the_minute_has_passed(make_room):
    room = make_room({**IDEAS, "per_minute": 2, "max_per_person": 10})
    room.open("ideas")
    pid, other = room.join(), room.join()
    idea(room, pid, "One", now=100.0)
    idea(room, pid, "Two", now=110.0)
    room.refuses(pid, c.SubmitIdea(exercise="ideas", text="Three"), "too_fast", now=159.0)
    idea(room, other, "Three", now=159.0)  # someone else is not slowed down
    idea(room, pid, "Three", now=160.5)  # "One" is now more than a minute old
    room.refuses(pid, c.SubmitIdea(exercise="ideas", text="Four"), "too_fast", now=165.0)


def test_the_same_person_cannot_add_the_same_idea_twice(ideas):
    pid, other = ideas.join(), ideas.join()
    idea(ideas, pid, "Faster launches")
    ideas.refuses(pid, c.SubmitIdea(exercise="ideas", text="  faster LAUNCHES "), "duplicate")
    idea(ideas, other, "Faster launches")  # two people may think alike


def test_authors_can_edit_and_withdraw_their_own_ideas_only(ideas):
    author, someone = ideas.join(), ideas.join()
    idea_id = idea(ideas, author, "Fatser launches")
    ideas.refuses(someone, c.EditIdea(exercise="ideas", idea=idea_id, text="Mine now"), "not_yours")
    ideas.refuses(someone, c.WithdrawIdea(exercise="ideas", idea=idea_id), "not_yours")
    ideas.accepts(author, c.EditIdea(exercise="ideas", idea=idea_id, text="Faster launches"))
    assert [i.text for i in ideas.engine.result("ideas").ideas] == ["Faster launches"]
    ideas.refuses(author, c.EditIdea(exercise="ideas", idea=idea_id, text="  "), "empty")
    ideas.accepts(author, c.WithdrawIdea(exercise="ideas", idea=idea_id))
    assert ideas.engine.result("ideas").ideas == []
    ideas.refuses(author, c.EditIdea(exercise="ideas", idea=idea_id, text="Back"), "unknown_idea")
    ideas.refuses(author, c.WithdrawIdea(exercise="ideas", idea=idea_id), "unknown_idea")


def test_the_facilitator_moderates_the_board_even_after_it_closed(ideas):
    it, marketing = ideas.join("it"), ideas.join("marketing")
    a = idea(ideas, it, "Faster launches")
    b = idea(ideas, marketing, "Launch faster")
    rude = idea(ideas, marketing, "IT is useless")
    d = idea(ideas, it, "One customer view")
    ideas.run(c.Close(exercise="ideas"))
    ideas.refuses(it, c.SubmitIdea(exercise="ideas", text="Late idea"), "not_open")

    ideas.run(c.HideIdea(exercise="ideas", idea=rude))
    ideas.run(c.MergeIdeas(exercise="ideas", idea=b, into=a))
    ideas.run(c.GroupIdeas(exercise="ideas", ideas=[a, d], theme="Speed"))
    theme = next(iter(ideas.state("ideas").themes))
    ideas.run(c.RenameTheme(exercise="ideas", theme=theme, name="  Speed to market "))
    ideas.run(c.EditIdea(exercise="ideas", idea=d, text="One view of the customer"))
    spoken = idea(ideas, "facilitator", "Joint roadmap", side="marketing")

    result = ideas.engine.result("ideas")
    assert [(i.id, i.text) for i in result.ideas] == [(a, "Faster launches"), (d, "One view of the customer"), (spoken, "Joint roadmap")]
    assert [i.id for i in result.hidden] == [rude]
    assert result.ideas[0].merged == 1
    assert [(t.name, t.ideas) for t in result.themes] == [("Speed to market", [a, d])]
    assert result.ideas[2].side == "marketing" and result.ideas[2].author == "facilitator"
    # every idea still counts for its side: hidden and merged ones included
    assert result.by_side == {"it": 2, "marketing": 2, "other": 0, ALL: 4}  # the hidden one does not count
    assert result.contributors == 2


def test_hiding_can_be_undone(ideas):
    idea_id = idea(ideas, ideas.join(), "Shadow IT is fine")
    ideas.run(c.HideIdea(exercise="ideas", idea=idea_id))
    ideas.run(c.HideIdea(exercise="ideas", idea=idea_id, hidden=False))
    result = ideas.engine.result("ideas")
    assert [i.id for i in result.ideas] == [idea_id] and result.hidden == []


def test_an_idea_cannot_be_merged_into_itself_or_into_a_merged_one(ideas):
    pid = ideas.join()
    a, b, d = idea(ideas, pid, "A idea"), idea(ideas, pid, "B idea"), idea(ideas, pid, "C idea")
    ideas.refuses("facilitator", c.MergeIdeas(exercise="ideas", idea=a, into=a), "bad_merge")
    ideas.run(c.MergeIdeas(exercise="ideas", idea=b, into=a))
    ideas.refuses("facilitator", c.MergeIdeas(exercise="ideas", idea=d, into=b), "bad_merge")
    ideas.refuses("facilitator", c.MergeIdeas(exercise="ideas", idea=d, into="i99"), "unknown_idea")


def test_merging_an_idea_that_has_duplicates_carries_them_along(ideas):
    pid = ideas.join()
    a, b, d = idea(ideas, pid, "A idea"), idea(ideas, pid, "B idea"), idea(ideas, pid, "C idea")
    ideas.run(c.MergeIdeas(exercise="ideas", idea=b, into=a))
    ideas.run(c.MergeIdeas(exercise="ideas", idea=a, into=d))
    result = ideas.engine.result("ideas")
    assert [(i.id, i.merged) for i in result.ideas] == [(d, 2)]


def test_withdrawing_an_idea_does_not_lose_the_duplicates_merged_into_it(ideas):
    author, other = ideas.join("it"), ideas.join("marketing")
    kept = idea(ideas, author, "Faster launches")
    duplicate = idea(ideas, other, "Launch faster")
    ideas.run(c.MergeIdeas(exercise="ideas", idea=duplicate, into=kept))
    outcome = ideas.send(author, c.WithdrawIdea(exercise="ideas", idea=kept))
    result = ideas.engine.result("ideas")
    if outcome.__class__.__name__ == "Refused":
        assert [(i.id, i.merged) for i in result.ideas] == [(kept, 1)]
    else:
        # the other person's idea must come back on the board, not vanish with it
        assert duplicate in [i.id for i in result.ideas + result.hidden]


def test_grouping_under_an_existing_name_reuses_the_theme_and_an_empty_name_ungroups(ideas):
    pid = ideas.join()
    a, b = idea(ideas, pid, "A idea"), idea(ideas, pid, "B idea")
    ideas.run(c.GroupIdeas(exercise="ideas", ideas=[a], theme="Speed"))
    ideas.run(c.GroupIdeas(exercise="ideas", ideas=[b], theme=" speed "))
    assert [(t.name, t.ideas) for t in ideas.engine.result("ideas").themes] == [("Speed", [a, b])]
    ideas.run(c.GroupIdeas(exercise="ideas", ideas=[a, b], theme=""))
    assert ideas.engine.result("ideas").themes == []  # a theme with no ideas is not shown
    ideas.refuses("facilitator", c.RenameTheme(exercise="ideas", theme="t99", name="X"), "unknown_theme")
    theme = next(iter(ideas.state("ideas").themes))
    ideas.refuses("facilitator", c.RenameTheme(exercise="ideas", theme=theme, name="  "), "empty")


def test_seed_ideas_are_on_the_board_from_the_start(make_room):
    room = make_room({**IDEAS, "seed": ["Revenue generated", "Lead conversion"]})
    result = room.engine.result("ideas")
    assert [(i.text, i.author) for i in result.ideas] == [("Revenue generated", "facilitator"), ("Lead conversion", "facilitator")]
    assert result.contributors == 0


# ------------------------------------------------------------------------ dotvote

OPTIONS = ["Customer retention", "Mobile apps", "Analytics", "AI", "IoT"]
VOTE = {"id": "vote", "kind": "dotvote", "options": OPTIONS}


def vote(room, pid, item, exercise="vote"):
    return room.accepts(pid, c.Vote(exercise=exercise, item=item))


@pytest.fixture
def dotvote(make_room):
    def make(**fields):
        room = make_room({**VOTE, **fields})
        room.open("vote")
        return room

    return make


def test_a_vote_over_the_dot_budget_is_refused(dotvote):
    room = dotvote(dots=3)
    pid = room.join()
    for item in ["i1", "i2", "i3"]:
        vote(room, pid, item)
    reason = room.refuses(pid, c.Vote(exercise="vote", item="i4"), "no_dots_left")
    assert "3" in reason


def test_the_default_budget_is_five_dots_and_three_per_item(dotvote):
    room = dotvote()
    pid = room.join()
    for _ in range(3):
        vote(room, pid, "i1")
    assert "3" in room.refuses(pid, c.Vote(exercise="vote", item="i1"), "item_full")
    vote(room, pid, "i2")
    vote(room, pid, "i2")
    assert "5" in room.refuses(pid, c.Vote(exercise="vote", item="i3"), "no_dots_left")


def test_no_more_than_max_per_item_dots_go_on_one_item(dotvote):
    room = dotvote(dots=10, max_per_item=2)
    pid = room.join()
    vote(room, pid, "i1")
    vote(room, pid, "i1")
    assert "2" in room.refuses(pid, c.Vote(exercise="vote", item="i1"), "item_full")
    vote(room, pid, "i2")


def test_taking_a_dot_back_frees_it_for_another_item(dotvote):
    room = dotvote(dots=2)
    pid = room.join()
    vote(room, pid, "i1")
    vote(room, pid, "i1")
    room.accepts(pid, c.Unvote(exercise="vote", item="i1"))
    vote(room, pid, "i2")
    assert room.state("vote").scores[pid] == {"i1": 1, "i2": 1}
    room.accepts(pid, c.Unvote(exercise="vote", item="i1"))
    room.refuses(pid, c.Unvote(exercise="vote", item="i1"), "no_dot_here")
    room.refuses(pid, c.Unvote(exercise="vote", item="i9"), "unknown_item")
    assert room.state("vote").scores[pid] == {"i2": 1}


def test_a_vote_on_an_item_not_on_the_list_is_refused(dotvote):
    room = dotvote()
    room.refuses(room.join(), c.Vote(exercise="vote", item="i42"), "unknown_item")


def test_the_ranking_shows_totals_per_side(dotvote):
    room = dotvote()
    it, it2, marketing = room.join("it"), room.join("it"), room.join("marketing")
    for pid, item in [(it, "i3"), (it, "i3"), (it2, "i3"), (it2, "i2"), (marketing, "i2"), (marketing, "i2"), (marketing, "i1")]:
        vote(room, pid, item)
    result = room.engine.result("vote")
    ranking = [(r.text, r.total, r.by_side, r.voters) for r in result.ranking]
    assert ranking[:3] == [  # a tie keeps the order of the list
        ("Mobile apps", 3, {"it": 1, "marketing": 2, "other": 0}, 2),
        ("Analytics", 3, {"it": 3, "marketing": 0, "other": 0}, 2),
        ("Customer retention", 1, {"it": 0, "marketing": 1, "other": 0}, 1),
    ]
    assert [r.total for r in result.ranking[3:]] == [0, 0]
    assert result.voters == 3 and result.dots_used == 7


def test_ties_in_the_ranking_keep_the_order_of_the_list(dotvote):
    room = dotvote()
    pid = room.join()
    vote(room, pid, "i4")
    vote(room, pid, "i2")
    assert [r.item for r in room.engine.result("vote").ranking] == ["i2", "i4", "i1", "i3", "i5"]


def spend(room, pid, on_item: int, elsewhere: int):
    """One person puts `on_item` dots on i1 and `elsewhere` dots on i2."""
    for item, n in (("i1", on_item), ("i2", elsewhere)):
        for _ in range(n):
            vote(room, pid, item)


@pytest.mark.parametrize(
    "it_on_item, it_spent, marketing_on_item, marketing_spent, gap, flagged",
    [
        (1, 5, 0, 5, 20.0, True),  # the threshold itself is flagged
        (0, 5, 4, 5, -80.0, True),
        (3, 10, 1, 9, 18.9, False),  # 30% against 11.1%
        (1, 4, 1, 5, 5.0, False),
        (0, 10, 0, 10, 0.0, False),
    ],
)
def test_a_dotvote_gap_of_twenty_points_between_the_sides_shares_of_their_dots_is_flagged(
    dotvote, it_on_item, it_spent, marketing_on_item, marketing_spent, gap, flagged
):
    room = dotvote(dots=10, max_per_item=10)
    spend(room, room.join("it"), it_on_item, it_spent - it_on_item)
    spend(room, room.join("marketing"), marketing_on_item, marketing_spent - marketing_on_item)
    row = next(r for r in room.engine.result("vote").ranking if r.item == "i1")
    assert row.gap == gap
    assert row.flagged is flagged


def test_the_dotvote_gap_is_each_sides_dots_on_an_item_as_a_share_of_all_the_dots_it_spent(dotvote):
    room = dotvote()
    it, marketing = room.join("it"), room.join("marketing")
    spend(room, it, 0, 3)  # IT: nothing on i1, 3 dots on i2, 2 on i3
    vote(room, it, "i3")
    vote(room, it, "i3")
    spend(room, marketing, 3, 2)  # Marketing: 3 on i1, 2 on i2
    rows = {r.item: r for r in room.engine.result("vote").ranking}
    assert rows["i1"].share == {"it": 0.0, "marketing": 60.0, "other": None, ALL: 30.0}
    assert (rows["i1"].gap, rows["i1"].flagged) == (-60.0, True)
    assert (rows["i2"].gap, rows["i2"].flagged) == (20.0, True)
    assert (rows["i3"].gap, rows["i3"].flagged) == (40.0, True)
    assert (rows["i4"].gap, rows["i4"].flagged) == (0.0, False)


def test_a_side_with_more_people_does_not_make_a_dotvote_gap(dotvote):
    room = dotvote()
    spend(room, room.join("it"), 2, 3)
    for _ in range(4):  # four times the people, the same leaning
        spend(room, room.join("marketing"), 2, 3)
    row = next(r for r in room.engine.result("vote").ranking if r.item == "i1")
    assert row.by_side["marketing"] == 4 * row.by_side["it"]
    assert row.share["it"] == row.share["marketing"] == 40.0
    assert row.gap == 0.0 and not row.flagged


def test_there_is_no_dotvote_gap_while_a_side_has_spent_no_dots(dotvote):
    room = dotvote()
    spend(room, room.join("it"), 3, 2)
    room.join("marketing")  # present, but has not voted
    spend(room, room.join("other"), 0, 1)
    for row in room.engine.result("vote").ranking:
        assert row.gap is None and not row.flagged
        assert row.share["marketing"] is None


def test_the_gap_is_between_the_first_two_sides_of_the_template_whatever_their_ids(make_room):
    sides = [{"id": "sales", "label": "Sales"}, {"id": "ops", "label": "Operations"}, {"id": "it", "label": "IT"}]
    room = make_room({**VOTE, "dots": 2, "max_per_item": 2}, sides=sides)
    room.open("vote")
    spend(room, room.join("sales"), 2, 0)
    spend(room, room.join("ops"), 0, 2)
    spend(room, room.join("it"), 2, 0)  # agrees with Sales: it must not count
    row = next(r for r in room.engine.result("vote").ranking if r.item == "i1")
    assert row.share == {"sales": 100.0, "ops": 0.0, "it": 100.0, ALL: 66.7}
    assert (row.gap, row.flagged) == (100.0, True)


def brainstorm_then(make_room, follower: dict):
    """A brainstorm with themes, a hidden, a withdrawn and a merged idea, then `follower`."""
    room = make_room(IDEAS, follower)
    pid, other = room.join("it"), room.join("marketing")
    room.open("ideas")
    speed = idea(room, pid, "Faster launches")
    idea(room, other, "Launch faster")
    agile = idea(room, pid, "Agile releases")
    view = idea(room, other, "One customer view")
    rude = idea(room, other, "IT is slow")
    gone = idea(room, pid, "Withdrawn idea")
    dup = idea(room, pid, "one customer VIEW")
    room.run(c.GroupIdeas(exercise="ideas", ideas=[speed, agile], theme="Speed"))
    room.run(c.GroupIdeas(exercise="ideas", ideas=["i2"], theme="Speed"))
    room.run(c.HideIdea(exercise="ideas", idea=rude))
    room.accepts(pid, c.WithdrawIdea(exercise="ideas", idea=gone))
    room.run(c.MergeIdeas(exercise="ideas", idea=dup, into=view))
    return room, pid, other


def test_a_dotvote_takes_its_items_from_a_brainstorms_themes_and_ungrouped_ideas(make_room):
    room, _, _ = brainstorm_then(make_room, {"id": "vote", "kind": "dotvote", "source": "ideas"})
    room.run(c.Next())
    assert [i.text for i in room.state("vote").items] == ["Speed", "One customer view"]


def test_sourced_items_come_after_fixed_options_without_duplicates(make_room):
    room, _, _ = brainstorm_then(make_room, {"id": "vote", "kind": "dotvote", "source": "ideas", "options": ["speed", "Budget"]})
    room.run(c.Next())
    assert [i.text for i in room.state("vote").items] == ["speed", "Budget", "One customer view"]
    assert room.items("vote") == ["i1", "i2", "i3"]


def test_sourced_items_are_frozen_when_the_vote_first_opens(make_room):
    room, pid, _ = brainstorm_then(make_room, {"id": "vote", "kind": "dotvote", "source": "ideas"})
    room.run(c.Next())
    vote(room, pid, "i1")
    room.run(c.GroupIdeas(exercise="ideas", ideas=["i1", "i2", "i3"], theme=""))  # later moderation
    room.run(c.Back())
    room.run(c.Next())
    assert [i.text for i in room.state("vote").items] == ["Speed", "One customer view"]
    assert room.state("vote").scores[pid] == {"i1": 1}


def test_top_takes_the_most_voted_items_of_an_earlier_dotvote(make_room):
    room = make_room(VOTE, {"id": "shortlist", "kind": "dotvote", "source": "vote", "top": 2})
    room.open("vote")
    it, marketing = room.join("it"), room.join("marketing")
    for pid, item in [(it, "i4"), (it, "i4"), (marketing, "i4"), (marketing, "i2"), (it, "i5")]:
        vote(room, pid, item)
    room.run(c.Next())
    assert [i.text for i in room.state("shortlist").items] == ["AI", "Mobile apps"]


def test_without_top_only_the_items_that_got_votes_pass_on(make_room):
    room = make_room(VOTE, {"id": "shortlist", "kind": "dotvote", "source": "vote"})
    room.open("vote")
    vote(room, room.join(), "i4")
    room.run(c.Next())
    assert [i.text for i in room.state("shortlist").items] == ["AI"]


def test_top_is_filled_up_with_unvoted_items_when_too_few_got_votes(make_room):
    room = make_room(VOTE, {"id": "shortlist", "kind": "dotvote", "source": "vote", "top": 3})
    room.open("vote")
    vote(room, room.join(), "i4")
    room.run(c.Next())
    assert [i.text for i in room.state("shortlist").items] == ["AI", "Customer retention", "Mobile apps"]


def test_a_source_that_never_ran_passes_on_its_own_items(make_room):
    room = make_room(VOTE, {"id": "shortlist", "kind": "dotvote", "source": "vote", "top": 2})
    room.open("shortlist")
    assert [i.text for i in room.state("shortlist").items] == OPTIONS[:2]


def test_a_dotvote_source_with_no_votes_yet_passes_on_all_its_items(make_room):
    room = make_room(VOTE, {"id": "shortlist", "kind": "dotvote", "source": "vote"})
    room.open("vote")
    room.run(c.Next())
    assert [i.text for i in room.state("shortlist").items] == OPTIONS


def test_participants_may_add_items_when_allow_add_is_set(dotvote):
    room = dotvote(allow_add=True)
    pid = room.join("marketing")
    added = room.accepts(pid, c.AddItem(exercise="vote", text="  Visualisation   and display ")).events[0].body.item
    assert (added.id, added.text, added.added_by) == ("i6", "Visualisation and display", pid)
    vote(room, pid, "i6")
    reason = room.refuses(pid, c.AddItem(exercise="vote", text="mobile APPS"), "duplicate")
    assert "already" in reason
    room.refuses(pid, c.AddItem(exercise="vote", text=" "), "empty")
    room.refuses(pid, c.AddItem(exercise="vote", text="x" * 121), "too_long")


def test_a_person_can_add_at_most_three_items(dotvote):
    room = dotvote(allow_add=True)
    pid = room.join()
    for text in ["One", "Two", "Three"]:
        room.accepts(pid, c.AddItem(exercise="vote", text=text))
    room.refuses(pid, c.AddItem(exercise="vote", text="Four"), "limit")
    room.accepts(room.join(), c.AddItem(exercise="vote", text="Four"))


def test_adding_items_is_refused_unless_allowed(dotvote):
    room = dotvote()
    room.refuses(room.join(), c.AddItem(exercise="vote", text="Something new"), "not_allowed")


# ------------------------------------------------------------------------ poll

POLL = {"id": "poll", "kind": "poll", "options": ["Joint reviews", "Informal time", "Rotations"]}


@pytest.fixture
def poll(make_room):
    def make(**fields):
        room = make_room({**POLL, **fields})
        room.open("poll")
        return room

    return make


def pick(room, pid, items=(), other=""):
    return room.accepts(pid, c.Pick(exercise="poll", items=list(items), other=other))


def test_a_single_choice_poll_takes_one_option_and_a_new_pick_replaces_it(poll):
    room = poll()
    pid = room.join()
    room.refuses(pid, c.Pick(exercise="poll", items=["i1", "i2"]), "one_only")
    pick(room, pid, ["i1"])
    pick(room, pid, ["i3"])
    assert room.state("poll").scores[pid] == {"i3": 1}


def test_a_multi_choice_poll_takes_several_options_but_each_once(poll):
    room = poll(multi=True)
    pid = room.join()
    pick(room, pid, ["i1", "i3"])
    room.refuses(pid, c.Pick(exercise="poll", items=["i2", "i2"]), "duplicate")
    room.refuses(pid, c.Pick(exercise="poll", items=["i2", "i9"]), "unknown_item")
    assert room.state("poll").scores[pid] == {"i1": 1, "i3": 1}


def test_an_other_answer_is_refused_when_the_poll_has_none(poll):
    room = poll()
    room.refuses(room.join(), c.Pick(exercise="poll", other="Lunch together"), "no_other")


def test_an_other_answer_is_kept_when_allowed(poll):
    room = poll(other=True)
    pid = room.join("marketing")
    pick(room, pid, other="  Lunch   together ")
    room.refuses(pid, c.Pick(exercise="poll", items=["i1"], other="Both"), "one_only")
    result = room.engine.result("poll")
    assert [(o.text, o.side, o.author) for o in result.other] == [("Lunch together", "marketing", pid)]
    assert result.respondents == 1
    pick(room, pid, ["i2"])  # picking an option replaces the own answer
    assert room.engine.result("poll").other == []


def test_a_multi_choice_poll_takes_options_and_an_other_answer_together(poll):
    room = poll(multi=True, other=True)
    pid = room.join()
    pick(room, pid, ["i1"], other="Hackathons")
    assert room.state("poll").other == {pid: "Hackathons"}
    room.refuses(pid, c.Pick(exercise="poll", other="x" * 281), "too_long")


def test_an_empty_pick_clears_the_answer(poll):
    room = poll()
    pid = room.join()
    pick(room, pid, ["i1"])
    pick(room, pid)
    assert room.engine.participation("poll") == (0, 1)
    assert room.engine.result("poll").respondents == 0


def test_poll_counts_are_split_by_side(poll):
    room = poll(multi=True)
    pick(room, room.join("it"), ["i1", "i2"])
    pick(room, room.join("marketing"), ["i1"])
    pick(room, room.join("other"), ["i3"])
    options = {o.text: (o.total, o.by_side) for o in room.engine.result("poll").options}
    assert options == {
        "Joint reviews": (2, {"it": 1, "marketing": 1, "other": 0}),
        "Informal time": (1, {"it": 1, "marketing": 0, "other": 0}),
        "Rotations": (1, {"it": 0, "marketing": 0, "other": 1}),
    }


def test_the_poll_gap_is_the_share_of_each_sides_respondents_who_picked_an_option(poll):
    room = poll(multi=True, other=True)
    pick(room, room.join("it"), ["i1", "i2"])
    pick(room, room.join("it"), ["i2"])
    pick(room, room.join("marketing"), ["i1"])
    pick(room, room.join("marketing"), ["i3"])
    pick(room, room.join("marketing"), ["i3"])
    pick(room, room.join("marketing"), other="Lunch together")  # answered: counts among Marketing's respondents
    options = {o.item: o for o in room.engine.result("poll").options}
    assert options["i1"].share == {"it": 50.0, "marketing": 25.0, "other": None, ALL: 33.3}
    assert (options["i1"].gap, options["i1"].flagged) == (25.0, True)
    assert (options["i2"].gap, options["i2"].flagged) == (100.0, True)
    assert (options["i3"].gap, options["i3"].flagged) == (-50.0, True)


@pytest.mark.parametrize(
    "it_picked, it_answered, marketing_picked, marketing_answered, gap, flagged",
    [
        (1, 5, 0, 1, 20.0, True),  # the threshold itself is flagged
        (1, 3, 1, 2, -16.7, False),
        (2, 4, 1, 2, 0.0, False),  # more people on one side make no gap by themselves
        (0, 2, 3, 3, -100.0, True),
    ],
)
def test_a_poll_gap_of_twenty_points_between_the_sides_is_flagged(
    poll, it_picked, it_answered, marketing_picked, marketing_answered, gap, flagged
):
    room = poll()
    for side, picked, answered in (("it", it_picked, it_answered), ("marketing", marketing_picked, marketing_answered)):
        for n in range(answered):
            pick(room, room.join(side), ["i1" if n < picked else "i2"])
    option = room.engine.result("poll").options[0]
    assert option.gap == gap
    assert option.flagged is flagged


def test_there_is_no_poll_gap_while_a_side_has_no_respondents(poll):
    room = poll()
    pick(room, room.join("it"), ["i1"])
    pick(room, room.join("other"), ["i2"])
    marketing = room.join("marketing")
    pick(room, marketing, ["i2"])
    pick(room, marketing)  # cleared: no longer a respondent
    for option in room.engine.result("poll").options:
        assert option.gap is None and not option.flagged
        assert option.share["marketing"] is None


# ------------------------------------------------------------------------ allocate

ALLOCATE = {"id": "budget", "kind": "allocate", "options": ["Data platform", "Campaign tools", "Mobile app"]}


@pytest.fixture
def budget(make_room):
    def make(**fields):
        room = make_room({**ALLOCATE, **fields})
        room.open("budget")
        return room

    return make


def allocate(room, pid, points):
    return room.accepts(pid, c.Allocate(exercise="budget", points=points))


@pytest.mark.parametrize(
    "points, total, hint",
    [
        ({"i1": 50, "i2": 40}, 90, "add 10"),
        ({"i1": 70, "i2": 40}, 110, "remove 10"),
        ({}, 0, "add 100"),
        ({"i1": 99}, 99, "add 1"),
    ],
)
def test_an_allocation_must_total_the_budget_exactly_and_says_by_how_much_it_is_off(budget, points, total, hint):
    room = budget()
    reason = room.refuses(room.join(), c.Allocate(exercise="budget", points=points), "not_budget")
    assert str(total) in reason and "100" in reason and hint in reason


def test_negative_points_and_unknown_items_are_refused(budget):
    room = budget()
    pid = room.join()
    room.refuses(pid, c.Allocate(exercise="budget", points={"i1": 110, "i2": -10}), "negative")
    room.refuses(pid, c.Allocate(exercise="budget", points={"i1": 50, "i9": 50}), "unknown_item")


def test_a_new_allocation_replaces_the_previous_one(budget):
    room = budget(budget=10)
    pid = room.join()
    allocate(room, pid, {"i1": 5, "i2": 5})
    allocate(room, pid, {"i1": 0, "i3": 10})
    assert room.state("budget").scores[pid] == {"i3": 10}


def test_the_mean_share_of_each_item_is_given_per_side(budget):
    room = budget()
    allocate(room, room.join("it"), {"i1": 80, "i2": 20})
    allocate(room, room.join("it"), {"i1": 60, "i2": 40})
    allocate(room, room.join("marketing"), {"i2": 90, "i3": 10})
    result = room.engine.result("budget")
    rows = {row.text: row for row in result.items}
    assert result.respondents == 3
    assert rows["Data platform"].mean == {"it": 70.0, "marketing": 0.0, "other": None, ALL: 46.667}
    assert rows["Data platform"].share == {"it": 70.0, "marketing": 0.0, "other": None, ALL: 46.7}
    assert rows["Data platform"].gap == 70.0
    assert rows["Campaign tools"].mean[ALL] == 50.0
    assert [row.text for row in result.items] == ["Campaign tools", "Data platform", "Mobile app"]


def test_shares_are_a_percentage_of_the_budget(budget):
    room = budget(budget=10)
    allocate(room, room.join("it"), {"i1": 3, "i2": 7})
    rows = {row.item: row for row in room.engine.result("budget").items}
    assert rows["i1"].share["it"] == 30.0 and rows["i2"].share[ALL] == 70.0


@pytest.mark.parametrize("budget_size, it_first, marketing_first, flagged", [(100, 60, 50, True), (100, 59, 50, False), (10, 6, 5, True), (10, 5, 5, False)])
def test_an_item_is_flagged_when_the_sides_shares_of_the_budget_are_ten_points_apart(budget, budget_size, it_first, marketing_first, flagged):
    room = budget(budget=budget_size)
    allocate(room, room.join("it"), {"i1": it_first, "i2": budget_size - it_first})
    allocate(room, room.join("marketing"), {"i1": marketing_first, "i2": budget_size - marketing_first})
    rows = {row.item: row for row in room.engine.result("budget").items}
    assert rows["i1"].flagged is flagged and rows["i2"].flagged is flagged
    assert rows["i3"].flagged is False  # nobody gave it anything


# ------------------------------------------------------------------------ matrix

MATRIX = {"id": "grid", "kind": "matrix", "options": ["Loyalty app", "Data lake"]}


@pytest.fixture
def grid(make_room):
    room = make_room(MATRIX)
    room.open("grid")
    return room


def place(room, pid, item, x, y):
    return room.accepts(pid, c.Place(exercise="grid", item=item, x=x, y=y))


@pytest.mark.parametrize("x, y", [(0, 3), (3, 0), (6, 3), (3, 6), (-1, -1)])
def test_a_placement_off_the_grid_is_refused(grid, x, y):
    reason = grid.refuses(grid.join(), c.Place(exercise="grid", item="i1", x=x, y=y), "out_of_range")
    assert "1 to 5" in reason


@pytest.mark.parametrize(
    "x, y, quadrant",
    [
        (5, 1, "quick win"),
        (4, 2, "quick win"),
        (5, 5, "big bet"),
        (1, 1, "fill-in"),
        (3, 3, "fill-in"),  # on the midpoint counts as low
        (1, 5, "money pit"),
        (2, 4, "money pit"),
    ],
)
def test_each_item_lands_in_a_named_quadrant(grid, x, y, quadrant):
    place(grid, grid.join(), "i1", x, y)
    assert grid.engine.result("grid").items[0].by_side[ALL].quadrant == quadrant


def test_the_mean_position_is_given_per_side_and_a_new_placement_replaces_the_old(grid):
    it, marketing = grid.join("it"), grid.join("marketing")
    place(grid, it, "i1", 1, 1)
    place(grid, it, "i1", 5, 2)
    place(grid, marketing, "i1", 2, 5)
    row = grid.engine.result("grid").items[0]
    assert (row.by_side["it"].x, row.by_side["it"].y, row.by_side["it"].quadrant) == (5.0, 2.0, "quick win")
    assert row.by_side["marketing"].quadrant == "money pit"
    assert (row.by_side[ALL].x, row.by_side[ALL].y, row.by_side[ALL].n) == (3.5, 3.5, 2)
    assert row.by_side[ALL].quadrant == "big bet"
    assert row.by_side["other"].quadrant is None
    assert grid.engine.result("grid").items[1].by_side[ALL].n == 0


def test_an_item_the_two_sides_put_in_different_quadrants_is_flagged_with_the_distance_between_their_means(grid):
    place(grid, grid.join("it"), "i1", 5, 1)
    place(grid, grid.join("it"), "i1", 5, 2)
    place(grid, grid.join("marketing"), "i1", 5, 5)
    row = grid.engine.result("grid").items[0]
    assert (row.by_side["it"].x, row.by_side["it"].y, row.by_side["it"].quadrant) == (5.0, 1.5, "quick win")
    assert (row.by_side["marketing"].x, row.by_side["marketing"].y, row.by_side["marketing"].quadrant) == (5.0, 5.0, "big bet")
    assert row.flagged and row.distance == 3.5


def test_the_same_quadrant_is_not_flagged_however_far_apart_the_means_are(grid):
    place(grid, grid.join("it"), "i1", 4, 1)
    place(grid, grid.join("marketing"), "i1", 5, 2)
    place(grid, grid.join("other"), "i1", 1, 5)  # the third side's view is not the gap
    row = grid.engine.result("grid").items[0]
    assert not row.flagged and row.distance == 1.414


def test_there_is_no_matrix_gap_until_both_sides_have_placed_the_item(grid):
    place(grid, grid.join("it"), "i1", 5, 1)
    place(grid, grid.join("marketing"), "i2", 1, 5)
    first, second = grid.engine.result("grid").items
    assert (first.distance, first.flagged) == (None, False)
    assert (second.distance, second.flagged) == (None, False)


# ------------------------------------------------------------------------ ownership

OWNERSHIP = {"id": "owners", "kind": "ownership", "rows": ["Data privacy", "Customer UX"]}
CIO, CMO, JOINT = 0, 1, 2


@pytest.fixture
def owners(make_room):
    room = make_room(OWNERSHIP)
    room.open("owners")
    return room


def choose(room, pid, item, choice):
    return room.accepts(pid, c.ChooseOwner(exercise="owners", item=item, choice=choice))


@pytest.mark.parametrize("choice", [-1, 3, 10])
def test_a_choice_not_on_the_list_is_refused(owners, choice):
    owners.refuses(owners.join(), c.ChooseOwner(exercise="owners", item="i1", choice=choice), "unknown_choice")


def test_a_row_reaching_sixty_percent_is_agreed(owners):
    for side, choice in [("it", JOINT), ("it", JOINT), ("marketing", JOINT), ("marketing", CMO), ("other", CIO)]:
        choose(owners, owners.join(side), "i1", choice)
    row = owners.engine.result("owners").rows[0]
    assert row.consensus == 0.6
    assert not row.contested and row.agreed == "Joint"
    assert row.counts == {"it": [0, 0, 2], "marketing": [0, 1, 1], "other": [1, 0, 0], ALL: [1, 1, 3]}
    assert row.leader == {"it": "Joint", "marketing": None, "other": "CIO leads", ALL: "Joint"}


def test_a_row_below_sixty_percent_is_contested_and_has_no_agreed_owner(owners):
    for side, choice in [("it", CIO), ("it", CIO), ("marketing", CMO), ("marketing", JOINT)]:
        choose(owners, owners.join(side), "i1", choice)
    result = owners.engine.result("owners")
    row = result.rows[0]
    assert row.consensus == 0.5 and row.contested and row.agreed is None
    assert result.contested == 2  # the unanswered row is contested too
    assert result.rows[1].consensus is None


def test_a_changed_choice_replaces_the_first(owners):
    pid = owners.join()
    choose(owners, pid, "i2", CIO)
    choose(owners, pid, "i2", CMO)
    row = owners.engine.result("owners").rows[1]
    assert row.counts[ALL] == [0, 1, 0] and row.agreed == "CMO leads" and row.consensus == 1.0


# ------------------------------------------------------------------------ initiatives

PLAN = {"id": "plan", "kind": "initiatives", "options": ["Loyalty app", "Shared KPI dashboard"], "max_initiatives": 2}


@pytest.fixture
def plan(make_room):
    room = make_room(PLAN)
    room.open("plan")
    return room


def draft(room, title, source_item=None) -> str:
    return room.run(c.DraftInitiative(exercise="plan", title=title, source_item=source_item)).events[0].body.initiative.id


def test_the_facilitator_drafts_updates_agrees_and_parks_initiatives(plan):
    loyalty = draft(plan, "Loyalty app", source_item="i1")
    dashboard = draft(plan, "KPI dashboard")
    plan.run(c.UpdateInitiative(exercise="plan", initiative=loyalty, fields={"kpi": " Retention  rate", "it_lead": "Ana"}))
    reason = plan.refuses("facilitator", c.SetInitiativeStatus(exercise="plan", initiative=loyalty, status="agreed"), "incomplete")
    assert reason == "To agree “Loyalty app”, fill in its time frame and marketing lead first."
    plan.run(c.UpdateInitiative(exercise="plan", initiative=loyalty, fields={"marketing_lead": "Mo", "timeframe": "Q3"}))
    plan.run(c.SetInitiativeStatus(exercise="plan", initiative=loyalty, status="agreed"))
    reason = plan.refuses("facilitator", c.UpdateInitiative(exercise="plan", initiative=loyalty, fields={"kpi": "", "target": "+5"}), "incomplete")
    assert reason == "This initiative is agreed, so its shared KPI cannot be empty. Park it first to change that."
    plan.run(c.SetInitiativeStatus(exercise="plan", initiative=dashboard, status="parked"))
    result = plan.engine.result("plan")
    first = result.initiatives[0].initiative
    assert (first.title, first.kpi, first.it_lead, first.status, first.source_item) == ("Loyalty app", "Retention rate", "Ana", "agreed", "i1")
    assert (result.agreed, result.parked) == (1, 1)
    # The candidate drafted into "Loyalty app" lives on as that initiative; the other is still a candidate.
    assert [t.title for t in result.candidates] == ["Shared KPI dashboard"]


def test_no_more_than_max_initiatives_are_in_play_at_once(plan):
    first = draft(plan, "One")
    draft(plan, "Two")
    reason = plan.refuses("facilitator", c.DraftInitiative(exercise="plan", title="Three"), "limit")
    assert "2" in reason
    plan.run(c.SetInitiativeStatus(exercise="plan", initiative=first, status="parked"))
    draft(plan, "Three")
    plan.refuses("facilitator", c.SetInitiativeStatus(exercise="plan", initiative=first, status="agreed"), "limit")


@pytest.mark.parametrize(
    "command, code",
    [
        (lambda j: c.DraftInitiative(exercise="plan", title="  "), "empty"),
        (lambda j: c.DraftInitiative(exercise="plan", title="x" * 121), "too_long"),
        (lambda j: c.DraftInitiative(exercise="plan", title="From nowhere", source_item="i9"), "unknown_item"),
        (lambda j: c.UpdateInitiative(exercise="plan", initiative=j, fields={"colour": "red"}), "unknown_field"),
        (lambda j: c.UpdateInitiative(exercise="plan", initiative=j, fields={"title": " "}), "empty"),
        (lambda j: c.UpdateInitiative(exercise="plan", initiative=j, fields={"it_lead": "k" * 401}), "too_long"),
        (lambda j: c.UpdateInitiative(exercise="plan", initiative="j99", fields={"kpi": "Leads"}), "unknown_initiative"),
        (lambda j: c.SetInitiativeStatus(exercise="plan", initiative="j99", status="agreed"), "unknown_initiative"),
    ],
    ids=["blank title", "long title", "unknown source item", "unknown field", "title emptied", "long field",
         "unknown initiative", "status of unknown initiative"],
)
def test_a_bad_initiative_edit_is_refused(plan, command, code):
    drafted = draft(plan, "Loyalty app")
    plan.refuses("facilitator", command(drafted), code)


def test_participants_volunteer_as_champions_and_can_step_back(plan):
    it, marketing = plan.join("it"), plan.join("marketing")
    loyalty = draft(plan, "Loyalty app")
    plan.accepts(it, c.Volunteer(exercise="plan", target=loyalty))
    plan.accepts(marketing, c.Volunteer(exercise="plan", target=loyalty))
    plan.accepts(marketing, c.Volunteer(exercise="plan", target="i2"))  # a candidate, before drafting
    plan.refuses(it, c.Volunteer(exercise="plan", target=loyalty), "no_change")
    plan.accepts(it, c.Volunteer(exercise="plan", target=loyalty, on=False))
    plan.refuses(it, c.Volunteer(exercise="plan", target=loyalty, on=False), "no_change")
    plan.refuses(it, c.Volunteer(exercise="plan", target="j99"), "unknown_item")
    result = plan.engine.result("plan")
    assert [(ch.participant, ch.side) for ch in result.initiatives[0].champions] == [(marketing, "marketing")]
    assert [ch.participant for ch in result.candidates[1].champions] == [marketing]


def test_participants_comment_on_initiatives_and_candidates(plan):
    pid = plan.join("marketing")
    loyalty = draft(plan, "Loyalty app")
    plan.accepts(pid, c.Comment(exercise="plan", target=loyalty, text="  Needs   a budget "))
    plan.accepts(pid, c.Comment(exercise="plan", target="i2", text="Start small"))
    plan.refuses(pid, c.Comment(exercise="plan", target=loyalty, text=" "), "empty")
    plan.refuses(pid, c.Comment(exercise="plan", target="nothing", text="Hello"), "unknown_item")
    result = plan.engine.result("plan")
    assert [(m.text, m.side) for m in result.initiatives[0].comments] == [("Needs a budget", "marketing")]
    assert [m.text for m in result.candidates[1].comments] == ["Start small"]
    assert plan.engine.participation("plan") == (1, 1)


def test_participants_cannot_draft_initiatives(plan):
    plan.refuses(plan.join(), c.DraftInitiative(exercise="plan", title="Mine"), "not_allowed")


# ------------------------------------------------------------------------ reveal modes


@pytest.mark.parametrize(
    "reveal, moment, visible",
    [
        ("live", "open", True),
        ("live", "closed", True),
        ("on_close", "open", False),
        ("on_close", "closed", True),
        ("on_close", "revealed while open", True),
        ("manual", "open", False),
        ("manual", "closed", False),
        ("manual", "revealed while open", True),
        ("manual", "revealed then closed", True),
        ("manual", "revealed then hidden again", False),
    ],
)
def test_results_reach_the_phones_according_to_the_reveal_mode(make_room, reveal, moment, visible):
    room = make_room({**PULSE, "reveal": reveal})
    room.open("pulse")
    if "revealed" in moment:
        room.run(c.Reveal(exercise="pulse"))
    if "closed" in moment:
        room.run(c.Close(exercise="pulse"))
    if "hidden again" in moment:
        room.run(c.Reveal(exercise="pulse", revealed=False))
    assert results_visible(room.session.exercise("pulse"), room.state("pulse")) is visible


def test_nothing_is_visible_before_an_on_close_exercise_has_run(make_room):
    room = make_room(PULSE)
    assert results_visible(room.session.exercise("pulse"), room.state("pulse")) is False


# ------------------------------------------------------------------------ participation


@pytest.mark.parametrize(
    "exercise, command",
    [
        (PULSE, c.Rate(exercise="pulse", item="i1", value=3)),
        (IDEAS, c.SubmitIdea(exercise="ideas", text="An idea")),
        (VOTE, c.Vote(exercise="vote", item="i1")),
        (POLL, c.Pick(exercise="poll", items=["i1"])),
        (ALLOCATE, c.Allocate(exercise="budget", points={"i1": 100})),
        (MATRIX, c.Place(exercise="grid", item="i1", x=2, y=2)),
        (OWNERSHIP, c.ChooseOwner(exercise="owners", item="i1", choice=0)),
        (PLAN, c.Volunteer(exercise="plan", target="i1")),
    ],
    ids=["scale", "brainstorm", "dotvote", "poll", "allocate", "matrix", "ownership", "initiatives"],
)
def test_participation_counts_the_people_present_who_gave_an_input(make_room, exercise, command):
    room = make_room(exercise)
    room.open(exercise["id"])
    doer, gone = room.join("it"), room.join("other")
    room.join("marketing")  # present, gives nothing
    assert room.engine.participation(exercise["id"]) == (0, 3)
    room.accepts(doer, command)
    room.accepts(gone, command)
    room.accepts(gone, c.Leave())
    assert room.engine.participation(exercise["id"]) == (1, 2)
