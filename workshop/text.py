"""Text from people, made safe to show anywhere: the terminal, a document, a phone.

Every piece of text that enters from a phone or the facilitator (names, ideas,
comments, initiative fields, theme names, titles) goes through :func:`clean` where it
is parsed, once: Unicode NFC; control characters (C0 and C1, escape and bell
included), bidi overrides and isolates, and other invisible format characters
removed; runs of whitespace (line breaks included) folded into one space. What is
left is plain text that cannot move a cursor, set a window title, write the
clipboard or reverse the words around it. Text that has nothing visible left is
returned empty, and each rule that needs text refuses empty text with its own
sentence.

:func:`printable` is the defence in depth used by the surfaces that write text out
(the exports): it removes the same characters without touching anything else, so
even text that bypassed :func:`clean` cannot reach a document as a control.

Pure: no I/O, safe to import from the core.
"""

from __future__ import annotations

import unicodedata

REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
"""Controls, format characters (bidi marks, overrides and isolates, zero-width spaces,
soft hyphens, tag characters, the BOM) and lone surrogates."""
JOINERS = frozenset({"\u200c", "\u200d"})
"""Zero-width (non-)joiners: format characters, but emoji sequences and several
scripts need them; they are kept inside text and cannot reorder or control anything."""
BLANK_LETTERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"})
"""Characters that are letters or symbols to Unicode but draw nothing: text made only
of them (and spaces) counts as empty."""


def _kept(char: str) -> bool:
    return char in JOINERS or unicodedata.category(char) not in REMOVED_CATEGORIES


def clean(text: str) -> str:
    """People's text as it is stored: NFC, no control or invisible format character,
    whitespace runs folded into one space, no leading or trailing space; '' when
    nothing visible is left."""
    if text.isascii() and text.isprintable() and text == text.strip() and "  " not in text:
        return text if text else ""  # the common case, at no cost
    text = unicodedata.normalize("NFC", text)
    # Whitespace first, so that a line break between two words stays a space.
    text = " ".join("".join(ch if _kept(ch) or ch.isspace() else "" for ch in text).split())
    text = text.strip("".join(JOINERS))
    if not any(_visible(ch) for ch in text):
        return ""
    return text


def _visible(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LNPS" and char not in BLANK_LETTERS


def printable(text: str) -> str:
    """`text` without any control or format character (joiners, line breaks and tabs
    kept); nothing else changes."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if _kept(ch) or ch in "\n\t")
