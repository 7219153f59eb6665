"""The machinery every lesson's checks share.

A check calls the student's function through :func:`_call` inside a body run by
:func:`_run`; the body raises :class:`_Failed` with a hint, or returns the
success message. :func:`_forbid` reads the student's source for calls and
loops that an exercise rules out, and :func:`_judge_answers` compares the
answers to prediction questions with salted SHA-256 digests, so that the right
answer is nowhere in the course's code or in a handout.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import inspect
import json
import sys
import textwrap
import types

import numpy as np

CORRECT = "✅ Correct"
NOT_YET = "❌ Not yet"


class CheckResult:
    """What a check returns: true when the answer is correct.

    The feedback is already printed, so in a notebook the result itself shows
    nothing (no ``True``/``False`` under the feedback line).
    """

    def __init__(self, ok: bool, message: str, fraction: float | None = None):
        self.ok = bool(ok)
        self.message = message
        #: the share of the check's parts that are right (1 when correct); graders
        #: give partial credit with it where the lesson asks for it
        self.fraction = (1.0 if self.ok else 0.0) if fraction is None else float(fraction)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"CheckResult(ok={self.ok})"

    def _ipython_display_(self) -> None:
        pass  # the feedback was printed when the check ran


def _report(ok: bool, name: str, message: str, fraction: float | None = None) -> CheckResult:
    line = f"{CORRECT if ok else NOT_YET} ({name}): {message}"
    print(line)
    return CheckResult(ok, line, fraction)


class _Failed(Exception):
    """Raised inside a check with the feedback to print (and, for a check in parts, the
    share of the parts that are right)."""

    def __init__(self, message: str, fraction: float | None = None):
        super().__init__(message)
        self.fraction = fraction


#: None while a check runs in a lesson; when grading, a recorder (in the student's
#: kernel) or a replayer (in the judge), see :mod:`._tape`.
_MODE = None


def _recording() -> bool:
    """True in the student's kernel while grading records a check: rules read from the source
    are then left to the judge (which reads the exercise cell), so every call is recorded."""
    return _MODE is not None and not _MODE.replaying


def _call(func, name: str, *args):
    """Call the student's function and turn its exceptions into feedback.

    When grading, the call is recorded (in the student's kernel) or answered
    from the recording (in the judge, where no student code runs).
    """
    mode = _MODE
    if mode is not None and mode.replaying:
        return mode.replay(name, args)
    entry = mode.before(name, args) if mode is not None else None
    try:
        if not callable(func):
            raise _Failed(f"expected a function; got {type(func).__name__}")
        try:
            result = func(*args)
        except NotImplementedError:
            raise _Failed(
                f"{name} still raises NotImplementedError: replace the stub "
                "(the line after '# YOUR CODE HERE') with your code."
            ) from None
        except Exception as err:  # show the student's own error, briefly
            arglist = ", ".join(_short(a) for a in args)
            raise _Failed(
                f"{name}({arglist}) raised {type(err).__name__}: {err}"
            ) from None
    except _Failed as failure:
        if entry is not None:
            mode.raised(entry, str(failure))
        raise
    if entry is not None:
        mode.returned(entry, args, result)
    return result


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}>"
    return repr(value)


def _run(name: str, body) -> CheckResult:
    try:
        message = body()
    except _Failed as failure:
        return _report(False, name, str(failure), failure.fraction)
    return _report(True, name, message)


def _as_array(result, name: str, ndim: int) -> np.ndarray:
    """The student's result as a float array with ``ndim`` axes, or feedback that it is not one."""
    kind = "an array" if ndim == 1 else f"a {ndim}D array"
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise _Failed(f"{name} must return {kind} of numbers; got {_short(result)}") from None
    if arr.ndim != ndim:
        raise _Failed(f"{name} must return a {ndim}D array; got shape {arr.shape}")
    return arr


def _as_vector(result, name: str) -> np.ndarray:
    """The student's result as a 1D float array, or feedback that it is not one."""
    return _as_array(result, name, 1)


def _as_2d(result, name: str) -> np.ndarray:
    """The student's result as a 2D float array, or feedback that it is not one."""
    return _as_array(result, name, 2)


def _int_result(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _Failed(f"{name} must return an int; got a {type(value).__name__}")
    return int(value)


class _Absent:
    """Stands for a library function that is not imported (its name is still forbidden)."""


class _ByName:
    """Stands, in the judge, for a helper of the lesson's notebook: ruled out by its name,
    even when the exercise cell defines a function with that name."""


def _imported(path: str):
    """``path`` ("tensorflow.nn.conv2d") if its module is already imported, else None (no import here)."""
    top, *rest = path.split(".")
    obj = sys.modules.get(top)
    for part in rest:
        obj = getattr(obj, part, None)
    return obj


def _attr(module: str, *path):
    """``module.path...`` if that module is already imported and has it, else an :class:`_Absent`."""
    obj = _imported(".".join((module, *path)))
    return obj if obj is not None else _Absent()


# --------------------------------------------------------------------------
# What an exercise forbids: library calls and loops, read from the source
# --------------------------------------------------------------------------
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _code_names(code: types.CodeType) -> set[str]:
    """Global and attribute names a code object uses, nested functions included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _forbid(func, name: str, calls: dict | None = None, loops: bool = False,
            _seen: set | None = None) -> None:
    """Raise :class:`_Failed` if ``func`` uses a call or a loop the exercise rules out.

    Parameters
    ----------
    func : callable
        The student's function (defined with ``def`` in a notebook cell or a file).
    name : str
        The exercise's name, for the feedback.
    calls : dict of str to object, optional
        Forbidden callables by the name the prompt gives them, e.g.
        ``{"np.correlate": np.correlate}``. The source may not name any of them
        by their last part (``np.correlate``, ``from numpy import correlate``,
        or a global ``correlate``; a variable the function binds itself, or a
        function of the student's own, may have any name), and no global or
        closure variable the function uses may be one of these objects (an
        alias made in another cell). The student's own functions that it
        uses are read by the same rules.
    loops : bool
        If true, ``for``, ``while`` and comprehensions are forbidden.

    Examples
    --------
    >>> def add(x):
    ...     return sum(v for v in x)
    >>> _run("add", lambda: _forbid(add, "add", loops=True))
    ❌ Not yet (add): add uses a loop (a generator expression on its line 2); this exercise asks for none.
    CheckResult(ok=False)
    """
    calls = calls or {}
    if _recording():
        return
    if hasattr(func, "_course_source"):  # the judge: only the exercise cell's source
        return _forbid_in_source(func._course_source, func.__name__, name, calls, loops)
    _seen = set() if _seen is None else _seen
    _seen.add(id(func))
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        raise _Failed(
            f"could not read the source of {name}; define it with `def` in a cell "
            "(the check reads it to see which functions it calls)."
        ) from None
    short: dict[str, str] = {}
    for key in calls:
        last = key.rsplit(".", 1)[-1]
        short[last] = f"{short[last]} or {key}" if last in short else key
    loop_words = {ast.For: "a for loop", ast.AsyncFor: "a for loop", ast.While: "a while loop",
                  ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
                  ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}
    # Names the function binds itself (arguments, assignments, loop variables) are
    # the student's own variables, even when one is called ``max_pool``.
    local = {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    local |= {node.id for node in ast.walk(tree)
              if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))}
    local |= {node.name for node in ast.walk(tree)
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for node in ast.walk(tree):
        if loops and isinstance(node, _LOOPS):
            raise _Failed(f"{name} uses a loop ({loop_words[type(node)]} on its line "
                          f"{node.lineno}); this exercise asks for none.")
        word = (node.attr if isinstance(node, ast.Attribute)
                else node.id if isinstance(node, ast.Name) and node.id not in local
                and not _own_function(func, node.id)
                else node.name.rsplit(".", 1)[-1] if isinstance(node, ast.alias) else None)
        if word in short:
            raise _Failed(f"{name} uses {short[word]}, which this exercise rules out: "
                          "write the computation yourself.")
    # Aliases made elsewhere (c = np.correlate in another cell): look at what
    # the names the code uses refer to.
    code = getattr(func, "__code__", None)
    if code is None:
        return
    scope = dict(vars(builtins))
    scope.update(getattr(func, "__globals__", {}))
    named = [(n, scope[n]) for n in sorted(_code_names(code)) if n in scope]
    for cell in getattr(func, "__closure__", None) or ():
        try:
            named.append(("", cell.cell_contents))
        except ValueError:
            pass
    values = [value for _, value in named]
    for used, value in named:
        for key, banned in calls.items():
            if value is banned:
                how = "" if used == key.rsplit(".", 1)[-1] else " (under another name)"
                raise _Failed(f"{name} uses {key}{how}, which this exercise "
                              "rules out: write the computation yourself.")
    # The student's own helper functions (defined beside it) are held to the same rules.
    for value in values:
        if _is_students(func, value) and id(value) not in _seen:
            _forbid(value, name, calls, loops, _seen)


def _forbid_in_source(source: str, function: str, name: str, calls: dict, loops: bool) -> None:
    """:func:`_forbid` from a cell's source alone (the judge has no live objects).

    The function ``function`` and the functions of the cell it uses (directly or
    through each other) are read by the same rules; an alias made at the top of
    the cell (``c = np.correlate``, ``from numpy import correlate as c``) counts
    as the call it names when one of those functions uses it.
    """
    tree, functions = _cell_tree(source)
    if tree is None or function not in functions:
        raise _Failed(
            f"could not read the source of {name}; define it with `def` in a cell "
            "(the check reads it to see which functions it calls)."
        )
    short: dict[str, str] = {}
    for key in calls:
        last = key.rsplit(".", 1)[-1]
        short[last] = f"{short[last]} or {key}" if last in short else key
    banned = set(short)
    by_name = {key.rsplit(".", 1)[-1] for key, value in calls.items() if isinstance(value, _ByName)}
    functions = {k: v for k, v in functions.items() if k not in by_name or k == function}
    # top-level names bound to something banned: c = np.correlate; from numpy import correlate as c
    aliases = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name.rsplit(".", 1)[-1] in banned:
                    module = getattr(node, "module", None)
                    aliases[alias.asname or alias.name.split(".")[0]] = _dotted(
                        f"{module}.{alias.name}" if module else alias.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            words = {n.attr if isinstance(n, ast.Attribute) else n.id
                     for n in ast.walk(node.value) if isinstance(n, (ast.Attribute, ast.Name))}
            hits = words & (banned | set(aliases))
            if hits:
                text = _dotted(ast.unparse(node.value))
                hit = sorted(hits)[0]
                named = text if text in calls else aliases.get(hit, hit)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for n in ast.walk(target):
                        if isinstance(n, ast.Name):
                            aliases[n.id] = named
    todo, seen = [function], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        node = functions[current]
        # the function's source, on its own, through the usual rules (names, loops)
        mine = ast.Module(body=[node], type_ignores=[])
        local = {n.arg for n in ast.walk(mine) if isinstance(n, ast.arg)}
        local |= {n.id for n in ast.walk(mine) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
        for n in ast.walk(mine):
            if loops and isinstance(n, _LOOPS):
                what = {ast.For: "a for loop", ast.AsyncFor: "a for loop", ast.While: "a while loop",
                        ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
                        ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}
                raise _Failed(f"{name} uses a loop ({what[type(n)]} on its line "
                              f"{n.lineno - node.lineno + 1}); this exercise asks for none.")
            word = (n.attr if isinstance(n, ast.Attribute)
                    else n.id if isinstance(n, ast.Name) and n.id not in local and n.id not in functions
                    else n.name.rsplit(".", 1)[-1] if isinstance(n, ast.alias) else None)
            if word in banned:
                raise _Failed(f"{name} uses {short[word]}, which this exercise rules out: "
                              "write the computation yourself.")
            if isinstance(n, ast.Name) and n.id not in local and n.id in aliases:
                target = aliases[n.id]
                named = target if target in calls else short.get(target.rsplit(".", 1)[-1], target)
                raise _Failed(f"{name} uses {named} (under another name), which "
                              "this exercise rules out: write the computation yourself.")
            if isinstance(n, ast.Name) and n.id in functions and n.id not in local:
                todo.append(n.id)


def _dotted(text: str) -> str:
    """A dotted name as the checks write it: ``numpy.x`` -> ``np.x``, ``tensorflow.x`` -> ``tf.x``."""
    for long, short in (("numpy.", "np."), ("tensorflow.", "tf.")):
        if text.startswith(long):
            return short + text[len(long):]
    return text


def _cell_tree(source: str):
    """The parsed exercise cell, and its top-level functions by name (None if not Python)."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except (SyntaxError, ValueError):
        return None, {}
    functions = {node.name: node for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return tree, functions


def _function_trees(func) -> list | None:
    """The syntax trees of the student's function and of the student's own functions it uses
    (directly or through each other); None when the source cannot be read.

    Works on a live function (its source and globals) and, in the judge, on a
    :class:`._tape.Submitted` (its exercise cell's source).
    """
    if hasattr(func, "_course_source"):
        _, functions = _cell_tree(func._course_source)
        if func.__name__ not in functions:
            return None
        trees, todo, seen = [], [func.__name__], set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            trees.append(functions[name])
            todo += [n.id for n in ast.walk(functions[name]) if isinstance(n, ast.Name) and n.id in functions]
        return trees
    trees, todo, seen = [], [func], set()
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        try:
            trees.append(ast.parse(textwrap.dedent(inspect.getsource(current))))
        except (OSError, TypeError, SyntaxError, IndentationError):
            if current is func:
                return None
            continue
        scope = getattr(current, "__globals__", {})
        code = getattr(current, "__code__", None)
        for n in sorted(_code_names(code)) if code is not None else ():
            value = scope.get(n)
            if _is_students(func, value):
                todo.append(value)
    return trees


def _amend_last_call(message: str) -> None:
    """When grading: the last recorded call to the student's function counts as failed with
    ``message`` (a check that found a ruled-out call while the function ran)."""
    if _MODE is not None and not _MODE.replaying and getattr(_MODE, "calls", None):
        _MODE.raised(_MODE.calls[-1], message)


def _is_students(func, value) -> bool:
    """True if ``value`` is a Python function defined in the same namespace as ``func``."""
    return (isinstance(value, types.FunctionType)
            and getattr(value, "__globals__", None) is getattr(func, "__globals__", ()))


def _own_function(func, name: str) -> bool:
    """True if the global ``name`` that ``func`` uses is one of the student's own functions."""
    return _is_students(func, getattr(func, "__globals__", {}).get(name))


# --------------------------------------------------------------------------
# Prediction questions: the answer is compared as a salted hash
# --------------------------------------------------------------------------
def _canonical(value, decimals: int | None = None):
    """A JSON-able canonical form of an answer: ints, rounded floats, lower-case text, lists."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a bool")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            raise TypeError("not a finite number")
        if float(value).is_integer() and decimals is None:
            return int(value)
        if decimals is None:
            raise TypeError("a float where an int is expected")
        return round(float(value), decimals) + 0.0
    if isinstance(value, str):
        # "B", " b ", "b.", "(b)" are one answer to a multiple-choice question.
        return " ".join(value.strip().strip("()[]{}.,;:!?'\"` ").lower().split())
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_canonical(v, decimals) for v in value]
    raise TypeError(type(value).__name__)


def answer_digest(exercise: str, answer, decimals: int | None = None) -> str:
    """The salted SHA-256 digest under which a prediction's answer is stored.

    Parameters
    ----------
    exercise : str
        The exercise's name, used as the salt (the same answer to two questions
        gives two digests).
    answer : int, float, str, or a (nested) tuple or list of them
        Ints and integer-valued floats count as ints; other floats are rounded
        to ``decimals`` places; text is compared lower-case with single spaces,
        without surrounding brackets and punctuation (``"(B)."`` is ``"b"``).
    decimals : int, optional
        Rounding for float answers.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> answer_digest("demo", (3, 4)) == answer_digest("demo", [3.0, 4])
    True
    >>> answer_digest("demo", " B ") == answer_digest("demo", "b")
    True
    """
    text = json.dumps(_canonical(answer, decimals), separators=(",", ":"))
    return hashlib.sha256(f"{exercise}:{text}".encode()).hexdigest()


def _judge_answers(func, name: str, digests: list[str], parts: list[str], hint: str,
                   decimals: int | None = None) -> CheckResult:
    """Judge a prediction: ``func()`` returns one answer per part, compared by digest.

    ``digests[i]`` is ``answer_digest(f"{name}[{i}]", right_answer_i, decimals)``
    and ``parts[i]`` describes part ``i`` in the feedback (e.g. "the output
    length in 'same' mode"). ``hint`` is one hint for every part, or a list
    with one per part. With one part, ``func()`` returns the answer
    itself (which may be a tuple, such as a shape); with several, a tuple of
    answers.

    Examples
    --------
    >>> d = [answer_digest("demo[0]", 12)]
    >>> _judge_answers(lambda: 11, "demo", d, ["the count"], "count again.")
    ❌ Not yet (demo): the count is not right. Hint: count again.
    CheckResult(ok=False)
    """
    hints = list(hint) if isinstance(hint, (list, tuple)) else [hint] * len(digests)

    def body():
        got = _call(func, name)
        answers = [got] if len(digests) == 1 else got
        if not isinstance(answers, (tuple, list)) or len(answers) != len(digests):
            raise _Failed(f"{name} must return {len(digests)} answers ({'; '.join(parts)}); "
                          f"got {_short(got)}")
        first, right = None, 0
        for i, (answer, digest, part) in enumerate(zip(answers, digests, parts)):
            try:
                mine = answer_digest(f"{name}[{i}]", answer, decimals)
            except TypeError as err:
                first = first or (f"{part}: expected a number, text or a tuple of numbers; got "
                                  f"{_short(answer)} ({err})")
                continue
            if mine == digest:
                right += 1
            else:
                first = first or f"{part} is not right. Hint: {hints[i]}"
        if first is not None:
            raise _Failed(first, right / len(digests))
        return "every answer is right." if len(digests) > 1 else "that is right."

    return _run(name, body)
