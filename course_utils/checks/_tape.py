"""Record a check's calls to the student's function, and replay them where no student code runs.

When grading, the verdict must not come from the student's kernel: the student's
code ran there first and can change anything (print a fake verdict, patch the
checks). So the kernel only *records*: the check runs as usual, and every call it
makes to the student's function through :func:`._core._call` is written down
(the arguments' digest, then the result or the error) in a folder, the *tape*.
A separate process that never runs student code then runs the same check again
in *replay* mode: each call to the student's function is answered from the tape,
after checking that the check asks with the same arguments in the same order.
That process's verdict is the grade. A stub cannot pass (its tape holds
NotImplementedError), and a tape the student forged can only hold results, which
is no more than the function itself could return.

Values cross in safe formats only: JSON for numbers, text and containers; ``.npy``
(``allow_pickle=False``) for arrays; ``.keras`` files loaded with
``safe_mode=True`` for Keras models. Nothing is unpickled.

Command line (for the grader): ``python -m course_utils.checks._tape judge JOB.json``
prints ``{exercise: [ok, message]}`` as JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import numpy as np

from . import _core

__all__ = ["Submitted", "record", "judge"]

_MAX_TAPE_BYTES = 200 * 2**20  # a tape larger than this is not read
_FORMAT = 1


class _Unreadable:
    """Stands for a value the tape could not hold (an object of an unknown type)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __repr__(self) -> str:
        return f"<a {self.kind} object, which the grader cannot read back>"


class Submitted:
    """Stands for the student's function in the judge: its name and its cell's source.

    Calling it is an error: in replay mode :func:`._core._call` answers from the tape.
    """

    def __init__(self, name: str, source: str):
        self.__name__ = name
        self._course_source = source

    def __call__(self, *args):
        raise RuntimeError("the student's function cannot run in the judge")

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"


# --------------------------------------------------------------------------
# encoding values
# --------------------------------------------------------------------------
def _keras_kind(value):
    """"model", "tensor" (symbolic), "eager" or None, without importing Keras or TensorFlow."""
    if "keras" in sys.modules:
        keras = sys.modules["keras"]
        if isinstance(value, keras.Model):
            return "model"
        if isinstance(value, getattr(keras, "KerasTensor", ())):
            return "tensor"
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(value, tf.Tensor) and hasattr(value, "numpy"):
        return "eager"
    return None


class _Writer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.files = 0

    def _file(self, suffix: str) -> Path:
        self.files += 1
        return self.folder / f"v{self.files}{suffix}"

    def encode(self, value, inputs=()):
        """A JSON-able description of ``value``; arrays and models go to files."""
        if isinstance(value, (np.ndarray, np.generic)) and value.dtype != object:
            path = self._file(".npy")
            np.save(path, np.asarray(value), allow_pickle=False)
            return {"t": "array" if isinstance(value, np.ndarray) else "scalar", "f": path.name}
        if value is None or isinstance(value, (bool, str)):
            return {"t": "py", "v": value}
        if isinstance(value, int):
            return {"t": "int", "v": str(int(value))}
        if isinstance(value, float):
            return {"t": "float", "v": float(value).hex()}
        if isinstance(value, (tuple, list)):
            return {"t": type(value).__name__, "v": [self.encode(v, inputs) for v in value]}
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"t": "dict", "v": {k: self.encode(v, inputs) for k, v in value.items()}}
        if isinstance(value, np.random.Generator):
            return {"t": "generator", "state": json.loads(json.dumps(value.bit_generator.state))}
        kind = _keras_kind(value)
        if kind == "eager":
            path = self._file(".npy")
            np.save(path, np.asarray(value), allow_pickle=False)
            return {"t": "eager", "f": path.name}
        if kind == "model":
            path = self._file(".keras")
            value.save(path)
            return {"t": "model", "f": path.name}
        if kind == "tensor":  # a symbolic output: the graph from the call's symbolic inputs to it
            import keras

            sources = [x for x in inputs if _keras_kind(x) == "tensor"]
            path = self._file(".keras")
            keras.Model(sources, value).save(path)
            return {"t": "tensor", "f": path.name}
        return {"t": "unreadable", "kind": type(value).__name__}


def _digest(value) -> str:
    """A digest of an argument, the same in the kernel and in the judge."""
    h = hashlib.sha256()

    def feed(v):
        if isinstance(v, (np.ndarray, np.generic)) and v.dtype != object:
            a = np.ascontiguousarray(v)
            h.update(f"a{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(v, (tuple, list)):
            h.update(f"{type(v).__name__}{len(v)}(".encode())
            for item in v:
                feed(item)
            h.update(b")")
        elif isinstance(v, dict):
            h.update(f"d{len(v)}".encode())
            for k in sorted(v, key=str):
                feed(k)
                feed(v[k])
        elif isinstance(v, np.random.Generator):
            h.update(json.dumps(v.bit_generator.state, sort_keys=True, default=str).encode())
        elif _keras_kind(v) == "model":
            h.update(json.dumps([[type(layer).__name__, [list(w.shape) for w in layer.weights]]
                                 for layer in v.layers]).encode())
        elif _keras_kind(v) == "tensor":
            h.update(f"k{tuple(v.shape)}{v.dtype}".encode())
        else:
            h.update(f"{type(v).__name__}:{v!r}".encode())

    feed(value)
    return h.hexdigest()


def _after(value):
    """What a call may have changed in an argument: array contents, a generator's state,
    a model's trainable flags (None for arguments nothing can change)."""
    if isinstance(value, np.ndarray) and value.dtype != object:
        return value
    if isinstance(value, np.random.Generator):
        return value
    if _keras_kind(value) == "model":
        return {"model": bool(value.trainable), "layers": [bool(layer.trainable) for layer in value.layers]}
    return None


class _Reader:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, name: str) -> Path:
        path = self.folder / name
        if os.path.basename(name) != name or path.is_symlink() or not path.is_file():
            raise ValueError(f"the tape names a file it does not hold: {name!r}")
        return path

    def decode(self, item, inputs=()):
        t = item["t"]
        if t == "py":
            return item["v"]
        if t == "int":
            return int(item["v"])
        if t == "float":
            return float.fromhex(item["v"])
        if t in ("array", "scalar", "eager"):
            array = np.load(self._path(item["f"]), allow_pickle=False)
            if t == "scalar":
                return array[()]
            if t == "eager":
                import tensorflow as tf

                return tf.convert_to_tensor(array)
            return array
        if t in ("tuple", "list"):
            values = [self.decode(v, inputs) for v in item["v"]]
            return tuple(values) if t == "tuple" else values
        if t == "dict":
            return {k: self.decode(v, inputs) for k, v in item["v"].items()}
        if t == "generator":
            rng = np.random.default_rng()
            rng.bit_generator.state = item["state"]
            return rng
        if t == "model":
            import keras

            return keras.models.load_model(self._path(item["f"]), safe_mode=True, compile=False)
        if t == "tensor":
            import keras

            saved = keras.models.load_model(self._path(item["f"]), safe_mode=True, compile=False)
            sources = [x for x in inputs if _keras_kind(x) == "tensor"]
            structure = saved.input if isinstance(saved.input, (list, tuple)) else None
            given = list(sources) if structure is not None else sources[0]
            clone = keras.models.clone_model(saved, input_tensors=given)
            clone.set_weights(saved.get_weights())
            return clone.outputs[0] if len(clone.outputs) == 1 else clone.outputs
        if t == "unreadable":
            kind = str(item.get("kind", "object"))
            name = kind.split(" ")[0] if kind.split(" ")[0].isidentifier() else "object"
            return type(name, (_Unreadable,), {})(kind)  # type(value).__name__ as in the kernel
        raise ValueError(f"unknown value kind {t!r} on the tape")


