import pytest


@pytest.fixture(scope="session")
def keras_module():
    """Keras, imported once for the tests that compare with it."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras
