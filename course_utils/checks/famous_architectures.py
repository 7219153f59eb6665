"""Checks for the exercises of lesson 07 (``lessons/07_famous_architectures.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _call, _Failed, _int_result, _run, _short, answer_digest

__all__ = [
    "check_vgg_block_params",
    "check_inception_macs",
    "check_receptive_field",
    "check_residual_block",
    "check_dense_block_prediction",
]


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
    >>> check_vgg_block_params(lambda a, b, n: 0)  # doctest: +ELLIPSIS
    ❌ Not yet (vgg_block_params): ...
    CheckResult(ok=False)
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
    >>> check_inception_macs(lambda h, w, c, s: (0, 0))  # doctest: +ELLIPSIS
    ❌ Not yet (inception_macs): ...
    CheckResult(ok=False)
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
    >>> check_receptive_field(lambda kernels, strides: sum(kernels))  # doctest: +ELLIPSIS
    ❌ Not yet (receptive_field): ...
    CheckResult(ok=False)
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


def _conv_layers(layer):
    """The Conv2D layers of a model, nested models included, in order."""
    import keras

    if isinstance(layer, keras.layers.Conv2D):
        return [layer]
    return [c for sub in getattr(layer, "layers", []) for c in _conv_layers(sub)]


def _same_function_as_reference(model, shape, filters, stride, projection, args) -> None:
    """Random weights in the student's convolutions; the block must compute the reference with them."""
    from keras import ops

    convs = _conv_layers(model)
    three = [c for c in convs if tuple(c.kernel.shape[:2]) == (3, 3)]
    one = [c for c in convs if tuple(c.kernel.shape[:2]) == (1, 1)]
    if len(three) != 2 or len(one) != int(projection) or not all(c.use_bias for c in convs):
        raise _Failed(f"{args}: expected two 3x3 convolutions with biases"
                      f"{' and a 1x1 projection' if projection else ''}. Hint: no other convolutions.")
    rng = np.random.default_rng(3)
    for layer in convs:
        fan_in = int(np.prod(layer.kernel.shape[:-1]))
        layer.kernel.assign(rng.normal(0, 1 / np.sqrt(fan_in), layer.kernel.shape).astype("float32"))
        layer.bias.assign(rng.normal(0, 0.5, layer.bias.shape).astype("float32"))
    x = rng.normal(size=(2, *shape)).astype("float32")
    got = np.asarray(model(x))

    def conv(t, layer, s):
        return ops.convert_to_numpy(ops.conv(t, layer.kernel, strides=s, padding="same")) + np.asarray(layer.bias)

    def block(a, b, stride_a, stride_b, relu_a, relu_b, relu_out):
        f = conv(x, a, stride_a)
        f = np.maximum(f, 0) if relu_a else f
        f = conv(f, b, stride_b)
        f = np.maximum(f, 0) if relu_b else f
        y = f + (conv(x, one[0], stride) if projection else x)
        return np.maximum(y, 0) if relu_out else y

    def matches(**kind):
        for a, b in (three, three[::-1]):
            try:
                want = block(a, b, **kind)
            except Exception:
                continue
            if want.shape == got.shape and np.allclose(got, want, rtol=1e-4, atol=1e-4):
                return True
        return False

    if matches(stride_a=stride, stride_b=1, relu_a=True, relu_b=False, relu_out=True):
        return
    if stride != 1 and matches(stride_a=1, stride_b=stride, relu_a=True, relu_b=False, relu_out=True):
        hint = "the stride belongs to the first 3x3 convolution, not the second"
    elif matches(stride_a=stride, stride_b=1, relu_a=False, relu_b=True, relu_out=True):
        hint = "the ReLU inside F follows the first 3x3 convolution; the second has none"
    elif matches(stride_a=stride, stride_b=1, relu_a=True, relu_b=True, relu_out=True):
        hint = "the second 3x3 convolution has no ReLU of its own: the ReLU comes after the addition"
    elif matches(stride_a=stride, stride_b=1, relu_a=True, relu_b=False, relu_out=False):
        hint = "apply ReLU after the addition, in every block, with or without the projection"
    else:
        hint = ("compute ReLU(shortcut + F(x)), F = 3x3 conv with the stride and ReLU, then "
                "3x3 conv without ReLU")
    raise _Failed(f"{args}: with random weights the block computes something else than a residual "
                  f"block. Hint: {hint}.")


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
    >>> check_residual_block(lambda x, filters, stride: x)  # doctest: +ELLIPSIS
    ❌ Not yet (residual_block): ...
    CheckResult(ok=False)
    """
    import keras

    cases = [((8, 8, 4), 8, 2), ((8, 8, 8), 8, 1), ((6, 6, 4), 8, 1), ((7, 7, 6), 6, 2)]

    def body():
        for shape, filters, stride in cases:
            h, w, c = shape
            inp = keras.Input(shape=shape)
            try:
                out = _call(func, "residual_block", inp, filters, stride)
            except _Failed as failure:  # e.g. Keras refusing to add x to F(x) of another shape
                message = str(failure)
                if (stride != 1 or c != filters) and " raised " in message:
                    message += (f" Hint: here stride = {stride} and C = {c}, filters = {filters}: when stride != 1 "
                                "or C != filters the shortcut needs a 1x1 convolution with the stride.")
                raise _Failed(message) from None
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
            _same_function_as_reference(model, shape, filters, stride, projection, args)
        return f"shapes, parameters and shortcut right for {len(cases)} blocks."

    return _run("residual_block", body)


# answer_digest("dense_block_prediction[i]", answer_i): the right answers are not in this file
_DENSE_DIGESTS = [
    "5bfc148993604441eca6af3029e56fb50295cde601e9a448764b0db1f2787e04",
    "7bf6a6ed7d76a5308d2d36d1b9acb75368d73c7261e53023c76cc4bedabe6bdd",
    "8232789e67e6b7a872d8b76753693e46429a63ad0c3238a53520dc46f657dc5c",
    "8ce51a2a734059062f27663d81491efba279062ce1755042d7d544c8cd9de373",
]


def check_dense_block_prediction(func) -> CheckResult:
    """Check ``func()``: the four predictions of exercise 5 about a small dense block.

    The block: 24 channels come in, growth rate 12, 4 dense layers (each
    BN-ReLU-1x1 conv to 4 x 12 channels, then BN-ReLU-3x3 conv to 12
    channels, its output concatenated to its input), then a transition
    layer with compression 0.5.

    Parameters
    ----------
    func : callable
        ``func()`` returns four ints: the channels leaving the block, the
        input channels of the 4th layer's 1x1 convolution, the channels
        after the transition, and the weights of the 4th layer's 3x3
        convolution (no bias).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_dense_block_prediction(lambda: (1, 2, 3, 4))  # doctest: +ELLIPSIS
    ❌ Not yet (dense_block_prediction): ...
    CheckResult(ok=False)
    """
    name = "dense_block_prediction"
    parts = ["the channels leaving the block", "the input channels of the 4th layer's 1x1 convolution",
             "the channels after the transition", "the weights of the 4th layer's 3x3 convolution"]
    hints = [
        "every dense layer adds growth-rate channels to what came in: the block's input plus one "
        "growth rate per layer",
        "a layer reads the block's input and the outputs of all layers before it, not its own",
        "the transition keeps compression x its input channels",
        "the 3x3 convolution reads the bottleneck's output (4 x growth rate channels), not the "
        "concatenation; no bias",
    ]

    def body():
        got = _call(func, name)
        if not isinstance(got, (tuple, list)) or len(got) != len(parts):
            raise _Failed(f"{name} must return {len(parts)} answers ({'; '.join(parts)}); got {_short(got)}")
        first, right = None, 0
        for i, (answer, digest, part, hint) in enumerate(zip(got, _DENSE_DIGESTS, parts, hints)):
            try:
                mine = answer_digest(f"{name}[{i}]", answer)
            except TypeError as err:
                first = first or (f"{part}: expected a number; got {_short(answer)} ({err})")
                continue
            if mine == digest:
                right += 1
            else:
                first = first or f"{part} is not right. Hint: {hint}."
        if first is not None:
            raise _Failed(first, right / len(parts))
        return "every answer is right."

    return _run(name, body)
