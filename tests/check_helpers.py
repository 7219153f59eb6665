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
