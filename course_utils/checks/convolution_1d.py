"""Checks for the exercises of lesson 01 (``lessons/01_convolution_1d.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _as_vector, _call, _Failed, _run, _short

__all__ = [
    "check_correlate_loop",
    "check_output_length",
    "check_moving_average_kernel",
    "check_interpolation_kernel",
]


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
