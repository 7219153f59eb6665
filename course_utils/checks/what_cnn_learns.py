"""Checks for the exercises of lesson 09 (``lessons/09_what_cnn_learns.ipynb``)."""

__all__: list[str] = []
