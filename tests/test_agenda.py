"""Templates are data: the shipped ones load, and a wrong one gets an error that
names the file, the exercise and the field, and says what was expected."""

from pathlib import Path

import pytest

from workshop.agenda import BUILTIN, TemplateError, builtin_dir, find_template, list_templates, load_template

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"

GOOD_EXERCISE = """
[[exercises]]
id = "pulse"
kind = "scale"
title = "Pulse"
prompt = "How are we doing?"
statements = ["We work well together"]
"""


@pytest.fixture(autouse=True)
def no_user_folder(monkeypatch):
    """Each test starts with the built-in templates only, whatever the shell set."""
    monkeypatch.delenv("WORKSHOP_TEMPLATES_DIR", raising=False)
    monkeypatch.delenv("WORKSHOP_EXERCISES_DIR", raising=False)


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text('title = "Mine"\n' + text, encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    return str(caught.value)


def test_the_default_agenda_runs_in_the_order_the_issue_asks():
    template = load_template(EXERCISES / "cio-cmo-alignment.toml")
    ids = [ex.id for ex in template.exercises]
    assert ids == [
        "opening", "check-in", "stereotypes", "worries", "customer-first", "shared-objectives", "objective-order",
        "where-we-win", "kpi-ideas", "shared-kpis", "who-leads", "skills", "glossary", "impact-effort", "budget",
        "joint-initiatives", "give-and-get", "more-ways", "ways-of-working", "check-out", "confidence",
    ]
    ex = {e.id: e for e in template.exercises}
    # The CIO and the CMO open, with working agreements; the stereotypes are named anonymously.
    assert "CIO and the CMO" in ex["opening"].notes and any("competitors" in o for o in ex["opening"].options)
    assert (ex["stereotypes"].identity, ex["stereotypes"].reveal) == ("anonymous", "manual")
    assert "looks down on" in ex["stereotypes"].notes and "quarter ahead" in ex["stereotypes"].notes
    # Impact × effort comes before the budget, and the budget is split over the initiatives' candidates.
    assert ids.index("impact-effort") < ids.index("budget") < ids.index("joint-initiatives")
    assert ex["budget"].source == ex["impact-effort"].source == ex["joint-initiatives"].source == "shared-objectives"
    assert ex["budget"].top == ex["impact-effort"].top == ex["joint-initiatives"].top
    # Who leads what names one accountable role per row, with the rows the sources suggest.
    assert ex["who-leads"].choices[:2] == ["CIO accountable (CMO contributes)", "CMO accountable (CIO contributes)"]
    for row in ("Consent and privacy of campaign data", "User experience of internal platforms",
                "Criteria for evaluating marketing platforms", "Approval time for new tools"):
        assert row in ex["who-leads"].rows
    assert "Chief Digital Officer" in ex["who-leads"].notes
    # The ways-of-working brainstorm feeds its vote; the pact and the vote end in owned actions.
    assert ex["ways-of-working"].source == "more-ways" and ids.index("more-ways") < ids.index("ways-of-working")
    assert "owner" in ex["give-and-get"].notes and "owner" in ex["ways-of-working"].notes
    assert ex["skills"].identity == "anonymous" and "glossary" in ex["glossary"].title.lower()
    # The same statements, in the same tense, before and after; a confidence question closes.
    assert ex["check-out"].compare_with == "check-in" and ex["check-out"].statements == ex["check-in"].statements
    assert (ex["confidence"].identity, ex["confidence"].compare_with) == ("anonymous", None)
    assert all(e.notes.strip() and e.prompt.strip() for e in template.exercises)


def test_the_half_day_has_a_break_and_a_buffer_of_ten_to_fifteen_percent():
    template = load_template(EXERCISES / "cio-cmo-alignment.toml")
    assert [(b.before, b.minutes) for b in template.breaks] == [("who-leads", 15)]
    assert 0.10 <= template.buffer / template.minutes <= 0.15
    assert 170 <= template.planned <= 200  # about three hours
    assert template.timing() == f"{template.planned} minutes ({template.minutes} in exercises, 15 in a break, {template.buffer} of buffer)"


def test_the_quick_agenda_takes_an_hour_with_time_to_join():
    template = load_template(EXERCISES / "quick-alignment.toml")
    assert template.planned == 60
    joining = template.breaks[0]
    assert (joining.before, joining.title) == (template.exercises[0].id, "Everyone joins")  # before the first step
    assert template.exercises[-1].id == "confidence"
    assert {ex.kind for ex in template.exercises} >= {"scale", "brainstorm", "dotvote", "ownership", "initiatives"}


def test_the_full_day_runs_about_six_hours_and_drafts_initiatives_in_breakouts():
    template = load_template(EXERCISES / "full-day-alignment.toml")
    assert 330 <= template.planned <= 390
    assert [b.title for b in template.breaks] == ["Coffee break", "Lunch", "Coffee break"]
    assert 0.10 <= template.buffer / template.minutes <= 0.15
    ex = {e.id: e for e in template.exercises}
    assert ex["joint-initiatives"].breakouts and ex["joint-initiatives"].minutes >= 45
    assert "table" in ex["joint-initiatives"].prompt
    assert ex["digital-role"].identity == "anonymous" and any("Chief Digital Officer" in o for o in ex["digital-role"].options)
    assert ex["what-could-stop-us"].section == "concerns" and "(d, then r)" in ex["what-could-stop-us"].notes
    half_day = {e.id for e in load_template(EXERCISES / "cio-cmo-alignment.toml").exercises}
    assert half_day <= set(ex)  # everything of the half day, with more time
    assert all(e.notes.strip() and e.prompt.strip() for e in template.exercises)


def test_a_break_before_an_exercise_that_does_not_exist_is_refused(tmp_path):
    text = (EXERCISES / "quick-alignment.toml").read_text().replace('before = "pulse"', 'before = "coffee"')
    path = tmp_path / "mine.toml"
    path.write_text(text)
    with pytest.raises(TemplateError, match="break 'Everyone joins': before 'coffee' must be the id of an exercise"):
        load_template(path)


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
    assert "exercise 1 ('pulse')" in message and "unknown kind" in message and "dotvote" in message and "rank" in message


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
    with pytest.raises(TemplateError, match=r"Available: .*cio-cmo-alignment"):
        find_template("no-such-agenda")


# ------------------------------------------------------------ where templates come from

QUICK_TITLE = "Quick CIO–CMO alignment"


def test_the_built_in_templates_are_the_package_data_made_of_the_exercises_folder():
    shipped = sorted(p.name for p in builtin_dir().iterdir() if p.name.endswith(".toml"))
    assert shipped == sorted(p.name for p in EXERCISES.glob("*.toml"))
    found, errors = list_templates()
    assert errors == []
    assert {t.name: t.origin for t in found} == {"cio-cmo-alignment": BUILTIN, "full-day-alignment": BUILTIN, "quick-alignment": BUILTIN}


def test_a_user_folder_adds_its_templates_beside_the_built_in_ones(tmp_path, monkeypatch):
    write(tmp_path, GOOD_EXERCISE, name="ours.toml")
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path))
    found, errors = list_templates()
    assert errors == []
    assert {t.name: t.origin for t in found} == {
        "cio-cmo-alignment": BUILTIN, "full-day-alignment": BUILTIN, "quick-alignment": BUILTIN, "ours": str(tmp_path),
    }
    assert find_template("ours").template.title == "Mine"
    assert find_template("quick-alignment").origin == BUILTIN


