import os

import pytest

# Before any test imports TensorFlow: the same oneDNN setting as the lessons (course_utils.setup).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


@pytest.fixture(scope="session")
def keras_module():
    """Keras, imported once for the tests that compare with it."""
    from course_utils.runtime import import_keras_quietly

    return import_keras_quietly()  # as the lessons do: quiet, oneDNN kernels on
