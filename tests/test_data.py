"""Offline loaders: the shipped files, the caches, the download fallback, the errors."""

import gzip
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from course_utils import data
from course_utils.runtime import repo_root

SHIPPED = repo_root() / "datasets"
FASHION_FILES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No shipped data and empty caches: only what a test puts there exists."""
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path / "datasets"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path


def test_shipped_data_checksums_all_good():
    rows = data.check_shipped_data()
    names = {(folder, name) for folder, name, _ in rows}
    assert ("ecg", "ecg.dat") in names
    assert all(("fashion-mnist", f) in names for f in FASHION_FILES)
    assert ("flower_photos", "split.csv") in names and ("flower_photos", "daisy/100080576_f52e8ee070_n.jpg") in names
    assert [r for r in rows if r[2] != "ok"] == []


def test_every_dataset_folder_has_licence_and_provenance():
    for folder in (p for p in SHIPPED.iterdir() if p.is_dir()):
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}  # class sub-folders too
        assert "SHA256SUMS" in files and "PROVENANCE.txt" in files, folder
        assert files & {"LICENSE", "ATTRIBUTION.txt"}, f"{folder} has no licence or attribution"
        listed = {line.split()[1].lstrip("*") for line in (folder / "SHA256SUMS").read_text().splitlines() if line}
        assert files - {"SHA256SUMS"} <= listed, f"{folder}: files without a checksum"


def test_fashion_mnist_like_keras():
    (x_train, y_train), (x_test, y_test), names = data.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert names[0] == "T-shirt/top" and names[9] == "Ankle boot" and len(names) == 10
    assert 0 < x_train.mean() < 255


def test_fashion_mnist_equals_keras_loader(tmp_path):
    """keras.datasets.fashion_mnist.load_data() on the same files gives the same arrays."""
    cache = tmp_path / "keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(SHIPPED / "fashion-mnist" / name, cache / name)
    code = (
        "import numpy as np, keras; from course_utils import data;"
        "a = keras.datasets.fashion_mnist.load_data(); b = data.load_fashion_mnist();"
        "assert all(np.array_equal(p, q) for s, t in zip(a, b[:2]) for p, q in zip(s, t));"
        "assert all(p.dtype == q.dtype for s, t in zip(a, b[:2]) for p, q in zip(s, t)); print('same')"
    )
    env = dict(os.environ, KERAS_HOME=str(tmp_path / "keras"), TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "same" in out.stdout


def test_ecg_equals_scipy(tmp_path):
    """scipy.datasets.electrocardiogram() on the same file gives the same signal."""
    cache = tmp_path / "scipy-data"
    cache.mkdir()
    shutil.copy(SHIPPED / "ecg" / "ecg.dat", cache / "ecg.dat")
    code = (
        "import numpy as np; from scipy import datasets; from course_utils import data;"
        "a = datasets.electrocardiogram(); b, fs = data.load_ecg();"
        "assert fs == 360 and b.dtype == np.float64 and np.array_equal(a, b); print('same')"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "same" in out.stdout


def test_ecg_values():
    ecg, fs = data.load_ecg()
    assert ecg.shape == (108000,) and fs == 360 and ecg.dtype == np.float64
    assert -5 < ecg.min() < ecg.max() < 5  # millivolts


def test_fashion_mnist_from_keras_cache(isolated):
    cache = isolated / "keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(SHIPPED / "fashion-mnist" / name, cache / name)
    (x_train, _), _, _ = data.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28)


def test_fashion_mnist_accepts_other_gzip_wrapping(isolated):
    """A mirror's .gz bytes may differ (name, mtime); the content is what is checked."""
    cache = isolated / "keras" / "datasets" / "fashion-mnist"
    cache.mkdir(parents=True)
    for name in FASHION_FILES:
        content = gzip.decompress((SHIPPED / "fashion-mnist" / name).read_bytes())
        (cache / name).write_bytes(gzip.compress(content, compresslevel=1, mtime=12345))
    (_, y_train), _, _ = data.load_fashion_mnist()
    assert y_train.shape == (60000,)


def test_fashion_mnist_download_fallback(isolated, monkeypatch):
    """With nothing local, the loader calls Keras's download and then uses its cache."""
    keras = pytest.importorskip("keras")
    calls = []

    def fake_download():
        calls.append(1)
        cache = isolated / "keras" / "datasets" / "fashion-mnist"
        cache.mkdir(parents=True)
        for name in FASHION_FILES:
            shutil.copy(SHIPPED / "fashion-mnist" / name, cache / name)

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", fake_download)
    (x_train, _), _, _ = data.load_fashion_mnist()
    assert calls == [1] and x_train.shape == (60000, 28, 28)


