"""Checks for the exercises of lesson 05 (``lessons/05_fashion_mnist_cnn.ipynb``)."""

from __future__ import annotations

import numbers

import numpy as np

from ._core import CheckResult, _call, _Failed, _run, _short, answer_digest

__all__ = [
    "check_stack_summary",
    "check_inverted_dropout",
    "check_most_confused",
    "check_first_layer_3x3",
    "check_one_run_or_three",
]


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _stack_reference(input_shape, stack):
    """Shape and parameter count after each layer of a lesson-05 layer stack."""
    from ..conv import conv_output_size

    shape, rows = tuple(input_shape), []
    for layer in stack:
        kind = layer[0]
        if kind == "conv":
            _, filters, k, stride, pad = layer
            h, w, c = shape
            params = k * k * c * filters + filters
            shape = (conv_output_size(h, k, stride, pad), conv_output_size(w, k, stride, pad), filters)
        elif kind == "pool":
            _, size, stride = layer
            h, w, c = shape
            params = 0
            shape = (conv_output_size(h, size, stride), conv_output_size(w, size, stride), c)
        else:  # dense, on the flattened input
            _, units = layer
            params = int(np.prod(shape)) * units + units
            shape = (units,)
        rows.append((shape, params))
    return rows


def check_stack_summary(func) -> CheckResult:
    """Check ``func(input_shape, stack)``: output shape and parameter count of a layer stack.

    The stack is a list of layers, each a tuple:
    ``("conv", filters, kernel, stride, padding)`` (square kernels, ``padding``
    zeros on each side, one bias per filter), ``("pool", size, stride)`` (max
    pooling, no padding) or ``("dense", units)`` (flattens its input first,
    one bias per unit).

    Parameters
    ----------
    func : callable
        ``func(input_shape, stack)`` with ``input_shape`` a tuple (H, W, C) of
        ints must return ``(output_shape, n_params)``: the shape after the last
        layer, a tuple of ints ((H', W', C') or (units,)), and the total number
        of parameters of the stack, an int.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_stack_summary(lambda shape, stack: (shape, 0))  # doctest: +ELLIPSIS
    ❌ Not yet (stack_summary): ...
    CheckResult(ok=False)
    """
    deck = [("conv", 16, 5, 1, 2), ("pool", 2, 2), ("conv", 32, 5, 1, 2), ("pool", 2, 2), ("dense", 10)]
    cases = [
        ((28, 28, 1), [("conv", 16, 5, 1, 2)]),
        ((10, 14, 3), [("conv", 8, 3, 1, 0)]),
        ((9, 12, 2), [("conv", 4, 3, 2, 1)]),
        ((227, 227, 3), [("conv", 96, 11, 4, 0)]),
        ((28, 28, 16), [("pool", 2, 2)]),
        ((13, 10, 5), [("pool", 3, 2)]),
        ((7, 7, 32), [("dense", 10)]),
        ((6, 4, 3), [("dense", 5)]),
        ((28, 28, 1), deck),
        ((32, 32, 3), [("conv", 10, 5, 1, 2), ("pool", 2, 2), ("conv", 20, 3, 1, 1),
                       ("pool", 3, 3), ("dense", 7)]),
    ]

    def body():
        for input_shape, stack in cases:
            call = f"stack_summary({input_shape}, {stack})"
            got = _call(func, "stack_summary", input_shape, list(stack))
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"{call} returned {_short(got)}; return a pair (output_shape, n_params).")
            shape, params = got
            if not isinstance(shape, (tuple, list)) or not all(_is_int(v) for v in shape):
                raise _Failed(f"{call}: the output shape {_short(shape)} must be a tuple of ints.")
            if not _is_int(params):
                raise _Failed(f"{call}: the parameter count {_short(params)} must be an int.")
            shape, params = tuple(int(v) for v in shape), int(params)
            want_shape, want_params = _stack_reference(input_shape, stack)[-1][0], sum(
                p for _, p in _stack_reference(input_shape, stack))
            kinds = {layer[0] for layer in stack}
            if shape != want_shape:
                if kinds == {"dense"}:
                    hint = "a dense layer outputs one number per unit."
                elif len(shape) != len(want_shape):
                    hint = "after a conv or pool layer the shape is (height, width, channels)."
                elif kinds == {"pool"} and shape[2] != want_shape[2]:
                    hint = "pooling works on each channel separately and keeps their number."
                elif kinds == {"conv"} and shape[2] != want_shape[2]:
                    hint = "a convolution has one output channel per filter."
                else:
                    hint = ("count the positions the window can take along each axis: the input "
                            "plus the padding on both sides, minus the window, divided by the "
                            "stride (rounded down), plus one.")
                raise _Failed(f"{call} gave the output shape {shape}, which is not right. Hint: {hint}")
            if params != want_params:
                if kinds == {"pool"}:
                    hint = "pooling only compares numbers; it has no weights."
                elif kinds == {"conv"}:
                    _, filters, k, _, _ = stack[0]
                    if params == want_params - filters:
                        hint = "every filter also has one bias."
                    elif params == k * k * filters + filters:
                        hint = "every filter spans all the input channels."
                    else:
                        hint = "count the weights of one filter, times the filters, plus the biases."
                elif kinds == {"dense"}:
                    units = stack[0][1]
                    hint = ("every unit also has one bias." if params == want_params - units else
                            "every unit is connected to every number of the flattened input.")
                else:
                    hint = "add up the parameters of every layer; pooling layers have none."
                raise _Failed(f"{call} gave {params} parameters, which is not right. Hint: {hint}")
        return f"right shape and parameter count for {len(cases)} stacks, the deck's CNN included."

    return _run("stack_summary", body)


