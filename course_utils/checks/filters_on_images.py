"""Checks for the exercises of lesson 03 (``lessons/03_filters_on_images.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _as_2d, _call, _Failed, _run, _short

__all__ = [
    "check_gaussian_kernel",
    "check_luminance_edges",
    "check_edge_threshold",
]


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
