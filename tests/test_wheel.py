"""The package is the product: a wheel built from this checkout and installed by pip
into a fresh virtual environment works from an empty folder. It holds the built-in
templates, the phone page and the TUI's stylesheet; `workshop` creates, reads and
exports a session with it; its room serves the phone page.

Offline, and about ten seconds, by design:

- The wheel is built from a copy of the source tree (so that no `build/` folder is
  reused from the checkout or left in it) with `pip wheel --no-deps
  --no-build-isolation --no-index`: the backend is the setuptools of the environment
  running the tests (the `test` extra asks for setuptools>=77, what the build-system
  table requires), so no build environment is downloaded.
- The fresh venv is made without pip, and this environment's pip installs the wheel
  into it (`pip --python VENV/bin/python install --no-index --no-deps WHEEL`).
- Its dependencies are not downloaded again. A `.pth` file in the fresh venv appends
  this environment's site-packages to its path, after its own, so textual, pydantic
  and the rest resolve there. `workshop` itself still comes only from the wheel: this
  environment's editable `workshop` is reached through an import hook that a `.pth`
  file in its site-packages installs, and a folder appended by a `.pth` line does not
  run the `.pth` files inside it. The tests check where `workshop` was imported from,
  and `pip check` that what the wheel declares it needs is there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_PACKAGED = {".git", ".venv", ".ci", ".hypothesis", ".pytest_cache", "build", "dist", "sessions", "tests"}
"""Top-level folders of the checkout that play no part in building the wheel."""


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    workshop: Path
    site: Path
    empty: Path
    """A folder with nothing in it, to run from."""
    env: dict


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    if int(version("setuptools").split(".")[0]) < 77:
        pytest.fail("The wheel is built with this environment's setuptools, which must be >= 77: run `make install-test`.")
    tmp = tmp_path_factory.mktemp("wheel")

    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=_not_packaged)
    wheels = tmp / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet", "-w", wheels, source)
    (wheel,) = wheels.glob("common_ground-*.whl")

    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--no-deps", "--quiet", wheel)
    paths = json.loads(run(python, "-c", "import json, sysconfig; print(json.dumps(sysconfig.get_paths()))").stdout)
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(paths["purelib"]) / "_dependencies_from_the_test_environment.pth").write_text("\n".join(ours) + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "PYTHON", "VIRTUAL_ENV"))}
    empty = tmp / "empty"
    empty.mkdir()
    return Installed(wheel, python, Path(paths["scripts"]) / "workshop", Path(paths["purelib"]), empty, env)


def _not_packaged(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or (top and n in NOT_PACKAGED)}


def workshop(installed: Installed, *args) -> str:
    return run(installed.workshop, *args, cwd=installed.empty, env=installed.env).stdout


def source_packages() -> set[str]:
    """Every package of the source tree by its import name, `workshop.exercises` too."""
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "workshop").rglob("__init__.py")}
    return found | {"workshop.exercises"}


def test_pyproject_lists_every_package_of_the_source_tree():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    missing = sorted(source_packages() - set(config["packages"]))
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml, or the wheel leaves them out"
    assert config["package-dir"] == {"workshop.exercises": "exercises"}


def test_the_wheel_holds_every_package_the_templates_the_phone_page_and_the_stylesheet(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for package in source_packages():
        assert f"{package.replace('.', '/')}/__init__.py" in names, package
    templates = {f"workshop/exercises/{p.name}" for p in (ROOT / "exercises").glob("*.toml")}
    assert len(templates) >= 2 and templates <= names
    data = {
        path.relative_to(ROOT).as_posix()
        for path in [*(ROOT / "workshop" / "web").rglob("*"), *(ROOT / "workshop" / "tui").rglob("*.tcss")]
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"workshop/web/index.html", "workshop/tui/app.tcss"} <= data
    assert not data - names, f"left out of the wheel: {sorted(data - names)}"
    assert not any(name.startswith(("tests/", "exercises/")) for name in names)


def test_workshop_is_imported_from_the_wheel_with_its_files(installed):
    code = (
        "import json, workshop, workshop.tui.app; from importlib.resources import files; "
        "print(json.dumps({'file': workshop.__file__, 'page': (files('workshop') / 'web' / 'index.html').is_file(), "
        "'tcss': (files('workshop') / 'tui' / 'app.tcss').is_file(), "
        "'templates': str(files('workshop.exercises'))}))"
    )
    found = json.loads(run(installed.python, "-c", code, cwd=installed.empty, env=installed.env).stdout)
    assert Path(found["file"]).is_relative_to(installed.site)
    assert Path(found["templates"]).is_relative_to(installed.site)
    assert found["page"] and found["tcss"]


def test_the_declared_dependencies_are_all_there(installed):
    run(sys.executable, "-m", "pip", "--python", installed.python, "check", env=installed.env)


def test_the_installed_command_creates_reads_and_exports_a_session_from_an_empty_folder(installed):
    assert re.fullmatch(r"workshop \(common-ground\) \d+\.\d+\.\d+.*\n", workshop(installed, "--version"))
    listing = workshop(installed, "templates")
    assert re.search(r"^cio-cmo-alignment .* built in$", listing, re.MULTILINE)

    created = workshop(installed, "new", "--title", "Wheel offsite")
    shipped = tomllib.loads((ROOT / "exercises" / "cio-cmo-alignment.toml").read_text(encoding="utf-8"))
    template = next(line.strip() for line in created.splitlines() if line.strip().startswith("template:"))
    assert "cio-cmo-alignment" in template and f"{len(shipped['exercises'])} exercises" in template  # the checkout's default agenda
    session = next(line.split()[-1] for line in created.splitlines() if line.startswith("Created session"))
    assert (installed.empty / "sessions" / session / "journal.jsonl").is_file()

    assert "Wheel offsite" in workshop(installed, "status") and "Wheel offsite" in workshop(installed, "list")
    written = [installed.empty / line.removeprefix("Wrote ") for line in workshop(installed, "export", "--out", "out").splitlines()]
    assert sorted(path.name.split("-")[-1] for path in written) == ["agenda.html", "agenda.json", "agenda.md", "annex.html", "annex.md"]
    assert all(path.parent == installed.empty / "out" and "Wheel offsite" in path.read_text() for path in written)
    assert "usage: workshop loadtest" in workshop(installed, "loadtest", "--help")


def test_the_installed_room_serves_the_phone_page(installed, tmp_path):
    workshop(installed, "new", "--title", "Room check", "--sessions-dir", tmp_path)
    (folder,) = tmp_path.iterdir()
    room = subprocess.Popen(
        [installed.python, "-m", "workshop.bench.headless", folder, "--port", "0"],
        cwd=installed.empty, env=installed.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        hello = json.loads(room.stdout.readline() or "{}")
        assert "port" in hello, room.stderr.read() if room.poll() is not None else "no port line"
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
        with direct.open(f"http://127.0.0.1:{hello['port']}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        room.send_signal(signal.SIGTERM)
        try:
            room.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            room.kill()
            room.communicate()
