"""Checks for the exercises of lesson 03 (``lessons/03_filters_on_images.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _as_2d, _call, _Failed, _judge_answers, _run, _short

__all__ = [
    "check_gaussian_kernel",
    "check_luminance_edges",
    "check_edge_threshold",
    "check_sobel_prediction",
    "check_chain_shape",
]

_GX = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


# --------------------------------------------------------------------------
# Exercise 1: a Gaussian kernel of any size
# --------------------------------------------------------------------------
def _gauss(size, sigma, centre=None, denominator=None, spacing=1.0):
    centre = (size - 1) / 2 if centre is None else centre
    k = (np.arange(size) - centre) * spacing
    d = 2 * sigma**2 if denominator is None else denominator
    w = np.exp(-np.add.outer(k**2, k**2) / d)
    return w / w.sum()


def check_gaussian_kernel(func) -> CheckResult:
    """Check ``func(size, sigma)``: a normalised 2D Gaussian kernel, odd or even size.

    Parameters
    ----------
    func : callable
        ``func(size, sigma)`` with an int ``size >= 1`` (odd or even) and a
        number ``sigma > 0`` must return a float array of shape (size, size):
        the weights ``exp(-(k1**2 + k2**2) / (2 * sigma**2))``, with ``k1`` and
        ``k2`` the row and column distances from the kernel's centre (the
        middle pixel for an odd size, the point between the two middle pixels
        for an even one), divided by their sum.

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
    cases = [(5, 1.0), (9, 3.0), (3, 0.5), (7, 2), (1, 1.0), (4, 1.0), (2, 0.7), (6, 2.5), (8, 1.5)]

    def body():
        for size, sigma in cases:
            raw = _call(func, "gaussian_kernel", size, sigma)
            got = _as_2d(raw, "gaussian_kernel")
            dtype = np.asarray(raw).dtype
            if dtype.kind != "f":
                raise _Failed(f"for size={size} the kernel has dtype {dtype}; the weights are "
                              "fractions, so return an array of floats.")
            if got.shape != (size, size):
                extra = (" For an even size the kernel stays size x size: its centre lies between "
                         "the two middle pixels." if size % 2 == 0 and got.shape == (size + 1, size + 1) else "")
                raise _Failed(f"for size={size} the kernel has shape {got.shape}; it should be "
                              f"square, size x size.{extra}")
            if not np.all(np.isfinite(got)):
                raise _Failed(f"for size={size}, sigma={sigma} the kernel holds NaN or infinite values.")
            if np.allclose(got, _gauss(size, sigma), rtol=1e-5, atol=1e-9):
                continue
            if not np.isclose(got.sum(), 1.0):
                raise _Failed(
                    f"for size={size}, sigma={sigma} the weights add up to {got.sum():.3g}. "
                    "Hint: a flat image must keep its brightness, so divide by the sum."
                )
            if not (np.allclose(got, got[::-1, ::-1]) and np.allclose(got, got[::-1, :])):
                if size % 2 == 0 and (np.allclose(got, _gauss(size, sigma, centre=size // 2))
                                      or np.allclose(got, _gauss(size, sigma, centre=size // 2 - 1))):
                    raise _Failed(
                        f"for the even size {size} the kernel is centred on a pixel, so it leans to "
                        "one side. Hint: for an even size the centre lies between the two middle "
                        "pixels, half a pixel from each."
                    )
                raise _Failed(
                    f"for size={size} the kernel is not symmetric about its centre. "
                    "Hint: measure k1 and k2 from the centre of the kernel, not from its corner."
                )
            if np.allclose(got, _gauss(size, sigma, denominator=2 * sigma)):
                raise _Failed("the width does not scale right with sigma. Hint: sigma is the "
                              "standard deviation, not the variance.")
            if np.allclose(got, _gauss(size, sigma, denominator=sigma**2)):
                raise _Failed("the bell is too narrow. Hint: look again at the denominator of the exponent.")
            if size % 2 == 0:
                # np.linspace(-(size // 2), size // 2, size): symmetric, but the pixels are too far apart
                if np.allclose(got, _gauss(size, sigma, spacing=size / (size - 1))):
                    raise _Failed(
                        f"for the even size {size} the distances between neighbouring pixels are not 1. "
                        "Hint: neighbours are one pixel apart; only the centre moves by half a pixel."
                    )
            raise _Failed(
                f"wrong weights for size={size}, sigma={sigma}. Hint: the weight of pixel "
                "(k1, k2) depends on its squared distance k1**2 + k2**2 from the centre."
            )
        return f"right for {len(cases)} (size, sigma) pairs, odd and even sizes from 1x1 to 9x9."

    return _run("gaussian_kernel", body)


# --------------------------------------------------------------------------
# Exercise 2: signed Sobel responses of a colour image's luminance
# --------------------------------------------------------------------------
def _sobel_parts(image):
    from scipy.signal import correlate2d

    return correlate2d(image, _GX, mode="valid"), correlate2d(image, _GX.T, mode="valid")


def _colour_cases():
    from skimage import data

    rng = np.random.default_rng(5)
    step = np.zeros((7, 10, 3), dtype=np.uint8)
    step[:, :4] = (200, 40, 40)  # a red left part ...
    step[3:, 6:] = (30, 90, 250)  # ... and a blue block at the bottom right
    return [
        data.astronaut()[100:140, 180:230],  # 40 x 50
        data.chelsea()[60:110, 120:160],  # 50 x 40
        rng.integers(0, 256, size=(12, 15, 3)).astype(np.uint8),
        step,
        rng.integers(0, 256, size=(3, 4, 3)).astype(np.uint8),  # one row of output
    ]


def check_luminance_edges(func) -> CheckResult:
    """Check ``func(rgb)``: the signed Sobel responses and magnitude of a colour image's luminance.

    Parameters
    ----------
    func : callable
        ``func(rgb)`` with a uint8 array of shape (H, W, 3) (channels last,
        H and W different) must return a tuple ``(Zx, Zy, M)`` of float arrays
        of shape (H - 2, W - 2): ``Zx`` and ``Zy`` are the valid-mode
        correlations of ``skimage.color.rgb2gray(rgb)`` (values 0 to 1) with
        the lesson's Sobel kernels ``Gx = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]``
        and ``Gy = Gx.T``, and ``M = sqrt(Zx**2 + Zy**2)``.

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
    from skimage import color

    cases = _colour_cases()

    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-5, atol=1e-6)  # float32 passes

    def body():
        for rgb in cases:
            got = _call(func, "luminance_edges", rgb.copy())
            if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)) or len(got) != 3:
                raise _Failed("luminance_edges must return three arrays, (Zx, Zy, M); got "
                              f"{_short(got) if not isinstance(got, (tuple, list)) else f'{len(got)} items'}.")
            zx, zy, m = (_as_2d(part, "each part of luminance_edges's result") for part in got)
            h, w = rgb.shape[:2]
            for label, part in (("Zx", zx), ("Zy", zy), ("M", m)):
                if part.shape == (h - 2, w - 2):
                    continue
                if part.shape == (w - 2, h - 2):
                    raise _Failed(
                        f"for an image of shape {rgb.shape} your {label} has shape {part.shape}: rows "
                        "and columns are swapped. Hint: H is the first axis of rgb, W the second; "
                        "the colour channels are the last axis."
                    )
                raise _Failed(
                    f"for an image of shape {rgb.shape} (H, W, 3) your {label} has shape {part.shape}. "
                    "Hint: the luminance has shape (H, W); apply the kernels in 'valid' mode, as in section 5."
                )
            lum = color.rgb2gray(rgb)
            rzx, rzy = _sobel_parts(lum)
            if close(zx, rzx) and close(zy, rzy):
                if close(m, np.hypot(rzx, rzy)):
                    continue
                if close(m, rzx**2 + rzy**2):
                    raise _Failed("Zx and Zy are right, but M misses its square root.")
                raise _Failed("Zx and Zy are right, but M is not the gradient magnitude. Hint: "
                              "the length of the vector (Zx, Zy).")
            for factor, text in ((255, "255 times too large"), (1 / 255, "255 times too small")):
                if close(zx, factor * rzx) and close(zy, factor * rzy):
                    raise _Failed(f"the responses are {text}. Hint: use the luminance as "
                                  "color.rgb2gray returns it, between 0 and 1.")
            if close(zx, -rzx) and close(zy, -rzy):
                raise _Failed(
                    "Zx and Zy have the wrong sign everywhere (positive where the image gets "
                    "brighter). Hint: correlation uses the kernel as written; convolution flips it, "
                    "which for Gx and Gy reverses the sign."
                )
            if close(zx, rzy) and close(zy, rzx):
                raise _Failed("Zx and Zy are swapped. Hint: Zx responds to vertical edges, where the "
                              "brightness changes along x, across the columns.")
            if close(zx, -rzy) and close(zy, -rzx):
                raise _Failed("Zx and Zy are swapped, and their signs are reversed. Hint: Zx responds "
                              "to changes along x (across the columns); check the kernels' orientation.")
            if close(zx, rzx) and close(zy, -rzy):
                raise _Failed("Zx is right, but Zy has the wrong sign. Hint: like Zx, Zy must be "
                              "positive where the image gets darker, here going down the rows.")
            if close(zy, rzy) and close(zx, -rzx):
                raise _Failed("Zy is right, but Zx has the wrong sign. Hint: Zx must be positive where "
                              "the image gets darker from left to right.")
            if close(zx, rzx) != close(zy, rzy):
                raise _Failed(f"{'Zx' if close(zx, rzx) else 'Zy'} is right, "
                              f"{'Zy' if close(zx, rzx) else 'Zx'} is not. Hint: Gy is Gx transposed.")
            rgbf = rgb.astype(float)
            for weights in ([1 / 3, 1 / 3, 1 / 3], [0.299, 0.587, 0.114], [0.0721, 0.7154, 0.2125],
                            [0.114, 0.587, 0.299], [0.2126, 0.7152, 0.0722]):
                ozx, _ = _sobel_parts(rgbf @ np.array(weights))
                if any(close(np.abs(zx), np.abs(f * ozx)) for f in (1, 1 / 255)):
                    raise _Failed(
                        "the luminance is not the one color.rgb2gray computes (another weighting "
                        "of R, G and B, or the channels in another order). Hint: use "
                        "color.rgb2gray on the (H, W, 3) image."
                    )
            raise _Failed(
                f"wrong values for an image of shape {rgb.shape}. Hint: luminance with "
                "color.rgb2gray, then correlate (not convolve) with Gx and Gy in "
                "'valid' mode, then the gradient magnitude."
            )
        return (f"right on {len(cases)} colour images of 5 shapes, never square (two photographs, "
                "random noise, coloured steps), signs included.")

    return _run("luminance_edges", body)


# --------------------------------------------------------------------------
# Exercise 3: a threshold that keeps the strongest pixels
# --------------------------------------------------------------------------
def _threshold_cases():
    rng = np.random.default_rng(6)
    ties = rng.integers(0, 8, size=(20, 30)).astype(float)
    flat_pos = rng.permutation(ties.size)
    ties.flat[flat_pos[:50]] = 9.0  # 50 pixels of 9 and 30 of 8 around the 10% boundary (60 pixels)
    ties.flat[flat_pos[50:80]] = 8.0
    arrays = [
        (rng.exponential(50.0, size=(40, 50)), (0.1, 0.25, 0.02)),
        (rng.random((30, 30)) ** 3 * 1000, (0.1, 0.2)),
        (np.abs(rng.normal(size=(64, 48))), (0.125, 0.5)),
        (rng.random((1, 50)), (0.1,)),  # one row
        (rng.random((25, 4)), (0.2,)),  # tall and thin
        (ties, (0.1,)),
        (np.full((10, 12), 3.0), (0.1,)),  # flat
        (np.zeros((6, 10)), (0.5,)),  # flat, and zero
        # fraction * size is whole on paper but not in floating point: 0.29 * 100 = 28.999999999999996
        # (int() drops a pixel) and 0.07 * 100 = 7.000000000000001 (ceil() adds one)
        (rng.random((10, 10)), (0.29, 0.07)),
        (rng.exponential(10.0, size=(20, 35)), (0.35, 0.17)),  # 244.99999999999997 and 119.00000000000001
        (rng.random((12, 25)), (0.57,)),
        # counted from the weak side: (1 - 0.34) * 100 = 65.99999999999999 and (1 - 0.55) * 100 =
        # 44.99999999999999, so int() keeps one pixel too many
        (rng.random((10, 10)), (0.34, 0.55)),
    ]
    # Many equal weak pixels and few distinct strong ones: a threshold counted over the
    # distinct values (np.unique) instead of the pixels lands far off.
    uneven = np.full((10, 10), 1.0)
    uneven.flat[rng.permutation(100)[:40]] = 2.0 + rng.random(40)
    arrays.append((uneven, (0.3,)))
    return [(m, f) for m, fractions in arrays for f in fractions]


def check_edge_threshold(func) -> CheckResult:
    """Check ``func(magnitude, fraction)``: the threshold that keeps the strongest pixels.

    Parameters
    ----------
    func : callable
        ``func(magnitude, fraction)`` with a 2D float array ``magnitude``
        (H, W; any shape) and a float ``0 < fraction < 1`` must return one
        finite number ``t`` for which the pixels with ``magnitude > t`` are the
        n strongest, n the share ``fraction`` of all pixels rounded to the
        nearest whole number (the check uses fractions for which
        ``fraction * magnitude.size`` is a whole number on paper; in floating
        point it may fall just below or above it). Where pixels tie so that
        exactly n is impossible, ``t`` keeps fewer, never more: none of the
        tied pixels at the boundary (a flat image keeps none).

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
    cases = _threshold_cases()

    def body():
        for magnitude, fraction in cases:
            got = _call(func, "edge_threshold", magnitude.copy(), fraction)
            try:
                t = float(np.asarray(got, dtype=float))
            except (TypeError, ValueError):
                raise _Failed(f"edge_threshold must return one number; got {_short(got)}") from None
            shape, size = magnitude.shape, magnitude.size
            if not np.isfinite(t):
                raise _Failed(f"for a magnitude of shape {shape} the threshold is {t}; it must be a finite number.")
            n = round(fraction * size)
            ascending = np.sort(magnitude, axis=None)
            boundary = ascending[size - 1 - n]  # the strongest pixel that is not among the n
            want = int(np.sum(magnitude > boundary))
            kept = int(np.sum(magnitude > t))
            if kept == want:
                continue
            where = f"for a magnitude of shape {shape} and fraction={fraction}, your threshold keeps {kept} of {size} pixels"
            if ascending[0] == ascending[-1]:
                raise _Failed(f"{where}, on a flat image. Hint: where all pixels are equal, none is "
                              "stronger than the others.")
            if fraction != 0.5 and abs(kept - (size - n)) <= max(1, size // 100):
                raise _Failed(
                    f"{where}: about {1 - fraction:.0%}, the weakest side. Hint: the strongest "
                    f"{fraction:.0%} lie above the threshold, the other {1 - fraction:.0%} below."
                )
            if np.isclose(t, fraction * magnitude.max()):
                raise _Failed(f"{where}. A fraction of the largest value is not a fraction of the "
                              "pixels. Hint: think of the values sorted from weakest to strongest.")
            if kept > n and want < n and kept == int(np.sum(magnitude >= boundary)):
                raise _Failed(
                    f"{where}, more than the fraction allows: pixels tie at your threshold's level, "
                    "and you keep the whole tied group. Hint: when exactly the fraction is impossible, "
                    "keep fewer, never more."
                )
            weak = (1 - fraction) * size  # the count of the pixels below the threshold, on paper
            slips = []
            for rounded, name, expr, value, turned in (
                (int(fraction * size), "int()", "fraction * magnitude.size", fraction * size, None),
                (int(np.ceil(fraction * size)), "ceil", "fraction * magnitude.size", fraction * size, None),
                (size - int(weak), "int()", "(1 - fraction) * magnitude.size", weak, int(weak)),
                (size - int(np.ceil(weak)), "ceil", "(1 - fraction) * magnitude.size", weak, int(np.ceil(weak))),
            ):
                if rounded != n and 0 <= rounded < size and kept == int(np.sum(magnitude > ascending[size - 1 - rounded])):
                    slips.append((rounded, f"{expr} is {value!r} here, and {name} turns it into "
                                           f"{rounded if turned is None else turned}"))
            if slips:  # two slips can keep the same count: name both
                raise _Failed(
                    f"{where}: one pixel {'too few' if slips[0][0] < n else 'too many'}. Hint: in floating "
                    f"point {', or '.join(text for _, text in slips)}. Round to the nearest whole number, as "
                    "the exercise says."
                )
            if kept < want and kept == int(np.sum(magnitude > ascending[size - n])):
                raise _Failed(
                    f"{where}: one level too few. Hint: magnitude > t leaves out the pixels equal "
                    "to t, so t must not be one of the pixels you want to keep."
                )
            h, w = shape
            if h != w and kept in {round(fraction * h * h), round(fraction * w * w)}:
                raise _Failed(f"{where}, a fraction of a square image's pixels. Hint: count all H x W "
                              "pixels of the image.")
            raise _Failed(f"{where}. Hint: think of the values sorted from weakest to strongest.")
        return (f"keeps the requested pixels on {len(cases)} (array, fraction) cases, with ties, "
                "flat images and non-square shapes.")

    return _run("edge_threshold", body)


# --------------------------------------------------------------------------
# Prediction questions (answers stored as salted digests, see _core.answer_digest)
# --------------------------------------------------------------------------
_SOBEL_DIGESTS = [
    "908936684def7649a2f604245db16b42d53b554dfb05e8fa698bc592213a516a",
    "57ea6d88f548b4b28537e3a5818f786787d41513d2daa3fc8f2509281df5ffb4",
]
_CHAIN_DIGESTS = ["b116fdfd52e4a866bed4d62ae1e56032196e01b447627650f34e98187e16398d"]


def check_sobel_prediction(func) -> CheckResult:
    """Check ``func()``: the predicted ``(Zx[1, 1], Zy[1, 1])`` of exercise 4's small image.

    Parameters
    ----------
    func : callable
        ``func()`` returns a tuple of two ints, the values of the valid-mode
        correlations with the lesson's ``Gx`` and ``Gy`` at output pixel (1, 1).

    Returns
    -------
    CheckResult
        True when both are right; the feedback is printed.

    Examples
    --------
    >>> check_sobel_prediction(lambda: (0, 0))  # doctest: +ELLIPSIS
    ❌ Not yet (sobel_prediction): ...
    CheckResult(ok=False)
    """
    return _judge_answers(
        func, "sobel_prediction", _SOBEL_DIGESTS,
        ["Zx[1, 1] (the first number)", "Zy[1, 1] (the second number)"],
        "output pixel (1, 1) in valid mode sees the 3x3 window X[1:4, 1:4]; multiply it by the "
        "kernel as written (correlation, no flip) and add up; mind the sign.",
    )


def check_chain_shape(func) -> CheckResult:
    """Check ``func()``: the predicted shape at the end of exercise 5's chain of filters.

    Parameters
    ----------
    func : callable
        ``func()`` returns the shape as a tuple ``(rows, columns)`` of ints.

    Returns
    -------
    CheckResult
        True when right; the feedback is printed.

    Examples
    --------
    >>> check_chain_shape(lambda: (300, 200))  # doctest: +ELLIPSIS
    ❌ Not yet (chain_shape): ...
    CheckResult(ok=False)
    """
    return _judge_answers(
        func, "chain_shape", _CHAIN_DIGESTS, ["the shape (rows, columns)"],
        "follow the shape one step at a time: 'valid' loses K - 1, 'same' keeps it, 'full' "
        "gains K - 1, along each axis; rows come first.",
    )
