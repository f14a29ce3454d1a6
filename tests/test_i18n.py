"""Languages without a browser: the phone page's catalogues (workshop/web/i18n/) say
the same things in every language, the page asks them only for words they have, and a
template's own translations are checked like the rest of a template and reach phones
through the view of the current exercise only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_cli import workshop
from tests.test_sentences import emitted
from workshop import privacy, protocol, views
from workshop.agenda import TemplateError, load_template
from workshop.model import DEFAULT_SIDES, LANGUAGES

WEB = Path(__file__).resolve().parent.parent / "workshop" / "web"
CATALOGUES = WEB / "i18n"
ENGLISH = json.loads((CATALOGUES / "en.json").read_text(encoding="utf-8"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
"""Intl.PluralRules' categories: `plural(n, key)` looks up `key.<category>`, else `key.other`."""


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ the catalogues


def test_there_is_a_catalogue_for_each_language_and_nothing_else():
    assert sorted(p.stem for p in CATALOGUES.glob("*.json")) == sorted(LANGUAGES)
    script = (WEB / "i18n.js").read_text(encoding="utf-8")
    languages = re.search(r"LANGUAGES = Object\.freeze\(\{([^}]*)\}\)", script)
    assert languages and re.findall(r"(\w+):", languages.group(1)) == list(LANGUAGES)  # the switcher's, the model's


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalogue_has_exactly_the_keys_of_the_english_one(lang):
    words = catalogue(lang)
    missing = sorted(set(ENGLISH) - set(words))
    extra = sorted(set(words) - set(ENGLISH))
    assert not missing, f"{lang}.json lacks {missing}"
    assert not extra, f"{lang}.json has keys English does not: {extra}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_a_non_empty_string(lang):
    bad = [key for key, text in catalogue(lang).items() if not isinstance(text, str) or not text.strip()]
    assert not bad, f"{lang}.json: empty or not text: {bad}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_a_translation_keeps_every_placeholder_and_adds_none(lang):
    words = catalogue(lang)
    for key, english in ENGLISH.items():
        wanted, found = set(PLACEHOLDER.findall(english)), set(PLACEHOLDER.findall(words.get(key, "")))
        assert wanted <= found, f"{lang}.json {key!r} lacks {sorted(wanted - found)}: {words.get(key)!r}"
        assert found <= wanted, f"{lang}.json {key!r} has {sorted(found - wanted)}, which nothing fills in: {words.get(key)!r}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_a_translation_is_a_translation(lang):
    """Words that read the same in every language are few: the product's name, side
    labels, placeholders and numbers. Anything longer left in English is a slip."""
    words = catalogue(lang)
    wordy = [key for key, english in ENGLISH.items() if len(re.findall(r"[^\W\d_]{2,}", PLACEHOLDER.sub("", english))) > 2]
    same = [key for key in wordy if words[key] == ENGLISH[key]]
    assert not same, f"{lang}.json leaves these in English: {same}"


# ------------------------------------------------------------------ what the page asks for


def sources() -> dict[str, str]:
    """The page's scripts without their comments."""
    return {
        p.relative_to(WEB).as_posix(): re.sub(r"/\*.*?\*/|//[^\n]*", "", p.read_text(encoding="utf-8"), flags=re.S)
        for p in sorted(WEB.rglob("*.js"))
    }


# A string literal where a call's argument ends up: the argument itself, or either
# branch of a ternary (`t(saved ? "button.sent" : "button.send")`).
LITERAL_BRANCH = re.compile(r'(?:^|\?|:)\s*"([^"\\]+)"')
CALLS = {"t": 0, "tx": 0, "plural": 1, "pluralx": 1}
"""The functions that take a catalogue key, and which of their arguments is the key."""
TEMPLATE_KEY = re.compile(r"^\s*`([^`]*)`\s*$")


def arguments(text: str, start: int) -> list[str]:
    """The arguments of the call whose `(` is just before `start`, as source text,
    split at the commas that are not inside brackets, strings or template literals."""
    args, depth, quote, at, i = [], 0, "", start, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return [*args, text[at:i]]
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[at:i])
            at = i + 1
        i += 1
    return args

