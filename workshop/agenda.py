"""Agenda templates: TOML files in `exercises/`, validated by the models in `model.py`.

A template is data, so a facilitator can write their own. When one is wrong the
error names the file, the exercise (number and id) and the field, and says what was
expected, e.g.::

    exercises/mine.toml: exercise 4 ('shared-objectives'), field 'dots':
    Input should be a valid integer (you wrote 'five')
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .model import Template

ENV_DIR = "WORKSHOP_EXERCISES_DIR"
DEFAULT_TEMPLATE = "cio-cmo-alignment"


class TemplateError(Exception):
    """A template that cannot be used, with a message that points at the fix."""


@dataclass(frozen=True)
class TemplateFile:
    name: str
    """The file name without `.toml`: what `workshop new --template` takes."""
    path: Path
    template: Template


def templates_dir() -> Path:
    """`$WORKSHOP_EXERCISES_DIR`, else the `exercises/` folder beside the package
    (a checkout or editable install), else `./exercises`."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    beside = Path(__file__).resolve().parent.parent / "exercises"
    return beside if beside.is_dir() else Path.cwd() / "exercises"


def load_template(path: Path) -> Template:
    """Parse and validate one template file; TemplateError says what is wrong."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise TemplateError(f"{path}: cannot read the template ({err.strerror or err}).") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as err:
        raise TemplateError(f"{path}: not valid TOML: {err}.") from None
    try:
        return Template.model_validate(data)
    except ValidationError as err:
        problems = [_describe(error, data) for error in err.errors()]
        lines = "\n".join(f"  - {p}" for p in problems)
        raise TemplateError(f"{path}: {len(problems)} problem(s):\n{lines}") from None


def list_templates(folder: Path | None = None) -> tuple[list[TemplateFile], list[str]]:
    """The usable templates in a folder, by name, and the errors of those that are not."""
    folder = folder or templates_dir()
    found, errors = [], []
    for path in sorted(folder.glob("*.toml")):
        try:
            found.append(TemplateFile(path.stem, path, load_template(path)))
        except TemplateError as err:
            errors.append(str(err))
    return found, errors


def find_template(name: str) -> TemplateFile:
    """A template by name (from the templates folder) or by path to a `.toml` file."""
    path = Path(name)
    if path.suffix == ".toml" or path.exists():
        return TemplateFile(path.stem, path, load_template(path))
    candidate = templates_dir() / f"{name}.toml"
    if not candidate.exists():
        found, _ = list_templates()
        names = ", ".join(t.name for t in found) or "none"
        raise TemplateError(f"No template named {name!r} in {templates_dir()}. Available: {names}.")
    return TemplateFile(name, candidate, load_template(candidate))


def _describe(error: dict, data: dict) -> str:
    """One pydantic error as a sentence about the template."""
    loc = list(error["loc"])
    where = "template"
    if len(loc) >= 2 and loc[0] == "exercises" and isinstance(loc[1], int):
        index = loc[1]
        exercises = data.get("exercises") or []
        ex = exercises[index] if index < len(exercises) and isinstance(exercises[index], dict) else {}
        where = f"exercise {index + 1}" + (f" ({ex['id']!r})" if isinstance(ex.get("id"), str) else "")
        loc = loc[2:]
        if loc and loc[0] == ex.get("kind"):
            loc = loc[1:]  # pydantic puts the kind's tag in the path
    elif len(loc) >= 2 and loc[0] == "sides" and isinstance(loc[1], int):
        where, loc = f"side {loc[1] + 1}", loc[2:]
    field = ".".join(str(part) for part in loc)
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field; check its spelling (see the template format in the README)"
    elif error["type"] == "missing":
        message = "this field is required"
    elif error["type"] == "union_tag_invalid":
        message = "unknown kind; expected one of scale, brainstorm, dotvote, poll, allocate, matrix, ownership, initiatives"
    elif "input" in error and not isinstance(error["input"], dict | list):
        message += f" (you wrote {error['input']!r})"
    return f"{where}, field {field!r}: {message}" if field else f"{where}: {message}"