def test_fashion_mnist_no_internet_message(isolated, monkeypatch):
    keras = pytest.importorskip("keras")

    def offline():
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(data.DatasetError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    for words in ["train-images-idx3-ubyte.gz", "Looked in", str(isolated / "datasets"),
                  str(isolated / "keras"), "name resolution", "Fix:"]:
        assert words in message


def test_corrupt_file_is_named_with_a_fix(isolated):
    folder = isolated / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(SHIPPED / "fashion-mnist" / name, folder / name)
    bad = folder / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(gzip.decompress(bad.read_bytes()))
    content[100] ^= 0xFF
    bad.write_bytes(gzip.compress(bytes(content)))
    with pytest.raises(data.DatasetError) as info:
        data.load_fashion_mnist()
    assert str(bad) in str(info.value) and "corrupt" in str(info.value)
    assert "expected 0402a96d" in str(info.value)


def test_truncated_gzip_is_named(isolated):
    folder = isolated / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in FASHION_FILES:
        shutil.copy(SHIPPED / "fashion-mnist" / name, folder / name)
    bad = folder / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:1000])
    with pytest.raises(data.DatasetError, match="train-labels-idx1-ubyte.gz.*not a valid gzip"):
        data.load_fashion_mnist()


def test_corrupt_ecg_is_named(monkeypatch, tmp_path):
    # A corrupt copy inside the repository's own datasets/ would get the git command.
    ecg = repo_root() / "datasets" / "ecg" / "ecg.dat"
    folder = tmp_path / "ecg"
    folder.mkdir()
    (folder / "ecg.dat").write_bytes(b"not an npz")
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    with pytest.raises(data.DatasetError) as info:
        data.load_ecg()
    assert "ecg.dat" in str(info.value) and "f20ad336" in str(info.value)
    assert data._restore_hint(ecg).startswith("restore it with `git checkout -- datasets/ecg/ecg.dat`")


def test_ecg_missing_everywhere(isolated, monkeypatch):
    from scipy import datasets as scipy_datasets

    def offline():
        raise ConnectionError("no internet")

    monkeypatch.setattr(scipy_datasets, "electrocardiogram", offline)
    with pytest.raises(data.DatasetError) as info:
        data.load_ecg()
    assert "ecg.dat not found" in str(info.value) and "no internet" in str(info.value)


def test_doctor_reports_all_good():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run([sys.executable, "-m", "course_utils", "doctor"], env=env,
                         capture_output=True, text=True, cwd=repo_root())
    assert out.returncode == 0, out.stdout + out.stderr
    assert "All good" in out.stdout
    assert "ok           fashion-mnist/train-images-idx3-ubyte.gz" in out.stdout
    assert "backend       tensorflow" in out.stdout


@pytest.mark.parametrize("name", FASHION_FILES)
@pytest.mark.parametrize("where", ["middle", "end"])
def test_one_changed_byte_in_a_shipped_gzip_is_named(isolated, name, where):
    """One changed byte of a shipped .gz: the course's error naming the file, not zlib's."""
    folder = isolated / "datasets" / "fashion-mnist"
    shutil.copytree(SHIPPED / "fashion-mnist", folder)
    bad = folder / name
    raw = bytearray(bad.read_bytes())
    raw[len(raw) // 2 if where == "middle" else -3] ^= 0x01
    bad.write_bytes(bytes(raw))
    with pytest.raises(data.DatasetError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    assert str(bad) in message and "corrupt" in message and "SHA256SUMS" in message, message


def test_one_changed_byte_in_the_ecg_is_named(monkeypatch, tmp_path):
    """The .npz (a zip) is checked byte for byte before numpy opens it."""
    shutil.copytree(SHIPPED / "ecg", tmp_path / "ecg")
    bad = tmp_path / "ecg" / "ecg.dat"
    raw = bytearray(bad.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    bad.write_bytes(bytes(raw))
    monkeypatch.setenv("COURSE_DATASETS", str(tmp_path))
    with pytest.raises(data.DatasetError) as info:
        data.load_ecg()
    assert str(bad) in str(info.value) and "corrupt" in str(info.value)
