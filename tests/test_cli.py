"""The command line: run (in a fresh kernel, a complete run) and the JupyterLab command."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

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


def test_lab_command_serves_the_lessons(tmp_path):
    """course.py's lab command starts JupyterLab on lessons/ (headless)."""
    port = free_port()
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import course;"
        "sys.exit(course.cmd_lab(Path(sys.executable), sys.argv[2:]))"
    )
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(repo_root()), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.port_retries=0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
        start_new_session=True,  # its own process group: JupyterLab is a child of course.py's process
    )

    def stop(sig):  # the whole group, so that no JupyterLab server outlives the test
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)

    try:
        listing, deadline = None, time.time() + 90
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=5) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(0.5)
        if listing is None:
            stop(KILL)
            pytest.fail("JupyterLab did not answer:\n" + proc.stdout.read().decode()[-3000:])
        names = {item["name"] for item in listing["content"]}
        assert any(n.startswith("01_") and n.endswith(".ipynb") for n in names), names
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=10) as r:
            assert r.status == 200 and b"JupyterLab" in r.read()
    finally:
        stop(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            stop(KILL)
