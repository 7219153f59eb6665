"""Feedback for the exercises: correct, or not yet with a hint.

Each ``check_*`` function takes the student's function, tries it on test
cases, prints one line of feedback and returns True or False. It never prints
the expected answer, only what is wrong and a hint. A function that still
raises ``NotImplementedError`` (the handout's stub) gets "not yet".
"""

from __future__ import annotations

import numpy as np

# Every public name here is a ``check_*`` function (one or more per lesson) or
# CheckResult; new lessons append their checks at the end of this module.

CORRECT = "✅ Correct"
NOT_YET = "❌ Not yet"


class CheckResult:
    """What a check returns: true when the answer is correct.

    The feedback is already printed, so in a notebook the result itself shows
    nothing (no ``True``/``False`` under the feedback line).
    """

    def __init__(self, ok: bool, message: str):
        self.ok = bool(ok)
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"CheckResult(ok={self.ok})"

    def _ipython_display_(self) -> None:
        pass  # the feedback was printed when the check ran


def _report(ok: bool, name: str, message: str) -> CheckResult:
    line = f"{CORRECT if ok else NOT_YET} ({name}): {message}"
    print(line)
    return CheckResult(ok, line)


class _Failed(Exception):
    """Raised inside a check with the feedback to print."""


def _call(func, name: str, *args):
    """Call the student's function and turn its exceptions into feedback."""
    if not callable(func):
        raise _Failed(f"expected a function; got {type(func).__name__}")
    try:
        return func(*args)
    except NotImplementedError:
        raise _Failed(
            f"{name} still raises NotImplementedError: replace the stub "
            "(the line after '# YOUR CODE HERE') with your code."
        ) from None
    except Exception as err:  # show the student's own error, briefly
        arglist = ", ".join(_short(a) for a in args)
        raise _Failed(
            f"{name}({arglist}) raised {type(err).__name__}: {err}"
        ) from None


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}>"
    return repr(value)


def _run(name: str, body) -> CheckResult:
    try:
        message = body()
    except _Failed as failure:
        return _report(False, name, str(failure))
    return _report(True, name, message)


def _as_vector(result, name: str) -> np.ndarray:
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise _Failed(f"{name} must return an array of numbers; got {_short(result)}") from None
    if arr.ndim != 1:
        raise _Failed(f"{name} must return a 1D array; got shape {arr.shape}")
    return arr


# --------------------------------------------------------------------------
# lesson 01
# --------------------------------------------------------------------------
def check_correlate_loop(func) -> CheckResult:
    """Check a loop implementation of valid-mode 1D cross-correlation, ``func(x, h)``.

    Parameters
    ----------
    func : callable
        ``func(x, h)`` with 1D float arrays ``x`` (N,) and ``h`` (K,), K <= N,
        must return ``y[n] = sum_k x[n + k] * h[k]``, shape (N - K + 1,).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_correlate_loop(lambda x, h: np.correlate(x, h, "valid"))
    ✅ Correct (correlate_loop): matches np.correlate(x, h, "valid") on 5 test signals.
    CheckResult(ok=True)
    """
    rng = np.random.default_rng(1)
    cases = [
        (np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 1.0])),
        (np.array([0.0, 1.0, 0.0, 0.0, 2.0]), np.array([1.0, 2.0, 3.0])),
        (rng.normal(size=7), rng.normal(size=3)),
        (rng.normal(size=5), rng.normal(size=5)),
        (rng.normal(size=6), rng.normal(size=1)),
    ]

    def body():
        for x, h in cases:
            got = _as_vector(_call(func, "correlate_loop", x, h), "correlate_loop")
            want = np.correlate(x, h, "valid")
            if got.shape != want.shape:
                raise _Failed(
                    f"for len(x)={len(x)} and len(h)={len(h)} the output has "
                    f"length {len(got)}. Hint: count the positions where the "
                    "whole kernel fits inside x."
                )
            if not np.allclose(got, want):
                if np.allclose(got, np.convolve(x, h, "valid")):
                    raise _Failed(
                        "this is convolution (the kernel is flipped). Hint: "
                        "correlation multiplies x[n + k] with h[k], no flip."
                    )
                raise _Failed(
                    f"wrong values for x={np.round(x, 2).tolist()}, "
                    f"h={np.round(h, 2).tolist()}. Hint: y[n] adds x[n + k] * h[k] "
                    "over k = 0 .. len(h) - 1."
                )
        return f'matches np.correlate(x, h, "valid") on {len(cases)} test signals.'

    return _run("correlate_loop", body)


def check_output_length(func) -> CheckResult:
    """Check ``func(n, k, mode)``: the output length of ``np.convolve``.

    Parameters
    ----------
    func : callable
        ``func(n, k, mode)`` with ints ``n >= k >= 1`` and ``mode`` one of
        ``"full"``, ``"same"``, ``"valid"`` must return an int.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_output_length(lambda n, k, mode: len(np.convolve(np.ones(n), np.ones(k), mode)))
    ✅ Correct (output_length): right for all 3 modes on 10 (n, k) pairs.
    CheckResult(ok=True)
    """
    pairs = [(n, k) for n in (1, 5, 8, 13) for k in (1, 3, 4) if k <= n]
    hints = {
        "full": "count every shift where the kernel overlaps the signal at least partly",
        "same": "'same' keeps the length of the (longer) input",
        "valid": "count only the shifts where the whole kernel lies inside the signal",
    }

    def body():
        for mode in ("full", "same", "valid"):
            for n, k in pairs:
                got = _call(func, "output_length", n, k, mode)
                want = len(np.convolve(np.ones(n), np.ones(k), mode))
                if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
                    raise _Failed(f"output_length must return an int; got {_short(got)}")
                if got != want:
                    raise _Failed(
                        f"mode={mode!r}, n={n}, k={k}: {got} is not right. "
                        f"Hint: {hints[mode]}."
                    )
        return f"right for all 3 modes on {len(pairs)} (n, k) pairs."

    return _run("output_length", body)


