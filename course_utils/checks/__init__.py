"""Feedback for the exercises: correct, or not yet with a hint.

Each ``check_*`` function takes the student's function, tries it on test
cases, prints one line of feedback and returns a true or false
:class:`CheckResult`. It never prints the expected answer, only what is wrong
and a hint. A function that still raises ``NotImplementedError`` (the
handout's stub) gets "not yet".

Layout: ``_core`` holds the shared machinery (calling the student's function,
reading its source for forbidden calls and loops, comparing hashed answers to
prediction questions); each lesson's checks sit in a module named after the
lesson's notebook (``convolution_1d`` for ``lessons/01_convolution_1d.ipynb``),
and all of them are importable from here as ``checks.check_...``
(a new lesson's module lists its checks in ``__all__`` and is added below).
"""

from . import (
    conv2d_layer,
    convolution_1d,
    correlation_2d,
    famous_architectures,
    fashion_mnist_cnn,
    filters_on_images,
    training_deep_cnn,
    transfer_learning,
    what_cnn_learns,
)
from ._core import CORRECT, NOT_YET, CheckResult
from .conv2d_layer import *  # noqa: F403
from .convolution_1d import *  # noqa: F403
from .correlation_2d import *  # noqa: F403
from .famous_architectures import *  # noqa: F403
from .fashion_mnist_cnn import *  # noqa: F403
from .filters_on_images import *  # noqa: F403
from .training_deep_cnn import *  # noqa: F403
from .transfer_learning import *  # noqa: F403
from .what_cnn_learns import *  # noqa: F403

__all__ = ["CORRECT", "NOT_YET", "CheckResult"]
for _module in (convolution_1d, correlation_2d, filters_on_images, conv2d_layer, fashion_mnist_cnn,
                training_deep_cnn, famous_architectures, transfer_learning, what_cnn_learns):
    __all__ += _module.__all__
