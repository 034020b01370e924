"""The dataset cache shared by every dataset of the course: compressed ``.npz`` files, no pickle.

Chapters: 03_symbolic_music_data (the chorales) and 11_audio_gan_on_features (the timbres) build through it.

A dataset is built once and stored under ``cache_dir`` (default :data:`musiclib.config.CACHE_DIR`,
``data/cache/``) as ``<kind>-<key>.npz``. The key (:func:`cache_key`) hashes every build parameter together with
the versions the result depends on, so changing a parameter builds a new file and a stale one is never read.
Files are written atomically (:func:`save_npz`) and read with ``allow_pickle=False`` (:func:`load_npz`); a file that
is unreadable, or readable but not what its parameters imply (:func:`check_arrays`), is rebuilt with a warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path

from .. import config

__all__ = ["cache_dir", "cache_key", "save_npz", "load_npz", "check_arrays"]


def cache_dir(folder=None) -> Path:
    """The cache folder, created if missing: ``folder`` or :data:`musiclib.config.CACHE_DIR`.

    Chapter: 03_symbolic_music_data
    """
    path = Path(config.CACHE_DIR if folder is None else folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(params: dict, versions: dict) -> str:
    """A 16-hex-digit hash of the build parameters and the versions the build depends on.

    Chapter: 03_symbolic_music_data

    Examples
    --------
    >>> cache_key({"a": 1}, {"format": "1"}) == cache_key({"a": 1}, {"format": "1"}) != cache_key({"a": 2}, {"format": "1"})
    True
    """
    text = json.dumps({"params": params, "versions": versions}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save_npz(path: Path, arrays: dict) -> None:
    """Write ``arrays`` compressed, atomically (temp file + rename), so a reader never sees half a file."""
    import numpy as np

    path = Path(path)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_npz(path: Path, check=None):
    """Return the arrays of a cache file, or None (rebuild) if it is missing, unreadable or inconsistent.

    ``check(arrays)`` returns None if the arrays are what the build parameters imply, else
    what is wrong. A readable file with wrong contents (a missing key, another shape or
    dtype, impossible values) is rebuilt with a warning, never trusted.
    """
    import numpy as np

    path = Path(path)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except Exception as err:  # a damaged cache file is rebuilt, never trusted
        warnings.warn(f"cache file {path} is unreadable ({type(err).__name__}: {err}); rebuilding it", stacklevel=3)
        return None
    problem = check(arrays) if check is not None else None
    if problem is not None:
        warnings.warn(
            f"cache file {path} does not hold what its parameters imply ({problem}); rebuilding it", stacklevel=3
        )
        return None
    return arrays


def check_arrays(arrays: dict, spec: dict):
    """Check keys, dtypes and shapes against ``spec``: ``{name: (dtype kinds, shape)}``.

    A shape entry is an int (that exact length) or a string naming a length that must be
    the same wherever the name appears. Return None if all match, else what is wrong.

    Examples
    --------
    >>> import numpy as np
    >>> check_arrays({"x": np.zeros((3, 2)), "y": np.zeros(3)}, {"x": ("f", ("n", 2)), "y": ("f", ("n",))}) is None
    True
    >>> check_arrays({"x": np.zeros((3, 2))}, {"x": ("i", ("n", 2))})
    'x has dtype float64'
    """
    missing = sorted(set(spec) - set(arrays))
    if missing:
        return f"missing array(s) {', '.join(missing)}"
    sizes = {}
    for name, (kinds, shape) in spec.items():
        arr = arrays[name]
        if arr.dtype.kind not in kinds:
            return f"{name} has dtype {arr.dtype}"
        if arr.ndim != len(shape):
            return f"{name} has shape {arr.shape}, expected {len(shape)} dimension(s)"
        for axis, (want, got) in enumerate(zip(shape, arr.shape)):
            if isinstance(want, str):
                want = sizes.setdefault(want, got)
            if got != want:
                return f"{name} has shape {arr.shape}: axis {axis} should be {want}"
    return None
