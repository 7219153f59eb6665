"""The repository's owner/name in one place, and moving it to a fork.

The Colab badges, the lessons' set-up cells (which clone the repository on
Colab), the README and the website's links all name the GitHub repository.
``runtime.REPO_SLUG`` is the one place that says which; :func:`repository_mentions`
lists every mention in the course's files (a test checks that they all agree),
and :func:`move_to` rewrites them all for a fork (``python -m course_utils fork
OWNER/NAME``).
"""

from __future__ import annotations

import re
from pathlib import Path

from .runtime import REPO_SLUG, repo_root

__all__ = ["course_files", "move_to", "repository_mentions"]

# A GitHub repository as the course names it: a GitHub link, a Colab link
# through GitHub, or a clone URL. Group 1 is the owner/name.
_MENTION = re.compile(
    r"(?:https://github\.com/|https://colab\.research\.google\.com/github/)"
    r"([A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?=/|\)|\s|\"|$|\.git\b)"
)
_SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# Links to other projects that the course cites; never rewritten.
_OTHERS = ("keras-team/", "tensorflow/", "jupyter/", "scikit-image/", "actions/")


def course_files(root=None) -> list[Path]:
    """The files that name the course's repository.

    Parameters
    ----------
    root : path-like, optional
        The repository's root (default: this checkout).

    Returns
    -------
    list of pathlib.Path
        ``README.md``, ``course_utils/runtime.py`` and every notebook in
        ``lessons/`` that exists under ``root``.

    Examples
    --------
    >>> [p.name for p in course_files()][:2]
    ['README.md', 'runtime.py']
    """
    root = Path(root) if root is not None else repo_root()
    files = [root / "README.md", root / "course_utils" / "runtime.py"]
    files += sorted((root / "lessons").glob("*.ipynb"))
    return [p for p in files if p.is_file()]


def repository_mentions(root=None) -> dict[str, set[str]]:
    """Which repositories (owner/name) each course file names, other projects left out.

    Parameters
    ----------
    root : path-like, optional
        The repository's root (default: this checkout).

    Returns
    -------
    dict of str to set of str
        File path relative to ``root`` (POSIX) -> the owner/name strings it
        mentions. ``runtime.py`` is read for its ``REPO_SLUG = "..."`` line.

    Examples
    --------
    >>> from course_utils.runtime import REPO_SLUG
    >>> {s for slugs in repository_mentions().values() for s in slugs} == {REPO_SLUG}
    True
    """
    root = Path(root) if root is not None else repo_root()
    found = {}
    for path in course_files(root):
        text = path.read_text(encoding="utf-8")
        if path.name == "runtime.py":
            slugs = set(re.findall(r'^REPO_SLUG = "([^"]+)"', text, re.M))
        else:
            slugs = {m.group(1) for m in _MENTION.finditer(text)
                     if not m.group(1).startswith(_OTHERS)}
        found[path.relative_to(root).as_posix()] = slugs
    return found


def move_to(slug: str, root=None, old: str = REPO_SLUG) -> list[Path]:
    """Rewrite every mention of the course's repository ``old`` to ``slug``.

    Parameters
    ----------
    slug : str
        The fork, ``"owner/name"``.
    root : path-like, optional
        The repository's root (default: this checkout).
    old : str
        The owner/name to replace (default: ``runtime.REPO_SLUG``).

    Returns
    -------
    list of pathlib.Path
        The files that changed.

    Raises
    ------
    ValueError
        ``slug`` is not of the form ``owner/name``.

    Examples
    --------
    >>> move_to("not a slug")
    Traceback (most recent call last):
    ...
    ValueError: slug must be a GitHub repository as 'owner/name' (e.g. 'ann/cnn-course'); got 'not a slug'
    """
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ValueError(f"slug must be a GitHub repository as 'owner/name' "
                         f"(e.g. 'ann/cnn-course'); got {slug!r}")
    changed = []
    for path in course_files(root):
        text = path.read_text(encoding="utf-8")
        if path.name == "runtime.py":
            new = text.replace(f'REPO_SLUG = "{old}"', f'REPO_SLUG = "{slug}"')
        else:
            new = _MENTION.sub(lambda m: m.group(0).replace(m.group(1), slug)
                               if m.group(1) == old else m.group(0), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
