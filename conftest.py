"""pytest configuration shared by the unit tests and the notebook runs (nbval)."""

import os

# Keep TensorFlow's C++ start-up lines out of the kernels nbval starts.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells (warnings differ between machines)."""
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare = (*collector.skip_compare, "stderr")
