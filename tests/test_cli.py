"""The command line: run (in a fresh kernel, a complete run) and the JupyterLab command."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course_utils.runtime import repo_root


def test_run_executes_a_complete_run_and_saves(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import course_utils\nprint('fast:', course_utils.fast_mode())"),
        nbformat.v4.new_code_cell("import os\nprint(os.getcwd())"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99_probe.ipynb"
    nbformat.write(nb, path)
    env = dict(os.environ, COURSE_FAST="1", CI="true")  # run must switch fast mode off
    out = subprocess.run([sys.executable, "-m", "course_utils", "run", str(path)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    done = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in done.cells] == [1, 2]
    assert done.cells[0].outputs[0]["text"] == "fast: False\n"
    assert done.cells[1].outputs[0]["text"].strip() == str(tmp_path)
    assert not any("execution" in c.metadata for c in done.cells)


def test_run_rejects_unknown_lesson():
    out = subprocess.run([sys.executable, "-m", "course_utils", "run", "42"], capture_output=True, text=True)
    assert out.returncode != 0 and "no single lesson matches '42'" in out.stderr


def test_exercises_command_checks_and_writes(tmp_path):
    """`exercises --check` says whether exercises/ is in sync; the freshness test's remedy is this command."""
    out = subprocess.run([sys.executable, "-m", "course_utils", "exercises", "--check", "01"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    out = subprocess.run([sys.executable, "-m", "course_utils", "exercises", "42"], capture_output=True, text=True)
    assert out.returncode != 0 and "no single lesson matches '42'" in out.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


KILL = getattr(signal, "SIGKILL", signal.SIGTERM)  # Windows has no SIGKILL


def _start_lab(tmp_path, port, *args):
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import course;"
        "sys.exit(course.cmd_lab(Path(sys.executable), sys.argv[2:]))"
    )
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    return subprocess.Popen(
        [sys.executable, "-c", code, str(repo_root()), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.port_retries=0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _listing(proc, port):
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5) as r:
                return {item["name"] for item in json.load(r)["content"]}
        except OSError:
            time.sleep(0.5)
    return None


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_lab_serves_a_folder_of_your_own_and_stops_with_course_py(tmp_path):
    """--ServerApp.root_dir=DIR is the user's (not "root_dir only accepts one value"), and a
    SIGTERM to course.py alone stops JupyterLab too (no server left behind)."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "handout.ipynb").write_text(json.dumps(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    port = free_port()
    proc = _start_lab(tmp_path, port, f"--ServerApp.root_dir={mine}")
    try:
        names = _listing(proc, port)
        assert names == {"handout.ipynb"}, proc.stdout.read().decode()[-3000:] if names is None else names
        proc.send_signal(signal.SIGTERM)  # to course.py only, as a service manager or `kill` would
        proc.wait(timeout=30)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                os.killpg(proc.pid, 0)  # anything left of the group (JupyterLab)?
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            pytest.fail("JupyterLab outlived course.py")
    finally:
        try:
            os.killpg(proc.pid, KILL)
        except ProcessLookupError:
            pass


def _load_course(root):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"course_{abs(hash(str(root)))}", root / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    return course


def test_lab_arguments():
    """The workspace by default; --solutions the lessons; a JupyterLab root of the user's wins."""
    course = _load_course(repo_root())
    root, args, seed = course.lab_plan(["--port", "8890"])
    assert root == course.WORKSPACE and seed and args == [f"--ServerApp.root_dir={root}", "--port", "8890"]
    root, args, seed = course.lab_plan(["--solutions", "--no-browser"])
    assert root == repo_root() / "lessons" and not seed and "--solutions" not in args
    root, args, seed = course.lab_plan(["--workspace", "/tmp/mine"])
    assert root == Path("/tmp/mine").resolve() and seed and args == [f"--ServerApp.root_dir={root}"]
    for user in (["--ServerApp.root_dir=/srv/x"], ["--notebook-dir", "/srv/x"], ["--solutions", "--notebook-dir=/srv/x"]):
        root, args, seed = course.lab_plan(user)
        assert root == Path("/srv/x") and not seed
        assert args == [a for a in user if a != "--solutions"]  # passed on as given, once


def test_workspace_copies_updates_and_never_overwrites_a_students_notebook(tmp_path):
    course = _load_course(repo_root())
    exercises, workspace = tmp_path / "exercises", tmp_path / "workspace"
    exercises.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb", "03_c.ipynb"):
        (exercises / name).write_text(f"{name} v1")
    notes = course.seed_workspace(workspace, exercises)
    assert sorted(p.name for p in workspace.glob("*.ipynb")) == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]
    assert "copied" in notes[0]
    (workspace / "01_a.ipynb").write_text("my answers")  # the student works in 01
    (workspace / "03_c.ipynb").unlink()  # and deletes 03 to start it afresh
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (exercises / name).write_text(f"{name} v2")  # the course moves on
    (exercises / "04_d.ipynb").write_text("new lesson")
    notes = "\n".join(course.seed_workspace(workspace, exercises))
    assert (workspace / "01_a.ipynb").read_text() == "my answers"
    assert "01_a.ipynb: exercises/ has a newer version" in notes
    assert (workspace / "02_b.ipynb").read_text() == "02_b.ipynb v2" and "updated" in notes
    assert (workspace / "03_c.ipynb").read_text() == "03_c.ipynb v1"
    assert (workspace / "04_d.ipynb").read_text() == "new lesson"
    notes = course.seed_workspace(workspace, exercises)  # told once, kept always
    assert notes == [] and (workspace / "01_a.ipynb").read_text() == "my answers"


def _clone_like(tmp_path):
    """What a fresh clone has that `course.py lab` uses: course.py and exercises/ (the
    environment is this one: the test calls course.cmd_lab with this Python)."""
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copy(repo_root() / "course.py", clone)
    shutil.copytree(repo_root() / "exercises", clone / "exercises")
    return clone


TOKEN = "course-test-token"


def _start_lab_in(clone, tmp_path, port, *args):
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import course;"
        "sys.exit(course.cmd_lab(Path(sys.executable), sys.argv[2:]))"
    )
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    return subprocess.Popen(
        [sys.executable, "-c", code, str(clone), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
        start_new_session=True,  # its own process group: JupyterLab is a child of course.py's process
    )


def _stop(proc):
    """SIGTERM to course.py alone; then nothing of its process group may be left."""
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=30)[0].decode()
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return out
        time.sleep(0.2)
    os.killpg(proc.pid, KILL)
    pytest.fail("JupyterLab outlived course.py")


