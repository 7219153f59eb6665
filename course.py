#!/usr/bin/env python3
"""Set up, open and test the course with one command each.

Needs nothing but Python 3.10+ with pip and venv:

    python3 course.py lab            # make .venv if needed, install, open JupyterLab on lessons/
    python3 course.py test           # make or reuse .venv, run every test (fast mode)
    python3 course.py test --complete  # maintainers: complete run, strict output comparison

Both create the virtual environment ``.venv`` next to this file the first
time, install the course with the exact versions in ``constraints.txt``, and
reinstall only when ``pyproject.toml`` or ``constraints.txt`` change, so
running them again is quick. Arguments after the command go to JupyterLab
(``lab --port 8890``) or to pytest (``test -k conv``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
INSTALL_INPUTS = ["pyproject.toml", "constraints.txt"]

if sys.version_info < (3, 10):
    sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def run(cmd, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def ensure_env() -> Path:
    """Create .venv and install the course into it, unless already up to date."""
    python = venv_python()
    if not python.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as err:  # e.g. Debian without python3-venv
            sys.exit(
                f"Could not create {VENV} ({err}). On Debian/Ubuntu install "
                "the venv module first: sudo apt install python3-venv"
            )
    stamp = wanted_stamp()
    if STAMP.exists() and STAMP.read_text().strip() == stamp:
        return python
    print("Installing the course and its dependencies (the first time takes a few minutes) ...")
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    # site: the website builder and the browser test that `test` runs (tests/test_site.py)
    run([python, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[dev,site]"],
        cwd=ROOT)
    STAMP.write_text(stamp + "\n")
    return python


def cmd_lab(python: Path, extra: list[str]) -> int:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
    cmd = [python, "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT / 'lessons'}", *extra]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    print("+", " ".join(str(c) for c in cmd), flush=True)
    try:
        return subprocess.call([str(c) for c in cmd], env=env, cwd=ROOT / "lessons")
    except KeyboardInterrupt:
        return 0


def cmd_test(python: Path, extra: list[str]) -> int:
    complete = "--complete" in extra
    extra = [a for a in extra if a != "--complete"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    env["COURSE_FAST"] = "0" if complete else "1"
    nbval = ["--nbval"] if complete else ["--nbval-lax"]
    cmd = [
        python, "-m", "pytest",
        "tests", "course_utils", "lessons",
        "--doctest-modules",
        *nbval, "--nbval-current-env",
        "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
        "--nbval-cell-timeout", "3600" if complete else "900",
        *extra,
    ]
    print(f"Running the tests in {'a COMPLETE run' if complete else 'fast mode'} (COURSE_FAST={env['COURSE_FAST']})")
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], env=env, cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"lab", "test"}:
        print(__doc__)
        return 2
    python = ensure_env()
    command, extra = argv[0], argv[1:]
    return cmd_lab(python, extra) if command == "lab" else cmd_test(python, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
