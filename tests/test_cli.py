"""The `workshop` command as a facilitator types it: real processes, real folders."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

from workshop.agenda import load_template

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"
DEFAULT = load_template(EXERCISES / "cio-cmo-alignment.toml")
QUICK = load_template(EXERCISES / "quick-alignment.toml")


def workshop(*args, sessions=None, templates=None, check=True):
    env = dict(os.environ)
    env.pop("WORKSHOP_EXERCISES_DIR", None)
    env.pop("WORKSHOP_TEMPLATES_DIR", None)
    if sessions is not None:
        env["WORKSHOP_SESSIONS_DIR"] = str(sessions)
    if templates is not None:
        env["WORKSHOP_TEMPLATES_DIR"] = str(templates)
    result = subprocess.run(
        [sys.executable, "-m", "workshop", *map(str, args)], capture_output=True, text=True, env=env, timeout=60
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_help_lists_the_commands():
    out = workshop("--help").stdout
    for command in ("new", "list", "resume", "status", "demo", "check", "templates", "--templates DIR", "--version"):
        assert command in out


def test_new_creates_a_session_that_list_and_resume_show(tmp_path):
    out = workshop("new", "--title", "Acme offsite", "--organisation", "Acme", "--facilitator", "Dana", sessions=tmp_path).stdout
    assert "Created session" in out and "room code:" in out
    folders = list(tmp_path.iterdir())
    assert len(folders) == 1 and folders[0].name.endswith("acme-offsite")
    assert (folders[0] / "journal.jsonl").exists() and (folders[0] / "snapshot.json").exists()

    listing = workshop("list", sessions=tmp_path).stdout
    first = DEFAULT.exercises[0].title
    assert "Acme offsite — Acme" in listing and f"0/{len(DEFAULT.exercises)} done, now: {first}" in listing

    status = workshop("status", sessions=tmp_path).stdout
    now = next(line for line in status.splitlines() if "← now" in line)
    assert "Acme offsite" in status and first in now and "Check-in pulse" in status


def test_sessions_dir_option_beats_the_environment(tmp_path):
    chosen, ignored = tmp_path / "chosen", tmp_path / "ignored"
    workshop("--sessions-dir", chosen, "new", "--title", "One", sessions=ignored)
    assert list(chosen.iterdir()) and not ignored.exists()


def test_new_with_the_quick_template_and_resume_by_partial_name(tmp_path):
    workshop("new", "--title", "Quick one", "--template", "quick-alignment", sessions=tmp_path)
    status = workshop("status", "quick-one", sessions=tmp_path).stdout
    assert "quick-alignment" in status and "7." in status and "8." not in status
    lines = status.splitlines()
    joining = next(n for n, line in enumerate(lines) if "Everyone joins (5 min)" in line)
    assert " 1. Pulse" in lines[joining + 1]  # the break stands where it falls: before the first step


def test_resume_of_an_unknown_session_says_how_to_find_one(tmp_path):
    result = workshop("status", "nope", sessions=tmp_path, check=False)
    assert result.returncode == 1
    assert "No session 'nope'" in result.stderr and "workshop list" in result.stderr


def test_new_with_an_unknown_template_lists_the_available_ones(tmp_path):
    result = workshop("new", "--title", "X", "--template", "nope", sessions=tmp_path, check=False)
    assert result.returncode == 1 and "cio-cmo-alignment" in result.stderr
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


def test_check_accepts_the_shipped_templates():
    out = workshop("check", *sorted(EXERCISES.glob("*.toml"))).stdout
    # The whole plan in words: exercises, the break and the buffer held back for overruns.
    timing = f"{DEFAULT.planned} minutes ({DEFAULT.minutes} in exercises, {DEFAULT.breaks[0].minutes} in a break, {DEFAULT.buffer} of buffer)"
    assert f"cio-cmo-alignment.toml: ok — 'CIO–CMO alignment', {len(DEFAULT.exercises)} exercises, {timing}" in out
    assert "quick-alignment.toml: ok" in out and "(50 in exercises, 5 in a break, 5 of buffer)" in out


def test_check_reports_a_bad_template_and_fails(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "Bad"\n[[exercises]]\nid = "a"\nkind = "poll"\ntitle = "A"\nprompt = "P"\noptions = ["only one"]\n')
    result = workshop("check", bad, check=False)
    assert result.returncode == 1
    assert "bad.toml" in result.stderr and "exercise 1 ('a')" in result.stderr and "field 'options'" in result.stderr


def test_list_with_no_sessions_says_how_to_start(tmp_path):
    assert "workshop new" in workshop("list", sessions=tmp_path).stdout


def test_sessions_dir_option_works_after_the_command(tmp_path):
    chosen, ignored = tmp_path / "chosen", tmp_path / "ignored"
    workshop("new", "--sessions-dir", chosen, "--title", "One", sessions=ignored)
    assert len(list(chosen.iterdir())) == 1 and not ignored.exists()
    assert "One" in workshop("list", "--sessions-dir", chosen, sessions=ignored).stdout
    assert "One" in workshop("status", "--sessions-dir", chosen, sessions=ignored).stdout


def test_sessions_dir_before_the_command_is_kept_when_not_repeated_after_it(tmp_path):
    chosen, ignored = tmp_path / "chosen", tmp_path / "ignored"
    workshop("--sessions-dir", chosen, "new", "--title", "One", sessions=ignored)
    assert "One" in workshop("--sessions-dir", chosen, "status", sessions=ignored).stdout
    assert not ignored.exists()


def test_sessions_dir_after_the_command_beats_the_one_before_it(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    workshop("--sessions-dir", before, "new", "--sessions-dir", after, "--title", "One")
    assert list(after.iterdir()) and not before.exists()


def test_room_options_are_accepted_after_the_command():
    assert "--public-url URL" in workshop("resume", "--help").stdout
    result = workshop("demo", "--port", "nope", check=False)
    assert result.returncode == 2 and "--port: invalid int value: 'nope'" in result.stderr


def test_the_resume_hint_names_a_sessions_dir_that_was_given(tmp_path):
    chosen = tmp_path / "my sessions"
    out = workshop("new", "--title", "One", "--sessions-dir", chosen, sessions=tmp_path / "ignored").stdout
    hint = next(line for line in out.splitlines() if line.startswith("Resume it with:"))
    assert hint.endswith(f" --sessions-dir '{chosen}'")
    command = shlex.split(hint.removeprefix("Resume it with: "))
    assert command[0] == "workshop"
    assert "One" in workshop("status", *command[2:], sessions=tmp_path / "ignored").stdout


def test_the_resume_hint_is_plain_without_a_sessions_dir_option(tmp_path):
    out = workshop("new", "--title", "One", sessions=tmp_path).stdout
    assert "Resume it with: workshop resume " in out and "--sessions-dir" not in out


# ------------------------------------------------------------ version and templates

OURS = """title = "Our own agenda"

[[exercises]]
id = "pulse"
kind = "scale"
title = "Our pulse"
prompt = "How are we doing?"
minutes = 7
statements = ["We work well together"]
"""


def user_folder(tmp_path, **files):
    folder = tmp_path / "my templates"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def test_version_is_the_package_version():
    from importlib.metadata import version

    import workshop as package

    out = workshop("--version").stdout
    assert out == f"workshop (common-ground) {package.__version__}\n"
    assert version("common-ground") == package.__version__


def test_templates_lists_the_built_in_ones_and_how_to_add_yours():
    result = workshop("templates")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "TITLE", "EXERCISES", "MINUTES", "FROM"]
    quick = next(line for line in lines if line.startswith("quick-alignment "))
    # MINUTES is the whole plan: 50 in exercises, 5 for everyone to join, 5 of buffer.
    assert "Quick CIO–CMO alignment" in quick and quick.split()[-4:] == [str(len(QUICK.exercises)), "60", "built", "in"]
    assert "--templates DIR" in result.stdout and result.stderr == ""


def test_templates_option_before_or_after_the_command_adds_a_user_folder(tmp_path):
    folder = user_folder(tmp_path, ours=OURS)
    for args in (("--templates", folder, "templates"), ("templates", "--templates", folder)):
        out = workshop(*args).stdout
        ours = next(line for line in out.splitlines() if line.startswith("ours "))
        assert "Our own agenda" in ours and ours.endswith(str(folder)) and ours.split()[-4:-2] == ["1", "7"]
        assert "cio-cmo-alignment" in out and "Add your own" not in out


def test_the_environment_variable_names_the_user_folder_too(tmp_path):
    folder = user_folder(tmp_path, ours=OURS)
    assert "Our own agenda" in workshop("templates", templates=folder).stdout


def test_a_session_starts_from_a_template_in_the_user_folder(tmp_path):
    folder = user_folder(tmp_path, ours=OURS)
    out = workshop("new", "--templates", folder, "--title", "Ours", "--template", "ours", sessions=tmp_path / "s").stdout
    assert "template:  ours, 1 exercise, 7 minutes\n" in out  # no break, no buffer: the minutes alone
    assert "Our pulse" in workshop("status", sessions=tmp_path / "s").stdout


def test_a_user_template_with_a_built_in_name_wins(tmp_path):
    folder = user_folder(tmp_path, **{"cio-cmo-alignment": OURS})
    listing = workshop("--templates", folder, "templates").stdout
    rows = [line for line in listing.splitlines() if line.startswith("cio-cmo-alignment ")]
    assert len(rows) == 1 and "Our own agenda" in rows[0] and rows[0].endswith("(replaces the built-in one)")
    out = workshop("--templates", folder, "new", "--title", "Default", sessions=tmp_path / "s").stdout
    assert "template:  cio-cmo-alignment, 1 exercise, 7 minutes\n" in out


def test_templates_option_pointing_nowhere_is_refused_before_anything_happens(tmp_path):
    result = workshop("--templates", tmp_path / "nowhere", "new", "--title", "X", sessions=tmp_path / "s", check=False)
    assert result.returncode == 2
    assert "argument --templates:" in result.stderr and "nowhere does not exist" in result.stderr
    assert not (tmp_path / "s").exists()


def test_templates_option_pointing_at_a_file_says_to_use_template_for_one_file(tmp_path):
    folder = user_folder(tmp_path, ours=OURS)
    result = workshop("templates", "--templates", folder / "ours.toml", check=False)
    assert result.returncode == 2
    assert "ours.toml is a file, not a folder" in result.stderr and "--template" in result.stderr


def test_templates_lists_the_good_ones_and_the_errors_of_the_broken_ones(tmp_path):
    folder = user_folder(tmp_path, ours=OURS, broken=OURS.replace("minutes = 7", 'minutes = "seven"'))
    result = workshop("templates", "--templates", folder, check=False)
    assert result.returncode == 1
    assert "Our own agenda" in result.stdout and "broken " not in result.stdout
    assert "Not usable:" in result.stderr and "broken.toml" in result.stderr and "field 'minutes'" in result.stderr


def test_loadtest_answers_its_help_from_the_bench_package():
    out = workshop("loadtest", "--help").stdout
    assert out.startswith("usage: workshop loadtest") and "--phones" in out
