"""Checks for the exercises of lesson 08 (``lessons/08_transfer_learning.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import (
    CheckResult,
    _as_vector,
    _call,
    _Failed,
    _int_result,
    _judge_answers,
    _run,
    _short,
)

__all__ = [
    "check_freeze_all_but_last",
    "check_build_head",
    "check_per_class_subset",
    "check_precision_recall",
    "check_predict_feature_head",
]


def _small_convnet():
    """A tiny CNN with batch normalisation, for the freezing check (random weights)."""
    import keras
    from keras import layers

    inp = keras.Input(shape=(16, 16, 3))
    x = layers.Conv2D(4, 3, name="conv_a")(inp)
    x = layers.BatchNormalization(name="bn_a")(x)
    x = layers.ReLU(name="relu_a")(x)
    x = layers.Conv2D(8, 3, name="conv_b")(x)
    x = layers.BatchNormalization(name="bn_b")(x)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    out = layers.Dense(5, activation="softmax", name="dense")(x)
    return keras.Model(inp, out)


def check_freeze_all_but_last(func) -> CheckResult:
    """Check ``func(model, k)``: freeze all layers but the last ``k``, count what trains.

    Parameters
    ----------
    func : callable
        ``func(model, k)`` with a Keras model and an int ``0 <= k <=
        len(model.layers)`` must set ``trainable = False`` on every layer of
        ``model.layers`` but the last ``k`` (those get ``trainable = True``,
        whatever their flags were before) and return the number of trainable
        parameters that remain, an int. The check calls it several times on
        one model whose layers start frozen.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_freeze_all_but_last(lambda model, k: model.count_params())  # doctest: +ELLIPSIS
    ❌ Not yet (freeze_all_but_last): ...
    CheckResult(ok=False)
    """

    def body():
        model = _small_convnet()
        n = len(model.layers)
        for layer in model.layers:  # the model arrives frozen, layer by layer (model.trainable stays True)
            layer.trainable = False
        before = None
        for k in (1, 5, 3, 0, 8):  # one model, in turn: thawing and freezing both matter
            got = _int_result(_call(func, "freeze_all_but_last", model, k), "freeze_all_but_last")
            call = f"freeze_all_but_last(model, {k})" + (f" after freeze_all_but_last(model, {before})"
                                                         if before is not None else " on a frozen model")
            before = k
            if not model.trainable:
                raise _Failed(f"{call} leaves model.trainable = False: Keras then trains none of the "
                              "model's weights, whatever its layers' flags say. Hint: set the flags on "
                              "the layers in model.layers, not on the model.")
            flags = [layer.trainable for layer in model.layers]
            want_flags = [i >= n - k for i in range(n)]
            # the counts a student may confuse: all parameters of the last k layers, or of the model
            last_k = [layer for i, layer in enumerate(model.layers) if i >= n - k]
            all_of_last_k = sum(layer.count_params() for layer in last_k)
            if flags != want_flags:
                wrong = [model.layers[i].name for i in range(n) if flags[i] != want_flags[i]]
                if all(want_flags[i] for i in range(n) if flags[i] != want_flags[i]):
                    detail = ("the last k must get trainable = True even when they were frozen "
                              "before")
                else:
                    detail = "a layer trains exactly when it is one of the last k (and with k = 0 none does)"
                raise _Failed(f"{call}: the layers {wrong} have the wrong `trainable` flag. Hint: go "
                              f"through model.layers; {detail}.")
            want = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
            if got == want:
                continue
            if got == model.count_params():
                hint = "count only the trainable weights, not model.count_params()"
            elif got == all_of_last_k:
                hint = ("batch normalisation's moving mean and variance are weights that never "
                        "train: count model.trainable_weights")
            else:
                hint = "add up the sizes (np.prod of the shapes) of model.trainable_weights"
            raise _Failed(f"{call} returned {got}, which is not the number "
                          f"of trainable parameters. Hint: {hint}.")
        return "right flags and counts for k = 0, 1, 3, 5 and 8."

    return _run("freeze_all_but_last", body)


def check_build_head(func) -> CheckResult:
    """Check ``func(n_features, n_classes)``: a new classification head.

    Parameters
    ----------
    func : callable
        ``func(n_features, n_classes)`` must return a Keras model that maps a
        batch of feature vectors, shape (batch, n_features), to class
        probabilities, shape (batch, n_classes), with one ``Dense`` layer
        (softmax); dropout before it is allowed.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_build_head(lambda n, c: None)  # doctest: +ELLIPSIS
    ❌ Not yet (build_head): ...
    CheckResult(ok=False)
    """

    def body():
        import keras

        rng = np.random.default_rng(6)
        for n, c in [(1280, 5), (256, 3), (4, 2)]:
            call = f"build_head({n}, {c})"
            model = _call(func, "build_head", n, c)
            if not isinstance(model, keras.Model):
                raise _Failed(f"{call} returned a {type(model).__name__}; return a keras.Model "
                              "(keras.Model(inputs, outputs) or keras.Sequential).")
            x = rng.normal(size=(6, n)).astype("float32")
            try:
                p = keras.ops.convert_to_numpy(model(x, training=False))
            except Exception as err:
                raise _Failed(f"{call}: the model cannot read a batch of shape (6, {n}) "
                              f"({type(err).__name__}). Hint: its input is keras.Input(shape=({n},)).") from None
            if p.shape != (6, c):
                raise _Failed(f"{call}: a batch of shape (6, {n}) gives an output of shape {p.shape}; "
                              f"expected one probability per class. Hint: Dense({c}, ...).")
            if not (np.all(p >= 0) and np.allclose(p.sum(axis=1), 1, atol=1e-4)):
                raise _Failed(f"{call}: the outputs are not probabilities (each row should be >= 0 and "
                              "sum to 1). Hint: activation=\"softmax\".")
            dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
            params = model.count_params()
            if len(dense) != 1 or params != (n + 1) * c:
                raise _Failed(f"{call} has {params} parameters in {len(dense)} Dense layer(s). Hint: "
                              "the head is a linear classifier on the features: one Dense layer with "
                              "a weight per feature and class plus a bias per class.")
        return "the heads for (1280, 5), (256, 3) and (4, 2) are right."

    return _run("build_head", body)


def check_per_class_subset(func) -> CheckResult:
    """Check ``func(y, n, seed)``: pick ``n`` random examples of every class.

    Parameters
    ----------
    func : callable
        ``func(y, n, seed)`` with int labels ``y`` (N,), an int ``n`` and an int
        ``seed`` must return an int array of indices into ``y``: ``n`` distinct
        indices of every class present in ``y``, chosen at random with
        ``np.random.default_rng(seed)``; the same seed gives the same indices.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_per_class_subset(lambda y, n, seed: np.arange(n))  # doctest: +ELLIPSIS
    ❌ Not yet (per_class_subset): ...
    CheckResult(ok=False)
    """
    y = np.repeat(np.arange(5), [40, 60, 30, 45, 50])
    np.random.default_rng(6).shuffle(y)

    def positions_within_classes(labels, idx, n):
        # the answer rng.choice(np.sum(y == c), n) gives: positions 0..count-1 inside each class
        return len(idx) == 5 * n and all(np.all(idx[j * n:(j + 1) * n] < np.sum(labels == c))
                                         for j, c in enumerate(np.unique(labels)))

    def get(labels, n, seed):
        got = _call(func, "per_class_subset", labels.copy(), n, seed)
        try:
            idx = np.asarray(got)
        except Exception:
            idx = np.array([])
        if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise _Failed(f"per_class_subset(y, {n}, {seed}) returned {_short(got)}; return a 1D array "
                          "of int indices into y.")
        if idx.size and (idx.min() < 0 or idx.max() >= len(labels)):
            raise _Failed(f"per_class_subset(y, {n}, {seed}) returned indices outside 0..{len(labels) - 1}.")
        return idx

    def body():
        for n in (1, 5, 25):
            idx = get(y, n, 0)
            counts = np.bincount(y[idx], minlength=5)
            if not np.all(counts == n) and positions_within_classes(y, idx, n):
                raise _Failed(f"per_class_subset(y, {n}, 0) returns positions inside each class (0, 1, "
                              "2, ... up to the class size), not indices into y. Hint: pick from "
                              "np.flatnonzero(y == c), the indices of class c in y.")
            if len(set(idx.tolist())) != len(idx):
                raise _Failed(f"per_class_subset(y, {n}, 0) picks some examples twice. "
                              "Hint: rng.choice(..., replace=False).")
            if not np.all(counts == n):
                raise _Failed(f"per_class_subset(y, {n}, 0) gives {counts.tolist()} examples per class; "
                              f"expected {n} of each. Hint: choose among np.flatnonzero(y == c) for each class c.")
        state = np.random.get_state()  # an answer that draws from numpy's global generator:
        np.random.seed(1)  # seeded the same before both calls, it would repeat its subset
        a = get(y, 10, 1)
        np.random.seed(1)
        b = get(y, 10, 1)
        np.random.set_state(state)
        if np.array_equal(np.sort(a), np.sort(b)):
            b = get(y, 10, 1)  # now the global generator has moved on
            if not np.array_equal(np.sort(a), np.sort(b)):
                raise _Failed("the subset depends on numpy's global generator (np.random.seed, "
                              "np.random.choice), not only on the seed argument. Hint: make a "
                              "generator inside the function, rng = np.random.default_rng(seed), "
                              "and draw with rng.choice.")
        c = get(y, 10, 2)
        if not np.array_equal(np.sort(a), np.sort(b)):
            raise _Failed("two calls with the same seed gave different subsets. Hint: make the "
                          "generator inside the function, np.random.default_rng(seed).")
        if np.array_equal(np.sort(a), np.sort(c)):
            raise _Failed("seeds 1 and 2 gave the same subset. Hint: draw at random with "
                          "np.random.default_rng(seed), not the first n of each class.")
        first = np.concatenate([np.flatnonzero(y == k)[:10] for k in range(5)])
        if np.array_equal(np.sort(a), np.sort(first)):
            raise _Failed("the subset is the first 10 examples of each class. Hint: draw them at random.")
        return "n of every class, no repeats, random and reproducible."

    return _run("per_class_subset", body)


def check_precision_recall(func) -> CheckResult:
    """Check ``func(cm)``: per-class precision and recall from a confusion matrix.

    ``cm[i, j]`` counts the examples of true class ``i`` predicted as class
    ``j``. Recall of class ``i``: the share of its examples predicted as ``i``;
    precision: the share of the predictions ``i`` that are right. A class that
    is never predicted gets precision 0.

    Parameters
    ----------
    func : callable
        ``func(cm)`` with a square int ndarray must return a pair
        ``(precision, recall)`` of float arrays, shape (n_classes,).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_precision_recall(lambda cm: (np.zeros(len(cm)), np.zeros(len(cm))))  # doctest: +ELLIPSIS
    ❌ Not yet (precision_recall): ...
    CheckResult(ok=False)
    """
    cases = [
        np.array([[8, 2], [1, 9]]),
        np.array([[50, 3, 7], [10, 30, 0], [5, 5, 40]]),
        np.array([[5, 0, 1], [2, 0, 3], [0, 0, 9]]),  # class 1 never predicted
    ]

    def want(cm):
        d = np.diag(cm).astype(float)
        cols = cm.sum(axis=0)
        precision = np.divide(d, cols, out=np.zeros_like(d), where=cols > 0)
        return precision, d / cm.sum(axis=1)

    def body():
        for cm in cases:
            call = f"precision_recall(<{len(cm)}x{len(cm)} matrix>)"
            got = _call(func, "precision_recall", cm.copy())
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"{call} returned {_short(got)}; return a pair (precision, recall).")
            p, r = (_as_vector(v, "precision_recall (each entry)") for v in got)
            wp, wr = want(cm)
            if p.shape != wp.shape or r.shape != wr.shape:
                raise _Failed(f"{call}: expected two arrays of {len(cm)} values, one per class.")
            if np.any(np.isnan(p)) or np.any(np.isnan(r)):
                raise _Failed(f"{call} gives nan. Hint: a class that is never predicted has no "
                              "predictions to be right about: give it precision 0.")
            if np.allclose(p, wp) and np.allclose(r, wr):
                continue
            if np.allclose(p, wr) and np.allclose(r, wp):
                raise _Failed(f"{call}: precision and recall are swapped. Hint: rows are the true "
                              "classes, columns the predictions; which of the two asks about the "
                              "photos of a class, and which about the answers naming it?")
            if not np.allclose(p, wp):
                raise _Failed(f"{call}: the precision is not right. Hint: precision of class i asks: "
                              "of all the times the model answered i, how often was it right? Find "
                              "those answers in the matrix first.")
            raise _Failed(f"{call}: the recall is not right. Hint: recall of class i asks: of all "
                          "the examples whose true class is i, how many did the model find? Find "
                          "those examples in the matrix first.")
        return f"right on {len(cases)} confusion matrices."

    return _run("precision_recall", body)


# answer_digest("predict_feature_head[i]", answer_i): the answers are never stored in the clear
_FEATURE_HEAD_DIGESTS = [
    "467f4b58a1214531a3e5bda5d44d1c1b48908692e11ca78e0f7055785ad33d28",
    "a8a01d6b779f563f965554d52b4d96704fe6450d2b2d87658bf939b00ad81273",
]


def check_predict_feature_head(func) -> CheckResult:
    """Check ``func()``: predictions for EfficientNet-Lite0's base on 320 x 320 photos (exercise 5).

    Parameters
    ----------
    func : callable
        ``func()`` returns a pair of answers: the shape ``(H, W, C)`` of the
        base's output (``include_top=False``, no pooling) for one 320 x 320
        photo, as a tuple of ints, and the parameter count (int) of a head that
        flattens that output and applies one ``Dense(5)`` layer.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predict_feature_head(lambda: ((1, 1, 1), 1))
    ❌ Not yet (predict_feature_head): the shape of the base's output is not right. Hint: count the convolutions of stride 2 from the input to the last feature map (section 3's shapes show them, and what each does to the side), and the channels of that last map.
    CheckResult(ok=False)
    """
    parts = ["the shape of the base's output", "the head's parameter count"]
    hints = ["count the convolutions of stride 2 from the input to the last feature map (section 3's "
             "shapes show them, and what each does to the side), and the channels of that last map.",
             "flattening, unlike global pooling, keeps every position of the map: the Dense layer has a "
             "weight per flattened value and class, plus a bias per class."]

    return _judge_answers(func, "predict_feature_head", _FEATURE_HEAD_DIGESTS, parts, hints)