def check_moving_average_kernel(func) -> CheckResult:
    """Check ``func(m)``: the length-``m`` moving-average kernel.

    Parameters
    ----------
    func : callable
        ``func(m)`` with an int ``m >= 1`` must return a 1D float array of
        length ``m`` that averages ``m`` neighbouring samples.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_moving_average_kernel(lambda m: np.full(m, 1 / m))
    ✅ Correct (moving_average_kernel): averages m samples for m = 1, 3, 5, 10.
    CheckResult(ok=True)
    """

    def body():
        for m in (1, 3, 5, 10):
            h = _as_vector(_call(func, "moving_average_kernel", m), "moving_average_kernel")
            if len(h) != m:
                raise _Failed(f"for m={m} the kernel has length {len(h)}; it should have m taps.")
            if not np.isclose(h.sum(), 1.0):
                raise _Failed(
                    f"for m={m} the taps add up to {h.sum():.3g}. Hint: a constant "
                    "signal must come out unchanged, so the taps must add up to 1."
                )
            if not np.allclose(h, h[0]):
                raise _Failed(f"for m={m} the taps differ; an average weighs every sample equally.")
        return "averages m samples for m = 1, 3, 5, 10."

    return _run("moving_average_kernel", body)


def check_interpolation_kernel(func) -> CheckResult:
    """Check ``func()``: the kernel that up-samples by 3 with linear interpolation.

    Up-sampling by 3 puts two zeros after every sample (``up[::3] = x``); the
    kernel ``h`` must make ``np.convolve(up, h, "same")`` equal to the linear
    interpolation of ``x`` at steps of 1/3.

    Parameters
    ----------
    func : callable
        ``func()`` returns a 1D float array of odd length.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_interpolation_kernel(lambda: np.array([1.0]))  # doctest: +ELLIPSIS
    ❌ Not yet (interpolation_kernel): ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(2)
    x = rng.normal(size=9)
    up = np.zeros(3 * len(x) - 2)
    up[::3] = x
    want = np.interp(np.arange(len(up)) / 3, np.arange(len(x)), x)

    def body():
        h = _as_vector(_call(func, "interpolation_kernel"), "interpolation_kernel")
        if len(h) % 2 == 0:
            raise _Failed(
                f"the kernel has even length {len(h)}; use an odd length so that "
                "'same' mode keeps it centred."
            )
        got = np.convolve(up, h, "same")
        if not np.allclose(got[::3], x):
            raise _Failed(
                "the original samples change. Hint: at an original sample, the "
                "taps that land on other original samples must be zero."
            )
        if not np.allclose(got, want):
            raise _Failed(
                "the new in-between samples are not on the straight line between "
                "their neighbours. Hint: give each of the two nearest original "
                "samples a weight that grows the closer it is."
            )
        return "zero-stuffing by 3 followed by your kernel interpolates linearly."

    return _run("interpolation_kernel", body)


# --------------------------------------------------------------------------
# lesson 04
# --------------------------------------------------------------------------
def _conv2d(x, W, b):
    from . import conv  # numpy only; equal to keras.layers.Conv2D (tests/test_conv2d.py)

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
    from .conv import conv_output_size

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
    from .conv import avg_pool2d, max_pool2d

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


# --------------------------------------------------------------------------
# lesson 02
# --------------------------------------------------------------------------
def _as_2d(result, name: str) -> np.ndarray:
    """The student's result as a 2D float array, or feedback that it is not one."""
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise _Failed(f"{name} must return a 2D array of numbers; got {_short(result)}") from None
    if arr.ndim != 2:
        raise _Failed(f"{name} must return a 2D array; got shape {arr.shape}")
    return arr


def check_convolve2d_valid(func) -> CheckResult:
    """Check ``func(x, w)``: valid-mode 2D convolution (the kernel flipped).

    Parameters
    ----------
    func : callable
        ``func(x, w)`` with 2D arrays ``x`` (N1, N2) and ``w`` (K1, K2),
        K1 <= N1 and K2 <= N2, int or float, must return
        ``scipy.signal.convolve2d(x, w, "valid")``: a float array of shape
        (N1 - K1 + 1, N2 - K2 + 1).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from scipy.signal import convolve2d
    >>> check_convolve2d_valid(lambda x, w: convolve2d(x, w, "valid"))
    ✅ Correct (convolve2d_valid): matches scipy.signal.convolve2d(x, w, "valid") on 5 test cases.
    CheckResult(ok=True)
    """
    from scipy.signal import convolve2d, correlate2d

    rng = np.random.default_rng(2)
    cases = [
        (np.arange(16.0).reshape(4, 4), np.array([[1.0, 2.0], [3.0, 4.0]])),
        (rng.integers(0, 9, size=(5, 5)).astype(float), rng.integers(-2, 3, size=(3, 3)).astype(float)),
        (rng.normal(size=(6, 7)), rng.normal(size=(2, 3))),
        (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),
        (rng.normal(size=(5, 6)), rng.normal(size=(1, 3))),
    ]

    def body():
        for x, w in cases:
            got = _as_2d(_call(func, "convolve2d_valid", x.copy(), w.copy()), "convolve2d_valid")
            want = convolve2d(x, w, "valid")
            if got.shape != want.shape:
                raise _Failed(
                    f"for x of shape {x.shape} and w of shape {w.shape} the output has shape "
                    f"{got.shape}. Hint: along each axis, count the positions where the whole "
                    "kernel fits inside x."
                )
            if np.allclose(got, want):
                continue
            if np.allclose(got, correlate2d(x, w, "valid")):
                raise _Failed(
                    "this is correlation: the kernel is not flipped. Hint: convolution "
                    "multiplies x[n1 - k1, n2 - k2] with w[k1, k2]."
                )
            if np.allclose(got, correlate2d(x, w[::-1, :], "valid")) or np.allclose(
                got, correlate2d(x, w[:, ::-1], "valid")
            ):
                raise _Failed("the kernel is flipped along one axis only. Hint: flip it along both.")
            raise _Failed(
                f"wrong values for x of shape {x.shape} and w of shape {w.shape}. Hint: "
                "convolution is correlation with the kernel flipped in both axes."
            )
        return f'matches scipy.signal.convolve2d(x, w, "valid") on {len(cases)} test cases.'

    return _run("convolve2d_valid", body)