KIND_VERBS = sorted(
    {re.search(r'labels = \{ done: "(\w+)" \}', p.read_text(encoding="utf-8")).group(1) for p in (WEB / "kinds").glob("*.js") if p.name != "index.js"}
    | {"answered"}  # the default, for a kind the page does not know
)
DYNAMIC = {
    "conn.${S.conn}": [f"conn.{state}" for state in ("connecting", "connected", "reconnecting", "offline", "closed")],
    "identity.${ex.identity}": [f"identity.{level}" for level in ("named", "side", "anonymous")],
    "side.default.${side.id}": [f"side.default.{side.id}" for side in DEFAULT_SIDES],
    'quadrant.${name.replace(/ /g, "-")}${article ? ".a" : ""}': [
        f"quadrant.{q}{a}" for q in ("quick-win", "big-bet", "fill-in", "money-pit") for a in ("", ".a")
    ],
    "initiatives.field.${field}": [f"initiatives.field.{f}" for f in ("outcome", "kpi", "baseline", "target", "timeframe", "it_lead", "marketing_lead", "budget_share", "first_step")],
    "initiatives.field.${field}-hint": [f"initiatives.field.{f}-hint" for f in ("outcome", "kpi", "baseline", "target", "timeframe", "it_lead", "marketing_lead", "budget_share", "first_step")],
    "initiatives.status.${i.status}": [f"initiatives.status.{s}" for s in ("draft", "agreed", "parked")],
    "server.${key}": [f"server.{key}" for key in emitted()],  # `say(msg)`: the room's sentences
}
"""Keys the page builds as it runs (`t(`conn.${S.conn}`)`), each with every key it can become."""
DYNAMIC_PLURALS = {
    "more.${what}": ["more.comments", "more.answers"],
    'done.${kind ? kind.labels.done : "answered"}': [f"done.{verb}" for verb in KIND_VERBS],
}
INTERNAL = ["ordinal"]
"""Plural keys i18n.js itself looks up (`ordinal(n)`: `ordinal.one`, `ordinal.two`, …)."""


def asked_for() -> tuple[set[str], set[str], list[str]]:
    """The keys the scripts ask `t`/`tx` for, the plural keys they ask `plural`/`pluralx`
    for, and any key built as it runs that DYNAMIC does not list."""
    words: set[str] = set()
    plurals: set[str] = set(INTERNAL)
    unlisted: list[str] = []
    for name, text in sources().items():
        for call in re.finditer(r"(?<![\w.])(t|tx|plural|pluralx)\(", text):
            args = arguments(text, call.end())
            if re.search(r"function\s+$", text[: call.start()]) or len(args) <= CALLS[call.group(1)]:
                continue  # the definition, not a call
            argument = args[CALLS[call.group(1)]]
            found, dynamic = (words, DYNAMIC) if call.group(1) in ("t", "tx") else (plurals, DYNAMIC_PLURALS)
            template = TEMPLATE_KEY.match(argument)
            if template is None:
                found.update(LITERAL_BRANCH.findall(argument.strip()))
            elif template.group(1) in dynamic:
                found.update(dynamic[template.group(1)])
            else:
                unlisted.append(f"{name}: `{template.group(1)}`")
    return words, plurals, unlisted


def test_every_key_the_page_asks_for_is_in_the_english_catalogue():
    words, plurals, unlisted = asked_for()
    assert not unlisted, f"keys built as the page runs, to list in DYNAMIC with every key they become: {unlisted}"
    assert len(words) > 100 and len(plurals) > 15  # the scan finds the calls
    missing = sorted(key for key in words if key not in ENGLISH)
    assert not missing, f"the page asks for keys en.json lacks: {missing}"
    for key in plurals:
        for form in ("one", "other"):  # English needs both; other languages fall back to `other`
            assert f"{key}.{form}" in ENGLISH, f"plural(n, {key!r}) needs {key}.{form} in en.json"
    assert {"ordinal.one", "ordinal.two", "ordinal.few", "ordinal.other"} <= set(ENGLISH)  # 1st, 2nd, 3rd, 4th


def test_every_key_of_the_catalogue_is_used():
    words, plurals, _ = asked_for()
    used = words | {f"{key}.{form}" for key in plurals for form in PLURAL_FORMS}
    unused = sorted(set(ENGLISH) - used)
    assert not unused, f"en.json keys nothing asks for: {unused}"


def test_the_phone_knows_the_default_sides_as_the_model_does():
    """A side left as the product names it is said in the page's language (sides.js)."""
    script = (WEB / "sides.js").read_text(encoding="utf-8")
    mirrored = re.search(r"const DEFAULT_SIDES = \{([^}]*)\}", script).group(1)
    assert dict(re.findall(r'(\w+): "([^"]*)"', mirrored)) == {side.id: side.label for side in DEFAULT_SIDES}
    assert all(ENGLISH[f"side.default.{side.id}"] == side.label for side in DEFAULT_SIDES)


def test_the_phone_knows_the_rooms_word_for_a_person_without_a_name():
    """A named exercise's champion who gave no name is said in the page's language."""
    script = (WEB / "kinds" / "initiatives.js").read_text(encoding="utf-8")
    assert re.search(r'const NO_NAME = "([^"]*)";', script).group(1) == privacy.ANONYMOUS_NAME
    assert ENGLISH["initiatives.no-name"] == privacy.ANONYMOUS_NAME


