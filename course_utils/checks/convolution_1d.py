"""Checks for the exercises of lesson 01 (``lessons/01_convolution_1d.ipynb``)."""

from __future__ import annotations

import ast

import numpy as np

from ._core import (
    _LOOPS,
    CheckResult,
    _as_vector,
    _attr,
    _call,
    _Failed,
    _forbid,
    _function_trees,
    _judge_answers,
    _recording,
    _run,
    _short,
)

__all__ = [
    "check_correlate_loop",
    "check_same_padding",
    "check_smoothed_difference_kernel",
    "check_interpolation_kernel",
    "check_predict_convolution",
]


def _convolution_calls() -> dict:
    """Library functions that correlate or convolve, by the names a student would write."""
    import scipy.ndimage
    import scipy.signal

    from .. import conv

    return {
        "np.correlate": np.correlate,
        "np.convolve": np.convolve,
        "np.polymul": np.polymul,
        "np.polynomial.polynomial.polymul": np.polynomial.polynomial.polymul,
        "scipy.signal.correlate": scipy.signal.correlate,
        "scipy.signal.convolve": scipy.signal.convolve,
        "scipy.signal.fftconvolve": scipy.signal.fftconvolve,
        "scipy.signal.oaconvolve": scipy.signal.oaconvolve,
        "scipy.signal.lfilter": scipy.signal.lfilter,
        "scipy.ndimage.correlate1d": scipy.ndimage.correlate1d,
        "scipy.ndimage.convolve1d": scipy.ndimage.convolve1d,
        "scipy.ndimage.correlate": scipy.ndimage.correlate,
        "scipy.ndimage.convolve": scipy.ndimage.convolve,
        "conv.conv1d": conv.conv1d,
        "conv.correlate1d": conv.correlate1d,
        # (not keras.ops.conv or tf.nn.convolution: their last names, "conv" and
        # "convolution", are what students call their own variables)
        "tf.nn.conv1d": _attr("tensorflow", "nn", "conv1d"),
        "keras.layers.Conv1D": _attr("keras", "layers", "Conv1D"),
    }


def _window_shortcuts() -> dict:
    """Loop-free ways to get every window or the whole result at once (exercise 1 rules them out)."""
    import scipy.fft
    import scipy.linalg
    import scipy.signal

    return {
        "np.fft.fft": np.fft.fft, "np.fft.ifft": np.fft.ifft,
        "np.fft.rfft": np.fft.rfft, "np.fft.irfft": np.fft.irfft,
        "scipy.fft.fft": scipy.fft.fft, "scipy.fft.ifft": scipy.fft.ifft,
        "scipy.fft.rfft": scipy.fft.rfft, "scipy.fft.irfft": scipy.fft.irfft,
        "scipy.linalg.toeplitz": scipy.linalg.toeplitz,
        "scipy.linalg.hankel": scipy.linalg.hankel,
        "scipy.linalg.circulant": scipy.linalg.circulant,
        "scipy.linalg.convolution_matrix": scipy.linalg.convolution_matrix,
        "scipy.signal.correlate2d": scipy.signal.correlate2d,
        "scipy.signal.convolve2d": scipy.signal.convolve2d,
        "np.lib.stride_tricks.sliding_window_view": np.lib.stride_tricks.sliding_window_view,
        "np.lib.stride_tricks.as_strided": np.lib.stride_tricks.as_strided,
        "np.take": np.take,
    }


def _has_loop(func) -> bool:
    """True if ``func``'s source, or that of a function of the student's own it uses, has a loop."""
    trees = _function_trees(func)
    return bool(trees) and any(isinstance(node, _LOOPS) for tree in trees for node in ast.walk(tree))


def _require_loop(func, name: str) -> None:
    """Raise :class:`_Failed` unless ``func`` (or a helper of the student's it calls) has a loop."""
    if _recording():
        return  # when grading, the judge reads the exercise cell
    if not _has_loop(func):
        raise _Failed(f"{name} has no loop; this exercise asks for a Python loop (for, while or a "
                      "comprehension) over the output positions or the kernel taps.")


