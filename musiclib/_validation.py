"""Shared parameter checks: one error family with exact messages.

Every public musiclib function validates its parameters at the top through
these helpers, so a bad value always raises ``ValueError`` whose message
names the parameter and the allowed range, e.g.
``"hop_length=0 must be a positive integer"``.

What the helpers refuse, whoever calls them:

- ``bool`` (and ``np.bool_``) where a number is expected: ``True`` is not 1 here;
- integers too large for a float (``10**400``) and Python integers beyond
  ``2**64`` are judged by value without ``np.isfinite`` (which cannot take them);
- complex arrays (their imaginary part would be dropped silently), object and
  string arrays, ragged nested lists, NaN and inf.

The size caps (``maximum=``) guard against a typo such as ``n_fft=2**30`` that
would otherwise exhaust memory; each module documents its own caps, built on
the constants below.
"""

from __future__ import annotations

import math
import sys
import numbers

import numpy as np

__all__ = [
    "MAX_FFT_SIZE",
    "MAX_SAMPLE_RATE",
    "MAX_DURATION",
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive",
    "check_nonnegative",
    "check_in_range",
    "check_choice",
    "check_finite_array",
    "check_bool",
    "check_seed",
]

#: Largest FFT / window / frame length in samples (2**20 = 1,048,576: 47 s at 22050 Hz).
MAX_FFT_SIZE = 2**20
#: Highest sample rate in Hz that synthesis and playback accept (the top rate of common audio hardware).
MAX_SAMPLE_RATE = 192_000
#: Longest synthesised or played duration in seconds (10 minutes).
MAX_DURATION = 600.0


def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_finite_real(value) -> bool:
    """A real number (not bool) that is finite as a float; never raises, whatever ``value`` is."""
    if not _is_real(value):
        return False
    if _is_int(value):
        return abs(int(value)) <= sys.float_info.max  # exact int-float comparison, no conversion
    try:
        return math.isfinite(float(value))
    except (OverflowError, ValueError, TypeError):
        return False


def _is_scalar(value) -> bool:
    """True for a single value (not a list, tuple or array, 0-d arrays included as arrays); never raises."""
    if isinstance(value, (np.ndarray, list, tuple)):
        return False
    try:
        return np.ndim(value) == 0
    except (ValueError, TypeError):  # something numpy cannot even look at
        return True


def _repr(value, limit: int = 80) -> str:
    """``repr(value)`` for an error message: shortened, and safe for integers too long to print."""
    try:
        text = repr(value)
    except Exception:  # e.g. an int of more than 4300 digits
        text = f"<{type(value).__name__} too large to print>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bound_text(maximum, joiner: str = " ") -> str:
    return "" if maximum is None else f"{joiner}<= {maximum:g}" if isinstance(maximum, float) else f"{joiner}<= {maximum}"


def check_positive_int(name: str, value, *, maximum: int | None = None) -> int:
    """Return ``int(value)``; raise ``ValueError`` unless it is an integer > 0 (and ``<= maximum``)."""
    if not _is_int(value) or value <= 0 or (maximum is not None and value > maximum):
        raise ValueError(f"{name}={_repr(value)} must be a positive integer{_bound_text(maximum)}")
    return int(value)


def check_nonnegative_int(name: str, value, *, maximum: int | None = None) -> int:
    """Return ``int(value)``; raise ``ValueError`` unless it is an integer >= 0 (and ``<= maximum``)."""
    if not _is_int(value) or value < 0 or (maximum is not None and value > maximum):
        raise ValueError(f"{name}={_repr(value)} must be a non-negative integer{_bound_text(maximum)}")
    return int(value)


def check_positive(name: str, value, *, maximum: float | None = None) -> float:
    """Return ``float(value)``; raise ``ValueError`` unless it is a finite number > 0 (and ``<= maximum``)."""
    if not _is_finite_real(value) or value <= 0 or (maximum is not None and value > maximum):
        raise ValueError(f"{name}={_repr(value)} must be a finite number > 0{_bound_text(maximum, ' and ')}")
    return float(value)