# ------------------------------------------------------------------ template translations

GOOD = """
title = "Mini alignment"

[[exercises]]
id = "pulse"
kind = "scale"
title = "Pulse"
prompt = "How do things stand?"
statements = ["We work well together", "We share goals"]

[[exercises]]
id = "who"
kind = "ownership"
title = "Who leads"
prompt = "Who should lead each?"
rows = ["Data privacy", "Marketing tools"]

[[exercises]]
id = "ideas"
kind = "brainstorm"
title = "Ideas"
prompt = "What could we do?"

[[exercises]]
id = "vote"
kind = "dotvote"
title = "Vote"
prompt = "Which matter most?"
options = ["Loyalty app"]
source = "ideas"

[translations.de]
title = "Kleine Abstimmung"
sides = { other = "Andere" }

[translations.de.exercises.pulse]
title = "Puls"
prompt = "Wie steht es?"
statements = ["Wir arbeiten gut zusammen", "Wir teilen Ziele"]
labels = ["Stimme gar nicht zu", "Stimme voll zu"]

[translations.de.exercises.who]
rows = ["Datenschutz", "Marketing-Werkzeuge"]
choices = ["CIO führt", "CMO führt", "Gemeinsam"]

[translations.de.exercises.vote]
options = ["Treue-App"]

[translations.fr.exercises.pulse]
prompt = "Où en sommes-nous ?"
"""


