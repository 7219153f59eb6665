"""Helpers for the CNN course: data, reference convolutions, plots, checks.

``import course_utils`` is fast and needs numpy and scipy only; the modules
that build Keras models import Keras inside the functions that need it.

Modules
-------
runtime   fast mode, seeds, versions (``setup`` for a lesson's first cell)
data      offline loaders with checksums (Fashion-MNIST, the ECG, the flower photos)
pretrained ImageNet weights offline, EfficientNet-Lite0 (lesson 08)
conv      reference convolution code and output sizes
plotting  the course's plot style and image grids
pipeline  arrays -> shuffled tf.data batches for fit (lessons 05 onwards)
runs      a result over several seeds: mean, spread, curves
arch      parameter and multiply-add counts, receptive fields (lesson 07)
diagrams  block diagrams of architectures: boxes, arrows, skips, branches (lesson 07)
interpret reference saliency, SmoothGrad, Grad-CAM, occlusion, top activations (lesson 09)
checks    feedback for the exercises (a package: shared machinery, one module per lesson)
handout   student notebooks without solutions
grade     grade returned student notebooks in contained kernels (python -m course_utils grade)
site      the course as a static website (python -m course_utils site)
bench     training-speed benchmark (python -m course_utils bench train)
fork      the repository's owner/name in every badge and set-up cell (python -m course_utils fork)
"""

from .runtime import FAST_ENV, fast_mode, on_colab, repo_root, setup

__version__ = "0.1.0"

__all__ = ["FAST_ENV", "fast_mode", "on_colab", "repo_root", "setup", "__version__"]
