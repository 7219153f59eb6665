"""One place names the course's repository; a fork rewrites every mention with one command."""

import shutil
import subprocess
import sys

import pytest

from course_utils import fork
from course_utils.runtime import REPO_SLUG, repo_root


def test_every_mention_agrees_with_repo_slug():
    mentions = fork.repository_mentions()
    assert all(slugs <= {REPO_SLUG} for slugs in mentions.values()), mentions
    assert mentions["README.md"] == {REPO_SLUG}
    lessons = [name for name in mentions if name.startswith("lessons/")]
    assert lessons and all(mentions[name] == {REPO_SLUG} for name in lessons)


@pytest.fixture
def copy(tmp_path):
    root = repo_root()
    (tmp_path / "course_utils").mkdir()
    shutil.copy(root / "course_utils" / "runtime.py", tmp_path / "course_utils")
    shutil.copy(root / "README.md", tmp_path)
    shutil.copytree(root / "lessons", tmp_path / "lessons")
    return tmp_path


def test_move_to_rewrites_every_mention_and_nothing_else(copy):
    before = {p: p.read_text() for p in fork.course_files(copy)}
    changed = fork.move_to("ann/my-cnn-course", copy)
    assert set(changed) == set(before)
    assert all(slugs == {"ann/my-cnn-course"} for slugs in fork.repository_mentions(copy).values())
    for path, text in before.items():
        assert path.read_text().replace("ann/my-cnn-course", REPO_SLUG) == text, path
    assert fork.move_to("ann/my-cnn-course", copy, old="ann/my-cnn-course") == []


@pytest.mark.parametrize("bad", ["ann", "ann/", "/name", "a b/c", "ann/name/extra", 42])
def test_bad_slug_is_refused(bad):
    with pytest.raises(ValueError, match="owner/name"):
        fork.move_to(bad)


def test_command_line_refuses_a_bad_slug():
    out = subprocess.run([sys.executable, "-m", "course_utils", "fork", "nope"],
                         capture_output=True, text=True, cwd=repo_root())
    assert out.returncode != 0 and "owner/name" in out.stderr
