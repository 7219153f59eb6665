#!/usr/bin/env python3
"""Set up, open and test the course with one command each.

Needs nothing but Python 3.10+ with pip and venv:

    python3 course.py lab            # make .venv if needed, install, open JupyterLab on your
                                     # workspace/: your own copies of the exercise notebooks
    python3 course.py lab --solutions  # the lessons with their solutions (lessons/) instead
    python3 course.py test           # make or reuse .venv, run every test (fast mode)
    python3 course.py test --complete  # maintainers: complete run, strict output comparison
    python3 course.py test --oldest    # maintainers: the same tests with the oldest versions
                                       # pyproject.toml accepts, in .venv-oldest

Both create the virtual environment ``.venv`` next to this file the first
time, install the course with the exact versions in ``constraints.txt``, and
reinstall only when ``pyproject.toml`` or ``constraints.txt`` change, so
running them again is quick. Arguments after the command go to JupyterLab
(``lab --port 8890``) or to pytest (``test -k conv``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
INSTALL_INPUTS = ["pyproject.toml", "constraints.txt"]
# The dev tools the tests need, installed at the versions constraints.txt pins even in
# the oldest-versions environment (the bounds that matter to a student are the others).
DEV_TOOLS = {"pytest", "nbval", "ruff", "pyyaml"}

if sys.version_info < (3, 10):
    sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")


def venv_python(venv_dir: Path = VENV) -> Path:
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def lower_bounds() -> dict[str, str]:
    """The ``name>=version`` floors of pyproject.toml's runtime dependencies."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    return dict(re.findall(r'"([A-Za-z0-9_.-]+)>=([^",;\s]+)"', block))


def oldest_constraints() -> str:
    """A pip constraints file: every runtime dependency at its floor, dev tools as pinned."""
    lines = ["# Written by `python3 course.py test --oldest`: the oldest versions pyproject.toml accepts."]
    lines += [f"{name}=={version}" for name, version in lower_bounds().items()]
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name = line.split("==")[0].strip().lower()
        if name in DEV_TOOLS:
            lines.append(line.strip())
    return "\n".join(lines) + "\n"


