"""Grade a folder of student notebooks: ``python -m course_utils grade SUBMISSIONS --out OUT``.

The package's files: ``submissions`` (find the notebooks, read a lesson's
exercises, merge a student's cells into its handout), ``kernel`` (the
contained kernel and its limits), ``judge`` (run one notebook, record each
check there, judge the recordings in another process), ``reports``
(``grades.csv``, ``gradebook.csv``, summaries, the report in each returned
notebook), ``core`` (grade a class; :func:`check_notebook` for one) and
``gradescope`` (an autograder bundle that grades on Gradescope's workers).

Every ``.ipynb`` under the folder is one submission (one sub-folder per
student, or a flat folder of files). A submission's lesson comes from the
metadata its handout carries (``handout.METADATA_KEY``), not from its file
name. Grading takes the student's solution cells and nothing else: they are
matched by cell id (or, failing that, by the function they define) and put
into a fresh copy of the lesson's handout, so that the lesson's own set-up
cell and check cells run, whatever the student did to theirs. The set-up cell
and the exercise and check cells (nothing else) run in a fresh kernel, in fast
mode, in a temporary working folder, under limits:

* a time limit per cell (the kernel is interrupted, and killed if it does not
  stop) and one for the whole notebook;
* a memory limit: a watchdog kills a kernel whose resident memory (with its
  child processes) goes above it, and the kernel's address space is capped
  8 GiB above it (``RLIMIT_AS``), so one huge allocation fails at once with a
  MemoryError. (TensorFlow reserves a few GB of address space it never
  touches, so the cap cannot be the limit itself.)
* on Linux, the kernel is contained (``grade.kernel`` says how): it reads
  only the Python environment, the course package and data, system folders
  and its working folder, writes only there, has no network, cannot signal
  processes outside its own, and every process it starts is killed when its
  notebook ends (a reaper process is its subreaper); files are capped at 1 GB
  (``RLIMIT_FSIZE``);
* output: text and pictures above ``max_output`` characters per cell are cut,
  keeping the end, where the check's verdict is;
* the kernel gets only an allow-list of the instructor's environment
  variables, so no tokens.

If a kernel crashes, exits or is killed, the grader starts a new one, runs the
set-up cell again and goes on with the next exercise. Each exercise gets one
status, with the check's feedback:

``passed``, ``not yet``, ``not attempted`` (the stub still raises
NotImplementedError), ``error`` (the code raised an exception, or the kernel
died) or ``timeout``; a notebook that cannot be graded gets
``invalid notebook``, ``unknown lesson`` or ``wrong lesson`` for every
exercise.

This runs students' code on the instructor's machine. Outside Linux only the
time, memory and output limits apply (:func:`containment` says what holds).
The verdict does not come from the student's kernel: there the check only
records what the student's function returns (``checks._tape``); a separate
process that runs no student code replays the check on that recording and
decides (the grader also flags exercise cells that mention the checks or
assign to a library's attributes, so that a person looks at them).
"""

from .core import check_notebook, grade
from .judge import SEED
from .kernel import Limits, containment, landlock_abi
from .reports import CSV_COLUMNS, STATUSES, canvas_import, gradebook, summary_html, summary_markdown
from .submissions import Exercise, Lesson, find_submissions, load_lesson

__all__ = [
    "CSV_COLUMNS",
    "SEED",
    "STATUSES",
    "Exercise",
    "Lesson",
    "Limits",
    "canvas_import",
    "check_notebook",
    "containment",
    "find_submissions",
    "grade",
    "gradebook",
    "landlock_abi",
    "load_lesson",
    "summary_html",
    "summary_markdown",
]