def test_a_user_template_with_a_built_in_name_replaces_it(tmp_path, monkeypatch):
    write(tmp_path, GOOD_EXERCISE, name="quick-alignment.toml")
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path))
    found = find_template("quick-alignment")
    assert found.template.title == "Mine" and found.origin == str(tmp_path) and found.replaces_builtin
    listed = [t for t in list_templates()[0] if t.name == "quick-alignment"]
    assert len(listed) == 1 and listed[0].template.title == "Mine" and listed[0].replaces_builtin


def test_a_broken_user_template_with_a_built_in_name_is_not_replaced_by_the_built_in_one(tmp_path, monkeypatch):
    write(tmp_path, GOOD_EXERCISE + 'minutes = "ten"\n', name="quick-alignment.toml")
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path))
    found, errors = list_templates()
    assert "quick-alignment" not in {t.name for t in found}
    assert len(errors) == 1 and "field 'minutes'" in errors[0]
    assert "built-in template 'quick-alignment', which is not used" in errors[0]
    with pytest.raises(TemplateError, match="field 'minutes'"):
        find_template("quick-alignment")


def test_the_older_variable_still_names_the_user_folder_and_the_new_one_wins(tmp_path, monkeypatch):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    write(old, GOOD_EXERCISE, name="from-old.toml")
    write(new, GOOD_EXERCISE, name="from-new.toml")
    monkeypatch.setenv("WORKSHOP_EXERCISES_DIR", str(old))
    assert find_template("from-old").origin == str(old)
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(new))
    assert find_template("from-new").origin == str(new)
    with pytest.raises(TemplateError, match="No template named 'from-old'"):
        find_template("from-old")


def test_a_user_folder_that_does_not_exist_is_named_with_its_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(TemplateError, match=r"WORKSHOP_TEMPLATES_DIR is set to .*nowhere, which does not exist"):
        find_template("quick-alignment")
    found, errors = list_templates()  # the TUI's list still offers the built-in ones
    assert {t.name for t in found} == {"cio-cmo-alignment", "full-day-alignment", "quick-alignment"}
    assert len(errors) == 1 and "unset it" in errors[0]


def test_an_unknown_name_says_where_it_was_looked_for(tmp_path, monkeypatch):
    write(tmp_path, GOOD_EXERCISE, name="ours.toml")
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path))
    with pytest.raises(TemplateError) as caught:
        find_template("nope")
    message = str(caught.value)
    assert f"among the built-in templates or in {tmp_path}" in message
    assert "Available: cio-cmo-alignment, full-day-alignment, ours, quick-alignment." in message


def test_hidden_files_in_a_user_folder_are_not_templates(tmp_path, monkeypatch):
    write(tmp_path, "this is not toml", name=".#ours.toml")  # an editor's lock file
    monkeypatch.setenv("WORKSHOP_TEMPLATES_DIR", str(tmp_path))
    assert list_templates()[1] == []
