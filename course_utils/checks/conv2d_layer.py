"""Checks for the exercises of lesson 04 (``lessons/04_conv2d_layer.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _call, _Failed, _run, _short

__all__ = [
    "check_channel_derivative",
    "check_conv_output_shape",
    "check_param_counts",
    "check_max_pool_reshape",
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
    >>> W = np.zeros((1, 2, 3, 1)); W[0, 1], W[0, 0] = 1 / 3, -1 / 3
    >>> check_channel_derivative(lambda: (W, np.zeros(1)))
    ✅ Correct (channel_derivative): the layer gives the channel-averaged horizontal derivative on 4 test images.
    CheckResult(ok=True)
    """
    rng = np.random.default_rng(4)
    images = [rng.normal(size=(5, 7, 3)), rng.uniform(0, 255, size=(4, 9, 3)),
              np.tile(np.arange(6.0), (3, 1))[..., None] * [1.0, 2.0, 3.0],
              rng.normal(size=(2, 2, 3))]

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
        if W.shape != (1, 2, 3, 1):
            raise _Failed(
                f"W has shape {W.shape}. Hint: Keras orders a Conv2D kernel as "
                "(kernel height, kernel width, input channels, output channels)."
            )
        if b.shape != (1,):
            raise _Failed(f"b has shape {b.shape}; a layer with one output channel has one bias.")
        for c in range(3):
            x = np.zeros((4, 6, 3))
            x[..., c] = rng.normal(size=(4, 6))
            if np.allclose(_conv2d(x, W, np.zeros(1)), 0):
                raise _Failed(
                    f"the output ignores input channel {c}. Hint: the derivative is "
                    "averaged over all three channels."
                )
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


