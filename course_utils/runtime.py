"""Where the course runs: fast mode, seeds, versions, the repository's folders.

Fast mode shrinks data and epochs so that every lesson runs in CI in minutes.
It never skips a cell. It is on when the environment variable ``COURSE_FAST``
is ``1`` (or ``true``/``yes``/``on``), off when it is ``0`` (or
``false``/``no``/``off``), and otherwise on exactly when ``CI=true``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
from importlib import metadata
from pathlib import Path

__all__ = [
    "COLAB_URL",
    "FAST_ENV",
    "REPO_SLUG",
    "fast_mode",
    "on_colab",
    "quiet_stderr",
    "repo_root",
    "setup",
    "versions",
]

#: The course's GitHub repository (owner/name); the Colab badges point here.
REPO_SLUG = "cnn-course/cnn-course"
#: Prefix of a lesson's "Open in Colab" link; append the lesson's path.
COLAB_URL = f"https://colab.research.google.com/github/{REPO_SLUG}/blob/main/"

#: The environment variable that switches fast mode.
FAST_ENV = "COURSE_FAST"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _flag(name: str, value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(
        f"environment variable {name} must be one of "
        f"{sorted(_TRUE | _FALSE - {''})}; got {value!r}"
    )


def fast_mode() -> bool:
    """Return True when lessons should run on small data with few epochs.

    ``COURSE_FAST`` decides when it is set; otherwise fast mode follows
    ``CI`` (on when ``CI=true``).

    Returns
    -------
    bool

    Examples
    --------
    >>> fast_mode() in (True, False)
    True
    """
    if FAST_ENV in os.environ:
        return _flag(FAST_ENV, os.environ[FAST_ENV])
    # CI systems set CI to "true" or "1"; anything else does not switch it on.
    return os.environ.get("CI", "").strip().lower() in _TRUE


def on_colab() -> bool:
    """Return True inside a Google Colab runtime.

    Examples
    --------
    >>> on_colab()
    False
    """
    return "google.colab" in sys.modules


def repo_root() -> Path:
    """Return the folder that holds ``course_utils/`` (the repository's root).

    With an editable install (``pip install -e .``, what the README's commands
    do) this is the clone, where ``datasets/`` and ``lessons/`` live.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> (repo_root() / "course_utils").is_dir()
    True
    """
    return Path(__file__).resolve().parent.parent


def versions(packages=("numpy", "scipy", "matplotlib")) -> dict[str, str]:
    """Return ``{name: version}`` for Python and the given installed packages.

    Reads package metadata only, so it does not import (and start up)
    TensorFlow. A package that is not installed maps to ``"not installed"``.

    Parameters
    ----------
    packages : iterable of str
        Distribution names as pip knows them (``"scikit-image"``).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> versions(["numpy"])["python"] == platform.python_version()
    True
    """
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@contextlib.contextmanager
def quiet_stderr():
    """Point file descriptor 2 (C and C++ code's stderr) at os.devnull for a while.

    TensorFlow's C++ code logs some lines (about oneDNN, for example) straight to
    the process's stderr, where ``contextlib.redirect_stderr`` cannot reach them.
    Python's own warnings still go to ``sys.stderr`` once the block ends.

    Examples
    --------
    >>> import os
    >>> with quiet_stderr():
    ...     _ = os.write(2, b"not shown")
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras_quietly():
    """Import Keras (and TensorFlow) without TensorFlow's C++ start-up lines; return ``keras``.

    Those lines (oneDNN, CUDA probing) are abseil logs written before logging
    is initialised, so they ignore ``TF_CPP_MIN_LOG_LEVEL``: the process's
    stderr is silenced while TensorFlow loads and looks for devices.

    It also sets ``TF_ENABLE_ONEDNN_OPTS=1`` unless it is already set.
    TensorFlow turns its oneDNN CPU kernels on by itself only on CPUs with
    AVX-512 VNNI, BF16 or AMX; on others (AVX2 only, as most laptops and the
    machine of the README's first measurement) they stay off, and there,
    with them on, lesson 05's CNN trained about twice as fast (README,
    "Training speed"; Appendix A measures both settings). Both variables act
    only if TensorFlow is not imported yet.

    >>> keras = import_keras_quietly()  # doctest: +SKIP
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    with quiet_stderr():
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            tf.config.list_logical_devices()  # CUDA is probed here, quietly
    return keras


def setup(seed: int = 0, keras: bool = False, packages=None) -> bool:
    """Prepare a lesson: quiet TensorFlow, seed everything, print versions.

    Call it once in the setup cell, before TensorFlow or Keras is imported.

    * sets ``TF_CPP_MIN_LOG_LEVEL=2`` (unless already set), so TensorFlow's
      C++ start-up messages stay out of the notebook, and with ``keras=True``
      turns on TensorFlow's oneDNN CPU kernels (see :func:`import_keras_quietly`);
    * seeds Python's ``random`` and numpy's global generator with ``seed``,
      and with ``keras=True`` also Keras and TensorFlow
      (``keras.utils.set_random_seed``);
    * applies the course's plot style;
    * prints Python's and the packages' versions, and whether fast mode is on.

    Parameters
    ----------
    seed : int
        The seed for every random number generator.
    keras : bool
        Import Keras (and TensorFlow) and seed them too.
    packages : iterable of str, optional
        Packages whose versions to print; by default numpy, scipy and
        matplotlib, plus tensorflow and keras when ``keras=True``.

    Returns
    -------
    bool
        Whether fast mode is on.

    Examples
    --------
    >>> FAST = setup(seed=0)  # doctest: +ELLIPSIS
    Python ...
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TypeError(f"seed must be a non-negative int; got {seed!r}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)
    if packages is None:
        packages = ["numpy", "scipy", "matplotlib"]
        if keras:
            packages += ["tensorflow", "keras"]
    if keras:
        _keras = import_keras_quietly()
        _keras.utils.set_random_seed(seed)
    from . import plotting

    plotting.use_course_style()
    found = versions(packages)
    print(" | ".join(f"{k} {v}" if k != "python" else f"Python {v}" for k, v in found.items()))
    if keras:
        print(f"Keras backend: {_keras.backend.backend()}")
    fast = fast_mode()
    if fast:
        print(f"Fast mode: ON (small data, few epochs; set {FAST_ENV}=0 for the complete run)")
    else:
        print(f"Fast mode: off (all data and epochs; set {FAST_ENV}=1 for a quick run)")
    return fast