# --------------------------------------------------------------------------
# record (in the student's kernel) and replay (in the judge)
# --------------------------------------------------------------------------
class _Recorder:
    replaying = False

    def __init__(self, folder: Path):
        self.folder = folder
        self.writer = _Writer(folder)
        self.calls = []

    def before(self, name: str, args) -> dict:
        entry = {"name": name, "args": [_digest(a) for a in args]}
        self.calls.append(entry)
        return entry

    def raised(self, entry: dict, message: str) -> None:
        entry["raised"] = message

    def returned(self, entry: dict, args, result) -> None:
        try:
            entry["result"] = self.writer.encode(result, args)
        except Exception as err:  # a model Keras cannot save, for example
            entry["result"] = {"t": "unreadable", "kind": f"{type(result).__name__} ({type(err).__name__})"}
        changed = {}
        for i, arg in enumerate(args):
            state = _after(arg)
            if state is not None:
                changed[str(i)] = self.writer.encode(state)
        entry["after"] = changed

    def save(self) -> None:
        with open(self.folder / "tape.json", "w", encoding="utf-8") as f:
            json.dump({"format": _FORMAT, "keras": "keras" in sys.modules, "calls": self.calls}, f)


class _Replayer:
    replaying = True

    def __init__(self, folder: Path):
        self.reader = _Reader(folder)
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and not p.is_symlink())
        if size > _MAX_TAPE_BYTES:
            raise ValueError(f"the recording is {size / 2**20:.0f} MB, more than the grader reads")
        tape = json.loads(self.reader._path("tape.json").read_text(encoding="utf-8"))
        if not isinstance(tape, dict) or tape.get("format") != _FORMAT or not isinstance(tape.get("calls"), list):
            raise ValueError("the recording is not in the grader's format")
        self.calls = tape["calls"]
        self.keras = bool(tape.get("keras"))
        self.position = 0

    def replay(self, name: str, args):
        if self.position >= len(self.calls):
            raise _core._Failed(f"the check could not see what {name} returns: the recording of its "
                                "results ends early (did the exercise cell change the checks?)")
        entry = self.calls[self.position]
        self.position += 1
        if entry.get("name") != name or entry.get("args") != [_digest(a) for a in args]:
            raise _core._Failed(f"the recording of {name}'s results does not match the check's own "
                                "inputs (did the exercise cell change the checks or their inputs?)")
        if "raised" in entry:
            raise _core._Failed(str(entry["raised"]))
        for key, state in (entry.get("after") or {}).items():
            index = int(key)
            if not 0 <= index < len(args):
                continue
            _restore(args[index], self.reader.decode(state))
        return self.reader.decode(entry["result"], args)


def _restore(arg, state) -> None:
    """Put back into ``arg`` what the student's function did to it."""
    if isinstance(arg, np.ndarray) and isinstance(state, np.ndarray):
        if state.shape == arg.shape:
            arg[...] = state
    elif isinstance(arg, np.random.Generator) and isinstance(state, np.random.Generator):
        arg.bit_generator.state = state.bit_generator.state
    elif _keras_kind(arg) == "model" and isinstance(state, dict):
        flags = state.get("layers")
        if isinstance(flags, list) and len(flags) == len(arg.layers):
            arg.trainable = bool(state.get("model", True))  # first: it sets every layer's flag
            for layer, flag in zip(arg.layers, flags):
                layer.trainable = bool(flag)


@contextlib.contextmanager
def _mode(mode):
    previous, _core._MODE = _core._MODE, mode
    try:
        yield mode
    finally:
        _core._MODE = previous


