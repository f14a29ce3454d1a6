"""The sentences the room says to a person (refusals, errors, the door's answer), each
written once, in English, in the phone page's catalogue: the `server.*` keys of
`web/i18n/en.json`.

What a caller must know:

- A sentence is a key and its args (`"limit.ideas"`, `{"most": 5}`). The room sends
  both beside the English text, so a phone says it in its own language
  (`t("server." + key, args)` in the page, the same `{name}` placeholders); the TUI
  and the logs use the English text, `english(key, args)`.
- Args are data — a number, a title someone typed — filled in as text, never
  markup, and never looked up again: an arg holding `{n}` stays `{n}`.
- A key that is not in the catalogue, or a placeholder without its arg, is a
  programming error (KeyError), caught by tests/test_sentences.py, which also
  checks that every key the code can send is in the catalogue and the other way
  round.
- Sentences only the facilitator ever sees (commands only the TUI sends) may stay
  plain English: `Refusal.for_facilitator`.

Pure apart from reading the catalogue (package data) once, on first use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

PREFIX = "server."
"""Where the room's sentences sit among the page's keys."""
PLACEHOLDER = re.compile(r"\{(\w+)\}")
"""`{name}`, exactly as the page's `t` fills it in (web/i18n.js)."""

Args = Mapping[str, str | int]
"""What fills a sentence's placeholders: text or whole numbers (the page writes a
number the language's way, "1,000" / "1.000")."""


@cache
def templates() -> dict[str, str]:
    """Every sentence the room can say, by key (without `PREFIX`), in English."""
    catalogue = json.loads((files("workshop") / "web" / "i18n" / "en.json").read_text(encoding="utf-8"))
    return {key.removeprefix(PREFIX): text for key, text in catalogue.items() if key.startswith(PREFIX)}


def english(key: str, args: Args | None = None) -> str:
    """The sentence `key` in English with its placeholders filled in from `args`."""
    template = templates()[key]
    values = args or {}
    return PLACEHOLDER.sub(lambda found: str(values[found.group(1)]), template)
