"""Lesson 06's exercise checks: correct for right answers, 'not yet' with a hint, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet

from course_utils import checks

keras = pytest.importorskip("keras")


# ---------------------------------------------------------------- exercise 1
def freeze(count="trainable", off_by_one=False):
    def func(model, k):
        n = len(model.layers)
        for i, layer in enumerate(model.layers):
            layer.trainable = i >= n - k - (1 if off_by_one else 0)
        if count == "all":
            return model.count_params()
        if count == "last_k":
            return sum(layer.count_params() for layer in model.layers[n - k:]) if k else 0
        if count == "float":
            return float(sum(int(np.prod(w.shape)) for w in model.trainable_weights))
        return sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    return func


def test_freeze_right_and_stub(capsys):
    assert_correct(checks.check_freeze_all_but_last, freeze(), capsys)
    assert_stub_not_yet(checks.check_freeze_all_but_last, capsys)


@pytest.mark.parametrize("func, hint", [
    (freeze(count="all"), "not model.count_params()"),
    (freeze(count="last_k"), "moving mean and variance"),
    (freeze(off_by_one=True), "wrong `trainable` flag"),
    (freeze(count="float"), "must return an int"),
])
def test_freeze_wrong(func, hint, capsys):
    assert_not_yet(checks.check_freeze_all_but_last, func, capsys, hint)


# ---------------------------------------------------------------- exercise 2
def head(hidden=0, activation="softmax", dropout=0.0, as_model=True):
    def func(n, c):
        inp = keras.Input(shape=(n,))
        x = keras.layers.Dropout(dropout)(inp) if dropout else inp
        if hidden:
            x = keras.layers.Dense(hidden, activation="relu")(x)
        out = keras.layers.Dense(c, activation=activation)(x)
        return keras.Model(inp, out) if as_model else out
    return func


def test_head_right_and_stub(capsys):
    assert_correct(checks.check_build_head, head(), capsys)
    assert_correct(checks.check_build_head, head(dropout=0.3), capsys)
    assert_stub_not_yet(checks.check_build_head, capsys)


@pytest.mark.parametrize("func, hint", [
    (head(activation=None), "softmax"),
    (head(hidden=32), "one Dense layer"),
    (head(as_model=False), "return a keras.Model"),
    (lambda n, c: head()(n, c + 1), "one probability per class"),
    (lambda n, c: head()(n + 1, c), "cannot read a batch"),
])
def test_head_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_build_head, func, capsys, hint)
    assert "6405" not in out  # (1280 + 1) * 5, never shown


# ---------------------------------------------------------------- exercise 3
def subset_right(y, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), n, replace=False) for c in np.unique(y)])


def test_subset_right_and_stub(capsys):
    assert_correct(checks.check_per_class_subset, subset_right, capsys)
    assert_stub_not_yet(checks.check_per_class_subset, capsys)


@pytest.mark.parametrize("func, hint", [
    (lambda y, n, s: np.concatenate([np.flatnonzero(y == c)[:n] for c in np.unique(y)]), "at random"),
    (lambda y, n, s: subset_right(y, n, None), "same seed"),
    (lambda y, n, s: subset_right(y, n, 0), "seeds 1 and 2"),
    (lambda y, n, s: np.random.default_rng(s).choice(len(y), 5 * n, replace=False), "examples per class"),
    (lambda y, n, s: np.concatenate([np.random.default_rng(s).choice(np.flatnonzero(y == c), n)
                                     for c in np.unique(y)]), "replace=False"),
    (lambda y, n, s: subset_right(y, n, s).astype(float), "int indices"),
])
def test_subset_wrong(func, hint, capsys):
    assert_not_yet(checks.check_per_class_subset, func, capsys, hint)


# ---------------------------------------------------------------- exercise 4
def pr_right(cm):
    d = np.diag(cm).astype(float)
    return d / np.maximum(cm.sum(axis=0), 1), d / cm.sum(axis=1)


def test_precision_recall_right_and_stub(capsys):
    assert_correct(checks.check_precision_recall, pr_right, capsys)
    assert_stub_not_yet(checks.check_precision_recall, capsys)


@pytest.mark.parametrize("func, hint", [
    (lambda cm: pr_right(cm)[::-1], "swapped"),
    (lambda cm: (np.diag(cm) / cm.sum(axis=0), pr_right(cm)[1]), "precision 0"),
    (lambda cm: (pr_right(cm)[0], np.diag(cm) / cm.sum()), "the recall is not right"),
    (lambda cm: pr_right(cm)[0], "pair"),
])
def test_precision_recall_wrong(func, hint, capsys):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = assert_not_yet(checks.check_precision_recall, func, capsys, hint)
    assert "0.8888" not in out