def check_output_shape_2d(func) -> CheckResult:
    """Check ``func(image_shape, kernel_shape, mode)``: the shape of a 2D correlation.

    Parameters
    ----------
    func : callable
        ``func(image_shape, kernel_shape, mode)`` with ``image_shape``
        (N1, N2) and ``kernel_shape`` (K1, K2) tuples of ints, K1 <= N1 and
        K2 <= N2, and ``mode`` one of ``"valid"``, ``"same"``, ``"full"``,
        must return the shape of ``scipy.signal.correlate2d`` as a tuple of
        two ints.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_output_shape_2d(lambda n, k, mode: n)  # doctest: +ELLIPSIS
    ❌ Not yet (output_shape_2d): mode='valid', ...
    CheckResult(ok=False)
    """
    pairs = [
        ((5, 5), (3, 3)),
        ((6, 7), (2, 5)),
        ((512, 512), (9, 9)),
        ((28, 28), (4, 4)),
        ((10, 3), (1, 3)),
        ((8, 8), (8, 8)),
    ]
    hints = {
        "valid": "count the positions where the whole kernel lies inside the image",
        "same": "'same' keeps the size of the input",
        "full": "count every position where the kernel overlaps the image at least "
        "partly (the deck's picture of this mode has a typo)",
    }

    def body():
        for mode in ("valid", "same", "full"):
            for n, k in pairs:
                got = _call(func, "output_shape_2d", n, k, mode)
                if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(
                    isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got
                ):
                    raise _Failed(f"output_shape_2d must return a tuple of two ints; got {_short(got)}")
                want = {
                    "valid": (n[0] - k[0] + 1, n[1] - k[1] + 1),
                    "same": n,
                    "full": (n[0] + k[0] - 1, n[1] + k[1] - 1),
                }[mode]
                if tuple(int(v) for v in got) != tuple(want):
                    raise _Failed(
                        f"mode={mode!r}, image {n}, kernel {k}: {tuple(got)} is not right. "
                        f"Hint: {hints[mode]}."
                    )
        return f"right for all 3 modes on {len(pairs)} (image, kernel) pairs."

    return _run("output_shape_2d", body)


def check_ncc_map(func) -> CheckResult:
    """Check ``func(image, template)``: the normalised cross-correlation map.

    Parameters
    ----------
    func : callable
        ``func(image, template)`` with 2D float arrays ``image`` (N1, N2) and
        ``template`` (K1, K2), no larger than the image, must return the
        Pearson correlation between the template and the image patch at every
        valid offset: a float array of shape (N1 - K1 + 1, N2 - K2 + 1), equal
        to ``skimage.feature.match_template(image, template)``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from skimage.feature import match_template
    >>> check_ncc_map(match_template)
    ✅ Correct (ncc_map): matches skimage.feature.match_template on 4 test images.
    CheckResult(ok=True)
    """
    from numpy.lib.stride_tricks import sliding_window_view
    from skimage.feature import match_template

    rng = np.random.default_rng(3)
    ramp = np.add.outer(np.arange(14.0), np.arange(18.0)) * 10  # uneven lighting
    textured = rng.normal(size=(14, 18)) * 20 + 100 + ramp
    cases = [
        (rng.normal(size=(10, 12)), rng.normal(size=(3, 4))),
        (textured, textured[4:9, 6:12].copy()),
        (rng.random((9, 9)) * 255, rng.random((5, 5)) * 255),
        (rng.normal(size=(8, 11)) + 5, rng.normal(size=(2, 6)) + 5),
    ]

    def variants(image, template):
        patches = sliding_window_view(image, template.shape)
        t0 = template - template.mean()
        p0 = patches - patches.mean(axis=(2, 3), keepdims=True)
        raw = np.einsum("ijab,ab->ij", patches, template)
        cosine = raw / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))
        covariance = np.einsum("ijab,ab->ij", p0, t0)
        g0 = patches - image.mean()
        global_mean = np.einsum("ijab,ab->ij", g0, t0) / np.sqrt(
            np.sum(g0**2, axis=(2, 3)) * np.sum(t0**2)
        )
        return raw, cosine, covariance, global_mean

    def body():
        for image, template in cases:
            got = _as_2d(_call(func, "ncc_map", image.copy(), template.copy()), "ncc_map")
            want = match_template(image, template)
            if got.shape != want.shape:
                raise _Failed(
                    f"for an image of shape {image.shape} and a template of shape "
                    f"{template.shape} the map has shape {got.shape}. Hint: one value per "
                    "offset where the whole template lies inside the image (valid mode)."
                )
            if np.allclose(got, want, atol=1e-6):
                continue
            raw, cosine, covariance, global_mean = variants(image, template)
            if np.allclose(got, raw):
                raise _Failed(
                    "this is raw correlation. Hint: subtract the means and divide by the "
                    "spreads, as in the formula of section 5."
                )
            if np.allclose(got, cosine):
                raise _Failed(
                    "the means are missing. Hint: subtract the patch's mean from the patch "
                    "and the template's mean from the template before multiplying."
                )
            if np.allclose(got, covariance):
                raise _Failed(
                    "the normalisation is missing (values should lie between -1 and 1). "
                    "Hint: divide by the square root of the two sums of squares."
                )
            if np.allclose(got, global_mean):
                raise _Failed(
                    "you subtract the mean of the whole image. Hint: subtract the mean of "
                    "each patch, computed at each offset."
                )
            if np.nanmax(np.abs(got)) > 1 + 1e-9:
                raise _Failed(
                    "some values lie outside [-1, 1]. Hint: check the denominator of the formula."
                )
            raise _Failed(
                f"wrong values for an image of shape {image.shape} and a template of shape "
                f"{template.shape}. Hint: at each offset, compute the Pearson correlation "
                "of the patch and the template."
            )
        return f"matches skimage.feature.match_template on {len(cases)} test images."

    return _run("ncc_map", body)