def check_conv_output_shape(func) -> CheckResult:
    """Check ``func(input_shape, filters, kernel_size, stride, padding)``: a Conv2D's output shape.

    Parameters
    ----------
    func : callable
        ``func(input_shape, filters, kernel_size, stride, padding)`` with
        ``input_shape`` a tuple (H, W, C) of ints, ints ``filters``,
        ``kernel_size`` (square kernels) and ``stride``, and ``padding`` one
        of ``"valid"``, ``"same"``, must return the tuple (H', W', C') of
        ints that ``keras.layers.Conv2D`` produces for one image.

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
    ]

    def body():
        for shape, filters, k, stride, padding in cases:
            args = (shape, filters, k, stride, padding)
            got = _call(func, "conv_output_shape", *args)
            call = f"conv_output_shape{args}"
            if not isinstance(got, (tuple, list)) or len(got) != 3:
                raise _Failed(f"{call} returned {_short(got)}; return a tuple (height, width, channels).")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got):
                raise _Failed(
                    f"{call} returned {tuple(got)}: sizes must be ints. Hint: integer "
                    "division // rounds down for you."
                )
            got = tuple(int(v) for v in got)
            right = tuple(conv_output_size(n, k, stride, padding) for n in shape[:2]) + (filters,)
            if got == right:
                continue
            if got[:2] == right[:2]:
                raise _Failed(f"{call}: the channels are wrong. Hint: every filter makes one output channel.")
            if padding == "same":
                if got[:2] == shape[:2] and stride > 1:
                    raise _Failed(f"{call}: the stride is missing. Hint: 'same' keeps the size only for stride 1.")
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
        return f"right on {len(cases)} layers, 'valid' and 'same', strides 1 to 4."

    return _run("conv_output_shape", body)


def check_param_counts(func) -> CheckResult:
    """Check ``func(h, w, c_in, c_out, k)``: parameters of a conv layer and of a dense one.

    Both layers map an (h, w, c_in) tensor to an (h, w, c_out) tensor: the
    convolution with k x k filters and "same" padding, the dense layer by
    connecting every input number to every output number. Both have biases.

    Parameters
    ----------
    func : callable
        ``func(h, w, c_in, c_out, k)`` with positive ints must return a pair
        of ints ``(conv_params, dense_params)``, weights plus biases.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_param_counts(lambda h, w, ci, co, k: (0, 0))  # doctest: +ELLIPSIS
    ❌ Not yet (param_counts): ...
    CheckResult(ok=False)
    """
    cases = [(4, 4, 5, 3, 1), (28, 28, 1, 16, 5), (6, 7, 2, 3, 3), (32, 32, 3, 10, 5), (55, 55, 96, 256, 5)]

    def body():
        for h, w, ci, co, k in cases:
            args = (h, w, ci, co, k)
            call = f"param_counts{args}"
            got = _call(func, "param_counts", *args)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"{call} returned {_short(got)}; return a pair (conv_params, dense_params).")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got):
                raise _Failed(f"{call} returned {tuple(got)}: parameter counts are ints.")
            conv_p, dense_p = (int(v) for v in got)
            conv_w, dense_w = k * k * ci * co, (h * w * ci) * (h * w * co)
            if conv_p != conv_w + co:
                if conv_p == conv_w:
                    raise _Failed(f"{call}: the convolution's count misses its biases (one per filter).")
                if conv_p == k * k * co + co:
                    raise _Failed(f"{call}: the convolution's count is too small. Hint: each filter spans every input channel.")
                raise _Failed(f"{call}: the convolution's count is wrong. Hint: count the numbers in the weight tensor, then the biases.")
            if dense_p != dense_w + h * w * co:
                if dense_p == dense_w:
                    raise _Failed(f"{call}: the dense layer's count misses its biases.")
                if dense_p == dense_w + co:
                    raise _Failed(
                        f"{call}: the dense layer has one bias per output number "
                        "(every position of every channel), not one per channel."
                    )
                raise _Failed(
                    f"{call}: the dense layer's count is wrong. Hint: one weight for every "
                    "(input number, output number) pair, then the biases."
                )
        return f"both counts right for {len(cases)} layer sizes, AlexNet's second layer included."

    return _run("param_counts", body)


def check_max_pool_reshape(func) -> CheckResult:
    """Check ``func(x)``: 2x2 max pooling with stride 2, written with a reshape.

    Parameters
    ----------
    func : callable
        ``func(x)`` with ``x`` of shape (H, W, C), H and W even, must return
        the (H / 2, W / 2, C) array of the maxima of the non-overlapping 2x2
        blocks, channel by channel (``keras.layers.MaxPooling2D()``).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_max_pool_reshape(lambda x: x[::2, ::2])  # doctest: +ELLIPSIS
    ❌ Not yet (max_pool_reshape): ...
    CheckResult(ok=False)
    """
    from ..conv import avg_pool2d, max_pool2d

    rng = np.random.default_rng(5)
    cases = [
        np.array([[5, 1, 3, 4], [8, 2, 9, 2], [1, 3, 0, 1], [2, 2, 2, 0]], dtype=float)[..., None],
        rng.normal(size=(6, 4, 3)),
        rng.normal(size=(2, 8, 2)),
        rng.normal(size=(10, 10, 1)) - 5.0,
    ]

    def body():
        for x in cases:
            got = _call(func, "max_pool_reshape", x.copy())
            try:
                got = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                raise _Failed(f"max_pool_reshape must return an array; got {_short(got)}") from None
            right = max_pool2d(x)
            if got.shape != right.shape:
                raise _Failed(
                    f"for x of shape {x.shape} the output has shape {got.shape}. Hint: "
                    "each 2x2 block becomes one number, and every channel stays."
                )
            if np.allclose(got, right):
                continue
            if np.allclose(got, avg_pool2d(x)):
                raise _Failed("this is average pooling. Hint: keep the largest value of each block.")
            raise _Failed(
                f"right shape, wrong values for x of shape {x.shape}. Hint: each output must "
                "come from a 2x2 block of neighbouring pixels of one channel; check which "
                "axes your reshape splits and which axes you reduce."
            )
        return f"equals MaxPooling2D (2x2, stride 2) on {len(cases)} arrays, 1 to 3 channels."

    return _run("max_pool_reshape", body)
