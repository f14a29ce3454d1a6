"""The benchmark tooling (`workshop.bench`) stays runnable where the README says, and
stays tooling: the product does not import it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"


@pytest.mark.parametrize(
    ("module", "prog"),
    [("workshop.bench", "python -m workshop.bench"), ("workshop.bench.bench_store", "python -m workshop.bench.bench_store")],
)
def test_the_benchmarks_answer_their_help(module, prog):
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.startswith(f"usage: {prog}")


def test_only_the_cli_imports_the_bench_package():
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "bench" not in path.relative_to(PACKAGE).parts
        and re.search(r"^\s*(from\s+(workshop)?\.*bench\b|import\s+workshop\.bench\b)", path.read_text(), re.MULTILINE)
    )
    assert importers == ["cli.py"]


def test_the_headless_room_serves_with_the_facilitators_screen_and_reports_its_figures(tmp_path):
    """What the benchmark's server side runs: `python -m workshop.bench.headless FOLDER --tui`."""
    import json
    import os
    import signal

    from workshop import sessions

    workshop = sessions.create("Bench probe", sessions_dir=tmp_path)
    workshop.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "workshop.bench.headless", str(workshop.folder), "--host", "127.0.0.1", "--port", "0", "--tui"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
    )
    try:
        listening = json.loads(process.stdout.readline())
        assert listening["port"] > 0 and listening["room"] == workshop.session.room_code
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    figures = json.loads(out.splitlines()[-1])
    assert figures["tui_cpu_seconds"] > 0