def check_inverted_dropout(func) -> CheckResult:
    """Check ``func(x, rate, rng)``: inverted dropout in training mode.

    Every number of ``x`` is set to zero with probability ``rate``; the
    numbers that are kept are divided by ``1 - rate``, so that the expected
    value of every output equals the input (what ``keras.layers.Dropout``
    does while training).

    Parameters
    ----------
    func : callable
        ``func(x, rate, rng)`` with a float ndarray ``x`` of any shape, a float
        ``rate`` in [0, 1) and a ``numpy.random.Generator`` ``rng`` (the only
        source of randomness to use) must return a new float array of the
        shape of ``x``, leaving ``x`` unchanged.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_inverted_dropout(lambda x, rate, rng: x.copy())  # doctest: +ELLIPSIS
    ❌ Not yet (inverted_dropout): ...
    CheckResult(ok=False)
    """
    rates = (0.5, 0.3, 0.0)

    def body():
        for rate in rates:
            x = np.random.default_rng(5).uniform(0.5, 2.0, size=(400, 250))
            before = x.copy()
            got = _call(func, "inverted_dropout", x, rate, np.random.default_rng(7))
            call = f"inverted_dropout(x, rate={rate}, rng)"
            try:
                out = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                raise _Failed(f"{call} must return an array of numbers; got {_short(got)}") from None
            if not np.array_equal(x, before):
                raise _Failed(f"{call} changed x itself. Hint: build a new array; leave the input alone.")
            if out.shape != x.shape:
                raise _Failed(f"{call} returned shape {out.shape} for x of shape {x.shape}; keep the shape.")
            dropped = np.mean(out == 0)
            if abs(dropped - rate) > 0.01:
                if abs(dropped - (1 - rate)) <= 0.01:
                    hint = "rate is the probability of dropping a number, not of keeping it."
                else:
                    hint = "draw one random number per entry and drop the entry when it falls below rate."
                raise _Failed(f"{call} set {100 * dropped:.1f}% of the numbers to zero. Hint: {hint}")
            kept = out != 0
            if np.allclose(out[kept], x[kept]):
                if rate > 0:
                    raise _Failed(
                        f"{call} leaves the kept numbers as they are, so the mean output is "
                        "smaller than the input's. Hint: scale the kept numbers so that the "
                        "expected value of every output equals the input."
                    )
            elif not np.allclose(out[kept] * (1 - rate), x[kept]):
                raise _Failed(
                    f"{call}: the kept numbers are scaled by the wrong factor. Hint: the "
                    "expected value of every output must equal the input."
                )
            again = _call(func, "inverted_dropout", x, rate, np.random.default_rng(7))
            if not np.array_equal(np.asarray(again, dtype=float), out):
                raise _Failed(
                    f"{call} gives different results for two generators with the same seed. "
                    "Hint: draw the random numbers from rng, not from np.random."
                )
            if 0 < rate:
                rows, cols = (out == 0).mean(axis=1), (out == 0).mean(axis=0)
                stuck = max(np.mean((rows == 0) | (rows == 1)), np.mean((cols == 0) | (cols == 1)))
                if stuck > 0.05 or np.std(rows) > 3 * np.sqrt(rate * (1 - rate) / x.shape[1]) + 0.01:
                    raise _Failed(
                        f"{call} drops whole rows or columns, or always the same places. Hint: "
                        "draw one random number per entry of x, rng.random(x.shape)."
                    )
                # neighbours along each axis: independent draws agree with probability
                # rate^2 + (1 - rate)^2; a mask drawn once for a block of entries agrees more often
                independent = rate**2 + (1 - rate) ** 2
                zero = out == 0
                agree = max(np.mean(zero[:, 1:] == zero[:, :-1]), np.mean(zero[1:] == zero[:-1]))
                if agree > independent + 0.02:
                    raise _Failed(
                        f"{call}: neighbouring numbers are dropped together far more often than "
                        "independent draws would drop them. Hint: draw one random number per entry "
                        "of x, rng.random(x.shape)."
                    )
                other = _call(func, "inverted_dropout", x, rate, np.random.default_rng(8))
                if np.array_equal(np.asarray(other, dtype=float) == 0, out == 0):
                    raise _Failed(
                        f"{call} drops the same numbers for generators with different seeds. "
                        "Hint: draw the random numbers from the rng you are given."
                    )
        return f"drops the right share of numbers, scales the rest and keeps the mean, for {len(rates)} rates."

    return _run("inverted_dropout", body)


