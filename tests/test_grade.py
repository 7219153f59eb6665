"""Instructor grading (`python -m course_utils grade`) on synthetic submissions of lesson 01.

The submissions are made here from lesson 01's handout and instructor version:
right, stubbed, wrong, crashing, looping, tampered, unreadable, foreign... and
graded in one run of the command; each must get exactly its expected status.
"""

import copy
import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile

import nbformat
import pytest
from lessons_helpers import LESSONS, exercises, read

from course_utils import grade
from course_utils.handout import METADATA_KEY, lesson_slug, make_handout
from course_utils.runtime import repo_root

LESSON01 = next((p for p in LESSONS if p.name.startswith("01_")), None)
pytestmark = pytest.mark.skipif(LESSON01 is None, reason="lesson 01 is not there")
LANDLOCK = grade.landlock_abi() > 0
TIMEOUT, MEMORY = 8, 600  # seconds per cell, MB per kernel, for the synthetic run

ALL = ["passed"] * 5
STUBS = ["not attempted"] * 5
EXPECTED = {
    "all_correct": ALL,
    "all_stubs": STUBS,
    "one_wrong": ["passed", "passed", "not yet", "passed", "passed"],
    "one_error": ["passed", "error", "passed", "passed", "passed"],
    "infinite_loop": ["timeout", "timeout", "passed", "passed", "passed"],
    "crash": ["passed", "error", "error", "error", "passed"],
    "tampered_check": ["not attempted", "passed", "not yet", "passed", "not attempted"],
    "deleted_check": ["not yet", "not attempted", "passed", "not attempted", "not attempted"],
    "invalid_json": ["invalid notebook"] * 5,
    "mixup": ["wrong lesson"] * 5,
    "noisy": ALL,
    "memory": ["error", "error", "passed", "passed", "passed"],
    "patches_checks": ["not yet"] + ["not attempted"] * 4,  # the judge replays the real check
    "colab_user": ALL,
    "endless_output": ["timeout", "passed", "passed", "passed", "passed"],
    "rewrites_output": ["not attempted", "not yet", "not attempted", "not attempted", "not attempted"],
}
if LANDLOCK:
    EXPECTED["escape"] = ["error", "passed", "error", "passed", "passed"]
    EXPECTED["contained"] = ALL  # every probe was refused, so the right answers pass
    EXPECTED["huge"] = ALL
MARKER = f"course-grade-test-{uuid.uuid4().hex}"  # in the command line of a process that must not survive


# A wrong answer to exercise 3: the right shape, without the average's 1/m.
WRONG3 = "def smoothed_difference_kernel(m):\n    return np.convolve(np.ones(m), [1, -1])\n"


def lesson01():
    return grade.load_lesson(LESSON01)


