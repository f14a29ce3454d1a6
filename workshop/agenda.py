"""Agenda templates: TOML files, validated by the models in `model.py`.

Templates come from two places, and a name is looked up in this order:

1. the user's folder, when one is given: `workshop --templates DIR`, which the CLI
   passes on as `$WORKSHOP_TEMPLATES_DIR` (`$WORKSHOP_EXERCISES_DIR` is its older
   name and still works);
2. the built-in ones, shipped inside the package as `workshop.exercises`: the
   repository's `exercises/` folder, mapped into the package by pyproject.toml, so
   a wheel carries them and an editable install reads the folder itself.

A user template with the name of a built-in one replaces it, even when it is broken:
a name never quietly falls back to another agenda than the one the user wrote.

A template is data, so a facilitator can write their own. When one is wrong the
error names the file, the exercise (number and id) and the field, and says what was
expected, e.g.::

    exercises/mine.toml: exercise 4 ('shared-objectives'), field 'dots':
    Input should be a valid integer (you wrote 'five')

A template's translations (`[translations.de]`, see `model.Translation`) are checked
the same way, and their errors name the language too::

    exercises/mine.toml: translation 'de', exercise 'check-in', field 'statements':
    2 given, the exercise has 3; give one for each, in the same order
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .model import Template

ENV_DIR = "WORKSHOP_TEMPLATES_DIR"
OLD_ENV_DIR = "WORKSHOP_EXERCISES_DIR"
"""The older name of `ENV_DIR`, read when `ENV_DIR` is not set."""
BUILTIN_PACKAGE = "workshop.exercises"
BUILTIN = "built in"
"""The `origin` of a template that ships with the package."""
DEFAULT_TEMPLATE = "cio-cmo-alignment"


class TemplateError(Exception):
    """A template that cannot be used, with a message that points at the fix."""


@dataclass(frozen=True)
class TemplateFile:
    name: str
    """The file name without `.toml`: what `workshop new --template` takes."""
    path: Path | Traversable
    """Where it was read; a plain path except for a package installed as a zip."""
    template: Template
    origin: str = ""
    """`BUILTIN`, or the user's folder it came from ('' for a file named directly)."""
    replaces_builtin: bool = False
    """A user template with the name of a built-in one, which it hides."""


def builtin_dir() -> Traversable:
    """The built-in templates: the package data `workshop.exercises`. Run from a
    source checkout that was never installed, that package does not exist (it is
    mapped from `exercises/` only at install time): then the checkout's `exercises/`."""
    try:
        return resources.files(BUILTIN_PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "exercises"


def user_dir() -> Path | None:
    """The user's folder of templates from the environment (see the module
    docstring), or None. TemplateError when it names no folder, saying which
    variable to fix."""
    for variable in (ENV_DIR, OLD_ENV_DIR):
        if os.environ.get(variable):
            folder = Path(os.environ[variable])
            if not folder.is_dir():
                what = "is not a folder" if folder.exists() else "does not exist"
                raise TemplateError(
                    f"{variable} is set to {folder}, which {what}. Set it to a folder of .toml templates, "
                    "or unset it to use the built-in ones."
                )
            return folder
    return None


def load_template(path: Path | Traversable | str) -> Template:
    """Parse and validate one template file; TemplateError says what is wrong."""
    path = Path(path) if isinstance(path, str) else path
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise TemplateError(f"{path}: cannot read the template ({err.strerror or err}).") from None
    import tomllib  # noqa: PLC0415 - ~10 ms that reading a saved session never needs

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as err:
        raise TemplateError(f"{path}: not valid TOML: {err}.") from None
    try:
        return Template.model_validate(data)
    except ValidationError as err:
        problems = [problem for error in err.errors() for problem in _problems(error, data)]
        lines = "\n".join(f"  - {p}" for p in problems)
        raise TemplateError(f"{path}: {len(problems)} problem(s):\n{lines}") from None


def list_templates(folder: Path | Traversable | None = None) -> tuple[list[TemplateFile], list[str]]:
    """The usable templates, by name, and the errors of the files that are not.

    With `folder`, that folder's alone. Without, what `find_template` can find: the
    built-in ones and the user's folder together, a user template replacing a
    built-in one of the same name — a broken one too, whose error then says that
    the built-in one is not used. A follow-up agenda (`Template.follow_up`, such as
    the built-in `follow-up`) is not listed: it is started from a session with
    `workshop follow-up`, never on its own; `find_template` still finds it."""
    if folder is not None:
        found, broken = _read_folder(folder, str(folder))
        return found, [error for _, error in broken]
    found, broken = _read_folder(builtin_dir(), BUILTIN)
    found = [t for t in found if not t.template.follow_up]
    errors = [error for _, error in broken]
    try:
        user = user_dir()
    except TemplateError as err:
        return found, [*errors, str(err)]
    if user is None:
        return found, errors
    by_name = {t.name: t for t in found}
    mine, mine_broken = _read_folder(user, str(user))
    for t in mine:
        if t.template.follow_up:
            by_name.pop(t.name, None)
            continue
        by_name[t.name] = replace(t, replaces_builtin=t.name in by_name)
    for name, error in mine_broken:
        if by_name.pop(name, None) is not None:
            error += f"\n  It has the name of the built-in template {name!r}, which is not used while this file is there."
        errors.append(error)
    return sorted(by_name.values(), key=lambda t: t.name), errors


def _read_folder(folder: Path | Traversable, origin: str) -> tuple[list[TemplateFile], list[tuple[str, str]]]:
    """Every `*.toml` file of a folder (not hidden ones, such as an editor's lock
    files): the usable templates, and (name, error) for the others."""
    found, broken = [], []
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and not f.name.startswith(".")), key=lambda f: f.name)
    for path in files:
        name = path.name.removesuffix(".toml")
        try:
            found.append(TemplateFile(name, path, load_template(path), origin))
        except TemplateError as err:
            broken.append((name, str(err)))
    return found, broken


