"""The course's command line: ``python -m course_utils COMMAND``.

Commands
--------
doctor    versions, Keras backend, devices, data present with good checksums
handout   student notebooks without solutions (default: build/handouts/)
exercises the students' notebooks in exercises/ (committed): each lesson without its
          solutions, with its figures; `exercises --check` only says which are out of date
run       execute lessons top to bottom in a fresh kernel (a complete run) and save
          their outputs in place
grade     execute and score a folder of student notebooks in contained kernels,
          with time and memory limits: grades.csv, gradebook.csv, summaries, feedback;
          `grade --gradescope LESSON` writes a Gradescope autograder bundle instead
check     grade one notebook as `grade` would and print its table (a student's
          pre-check before handing in)
bench     training speed: `bench train` measures images/s of lesson 05's CNN
          for several batch sizes, with and without XLA, and prints a table
site      the course as a static website in build/site/, from the committed
          lessons (needs the site extra: pip install -e ".[site]")
fork      point the Colab badges, set-up cells, README and site at a fork
          (OWNER/NAME) instead of the course's own repository
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import data, handout
from .runtime import FAST_ENV, fast_mode, repo_root, versions

PACKAGES = [
    "numpy",
    "scipy",
    "matplotlib",
    "scikit-image",
    "scikit-learn",
    "tensorflow",
    "keras",
    "jupyterlab",
    "nbval",
]


def lessons_dir() -> Path:
    return repo_root() / "lessons"


def resolve_lessons(names) -> list[Path]:
    """Map "01", "01_convolution_1d", "convolution_1d", "appendix_speed" or a path to notebooks; no names: all lessons and appendices."""
    every = sorted(lessons_dir().glob("[0-9][0-9]_*.ipynb")) + sorted(lessons_dir().glob("appendix_*.ipynb"))
    if not names:
        return every
    found = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            found.append(path.resolve())
            continue
        match = handout.find_lesson(name, lessons_dir())
        if match is None:
            known = ", ".join(p.stem for p in every) or "none"
            raise SystemExit(f"error: no single lesson matches {name!r}; lessons: {known}")
        found.append(match)
    return found


def cmd_doctor(args) -> int:
    problems = 0
    print("== Versions")
    for name, version in versions(PACKAGES).items():
        print(f"  {name:<13} {version}")
    print("== Keras")
    try:
        from .runtime import import_keras_quietly

        keras = import_keras_quietly()
        import tensorflow as tf

        cpus = tf.config.list_physical_devices("CPU")
        gpus = tf.config.list_physical_devices("GPU")
        print(f"  backend       {keras.backend.backend()}")
        print(f"  devices       {len(cpus)} CPU, {len(gpus)} GPU" + ("" if gpus else " (training runs on the CPU)"))
    except Exception as err:  # TensorFlow missing or broken
        problems += 1
        print(f"  PROBLEM: cannot import Keras/TensorFlow ({type(err).__name__}: {err})")
    print(f"  CPU cores     {os.cpu_count()}")
    print("== Fast mode")
    fast = fast_mode()
    print(f"  {'ON' if fast else 'off'}  ({FAST_ENV}={os.environ.get(FAST_ENV, '<unset>')}, CI={os.environ.get('CI', '<unset>')})")
    print(f"== Shipped data ({data.datasets_dir()})")
    rows = data.check_shipped_data()
    if not rows:
        problems += 1
        print("  PROBLEM: no datasets/*/SHA256SUMS found; is this a clone of the course?")
    per_folder = {}
    for folder, name, status in rows:
        per_folder.setdefault(folder, []).append((name, status))
    for folder, entries in per_folder.items():
        bad = [(name, status) for name, status in entries if status != "ok"]
        problems += len(bad)
        if len(entries) > 20:  # a folder of photos: one line, and every bad file
            print(f"  {'ok' if not bad else 'PROBLEM':<12} {folder}/ ({len(entries)} files, {len(bad)} bad)")
            entries = bad
        for name, status in entries:
            print(f"  {status:<12} {folder}/{name}")
    print("== Loaders")
    for label, loader in [("load_ecg", data.load_ecg), ("load_fashion_mnist", data.load_fashion_mnist)]:
        try:
            result = loader()
            shape = result[0].shape if label == "load_ecg" else result[0][0].shape
            print(f"  ok           {label}() -> first array {shape}")
        except data.DatasetError as err:
            problems += 1
            print(f"  PROBLEM      {label}(): {err}")
    print(f"== {'All good' if not problems else f'{problems} problem(s)'}")
    return 0 if not problems else 1


def cmd_handout(args) -> int:
    # Appendices have no exercises: no handout unless one is named.
    lessons = [p for p in resolve_lessons(args.lessons)
               if args.lessons or not p.stem.startswith("appendix_")]
    out = Path(args.out)
    for path in handout.write_handouts(lessons, out):
        print(f"wrote {path}")
    return 0


def exercises_dir() -> Path:
    return repo_root() / "exercises"


def cmd_exercises(args) -> int:
    lessons = resolve_lessons(args.lessons)
    if args.check:
        stale = handout.stale_exercise_notebooks(lessons, exercises_dir())
        if args.lessons:  # only the named ones
            stale = [name for name in stale if name in {p.name for p in lessons}]
        for name in stale:
            print(f"out of date: exercises/{name}")
        if stale:
            print("regenerate them with: python -m course_utils exercises")
        return 1 if stale else 0
    written = handout.write_exercise_notebooks(lessons, exercises_dir())
    for path in written:
        print(f"wrote {path.relative_to(repo_root()).as_posix()}")
    if not args.lessons:  # a lesson renamed or removed: its old exercise notebook goes
        names = {p.name for p in lessons}
        for path in sorted(exercises_dir().glob("*.ipynb")):
            if path.name not in names:
                path.unlink()
                print(f"removed {path.relative_to(repo_root()).as_posix()} (no such lesson)")
    print(f"{len(written)} exercise notebook(s) written, {len(lessons) - len(written)} already up to date")
    return 0


def execute_notebook(path: Path, timeout: int, fast: bool = False):
    """Run a notebook top to bottom in a fresh kernel; return it executed."""
    import nbformat
    from nbclient import NotebookClient

    os.environ[FAST_ENV] = "1" if fast else "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("PYTHONHASHSEED", "0")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    return nb


def cmd_run(args) -> int:
    import nbformat

    for path in resolve_lessons(args.lessons):
        start = time.perf_counter()
        mode = "fast mode" if args.fast else "complete run"
        print(f"running {path.name} ({mode}) ...", flush=True)
        nb = execute_notebook(path, timeout=args.timeout, fast=args.fast)
        nbformat.write(nb, path)
        print(f"  saved {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


def cmd_site(args) -> int:
    from . import site

    return site._main(args.out, verbose=args.verbose)


def cmd_bench(args) -> int:
    from . import bench
    from .runtime import import_keras_quietly

    import_keras_quietly()  # turns TensorFlow's oneDNN kernels on unless TF_ENABLE_ONEDNN_OPTS says otherwise
    onednn = "on" if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "1" else "off"
    load = f", load average {os.getloadavg()[0]:.1f} at start" if hasattr(os, "getloadavg") else ""
    print(f"Training throughput of the deck's CNN (lesson 05) on {os.cpu_count()} CPU core(s), "
          f"oneDNN {onednn}, {args.steps} timed steps per setting{load}", flush=True)
    rows = bench.train_throughput(batch_sizes=args.batch_sizes, xla=(False, True),
                                  steps=args.steps, warmup=args.warmup)
    print(bench.format_table(rows))
    return 0


def cmd_grade(args) -> int:
    from . import grade

    if args.gradescope:
        from .grade import gradescope

        try:
            bundle = gradescope.write_bundle(args.gradescope, args.out)
        except ValueError as err:
            raise SystemExit(f"error: {err}") from None
        print(f"wrote {bundle} ({bundle.stat().st_size / 2**20:.1f} MB): upload it as the autograder "
              "of a Gradescope programming assignment")
        return 0
    if args.submissions is None:
        raise SystemExit("error: give the folder of submissions (or --gradescope LESSON)")
    try:
        limits = grade.Limits(cell_timeout=args.timeout, total_timeout=args.total_timeout,
                              memory_mb=args.memory, max_output=args.max_output)
        rows = grade.grade(args.submissions, args.out, lesson=args.lesson, limits=limits, jobs=args.jobs,
                           progress=lambda line: print(line, flush=True))
        if args.canvas:
            import csv
            from pathlib import Path

            header, body, unmatched = grade.canvas_import(grade.gradebook(rows), args.canvas)
            target = Path(args.out) / "canvas_import.csv"
            with open(target, "w", newline="", encoding="utf-8") as f:
                csv.writer(f).writerows([header, *body])
            print(f"wrote {target} for Canvas's grade import"
                  + (f"; no roster row for: {', '.join(unmatched)}" if unmatched else ""))
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None
    except KeyboardInterrupt:
        print("interrupted: kernels stopped, nothing written", file=sys.stderr)
        return 130
    return 0


def cmd_check(args) -> int:
    from . import grade

    try:
        limits = grade.Limits(cell_timeout=args.timeout, total_timeout=args.total_timeout, memory_mb=args.memory)
        rows = grade.check_notebook(args.notebook, limits=limits, out=args.out,
                                    progress=lambda line: print(line, flush=True))
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None
    return 0 if rows and all(r["status"] == "passed" for r in rows) else 1


def cmd_fork(args) -> int:
    from . import fork

    try:
        changed = fork.move_to(args.slug)
    except ValueError as err:
        raise SystemExit(f"error: {err}") from None
    for path in changed:
        print(f"rewrote {path.relative_to(repo_root()).as_posix()}")
    print(f"{len(changed)} files now point at {args.slug}; commit them in your fork.")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("doctor", help="check versions, devices, data and fast mode")
    p = sub.add_parser("handout", help="write student notebooks without solutions")
    p.add_argument("lessons", nargs="*", help="lesson numbers or files (default: all)")
    p.add_argument("--out", default=str(repo_root() / "build" / "handouts"),
                   help="output folder (default: build/handouts)")
    p = sub.add_parser("exercises", help="write the students' notebooks into exercises/ (from lessons/)")
    p.add_argument("lessons", nargs="*", help="lesson numbers or files (default: all)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 and name the exercise notebooks that are out of date")
    p = sub.add_parser("run", help="execute lessons in a complete run (COURSE_FAST=0) and save their outputs")
    p.add_argument("lessons", nargs="*", help="lesson numbers or files (default: all)")
    p.add_argument("--timeout", type=int, default=3600, help="seconds per cell (default 3600)")
    p.add_argument("--fast", action="store_true", help="run in fast mode (for a quick look; do not commit)")
    p = sub.add_parser("site", help="build the course website into build/site (no execution)")
    p.add_argument("--out", default=None, help="output folder (default: build/site)")
    p.add_argument("--verbose", action="store_true", help="show Sphinx's progress")
    p = sub.add_parser("bench", help="measure training speed (images/s) of lesson 05's CNN")
    p.add_argument("what", choices=["train"], help="what to measure: train")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128, 512],
                   help="batch sizes to try (default: 32 128 512)")
    p.add_argument("--steps", type=int, default=50, help="timed training steps per setting (default 50)")
    p.add_argument("--warmup", type=int, default=5, help="untimed steps first (default 5)")
    p = sub.add_parser("grade", help="execute and score a folder of student notebooks")
    p.add_argument("submissions", nargs="?", default=None,
                   help="folder of returned notebooks (one sub-folder per student, or flat)")
    p.add_argument("--out", required=True, help="output folder: grades.csv, summary.md/.html, feedback/")
    p.add_argument("--canvas", metavar="EXPORT.csv", default=None,
                   help="also write canvas_import.csv: this Canvas grade-book export with the points filled in")
    p.add_argument("--gradescope", metavar="LESSON", default=None,
                   help="instead: write a Gradescope autograder bundle for LESSON into --out")
    p.add_argument("--lesson", default=None,
                   help="expected lesson (e.g. 01): notebooks of another lesson get 'wrong lesson'")
    p.add_argument("--jobs", type=int, default=None,
                   help="notebooks graded at once (default: CPU cores, as memory allows)")
    p.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=600, help="seconds per notebook (default 600)")
    p.add_argument("--memory", type=int, default=2048, help="MB of memory per kernel (default 2048)")
    p.add_argument("--max-output", type=int, default=200_000,
                   help="characters of output kept per cell (default 200000)")
    p = sub.add_parser("check", help="grade one notebook as the instructor will (a student's pre-check)")
    p.add_argument("notebook", help="your notebook (.ipynb)")
    p.add_argument("--out", default=None, help="also write the graded notebook with its report here")
    p.add_argument("--timeout", type=float, default=60, help="seconds per cell (default 60)")
    p.add_argument("--total-timeout", type=float, default=600, help="seconds per notebook (default 600)")
    p.add_argument("--memory", type=int, default=2048, help="MB of memory per kernel (default 2048)")
    p = sub.add_parser("fork", help="point badges, set-up cells and links at a fork OWNER/NAME")
    p.add_argument("slug", help="the fork's GitHub repository, OWNER/NAME")
    args = parser.parse_args(argv)
    commands = {"exercises": cmd_exercises, "check": cmd_check, "fork": cmd_fork, "doctor": cmd_doctor, "handout": cmd_handout, "run": cmd_run,
                "grade": cmd_grade, "bench": cmd_bench, "site": cmd_site}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
