"""Running one notebook in a contained kernel, recording each check there, and judging the recordings elsewhere."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path

from ..checks import CORRECT, NOT_YET
from ..runtime import repo_root
from .kernel import Limits, _Runner
from .submissions import Exercise, Lesson

_log = logging.getLogger("course_utils.grade")


_RAISED = re.compile(r"\w\(.*\) raised [A-Za-z_][\w.]*(: |$)")


_STUB_SAYS = "still raises NotImplementedError"


#: Every exercise starts from these seeds (Python, numpy, Keras), in the kernel and in the judge.
SEED = 0


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.get("name") == "stdout")


def _error(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            value = str(out.get("evalue", "")).strip()
            return f"{out.get('ename', 'Error')}: {value}"[:300] if value else out.get("ename", "Error")
    return None


def _verdict(check_cell, solution_cell, judged) -> tuple[str, str]:
    """Status and feedback of an exercise whose check ran to its end in the kernel (recording),
    from the judge's verdict ``judged`` = (ok, line)."""
    raised = _error(solution_cell)
    check_error = _error(check_cell)
    if check_error:
        where = f"your exercise cell raised {raised}; then " if raised else ""
        return "error", f"{where}the check stopped with {check_error}"
    if judged is None:
        return "error", "the grader's judge gave no verdict"
    ok, line = judged[:2]
    also = f" (your exercise cell also raised {raised})" if raised else ""
    if ok:
        return "passed", line + also
    if _STUB_SAYS in line:
        return "not attempted", line
    if _RAISED.search(line):
        return "error", line + also
    return "not yet", line + also


def _without_verdicts(outputs) -> list:
    """The kernel's outputs of a check, without the verdict lines printed there (the judge's
    verdict replaces them: what the kernel prints may have been written by the student)."""
    kept = []
    for out in outputs:
        if out.output_type == "stream":
            lines = [line for line in out.text.splitlines(keepends=True)
                     if not line.lstrip().startswith((CORRECT, NOT_YET))]
            if not "".join(lines).strip():
                continue
            out = copy.deepcopy(out)
            out.text = "".join(lines)
        kept.append(out)
    return kept


