"""The training benchmark (python -m course_utils bench train) on a tiny setting, so it cannot rot."""

import pytest

from course_utils import bench
from course_utils.__main__ import main


def test_bench_train_command_prints_a_table(capsys, keras_module):
    assert main(["bench", "train", "--batch-sizes", "4", "8", "--steps", "2", "--warmup", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert "Training throughput of the deck's CNN" in lines[0] and "oneDNN on" in lines[0]
    assert lines[1] == "| batch size | images/s, XLA off | images/s, XLA on | XLA speed-up |"
    assert [line.split("|")[1].strip() for line in lines[3:]] == ["4", "8"]
    assert all(line.rstrip(" |").endswith("x") for line in lines[3:])


def test_rows_have_positive_speeds(keras_module):
    rows = bench.train_throughput(batch_sizes=[4], xla=[False], steps=2, warmup=1)
    assert [(r["batch_size"], r["xla"]) for r in rows] == [(4, False)]
    assert rows[0]["images_per_s"] > 0
    assert rows[0]["ms_per_step"] == pytest.approx(1000 * 4 / rows[0]["images_per_s"])


def test_deck_cnn_is_the_lessons_network(keras_module):
    model = bench.deck_cnn()
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers
              if isinstance(layer, (keras_module.layers.Conv2D, keras_module.layers.MaxPooling2D,
                                    keras_module.layers.Dense))]
    assert shapes == [(28, 28, 16), (14, 14, 16), (14, 14, 32), (7, 7, 32), (10,)]
    assert model.count_params() == 29130


@pytest.mark.parametrize("kwargs, match", [
    ({"batch_sizes": [0]}, "batch_sizes"),
    ({"steps": 0}, "steps"),
    ({"warmup": 1.5}, "warmup"),
])
def test_bad_settings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bench.train_throughput(**kwargs)


def test_table_without_xla_column():
    table = bench.format_table([{"batch_size": 8, "xla": False, "images_per_s": 12.0, "ms_per_step": 666.7}])
    assert table.splitlines()[-1] == "| 8 | 12 |"


ONEDNN_PROBE = """
from course_utils.runtime import import_keras_quietly
import os
import_keras_quietly()
from tensorflow.python.util import _pywrap_util_port
print(os.environ["TF_ENABLE_ONEDNN_OPTS"], _pywrap_util_port.IsMklEnabled())
"""


@pytest.mark.parametrize("preset,expected", [(None, "1 True"), ("0", "0 False")])
def test_keras_import_turns_onednn_on_unless_told_otherwise(preset, expected):
    """TensorFlow's oneDNN kernels speed up lesson 05's training (Appendix A measures by how much); a user's own setting wins."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if preset is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = preset
    out = subprocess.run([sys.executable, "-c", ONEDNN_PROBE], env=env, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    assert out.strip().splitlines()[-1] == expected
