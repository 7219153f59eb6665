"""Lesson 02's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import convolve2d, correlate2d
from skimage.feature import match_template

from course_utils import checks


def ncc_loop(image, template):
    """A plain-loop normalised cross-correlation (another right answer)."""
    t = template - template.mean()
    out = np.zeros((image.shape[0] - t.shape[0] + 1, image.shape[1] - t.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            p = image[i : i + t.shape[0], j : j + t.shape[1]]
            p = p - p.mean()
            out[i, j] = np.sum(p * t) / np.sqrt(np.sum(p**2) * np.sum(t**2))
    return out


def ncc_without_means(image, template):
    patches = sliding_window_view(image, template.shape)
    raw = np.einsum("ijab,ab->ij", patches, template)
    return raw / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))


def ncc_without_denominator(image, template):
    t = template - template.mean()
    patches = sliding_window_view(image, template.shape)
    patches = patches - patches.mean(axis=(2, 3), keepdims=True)
    return np.einsum("ijab,ab->ij", patches, t)


def ncc_global_mean(image, template):
    t = template - template.mean()
    patches = sliding_window_view(image, template.shape) - image.mean()
    return np.einsum("ijab,ab->ij", patches, t) / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(t**2))


STROKE = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]])

RIGHT = [
    (checks.check_convolve2d_valid, lambda x, w: convolve2d(x, w, "valid")),
    (checks.check_convolve2d_valid, lambda x, w: correlate2d(x, np.flip(w), "valid")),
    (checks.check_output_shape_2d, lambda n, k, mode: correlate2d(np.ones(n), np.ones(k), mode).shape),
    (checks.check_output_shape_2d, lambda n, k, mode: {"valid": (n[0] - k[0] + 1, n[1] - k[1] + 1),
                                                         "same": tuple(n),
                                                         "full": (n[0] + k[0] - 1, n[1] + k[1] - 1)}[mode]),
    (checks.check_ncc_map, match_template),
    (checks.check_ncc_map, ncc_loop),
    (checks.check_diagonal_detector, lambda: STROKE),
    (checks.check_diagonal_detector, lambda: STROKE.tolist()),
]
CHECKS = [checks.check_convolve2d_valid, checks.check_output_shape_2d, checks.check_ncc_map,
          checks.check_diagonal_detector]

WRONG = [
    (checks.check_convolve2d_valid, lambda x, w: correlate2d(x, w, "valid"), "not flipped"),
    (checks.check_convolve2d_valid, lambda x, w: correlate2d(x, w[::-1], "valid"), "one axis only"),
    (checks.check_convolve2d_valid, lambda x, w: convolve2d(x, w, "same"), "shape"),
    (checks.check_convolve2d_valid, lambda x, w: convolve2d(x, w, "valid") * 2, "wrong values"),
    (checks.check_convolve2d_valid, lambda x, w: x[0], "2D array"),
    (checks.check_convolve2d_valid, lambda x, w: 1 / 0, "ZeroDivisionError"),
    (checks.check_output_shape_2d, lambda n, k, mode: tuple(n), "mode='valid'"),
    (checks.check_output_shape_2d, lambda n, k, mode: (n[0] + k[0] + 1, n[1] + k[1] + 1) if mode == "full"
     else correlate2d(np.ones(n), np.ones(k), mode).shape, "typo"),
    (checks.check_output_shape_2d, lambda n, k, mode: np.array(n), "tuple of two ints"),
    (checks.check_output_shape_2d, lambda n, k, mode: (float(n[0]), float(n[1])), "tuple of two ints"),
    (checks.check_ncc_map, lambda im, t: correlate2d(im, t, "valid"), "raw correlation"),
    (checks.check_ncc_map, ncc_without_means, "means are missing"),
    (checks.check_ncc_map, ncc_without_denominator, "normalisation is missing"),
    (checks.check_ncc_map, ncc_global_mean, "mean of the whole image"),
    (checks.check_ncc_map, lambda im, t: match_template(im, t, pad_input=True), "shape"),
    (checks.check_ncc_map, lambda im, t: match_template(im, t) * 0.9, "Pearson"),
    (checks.check_diagonal_detector, lambda: STROKE[::-1], "other diagonal"),
    (checks.check_diagonal_detector, lambda: -STROKE, "inverted"),
    (checks.check_diagonal_detector, lambda: STROKE / 9, "-1 and +1"),
    (checks.check_diagonal_detector, lambda: np.ones((3, 3)), "not 1 on the stroke"),
    (checks.check_diagonal_detector, lambda: np.ones((2, 2)), "shape (3, 3)"),
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
    assert_not_yet(check, 42, capsys, "expected a function")


def test_feedback_never_shows_the_answer(capsys):
    checks.check_output_shape_2d(lambda n, k, mode: (0, 0))
    checks.check_output_shape_2d(lambda n, k, mode: (n[0] + k[0] + 1, n[1] + k[1] + 1))
    out = capsys.readouterr().out
    for secret in ("N + K - 1", "n + k - 1", "N - K + 1", "n - k + 1", "K - 1"):
        assert secret not in out
    checks.check_diagonal_detector(lambda: STROKE[::-1])
    checks.check_diagonal_detector(lambda: np.ones((3, 3)))
    out = capsys.readouterr().out
    assert "[[1, -1, -1]" not in out and str(STROKE) not in out and "matched" not in out
    checks.check_convolve2d_valid(lambda x, w: correlate2d(x, w, "valid"))
    checks.check_ncc_map(ncc_without_denominator)
    out = capsys.readouterr().out
    assert "[::-1" not in out and "np.flip" not in out and "corrcoef" not in out


def test_checks_do_not_modify_their_test_data(capsys):
    """A student's function that writes into its arguments cannot change later test cases."""

    def vandal(x, w):
        result = convolve2d(x, w, "valid")
        x[...] = 0
        return result

    assert checks.check_convolve2d_valid(vandal)
    assert checks.check_convolve2d_valid(lambda x, w: convolve2d(x, w, "valid"))
