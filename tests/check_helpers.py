"""Shared by the tests of the exercise checks (tests/test_checks*.py)."""


def stub(*args):
    """What a handout's exercise does before the student writes it."""
    raise NotImplementedError("Exercise 1: a stub")


def run(check, func, capsys):
    """Run ``check(func)``; return (passed, the printed line), asserting it is one line."""
    result = check(func)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "a check prints exactly one line"
    return bool(result), out


def assert_correct(check, func, capsys):
    """Assert that ``check`` accepts ``func`` with one "Correct" line; return the line."""
    from course_utils import checks

    ok, out = run(check, func, capsys)
    assert ok and out.startswith(checks.CORRECT), out
    return out


def assert_not_yet(check, func, capsys, hint=""):
    """Assert that ``check`` rejects ``func`` with one "Not yet" line containing ``hint``; return the line."""
    from course_utils import checks

    ok, out = run(check, func, capsys)
    assert not ok and out.startswith(checks.NOT_YET), out
    assert hint in out, out
    return out


def assert_stub_not_yet(check, capsys):
    """Assert that ``check`` says "Not yet" to an unwritten exercise and says where to write it."""
    out = assert_not_yet(check, stub, capsys, "NotImplementedError")
    assert "YOUR CODE HERE" in out, out
    return out