def check_correlate_loop(func) -> CheckResult:
    """Check a loop implementation of valid-mode 1D cross-correlation, ``func(x, h)``.

    ``func`` must contain a Python loop (``for``, ``while`` or a comprehension)
    and must not use a library function that correlates or convolves
    (``np.correlate``, ``np.convolve``, ``np.polymul``, ``scipy.signal``'s and
    ``scipy.ndimage``'s correlate/convolve functions, ``lfilter``,
    ``course_utils.conv``, TensorFlow or Keras convolutions), nor the FFT, nor
    ready-made windows: ``sliding_window_view``, ``as_strided``, ``toeplitz``,
    ``hankel``, ``circulant``, ``convolution_matrix``, ``np.take``. (Indexing
    ``x`` with index arrays built in the loop, or before it, is allowed.)

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
    >>> def correlate_loop(x, h):
    ...     return np.correlate(x, h, "valid")
    >>> check_correlate_loop(correlate_loop)  # doctest: +ELLIPSIS
    ❌ Not yet (correlate_loop): correlate_loop uses np.correlate..., which this exercise rules out: ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(1)
    cases = [
        (np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 1.0])),
        (rng.normal(size=7), rng.normal(size=3)),
        (np.array([0.0, 1.0, 0.0, 0.0, 2.0]), np.array([1.0, 2.0, 3.0])),
        (rng.normal(size=9), rng.normal(size=4)),   # even kernel
        (rng.normal(size=5), rng.normal(size=5)),   # kernel as long as the signal: one output
        (rng.normal(size=6), rng.normal(size=1)),   # length-one kernel
        (np.array([2.0]), np.array([-3.0])),        # length-one signal and kernel
        (rng.normal(size=8), rng.normal(size=2)),
    ]

    def body():
        _forbid(func, "correlate_loop", {**_convolution_calls(), **_window_shortcuts()})
        for x, h in cases:
            got = _call(func, "correlate_loop", x.copy(), h.copy())
            int_output = np.asarray(got).dtype.kind in "iub"
            got = _as_vector(got, "correlate_loop")
            want = np.correlate(x, h, "valid")
            if got.shape != want.shape:
                raise _Failed(
                    f"for len(x)={len(x)} and len(h)={len(h)} the output has "
                    f"length {len(got)}. Hint: count the positions where the "
                    "whole kernel fits inside x (the first and the last included)."
                )
            if np.allclose(got, want):
                continue
            if int_output:
                raise _Failed(
                    f"wrong values for x={np.round(x, 2).tolist()}, h={np.round(h, 2).tolist()}: "
                    "your output is an int array, which cuts every sum to a whole number. "
                    "Hint: use floats (np.zeros(n) is float by default)."
                )
            if len(h) > 1 and np.allclose(got, np.convolve(x, h, "valid")):
                raise _Failed(
                    "this is convolution (the kernel is flipped). Hint: "
                    "correlation multiplies x[n + k] with h[k], no flip."
                )
            if len(want) > 1 and np.allclose(got, want[::-1]):
                raise _Failed("the outputs come out in reverse order. Hint: y[0] uses x[0] .. x[K-1].")
            if len(want) > 1 and got[-1] == 0 and np.allclose(got[:-1], want[:-1]):
                raise _Failed(
                    f"all outputs but the last are right (len(x)={len(x)}, len(h)={len(h)}). "
                    "Hint: the last position, where the kernel ends at x's last sample, counts too."
                )
            raise _Failed(
                f"wrong values for x={np.round(x, 2).tolist()}, "
                f"h={np.round(h, 2).tolist()}. Hint: y[n] adds x[n + k] * h[k] "
                "over k = 0 .. len(h) - 1."
            )
        _require_loop(func, "correlate_loop")
        return (f'matches np.correlate(x, h, "valid") on {len(cases)} test signals '
                "(even and odd kernels, kernels of length 1 and of the signal's length).")

    return _run("correlate_loop", body)


def _numpy_same_padding(k: int) -> tuple[int, int]:
    """Zeros before x[0] and after x[-1] under numpy's 'same' windows, found by experiment."""
    n = k + 4
    impulse = np.zeros(n)
    impulse[0] = 1.0
    # With h = [1, 2, ..., k], correlation's first 'same' output sees x[0] under tap h[j]:
    # then its window runs x[-j], ..., x[k-1-j], j samples before x[0]. (np.convolve
    # uses the same windows with the taps reversed.)
    first = np.correlate(impulse, np.arange(1.0, k + 1), "same")[0]
    left = int(round(first)) - 1
    return left, k - 1 - left


def check_same_padding(func) -> CheckResult:
    """Check ``func(k)``: where numpy's ``same`` mode puts its zeros, for odd and even ``k``.

    ``func`` must give a formula in ``k``; it must not call ``np.convolve`` or
    another convolution function.

    Parameters
    ----------
    func : callable
        ``func(k)`` with an int ``k >= 1`` (the kernel length) returns a tuple
        ``(left, right)`` of ints: how many samples the window of the first
        output of ``np.convolve(x, h, "same")`` reaches before ``x[0]``, and the
        window of the last output after ``x[-1]`` (``len(x) >= k``).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def same_padding(k):
    ...     return (k - 1, k - 1)
    >>> check_same_padding(same_padding)  # doctest: +ELLIPSIS
    ❌ Not yet (same_padding): for k=2 ...
    CheckResult(ok=False)
    """
    name = "same_padding"

    def body():
        _forbid(func, name, _convolution_calls())
        for k in range(1, 10):
            got = _call(func, name, k)
            if not isinstance(got, (tuple, list, np.ndarray)) or len(got) != 2:
                raise _Failed(f"{name} must return two ints (left, right); got {_short(got)}")
            if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in got):
                raise _Failed(f"{name} must return two ints (left, right); for k={k} got "
                              f"{tuple(got)!r}. Hint: // divides and rounds down to an int.")
            left, right = (int(v) for v in got)
            want = _numpy_same_padding(k)
            if (left, right) == want:
                continue
            if left + right != k - 1:
                raise _Failed(
                    f"for k={k} your windows reach {left + right} samples outside x in all. "
                    "Hint: 'same' gives as many outputs as x has samples; how many positions "
                    "outside x must the windows cover for that?"
                )
            raise _Failed(
                f"for k={k} (an even kernel) the extra zero is on the wrong side. Hint: "
                "convolve an impulse with [1, 2, 3, 4] in 'same' mode and see where its copy starts."
            )
        return "right for k = 1 .. 9, odd and even."

    return _run(name, body)


