"""Environment check: which versions and devices this course runs on.

Chapter: 00_welcome.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import sys

__all__ = ["env_report", "KEY_PACKAGES"]

#: Distribution names whose versions the environment check reports.
KEY_PACKAGES = (
    "numpy",
    "scipy",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "librosa",
    "soundfile",
    "music21",
    "matplotlib",
    "ipywidgets",
    "jupyterlab",
    "nbval",
    "pytest",
)


def _version(dist: str):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def env_report(*, devices: bool = True) -> dict:
    """Return the Python version, key package versions and compute devices.

    Chapter: 00_welcome.

    Parameters
    ----------
    devices : bool
        If True (default), import TensorFlow (about 4 s) and list the CPU/GPU
        devices it sees.

    Returns
    -------
    dict
        ``{"python": str, "platform": str, "quick_mode": bool,
        "packages": {name: version or None}, "devices": [str, ...]}``.
        A package that is not installed maps to None.

    Examples
    --------
    >>> report = env_report(devices=False)
    >>> report["packages"]["numpy"] is not None
    True
    """
    from .config import is_quick

    report = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "quick_mode": is_quick(),
        "packages": {name: _version(name) for name in KEY_PACKAGES},
        "devices": [],
    }
    if devices:
        tf = importlib.import_module("tensorflow")
        report["devices"] = [f"{d.device_type}:{d.name}" for d in tf.config.list_physical_devices()]
    return report