def wanted_stamp() -> str:
    digest = hashlib.sha256()
    for name in INSTALL_INPUTS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def run(cmd, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def ensure_env(oldest: bool = False) -> Path:
    """Create .venv (or .venv-oldest) and install the course into it, unless up to date."""
    venv_dir = ROOT / ".venv-oldest" if oldest else VENV
    python = venv_python(venv_dir)
    if not python.exists():
        print(f"Creating the virtual environment {venv_dir} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(venv_dir)
        except Exception as err:  # e.g. Debian without python3-venv
            sys.exit(
                f"Could not create {venv_dir} ({err}). On Debian/Ubuntu install "
                "the venv module first: sudo apt install python3-venv"
            )
    stamp_file = venv_dir / ".course-installed"
    stamp = wanted_stamp()
    if stamp_file.exists() and stamp_file.read_text().strip() == stamp:
        return python
    print("Installing the course and its dependencies (the first time takes a few minutes) ...")
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    if oldest:
        # The oldest versions pyproject.toml accepts, without the website builder
        # (its browser test is skipped there): what a student's or Colab's stack may have.
        constraints = venv_dir / "oldest-constraints.txt"
        constraints.write_text(oldest_constraints())
        run([python, "-m", "pip", "install", "--quiet", "-c", constraints, "-e", ".[dev]"], cwd=ROOT)
    else:
        # site: the website builder and the browser test that `test` runs (tests/test_site.py)
        run([python, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[dev,site]"],
            cwd=ROOT)
    stamp_file.write_text(stamp + "\n")
    return python


_ROOT_FLAGS = ("--ServerApp.root_dir", "--notebook-dir", "--ServerApp.notebook_dir", "--NotebookApp.notebook_dir")
EXERCISES = ROOT / "exercises"
WORKSPACE = ROOT / "workspace"
#: In the workspace: which version of each exercise notebook was copied there.
MANIFEST = ".course-workspace.json"


def lab_root(extra: list[str]) -> Path | None:
    """The folder the user asked JupyterLab to serve, if any (``--ServerApp.root_dir=DIR``,
    ``--notebook-dir DIR``, ...)."""
    for i, arg in enumerate(extra):
        for flag in _ROOT_FLAGS:
            if arg.startswith(flag + "="):
                return Path(arg.split("=", 1)[1]).expanduser()
            if arg == flag and i + 1 < len(extra):
                return Path(extra[i + 1]).expanduser()
    return None


def lab_plan(extra: list[str]) -> tuple[Path, list[str], bool]:
    """What ``lab`` serves: ``(folder, JupyterLab's arguments, whether to seed it from exercises/)``.

    By default the workspace (``workspace/``, seeded); ``--workspace=DIR`` a workspace of
    your own (seeded); ``--solutions`` the lessons with their solutions; a JupyterLab
    root (``--ServerApp.root_dir=DIR``, ``--notebook-dir=DIR``) wins over all and is
    served as it is.
    """
    rest, workspace, solutions = [], None, False
    args = iter(extra)
    for arg in args:
        if arg == "--solutions":
            solutions = True
        elif arg.startswith("--workspace="):
            workspace = Path(arg.split("=", 1)[1]).expanduser()
        elif arg == "--workspace":
            value = next(args, None)
            if value is None:
                sys.exit("--workspace needs a folder: --workspace=DIR")
            workspace = Path(value).expanduser()
        else:
            rest.append(arg)
    root = lab_root(rest)
    if root is not None:
        return root, rest, False
    if solutions:
        root, seed = ROOT / "lessons", False
    else:
        root, seed = (workspace or WORKSPACE).resolve(), True
    return root, [f"--ServerApp.root_dir={root}", *rest], seed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_workspace(workspace: Path, exercises: Path = EXERCISES) -> list[str]:
    """Bring a workspace up to date with ``exercises/``; return what to tell the student.

    A notebook missing from the workspace is copied (so deleting one gives a fresh copy
    next time); one the student has not changed since it was copied is replaced by a
    newer version; one the student changed is never touched: they are told once that
    ``exercises/`` has a newer version. The manifest ``.course-workspace.json`` records
    the hash of each copy as it was written.
    """
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        assert isinstance(manifest, dict)
    except (OSError, ValueError, AssertionError):
        manifest = {}
    notes, copied, updated = [], [], []
    for source in sorted(exercises.glob("*.ipynb")):
        target, new = workspace / source.name, _digest(source)
        entry = manifest.get(source.name) if isinstance(manifest.get(source.name), dict) else {}
        if not target.exists():
            shutil.copyfile(source, target)
            copied.append(source.name)
            entry = {"copied": new}
        else:
            current = _digest(target)
            if current == new:
                entry = {"copied": new}
            elif current == entry.get("copied"):  # untouched since it was copied: take the new one
                shutil.copyfile(source, target)
                updated.append(source.name)
                entry = {"copied": new}
            elif entry.get("announced") != new:
                notes.append(f"  {source.name}: exercises/ has a newer version; yours, which you "
                             "changed, is kept. To take the new one, rename yours and start again.")
                entry = {**entry, "announced": new}
        manifest[source.name] = entry
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not any(exercises.glob("*.ipynb")):
        notes.append(f"  no exercise notebooks in {exercises}: is this a clone of the course?")
    if copied:
        notes.insert(0, f"  copied into your workspace: {', '.join(copied)}")
    if updated:
        notes.insert(0, f"  updated (you had not changed them): {', '.join(updated)}")
    return notes


def cmd_lab(python: Path, extra: list[str]) -> int:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"))
    root, args, seed = lab_plan(extra)
    if seed:
        notes = seed_workspace(root)
        print(f"Your workspace: {root} (your own copies of the exercise notebooks; the lessons with "
              "their solutions: python3 course.py lab --solutions)", flush=True)
        for note in notes:
            print(note, flush=True)
    cmd = [python, "-m", "jupyter", "lab", *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    print("+", " ".join(str(c) for c in cmd), flush=True)
    proc = subprocess.Popen([str(c) for c in cmd], env=env, cwd=root)

    def forward(signum, frame):  # stopping course.py stops JupyterLab too
        proc.send_signal(signum)

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), forward)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C: JupyterLab got it too; make sure it ends
        try:
            return proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            proc.terminate()
            try:
                return proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                return proc.wait()


def cmd_test(python: Path, extra: list[str]) -> int:
    complete = "--complete" in extra
    extra = [a for a in extra if a not in ("--complete", "--oldest")]
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
    command, extra = argv[0], argv[1:]
    python = ensure_env(oldest=command == "test" and "--oldest" in extra)
    return cmd_lab(python, extra) if command == "lab" else cmd_test(python, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