def check_smoothed_difference_kernel(func) -> CheckResult:
    """Check ``func(m)``: one kernel for "average m samples, then difference".

    The kernel ``g`` must make ``np.convolve(x, g)`` equal to
    ``np.convolve(np.convolve(x, np.ones(m) / m), [1, -1])`` for every
    signal ``x`` (both in ``full`` mode).

    Parameters
    ----------
    func : callable
        ``func(m)`` with an int ``m >= 1`` returns a 1D float array.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_smoothed_difference_kernel(lambda m: np.zeros(m + 1))  # doctest: +ELLIPSIS
    ❌ Not yet (smoothed_difference_kernel): ...
    CheckResult(ok=False)
    """
    rng = np.random.default_rng(3)
    signals = [rng.normal(size=12), np.arange(10.0), np.r_[np.zeros(6), np.ones(6)]]
    name = "smoothed_difference_kernel"

    def body():
        for m in (1, 2, 3, 5, 8):
            g = _as_vector(_call(func, name, m), name)
            average = np.ones(m) / m
            want = np.convolve(average, [1.0, -1.0])
            if len(g) != len(want):
                raise _Failed(
                    f"for m={m} the kernel has length {len(g)}; it is not that long. Hint: "
                    "feed the two steps an impulse (a single 1 among zeros) and see how far "
                    "the response spreads."
                )
            # Equal outputs for every signal means equal kernels: the impulse gives the kernel.
            if all(np.allclose(np.convolve(x, g), np.convolve(np.convolve(x, average), [1.0, -1.0]))
                   for x in signals):
                continue
            if np.allclose(g, -want):
                raise _Failed(f"for m={m} the sign is reversed. Hint: [1, -1] gives x[n] - x[n-1]; "
                              "convolution, not correlation.")
            if not np.isclose(g.sum(), 0.0):
                raise _Failed(f"for m={m} the taps add up to {g.sum():.3g}. Hint: a constant "
                              "signal has no differences, so what comes out of the two steps?")
            ratio = g[0] / want[0]
            if np.isfinite(ratio) and np.allclose(g, ratio * want):
                raise _Failed(f"for m={m} the shape is right but the scale is off. Hint: the "
                              "average divides by m.")
            raise _Failed(
                f"for m={m} np.convolve(x, g) differs from the two steps. Hint: doing two "
                "convolutions one after the other is one convolution with a single kernel: "
                "which one?"
            )
        return "one kernel does both steps, for m = 1, 2, 3, 5, 8."

    return _run(name, body)


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


# Prediction questions: only salted digests of the answers are stored here.
_PREDICT_DIGESTS = [
    "03079cd63b33ab32884e27eb253a5254df57054cc461edd224546b5fbb1e8712",
    "d762422e42ef4c6f3ec3a2f70f4c190d4cb70d52534a77cf9351db90c232142e",
    "c909ff4154ec9ba39404efac039a074ce1d3a8a967385e6d5b84362e324d5951",
]


def check_predict_convolution(func) -> CheckResult:
    """Check ``func()``: the three predictions of exercise 5.

    Parameters
    ----------
    func : callable
        ``func()`` returns a tuple of three answers: (a) the output of a small
        convolution, as a list of numbers; (b) a letter; (c) an int.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predict_convolution(lambda: ([0, 0, 0], "a", 1))
    ❌ Not yet (predict_convolution): (a) the 'same' output is not right. Hint: (a) flip the kernel, slide it and keep the centre of 'full'; (b) try each kernel on a constant and on a step; (c) follow the length through each step.
    CheckResult(ok=False)
    """
    return _judge_answers(
        func, "predict_convolution", _PREDICT_DIGESTS,
        ["(a) the 'same' output", "(b) the letter of the sharpening kernel", "(c) the final length"],
        "(a) flip the kernel, slide it and keep the centre of 'full'; (b) try each kernel on a "
        "constant and on a step; (c) follow the length through each step.")
