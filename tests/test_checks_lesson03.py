"""Lesson 03's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet, run
from scipy import ndimage
from scipy.signal import convolve2d, correlate2d
from skimage import color

from course_utils import checks

GX = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def gaussian_via_scipy(size, sigma):
    """Another right answer: filter an impulse with scipy's Gaussian of the same support."""
    impulse = np.zeros((size, size))
    impulse[size // 2, size // 2] = 1.0
    return ndimage.gaussian_filter(impulse, sigma, radius=size // 2, mode="constant")


def gauss_with(size, sigma, denominator, centre=None):
    centre = size // 2 if centre is None else centre
    k = np.arange(size) - centre
    w = np.exp(-np.add.outer(k**2, k**2) / denominator)
    return w / w.sum()


def edges(rgb, gray=color.rgb2gray, combine=np.hypot, op=correlate2d, mode="valid"):
    lum = gray(rgb)
    return combine(op(lum, GX, mode=mode), op(lum, GX.T, mode=mode))


RIGHT = [
    (checks.check_gaussian_kernel, gaussian_via_scipy),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, 2 * sigma**2)),
    (checks.check_luminance_edges, edges),
    (checks.check_luminance_edges, lambda rgb: np.sqrt(edges(rgb, combine=lambda a, b: a**2 + b**2))),
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, 1 - fraction)),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m.ravel())[::-1][int(fraction * m.size)]),
    (checks.check_edge_threshold, lambda m, fraction: np.percentile(m, 100 * (1 - fraction))),
]
CHECKS = [checks.check_gaussian_kernel, checks.check_luminance_edges, checks.check_edge_threshold]

WRONG = [
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size)), "add up to"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, sigma**2), "too narrow"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, 2 * sigma), "squared"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, 2 * sigma**2, centre=0), "symmetric"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size)) / size**2, "wrong weights"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size + 1)), "shape"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones(size) / size, "2D array"),
    (checks.check_luminance_edges, lambda rgb: 255 * edges(rgb), "255 times"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2)), "plain mean"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2) / 255), "plain mean"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, combine=lambda a, b: np.abs(a)), "one Sobel filter"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, combine=lambda a, b: a**2 + b**2), "square root"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, mode="same"), "'valid'"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, combine=lambda a, b: np.abs(a) + np.abs(b)), "wrong values"),
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, fraction), "weakest"),
    (checks.check_edge_threshold, lambda m, fraction: fraction * m.max(), "fraction of the largest value"),
    (checks.check_edge_threshold, lambda m, fraction: m.mean(), "keeps"),
    (checks.check_edge_threshold, lambda m, fraction: m > np.quantile(m, 1 - fraction), "one number"),
]


@pytest.mark.parametrize("check,func", RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_not_a_function(check, capsys):
    assert_not_yet(check, None, capsys, "expected a function")


def test_convolution_gives_the_same_magnitude(capsys):
    """Convolution flips Gx and Gy, which only changes the responses' signs: the magnitude is the same."""
    ok, _ = run(checks.check_luminance_edges, lambda rgb: edges(rgb, op=convolve2d), capsys)
    assert ok


def test_feedback_never_shows_the_answer(capsys):
    checks.check_gaussian_kernel(lambda size, sigma: gauss_with(size, sigma, sigma**2))
    checks.check_gaussian_kernel(lambda size, sigma: np.ones((size, size)) / size**2)
    out = capsys.readouterr().out
    assert "2 * sigma**2" not in out and "2σ²" not in out and "np.outer" not in out
    checks.check_edge_threshold(lambda m, fraction: np.quantile(m, fraction))
    checks.check_edge_threshold(lambda m, fraction: fraction * m.max())
    out = capsys.readouterr().out
    assert "quantile" not in out and "percentile" not in out and "1 - fraction" not in out
    checks.check_luminance_edges(lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2)))
    out = capsys.readouterr().out
    assert "0.2125" not in out and "0.7154" not in out