def check_most_confused(func) -> CheckResult:
    """Check ``func(cm)``: the pair of classes a classifier mixes up most often.

    ``cm[i, j]`` counts the images of true class ``i`` predicted as class
    ``j``. The most confused pair is the ``(i, j)`` with ``i < j`` for which
    ``cm[i, j] + cm[j, i]`` (mistakes in both directions) is largest.

    Parameters
    ----------
    func : callable
        ``func(cm)`` with a square int ndarray ``cm`` (n_classes, n_classes)
        must return a tuple ``(i, j)`` of two ints with ``i < j``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_most_confused(lambda cm: (0, 1))  # doctest: +ELLIPSIS
    ❌ Not yet (most_confused): ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(6)
    one_way = np.array([[50, 9, 0, 1], [0, 60, 5, 0], [2, 6, 40, 0], [0, 0, 3, 70]])
    big = rng.integers(0, 20, size=(10, 10))
    np.fill_diagonal(big, rng.integers(800, 990, size=10))
    big[6, 0], big[0, 6] = 60, 45
    # upper triangle alone, lower triangle alone and the largest single count all miss (0, 1)
    three = np.array([[90, 6, 9], [5, 80, 0], [0, 8, 70]])
    tied = big.T.copy()
    tied[3, 5], tied[5, 3] = 60, 45  # (3, 5) ties (0, 6): either answer is right
    # unequal row sums: counts pick (0, 1) (50 mistakes), rates per true class pick (1, 2)
    uneven = np.array([[1000, 30, 10], [20, 100, 5], [10, 12, 50]])
    cases = [one_way, three, big, tied, uneven]

    def best(cm):
        """Every pair (i, j), i < j, with the largest count: a tie accepts either."""
        both = cm + cm.T
        np.fill_diagonal(both, -1)
        return {(int(i), int(j)) for i, j in zip(*np.nonzero(both == both.max())) if i < j}

    def body():
        for cm in cases:
            got = _call(func, "most_confused", cm.copy())
            call = f"most_confused(<{cm.shape[0]}x{cm.shape[1]} matrix>)"
            if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(_is_int(v) for v in got):
                raise _Failed(f"{call} returned {_short(got)}; return a tuple (i, j) of two class indices.")
            i, j = (int(v) for v in got)
            if i == j:
                raise _Failed(f"{call} returned ({i}, {j}). Hint: the diagonal counts the correct answers, not confusions.")
            if i > j:
                raise _Failed(f"{call} returned ({i}, {j}); give the smaller index first.")
            if (i, j) not in best(cm):
                rates = cm / cm.sum(axis=1, keepdims=True)
                if (i, j) in best(rates):
                    raise _Failed(
                        f"{call}: ({i}, {j}) has the highest share of mistakes, but another pair "
                        "has more of them. Hint: count the mistakes, cm[i, j] + cm[j, i], without "
                        "dividing by the number of images of a class."
                    )
                a, b = np.unravel_index(np.argmax(cm - np.diag(np.diag(cm)) - np.eye(len(cm))), cm.shape)
                if (i, j) == (min(a, b), max(a, b)):
                    raise _Failed(
                        f"{call}: ({i}, {j}) holds the largest single off-diagonal count, but "
                        "another pair has more mistakes. Hint: add the confusions in both "
                        "directions, cm[i, j] + cm[j, i]."
                    )
                raise _Failed(
                    f"{call}: ({i}, {j}) is not the most confused pair. Hint: compare "
                    "cm[i, j] + cm[j, i] for every pair i < j."
                )
        return f"finds the most confused pair in {len(cases)} confusion matrices."

    return _run("most_confused", body)


def _same_function_as_reference(model, x) -> None:
    """Give ``model`` random weights, copy them into the reference CNN and compare the outputs."""
    import keras
    from keras import layers

    reference = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same"), layers.BatchNormalization(), layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 5, padding="same"), layers.BatchNormalization(), layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(10, activation="softmax"),
    ])
    rng = np.random.default_rng(9)
    weights = []
    for w in model.get_weights():
        # kernels and biases around 0, BN's scales and variances positive; ReLUs then matter
        scale = 1 / np.sqrt(np.prod(w.shape[:-1])) if w.ndim > 1 else 0
        weights.append((rng.normal(0, scale, w.shape) if w.ndim > 1 else rng.uniform(-0.5, 1.0, w.shape))
                       .astype("float32"))
    hint = ("Hint: keep the deck's order in both blocks: convolution, batch normalisation, "
            "ReLU, 2x2 max pooling.")
    try:
        model.set_weights(weights)
        reference.set_weights(weights)
    except ValueError:
        raise _Failed(f"the layers do not come in the deck's order. {hint}") from None
    for layer in reference.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_variance.assign(np.abs(layer.moving_variance.numpy()) + 0.5)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_variance.assign(np.abs(layer.moving_variance.numpy()) + 0.5)
    got = keras.ops.convert_to_numpy(model(x, training=False))
    want = keras.ops.convert_to_numpy(reference(x, training=False))
    if not np.allclose(got, want, rtol=1e-4, atol=1e-6):
        raise _Failed(f"with the same weights as the deck's CNN the model computes something else. {hint}")


_DECK_LAYERS = ("conv", "batchnorm", "relu", "pool", "conv", "batchnorm", "relu", "pool",
                "flatten", "dense", "softmax")


def _layer_kinds(model) -> list[str]:
    """The model's layers as names, a layer's built-in activation counted as a layer of its own."""
    import keras

    names = {keras.layers.Conv2D: "conv", keras.layers.BatchNormalization: "batchnorm",
             keras.layers.ReLU: "relu", keras.layers.MaxPooling2D: "pool", keras.layers.Flatten: "flatten",
             keras.layers.Dense: "dense", keras.layers.Softmax: "softmax"}
    kinds = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        kind = next((name for cls, name in names.items() if isinstance(layer, cls)), None)
        activation = getattr(getattr(layer, "activation", None), "__name__", "linear")
        if isinstance(layer, keras.layers.Activation):
            kinds.append(activation)
            continue
        kinds.append(kind or type(layer).__name__)
        if kind in ("conv", "dense") and activation != "linear":
            kinds.append(activation)
    return kinds


def check_first_layer_3x3(func) -> CheckResult:
    """Check ``func()``: the deck's Fashion-MNIST CNN with 3x3 kernels in its first layer.

    Everything else as in lesson 05: 16 filters with "same" padding, batch
    normalisation, ReLU, 2x2 max pooling, then 32 filters of 5x5 with "same"
    padding, batch normalisation, ReLU, 2x2 max pooling, and a dense softmax
    layer with 10 units.

    Parameters
    ----------
    func : callable
        ``func()`` returns a new (uncompiled) ``keras.Model`` for inputs of
        shape (batch, 28, 28, 1).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_first_layer_3x3(lambda: None)  # doctest: +ELLIPSIS
    ❌ Not yet (first_layer_3x3): ...
    CheckResult(ok=False)
    """
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    def body():
        model = _call(func, "first_layer_3x3")
        import keras

        if not isinstance(model, keras.Model):
            raise _Failed(f"first_layer_3x3() must return a keras.Model; got {_short(model)}")
        try:
            x = np.random.default_rng(8).random((2, 28, 28, 1)).astype("float32")
            out = keras.ops.convert_to_numpy(model(x, training=False))
        except Exception as err:
            raise _Failed(
                f"the model fails on a batch of shape (2, 28, 28, 1) ({type(err).__name__}: "
                f"{str(err)[:200]}). Hint: start with keras.Input(shape=(28, 28, 1))."
            ) from None
        if out.shape != (2, 10) or not np.allclose(out.sum(axis=1), 1, atol=1e-4):
            raise _Failed(
                "the model must output 10 class probabilities per image (a dense layer with "
                "10 units and a softmax)."
            )
        convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
        if len(convs) != 2:
            raise _Failed(f"the model has {len(convs)} Conv2D layers; the deck's CNN has two.")
        first, second = (layer.get_config() for layer in convs)
        if tuple(first["kernel_size"]) != (3, 3):
            raise _Failed(f"the first convolution has {tuple(first['kernel_size'])} kernels; the exercise asks for 3x3.")
        if tuple(second["kernel_size"]) != (5, 5):
            raise _Failed("change only the first layer: the second convolution keeps its 5x5 kernels.")
        for name, cfg, filters in (("first", first, 16), ("second", second, 32)):
            if cfg["filters"] != filters or cfg["padding"] != "same" or tuple(cfg["strides"]) != (1, 1):
                raise _Failed(
                    f"the {name} convolution does not have the deck's number of filters, "
                    "padding that keeps the size, and stride 1."
                )
        norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
        pools = [layer for layer in model.layers if isinstance(layer, keras.layers.MaxPooling2D)]
        if len(norms) != 2 or len(pools) != 2:
            raise _Failed("keep the deck's two batch normalisations and two 2x2 max poolings.")
        want = (3 * 3 * 1 + 1) * 16 + 4 * 16 + (5 * 5 * 16 + 1) * 32 + 4 * 32 + (7 * 7 * 32 + 1) * 10
        if model.count_params() != want:
            raise _Failed(
                f"the model has {model.count_params():,} parameters, which is not what the deck's "
                "CNN with a 3x3 first layer has. Hint: add nothing, remove nothing; change one "
                "kernel size."
            )
        _same_function_as_reference(model, x)
        if tuple(_layer_kinds(model)) != _DECK_LAYERS:  # e.g. an extra Dropout: no weights, no effect here
            raise _Failed(
                "the model's layers are not the deck's: convolution, batch normalisation, ReLU, "
                "max pooling, twice, then flatten and a dense softmax layer. Hint: add nothing, "
                "remove nothing (not even a layer without weights); change one kernel size."
            )
        return "the deck's CNN with a 3x3 first layer: right layers, shapes and parameter count."

    return _run("first_layer_3x3", body)


# Prediction question: only salted digests of the answers are stored here.
_RUNS_DIGESTS = [
    "e745535c906832558d1974c94505d5a173a16e4a1dd83766651d2162758ecb81",
    "e2af0da7023eb0b136da08895797973ee4ea6d8ed74a91755d3e83b8354029c2",
]


def check_one_run_or_three(func) -> CheckResult:
    """Check ``func()``: the two answers of exercise 5 (one run against the spread of seeds).

    Parameters
    ----------
    func : callable
        ``func()`` returns a tuple of two answers: a number of validation
        images (int) and the letter of the right statement (``"a"`` to ``"d"``).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_one_run_or_three(lambda: (1, "z"))  # doctest: +ELLIPSIS
    ❌ Not yet (one_run_or_three): ...
    CheckResult(ok=False)
    """
    parts = ["the number of images", "that statement"]
    hints = ["a percentage point is one hundredth of the 6,000 images.",
             "what would a second seed of A, or of B, give?"]

    def body():
        got = _call(func, "one_run_or_three")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise _Failed(f"one_run_or_three must return 2 answers ({'; '.join(parts)}); got {_short(got)}")
        first, right = None, 0
        for i, (answer, digest, part, hint) in enumerate(zip(got, _RUNS_DIGESTS, parts, hints)):
            if (i == 0 and isinstance(answer, numbers.Real) and not isinstance(answer, (bool, numbers.Integral))
                    and np.isfinite(answer) and float(answer) != round(float(answer))):
                if abs(float(answer) - round(float(answer))) < 1e-6:  # rounding error of a float product
                    first = first or (f"{part}: {_short(answer)} is a float, off a whole number by a rounding "
                                      "error. Hint: return an int: round it, round(...).")
                else:
                    first = first or f"{part} is not right. Hint: {hints[0]}"
                continue
            try:
                mine = answer_digest(f"one_run_or_three[{i}]", answer)
            except TypeError:
                first = first or f"{part}: expected {'an int' if i == 0 else 'a letter'}; got {_short(answer)}"
                continue
            if mine == digest:
                right += 1
            else:
                first = first or f"{part} is not right. Hint: {hint}"
        if first is not None:
            raise _Failed(first, right / len(parts))
        return "every answer is right."

    return _run("one_run_or_three", body)
