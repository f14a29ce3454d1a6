"""Templates are data: the shipped ones load, and a wrong one gets an error that
names the file, the exercise and the field, and says what was expected."""

from pathlib import Path

import pytest

from workshop.agenda import TemplateError, find_template, list_templates, load_template

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"

GOOD_EXERCISE = """
[[exercises]]
id = "pulse"
kind = "scale"
title = "Pulse"
prompt = "How are we doing?"
statements = ["We work well together"]
"""


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text('title = "Mine"\n' + text, encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    return str(caught.value)


def test_the_default_agenda_has_the_twelve_steps_in_fourteen_exercises():
    template = load_template(EXERCISES / "cio-cmo-alignment.toml")
    kinds = [ex.kind for ex in template.exercises]
    assert kinds == [
        "scale", "brainstorm", "brainstorm", "dotvote", "dotvote", "brainstorm", "dotvote",
        "ownership", "allocate", "matrix", "initiatives", "poll", "brainstorm", "scale",
    ]
    assert 150 <= template.minutes <= 190
    assert [s.label for s in template.sides] == ["IT", "Marketing", "Other"]
    worries = template.exercises[1]
    assert worries.anonymous and worries.reveal == "manual"
    assert template.exercises[-1].compare_with == template.exercises[0].id
    assert len(template.exercises[7].rows) == 8
    assert all(ex.notes.strip() and ex.prompt.strip() for ex in template.exercises)


def test_the_quick_agenda_takes_about_an_hour():
    template = load_template(EXERCISES / "quick-alignment.toml")
    assert 50 <= template.minutes <= 70
    assert {ex.kind for ex in template.exercises} >= {"scale", "brainstorm", "dotvote", "ownership", "initiatives"}


def test_every_shipped_template_is_listed_and_valid():
    found, errors = list_templates(EXERCISES)
    assert errors == []
    assert {t.name for t in found} >= {"cio-cmo-alignment", "quick-alignment"}


def test_a_wrong_type_names_file_exercise_field_and_what_was_written(tmp_path):
    path = write(tmp_path, GOOD_EXERCISE + 'minutes = "ten"\n')
    message = error_of(path)
    assert str(path) in message
    assert "exercise 1 ('pulse')" in message
    assert "field 'minutes'" in message
    assert "valid integer" in message and "'ten'" in message


def test_a_misspelt_field_is_an_error_not_ignored(tmp_path):
    message = error_of(write(tmp_path, GOOD_EXERCISE + "statments = ['typo']\n"))
    assert "field 'statments'" in message and "unknown field" in message


def test_an_unknown_kind_lists_the_kinds(tmp_path):
    message = error_of(write(tmp_path, GOOD_EXERCISE.replace('"scale"', '"quiz"')))
    assert "exercise 1 ('pulse')" in message and "unknown kind" in message and "dotvote" in message


def test_a_bad_reveal_mode_says_which_modes_exist(tmp_path):
    message = error_of(write(tmp_path, GOOD_EXERCISE + 'reveal = "later"\n'))
    assert "field 'reveal'" in message and "'on_close'" in message


def test_a_missing_required_field_is_named(tmp_path):
    message = error_of(write(tmp_path, GOOD_EXERCISE.replace('prompt = "How are we doing?"\n', "")))
    assert "field 'prompt'" in message and "required" in message


def test_a_source_must_be_an_earlier_brainstorm_or_dotvote(tmp_path):
    vote = """
[[exercises]]
id = "vote"
kind = "dotvote"
title = "Vote"
prompt = "Vote"
source = "pulse"
"""
    message = error_of(write(tmp_path, GOOD_EXERCISE + vote))
    assert "'vote'" in message and "source 'pulse' is a scale" in message


def test_a_source_that_comes_later_is_refused(tmp_path):
    vote = GOOD_EXERCISE.replace("id = \"pulse\"", "id = \"later\"").replace('kind = "scale"', 'kind = "brainstorm"').replace(
        'statements = ["We work well together"]\n', ""
    )
    first = """
[[exercises]]
id = "vote"
kind = "dotvote"
title = "Vote"
prompt = "Vote"
source = "later"
"""
    assert "must be the id of an earlier exercise" in error_of(write(tmp_path, first + vote))


def test_compare_with_needs_the_same_number_of_statements(tmp_path):
    after = GOOD_EXERCISE.replace('"pulse"', '"after"').replace(
        '["We work well together"]', '["One", "Two"]\ncompare_with = "pulse"'
    )
    message = error_of(write(tmp_path, GOOD_EXERCISE + after))
    assert "compare_with 'pulse' has 1 statements" in message


def test_duplicate_exercise_ids_are_refused(tmp_path):
    assert "used twice" in error_of(write(tmp_path, GOOD_EXERCISE + GOOD_EXERCISE))


def test_a_vote_without_items_says_what_it_needs(tmp_path):
    vote = '\n[[exercises]]\nid = "v"\nkind = "dotvote"\ntitle = "V"\nprompt = "V"\n'
    message = error_of(write(tmp_path, GOOD_EXERCISE + vote))
    assert "exercise 2 ('v')" in message and "needs `options`" in message


def test_broken_toml_gives_line_and_column(tmp_path):
    message = error_of(write(tmp_path, "[[exercises]\n"))
    assert "not valid TOML" in message and "line" in message


def test_several_problems_are_all_listed(tmp_path):
    message = error_of(write(tmp_path, GOOD_EXERCISE + 'minutes = 0\nreveal = "x"\n'))
    assert "2 problem(s)" in message


def test_find_template_by_name_lists_the_available_ones_when_unknown():
    assert find_template("quick-alignment").template.title
    with pytest.raises(TemplateError, match="Available: .*cio-cmo-alignment"):
        find_template("no-such-agenda")
