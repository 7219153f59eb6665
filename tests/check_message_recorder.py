"""A pytest plugin for tests/test_student_path.py: record every feedback line a check gives.

Loaded with ``-p check_message_recorder`` (``tests/`` on ``PYTHONPATH``) while the check
tests (tests/test_checks_*.py) run; each line a check prints becomes a
:class:`~course_utils.checks.CheckResult` first, so wrapping its constructor sees them all,
whatever the test does with the output. At the end they are written, as JSON, to the
file named by the environment variable ``COURSE_CHECK_MESSAGES``.
"""

import json
import os

from course_utils.checks import _core

_MESSAGES = []
_init = _core.CheckResult.__init__


def _recording_init(self, ok, message, *args, **kwargs):
    _MESSAGES.append({"ok": bool(ok), "message": str(message)})
    _init(self, ok, message, *args, **kwargs)


_core.CheckResult.__init__ = _recording_init


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("COURSE_CHECK_MESSAGES")
    if target:
        with open(target, "w", encoding="utf-8") as f:
            json.dump(_MESSAGES, f, ensure_ascii=False)