def check_nonnegative(name: str, value, *, maximum: float | None = None) -> float:
    """Return ``float(value)``; raise ``ValueError`` unless it is a finite number >= 0 (and ``<= maximum``)."""
    if not _is_finite_real(value) or value < 0 or (maximum is not None and value > maximum):
        raise ValueError(f"{name}={_repr(value)} must be a finite number >= 0{_bound_text(maximum, ' and ')}")
    return float(value)


def check_in_range(name: str, value, low, high, *, integer: bool = False):
    """Return ``value``; raise ``ValueError`` unless ``low <= value <= high``.

    With ``integer=True`` the value must also be an integer (and ``int(value)`` is returned).
    """
    ok = _is_int(value) if integer else _is_finite_real(value)
    if not ok or not (low <= value <= high):
        kind = "an integer" if integer else "a number"
        raise ValueError(f"{name}={_repr(value)} must be {kind} in [{low}, {high}]")
    return int(value) if integer else value


def _same_choice(value, choice) -> bool:
    if value is choice:
        return True
    # True == 1 in Python; a flag is not a number or a name here.
    if isinstance(value, (bool, np.bool_)) != isinstance(choice, (bool, np.bool_)):
        return False
    try:
        return bool(value == choice)
    except (ValueError, TypeError):  # arrays and other values without a plain truth value
        return False


def check_choice(name: str, value, choices):
    """Return ``value``; raise ``ValueError`` unless it is one of ``choices``."""
    if not any(_same_choice(value, choice) for choice in choices):
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={_repr(value)} is not supported; choose one of {allowed}")
    return value


def check_sequence(name: str, value, what: str) -> tuple:
    """Return ``tuple(value)``; raise ``ValueError`` naming ``name`` and ``what`` for one string or a non-iterable.

    A string is iterable, so without this check ``"maj"`` would pass as the sequence ``("m", "a", "j")``.
    """
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name}={value!r} must be {what}, not one string")
    try:
        return tuple(value)
    except TypeError:
        raise ValueError(f"{name}={_repr(value)} must be {what}") from None


def check_bool(name: str, value) -> bool:
    """Return ``bool(value)``; raise ``ValueError`` unless it is ``True`` or ``False`` (``np.bool_`` too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={_repr(value)} must be True or False")
    return bool(value)


def check_seed(name: str, value, *, allow_none: bool = True, allow_generator: bool = False):
    """Return a seed: a non-negative integer (as ``int``), or None / a ``np.random.Generator`` where allowed."""
    if value is None and allow_none:
        return None
    if allow_generator and isinstance(value, np.random.Generator):
        return value
    if not _is_int(value) or value < 0:
        allowed = ["a non-negative integer"] + (["None"] if allow_none else [])
        allowed += ["a numpy Generator"] if allow_generator else []
        raise ValueError(f"{name}={_repr(value)} must be {' or '.join(allowed)}")
    return int(value)


def check_finite_array(name: str, value, *, min_ndim: int = 1, allow_empty: bool = False) -> np.ndarray:
    """Return ``np.asarray(value)``; raise ``ValueError`` unless it is a finite, real, numeric array.

    Refused: fewer than ``min_ndim`` dimensions, no elements (unless
    ``allow_empty``), ragged nested lists, complex values (the imaginary part
    would be lost), booleans, strings and other non-numeric or object dtypes
    (e.g. Python integers beyond 64 bits), NaN and inf.
    """
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists, objects numpy cannot hold
        raise ValueError(f"{name} must be an array of numbers, got {type(value).__name__}: {err}") from None
    if arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real-valued, got a complex array (dtype {arr.dtype}); pass np.abs(x) or x.real")
    if not np.issubdtype(arr.dtype, np.number):
        hint = " (e.g. integers too large for int64/uint64)" if arr.dtype == object else ""
        raise ValueError(f"{name} must be numeric (integers or floats), got dtype {arr.dtype}{hint}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr
