"""course_utils.arch against Keras layers (parameters) and direct counting (multiply-adds)."""

import numpy as np
import pytest

from course_utils import arch

keras = pytest.importorskip("keras")


def _build(layer, shape):
    inp = keras.Input(shape=shape)
    out = layer(inp)
    return keras.Model(inp, out), layer


@pytest.mark.parametrize("k, c_in, c_out, bias, stride, padding", [
    (3, 4, 8, True, 1, "same"), (5, 3, 6, True, 1, "valid"), (1, 16, 4, False, 1, "valid"),
    ((1, 3), 8, 8, True, 1, "same"), ((3, 1), 8, 2, False, 2, "same"), (7, 3, 64, True, 2, "same"),
])
def test_conv_params_and_macs_match_keras(k, c_in, c_out, bias, stride, padding):
    layer = keras.layers.Conv2D(c_out, k, strides=stride, padding=padding, use_bias=bias)
    _, layer = _build(layer, (13, 11, c_in))
    assert arch.conv_params(k, c_in, c_out, bias=bias) == layer.count_params()
    _, oh, ow, _ = layer.output.shape
    kh, kw = (k, k) if isinstance(k, int) else k
    assert arch.conv_macs((oh, ow), k, c_in, c_out) == oh * ow * c_out * kh * kw * c_in
    assert arch.layer_counts(layer) == (layer.count_params(), oh * ow * c_out * kh * kw * c_in)


def test_conv_macs_equal_the_multiplications_of_a_direct_convolution():
    # count the products of an explicit valid cross-correlation, one per multiply-add
    x = np.ones((6, 5, 2))
    w = np.ones((3, 3, 2, 4))
    count = 0
    for i in range(6 - 2):
        for j in range(5 - 2):
            for o in range(4):
                count += np.count_nonzero(x[i:i + 3, j:j + 3, :] * w[..., o])
    assert arch.conv_macs((4, 3), 3, 2, 4) == count


@pytest.mark.parametrize("n_in, n_out, bias", [(10, 3, True), (4096, 1000, True), (7, 1, False)])
def test_dense_matches_keras(n_in, n_out, bias):
    _, layer = _build(keras.layers.Dense(n_out, use_bias=bias), (n_in,))
    assert arch.dense_params(n_in, n_out, bias=bias) == layer.count_params()
    assert arch.layer_counts(layer) == (layer.count_params(), arch.dense_macs(n_in, n_out))


def test_model_counts_sums_layers_and_ignores_pooling():
    inp = keras.Input(shape=(8, 8, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inp)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    out = keras.layers.Dense(5)(x)
    model = keras.Model(inp, out)
    params, macs = arch.model_counts(model)
    assert params == model.count_params()
    assert macs == 8 * 8 * 4 * 9 * 3 + 64 * 5


def test_receptive_field_matches_the_support_of_a_keras_stack():
    # the receptive field is the width of the input region that changes one output
    kernels, strides = [3, 3, 2, 3], [1, 1, 2, 1]
    inp = keras.Input(shape=(32, 1, 1))
    x = inp
    for k, s in zip(kernels, strides):
        x = keras.layers.Conv2D(1, (k, 1), strides=(s, 1), kernel_initializer="ones",
                                use_bias=False)(x)
    model = keras.Model(inp, x)
    grads = []
    for i in range(32):
        e = np.zeros((1, 32, 1, 1), "float32")
        e[0, i] = 1
        grads.append(float(np.asarray(model(e))[0, 0, 0, 0]))
    assert np.count_nonzero(grads) == arch.receptive_field(kernels, strides) == 10


@pytest.mark.parametrize("call, err", [
    (lambda: arch.conv_params(0, 3, 4), ValueError),
    (lambda: arch.conv_params(3.0, 3, 4), TypeError),
    (lambda: arch.conv_params((1, 2, 3), 3, 4), ValueError),
    (lambda: arch.dense_macs(True, 3), TypeError),
    (lambda: arch.receptive_field([3, 3], [1]), ValueError),
])
def test_bad_input_names_the_argument(call, err):
    with pytest.raises(err):
        call()
