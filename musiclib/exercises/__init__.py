"""Exercise checkers: students call ``check("01.2", answer)`` at the end of a chapter.

Chapters: every chapter with exercises. Each chapter registers its checkers
in its own module (``exercises/ch01.py`` …) with :func:`register`; a checker
takes the student's answer and returns ``(ok, hint)``. The expected values are
computed inside musiclib, so the notebook does not give the answer away.
"""

from __future__ import annotations

import importlib
import math
import pkgutil

import numpy as np

__all__ = ["check", "register", "available", "as_number", "as_integer", "as_integers", "ExerciseResult"]

_CHECKERS: dict = {}


class ExerciseResult:
    """Outcome of one check: truthy when correct, with a readable message."""

    def __init__(self, exercise_id: str, ok: bool, message: str):
        self.exercise_id = exercise_id
        self.ok = bool(ok)
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        mark = "✅ correct" if self.ok else "❌ not yet"
        return f"Exercise {self.exercise_id}: {mark}. {self.message}".rstrip()


def register(exercise_id: str):
    """Decorator registering ``checker(answer) -> (ok, hint)`` under ``exercise_id``."""

    def decorator(checker):
        if exercise_id in _CHECKERS:
            raise ValueError(f"exercise_id={exercise_id!r} is registered twice")
        _CHECKERS[exercise_id] = checker
        return checker

    return decorator


def as_number(answer) -> float:
    """Return ``float(answer)`` for checkers; a placeholder ``None`` gets a friendly message."""
    if answer is None:
        raise ValueError("no answer yet: replace None with your number")
    return float(answer)


def as_integer(value) -> int:
    """Return ``value`` as an ``int`` when it is a whole number (``3``, ``3.0``, ``np.int64(3)``).

    Checkers whose answer is a count, a MIDI number or a shift use it, so that
    ``-4.9`` is rejected instead of being truncated to ``-4`` by ``int()``.

    Raises
    ------
    ValueError
        If ``value`` is None, a string, a bool, not finite or not a whole number.
    """
    if value is None:
        raise ValueError("no answer yet: replace None with your number")
    if isinstance(value, (str, bytes, bool, np.bool_)):
        raise ValueError(f"{value!r} is not a number")
    number = float(value)
    if not math.isfinite(number) or number != round(number):
        raise ValueError(f"{value!r} is not a whole number")
    return int(round(number))


def as_integers(answer, *, length: int) -> tuple:
    """Return ``answer`` (a tuple or list of ``length`` whole numbers) as a tuple of ints.

    Raises
    ------
    ValueError
        If ``answer`` is not a sequence of ``length`` items or an item is not a
        whole number (see :func:`as_integer`).
    """
    if answer is None:
        raise ValueError(f"no answer yet: replace None with a tuple of {length} integers")
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
        raise ValueError(f"answer with a tuple of {length} integers")
    if len(answer) != length:
        raise ValueError(f"answer with {length} integers, got {len(answer)} values")
    return tuple(as_integer(x) for x in answer)


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{info.name}")


def available() -> list:
    """Return the sorted ids of all registered exercises."""
    _load_all()
    return sorted(_CHECKERS)


def check(exercise_id: str, answer) -> ExerciseResult:
    """Check a student's answer to exercise ``exercise_id`` (e.g. ``"01.2"``).

    Returns
    -------
    ExerciseResult
        Truthy when the answer is right; its repr says so and gives a hint otherwise.

    Raises
    ------
    ValueError
        If no exercise has that id.
    """
    _load_all()
    if exercise_id not in _CHECKERS:
        raise ValueError(f"exercise_id={exercise_id!r} is unknown; choose one of {', '.join(sorted(_CHECKERS))}")
    try:
        ok, hint = _CHECKERS[exercise_id](answer)
    except (TypeError, ValueError) as err:
        ok, hint = False, f"Could not check that answer ({err})."
    return ExerciseResult(exercise_id, ok, "" if ok else hint)