def record(folder, check: str, func, seed: int | None = None):
    """Run ``checks.<check>(func)`` as usual, recording its calls to ``func`` in ``folder``.

    Parameters
    ----------
    folder : path-like
        Created if needed; receives ``tape.json`` and the value files.
    check : str
        The check's name, e.g. ``"check_correlate_loop"``.
    func : callable
        The student's function.
    seed : int, optional
        Seed Python, numpy and Keras (if imported) first, as the judge will.

    Returns
    -------
    CheckResult
        The check's result in this process (printed as usual; not the grade).

    Examples
    --------
    >>> import tempfile
    >>> result = record(tempfile.mkdtemp(), "check_same_padding", lambda k: (k // 2, (k - 1) // 2))
    ✅ Correct (same_padding): right for k = 1 .. 9, odd and even.
    """
    from .. import checks

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    recorder = _Recorder(folder)
    if seed is not None:
        _seed(seed)
    try:
        with _mode(recorder):
            return getattr(checks, check)(func)
    finally:
        recorder.save()


def judge(folder, check: str, name: str, source: str, seed: int | None = None) -> tuple[bool, str, float]:
    """Replay a recording: the verdict of ``checks.<check>`` on what the student's function returned.

    Parameters
    ----------
    folder : path-like
        A folder written by :func:`record` (in the student's kernel).
    check : str
        The check's name.
    name : str
        The student's function's name.
    source : str
        The exercise cell's source (the check reads it for forbidden calls and loops).
    seed : int, optional
        The seed :func:`record` was given.

    Returns
    -------
    (bool, str, float)
        Whether the answer is correct, the check's feedback line, and the share of
        the check's parts that are right (1 when correct).

    Examples
    --------
    >>> import tempfile
    >>> tape = tempfile.mkdtemp()
    >>> _ = record(tape, "check_same_padding", lambda k: (0, 0))  # doctest: +ELLIPSIS
    ❌ Not yet (same_padding): ...
    >>> judge(tape, "check_same_padding", "same_padding", "")[0]
    False
    """
    from .. import checks

    if not check.startswith("check_") or not callable(getattr(checks, check, None)):
        raise ValueError(f"no check named {check!r}")
    try:
        replayer = _Replayer(Path(folder))
    except (OSError, ValueError, KeyError, TypeError) as err:
        line = f"{_core.NOT_YET} ({check[6:]}): the grader could not read the recording of your function's results ({err})"
        return False, line, 0.0
    if replayer.keras:  # the kernel had Keras: import and seed it the same way
        from ..runtime import import_keras_quietly

        import_keras_quietly()
    if seed is not None:
        _seed(seed)
    out = io.StringIO()
    with _mode(replayer), contextlib.redirect_stdout(out):
        try:
            result = getattr(checks, check)(Submitted(name, source))
        except Exception as err:  # a value on the tape that the check cannot use
            line = f"{_core.NOT_YET} ({check[6:]}): the check could not use your function's results ({type(err).__name__}: {err})"
            return False, line, 0.0
    return bool(result), result.message, result.fraction


def _judge_all(jobs) -> dict:
    """{key: [ok, line, fraction]} for a list of jobs {"key", "folder", "check", "name", "source", "seed"}."""
    return {str(job["key"]): list(judge(job["folder"], job["check"], job["name"], job["source"], job.get("seed")))
            for job in jobs}


def _main(argv) -> int:
    """``judge JOB.json`` prints the verdicts of a list of jobs as JSON; ``serve`` reads one JSON
    list of jobs per line on stdin and answers each with one JSON line (the grader keeps one
    such process for a whole class, so that numpy and Keras are imported once)."""
    if argv == ["serve"]:
        answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
        sys.stdout = sys.stderr  # anything a check or a library prints stays out of the answers
        for line in sys.stdin:
            try:
                verdicts = _judge_all(json.loads(line))
            except Exception as err:  # a malformed request: say so, keep serving
                verdicts = {"error": f"{type(err).__name__}: {err}"}
            answers.write(json.dumps(verdicts) + "\n")
            answers.flush()
        return 0
    if len(argv) != 2 or argv[0] != "judge":
        print("usage: python -m course_utils.checks._tape judge JOB.json | serve", file=sys.stderr)
        return 2
    jobs = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    sys.stdout.write(json.dumps(_judge_all(jobs)))
    return 0


def _seed(seed: int) -> None:
    """Seed Python, numpy and (if imported) Keras, as the grader does before each exercise."""
    import random

    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
