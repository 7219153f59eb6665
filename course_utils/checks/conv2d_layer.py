"""Checks for the exercises of lesson 04 (``lessons/04_conv2d_layer.ipynb``)."""

from __future__ import annotations

import ast

import numpy as np

from ._core import (
    CheckResult,
    _Absent,
    _attr,
    _ByName,
    _call,
    _Failed,
    _forbid,
    _function_trees,
    _judge_answers,
    _run,
    _short,
)

__all__ = [
    "check_channel_derivative",
    "check_conv_output_shape",
    "check_param_counts",
    "check_max_pool_reshape",
    "check_predict_stack",
    "check_pooling_statement",
]


def _conv2d(x, W, b):
    from .. import conv  # numpy only; equal to keras.layers.Conv2D (tests/test_conv2d.py)

    return conv.conv2d(x, W, b)


def check_channel_derivative(func) -> CheckResult:
    """Check ``func()``: Conv2D weights for the horizontal derivative of a colour image.

    The layer has a 1x2 kernel, 3 input channels and 1 output channel, and
    must compute ``z[i, j] = mean_c (x[i, j + 1, c] - x[i, j, c])``: the
    difference to the right-hand neighbour, averaged over the three channels.

    Parameters
    ----------
    func : callable
        ``func()`` returns ``(W, b)``: ``W`` of shape (1, 2, 3, 1) (Keras's
        layout, KH x KW x C_in x C_out) and ``b`` of shape (1,), float.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_channel_derivative(lambda: (np.ones((2, 1, 3, 1)), np.zeros(1)))  # doctest: +ELLIPSIS
    ❌ Not yet (channel_derivative): ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(4)
    images = [rng.normal(size=(5, 7, 3)), rng.uniform(0, 255, size=(4, 9, 3)),
              np.tile(np.arange(6.0), (3, 1))[..., None] * [1.0, 2.0, 3.0],
              np.full((3, 4, 3), 7.0), rng.normal(size=(2, 2, 3))]

    def want(x):
        return (x[:, 1:] - x[:, :-1]).mean(axis=-1)[..., None]

    def body():
        result = _call(func, "channel_derivative")
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise _Failed(f"channel_derivative must return a pair (W, b); got {_short(result)}")
        try:
            W, b = (np.asarray(v, dtype=float) for v in result)
        except (TypeError, ValueError):
            raise _Failed("W and b must be arrays of numbers") from None
        if W.shape == (2, 1, 3, 1):
            raise _Failed(
                "W has shape (2, 1, 3, 1): a 2 x 1 kernel reaches to the pixel below, a "
                "vertical derivative. Keras orders a kernel as (height, width, input "
                "channels, output channels)."
            )
        if W.shape != (1, 2, 3, 1):
            raise _Failed(
                f"W has shape {W.shape}. Hint: Keras orders a Conv2D kernel as "
                "(kernel height, kernel width, input channels, output channels)."
            )
        if b.shape != (1,):
            raise _Failed(f"b has shape {b.shape}; a layer with one output channel has one bias.")
        if not np.all(np.isfinite(W)) or not np.all(np.isfinite(b)):
            raise _Failed("W and b must be finite numbers (no NaN or inf).")
        # One channel at a time: each must give its own derivative, with the same share.
        responses = []
        for c in range(3):
            x = np.zeros((4, 6, 3))
            x[..., c] = rng.normal(size=(4, 6))
            got = _conv2d(x, W, np.zeros(1))[..., 0]
            if np.allclose(got, 0):
                raise _Failed(
                    f"the output ignores input channel {c}. Hint: the derivative is "
                    "averaged over all three channels."
                )
            d = x[:, 1:, c] - x[:, :-1, c]
            share = float(np.sum(got * d) / np.sum(d * d))
            if not np.allclose(got, share * d):
                raise _Failed(
                    f"input channel {c} alone does not give a difference of neighbours in "
                    "that channel. Hint: W[0, :, c, 0] holds the two taps (pixel, right-hand "
                    "neighbour) of channel c; the third axis is the channel, not the column."
                )
            responses.append(share)
        if not np.allclose(responses, responses[0]):
            raise _Failed("the channels are not weighted equally. Hint: the derivative is the plain average over the channels.")
        for x in images:
            got, right = _conv2d(x, W, b), want(x)
            if np.allclose(got, right):
                continue
            if np.allclose(got, -right):
                raise _Failed(
                    "the sign is flipped. Hint: the derivative is the right-hand "
                    "neighbour minus the pixel, and Keras does not flip the kernel."
                )
            if np.allclose(got, 3 * right):
                raise _Failed("the output is 3 times too large. Hint: average the channels, do not add them.")
            if np.allclose(got - right, (got - right).flat[0]):
                raise _Failed("a constant is added to every output. Hint: look at the bias.")
            raise _Failed(
                f"wrong values on a test image of shape {x.shape}. Hint: for every "
                "channel, one tap multiplies the pixel and the other its right-hand "
                "neighbour."
            )
        return f"the layer gives the channel-averaged horizontal derivative on {len(images)} test images."

    return _run("channel_derivative", body)


def _notebook(func, name):
    """The lesson's own helper ``name`` from the student's notebook, if defined there."""
    if hasattr(func, "_course_source"):  # the judge: ruled out by name
        return _ByName()
    value = getattr(func, "__globals__", {}).get(name)
    return value if callable(value) else _Absent()


def _shape_calls(func) -> dict:
    """What exercise 2 rules out: everything that computes the shape for the student."""
    from .. import conv

    return {
        "conv.conv_output_size": conv.conv_output_size,
        "conv.conv2d": conv.conv2d,
        "keras_output_shape": _notebook(func, "keras_output_shape"),  # lesson 04, section 4
        "keras.layers.Conv2D": _attr("keras", "layers", "Conv2D"),
        "keras.layers.Convolution2D": _attr("keras", "layers", "Convolution2D"),
        "compute_output_shape": _Absent(),
        "compute_output_spec": _Absent(),
        "tf.nn.conv2d": _attr("tensorflow", "nn", "conv2d"),
    }


def check_conv_output_shape(func) -> CheckResult:
    """Check ``func(input_shape, filters, kernel_size, stride, padding)``: a Conv2D's output shape.

    Parameters
    ----------
    func : callable
        ``func(input_shape, filters, kernel_size, stride, padding)`` with
        ``input_shape`` a tuple (H, W, C) of ints, ints ``filters``,
        ``kernel_size`` (square kernels, odd or even) and ``stride``, and
        ``padding`` one of ``"valid"``, ``"same"``, must return the tuple
        (H', W', C') of ints that ``keras.layers.Conv2D`` produces for one image,
        computed by the student: ``conv.conv_output_size``, ``conv.conv2d``, the
        lesson's ``keras_output_shape`` and Keras layers are ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_conv_output_shape(lambda s, f, k, st, p: (1, 1, f))  # doctest: +ELLIPSIS
    ❌ Not yet (conv_output_shape): ...
    CheckResult(ok=False)
    """
    from ..conv import conv_output_size

    cases = [
        ((227, 227, 3), 96, 11, 4, "valid"),
        ((32, 32, 3), 10, 5, 1, "same"),
        ((28, 28, 1), 16, 5, 1, "valid"),
        ((7, 7, 1), 1, 3, 2, "valid"),
        ((7, 7, 3), 2, 3, 2, "same"),
        ((10, 13, 2), 5, 4, 3, "valid"),
        ((8, 9, 4), 6, 2, 3, "same"),
        ((6, 6, 1), 1, 3, 1, "valid"),
        ((9, 8, 1), 4, 3, 2, "valid"),
        ((12, 7, 3), 8, 4, 1, "same"),   # even kernel: Keras pads 1 before, 2 after
        ((10, 15, 2), 3, 4, 2, "same"),  # even kernel, stride 2
        ((9, 6, 1), 2, 5, 2, "same"),    # odd height, stride 2: ceil
        ((1, 6, 2), 3, 1, 2, "valid"),   # a one-pixel-high input
        ((5, 1, 1), 2, 3, 2, "same"),    # a one-pixel-wide input
        ((11, 20, 3), 7, 6, 5, "same"),
        ((11, 10, 1), 2, 3, 3, "valid"),  # 8/3 and 7/3: round() is not the floor here
        ((10, 11, 1), 1, 3, 2, "valid"),  # 3.5: round() gives 4, the floor 3
    ]

    def symmetric(n, k, stride):  # a PyTorch-style guess: the same zeros on both sides
        return (n + 2 * ((k - 1) // 2) - k) // stride + 1

    def body():
        if callable(func):  # else _call says what is wrong
            _forbid(func, "conv_output_shape", _shape_calls(func))
        for shape, filters, k, stride, padding in cases:
            args = (shape, filters, k, stride, padding)
            got = _call(func, "conv_output_shape", *args)
            call = f"conv_output_shape{args}"
            if not isinstance(got, (tuple, list)) or len(got) != 3:
                raise _Failed(f"{call} returned {_short(got)}; return a tuple (height, width, channels).")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got):
                raise _Failed(
                    f"{call} returned {tuple(got)}: sizes must be ints. Hint: / and "
                    "np.ceil give floats; wrap the result in int(...), or use integer "
                    "division: n // s rounds down, -(-n // s) rounds up."
                )
            got = tuple(int(v) for v in got)
            right = tuple(conv_output_size(n, k, stride, padding) for n in shape[:2]) + (filters,)
            if got == right:
                continue
            if got[:2] == right[:2]:
                raise _Failed(f"{call}: the channels are wrong. Hint: every filter makes one output channel.")
            if got[:2] == right[1::-1]:
                raise _Failed(f"{call}: height and width are swapped. Hint: input_shape is (H, W, C).")
            if padding == "same":
                if got[:2] == shape[:2] and stride > 1:
                    raise _Failed(f"{call}: the stride is missing. Hint: 'same' keeps the size only for stride 1.")
                if k % 2 == 0 and got[:2] == tuple(symmetric(n, k, stride) for n in shape[:2]):
                    raise _Failed(
                        f"{call}: that is the size with the same number of zeros on both "
                        "sides. For an even kernel Keras's 'same' pads one zero more at the "
                        "end (bottom, right) than at the start."
                    )
                if got[:2] == tuple(n // stride for n in shape[:2]):
                    raise _Failed(f"{call}: the height or width is one too few. Hint: in 'same' mode, round up.")
                raise _Failed(
                    f"{call}: the height or width is wrong. Hint: in 'same' mode the size "
                    "depends only on the input size and the stride; round up."
                )
            if stride > 1 and got[:2] == tuple(n - k + 1 for n in shape[:2]):
                raise _Failed(f"{call}: the stride is missing. Hint: the window jumps by the stride.")
            exact = [(n - k) / stride + 1 for n in shape[:2]]
            if any(g == int(np.ceil(e)) != int(e) for g, e in zip(got[:2], exact)):
                raise _Failed(
                    f"{call}: the height or width is one too many. Hint: when the "
                    "stride does not divide evenly, the last window that would stick "
                    "out of the image is dropped."
                )
            raise _Failed(
                f"{call}: the height or width is wrong. Hint: in 'valid' mode count "
                "the positions where the whole kernel lies inside the image."
            )
        return (f"right on {len(cases)} layers: 'valid' and 'same', strides 1 to 5, odd and even "
                "kernels, non-square inputs.")

    return _run("conv_output_shape", body)


def _count_calls(func) -> dict:
    """What exercise 3 rules out: the lesson's counting helpers and Keras's counts."""
    return {
        "conv_params": _notebook(func, "conv_params"),      # lesson 04, section 9
        "dense_params": _notebook(func, "dense_params"),
        "local_params": _notebook(func, "local_params"),
        "keras_count": _notebook(func, "keras_count"),
        "count_params": _Absent(),
        "keras.layers.Conv2D": _attr("keras", "layers", "Conv2D"),
        "keras.layers.Dense": _attr("keras", "layers", "Dense"),
    }


def check_param_counts(func) -> CheckResult:
    """Check ``func(h, w, c_in, c_out, k, stride, use_bias)``: parameters of a strided conv and of a dense layer.

    The convolution has ``c_out`` filters of k x k, the given stride and
    ``"valid"`` padding; it maps an (h, w, c_in) tensor to its output tensor.
    The dense layer maps the same input to an output of the same shape by
    connecting every input number to every output number. Both have biases
    when ``use_bias`` is true and none when it is false. The lesson's helpers
    (``conv_params``, ``dense_params``, ``local_params``, ``keras_count``) and
    Keras layers are ruled out.

    Parameters
    ----------
    func : callable
        ``func(h, w, c_in, c_out, k, stride, use_bias)`` with positive ints and
        a bool must return a pair of ints ``(conv_params, dense_params)``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def counts(h, w, c_in, c_out, k, stride, use_bias):
    ...     return 0, 0
    >>> check_param_counts(counts)  # doctest: +ELLIPSIS
    ❌ Not yet (param_counts): ...
    CheckResult(ok=False)
    """
    cases = [(4, 4, 5, 3, 1, 1, True), (28, 28, 1, 16, 5, 1, True), (7, 7, 1, 2, 3, 2, True),
             (227, 227, 3, 96, 11, 4, True), (7, 9, 2, 3, 3, 3, True), (10, 13, 2, 5, 4, 3, False),
             (9, 6, 4, 7, 2, 2, False), (1, 6, 2, 3, 1, 2, True), (32, 32, 3, 10, 5, 1, False)]

    def body():
        if callable(func):  # else _call says what is wrong
            _forbid(func, "param_counts", _count_calls(func))
        for h, w, ci, co, k, stride, use_bias in cases:
            args = (h, w, ci, co, k, stride, use_bias)
            call = f"param_counts{args}"
            got = _call(func, "param_counts", *args)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"{call} returned {_short(got)}; return a pair (conv_params, dense_params).")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got):
                raise _Failed(f"{call} returned {tuple(got)}: parameter counts are ints (no / or np.ceil).")
            conv_p, dense_p = (int(v) for v in got)
            m1, m2 = ((n - k) // stride + 1 for n in (h, w))
            outputs = m1 * m2 * co
            conv_w, dense_w = k * k * ci * co, (h * w * ci) * outputs
            conv_b, dense_b = (co, outputs) if use_bias else (0, 0)
            if conv_p != conv_w + conv_b:
                if not use_bias and conv_p == conv_w + co:
                    raise _Failed(f"{call}: with use_bias=False the convolution has no biases.")
                if use_bias and conv_p == conv_w:
                    raise _Failed(f"{call}: the convolution's count misses its biases (one per filter).")
                if use_bias and conv_p == conv_w + ci:
                    raise _Failed(f"{call}: the convolution has one bias per filter (output channel), not per input channel.")
                if conv_p in (k * k * co + conv_b, k * k * co + co):
                    raise _Failed(f"{call}: the convolution's count is too small. Hint: each filter spans every input channel.")
                if conv_p in (m1 * m2 * conv_w + m1 * m2 * conv_b, m1 * m2 * conv_w + conv_b):
                    raise _Failed(f"{call}: that counts a filter for every output position (a locally "
                                  "connected layer). A convolution shares one set of filters across all positions.")
                raise _Failed(f"{call}: the convolution's count is wrong. Hint: count the numbers in the "
                              "weight tensor, then the biases; neither depends on the stride or the image size.")
            if dense_p != dense_w + dense_b:
                size_guesses = {  # output sizes a student may compute instead
                    "same": (h, w),
                    "no stride": (h - k + 1, w - k + 1),
                    "round up": tuple(-(-(n - k) // stride) + 1 for n in (h, w)),
                    "no floor": tuple(-(-n // stride) for n in (h, w)),
                }
                for why, (g1, g2) in size_guesses.items():
                    if (g1, g2) == (m1, m2):
                        continue
                    g_out = g1 * g2 * co
                    if dense_p in (h * w * ci * g_out + (g_out if use_bias else 0), h * w * ci * g_out):
                        hint = {
                            "same": "the dense layer's outputs are the convolution's outputs, which are "
                                    "smaller than its input here: work out their height and width first "
                                    "(exercise 2).",
                            "no stride": "the output size ignores the stride. Hint: the window jumps by the stride.",
                            "round up": "the output is one row or column too large. Hint: with 'valid' "
                                        "padding a window that would stick out of the image is dropped.",
                            "no floor": "that output size is what 'same' padding gives; this convolution "
                                        "has 'valid' padding.",
                        }[why]
                        raise _Failed(f"{call}: {hint}")
                if not use_bias and dense_p in (dense_w + outputs, dense_w + h * w * co, dense_w + co):
                    raise _Failed(f"{call}: with use_bias=False the dense layer has no biases.")
                if use_bias and dense_p == dense_w:
                    raise _Failed(f"{call}: the dense layer's count misses its biases.")
                if use_bias and dense_p == dense_w + h * w * co:
                    raise _Failed(
                        f"{call}: the dense layer's biases are counted on the input's height and "
                        "width. It has one bias per output number, and the output is smaller here."
                    )
                if use_bias and dense_p == dense_w + co:
                    raise _Failed(
                        f"{call}: the dense layer has one bias per output number "
                        "(every position of every channel), not one per channel."
                    )
                raise _Failed(
                    f"{call}: the dense layer's count is wrong. Hint: one weight for every "
                    "(input number, output number) pair, then the biases."
                )
        return (f"both counts right for {len(cases)} layers: strides 1 to 4, odd and even kernels, "
                "non-square inputs, with and without biases.")

    return _run("param_counts", body)


def _pooling_calls() -> dict:
    """The pooling functions exercise 4 rules out, by the names a student would write."""
    from .. import conv

    attr = _attr
    return {
        "keras.layers.MaxPooling2D": attr("keras", "layers", "MaxPooling2D"),
        "keras.layers.MaxPool2D": attr("keras", "layers", "MaxPool2D"),
        "keras.layers.AdaptiveMaxPooling2D": attr("keras", "layers", "AdaptiveMaxPooling2D"),
        "keras.ops.max_pool": attr("keras", "ops", "max_pool"),
        "tf.nn.max_pool2d": attr("tensorflow", "nn", "max_pool2d"),
        "tf.nn.max_pool": attr("tensorflow", "nn", "max_pool"),
        "conv.max_pool2d": conv.max_pool2d,
        "skimage.measure.block_reduce": attr("skimage.measure", "block_reduce"),
        "sliding_window_view": np.lib.stride_tricks.sliding_window_view,
        "as_strided": np.lib.stride_tricks.as_strided,
    }


def _uses_reshape(func) -> bool:
    trees = _function_trees(func)
    if trees is None:
        return True  # _forbid has already said that the source cannot be read
    return any((isinstance(node, ast.Attribute) and node.attr == "reshape")
               or (isinstance(node, ast.Name) and node.id == "reshape")
               for tree in trees[:1] for node in ast.walk(tree))


def check_max_pool_reshape(func) -> CheckResult:
    """Check ``func(x)``: 2x2 max pooling with stride 2, written with a reshape.

    ``func`` must use no loop (no ``for``, ``while`` or comprehension) and no
    pooling function (Keras, TensorFlow, ``conv.max_pool2d``,
    ``skimage.measure.block_reduce``, sliding windows).

    Parameters
    ----------
    func : callable
        ``func(x)`` with ``x`` of shape (H, W, C), H, W >= 2, must return the
        (H // 2, W // 2, C) array of the maxima of the non-overlapping 2x2
        blocks, channel by channel, as ``keras.layers.MaxPooling2D()`` does
        (for an odd H or W the last row or column is left out).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def subsample(x):
    ...     return x[::2, ::2]
    >>> check_max_pool_reshape(subsample)  # doctest: +ELLIPSIS
    ❌ Not yet (max_pool_reshape): ...
    CheckResult(ok=False)
    """
    from ..conv import avg_pool2d, max_pool2d

    rng = np.random.default_rng(5)
    cases = [
        np.array([[5, 1, 3, 4], [8, 2, 9, 2], [1, 3, 0, 1], [2, 2, 2, 0]], dtype=float)[..., None],
        rng.normal(size=(6, 4, 3)),
        rng.normal(size=(2, 8, 2)),
        rng.normal(size=(10, 10, 1)) - 5.0,                      # all negative
        rng.integers(0, 2, size=(4, 6, 2)).astype(float) - 1.0,   # ties: only -1 and 0
        rng.normal(size=(7, 5, 2)),                               # odd height and width
        rng.normal(size=(3, 8, 1)) - 3.0,                         # odd height, negative
        rng.normal(size=(2, 2, 4)),
    ]

    def body():
        _forbid(func, "max_pool_reshape", _pooling_calls(), loops=True)
        for x in cases:
            odd = x.shape[0] % 2 or x.shape[1] % 2
            try:
                got = _call(func, "max_pool_reshape", x.copy())
            except _Failed as failure:
                if odd:
                    raise _Failed(f"{failure} Hint: for an odd height or width, MaxPooling2D "
                                  "leaves out the last row or column.") from None
                raise
            try:
                got = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                raise _Failed(f"max_pool_reshape must return an array; got {_short(got)}") from None
            right = max_pool2d(x)
            if got.shape != right.shape:
                if odd and got.shape[:2] == tuple(-(-n // 2) for n in x.shape[:2]):
                    raise _Failed(
                        f"for x of shape {x.shape} the output has shape {got.shape}. Hint: "
                        "MaxPooling2D's default padding is 'valid': an odd last row or column "
                        "is left out, not padded."
                    )
                raise _Failed(
                    f"for x of shape {x.shape} the output has shape {got.shape}. Hint: "
                    "each 2x2 block becomes one number, and every channel stays."
                )
            if np.allclose(got, right):
                continue
            if np.allclose(got, avg_pool2d(x)):
                raise _Failed("this is average pooling. Hint: keep the largest value of each block.")
            if np.allclose(got, max_pool2d(np.abs(x))):
                raise _Failed("this keeps the largest absolute value. Hint: on negative inputs the maximum is the one closest to zero.")
            raise _Failed(
                f"right shape, wrong values for x of shape {x.shape}. Hint: each output must "
                "come from a 2x2 block of neighbouring pixels of one channel; check which "
                "axes your reshape splits and which axes you reduce."
            )
        if not _uses_reshape(func):
            raise _Failed("max_pool_reshape gives the right values but uses no reshape; this "
                          "exercise asks for one (give each 2x2 block axes of its own).")
        return (f"equals MaxPooling2D (2x2, stride 2) on {len(cases)} arrays: 1 to 4 channels, "
                "odd sizes, ties, negative values; no loop, no pooling function.")

    return _run("max_pool_reshape", body)


# Prediction questions: only salted digests of the answers are stored here.
_STACK_DIGESTS = [
    "3e18731abf78a1dc97b9bd80206a5b7275260676082ab47ce6af9ed8dbee899f",
    "672f39fffb1b1eadf1c14a2c61c0b76c0ae27f47dcef12359e1c9fd02a1859ba",
    "844dc10ac73f97fa69496ef3cf0706428eddc4eda87e141c9ad8e95c42141607",
]
_STATEMENT_DIGESTS = ["31bc69fde166726091a90af0098fc5270ee5886906090960322b5ebc7f42bd92"]


def check_predict_stack(func) -> CheckResult:
    """Check ``func()``: predictions for the small stack of exercise 5.

    Parameters
    ----------
    func : callable
        ``func()`` returns a tuple of three answers: the output shape of the
        pooling layer as a tuple (H, W, C) for one image, the length of the
        flattened vector (int), and the model's total parameter count (int).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predict_stack(lambda: ((1, 1, 1), 1, 1))
    ❌ Not yet (predict_stack): the shape after the pooling layer is not right. Hint: go layer by layer: output size, then weights (kernel x kernel x input channels x filters) and biases (if the layer has them).
    CheckResult(ok=False)
    """
    return _judge_answers(
        func, "predict_stack", _STACK_DIGESTS,
        ["the shape after the pooling layer", "the flattened length", "the total parameter count"],
        "go layer by layer: output size, then weights (kernel x kernel x input channels x "
        "filters) and biases (if the layer has them).")


def check_pooling_statement(func) -> CheckResult:
    """Check ``func()``: the letter of the true statement in exercise 6 (a shift by two pixels).

    Parameters
    ----------
    func : callable
        ``func()`` returns one letter, ``"a"`` to ``"d"``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_pooling_statement(lambda: "z")  # doctest: +ELLIPSIS
    ❌ Not yet (pooling_statement): ...
    CheckResult(ok=False)
    """
    def letter():  # "c", "C", " c. " and "(c)" are the same answer
        answer = func()
        return answer.strip().strip(".()") if isinstance(answer, str) else answer

    return _judge_answers(
        letter if callable(func) else func, "pooling_statement", _STATEMENT_DIGESTS, ["that statement"],
        "follow one feature through both layers: by how many pixels does the map of "
        "section 7 move, and by how many cells of a 2 x 2, stride-2 pooling grid is that?")