def find_template(name: str) -> TemplateFile:
    """A template by name — from the user's folder, else the built-in ones — or by
    path to a `.toml` file. TemplateError when there is none, listing those there are."""
    path = Path(name)
    if path.suffix == ".toml" or path.is_file():
        return TemplateFile(path.stem, path, load_template(path))
    user = user_dir()
    builtin = builtin_dir() / f"{name}.toml"
    if user is not None and (user / f"{name}.toml").is_file():
        mine = user / f"{name}.toml"
        return TemplateFile(name, mine, load_template(mine), str(user), replaces_builtin=builtin.is_file())
    if builtin.is_file():
        return TemplateFile(name, builtin, load_template(builtin), BUILTIN)
    found, _ = list_templates()
    names = ", ".join(t.name for t in found) or "none"
    where = "among the built-in templates" + (f" or in {user}" if user else "")
    raise TemplateError(
        f"No template named {name!r} {where}. Available: {names}. "
        "`workshop templates` lists them; a path to a .toml file works too."
    )


def _problems(error: ErrorDetails, data: dict[str, Any]) -> list[str]:
    """One pydantic error as sentences about the template: one, except for the check of
    the translations against the template (`model.translation_problems`), which lists
    every translation that does not fit."""
    if error["type"] == "translations":
        return list(error.get("ctx", {}).get("problems", [])) or [error["msg"]]
    return [_describe(error, data)]


def _translation_place(loc: list[Any]) -> tuple[str, list[Any]]:
    """Where under `translations` an error is ("translation 'de', exercise 'check-in'"),
    and the rest of its path: the field."""
    where = f"translation {loc[1]!r}" if len(loc) >= 2 else "translations"
    rest = loc[2:]
    if len(rest) >= 2 and rest[0] in ("exercises", "sides"):
        where += f", {rest[0].removesuffix('s')} {rest[1]!r}"
        rest = rest[2:]
    return where, rest


def _describe(error: ErrorDetails, data: dict[str, Any]) -> str:
    """One pydantic error as a sentence about the template."""
    loc = list(error["loc"])
    where = "template"
    if loc and loc[0] == "translations":
        if len(loc) == 3 and loc[2] == "[key]":
            from .model import LANGUAGES  # noqa: PLC0415 - what the phones speak, said once

            return f"translation {loc[1]!r}: the phones do not speak this language; use one of {', '.join(LANGUAGES)}"
        where, loc = _translation_place(loc)
    elif len(loc) >= 2 and loc[0] == "exercises" and isinstance(loc[1], int):
        index = loc[1]
        exercises = data.get("exercises") or []
        ex = exercises[index] if index < len(exercises) and isinstance(exercises[index], dict) else {}
        where = f"exercise {index + 1}" + (f" ({ex['id']!r})" if isinstance(ex.get("id"), str) else "")
        loc = loc[2:]
        if loc and loc[0] == ex.get("kind"):
            loc = loc[1:]  # pydantic puts the kind's tag in the path
    elif len(loc) >= 2 and loc[0] in ("sides", "breaks") and isinstance(loc[1], int):
        where, loc = f"{loc[0].removesuffix('s')} {loc[1] + 1}", loc[2:]
    field = ".".join(str(part) for part in loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field; check its spelling (see the template format in the README)"
    elif error["type"] == "missing":
        message = "this field is required"
    elif error["type"] == "union_tag_invalid":
        from .activities import KINDS  # noqa: PLC0415 - the kinds import the models this module loads

        message = f"unknown kind; expected one of {', '.join(KINDS)}"
    elif "input" in error and not isinstance(error["input"], dict | list):
        message += f" (you wrote {error['input']!r})"
    return f"{where}, field {field!r}: {message}" if field else f"{where}: {message}"
