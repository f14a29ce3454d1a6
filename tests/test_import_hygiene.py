"""The core is pure: importing it must not pull in any I/O framework. Checked in a
fresh interpreter so that other tests' imports cannot hide a leak."""

import subprocess
import sys

import pytest

CORE = [
    "workshop.model",
    "workshop.commands",
    "workshop.events",
    "workshop.engine",
    "workshop.lifecycle",
    "workshop.text",
    "workshop.activities",
    "workshop.agenda",
    "workshop.views",
    "workshop.status",
]
FORBIDDEN = ["textual", "websockets", "tinydb", "asyncio", "qrcode", "rich"]
"""`socket` is not listed: pydantic imports it for its network types."""


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_io_framework(module):
    loaded = _loaded_after(f"import {module}")
    leaked = sorted(name for name in FORBIDDEN if name in loaded)
    assert not leaked, f"{module} pulled in {leaked}"


def test_cli_help_path_imports_neither_pydantic_nor_the_ui():
    loaded = _loaded_after("import workshop.cli as c; c._parser().format_help()")
    heavy = sorted(name for name in ("pydantic", "textual", "websockets", "tinydb") if name in loaded)
    assert not heavy, f"`workshop --help` would import {heavy}"


def test_only_the_store_imports_tinydb():
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "workshop"
    users = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "import tinydb" in path.read_text() or "from tinydb" in path.read_text()
    )
    assert users == ["store.py"]
