"""course_utils.interpret against independent computations: loops, finite differences, CAM, Keras."""

import numpy as np
import pytest

from course_utils import arch, interpret

keras = pytest.importorskip("keras")
tf = pytest.importorskip("tensorflow")


def test_input_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(5, 6, 3))

    def score(x):  # a smooth nonlinear score per image
        return tf.reduce_sum(tf.sin(x) * w, axis=(1, 2, 3)) + tf.reduce_sum(x ** 2, axis=(1, 2, 3))

    x = rng.normal(size=(2, 5, 6, 3))
    g = interpret.input_gradients(score, x)
    assert g.shape == x.shape and g.dtype == np.float32
    np.testing.assert_allclose(g, np.cos(x.astype(np.float32)) * w + 2 * x, rtol=1e-4, atol=1e-4)


def test_input_gradients_reject_one_score_for_the_batch():
    with pytest.raises(ValueError, match="one value per image"):
        interpret.input_gradients(lambda x: tf.reduce_sum(x), np.ones((2, 3, 3, 1)))


def test_saliency_takes_the_largest_absolute_value_over_channels():
    g = np.zeros((1, 2, 2, 3))
    g[0, 0, 0] = [0.5, -2.0, 1.0]
    g[0, 1, 1] = [0.1, 0.0, 0.3]
    np.testing.assert_array_equal(interpret.saliency(g), [[[2.0, 0.0], [0.0, 0.3]]])


def test_smoothgrad_is_the_mean_over_noisy_copies():
    image = np.linspace(0, 1, 4 * 5 * 3).reshape(4, 5, 3)
    seen = []

    def grad(x):
        seen.append(np.array(x))
        return x ** 2

    out = interpret.smoothgrad(grad, image, 6, 0.2, np.random.default_rng(3))
    assert len(seen) == 6
    np.testing.assert_allclose(out, np.mean([s.astype(np.float64) ** 2 for s in seen], axis=0), rtol=1e-6)
    noise = np.stack(seen) - image
    assert 0.15 < noise.std() < 0.25
    batched = interpret.smoothgrad(lambda xs: xs ** 2, image, 6, 0.2, np.random.default_rng(3), batched=True)
    np.testing.assert_allclose(batched, out, rtol=1e-6)
    again = interpret.smoothgrad(lambda x: x ** 2, image, 6, 0.2, np.random.default_rng(3))
    np.testing.assert_array_equal(again, out)


def test_smoothgrad_with_zero_noise_is_the_plain_gradient():
    image = np.ones((3, 3, 1))
    np.testing.assert_allclose(interpret.smoothgrad(lambda x: 3 * x, image, 4, 0.0, np.random.default_rng(0)),
                               3 * image)


def test_gradcam_equals_cam_for_global_average_pooling_and_dense():
    """Zhou et al.'s CAM, sum_k w_k A_k, is Grad-CAM times H*W (where positive)."""
    rng = np.random.default_rng(1)
    inp = keras.Input((12, 10, 3))
    maps = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inp)
    logits = keras.layers.Dense(4)(keras.layers.GlobalAveragePooling2D()(maps))
    model = keras.Model(inp, [maps, logits])
    x = tf.constant(rng.normal(size=(3, 12, 10, 3)).astype("float32"))
    with tf.GradientTape() as tape:
        a, z = model(x)
        score = z[:, 2]
    g = tape.gradient(score, a).numpy()
    a = a.numpy()
    w = model.layers[-1].get_weights()[0][:, 2]
    cam = np.einsum("nhwc,c->nhw", a, w)
    np.testing.assert_allclose(interpret.gradcam_weights(g), np.tile(w / (12 * 10), (3, 1)), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(interpret.gradcam(a, g) * 12 * 10, np.maximum(cam, 0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(interpret.gradcam(a, g, relu=False) * 12 * 10, cam, rtol=1e-4, atol=1e-6)


def test_gradcam_rejects_different_shapes():
    with pytest.raises(ValueError, match="same shape"):
        interpret.gradcam(np.ones((4, 4, 2)), np.ones((4, 4, 3)))


def naive_occlusion(score, image, patch, stride, fill):
    h, w = image.shape[:2]
    base = score(image[None])[0]
    out = np.zeros(((h - patch) // stride + 1, (w - patch) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            covered = image.copy()
            covered[i * stride:i * stride + patch, j * stride:j * stride + patch] = fill
            out[i, j] = base - score(covered[None])[0]
    return out


@pytest.mark.parametrize("patch, stride, fill, batch_size", [(3, 2, 0.0, 64), (4, 3, 0.5, 2), (1, 1, -1.0, 5)])
def test_occlusion_map_matches_a_loop(patch, stride, fill, batch_size):
    rng = np.random.default_rng(2)
    weight = rng.normal(size=(9, 13, 3))

    def score(batch):
        return np.tanh(np.asarray(batch) * weight).sum(axis=(1, 2, 3))

    image = rng.uniform(size=(9, 13, 3)).astype(np.float32)
    before = image.copy()
    got = interpret.occlusion_map(score, image, patch, stride, fill, batch_size=batch_size)
    np.testing.assert_array_equal(image, before)
    np.testing.assert_allclose(got, naive_occlusion(score, image, patch, stride, fill), rtol=1e-5, atol=1e-5)


def test_top_activations_orders_images_by_their_maximum_with_ties():
    acts = np.zeros((4, 2, 3))
    acts[0, 1, 2] = 5.0
    acts[1, 0, 1] = 7.0
    acts[2, 1, 0] = 5.0
    acts[2, 0, 2] = 5.0  # a tie inside image 2: the first in row-major order wins
    acts[3, 1, 1] = 1.0
    assert interpret.top_activations(acts, 3) == [(1, 0, 1), (0, 1, 2), (2, 0, 2)]
    with pytest.raises(ValueError):
        interpret.top_activations(acts, 5)


def test_unit_field_matches_the_gradient_support_of_a_keras_stack():
    inp = keras.Input((37, 37, 1))
    x = keras.layers.Conv2D(2, 3, strides=2, padding="same", name="a")(inp)
    x = keras.layers.DepthwiseConv2D(5, strides=1, padding="same", name="b")(x)
    x = keras.layers.AveragePooling2D(2, padding="same", name="p")(x)  # max: gradient to one input only
    x = keras.layers.Conv2D(1, 3, strides=2, padding="same", name="c")(x)
    model = keras.Model(inp, x)
    for layer in model.layers[1:]:  # positive weights: no cancellation inside the field
        layer.set_weights([np.abs(w) + 0.1 for w in layer.get_weights()])
    chain = interpret.conv_chain(model, "c")
    assert chain == [(3, 2, "same"), (5, 1, "same"), (2, 2, "same"), (3, 2, "same")]
    assert model.output.shape[1] == 5
    for i in range(5):
        x0 = tf.constant(np.ones((1, 37, 37, 1), "float32"))
        with tf.GradientTape() as tape:
            tape.watch(x0)
            y = model(x0)[0, i, 2, 0]
        rows = np.flatnonzero(np.abs(tape.gradient(y, x0).numpy()[0, :, :, 0]).sum(axis=1))
        first, last = interpret.unit_field(chain, i, 37)
        assert (rows.min(), rows.max()) == (max(first, 0), min(last, 36))
    first, last = interpret.unit_field(chain, 2, 37)
    assert last - first + 1 == arch.receptive_field([k for k, _, _ in chain], [s for _, s, _ in chain])


def test_unit_field_rejects_valid_padding_and_bad_indices():
    with pytest.raises(ValueError, match="same"):
        interpret.unit_field([(3, 1, "valid")], 0, 8)
    assert interpret.unit_field([(1, 1, "valid"), (3, 2, "same")], 1, 8) == (2, 4)  # pads after: rows 2 to 4
    with pytest.raises(ValueError, match="index"):
        interpret.unit_field([(3, 2)], 4, 8)
