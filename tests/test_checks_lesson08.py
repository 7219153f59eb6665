"""Lesson 08's exercise checks: correct for right answers, 'not yet' with a hint, never the answer."""

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
    assert_correct(checks.check_freeze_all_but_last, freeze_then_thaw, capsys)
    assert_stub_not_yet(checks.check_freeze_all_but_last, capsys)


def freeze_then_thaw(model, k):
    """A differently written right answer: freeze every layer, then thaw the last k."""
    for layer in model.layers:
        layer.trainable = False
    for layer in model.layers[len(model.layers) - k:]:
        layer.trainable = True
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def freeze_model_flag(model, k):
    """model.trainable = False, then the last k thawed: Keras trains none of the model's weights."""
    model.trainable = False
    for layer in model.layers[len(model.layers) - k:]:
        layer.trainable = True
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


def freeze_never_thaws(model, k):
    """Sets trainable = False on the first layers only: passes on a fresh model, not on a frozen one."""
    for layer in model.layers[:len(model.layers) - k]:
        layer.trainable = False
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def freeze_never_freezes(model, k):
    """Sets trainable = True on the last k only: what was thawed before stays thawed."""
    for layer in model.layers[len(model.layers) - k:]:
        layer.trainable = True
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def freeze_slice(model, k):
    """model.layers[-k:] is every layer when k = 0."""
    for layer in model.layers:
        layer.trainable = False
    for layer in model.layers[-k:]:
        layer.trainable = True
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def freeze_trainable_layers(model, k):
    """Counts count_params() of the trainable layers: BN's moving statistics included."""
    freeze()(model, k)
    return sum(layer.count_params() for layer in model.layers if layer.trainable)


FREEZE_WRONG = [
    (freeze(count="all"), "not model.count_params()"),
    (freeze(count="last_k"), "moving mean and variance"),
    (freeze(off_by_one=True), "wrong `trainable` flag"),
    (freeze(count="float"), "must return an int"),
    (freeze_slice, "with k = 0 none does"),
    (freeze_trainable_layers, "moving mean and variance"),
    (freeze_never_thaws, "even when they were frozen before"),  # review: never sets trainable = True
    (freeze_never_freezes, "with k = 0 none does"),
    (freeze_model_flag, "leaves model.trainable = False"),
]


@pytest.mark.parametrize("func, hint", FREEZE_WRONG)
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


HEAD_WRONG = [
    (head(activation=None), "softmax"),
    (head(hidden=32), "one Dense layer"),
    (head(as_model=False), "return a keras.Model"),
    (lambda n, c: head()(n, c + 1), "one probability per class"),
    (lambda n, c: head()(n + 1, c), "cannot read a batch"),
    (head(activation="sigmoid"), "softmax"),
]


@pytest.mark.parametrize("func, hint", HEAD_WRONG)
def test_head_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_build_head, func, capsys, hint)
    assert "6405" not in out  # (1280 + 1) * 5, never shown


# ---------------------------------------------------------------- exercise 3
def subset_right(y, n, seed):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.flatnonzero(y == c), n, replace=False) for c in np.unique(y)])


def subset_positions(y, n, seed):
    """Positions inside each class (0 .. class size - 1), not indices into y."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.choice(np.sum(y == c), n, replace=False) for c in np.unique(y)])


def subset_global(y, n, seed):
    """numpy's global generator, never seeded: the seed argument is ignored."""
    return np.concatenate([np.random.choice(np.flatnonzero(y == c), n, replace=False) for c in np.unique(y)])


def test_subset_right_and_stub(capsys):
    assert_correct(checks.check_per_class_subset, subset_right, capsys)
    assert_stub_not_yet(checks.check_per_class_subset, capsys)


SUBSET_WRONG = [
    (lambda y, n, s: np.concatenate([np.flatnonzero(y == c)[:n] for c in np.unique(y)]), "at random"),
    (lambda y, n, s: subset_right(y, n, None), "same seed"),
    (lambda y, n, s: subset_right(y, n, 0), "seeds 1 and 2"),
    (lambda y, n, s: np.random.default_rng(s).choice(len(y), 5 * n, replace=False), "examples per class"),
    (lambda y, n, s: np.concatenate([np.random.default_rng(s).choice(np.flatnonzero(y == c), n)
                                     for c in np.unique(y)]), "replace=False"),
    (lambda y, n, s: subset_right(y, n, s).astype(float), "int indices"),
    (lambda y, n, s: [np.random.default_rng(s).choice(np.flatnonzero(y == c), n, replace=False)
                      for c in np.unique(y)], "1D array"),  # a list of per-class arrays
    (subset_positions, "np.flatnonzero(y == c)"),  # review: positions inside each class
    (subset_global, "global generator"),
]


@pytest.mark.parametrize("func, hint", SUBSET_WRONG)
def test_subset_wrong(func, hint, capsys):
    assert_not_yet(checks.check_per_class_subset, func, capsys, hint)


# ---------------------------------------------------------------- exercise 4
def pr_right(cm):
    d = np.diag(cm).astype(float)
    return d / np.maximum(cm.sum(axis=0), 1), d / cm.sum(axis=1)


def test_precision_recall_right_and_stub(capsys):
    assert_correct(checks.check_precision_recall, pr_right, capsys)
    assert_stub_not_yet(checks.check_precision_recall, capsys)


PR_WRONG = [
    (lambda cm: pr_right(cm)[::-1], "swapped"),
    (lambda cm: (np.diag(cm) / cm.sum(axis=0), pr_right(cm)[1]), "precision 0"),
    (lambda cm: (pr_right(cm)[0], np.diag(cm) / cm.sum()), "the recall is not right"),
    (lambda cm: pr_right(cm)[0], "pair"),
    (lambda cm: (np.diag(cm) / cm.sum(), pr_right(cm)[1]), "the precision is not right"),
    (lambda cm: (pr_right(cm)[0], np.diag(cm) / np.maximum(cm.sum(axis=0), 1)), "of all the examples"),
]


@pytest.mark.parametrize("func, hint", PR_WRONG)
def test_precision_recall_wrong(func, hint, capsys):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = assert_not_yet(checks.check_precision_recall, func, capsys, hint)
    assert "0.8888" not in out and "sums" not in out  # hints on the meaning, not the formula


def head_sequential(n, c):
    """A differently written right answer: Sequential with dropout before the Dense layer."""
    return keras.Sequential([keras.Input(shape=(n,)), keras.layers.Dropout(0.2),
                             keras.layers.Dense(c), keras.layers.Softmax()])


def pr_divide(cm):
    """A differently written right answer: np.divide with where=."""
    d = np.diag(cm).astype(float)
    cols = cm.sum(axis=0)
    return np.divide(d, cols, out=np.zeros_like(d), where=cols > 0), d / cm.sum(axis=1)


# ---------------------------------------------------------------- exercise 5 (a prediction)
def predicted_feature_head():
    return (10, 10, 1280), 10 * 10 * 1280 * 5 + 5


FEATURE_HEAD_WRONG = [
    (lambda: ((7, 7, 1280), 10 * 10 * 1280 * 5 + 5), "stride 2"),  # the 224 px shape
    (lambda: ((10, 10, 320), 10 * 10 * 1280 * 5 + 5), "channels of that last map"),  # block 15's channels
    (lambda: ((10, 10, 1280), 1280 * 5 + 5), "keeps every position"),  # the pooled head of section 7
    (lambda: ((10, 10, 1280), 10 * 10 * 1280 * 5), "bias per class"),  # the biases forgotten
    (lambda: ((7, 7, 1280),), "must return 2 answers"),
]


def test_feature_head_right_and_stub(capsys):
    assert_correct(checks.check_predict_feature_head, predicted_feature_head, capsys)
    assert_correct(checks.check_predict_feature_head, lambda: ([10, 10, 1280], 640005.0), capsys)
    assert_stub_not_yet(checks.check_predict_feature_head, capsys)


@pytest.mark.parametrize("func, hint", FEATURE_HEAD_WRONG)
def test_feature_head_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_predict_feature_head, func, capsys, hint)
    assert "640005" not in out and "(10, 10, 1280)" not in out
    if "parameter count" in out:  # each part its own hint
        assert "stride" not in out
    elif "shape" in out:
        assert "bias" not in out


def test_feature_head_answer_matches_keras():
    """The digests hold what Keras builds: the 320 px base and the flattening head."""
    from course_utils import pretrained

    base = pretrained.efficientnet_lite0(input_shape=(320, 320, 3), include_top=False, weights=None)
    shape = tuple(base.output.shape[1:])
    head = keras.Sequential([keras.Input(shape=shape), keras.layers.Flatten(), keras.layers.Dense(5)])
    assert (shape, head.count_params()) == predicted_feature_head()


# the layout tests/test_check_coverage.py reads
RIGHT = [
    (checks.check_freeze_all_but_last, freeze()),
    (checks.check_freeze_all_but_last, freeze_then_thaw),
    (checks.check_build_head, head()),
    (checks.check_build_head, head_sequential),
    (checks.check_per_class_subset, subset_right),
    (checks.check_precision_recall, pr_right),
    (checks.check_precision_recall, pr_divide),
    (checks.check_predict_feature_head, predicted_feature_head),
]
WRONG = [
    *[(checks.check_freeze_all_but_last, f, h) for f, h in FREEZE_WRONG],
    *[(checks.check_build_head, f, h) for f, h in HEAD_WRONG],
    *[(checks.check_per_class_subset, f, h) for f, h in SUBSET_WRONG],
    *[(checks.check_precision_recall, f, h) for f, h in PR_WRONG],
    *[(checks.check_predict_feature_head, f, h) for f, h in FEATURE_HEAD_WRONG],
]


@pytest.mark.parametrize("check, func", RIGHT[1::2] + [RIGHT[4]])
def test_other_right_answers(check, func, capsys):
    assert_correct(check, func, capsys)