class Judge:
    """The judge: one process, for a whole grading run, that replays recordings and never runs
    student code (``python -m course_utils.checks._tape serve``). Requests are taken one at a
    time; a judge that fails or takes too long is replaced, and its request gets no verdicts."""

    def __init__(self, root: Path):
        self.root = root
        self.process = None
        self.lock = asyncio.Lock()
        self.count = 0

    def _start(self):
        import subprocess

        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update({"PYTHONPATH": str(repo_root()), "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"})
        self.log = open(self.root / "judge.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "course_utils.checks._tape", "serve"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        env=env, cwd=str(self.root), text=True, encoding="utf-8")

    def _ask(self, jobs: list[dict], timeout: float) -> dict:
        import threading

        if self.process is None or self.process.poll() is not None:
            self._start()
        answer = []
        reader = threading.Thread(target=lambda: answer.append(self.process.stdout.readline()), daemon=True)
        self.process.stdin.write(json.dumps(jobs) + "\n")
        self.process.stdin.flush()
        reader.start()
        reader.join(timeout)
        if not answer or not answer[0]:
            _log.error("the judge gave no answer within %.0f s; starting a new one", timeout)
            self.close()
            return {}
        return json.loads(answer[0])

    async def verdicts(self, jobs: list[dict], workdir: Path, timeout: float) -> dict:
        """{key: (ok, line, fraction)} for the recordings in ``jobs`` (copied out of the
        student's folder first, without following links)."""
        if not jobs:
            return {}
        self.count += 1
        safe = self.root / f"tapes{self.count}"
        safe.mkdir()
        try:
            for job in jobs:
                target = safe / str(job["key"])
                target.mkdir()
                source = Path(job["folder"])
                if source.is_dir() and not source.is_symlink():
                    for entry in source.iterdir():
                        if entry.is_file() and not entry.is_symlink() and entry.stat().st_size < 2**28:
                            shutil.copyfile(entry, target / entry.name, follow_symlinks=False)
                job["folder"] = str(target)
            async with self.lock:
                raw = await asyncio.to_thread(self._ask, jobs, timeout)
            return {int(k): (bool(v[0]), str(v[1]), float(v[2])) for k, v in raw.items() if k.isdigit()}
        except (OSError, ValueError, TypeError, IndexError) as err:
            _log.error("the judge failed: %s", err)
            return {}
        finally:
            shutil.rmtree(safe, ignore_errors=True)

    def close(self):
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
            self.process = None
            self.log.close()


async def _run_notebook(lesson: Lesson, nb, limits: Limits, root: Path, abi: int, judge: Judge):
    """Execute the graded notebook ``nb``; return {exercise number: (status, feedback)}, the
    number of kernels used, and {exercise number: share of its parts right} for checks in
    parts that did not pass."""
    index = {c.get("id"): i for i, c in enumerate(nb.cells)}
    exercises = {e.solution_id: e for e in lesson.exercises}
    deadline = time.monotonic() + limits.total_timeout
    import nbformat

    hidden = nbformat.v4.new_code_cell("")  # the grader's own code runs here: seeds, recordings
    nb.cells.append(hidden)
    hidden_at = len(nb.cells) - 1
    runner = _Runner(nb, limits, root, abi)
    results, ran_setup, broken = {}, [], None
    tapes = runner.workdir / ".tapes"
    recorded: dict[int, Exercise] = {}
    fractions: dict[int, float] = {}  # the share of a check's parts that are right, when not all

    async def grader_code(code: str, limit: float) -> str:
        hidden.source, hidden.outputs = code, []
        return await runner.run(hidden_at, limit)

    def left(limit):
        return min(limit, deadline - time.monotonic())

    def too_long(limit, what):
        if limit < limits.cell_timeout - 0.5:
            return f"the notebook's time limit ({limits.total_timeout:g} s) ran out during {what}"
        return None

    async def ensure_kernel():
        if runner.alive() and runner.client.kc is not None:
            return None
        await runner.stop()
        await runner.start()
        for cell_id in ran_setup:
            state = await runner.run(index[cell_id], left(limits.setup_timeout))
            if state != "ok":
                return f"the lesson's set-up cell did not run again after a restart ({state})"
        return None

    try:
        for kind, cell_id in lesson.plan:
            ex = exercises.get(cell_id)
            if broken is not None:
                if ex is not None:
                    results[ex.number] = broken
                continue
            if left(limits.cell_timeout) <= 0:
                broken = ("timeout", f"not run: the notebook's time limit ({limits.total_timeout:g} s) "
                                     "was reached")
                if ex is not None:
                    results[ex.number] = broken
                continue
            try:
                problem = await ensure_kernel()
            except Exception as err:  # report it as the exercise's status
                problem = f"the grader could not start a kernel ({type(err).__name__}: {err})"
            if problem:
                broken = ("error", problem)
                if ex is not None:
                    results[ex.number] = broken
                continue
            if kind == "setup":
                limit = left(limits.setup_timeout)
                state = await runner.run(index[cell_id], limit)
                if state == "ok":
                    ran_setup.append(cell_id)
                else:
                    why = {"timeout": f"ran longer than {limit:.0f} s", "dead": "killed its kernel",
                           "error": f"raised {_error(nb.cells[index[cell_id]])}"}[state]
                    broken = ("error", f"the lesson's set-up cell {why}")
                continue
            name = f"{ex.function}()" if ex.function else "your function"
            await grader_code(f"__import__('course_utils.checks._tape', fromlist=['_seed'])._seed({SEED})", 30)
            limit = left(limits.cell_timeout)
            state = await runner.run(index[ex.solution_id], limit)
            if state == "timeout":
                results[ex.number] = ("timeout", too_long(limit, "your exercise cell") or
                                      f"your exercise cell ran longer than {limit:.0f} s and was stopped")
                continue
            if state == "dead":
                results[ex.number] = ("error", runner.death("your exercise cell"))
                continue
            # The official check runs, recording what the student's function returns; the
            # verdict comes later from the judge, which replays the recording.
            limit = left(limits.cell_timeout)
            folder = tapes / f"exercise{ex.number}"
            shutil.rmtree(folder, ignore_errors=True)  # only what this check records counts
            state = await grader_code(
                f"__import__('course_utils.checks._tape', fromlist=['record']).record("
                f"{str(folder)!r}, {ex.check!r}, {ex.argument}, seed={SEED})", limit)
            nb.cells[index[ex.check_id]].outputs = _without_verdicts(hidden.outputs)
            if state == "timeout":
                results[ex.number] = ("timeout", too_long(limit, f"the check of {name}") or
                                      f"the check did not finish within {limit:.0f} s: "
                                      f"does {name} end for every input?")
            elif state == "dead":
                results[ex.number] = ("error", runner.death(f"the check of {name}"))
            else:
                recorded[ex.number] = ex
        jobs = [{"key": number, "folder": str(tapes / f"exercise{number}"), "check": ex.check,
                 "name": ex.argument, "source": nb.cells[index[ex.solution_id]].source, "seed": SEED}
                for number, ex in recorded.items()]
        judged = await judge.verdicts(jobs, runner.workdir, timeout=max(120.0, 30.0 * len(jobs)))
        for number, ex in recorded.items():
            check_cell = nb.cells[index[ex.check_id]]
            results[number] = _verdict(check_cell, nb.cells[index[ex.solution_id]], judged.get(number))
            if number in judged and results[number][0] == "not yet":
                fractions[number] = judged[number][2]
            if number in judged and _error(check_cell) is None:
                check_cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                                 text=judged[number][1] + "\n"))
    finally:
        await runner.stop()
        shutil.rmtree(runner.workdir, ignore_errors=True)
        nb.cells.remove(hidden)
    for ex in lesson.exercises:
        results.setdefault(ex.number, ("error", "not run"))
    return results, runner.kernels, fractions
