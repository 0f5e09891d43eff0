"""The ml extra: numpy, scikit-learn, LightGBM and polars, imported only when scoring runs.

``unstuck`` itself installs without them, so every entry point of this package calls
:func:`require_ml` first and the user gets one line telling them what to install instead
of an ``ImportError`` traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from unstuck.scoring.errors import MissingExtraError

# Import name -> distribution name, in the order the user would see them fail.
ML_MODULES: dict[str, str] = {
    "numpy": "numpy",
    "sklearn": "scikit-learn",
    "lightgbm": "lightgbm",
    "polars": "polars",
}


def require_ml() -> None:
    """Raise :class:`MissingExtraError` unless every package of the ml extra imports."""
    missing: list[str] = []
    for module, distribution in ML_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(distribution)
    if missing:
        raise MissingExtraError(missing)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run numpy/scipy linear algebra on one thread inside the block.

    OpenBLAS threads spin while they wait for each other; on a busy two-core machine
    that made one logistic fit on 42,000 IBM rows take 3.7 s instead of 0.4 s. The
    matrices here are too small for threads to pay off anyway.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