def _api(port, path="", body=None):
    """The server's contents API, as JupyterLab uses it (GET a listing or a notebook, PUT = Save)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/{path}", method="PUT" if body else "GET",
                                     data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json", "Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)


def _wait_for(proc, port):
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        try:
            return {item["name"] for item in _api(port)["content"]}
        except OSError:
            time.sleep(0.5)
    return None


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")
def test_the_students_command_opens_the_exercises_and_keeps_their_work(tmp_path):
    """A fresh clone: `course.py lab` serves workspace/ with every exercise notebook (headless,
    through the server's API); a notebook the student saved survives a second start, while an
    unchanged one follows a newer version in exercises/."""
    clone = _clone_like(tmp_path)
    expected = {p.name for p in (clone / "exercises").glob("*.ipynb")}
    assert expected, "exercises/ is empty: python -m course_utils exercises"
    port = free_port()
    proc = _start_lab_in(clone, tmp_path, port)
    try:
        names = _wait_for(proc, port)
        assert names is not None, proc.stdout.read().decode()[-3000:]
        assert {n for n in names if n.endswith(".ipynb")} == expected
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=10) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
        first, second = sorted(expected)[:2]
        model = _api(port, first)
        model["content"]["cells"][0]["source"] = "my notes"
        _api(port, first, {"type": "notebook", "format": "json", "content": model["content"]})  # Save
        out = _stop(proc)
        assert "Your workspace" in out
        newer = nbformat.read(clone / "exercises" / second, as_version=4)
        newer.cells[0].source += "\n\nA newer version."
        nbformat.write(newer, clone / "exercises" / second)
        mine = nbformat.read(clone / "exercises" / first, as_version=4)
        mine.cells[0].source += "\n\nAlso newer."
        nbformat.write(mine, clone / "exercises" / first)
        port = free_port()
        proc = _start_lab_in(clone, tmp_path, port)
        assert _wait_for(proc, port) is not None
        assert _api(port, first)["content"]["cells"][0]["source"] == "my notes"
        assert _api(port, second)["content"]["cells"][0]["source"].endswith("A newer version.")
        out = _stop(proc)
        assert f"{first}: exercises/ has a newer version" in out and f"updated (you had not changed them): {second}" in out
    finally:
        try:
            os.killpg(proc.pid, KILL)
        except ProcessLookupError:
            pass


def _installed():
    """True when .venv holds the course as pyproject.toml and constraints.txt now ask (a fresh
    clone after `course.py test`, as in CI): then `course.py lab` starts without installing."""
    sys.path.insert(0, str(repo_root()))
    try:
        import course
    finally:
        sys.path.pop(0)
    stamp = course.VENV / ".course-installed"
    return stamp.exists() and stamp.read_text().strip() == course.wanted_stamp()


@pytest.mark.skipif(shutil.which("python3") is None, reason="no python3 on PATH")
def test_the_readme_command_itself_opens_the_exercises(tmp_path):
    """`python3 course.py lab`, exactly as the README gives it (plus headless flags and a scratch
    workspace): the server lists every exercise notebook, and stopping course.py stops it."""
    if not _installed():
        pytest.skip(".venv is not installed as pyproject.toml asks: course.py lab would install first")
    expected = {p.name for p in (repo_root() / "exercises").glob("*.ipynb")}
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    proc = subprocess.Popen(
        ["python3", "course.py", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0", f"--workspace={tmp_path / 'ws'}"],
        cwd=repo_root(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        names = _wait_for(proc, port)
        assert names is not None, proc.stdout.read().decode()[-3000:]
        assert {n for n in names if n.endswith(".ipynb")} == expected
        assert "Your workspace" in _stop(proc)
    finally:
        try:
            os.killpg(proc.pid, KILL)
        except ProcessLookupError:
            pass