class Builder:
    """Makes a student notebook from the handout: answers and check cells by exercise number."""

    def __init__(self):
        self.lesson = lesson01()
        instructor = read(LESSON01)
        self.solution = {c.id: c.source for c in instructor.cells}

    def cell(self, nb, cell_id):
        return next(c for c in nb.cells if c.get("id") == cell_id)

    def make(self, answers=None, checks=None, solved=(1, 2, 3, 4, 5)):
        """``solved``: exercises that get the instructor's answer; ``answers``: other sources;
        ``checks``: new check-cell sources (None deletes the cell)."""
        nb = copy.deepcopy(self.lesson.handout)
        for ex in self.lesson.exercises:
            if ex.number in solved:
                self.cell(nb, ex.solution_id).source = self.solution[ex.solution_id]
            if answers and ex.number in answers:
                if answers[ex.number] is None:
                    nb.cells.remove(self.cell(nb, ex.solution_id))
                else:
                    self.cell(nb, ex.solution_id).source = answers[ex.number]
            if checks and ex.number in checks:
                if checks[ex.number] is None:
                    nb.cells.remove(self.cell(nb, ex.check_id))
                else:
                    self.cell(nb, ex.check_id).source = checks[ex.number]
        return nb


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def make_submissions(root, outside, port=0):
    """The synthetic set; ``outside`` is a folder no submission may write into; ``port``: a
    localhost TCP port the test listens on, which no submission may reach."""
    b = Builder()
    ex = {e.number: e for e in b.lesson.exercises}
    write(b.make(), root / "all_correct" / "lesson_02_final.ipynb")  # the file name does not matter
    write(b.make(solved=()), root / "all_stubs" / "01_convolution_1d.ipynb")
    wrong = b.make(answers={3: WRONG3})
    moved = b.cell(wrong, ex[1].solution_id)
    moved["id"] = "a-new-cell-id"  # a copied cell: found by the function it defines
    wrong.metadata[METADATA_KEY]["version"] = "0" * 16  # from an older handout
    write(wrong, root / "one_wrong" / "mine.ipynb")
    write(b.make(answers={2: 'def same_padding(k):\n    return {1: (0, 0)}[k]\n'}),
          root / "one_error" / "01_convolution_1d.ipynb")
    write(b.make(answers={
        1: "def correlate_loop(x, h):\n    while True:\n        pass\n",
        2: ("def same_padding(k):\n    while True:  # ignores the interrupt\n"
            "        try:\n            while True:\n                pass\n"
            "        except BaseException:\n            pass\n"),
    }), root / "infinite_loop" / "01_convolution_1d.ipynb")
    write(b.make(answers={
        2: "def same_padding(k):\n    raise SystemExit(3)\n",
        3: "import ctypes\n\ndef smoothed_difference_kernel(m):\n    return ctypes.string_at(0)  # segfault\n",
        4: "import os\n\ndef interpolation_kernel():\n    os._exit(1)\n",
    }), root / "crash" / "01_convolution_1d.ipynb")
    always = 'print("✅ Correct ({}): trust me")'
    write(b.make(solved=(2, 4), answers={3: WRONG3},
                 checks={1: always.format("correlate_loop"), 3: always.format("smoothed_difference_kernel")}),
          root / "tampered_check" / "01_convolution_1d.ipynb")
    write(b.make(solved=(3,), answers={
        1: 'def correlate_loop(x, h):\n    return np.convolve(x, h, "valid")\n', 4: None},
        checks={1: None, 2: None, 3: None, 4: None}), root / "deleted_check" / "01_convolution_1d.ipynb")
    (root / "invalid_json.ipynb").write_text('{"cells": [')  # flat: the student is the file name
    mixup = b.make()
    mixup.metadata[METADATA_KEY]["lesson"] = "02_correlation_2d"  # another lesson's handout
    write(mixup, root / "mixup" / "01_convolution_1d.ipynb")
    noisy = b.solution[ex[1].solution_id].replace(
        "    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION\n    print('spam ' * 200_000)\n")
    write(b.make(answers={1: noisy}), root / "noisy" / "01_convolution_1d.ipynb")
    write(b.make(answers={
        1: "keep = []\n\ndef correlate_loop(x, h):\n    while True:\n        keep.append(np.ones(5 * 10**7))  # 400 MB a step: over the limit at once\n",
        2: "def same_padding(k):\n    return len(np.ones(10**11))\n",
    }), root / "memory" / "01_convolution_1d.ipynb")
    write(b.make(solved=(), answers={1: (
        'checks.check_correlate_loop = lambda f: print("✅ Correct (correlate_loop): fooled")\n'
        "def correlate_loop(x, h):\n    raise NotImplementedError\n")}),
        root / "patches_checks" / "01_convolution_1d.ipynb")
    # 0.5 MB a second, for ever (much faster, and the kernel's memory is what stops it)
    write(b.make(answers={1: "import time\n\ndef correlate_loop(x, h):\n    while True:\n"
                             "        print('spam ' * 1000)\n        time.sleep(0.01)\n"}),
          root / "endless_output" / "01_convolution_1d.ipynb")
    # Every verdict printed in the kernel is rewritten to "Correct", through sys.stdout and print.
    rewrite = ("import builtins, sys\n\nclass Liar:\n    def __init__(self, out):\n        self.out = out\n"
               "    def write(self, text):\n        return self.out.write(text.replace('❌ Not yet', '✅ Correct'))\n"
               "    def __getattr__(self, name):\n        return getattr(self.out, name)\n\n"
               "sys.stdout = Liar(sys.stdout)\n_print = builtins.print\n"
               "builtins.print = lambda *a, **k: _print(*[str(x).replace('❌ Not yet', '✅ Correct') for x in a], **k)\n")
    write(b.make(solved=(), answers={1: rewrite + "def correlate_loop(x, h):\n    raise NotImplementedError\n",
                                     2: "def same_padding(k):\n    return (0, 0)\n"}),
          root / "rewrites_output" / "01_convolution_1d.ipynb")
    colab = b.make()  # saved by an editor that drops unknown metadata and cell ids
    del colab.metadata[METADATA_KEY]
    colab.nbformat_minor = 4
    for cell in colab.cells:
        del cell["id"]
    write(colab, root / "colab_user" / "Copy of 01_convolution_1d.ipynb")
    if LANDLOCK:
        canary, probe = outside / "canary.txt", repo_root() / f".grade-probe-{uuid.uuid4().hex}"
        victim = root / "all_correct" / "lesson_02_final.ipynb"
        write(b.make(answers={
            1: f"def correlate_loop(x, h):\n    open({str(canary)!r}, 'w').write('changed')\n",
            2: ("open('scratch.txt', 'w').write('mine')  # its own folder: allowed\n"
                f"try:\n    open({str(victim)!r}, 'w').write('{{}}')\nexcept OSError as err:\n"
                "    print('blocked:', type(err).__name__)\n" + b.solution[ex[2].solution_id]),
            3: f"def smoothed_difference_kernel(m):\n    open({str(probe)!r}, 'w').write('x')\n",
            4: (f"import subprocess\nsubprocess.run(['touch', {str(probe) + '-child'!r}])\n"
                + b.solution[ex[4].solution_id]),
        }), root / "escape" / "01_convolution_1d.ipynb")
        # Network, reading what is not the student's, signals, and a process that leaves the session.
        probes = {
            "tcp": f"socket.create_connection(('127.0.0.1', {port}), 2)",
            "udp": f"socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', {port}))",
            "parent folder": "os.listdir('..')",
            "lessons": f"os.listdir({str(LESSON01.parent)!r})",
            "lesson file": f"open({str(LESSON01)!r}).read()",
            "other submission": f"open({str(victim)!r}).read()",
            "home": f"os.listdir({os.path.expanduser('~')!r})",
            "grader's environment": "open(f'/proc/{os.getppid()}/environ').read()",
            "signal": "os.kill(os.getppid(), signal.SIGTERM)",
        }
        spy = ("import os, signal, socket, subprocess, sys\n\nleaks = []\n"
               + "".join(f"try:\n    {code}\n    leaks.append({name!r})\nexcept OSError:\n    pass\n"
                         for name, code in probes.items())
               + "assert not leaks, leaks\n")
        daemon = ("import os, sys, time\nos.setsid()\nif os.fork():\n    os._exit(0)\n"
                  "time.sleep(600)\n")
        write(b.make(answers={
            1: spy + b.solution[ex[1].solution_id],
            2: (f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {daemon!r}, {MARKER!r}])\n"
                + b.solution[ex[2].solution_id]),
        }), root / "contained" / "01_convolution_1d.ipynb")
        huge = b.make()  # 50 MB of text in one markdown cell
        huge.cells.append(nbformat.v4.new_markdown_cell("x" * 50_000_000))
        write(huge, root / "huge" / "01_convolution_1d.ipynb")
        return [canary, probe, probe.with_name(probe.name + "-child")]
    return []


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    subs, out, outside = tmp / "submissions", tmp / "submissions" / "_graded", tmp / "outside"
    outside.mkdir()
    (outside / "canary.txt").write_text("original")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    probes = make_submissions(subs, outside, listener.getsockname()[1])
    before = digest(subs)
    lesson_before = hashlib.sha256(LESSON01.read_bytes()).hexdigest()
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "course_utils", "grade", str(subs), "--out", str(out), "--lesson", "01",
         "--timeout", str(TIMEOUT), "--memory", str(MEMORY), "--jobs", "2"],
        capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, run.stdout + run.stderr
    with open(out / "grades.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    print(f"\ngraded {len(EXPECTED)} synthetic submissions in {seconds:.1f} s\n{run.stdout}")
    try:
        listener.accept()
        reached = True
    except BlockingIOError:
        reached = False
    listener.close()
    yield {"subs": subs, "out": out, "rows": rows, "stdout": run.stdout, "before": before,
           "lesson_before": lesson_before, "probes": probes, "outside": outside, "reached": reached}
    for probe in probes[1:]:
        probe.unlink(missing_ok=True)


def statuses(rows):
    table = {}
    for row in rows:
        table.setdefault(row["student"], []).append(row["status"])
    return table


def feedback(rows, student, number):
    return [r for r in rows if r["student"] == student][number - 1]["feedback"]


def test_every_submission_gets_exactly_its_expected_status(graded):
    rows = graded["rows"]
    assert list(rows[0]) == ["student", "lesson", "exercise", "status", "points", "max_points", "feedback"]
    for row in rows:  # each exercise of lesson 01 is worth 1 point
        assert (row["points"], row["max_points"]) == (("1", "1") if row["status"] == "passed" else ("0", "1"))
    assert statuses(rows) == EXPECTED
    titles = [e.title for e in lesson01().exercises]
    for student in EXPECTED:
        mine = [r for r in rows if r["student"] == student]
        assert [r["exercise"] for r in mine] == titles
        assert {r["lesson"] for r in mine} == {LESSON01.stem}


def test_feedback_says_what_happened(graded):
    rows = graded["rows"]
    assert feedback(rows, "all_correct", 1).startswith("✅ Correct (correlate_loop)")
    assert "NotImplementedError" in feedback(rows, "all_stubs", 2)
    assert "scale" in feedback(rows, "one_wrong", 3)
    assert "found by its function name" in feedback(rows, "one_wrong", 1)
    assert "raised KeyError" in feedback(rows, "one_error", 2)
    assert "did not finish within" in feedback(rows, "infinite_loop", 1)
    assert "did not finish within" in feedback(rows, "infinite_loop", 2)
    assert "SystemExit" in feedback(rows, "crash", 2)
    assert "crashed (SIGSEGV)" in feedback(rows, "crash", 3)
    assert "exited (code 1)" in feedback(rows, "crash", 4)
    assert f"more than {MEMORY} MB" in feedback(rows, "memory", 1)
    assert "MemoryError" in feedback(rows, "memory", 2)
    assert "cannot read invalid_json.ipynb" in feedback(rows, "invalid_json", 1)
    assert "02_correlation_2d" in feedback(rows, "mixup", 1)
    assert "no exercise cell found" in feedback(rows, "deleted_check", 4)
    assert "found by" not in feedback(rows, "colab_user", 1)  # no ids at all: names are the way
    assert "[review: the exercise cell contains 'checks']" in feedback(rows, "patches_checks", 1)  # fooled it


def test_tampered_and_deleted_checks_do_not_help(graded):
    rows = graded["rows"]
    # The official check ran, not the student's print: the stub is still a stub, the wrong answer wrong.
    assert "NotImplementedError" in feedback(rows, "tampered_check", 1)
    assert "trust me" not in feedback(rows, "tampered_check", 3)
    # Verdicts come from the judge, not from what the kernel printed.
    assert feedback(rows, "rewrites_output", 2).startswith("❌ Not yet (same_padding)")
    assert "ends early" in feedback(rows, "patches_checks", 1)
    assert "rules out" in feedback(rows, "deleted_check", 1)  # the deleted check still gave its verdict


@pytest.mark.skipif(not LANDLOCK, reason="Landlock is not available: writes are not confined")
def test_nothing_outside_the_working_folder_changes(graded):
    canary, *probes = graded["probes"]
    assert canary.read_text() == "original"
    assert not [p for p in probes if p.exists()]
    assert "PermissionError" in feedback(graded["rows"], "escape", 1)
    assert "PermissionError" in feedback(graded["rows"], "escape", 3)


@pytest.mark.skipif(not LANDLOCK, reason="Landlock is not available: nothing is contained")
def test_no_network_no_foreign_reads_no_signals_and_no_process_left(graded):
    assert graded["rows"] and not graded["reached"]  # nobody connected to the test's port
    assert "leaks" not in feedback(graded["rows"], "contained", 1)  # every probe refused: it passed
    survivors = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if MARKER.encode() in f.read():
                    survivors.append(entry)
        except OSError:
            pass
    assert not survivors, f"processes started by a submission outlived grading: {survivors}"
    assert "Student code, files: reads only" in (graded["out"] / "summary.md").read_text(encoding="utf-8")


def test_submissions_and_lesson_are_untouched(graded):
    after = digest(graded["subs"])
    after = {k: v for k, v in after.items() if not k.startswith("_graded/")}
    assert after == graded["before"]
    assert hashlib.sha256(LESSON01.read_bytes()).hexdigest() == graded["lesson_before"]


def test_reports_and_returned_notebooks(graded):
    out, n = graded["out"], len(lesson01().exercises)
    md = (out / "summary.md").read_text(encoding="utf-8")
    page = (out / "summary.html").read_text(encoding="utf-8")
    for student, expected in EXPECTED.items():
        assert f"| {student} |" in md and f"<td>{student}</td>" in page
        total = expected.count("passed")
        assert f" {total}/{n} |" in md.split(f"| {student} |")[1].splitlines()[0]
    assert f"| **passed** | {sum(v[0] == 'passed' for v in EXPECTED.values())}/{len(EXPECTED)} |" in md
    returned = sorted(p.relative_to(out / "feedback").as_posix() for p in (out / "feedback").rglob("*.ipynb"))
    assert "invalid_json.ipynb" not in returned and "mixup/01_convolution_1d.ipynb" not in returned
    assert "all_correct/lesson_02_final.ipynb" in returned
    assert len(returned) == len(EXPECTED) - 2
    assert not [p for p in (out / "feedback").rglob("*.ipynb") if p.stat().st_size > 5_000_000]
    nb = nbformat.read(out / "feedback" / "one_wrong" / "mine.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].source.startswith("## Grading report: 4 of 5 exercises passed")
    assert "another version of the handout" in nb.cells[0].source
    colab = nbformat.read(out / "feedback" / "colab_user" / "Copy of 01_convolution_1d.ipynb", as_version=4)
    assert "recognised by the Colab badge" in colab.cells[0].source
    verdicts = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**Grader:")]
    assert len(verdicts) == n and "not yet" in verdicts[2]
    setup = next(c for c in nb.cells if c.cell_type == "code" and "course_utils.setup(" in c.source)
    assert "Fast mode: ON" in setup.outputs[0]["text"]
    # the student's other cells did not come along: everything else is the handout's
    handout = lesson01().handout
    assert len(nb.cells) == len(handout.cells) + 1 + n


def test_gradebook_has_one_row_per_student_with_points(graded):
    with open(graded["out"] / "gradebook.csv", encoding="utf-8", newline="") as f:
        book = {row["student"]: row for row in csv.DictReader(f)}
    column = f"{LESSON01.stem} (out of {len(lesson01().exercises)})"
    assert set(book) == set(EXPECTED)
    for student, expected in EXPECTED.items():
        assert book[student][column] == str(expected.count("passed"))


def test_points_come_from_the_lesson(tmp_path):
    nb = read(LESSON01)
    cell = next(c for c in nb.cells if "### BEGIN SOLUTION" in c.source and c.cell_type == "code")
    cell.metadata["course"] = {"points": 2.5}
    nbformat.write(nb, tmp_path / LESSON01.name)
    assert grade.load_lesson(tmp_path / LESSON01.name).exercises[0].points == 2.5
    cell.metadata["course"] = {"points": "two"}
    nbformat.write(nb, tmp_path / LESSON01.name)
    with pytest.raises(ValueError, match="course.points"):
        grade.load_lesson(tmp_path / LESSON01.name)


def test_a_student_can_check_a_notebook_before_handing_it_in(tmp_path):
    b = Builder()
    write(b.make(answers={3: WRONG3}), tmp_path / "mine.ipynb")
    run = subprocess.run([sys.executable, "-m", "course_utils", "check", str(tmp_path / "mine.ipynb"),
                          "--timeout", str(TIMEOUT), "--out", str(tmp_path / "graded")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr  # not everything passed
    lines = run.stdout.splitlines()
    assert lines[0] == f"mine.ipynb (lesson {LESSON01.stem}): 4 of 5 exercises passed, 4 of 5 points"
    assert "❌ Exercise 3" in run.stdout and "not yet (0/1)" in run.stdout
    assert (tmp_path / "graded" / "mine.ipynb").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graded", "mine.ipynb"]  # nothing else written


def test_endless_output_is_cut_and_stopped(graded):
    path = graded["out"] / "feedback" / "endless_output" / "01_convolution_1d.ipynb"
    assert path.stat().st_size < 1_000_000
    assert "did not finish within" in feedback(graded["rows"], "endless_output", 1)


def test_huge_output_is_cut_and_the_verdict_kept(graded):
    path = graded["out"] / "feedback" / "noisy" / "01_convolution_1d.ipynb"
    assert path.stat().st_size < 1_000_000  # the student printed 5 MB
    nb = nbformat.read(path, as_version=4)
    check = next(c for c in nb.cells if c.get("id") == lesson01().exercises[0].check_id)
    text = "".join(o.get("text", "") for o in check.outputs)
    assert "the grader cut" in text and text.rstrip().splitlines()[-1].startswith("✅ Correct")


def test_progress_names_every_student(graded):
    lines = graded["stdout"].splitlines()
    assert lines[0].startswith(f"grading {len(EXPECTED)} notebook(s)")
    counted = [line for line in lines if line.startswith("[")]
    assert len(counted) == len(EXPECTED)
    assert counted[-1].startswith(f"[{len(EXPECTED)}/{len(EXPECTED)}]")
    for student in EXPECTED:
        assert any(f"] {student} " in line for line in counted), student


def test_the_time_limit_of_a_notebook(tmp_path):
    loops = "def {}(*args):\n    while True:\n        pass\n"
    nb = Builder().make(solved=(), answers={1: loops.format("correlate_loop"),
                                            2: loops.format("same_padding")})
    write(nb, tmp_path / "subs" / "slow.ipynb")
    rows = grade.grade(tmp_path / "subs", tmp_path / "out", progress=None,
                       limits=grade.Limits(cell_timeout=4, total_timeout=8))
    assert [r["status"] for r in rows] == ["timeout"] * 5
    assert "time limit (8 s) was reached" in rows[3]["feedback"]


# ---------------------------------------------------------------- without kernels
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_handout_keeps_cell_ids_and_names_its_lesson(path):
    nb = read(path)
    handout = make_handout(nb, lesson=path.stem)
    kept = [c.id for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    assert [c.id for c in handout.cells] == kept
    assert handout.metadata[METADATA_KEY]["lesson"] == lesson_slug(path.stem)  # survives renumbering
    assert make_handout(nb, lesson=path.stem).metadata[METADATA_KEY] == handout.metadata[METADATA_KEY]


def test_a_handout_made_before_the_renumbering_still_finds_its_lesson():
    """Lesson 06 (transfer learning) became lesson 08; its old handouts named it '06_transfer_learning'
    in their metadata and in their Colab badge."""
    from course_utils.grade.submissions import _identify

    path = repo_root() / "lessons" / "08_transfer_learning.ipynb"
    old = make_handout(read(path), lesson="08_transfer_learning")
    old.metadata[METADATA_KEY]["lesson"] = "06_transfer_learning"
    old.cells[0].source = old.cells[0].source.replace("lessons/08_transfer_learning", "lessons/06_transfer_learning")
    assert "lessons/06_transfer_learning.ipynb" in old.cells[0].source
    no_metadata = copy.deepcopy(old)
    del no_metadata.metadata[METADATA_KEY]
    for nb in (old, no_metadata):
        data = nbformat.writes(nb).encode()
        item = _identify("ann", path, data, repo_root() / "lessons", {}, None)
        assert item["status"] is None, item["why"]
        assert item["lesson"].path == path


def test_handout_of_a_notebook_without_ids_gets_stable_ones():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Exercise 1: add"),
                                         nbformat.v4.new_code_cell("def add(a, b):\n    return a + b")])
    nb.nbformat_minor = 4
    for cell in nb.cells:
        del cell["id"]
    first, again = make_handout(nb, lesson="99_x"), make_handout(nb, lesson="99_x")
    assert [c.id for c in first.cells] == ["cell-0", "cell-1"] == [c.id for c in again.cells]
    nbformat.validate(first)
    with pytest.raises(TypeError, match="lesson must be"):
        make_handout(nb, lesson=1)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_lesson_can_be_graded(path):
    """The grader finds the exercises and checks of every lesson that follows the conventions."""
    lesson = grade.load_lesson(path)
    pairs = list(exercises(read(path)))
    assert [(e.solution_id, e.check_id) for e in lesson.exercises] == [(s.id, c.id) for s, c in pairs]
    assert all(e.function and e.title.startswith("Exercise") for e in lesson.exercises)
    assert lesson.plan[0][0] == "setup"
    assert [i for kind, i in lesson.plan if kind == "exercise"] == [e.solution_id for e in lesson.exercises]


def test_notebooks_that_cannot_be_graded(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    (subs / "ann" / "a.ipynb").write_text("not json")
    (subs / "ann" / "b.ipynb").write_text("{}")
    (subs / ".ipynb_checkpoints").mkdir()
    (subs / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nbformat.write(plain, subs / "bob.ipynb")
    plain.metadata[METADATA_KEY] = {"lesson": "99_no_such_lesson"}
    nbformat.write(plain, subs / "cy.ipynb")
    lines = []
    rows = grade.grade(subs, tmp_path / "out", progress=lines.append)
    got = {(r["student"], r["status"]) for r in rows}
    assert got == {("ann/a", "invalid notebook"), ("ann/b", "invalid notebook"),
                   ("bob", "unknown lesson"), ("cy", "unknown lesson")}
    assert all(r["exercise"] == "" for r in rows)
    assert "99_no_such_lesson" in next(r["feedback"] for r in rows if r["student"] == "cy")
    assert "## Not graded" in (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert len(lines) == 4 + 3 + len(grade.containment()) - 1


def test_bad_arguments_are_named(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="must not be the submissions folder"):
        grade.grade(tmp_path, tmp_path, progress=None)
    with pytest.raises(ValueError, match="lesson='42'"):
        grade.grade(tmp_path, tmp_path / "out", lesson="42", progress=None)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .ipynb files"):
        grade.grade(tmp_path / "empty", tmp_path / "elsewhere", progress=None)
    with pytest.raises(ValueError, match="Limits.cell_timeout"):
        grade.Limits(cell_timeout=0)
    with pytest.raises(ValueError, match="jobs"):
        grade.grade(tmp_path, tmp_path / "out", jobs=0, progress=None)
    out = subprocess.run([sys.executable, "-m", "course_utils", "grade", str(tmp_path / "nowhere"),
                          "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert out.returncode != 0 and "is not a folder" in out.stderr


# ---------------------------------------------------------------- other lessons, and speed
OTHERS = [p for p in LESSONS if p != LESSON01]


@pytest.mark.skipif(not OTHERS, reason="only lesson 01 so far")
def test_other_lessons_grade_their_own_solutions(tmp_path):
    """Each later lesson's instructor answers, put into its handout, pass."""
    subs = tmp_path / "subs"
    for path in OTHERS:
        instructor = read(path)
        solved = make_handout(instructor, lesson=path.stem)
        source = {c.id: c.source for c in instructor.cells}
        for cell in solved.cells:
            if "raise NotImplementedError(" in cell.source:
                cell.source = source[cell.id]
        write(solved, subs / "solved" / path.name)
    rows = grade.grade(subs, tmp_path / "out", limits=grade.Limits(cell_timeout=300), jobs=2,
                       progress=None)
    assert {r["lesson"] for r in rows} == {p.stem for p in OTHERS}
    for row in rows:
        assert row["status"] == "passed", row


@pytest.mark.skipif(os.environ.get("COURSE_GRADE_BENCH") != "1",
                    reason="timing run: set COURSE_GRADE_BENCH=1")
def test_thirty_submissions_of_lesson_01_in_under_five_minutes(tmp_path):
    b = Builder()
    wrong = {3: WRONG3}
    for i in range(30):
        nb = b.make(answers=wrong if i % 3 == 1 else None, solved=() if i % 3 == 2 else (1, 2, 3, 4, 5))
        write(nb, tmp_path / "subs" / f"student{i:02d}" / "01_convolution_1d.ipynb")
    start = time.perf_counter()
    rows = grade.grade(tmp_path / "subs", tmp_path / "out", lesson="01")
    seconds = time.perf_counter() - start
    print(f"\n30 submissions of lesson 01 graded in {seconds:.1f} s on {os.cpu_count()} cores")
    assert len(rows) == 30 * len(b.lesson.exercises)
    assert seconds < 300


def test_a_gradescope_bundle_grades_a_submission_in_a_clean_folder(tmp_path):
    run = subprocess.run([sys.executable, "-m", "course_utils", "grade", "--gradescope", "01",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    bundle = tmp_path / f"gradescope_{LESSON01.stem}.zip"
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        z.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "course/course_utils/grade/judge.py",
            f"course/lessons/{LESSON01.name}", "course/datasets/ecg/SHA256SUMS"} <= set(names)
    assert not [n for n in names if "flower_photos" in n or n.startswith("course/lessons/0") and
                not n.endswith(LESSON01.name)]  # only what lesson 01 needs
    b = Builder()
    write(b.make(answers={3: WRONG3}), root / "submission" / "whatever.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)  # the bundle's own copy of the course grades
    graded = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                            capture_output=True, text=True, timeout=300)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert [t["score"] for t in results["tests"]] == [1, 1, 0, 1, 1]
    assert results["score"] == 4 and all(t["max_score"] == 1 for t in results["tests"])
    assert results["tests"][2]["output"].startswith("not yet: ❌ Not yet")


def test_partial_credit_by_part_where_the_lesson_asks_for_it(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    nb = read(LESSON01)
    last = lesson01().exercises[-1]  # the prediction in three parts
    cell = next(c for c in nb.cells if c.get("id") == last.solution_id)
    cell.metadata["course"] = {"points": 3, "partial": True}
    nbformat.write(nb, lessons / LESSON01.name)
    b = Builder()
    answer = f"def {last.function}():\n    return [1, -1, -1], 'B', 49\n"  # two parts of three right
    write(b.make(solved=(), answers={last.number: answer}), tmp_path / "subs" / "ann.ipynb")
    rows = grade.grade(tmp_path / "subs", tmp_path / "out", lessons_dir=lessons, progress=None,
                       limits=grade.Limits(cell_timeout=TIMEOUT))
    row = rows[-1]
    assert (row["status"], row["points"], row["max_points"]) == ("not yet", "2", "3"), row
    assert [r["points"] for r in rows[:-1]] == ["0"] * (len(rows) - 1)


def test_canvas_import_fills_the_export_by_id_login_or_download_name(tmp_path):
    roster = tmp_path / "export.csv"
    roster.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (11)\n'
                      '    Points Possible,,,,,10\n'
                      '"Lovelace, Ada",101,s1,ada,A,9\n"Hopper, Grace",102,s2,grace,A,8\n'
                      '"Turing, Alan",103,s3,alan,B,7\n', encoding="utf-8")
    book = [{"student": "ada", "01_x (out of 5)": "4"},                 # by login
            {"student": "hoppergrace_102_4711_lesson01", "01_x (out of 5)": "5"},  # Canvas download name
            {"student": "nobody", "01_x (out of 5)": "1"}]
    header, rows, unmatched = grade.canvas_import(book, roster)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Quiz 1 (11)", "01_x (out of 5)"]
    assert [r[-1] for r in rows] == ["5", "4", "5", ""]  # points possible, Ada, Grace, Alan (no notebook)
    assert [r[-2] for r in rows] == ["10", "9", "8", "7"]  # other assignments untouched
    assert unmatched == ["nobody"]
    (tmp_path / "other.csv").write_text("name,score\nann,1\n")
    with pytest.raises(ValueError, match="not a Canvas grade-book export"):
        grade.canvas_import(book, tmp_path / "other.csv")
