"""Lesson 09's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet

from course_utils import checks
from course_utils.checks import _tape


# ---------------------------------------------------------------- right answers
def gradcam_weights(grads):
    return grads.mean(axis=(0, 1))


def gradcam_weights_loop(grads):
    h, w, c = grads.shape
    return np.array([sum(float(grads[i, j, k]) for i in range(h) for j in range(w)) / (h * w) for k in range(c)])


def occlusion_map(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    rows, cols = (h - patch) // stride + 1, (w - patch) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            occluded = image.copy()
            occluded[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_map_batched(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    starts = [(r, c) for r in range(0, h - patch + 1, stride) for c in range(0, w - patch + 1, stride)]
    batch = np.repeat(image[None], len(starts), axis=0)
    for n, (r, c) in enumerate(starts):
        batch[n, r:r + patch, c:c + patch] = fill
    scores = score(np.concatenate([image[None], batch]))
    return (scores[0] - scores[1:]).reshape((h - patch) // stride + 1, (w - patch) // stride + 1)


def occlusion_map_in_place(score, image, patch, stride, fill=0.0):
    """Occludes the caller's image and puts the pixels back each time."""
    h, w, _ = image.shape
    base = score([image])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            square = (slice(i * stride, i * stride + patch), slice(j * stride, j * stride + patch))
            saved = image[square].copy()
            image[square] = fill
            out[i, j] = base - score([image])[0]
            image[square] = saved
    return out


def smoothgrad(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.normal(0, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_drawn_at_once(grad, image, n, sigma, rng):
    noise = sigma * rng.standard_normal((n, *image.shape)).astype(np.float32)
    total = np.zeros(image.shape)
    for i in range(n):
        total += grad(image + noise[i])
    return total / n


def top_activations(acts, k):
    flat = acts.reshape(len(acts), -1)
    order = np.argsort(-flat.max(axis=1), kind="stable")[:k]
    return [(i, *np.unravel_index(np.argmax(flat[i]), acts.shape[1:])) for i in order]


def top_activations_sorted(acts, k):
    best = []
    for i, a in enumerate(acts):
        r, c = np.unravel_index(np.argmax(a), a.shape)
        best.append((-float(a[r, c]), i, int(r), int(c)))
    return [(i, r, c) for _, i, r, c in sorted(best)[:k]]


def predict_interpretation():
    return {"gradcam_size": 7, "gradcam_after_randomising": "changes", "edge_detector": "fails"}


def predict_interpretation_loosely():
    return {"edge_detector": " Failed.", "gradcam_size": 7.0, "gradcam_after_randomising": "CHANGES "}


def predict_interpretation_as_shape():
    return {"gradcam_size": (7, 7), "gradcam_after_randomising": "it changes", "edge_detector": "fails the test"}


def predict_interpretation_as_text():
    return {"gradcam_size": "7x7", "gradcam_after_randomising": "changed", "edge_detector": "it fails"}


def predict_interpretation_as_list():
    return {"gradcam_size": [7, 7], "gradcam_after_randomising": "Changes.", "edge_detector": "Fails"}


def predict_interpretation_as_digit():
    return {"gradcam_size": "7", "gradcam_after_randomising": "it will change", "edge_detector": "failed"}


def smoothgrad_loop_float32(grad, image, n, sigma, rng):
    total = np.zeros(image.shape, np.float32)
    for _ in range(n):
        total += grad(image + (sigma * rng.standard_normal(image.shape)).astype(np.float32))
    return total / n


def top_activations_loop(acts, k):
    maxima = [float(a.max()) for a in acts]
    order = sorted(range(len(acts)), key=lambda i: -maxima[i])[:k]  # sorted() is stable
    return [(i, *(int(v) for v in np.unravel_index(np.argmax(acts[i]), acts[i].shape))) for i in order]


RIGHT = [
    (checks.check_predict_interpretation, predict_interpretation_as_shape),
    (checks.check_predict_interpretation, predict_interpretation_as_text),
    (checks.check_predict_interpretation, predict_interpretation_as_list),
    (checks.check_predict_interpretation, predict_interpretation_as_digit),
    (checks.check_smoothgrad, smoothgrad_loop_float32),
    (checks.check_top_activations, top_activations_loop),
    (checks.check_gradcam_weights, gradcam_weights),
    (checks.check_gradcam_weights, gradcam_weights_loop),
    (checks.check_occlusion_map, occlusion_map),
    (checks.check_occlusion_map, occlusion_map_batched),
    (checks.check_occlusion_map, occlusion_map_in_place),
    (checks.check_smoothgrad, smoothgrad),
    (checks.check_smoothgrad, smoothgrad_drawn_at_once),
    (checks.check_top_activations, top_activations),
    (checks.check_top_activations, top_activations_sorted),
    (checks.check_predict_interpretation, predict_interpretation),
    (checks.check_predict_interpretation, predict_interpretation_loosely),
]


# ---------------------------------------------------------------- wrong answers
def gradcam_sum(grads):
    return grads.sum(axis=(0, 1))


def gradcam_wrong_axes(grads):
    return grads.mean(axis=2)


def gradcam_rows(grads):
    return grads.mean(axis=(1, 2))


def gradcam_abs(grads):
    return np.abs(grads).mean(axis=(0, 1))


def gradcam_relu(grads):
    return np.maximum(grads, 0).mean(axis=(0, 1))


def gradcam_max(grads):
    return grads.max(axis=(0, 1))


def gradcam_scalar(grads):
    return grads.mean()


def gradcam_keepdims(grads):
    return grads.mean(axis=(0, 1), keepdims=True)


def gradcam_reference(grads):
    from course_utils import interpret

    return interpret.gradcam_weights(grads)


def occlusion_flipped(score, image, patch, stride, fill=0.0):
    return -occlusion_map(score, image, patch, stride, fill)


def occlusion_one_short(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    rows, cols = range(0, h - patch, stride), range(0, w - patch, stride)
    out = np.zeros((len(rows), len(cols)))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            occluded = image.copy()
            occluded[r:r + patch, c:c + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_floor_division(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros((h // stride, w // stride))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_swapped(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros(((w - patch) // stride + 1, (h - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[j * stride:j * stride + patch, i * stride:i * stride + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_transposed_positions(score, image, patch, stride, fill=0.0):
    """The right shape, but entry [i, j] occludes at row j * stride, column i * stride."""
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[j * stride:j * stride + patch, i * stride:i * stride + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_zero_fill(score, image, patch, stride, fill=0.0):
    return occlusion_map(score, image, patch, stride, 0.0)


def occlusion_not_restored(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            image[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
            out[i, j] = base - score(image[None])[0]
    return out


def occlusion_patch_plus_one(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[i * stride:i * stride + patch + 1, j * stride:j * stride + patch + 1] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_stride_ignored(score, image, patch, stride, fill=0.0):
    h, w, _ = image.shape
    base = score(image[None])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            occluded = image.copy()
            occluded[i:i + patch, j:j + patch] = fill
            out[i, j] = base - score(occluded[None])[0]
    return out


def occlusion_unbatched(score, image, patch, stride, fill=0.0):
    """Calls score with one image instead of a batch."""
    return np.zeros(((image.shape[0] - patch) // stride + 1, 1)) + score(image)


def occlusion_reference(score, image, patch, stride, fill=0.0):
    import course_utils.interpret as ci

    return ci.occlusion_map(score, image, patch, stride, fill)


def smoothgrad_sum(grad, image, n, sigma, rng):
    return np.sum([grad(image + rng.normal(0, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_one_noise(grad, image, n, sigma, rng):
    noise = rng.normal(0, sigma, image.shape)
    return np.mean([grad(image + noise) for _ in range(n)], axis=0)


def smoothgrad_variance(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.normal(0, sigma**2, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_sqrt(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.normal(0, np.sqrt(sigma), image.shape)) for _ in range(n)], axis=0)


def smoothgrad_relative(grad, image, n, sigma, rng):
    spread = sigma * (image.max() - image.min())
    return np.mean([grad(image + rng.normal(0, spread, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_clean(grad, image, n, sigma, rng):
    return np.mean([grad(image) + rng.normal(0, sigma, image.shape) for _ in range(n)], axis=0)


def smoothgrad_extra_call(grad, image, n, sigma, rng):
    grads = [grad(image + rng.normal(0, sigma, image.shape)) for _ in range(n)]
    return np.mean(grads, axis=0) + 0 * grad(image)


def smoothgrad_global(grad, image, n, sigma, rng):
    return np.mean([grad(image + np.random.normal(0, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_fixed_seed(grad, image, n, sigma, rng):
    own = np.random.default_rng(0)
    return np.mean([grad(image + own.normal(0, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_uniform(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.uniform(0, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_shifted(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.normal(sigma / 10, sigma, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_last(grad, image, n, sigma, rng):
    for _ in range(n):
        g = grad(image + rng.normal(0, sigma, image.shape))
    return g


def smoothgrad_in_place(grad, image, n, sigma, rng):
    total = 0
    for _ in range(n):
        noise = rng.normal(0, sigma, image.shape).astype(image.dtype)
        image += noise
        total = total + grad(image)
        image -= noise
    return total / n


def smoothgrad_reference(grad, image, n, sigma, rng):
    from course_utils.interpret import smoothgrad as reference

    return reference(grad, image, n, sigma, rng)


def top_several_per_image(acts, k):
    order = np.argsort(-acts, axis=None, kind="stable")[:k]
    return [tuple(int(v) for v in np.unravel_index(i, acts.shape)) for i in order]


def top_col_row(acts, k):
    return [(i, c, r) for i, r, c in top_activations(acts, k)]


def top_ascending(acts, k):
    return top_activations(acts, k)[::-1]


def top_smallest(acts, k):
    flat = acts.reshape(len(acts), -1)
    order = np.argsort(flat.max(axis=1), kind="stable")[:k]
    return [(i, *np.unravel_index(np.argmax(flat[i]), acts.shape[1:])) for i in order]


def top_larger_index_first(acts, k):
    flat = acts.reshape(len(acts), -1)
    order = np.argsort(flat.max(axis=1), kind="stable")[::-1][:k]
    return [(i, *np.unravel_index(np.argmax(flat[i]), acts.shape[1:])) for i in order]


def top_last_position(acts, k):
    out = []
    for i, _, _ in top_activations(acts, k):
        rows, cols = np.nonzero(acts[i] == acts[i].max())
        out.append((i, int(rows[-1]), int(cols[-1])))
    return out


def top_column_first(acts, k):
    out = []
    for i, _, _ in top_activations(acts, k):
        c, r = np.unravel_index(np.argmax(acts[i].T), acts[i].T.shape)
        out.append((i, int(r), int(c)))
    return out


def top_k_ignored(acts, k):
    return top_activations(acts, len(acts))


def top_by_mean(acts, k):
    flat = acts.reshape(len(acts), -1)
    order = np.argsort(-flat.mean(axis=1), kind="stable")[:k]
    return [(i, *np.unravel_index(np.argmax(flat[i]), acts.shape[1:])) for i in order]


def top_floats(acts, k):
    return [tuple(float(v) for v in t) for t in top_activations(acts, k)]


def top_reference(acts, k):
    from course_utils import interpret

    return interpret.top_activations(acts, k)


def predict_all_wrong():
    return {"gradcam_size": 14, "gradcam_after_randomising": "stays", "edge_detector": "passes"}


def predict_size_wrong():
    return {"gradcam_size": 224, "gradcam_after_randomising": "changes", "edge_detector": "fails"}


def predict_edge_wrong():
    return {"gradcam_size": 7, "gradcam_after_randomising": "changes", "edge_detector": "passes"}


def predict_missing_key():
    return {"gradcam_size": 7, "gradcam_after_randomising": "changes"}


def smoothgrad_uniform_scaled(grad, image, n, sigma, rng):
    half = sigma * np.sqrt(3)  # the right standard deviation, the wrong distribution
    return np.mean([grad(image + rng.uniform(-half, half, image.shape)) for _ in range(n)], axis=0)


def smoothgrad_laplace_scaled(grad, image, n, sigma, rng):
    return np.mean([grad(image + rng.laplace(0, sigma / np.sqrt(2), image.shape)) for _ in range(n)], axis=0)


def smoothgrad_clipped(grad, image, n, sigma, rng):
    low, high = image.min(), image.max()
    return np.mean([grad(np.clip(image + rng.normal(0, sigma, image.shape), low, high)) for _ in range(n)], axis=0)


def top_unstable_sort(acts, k):
    flat = acts.reshape(len(acts), -1)
    order = np.argsort(-flat.max(axis=1))[:k]  # numpy's default sort is not stable
    return [(int(i), *(int(v) for v in np.unravel_index(np.argmax(flat[i]), acts.shape[1:]))) for i in order]


def predict_size_non_square():
    return {"gradcam_size": (7, 14), "gradcam_after_randomising": "changes", "edge_detector": "fails"}


def predict_size_in_words():
    return {"gradcam_size": "seven", "gradcam_after_randomising": "changes", "edge_detector": "fails"}


def predict_unknown_word():
    return {"gradcam_size": 7, "gradcam_after_randomising": "maybe", "edge_detector": "fails"}


WRONG = [
    (checks.check_smoothgrad, smoothgrad_uniform_scaled, "normal distribution"),
    (checks.check_smoothgrad, smoothgrad_laplace_scaled, "normal distribution"),
    (checks.check_smoothgrad, smoothgrad_clipped, "do not clip"),
    (checks.check_top_activations, top_unstable_sort, "stable sort"),
    (checks.check_predict_interpretation, predict_size_non_square, "one int"),
    (checks.check_predict_interpretation, predict_size_in_words, "as a number"),
    (checks.check_predict_interpretation, predict_unknown_word, "one of the words"),
    (checks.check_gradcam_weights, gradcam_sum, "times too large"),
    (checks.check_gradcam_weights, gradcam_wrong_axes, "channels are the last axis"),
    (checks.check_gradcam_weights, gradcam_rows, "channels are the last axis"),
    (checks.check_gradcam_weights, gradcam_abs, "signs"),
    (checks.check_gradcam_weights, gradcam_relu, "negative gradients count too"),
    (checks.check_gradcam_weights, gradcam_max, "not only its largest"),
    (checks.check_gradcam_weights, gradcam_scalar, "its own weight"),
    (checks.check_gradcam_weights, gradcam_keepdims, "1D array"),
    (checks.check_gradcam_weights, gradcam_reference, "course_utils.interpret"),
    (checks.check_occlusion_map, occlusion_flipped, "sign is flipped"),
    (checks.check_occlusion_map, occlusion_one_short, "a position is missing"),
    (checks.check_occlusion_map, occlusion_floor_division, "a position too many"),
    (checks.check_occlusion_map, occlusion_swapped, "rows follow the image's rows"),
    (checks.check_occlusion_map, occlusion_transposed_positions, "rows and columns are swapped"),
    (checks.check_occlusion_map, occlusion_zero_fill, "fill = 0.5"),
    (checks.check_occlusion_map, occlusion_not_restored, "changed the caller's image"),
    (checks.check_occlusion_map, occlusion_patch_plus_one, "not one more"),
    (checks.check_occlusion_map, occlusion_stride_ignored, "i * stride"),
    (checks.check_occlusion_map, occlusion_unbatched, "score takes a batch"),
    (checks.check_occlusion_map, occlusion_reference, "course_utils.interpret"),
    (checks.check_smoothgrad, smoothgrad_sum, "times too large"),
    (checks.check_smoothgrad, smoothgrad_one_noise, "same noise twice"),
    (checks.check_smoothgrad, smoothgrad_variance, "not its variance"),
    (checks.check_smoothgrad, smoothgrad_sqrt, "noise itself"),
    (checks.check_smoothgrad, smoothgrad_relative, "image's own units"),
    (checks.check_smoothgrad, smoothgrad_clean, "without noise"),
    (checks.check_smoothgrad, smoothgrad_extra_call, "called grad 9 times"),
    (checks.check_smoothgrad, smoothgrad_global, "not from np.random"),
    (checks.check_smoothgrad, smoothgrad_fixed_seed, "no seed of your own"),
    (checks.check_smoothgrad, smoothgrad_uniform, "normal distribution"),
    (checks.check_smoothgrad, smoothgrad_shifted, "centred on zero"),
    (checks.check_smoothgrad, smoothgrad_last, "not only the last"),
    (checks.check_smoothgrad, smoothgrad_in_place, "changed the image"),
    (checks.check_smoothgrad, smoothgrad_reference, "uses interpret.smoothgrad"),
    (checks.check_top_activations, top_several_per_image, "one tuple per image"),
    (checks.check_top_activations, top_col_row, "(row, col)"),
    (checks.check_top_activations, top_ascending, "largest maximum down"),
    (checks.check_top_activations, top_smallest, "not smallest"),
    (checks.check_top_activations, top_larger_index_first, "smaller image index"),
    (checks.check_top_activations, top_last_position, "smaller row"),
    (checks.check_top_activations, top_column_first, "smaller row"),
    (checks.check_top_activations, top_k_ignored, "only the k best"),
    (checks.check_top_activations, top_by_mean, "maximum activation"),
    (checks.check_top_activations, top_floats, "must be ints"),
    (checks.check_top_activations, top_reference, "course_utils.interpret"),
    (checks.check_predict_interpretation, predict_all_wrong, "gradcam_size"),
    (checks.check_predict_interpretation, predict_size_wrong, "stride 2"),
    (checks.check_predict_interpretation, predict_edge_wrong, "edge_detector"),
    (checks.check_predict_interpretation, predict_missing_key, "missing: edge_detector"),
]


@pytest.mark.parametrize("check,func", RIGHT)
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", dict(RIGHT), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG)
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_float32_inputs_are_judged_with_float32_arithmetic(capsys):
    """A right answer that keeps float32 throughout passes."""
    def smoothgrad32(grad, image, n, sigma, rng):
        noise = rng.normal(0, sigma, (n, *image.shape)).astype(np.float32)
        return np.mean(np.stack([np.asarray(grad(image + e), dtype=np.float32) for e in noise]), axis=0)

    assert_correct(checks.check_smoothgrad, smoothgrad32, capsys)
    assert_correct(checks.check_gradcam_weights, lambda g: np.mean(g, axis=(0, 1), dtype=np.float32), capsys)


def test_a_dict_passed_directly_is_judged(capsys):
    assert_correct(checks.check_predict_interpretation, predict_interpretation(), capsys)
    assert_not_yet(checks.check_predict_interpretation, predict_all_wrong(), capsys, "gradcam_size")


def test_the_tie_cases_have_ties():
    """The tie cases make the tie rules matter: the wrong tie rules give other tuples there."""
    from course_utils.checks.what_cnn_learns import _tie_cases

    for acts, k in _tie_cases():
        assert top_activations(acts, k) != top_larger_index_first(acts, k)
    acts, k = _tie_cases()[0]
    assert top_activations(acts, k) != top_last_position(acts, k)
    assert top_activations(acts, k) != top_column_first(acts, k)


def test_format_hints_are_not_content_hints(capsys):
    """A badly written answer is told how to write it, not that its content is wrong."""
    for func in (predict_size_non_square, predict_size_in_words, predict_unknown_word):
        checks.check_predict_interpretation(func)
        out = capsys.readouterr().out
        assert "stride 2" not in out and "is not right" not in out
    checks.check_predict_interpretation(predict_size_wrong)
    assert "print" not in capsys.readouterr().out  # the hint does not turn the prediction into a look-up


def test_the_unstable_sort_case_reorders_ties():
    from course_utils.checks.what_cnn_learns import _tie_cases

    assert any(top_unstable_sort(acts, k) != top_activations(acts, k) for acts, k in _tie_cases())


def test_feedback_never_shows_the_answer(capsys):
    checks.check_predict_interpretation(predict_all_wrong)
    out = capsys.readouterr().out
    assert " 7" not in out and "changes" not in out and "fails" not in out


def test_replay_with_callables_gives_the_live_verdict(tmp_path, capsys):
    """score and grad are the check's own objects: the recording matches them in the judge, and the
    judge (which runs no student code) repeats what the check saw while grad ran."""
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    for i, (check, func) in enumerate([(checks.check_smoothgrad, smoothgrad),
                                       (checks.check_smoothgrad, smoothgrad_one_noise),
                                       (checks.check_smoothgrad, smoothgrad_global),
                                       (checks.check_smoothgrad, smoothgrad_in_place),
                                       (checks.check_occlusion_map, occlusion_map_in_place),
                                       (checks.check_occlusion_map, occlusion_not_restored)]):
        live = check(func)
        _tape.record(tmp_path / f"t{i}", check.__name__, func)
        capsys.readouterr()
        ok, line, _ = _tape.judge(tmp_path / f"t{i}", check.__name__, func.__name__, source)
        assert (ok, line) == (bool(live), live.message)
