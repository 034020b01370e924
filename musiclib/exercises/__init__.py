"""Exercise checkers: students call ``check("01.2", answer)`` at the end of a chapter.

Chapters: every chapter with exercises. Each chapter registers its checkers
in its own module (``exercises/ch01.py`` …) with :func:`register`; a checker
takes the student's answer and returns ``(ok, hint)``. The expected values are
computed inside musiclib, so the notebook does not give the answer away.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["check", "register", "available", "as_number", "ExerciseResult"]

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
