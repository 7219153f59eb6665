"""Checks for the exercises of lesson 06 (``lessons/06_training_deep_cnn.ipynb``)."""

__all__: list[str] = []
