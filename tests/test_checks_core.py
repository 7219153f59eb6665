"""The checks' shared machinery: forbidden calls and loops, hashed answers to predictions."""

import numpy as np
import pytest
from check_helpers import stub
from scipy import signal

from course_utils import checks
from course_utils.checks._core import _forbid, _judge_answers, _run, answer_digest

BANNED = {"np.correlate": np.correlate, "np.convolve": np.convolve,
          "scipy.signal.correlate": signal.correlate}
ALIAS = np.correlate  # an alias made "in another cell"


def loop_version(x, h):
    out = np.zeros(len(x) - len(h) + 1)
    for n in range(len(out)):
        out[n] = np.dot(x[n : n + len(h)], h)
    return out


def uses_np_correlate(x, h):
    return np.correlate(x, h, "valid")


def uses_imported_name(x, h):
    from numpy import convolve

    return convolve(x, h[::-1], "valid")


def uses_alias(x, h):
    return ALIAS(x, h, "valid")


def uses_scipy(x, h):
    return signal.correlate(x, h, "valid")


def own_variable_named_like_a_banned_call(x, h):
    correlate = np.zeros(len(x) - len(h) + 1)
    for n, _ in enumerate(correlate):
        correlate[n] = x[n : n + len(h)] @ h
    return correlate


def correlate(x, h):  # the student's own helper, named like the banned call
    out = np.zeros(len(x) - len(h) + 1)
    for n in range(len(out)):
        out[n] = x[n : n + len(h)] @ h
    return out


def uses_own_helper(x, h):
    return correlate(x, h)


def sneaky_helper(x, h):
    return np.correlate(x, h, "valid")


def uses_sneaky_helper(x, h):
    return sneaky_helper(x, h)


def vectorised(x, h):
    idx = np.arange(len(x) - len(h) + 1)[:, None] + np.arange(len(h))
    return x[idx] @ h


def with_comprehension(x, h):
    return np.array([x[n : n + len(h)] @ h for n in range(len(x) - len(h) + 1)])


def with_while(x, h):
    out, n = [], 0
    while n + len(h) <= len(x):
        out.append(x[n : n + len(h)] @ h)
        n += 1
    return np.array(out)


def forbid(func, **kwargs):
    return _run("demo", lambda: _forbid(func, "demo", **kwargs) or "fine")


@pytest.mark.parametrize("func", [loop_version, vectorised, own_variable_named_like_a_banned_call,
                                  uses_own_helper])
def test_allowed_code_passes(func, capsys):
    assert forbid(func, calls=BANNED)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("func,words", [
    (uses_np_correlate, "np.correlate"),
    (uses_imported_name, "np.convolve"),
    (uses_alias, "under another name"),
    (uses_scipy, "scipy.signal.correlate"),
    (uses_sneaky_helper, "np.correlate"),
])
def test_forbidden_calls_are_found(func, words, capsys):
    assert not forbid(func, calls=BANNED)
    out = capsys.readouterr().out
    assert "Not yet" in out and words in out and "rules out" in out


@pytest.mark.parametrize("func,kind", [
    (loop_version, "a for loop"), (with_comprehension, "a list comprehension"), (with_while, "a while loop"),
])
def test_loops_are_found_when_forbidden(func, kind, capsys):
    assert not forbid(func, loops=True)
    assert kind in capsys.readouterr().out
    assert forbid(vectorised, loops=True)
    assert not forbid(uses_own_helper, loops=True)  # the loop is in its helper


def test_unreadable_source_is_not_yet(capsys):
    namespace = {}
    exec("def hidden(x):\n    return x\n", namespace)  # no file behind it
    assert not forbid(namespace["hidden"], calls=BANNED)
    assert "define it with `def` in a cell" in capsys.readouterr().out


def test_digest_normalises_and_is_salted():
    assert answer_digest("q", 7) == answer_digest("q", 7.0) == answer_digest("q", np.int64(7))
    assert answer_digest("q", (3, 4)) == answer_digest("q", [3, 4]) == answer_digest("q", np.array([3, 4]))
    assert answer_digest("q", "  Same  Padding ") == answer_digest("q", "same padding")
    assert answer_digest("q", "(B).") == answer_digest("q", "b") == answer_digest("q", "'b'")
    assert answer_digest("q", 0.1234, decimals=2) == answer_digest("q", 0.12, decimals=2)
    assert answer_digest("q", 7) != answer_digest("r", 7)
    assert answer_digest("q", (3, 4)) != answer_digest("q", (4, 3))
    with pytest.raises(TypeError):
        answer_digest("q", True)
    with pytest.raises(TypeError):
        answer_digest("q", 2.5)  # a float where an int is expected, without decimals


DIGESTS = [answer_digest("demo[0]", (5, 5)), answer_digest("demo[1]", "b")]
PARTS = ["the output shape", "the true statement"]


def judge(func):
    return _judge_answers(func, "demo", DIGESTS, PARTS, "work it out on paper.")


@pytest.mark.parametrize("func,words", [
    (lambda: ((5, 5), "c"), "the true statement is not right"),
    (lambda: ((5, 4), "b"), "the output shape is not right"),
    (lambda: (5, 5), "the output shape"),
    (lambda: ((5, 5),), "must return 2 answers"),
    (lambda: (True, "b"), "expected a number"),
    (stub, "NotImplementedError"),
])
def test_wrong_predictions_are_not_yet(func, words, capsys):
    assert not judge(func)
    out = capsys.readouterr().out
    assert out.startswith(checks.NOT_YET) and words in out, out


def test_feedback_never_shows_the_right_answer(capsys):
    judge(lambda: ((4, 4), "a"))
    out = capsys.readouterr().out
    assert "5" not in out and "'b'" not in out, out


def test_right_prediction_is_correct(capsys):
    assert judge(lambda: ((5, 5), " B "))
    assert capsys.readouterr().out.startswith(checks.CORRECT)


def test_single_answer_may_be_a_shape(capsys):
    d = [answer_digest("one[0]", (2, 3))]
    assert _judge_answers(lambda: (2, 3), "one", d, ["the shape"], "h")
    assert not _judge_answers(lambda: (3, 2), "one", d, ["the shape"], "h")


def test_every_check_module_lists_its_checks():
    from course_utils.checks import _core

    public = {n for n in dir(checks) if n.startswith("check_")}
    assert public == {n for n in checks.__all__ if n.startswith("check_")}
    assert not any(n.startswith("check_") for n in dir(_core))


def test_a_check_in_parts_says_what_share_is_right(capsys):
    digests = [answer_digest(f"demo[{i}]", v) for i, v in enumerate((1, "b", 3))]
    parts = ["part a", "part b", "part c"]
    result = _judge_answers(lambda: (1, "B", 4), "demo", digests, parts, "look again.")
    assert not result and result.fraction == pytest.approx(2 / 3)
    assert "part c is not right" in capsys.readouterr().out
    assert _judge_answers(lambda: (1, "b", 3), "demo", digests, parts, "").fraction == 1.0
    first_wrong = _judge_answers(lambda: (2, "c", 3), "demo", digests, parts, "")
    assert first_wrong.fraction == pytest.approx(1 / 3) and "part a is not right" in first_wrong.message
