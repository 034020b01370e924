"""Shared parameter checks: one error family with exact messages.

Every public musiclib function validates its parameters at the top through
these helpers, so a bad value always raises ``ValueError`` whose message
names the parameter and the allowed range, e.g.
``"hop_length=0 must be a positive integer"``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive",
    "check_nonnegative",
    "check_in_range",
    "check_choice",
    "check_finite_array",
]


def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool)


def check_positive_int(name: str, value) -> int:
    """Return ``int(value)``; raise ``ValueError`` unless it is an integer > 0."""
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name}={value!r} must be a positive integer")
    return int(value)


def check_nonnegative_int(name: str, value) -> int:
    """Return ``int(value)``; raise ``ValueError`` unless it is an integer >= 0."""
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name}={value!r} must be a non-negative integer")
    return int(value)


def check_positive(name: str, value) -> float:
    """Return ``float(value)``; raise ``ValueError`` unless it is a finite number > 0."""
    if not _is_real(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}={value!r} must be a finite number > 0")
    return float(value)


def check_nonnegative(name: str, value) -> float:
    """Return ``float(value)``; raise ``ValueError`` unless it is a finite number >= 0."""
    if not _is_real(value) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}={value!r} must be a finite number >= 0")
    return float(value)


def check_in_range(name: str, value, low, high, *, integer: bool = False):
    """Return ``value``; raise ``ValueError`` unless ``low <= value <= high``.

    With ``integer=True`` the value must also be an integer.
    """
    ok = _is_int(value) if integer else _is_real(value)
    if not ok or not np.isfinite(value) or not (low <= value <= high):
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{name}={value!r} must be {kind} in [{low}, {high}]")
    return int(value) if integer else value


def check_choice(name: str, value, choices):
    """Return ``value``; raise ``ValueError`` unless it is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={value!r} is not supported; choose one of {allowed}")
    return value


def check_finite_array(name: str, value, *, min_ndim: int = 1, allow_empty: bool = False) -> np.ndarray:
    """Return ``np.asarray(value)``; raise ``ValueError`` if it is empty, too low-dimensional or not finite."""
    arr = np.asarray(value)
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr
