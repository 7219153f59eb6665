"""Pretrained networks offline: checksums, Keras's cache, clear errors, EfficientNet-Lite0."""

import importlib.util
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from course_utils import data, pretrained
from course_utils.runtime import repo_root

SHIPPED = repo_root() / "datasets"
FILES = {
    "mobilenet_2_5_224_tf.h5": "mobilenet_v1_0.25_224",
    "mobilenet_2_5_224_tf_no_top.h5": "mobilenet_v1_0.25_224",
    "imagenet_class_index.json": "imagenet_class_index",
    "efficientnet_lite0.weights.h5": "efficientnet_lite0",
}
# The reference top-5 of EfficientNet-Lite0 on skimage.data.chelsea() (PROVENANCE.txt).
CHELSEA_TOP5 = [("Egyptian_cat", 0.405), ("tiger_cat", 0.330), ("tabby", 0.158),
                ("lynx", 0.026), ("window_screen", 0.002)]
# Run in a child process with the network switched off: any connection attempt fails.
NO_NETWORK = (
    "import socket\n"
    "def _offline(*a, **k):\n"
    "    raise OSError('network disabled by the test')\n"
    "socket.socket.connect = _offline\n"
    "socket.create_connection = _offline\n"
    "socket.getaddrinfo = _offline\n"
)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No shipped data and an empty Keras cache: only what a test puts there exists."""
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path / "datasets"))
    monkeypatch.setattr(pretrained, "keras_models_dir", lambda: tmp_path / "keras" / "models")
    return tmp_path


def run_offline(code, tmp_path):
    env = dict(os.environ, KERAS_HOME=str(tmp_path / "keras"), TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run([sys.executable, "-c", NO_NETWORK + code], env=env,
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    return out.stdout


def test_every_file_is_shipped_and_verified():
    for name, folder in FILES.items():
        path = pretrained.weights_path(name)
        assert path == SHIPPED / folder / name
    rows = {(f, n): s for f, n, s in data.check_shipped_data()}
    for name, folder in FILES.items():
        assert rows[(folder, name)] == "ok"


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown pretrained file 'vgg16.h5'"):
        pretrained.weights_path("vgg16.h5")
    with pytest.raises(TypeError, match="include_top"):
        pretrained.mobilenet_weights(include_top="no")


def test_keras_loads_mobilenet_and_decodes_offline(tmp_path):
    """After install_keras_files(), weights="imagenet" and decode_predictions need no internet."""
    code = (
        "import numpy as np, skimage.data, keras\n"
        "from course_utils import pretrained\n"
        "folder = pretrained.install_keras_files()\n"
        "assert sorted(p.name for p in folder.iterdir()) == ['imagenet_class_index.json', "
        "'mobilenet_2_5_224_tf.h5', 'mobilenet_2_5_224_tf_no_top.h5'], list(folder.iterdir())\n"
        "m = keras.applications.MobileNet(alpha=0.25, weights='imagenet')\n"
        "x = pretrained.center_crop(skimage.data.chelsea(), 224)[None]\n"
        "p = m.predict(keras.applications.mobilenet.preprocess_input(x), verbose=0)\n"
        "top = keras.applications.mobilenet.decode_predictions(p, top=5)[0]\n"
        "print([name for _, name, _ in top])\n"
    )
    out = run_offline(code, tmp_path)
    names = eval(out.strip().splitlines()[-1])
    assert names[0] in {"tabby", "Egyptian_cat", "tiger_cat"} and "lynx" in names
    assert (tmp_path / "keras" / "models" / "imagenet_class_index.json").is_file()


def test_decode_predictions_offline(tmp_path):
    code = (
        "import numpy as np\n"
        "from course_utils import pretrained\n"
        "p = np.zeros((2, 1000), 'float32'); p[0, 285] = 0.9; p[0, 281] = 0.1; p[1, 985] = 1\n"
        "d = pretrained.decode_predictions(p, top=2)\n"
        "print(d[0][0][1], d[0][1][1], d[1][0][1], d[0][0][0])\n"
    )
    assert run_offline(code, tmp_path).split() == ["Egyptian_cat", "tabby", "daisy", "n02124075"]


def test_decode_predictions_checks_shape():
    with pytest.raises(ValueError, match=r"shape \(batch, 1000\); got \(1, 10\)"):
        pretrained.decode_predictions(np.zeros((1, 10)))


def test_corrupt_weights_file_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "efficientnet_lite0"
    folder.mkdir()
    bad = folder / "efficientnet_lite0.weights.h5"
    content = bytearray((SHIPPED / "efficientnet_lite0" / bad.name).read_bytes())
    content[len(content) // 2] ^= 0xFF
    bad.write_bytes(bytes(content))
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    with pytest.raises(data.DatasetError) as info:
        pretrained.efficientnet_lite0_weights()
    message = str(info.value)
    assert str(bad) in message and "corrupt" in message and "expected d95314a2" in message
    with pytest.raises(data.DatasetError, match="efficientnet_lite0.weights.h5"):
        pretrained.efficientnet_lite0(weights="imagenet")


def test_corrupt_file_in_the_keras_cache_is_named(isolated):
    cache = isolated / "keras" / "models"
    cache.mkdir(parents=True)
    (cache / "mobilenet_2_5_224_tf.h5").write_bytes(b"not an h5 file")
    with pytest.raises(data.DatasetError, match=r"keras/models/mobilenet_2_5_224_tf.h5: the SHA-256"):
        pretrained.mobilenet_weights()


def test_install_replaces_a_corrupt_cached_copy(tmp_path, monkeypatch):
    cache = tmp_path / "models"
    cache.mkdir()
    monkeypatch.setattr(pretrained, "keras_models_dir", lambda: cache)
    (cache / "imagenet_class_index.json").write_text("{}")
    pretrained.install_keras_files()
    assert (cache / "imagenet_class_index.json").read_bytes() == \
        (SHIPPED / "imagenet_class_index" / "imagenet_class_index.json").read_bytes()


def test_found_in_keras_cache(isolated):
    cache = isolated / "keras" / "models"
    cache.mkdir(parents=True)
    shutil.copy(SHIPPED / "mobilenet_v1_0.25_224" / "mobilenet_2_5_224_tf_no_top.h5", cache)
    assert pretrained.mobilenet_weights(include_top=False) == str(cache / "mobilenet_2_5_224_tf_no_top.h5")


def test_download_fallback_uses_keras_get_file(isolated, monkeypatch):
    keras = pytest.importorskip("keras")
    calls = []

    def fake_get_file(fname, origin, cache_subdir):
        calls.append((fname, origin, cache_subdir))
        dest = isolated / "keras" / cache_subdir / fname
        dest.parent.mkdir(parents=True)
        shutil.copy(SHIPPED / "imagenet_class_index" / fname, dest)
        return str(dest)

    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    path = pretrained.weights_path("imagenet_class_index.json")
    assert path.is_file() and calls == [(
        "imagenet_class_index.json",
        "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
        "models")]


def test_missing_everywhere_message(isolated, monkeypatch):
    keras = pytest.importorskip("keras")

    def offline(*args, **kwargs):
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(data.DatasetError) as info:
        pretrained.mobilenet_weights()
    message = str(info.value)
    for words in ["mobilenet_2_5_224_tf.h5 not found", "Looked in", str(isolated / "datasets"),
                  "name resolution", "Fix:"]:
        assert words in message
    with pytest.raises(data.DatasetError, match="cannot be downloaded"):
        pretrained.efficientnet_lite0_weights()


# ----------------------------------------------------------------- the models
keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def lite0():
    return pretrained.efficientnet_lite0()


def test_efficientnet_lite0_reproduces_the_reference_top5(lite0):
    import skimage.data

    x = pretrained.center_crop(skimage.data.chelsea(), 224)
    probs = lite0.predict(pretrained.efficientnet_lite0_preprocess(x)[None], verbose=0)
    top5 = [(name, p) for _, name, p in pretrained.decode_predictions(probs)[0]]
    assert [n for n, _ in top5] == [n for n, _ in CHELSEA_TOP5]
    np.testing.assert_allclose([p for _, p in top5], [p for _, p in CHELSEA_TOP5], atol=6e-4)


def test_efficientnet_lite0_equals_the_reference_builder(lite0):
    """The course's own code gives the same outputs as the builder used for the conversion."""
    spec = importlib.util.spec_from_file_location(
        "efficientnet_lite0_keras", SHIPPED / "efficientnet_lite0" / "efficientnet_lite0_keras.py")
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    reference = ref.build(weights=pretrained.efficientnet_lite0_weights())
    x = np.random.default_rng(0).uniform(-1, 1, (2, 224, 224, 3)).astype("float32")
    np.testing.assert_allclose(lite0.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-6)
    assert lite0.count_params() == reference.count_params() == 4_694_024


def test_efficientnet_lite0_base_options(lite0):
    base = pretrained.efficientnet_lite0(include_top=False, input_shape=(160, 160, 3))
    assert base.output.shape == (None, 5, 5, 1280)
    pooled = pretrained.efficientnet_lite0(include_top=False, pooling="avg")
    assert pooled.output.shape == (None, 1280)
    assert pretrained.efficientnet_lite0(include_top=False, pooling="max", weights=None).output.shape == (None, 1280)
    # the pooled base gives the classifier's own penultimate features
    x = np.random.default_rng(1).uniform(-1, 1, (1, 224, 224, 3)).astype("float32")
    features = keras.Model(lite0.input, lite0.get_layer("avg_pool").output).predict(x, verbose=0)
    np.testing.assert_allclose(pooled.predict(x, verbose=0), features, atol=1e-6)
    names = {layer.name for layer in lite0.layers}
    assert {"stem_conv", "b0_dw", "b15_project", "b14_add", "head_conv", "fc"} <= names


def test_efficientnet_lite0_bad_arguments():
    with pytest.raises(ValueError, match="pooling must be None, 'avg' or 'max'; got 'mean'"):
        pretrained.efficientnet_lite0(include_top=False, pooling="mean", weights=None)
    with pytest.raises(ValueError, match=r"input_shape must be \(height, width, 3\)"):
        pretrained.efficientnet_lite0(input_shape=(224, 224), weights=None)
    with pytest.raises(ValueError, match="weights must be 'imagenet', None or the path"):
        pretrained.efficientnet_lite0(weights="imagenet21k")


def test_mobilenet_no_top_at_another_size_loads_by_path(isolated, monkeypatch):
    """At 128 px, weights="imagenet" asks for a file that is not shipped; the path works."""
    asked = []

    def offline(fname, *args, **kwargs):
        asked.append(fname)
        raise OSError("no internet")

    monkeypatch.setattr(keras.utils, "get_file", offline)
    import keras.src.applications.mobilenet as keras_mobilenet

    monkeypatch.setattr(keras_mobilenet.file_utils, "get_file", offline)
    with pytest.raises(OSError):
        keras.applications.MobileNet(alpha=0.25, include_top=False, input_shape=(128, 128, 3))
    assert asked == ["mobilenet_2_5_128_tf_no_top.h5"]
    monkeypatch.delenv("COURSE_DATASETS")  # the shipped file again
    path = pretrained.mobilenet_weights(include_top=False)
    model = keras.applications.MobileNet(alpha=0.25, include_top=False, input_shape=(128, 128, 3),
                                         weights=path)
    assert model.output.shape == (None, 4, 4, 256)
    with h5py.File(path) as f:
        kernel = f["conv1"]["conv1"]["kernel"][()]
    np.testing.assert_array_equal(model.get_layer("conv1").get_weights()[0], kernel)


@pytest.mark.parametrize("name", sorted(FILES))
def test_one_changed_byte_in_any_shipped_file_is_named(isolated, name):
    """Every shipped weights or class-index file: one flipped byte gives the course's error."""
    folder = isolated / "datasets" / FILES[name]
    folder.mkdir(parents=True)
    bad = folder / name
    raw = bytearray((SHIPPED / FILES[name] / name).read_bytes())
    raw[len(raw) // 3] ^= 0x01
    bad.write_bytes(bytes(raw))
    with pytest.raises(data.DatasetError) as info:
        pretrained.weights_path(name)
    assert str(bad) in str(info.value) and "corrupt" in str(info.value)
