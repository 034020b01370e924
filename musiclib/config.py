"""Course-wide settings: quick mode, seeds and paths.

Chapters: every notebook (00_welcome explains quick mode).

Quick mode is switched on by the environment variable ``MUSICLIB_QUICK``
(``1``/``true``/``yes``). CI sets it; every budget in the course (epochs,
dataset size, clip length) is read through :func:`budget` so that quick and
full mode run exactly the same code paths with smaller numbers.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np

__all__ = [
    "QUICK",
    "is_quick",
    "budget",
    "set_seed",
    "PACKAGE_DIR",
    "REPO_DIR",
    "DATA_DIR",
    "CACHE_DIR",
    "DEFAULT_SR",
]

_TRUE = {"1", "true", "yes", "on"}

#: Default audio sample rate of the course, in Hz.
DEFAULT_SR = 22050

PACKAGE_DIR = Path(__file__).resolve().parent
#: Root of the course repository (the folder holding ``notebooks/`` and ``data/``).
REPO_DIR = PACKAGE_DIR.parent
#: Small data the course ships (see ``data/README.md``).
DATA_DIR = Path(os.environ.get("MUSICLIB_DATA_DIR", REPO_DIR / "data"))
#: Data the course builds on demand; safe to delete.
CACHE_DIR = Path(os.environ.get("MUSICLIB_CACHE_DIR", DATA_DIR / "cache"))


def is_quick() -> bool:
    """Return True when quick mode is on (``MUSICLIB_QUICK`` set to 1/true/yes/on).

    Read at call time, so a notebook or test may switch modes by setting the
    environment variable before calling.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"MUSICLIB_QUICK": "1"}):  # restored on leaving the block
    ...     is_quick()
    True
    >>> with mock.patch.dict(os.environ, {"MUSICLIB_QUICK": "no"}):
    ...     is_quick()
    False
    """
    return os.environ.get("MUSICLIB_QUICK", "").strip().lower() in _TRUE


#: Quick mode as it was when musiclib was imported. Prefer :func:`is_quick` in library code.
QUICK = is_quick()


def budget(full, quick):
    """Return ``quick`` in quick mode and ``full`` otherwise.

    The one place where a budget (epochs, pieces, seconds) is chosen, so the
    two modes differ only in numbers, never in code paths.

    Parameters
    ----------
    full : Any
        Value used in full mode (the results the text discusses).
    quick : Any
        Smaller value used in quick mode (CI, ``MUSICLIB_QUICK=1``).

    Examples
    --------
    >>> epochs = budget(full=200, quick=3)
    """
    return quick if is_quick() else full


def set_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's legacy global RNG and Keras/TensorFlow.

    Parameters
    ----------
    seed : int
        Non-negative integer seed.

    Raises
    ------
    ValueError
        If ``seed`` is not a non-negative integer.

    Notes
    -----
    Library functions that draw random numbers take their own ``seed`` or
    ``rng`` argument; this function is for notebook-level reproducibility.
    Keras' ``set_random_seed`` seeds TensorFlow's global generator too; it
    imports TensorFlow (about 4 s the first time in a process).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} must be a non-negative integer")
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    import keras

    keras.utils.set_random_seed(seed)