def check_diagonal_detector(func) -> CheckResult:
    """Check ``func()``: a 3x3 kernel of +-1 that detects a diagonal stroke.

    On images of -1 and +1, the valid-mode correlation with the kernel, divided
    by 9, must be exactly 1 where the patch is the stroke
    ``[[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]`` and smaller elsewhere.

    Parameters
    ----------
    func : callable
        ``func()`` returns a (3, 3) array of -1 and +1.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_diagonal_detector(lambda: np.ones((3, 3)))  # doctest: +ELLIPSIS
    ❌ Not yet (diagonal_detector): ...
    CheckResult(ok=False)
    """
    from scipy.signal import correlate2d

    stroke = 2 * np.eye(3) - 1
    rng = np.random.default_rng(4)
    images = []
    for _ in range(5):
        image = rng.choice([-1.0, 1.0], size=(9, 10))
        image[2:5, 3:6] = stroke
        image[5:8, 0:3] = stroke
        images.append(image)

    def body():
        kernel = _as_2d(_call(func, "diagonal_detector"), "diagonal_detector")
        if kernel.shape != (3, 3):
            raise _Failed(f"the kernel must have shape (3, 3); got {kernel.shape}")
        if not np.all(np.isin(kernel, (-1.0, 1.0))):
            raise _Failed("the kernel must hold only -1 and +1.")
        for image in images:
            score = correlate2d(image, kernel, "valid") / 9
            windows = np.lib.stride_tricks.sliding_window_view(image, (3, 3))
            is_stroke = np.all(windows == stroke, axis=(2, 3))
            if np.allclose(score[is_stroke], 1) and np.all(score[~is_stroke] < 1):
                continue
            if np.allclose(score[is_stroke], -1):
                raise _Failed("the kernel gives -1 on the stroke: its signs are inverted.")
            if np.array_equal(kernel, stroke[::-1]):
                raise _Failed(
                    "this detects the other diagonal, from bottom-left to top-right. "
                    "Hint: correlation does not flip the kernel."
                )
            raise _Failed(
                "the score is not 1 on the stroke, or reaches 1 elsewhere. Hint: each "
                "product is +1 where kernel and patch agree and -1 where they differ."
            )
        return "scores exactly 1 on the stroke and less everywhere else, on 5 test images."

    return _run("diagonal_detector", body)


# --------------------------------------------------------------------------
# lesson 05
# --------------------------------------------------------------------------
def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _stack_reference(input_shape, stack):
    """Shape and parameter count after each layer of a lesson-05 layer stack."""
    from .conv import conv_output_size

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
        ((10, 10, 3), [("conv", 8, 3, 1, 0)]),
        ((9, 9, 2), [("conv", 4, 3, 2, 1)]),
        ((227, 227, 3), [("conv", 96, 11, 4, 0)]),
        ((28, 28, 16), [("pool", 2, 2)]),
        ((13, 13, 5), [("pool", 3, 2)]),
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
    >>> check_inverted_dropout(lambda x, rate, rng: x * (rng.random(x.shape) >= rate) / (1 - rate))
    ✅ Correct (inverted_dropout): drops the right share of numbers, scales the rest and keeps the mean, for 3 rates.
    CheckResult(ok=True)
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
    cases = [one_way, np.array([[90, 3, 1], [4, 80, 0], [2, 7, 70]]), big, big.T.copy()]

    def want(cm):
        both = cm + cm.T
        np.fill_diagonal(both, -1)
        i, j = np.unravel_index(np.argmax(both), both.shape)
        return (int(min(i, j)), int(max(i, j)))

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
            if (i, j) != want(cm):
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
        return "the deck's CNN with a 3x3 first layer: right layers, shapes and parameter count."

    return _run("first_layer_3x3", body)


