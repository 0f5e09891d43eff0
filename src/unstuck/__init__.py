"""Unstuck: find the stuck deals in a pipeline, say why, and do the right next thing."""

__version__ = "0.1.0"

__all__ = ["__version__"]
