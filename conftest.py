"""pytest configuration shared by the unit tests and the notebook runs (nbval)."""

import os

# Keep TensorFlow's C++ start-up lines out of the kernels nbval starts.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collectstart(collector):
    """Do not compare stderr of notebook cells (warnings differ between machines)."""
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare = (*collector.skip_compare, "stderr")


def pytest_collection_modifyitems(config, items):
    """Without the site extra (the oldest-versions run), its doctest that builds a site is skipped."""
    import importlib.util

    import pytest

    if importlib.util.find_spec("sphinx") is not None:
        return
    skip = pytest.mark.skip(reason='the site extra is not installed: pip install -e ".[site]"')
    for item in items:
        if item.nodeid.startswith("course_utils/site.py::") and item.nodeid.endswith("build_site"):
            item.add_marker(skip)
