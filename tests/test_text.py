"""Text from people, cleaned once where it is parsed: what is removed, what is kept."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.text import clean, printable

ATTACKS = {
    "a screen wipe": ("\x1b[2J\x1b[HHello", "[2J[HHello"),
    "a window title": ("\x1b]0;PWN\x07", "]0;PWN"),
    "the clipboard (OSC 52)": ("\x1b]52;c;ZWNobyBwd25lZA==\x1b\\", "]52;c;ZWNobyBwd25lZA==\\"),
    "NUL and BEL": ("a\x00b\x07c", "abc"),
    "C1 controls": ("a\x9b2Jb\x85c", "a2Jb c"),
    "a right-to-left override": ("cost \u202eliated\u202c", "cost liated"),
    "bidi isolates and marks": ("\u2066a\u2069\u200fb\u061c", "ab"),
    "tag characters": ("hi\U000e0041\U000e0042", "hi"),
}


@pytest.mark.parametrize("raw, cleaned", ATTACKS.values(), ids=ATTACKS.keys())
def test_control_and_format_characters_are_removed(raw, cleaned):
    assert clean(raw) == cleaned
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in printable(raw))


@pytest.mark.parametrize("invisible", ["\u200b\u200b", "\u200d", "\u2800 \u3164", " \t\n ", "\u00ad", "\ufeff"])
def test_text_with_nothing_visible_is_empty(invisible):
    assert clean(invisible) == ""


@pytest.mark.parametrize(
    "text, kept",
    [
        ("e\u0301cole", "école"),  # NFC
        ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),  # emoji joiners stay
        ("  two\n\nlines \t here ", "two lines here"),
        ("[bold]Rich[/bold] <b>html</b> **md**", "[bold]Rich[/bold] <b>html</b> **md**"),  # markup is data, kept literally
        ("Grüße, ça va? ¿Qué? 日本語", "Grüße, ça va? ¿Qué? 日本語"),
    ],
)
def test_ordinary_text_in_any_language_is_kept(text, kept):
    assert clean(text) == kept


@given(st.text())
def test_cleaned_text_has_no_control_or_format_character_and_cleaning_twice_changes_nothing(text):
    once = clean(text)
    assert clean(once) == once
    assert all(unicodedata.category(ch) not in ("Cc", "Cs") for ch in once)
    assert all(unicodedata.category(ch) != "Cf" or ch in "\u200c\u200d" for ch in once)
    assert once == once.strip()