# --------------------------------------------------------------------------
# lesson 03
# --------------------------------------------------------------------------
def check_gaussian_kernel(func) -> CheckResult:
    """Check ``func(size, sigma)``: a normalised 2D Gaussian kernel.

    Parameters
    ----------
    func : callable
        ``func(size, sigma)`` with an odd int ``size`` and a float ``sigma > 0``
        must return a float array of shape (size, size) with weights
        ``exp(-(k1**2 + k2**2) / (2 * sigma**2))``, ``k1, k2`` measured from the
        middle pixel, divided by their sum.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_gaussian_kernel(lambda size, sigma: np.ones((size, size)) / size**2)  # doctest: +ELLIPSIS
    ❌ Not yet (gaussian_kernel): ...
    CheckResult(ok=False)
    """
    cases = [(5, 1.0), (9, 3.0), (3, 0.5), (7, 2.0), (1, 1.0)]

    def gauss(size, sigma, centre, denominator):
        k = np.arange(size) - centre
        w = np.exp(-np.add.outer(k**2, k**2) / denominator(sigma))
        return w / w.sum()

    def body():
        for size, sigma in cases:
            got = _as_2d(_call(func, "gaussian_kernel", size, sigma), "gaussian_kernel")
            if got.shape != (size, size):
                raise _Failed(f"for size={size} the kernel has shape {got.shape}; it should be square, size x size.")
            want = gauss(size, sigma, size // 2, lambda s: 2 * s**2)
            if np.allclose(got, want):
                continue
            if not np.isclose(got.sum(), 1.0):
                raise _Failed(
                    f"for size={size}, sigma={sigma} the weights add up to {got.sum():.3g}. "
                    "Hint: a flat image must keep its brightness, so divide by the sum."
                )
            if np.allclose(got, gauss(size, sigma, size // 2, lambda s: s**2)):
                raise _Failed("the bell is too narrow. Hint: look again at the denominator of the exponent.")
            if np.allclose(got, gauss(size, sigma, size // 2, lambda s: 2 * s)):
                raise _Failed("the width does not scale right with sigma. Hint: sigma appears squared.")
            if not np.allclose(got, got[::-1, ::-1]):
                raise _Failed(
                    f"for size={size} the kernel is not symmetric about its middle pixel. "
                    "Hint: measure k1 and k2 from the centre, from -(size // 2) to size // 2."
                )
            raise _Failed(
                f"wrong weights for size={size}, sigma={sigma}. Hint: the weight of pixel "
                "(k1, k2) depends on its squared distance k1**2 + k2**2 from the centre."
            )
        return f"right for {len(cases)} (size, sigma) pairs, from 1x1 to 9x9."

    return _run("gaussian_kernel", body)


def _sobel_magnitude(image):
    from scipy.signal import correlate2d

    gx = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    zx = correlate2d(image, gx, mode="valid")
    zy = correlate2d(image, gx.T, mode="valid")
    return zx, zy


def check_luminance_edges(func) -> CheckResult:
    """Check ``func(rgb)``: the Sobel gradient magnitude of a colour image's luminance.

    Parameters
    ----------
    func : callable
        ``func(rgb)`` with a uint8 array of shape (H, W, 3) must return the
        float array ``sqrt(Zx**2 + Zy**2)`` of shape (H - 2, W - 2), where
        ``Zx`` and ``Zy`` are the valid-mode correlations of
        ``skimage.color.rgb2gray(rgb)`` (values 0 to 1) with the deck's Sobel
        kernels ``Gx = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]`` and ``Gy = Gx.T``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_luminance_edges(lambda rgb: rgb[1:-1, 1:-1, 0])  # doctest: +ELLIPSIS
    ❌ Not yet (luminance_edges): ...
    CheckResult(ok=False)
    """
    from skimage import color, data

    rng = np.random.default_rng(5)
    cases = [
        data.astronaut()[100:140, 180:230],
        data.chelsea()[60:110, 120:160],
        rng.integers(0, 256, size=(12, 15, 3)).astype(np.uint8),
    ]

    def body():
        for rgb in cases:
            got = _as_2d(_call(func, "luminance_edges", rgb.copy()), "luminance_edges")
            h, w = rgb.shape[:2]
            if got.shape != (h - 2, w - 2):
                raise _Failed(
                    f"for an image of shape {rgb.shape} the result has shape {got.shape}. "
                    "Hint: apply the kernels in 'valid' mode, as in section 5."
                )
            zx, zy = _sobel_magnitude(color.rgb2gray(rgb))
            want = np.hypot(zx, zy)
            if np.allclose(got, want):
                continue
            if np.allclose(got, 255 * want):
                raise _Failed(
                    "the values are 255 times too large. Hint: use the luminance as "
                    "color.rgb2gray returns it, between 0 and 1."
                )
            mzx, mzy = _sobel_magnitude(rgb.astype(float).mean(axis=2))
            if np.allclose(got, np.hypot(mzx, mzy)) or np.allclose(got, np.hypot(mzx, mzy) / 255):
                raise _Failed(
                    "this uses the plain mean of R, G and B. Hint: the eye finds green "
                    "brighter than blue; use color.rgb2gray, which weighs the channels."
                )
            if np.allclose(got, np.abs(zx)) or np.allclose(got, np.abs(zy)):
                raise _Failed("this uses one Sobel filter only. Hint: combine Zx and Zy.")
            if np.allclose(got, zx**2 + zy**2):
                raise _Failed("the square root is missing.")
            raise _Failed(
                f"wrong values for an image of shape {rgb.shape}. Hint: luminance with "
                "color.rgb2gray, then correlate (not convolve) with Gx and Gy in "
                "'valid' mode, then the gradient magnitude."
            )
        return f"right on {len(cases)} colour images (two photographs and random noise)."

    return _run("luminance_edges", body)


def check_edge_threshold(func) -> CheckResult:
    """Check ``func(magnitude, fraction)``: the threshold that keeps the strongest pixels.

    Parameters
    ----------
    func : callable
        ``func(magnitude, fraction)`` with a 2D float array ``magnitude``
        (H, W) and a float ``0 < fraction < 1`` must return a number ``t``
        such that ``np.mean(magnitude > t)`` is ``fraction`` (to within one
        pixel's share, plus 0.5%).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_edge_threshold(lambda m, fraction: fraction * m.max())  # doctest: +ELLIPSIS
    ❌ Not yet (edge_threshold): ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(6)
    arrays = [
        rng.exponential(50.0, size=(40, 50)),
        rng.random((30, 30)) ** 3 * 1000,
        np.abs(rng.normal(size=(64, 48))),
    ]
    cases = [(m, f) for m in arrays for f in (0.1, 0.25, 0.02)]

    def body():
        for magnitude, fraction in cases:
            got = _call(func, "edge_threshold", magnitude.copy(), fraction)
            try:
                t = float(np.asarray(got, dtype=float))
            except (TypeError, ValueError):
                raise _Failed(f"edge_threshold must return one number; got {_short(got)}") from None
            kept = float(np.mean(magnitude > t))
            if abs(kept - fraction) <= 1 / magnitude.size + 0.005:
                continue
            if abs(kept - (1 - fraction)) <= 1 / magnitude.size + 0.005:
                raise _Failed(
                    f"with fraction={fraction} your threshold keeps {kept:.0%} of the pixels: "
                    "the weakest ones are cut too little. Hint: the strongest "
                    f"{fraction:.0%} lie above the threshold, the other {1 - fraction:.0%} below."
                )
            if np.isclose(t, fraction * magnitude.max()):
                raise _Failed(
                    f"a fraction of the largest value is not a fraction of the pixels "
                    f"(it keeps {kept:.1%} here). Hint: think of the values sorted from "
                    "weakest to strongest."
                )
            raise _Failed(
                f"with fraction={fraction} your threshold keeps {kept:.1%} of the pixels. "
                "Hint: think of the values sorted from weakest to strongest."
            )
        return f"keeps the requested share of pixels on {len(cases)} (array, fraction) cases."

    return _run("edge_threshold", body)


# --------------------------------------------------------------------------
# lesson 07
# --------------------------------------------------------------------------
def _int_result(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _Failed(f"{name} must return an int; got a {type(value).__name__}")
    return int(value)


def check_vgg_block_params(func) -> CheckResult:
    """Check ``func(c_in, c_out, n_convs)``: the parameters of a VGG block.

    Parameters
    ----------
    func : callable
        ``func(c_in, c_out, n_convs)`` with ints >= 1 must return an int: the
        parameters of ``n_convs`` 3x3 convolutions with biases, the first
        mapping ``c_in`` to ``c_out`` channels, the others ``c_out`` to ``c_out``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_vgg_block_params(lambda a, b, n: 9 * a * b + b + (n - 1) * (9 * b * b + b))
    ✅ Correct (vgg_block_params): right for 6 blocks, VGG16's five among them.
    CheckResult(ok=True)
    """
    cases = [(3, 64, 2), (64, 128, 2), (128, 256, 3), (256, 512, 3), (512, 512, 3), (1, 8, 1)]

    def want(a, b, n):
        return 9 * a * b + b + (n - 1) * (9 * b * b + b)

    def body():
        for a, b, n in cases:
            got = _int_result(_call(func, "vgg_block_params", a, b, n), "vgg_block_params")
            if got == want(a, b, n):
                continue
            if got == 9 * a * b + (n - 1) * 9 * b * b:
                hint = "every convolution also has one bias per output channel"
            elif got == n * (9 * a * b + b):
                hint = "only the first convolution reads c_in channels; the others read c_out"
            elif got == a * b + b + (n - 1) * (b * b + b):
                hint = "each weight kernel is 3x3, so it has 9 weights per input channel"
            else:
                hint = "add up the convolutions one by one: 3*3*channels_in*channels_out + channels_out"
            raise _Failed(f"vgg_block_params({a}, {b}, {n}) = {got} is not right. Hint: {hint}.")
        return f"right for {len(cases)} blocks, VGG16's five among them."

    return _run("vgg_block_params", body)


def check_inception_macs(func) -> CheckResult:
    """Check ``func(h, w, c_in, spec)``: an Inception module's multiply-adds.

    Parameters
    ----------
    func : callable
        ``func(h, w, c_in, spec)`` with ints ``h, w, c_in`` and ``spec`` a tuple
        ``(n1, n3r, n3, n5r, n5, npool)`` must return a pair of ints
        ``(naive, reduced)``: the multiply-adds without and with the 1x1
        reductions and pool projection ("same" convolutions, biases ignored).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def macs(h, w, c, s):
    ...     n1, n3r, n3, n5r, n5, npool = s
    ...     return (h * w * c * (n1 + 9 * n3 + 25 * n5),
    ...             h * w * (c * (n1 + n3r + n5r + npool) + 9 * n3r * n3 + 25 * n5r * n5))
    >>> check_inception_macs(macs)
    ✅ Correct (inception_macs): right without and with reductions for 4 modules.
    CheckResult(ok=True)
    """
    cases = [
        (28, 28, 192, (64, 96, 128, 16, 32, 32)),
        (14, 14, 480, (192, 96, 208, 16, 48, 64)),
        (7, 7, 832, (384, 192, 384, 48, 128, 128)),
        (5, 3, 10, (2, 3, 4, 1, 2, 3)),
    ]

    def want(h, w, c, s):
        n1, n3r, n3, n5r, n5, npool = s
        naive = h * w * c * (n1 + 9 * n3 + 25 * n5)
        reduced = h * w * (c * (n1 + n3r + n5r + npool) + 9 * n3r * n3 + 25 * n5r * n5)
        return naive, reduced

    def body():
        for h, w, c, s in cases:
            got = _call(func, "inception_macs", h, w, c, s)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"inception_macs must return a pair (naive, reduced); got a {type(got).__name__}")
            naive, reduced = (_int_result(v, "inception_macs (each entry)") for v in got)
            w_naive, w_reduced = want(h, w, c, s)
            if (naive, reduced) == (w_naive, w_reduced):
                continue
            args = f"inception_macs({h}, {w}, {c}, {s})"
            if (naive, reduced) == (w_reduced, w_naive):
                raise _Failed(f"{args}: the pair is in the wrong order. Hint: return (naive, reduced).")
            if naive != w_naive:
                raise _Failed(
                    f"{args}: the naive count {naive} is not right. Hint: without reductions the "
                    "1x1, 3x3 and 5x5 convolutions all read the c_in input channels; a convolution "
                    "costs h*w*c_out*k*k*c_in, and the pool branch costs nothing."
                )
            raise _Failed(
                f"{args}: the reduced count {reduced} is not right. Hint: there are six "
                "convolutions; the 3x3 reads n3r channels, the 5x5 reads n5r, and the 1x1 "
                "reductions and the pool projection read c_in."
            )
        return f"right without and with reductions for {len(cases)} modules."

    return _run("inception_macs", body)


def check_receptive_field(func) -> CheckResult:
    """Check ``func(kernels, strides)``: the receptive field of a stack of layers.

    Parameters
    ----------
    func : callable
        ``func(kernels, strides)`` with two equally long lists of ints >= 1
        (input side first) must return the receptive field in input pixels
        along one axis, an int.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from course_utils.arch import receptive_field
    >>> check_receptive_field(receptive_field)
    ✅ Correct (receptive_field): right for 7 stacks.
    CheckResult(ok=True)
    """
    cases = [
        ([3], [1]), ([3, 3], [1, 1]), ([1], [1]), ([2, 2, 2], [2, 2, 2]),
        ([7, 3, 3], [2, 2, 1]), ([3, 3, 2, 3, 3, 2], [1, 1, 2, 1, 1, 2]),
        ([11, 3, 5, 3], [4, 2, 1, 2]),
    ]

    def want(kernels, strides):
        field, jump = 1, 1
        for k, s in zip(kernels, strides):
            field += (k - 1) * jump
            jump *= s
        return field

    def body():
        for kernels, strides in cases:
            got = _int_result(_call(func, "receptive_field", list(kernels), list(strides)), "receptive_field")
            if got == want(kernels, strides):
                continue
            if got == 1 + sum(k - 1 for k in kernels):
                hint = ("the strides matter: after a layer with stride s, one step of the next "
                        "layer moves s input pixels (multiply the strides of all earlier layers)")
            elif got == sum(kernels):
                hint = "one layer with kernel k sees k pixels, two 3x3 layers see 5, not 6"
            else:
                hint = "each layer adds (k - 1) times the product of the strides of the layers before it"
            raise _Failed(f"receptive_field({kernels}, {strides}) = {got} is not right. Hint: {hint}.")
        return f"right for {len(cases)} stacks."

    return _run("receptive_field", body)


def check_residual_block(func) -> CheckResult:
    """Check ``func(x, filters, stride)``: a residual block built with Keras layers.

    Parameters
    ----------
    func : callable
        ``func(x, filters, stride)`` with a Keras tensor ``x`` of shape
        ``(batch, H, W, C)`` must return a Keras tensor: ReLU(shortcut + F(x)),
        F = 3x3 conv (``filters``, ``stride``, "same", ReLU) then 3x3 conv
        (``filters``, "same"); shortcut = ``x`` when ``stride == 1`` and
        ``C == filters``, else a 1x1 conv with ``filters`` and ``stride``.
        Biases everywhere, no batch normalisation.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def block(x, filters, stride):
    ...     from keras import layers, activations
    ...     f = layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    ...     f = layers.Conv2D(filters, 3, padding="same")(f)
    ...     s = x if stride == 1 and x.shape[-1] == filters else layers.Conv2D(filters, 1, strides=stride)(x)
    ...     return activations.relu(layers.Add()([s, f]))
    >>> check_residual_block(block)   # doctest: +SKIP
    ✅ Correct (residual_block): shapes, parameters and shortcut right for 4 blocks.
    CheckResult(ok=True)
    """
    import keras

    cases = [((8, 8, 4), 8, 2), ((8, 8, 8), 8, 1), ((6, 6, 4), 8, 1), ((7, 7, 6), 6, 2)]

    def body():
        for shape, filters, stride in cases:
            h, w, c = shape
            inp = keras.Input(shape=shape)
            out = _call(func, "residual_block", inp, filters, stride)
            try:
                model = keras.Model(inp, out)
            except Exception as err:
                raise _Failed(
                    f"could not build a model from the block's output ({type(err).__name__}). "
                    "Hint: return the Keras tensor after the final ReLU."
                ) from None
            args = f"input {shape}, filters={filters}, stride={stride}"
            want_shape = (-(-h // stride), -(-w // stride), filters)
            if tuple(model.output.shape[1:]) != want_shape:
                raise _Failed(
                    f"{args}: output shape {tuple(model.output.shape[1:])} is not right. Hint: "
                    "'same' padding and the stride on the first 3x3 convolution (and on the projection)."
                )
            projection = stride != 1 or c != filters
            main = 9 * c * filters + filters + 9 * filters * filters + filters
            want_params = main + (c * filters + filters if projection else 0)
            got_params = model.count_params()
            if got_params != want_params:
                if projection and got_params == main:
                    hint = "the shapes differ here, so the shortcut needs a 1x1 convolution with the stride"
                elif not projection and got_params > main:
                    hint = "when the shapes already match, the shortcut is x itself, with no weights"
                else:
                    hint = ("two 3x3 convolutions with biases (and a 1x1 projection only when "
                            "needed), no batch normalisation")
                raise _Failed(f"{args}: the block has {got_params} parameters. Hint: {hint}.")
            if not projection:
                # with every weight zero, F(x) = 0, so the block must give ReLU(x)
                for var in model.weights:
                    var.assign(np.zeros(var.shape, dtype="float32"))
                x = np.random.default_rng(0).normal(size=(2, *shape)).astype("float32")
                y = np.asarray(model(x))
                if np.allclose(y, 0):
                    raise _Failed(f"{args}: with F(x) = 0 the block outputs 0. Hint: add the shortcut x.")
                if np.allclose(y, x):
                    raise _Failed(f"{args}: the block's output can be negative. Hint: apply ReLU after the addition.")
                if not np.allclose(y, np.maximum(x, 0), atol=1e-6):
                    raise _Failed(f"{args}: with F(x) = 0 the block does not give ReLU(x). "
                                  "Hint: the output is ReLU(x + F(x)).")
        return f"shapes, parameters and shortcut right for {len(cases)} blocks."

    return _run("residual_block", body)


# --------------------------------------------------------------------------
# lesson 06
# --------------------------------------------------------------------------
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
        ``model.layers`` but the last ``k`` (those get ``trainable = True``) and
        return the number of trainable parameters that remain, an int.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def freeze(model, k):
    ...     for i, layer in enumerate(model.layers):
    ...         layer.trainable = i >= len(model.layers) - k
    ...     return sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    >>> check_freeze_all_but_last(freeze)
    ✅ Correct (freeze_all_but_last): right flags and counts for k = 0, 1, 3, 5 and 8.
    CheckResult(ok=True)
    """

    def body():
        for k in (0, 1, 3, 5, 8):
            model = _small_convnet()
            n = len(model.layers)
            got = _int_result(_call(func, "freeze_all_but_last", model, k), "freeze_all_but_last")
            flags = [layer.trainable for layer in model.layers]
            want_flags = [i >= n - k for i in range(n)]
            # the counts a student may confuse: all parameters of the last k layers, or of the model
            last_k = [layer for i, layer in enumerate(model.layers) if i >= n - k]
            all_of_last_k = sum(layer.count_params() for layer in last_k)
            if flags != want_flags:
                wrong = [model.layers[i].name for i in range(n) if flags[i] != want_flags[i]]
                raise _Failed(
                    f"freeze_all_but_last(model, {k}): the layers {wrong} have the wrong `trainable` "
                    "flag. Hint: go through model.layers; a layer trains exactly when it is one of "
                    "the last k (and with k = 0 none does)."
                )
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
            raise _Failed(f"freeze_all_but_last(model, {k}) returned {got}, which is not the number "
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
    >>> import keras
    >>> def head(n, c):
    ...     inp = keras.Input(shape=(n,))
    ...     return keras.Model(inp, keras.layers.Dense(c, activation="softmax")(inp))
    >>> check_build_head(head)
    ✅ Correct (build_head): the heads for (1280, 5), (256, 3) and (4, 2) are right.
    CheckResult(ok=True)
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
    >>> def subset(y, n, seed):
    ...     rng = np.random.default_rng(seed)
    ...     return np.concatenate([rng.choice(np.flatnonzero(y == c), n, replace=False)
    ...                            for c in np.unique(y)])
    >>> check_per_class_subset(subset)
    ✅ Correct (per_class_subset): n of every class, no repeats, random and reproducible.
    CheckResult(ok=True)
    """
    y = np.repeat(np.arange(5), [40, 60, 30, 45, 50])
    np.random.default_rng(6).shuffle(y)

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
            if len(set(idx.tolist())) != len(idx):
                raise _Failed(f"per_class_subset(y, {n}, 0) picks some examples twice. "
                              "Hint: rng.choice(..., replace=False).")
            if not np.all(counts == n):
                raise _Failed(f"per_class_subset(y, {n}, 0) gives {counts.tolist()} examples per class; "
                              f"expected {n} of each. Hint: choose among np.flatnonzero(y == c) for each class c.")
        a, b, c = get(y, 10, 1), get(y, 10, 1), get(y, 10, 2)
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
    >>> def pr(cm):
    ...     d = np.diag(cm).astype(float)
    ...     return d / np.maximum(cm.sum(axis=0), 1), d / cm.sum(axis=1)
    >>> check_precision_recall(pr)
    ✅ Correct (precision_recall): right on 3 confusion matrices.
    CheckResult(ok=True)
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
                              "classes (recall divides by row sums), columns the predictions.")
            which = "precision" if not np.allclose(p, wp) else "recall"
            raise _Failed(f"{call}: the {which} is not right. Hint: divide the diagonal by the "
                          f"{'column' if which == 'precision' else 'row'} sums.")
        return f"right on {len(cases)} confusion matrices."

    return _run("precision_recall", body)