def write(tmp_path, text: str, name: str = "mini.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path, text: str) -> str:
    with pytest.raises(TemplateError) as raised:
        load_template(write(tmp_path, text))
    return str(raised.value)


def test_a_template_with_good_translations_loads(tmp_path):
    template = load_template(write(tmp_path, GOOD))
    de = template.translations["de"]
    assert de.title == "Kleine Abstimmung" and de.sides == {"other": "Andere"}
    assert de.exercises["pulse"].statements == ["Wir arbeiten gut zusammen", "Wir teilen Ziele"]
    assert template.translations["fr"].exercises["pulse"].prompt == "Où en sommes-nous ?"
    assert "notes" not in type(de.exercises["pulse"]).model_fields  # the talk track is never translated


def test_a_template_without_translations_is_stored_as_before(tmp_path):
    template = load_template(write(tmp_path, GOOD.split("[translations.de]")[0]))
    assert template.translations == {} and "translations" not in template.model_dump(mode="json")
    with_them = load_template(write(tmp_path, GOOD, "with.toml"))
    assert with_them.model_validate(with_them.model_dump(mode="json")) == with_them  # a stored session reads back


@pytest.mark.parametrize(
    ("mistake", "expected"),
    [
        (
            '[translations.it]\ntitle = "Allineamento"\n',
            "translation 'it': the phones do not speak this language; use one of en, de, fr, es",
        ),
        (
            '[translations.de.exercises.pulze]\ntitle = "Puls"\n',
            "translation 'de', exercise 'pulze': no exercise has this id (did you mean 'pulse'?)",
        ),
        (
            '[translations.de.exercises.pulse]\nrows = ["x"]\n',
            "translation 'de', exercise 'pulse', field 'rows': this scale exercise has no rows to translate (it has title, prompt, statements, labels)",
        ),
        (
            '[translations.de.exercises.pulse]\nstatements = ["Nur einer"]\n',
            "translation 'de', exercise 'pulse', field 'statements': 1 given, the exercise has 2; give one for each, in the same order",
        ),
        (
            '[translations.es.exercises.who]\nchoices = ["CIO", "CMO"]\n',
            "translation 'es', exercise 'who', field 'choices': 2 given, the exercise has 3",
        ),
        (
            '[translations.de.exercises.pulse]\npromt = "Wie?"\n',
            "translation 'de', exercise 'pulse', field 'promt': unknown field",
        ),
        (
            '[translations.de.exercises.pulse]\nnotes = "Sag etwas"\n',
            "translation 'de', exercise 'pulse', field 'notes': unknown field",
        ),
        (
            '[translations.fr.exercises.pulse]\nstatements = ["", "b"]\n',
            "translation 'fr', exercise 'pulse', field 'statements.0': String should have at least 1 character",
        ),
        (
            '[translations.de]\ntitel = "x"\n',
            "translation 'de', field 'titel': unknown field",
        ),
        (
            '[translations.de]\nsides = { others = "Andere" }\n',
            "translation 'de', side 'others': no side has this id (the sides are it, marketing, other)",
        ),
    ],
)
def test_each_kind_of_mistake_in_a_translation_is_named(tmp_path, mistake, expected):
    message = problems_of(tmp_path, GOOD.split("[translations.de]")[0] + mistake)
    assert message.startswith(f"{tmp_path / 'mini.toml'}: 1 problem(s):"), message
    assert expected in message, message


def test_every_translation_that_does_not_fit_is_listed_at_once(tmp_path):
    message = problems_of(
        tmp_path,
        GOOD + '[translations.es.exercises.pulse]\nstatements = ["a"]\n[translations.es.exercises.nope]\ntitle = "x"\n',
    )
    assert "2 problem(s)" in message
    assert "translation 'es', exercise 'pulse', field 'statements'" in message and "translation 'es', exercise 'nope'" in message


def test_workshop_check_fails_on_a_bad_translation_and_says_where(tmp_path):
    bad = write(tmp_path, GOOD.replace('options = ["Treue-App"]', 'options = ["Treue-App", "Noch eine"]'))
    result = workshop("check", bad, check=False)
    assert result.returncode == 1
    assert str(bad) in result.stderr
    assert "translation 'de', exercise 'vote', field 'options': 2 given, the exercise has 1" in result.stderr
    good = write(tmp_path, GOOD, "good.toml")
    assert "good.toml: ok" in workshop("check", good).stdout


# ------------------------------------------------------------------ what phones are sent


@pytest.fixture
def room(tmp_path, make_room):
    """A room on the small template, the first two sides with three people each."""
    template = load_template(write(tmp_path, GOOD))
    made = make_room(*(ex.model_dump(mode="json") for ex in template.exercises), translations=template.model_dump(mode="json")["translations"])
    return made


def test_the_view_carries_the_current_exercises_translations_by_item(room):
    room.open("pulse")
    view = views.room_view(room.engine, room.now)
    items = room.items("pulse")
    assert view["exercise"]["i18n"] == {
        "de": {
            "title": "Puls",
            "prompt": "Wie steht es?",
            "items": dict(zip(items, ["Wir arbeiten gut zusammen", "Wir teilen Ziele"], strict=True)),
            "labels": ["Stimme gar nicht zu", "Stimme voll zu"],
        },
        "fr": {"prompt": "Où en sommes-nous ?"},
    }
    assert view["i18n"] == {"de": {"sides": {"other": "Andere"}}}  # the header's
    assert view["exercise"]["title"] == "Pulse" and view["exercise"]["items"][0]["text"] == "We work well together"
    assert "Treue-App" not in protocol.dumps(view)  # only the current exercise's


def test_rows_and_choices_are_translated_apart(room):
    room.open("who")
    de = views.room_view(room.engine, room.now)["exercise"]["i18n"]["de"]
    assert de["items"] == dict(zip(room.items("who"), ["Datenschutz", "Marketing-Werkzeuge"], strict=True))
    assert de["choices"] == ["CIO führt", "CMO führt", "Gemeinsam"]


def test_items_people_wrote_are_never_translated(room):
    from workshop import commands as c

    pid = room.join(side="it")
    room.open("ideas")
    room.accepts(pid, c.SubmitIdea(exercise="ideas", text="A loyalty app"))
    assert "i18n" not in views.room_view(room.engine, room.now)["exercise"]  # nothing of its own translated
    room.open("vote")
    view = views.room_view(room.engine, room.now)
    fixed, sourced = room.state("vote").items
    assert sourced.text == "A loyalty app"
    assert view["exercise"]["i18n"]["de"]["items"] == {fixed.id: "Treue-App"}


def test_a_view_without_translations_has_no_trace_of_them(make_room):
    room = make_room({"id": "pulse", "kind": "scale", "statements": ["One"]})
    room.open("pulse")
    view = views.room_view(room.engine, room.now)
    assert "i18n" not in view and "i18n" not in view["exercise"]


def test_translations_go_last_when_a_view_is_over_its_budget(make_room):
    long = "x" * 190
    statements = [f"{n} {long}" for n in range(10)]
    words = {lang: {"exercises": {"pulse": {"prompt": "p" * 400, "statements": [f"{lang} {n} {long}" for n in range(10)]}}} for lang in LANGUAGES}
    room = make_room({"id": "pulse", "kind": "scale", "statements": statements, "prompt": "q" * 400, "reveal": "live"}, translations=words)
    room.open("pulse")
    view = views.room_view(room.engine, room.now)
    assert len(protocol.dumps(view).encode()) <= views.VIEW_BUDGET
    kept = view["exercise"].get("i18n", {})
    assert list(kept) == list(LANGUAGES)[: len(kept)] and len(kept) < len(LANGUAGES)  # the last languages went first
