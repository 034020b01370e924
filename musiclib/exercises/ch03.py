"""Exercise checkers of chapter 03_symbolic_music_data.

Chapter: 03_symbolic_music_data. Students call ``musiclib.exercises.check("03.k", answer)``.
"""

from __future__ import annotations

import numpy as np

from . import as_integers, as_number, register

__all__ = ["SOLUTIONS", "EXERCISE_03_2_NOTES"]

#: The notes of exercise 03.2 as ``(pitch, start_s, end_s)``; the notebook builds Notes from them.
EXERCISE_03_2_NOTES = ((60, 0.0, 0.5), (62, 0.25, 0.75), (64, 0.75, 1.0))


def _seconds_at_tick_1440() -> float:
    # 480 ticks per beat; 120 bpm (0.5 s per beat) for ticks 0-960, then 60 bpm (1 s per beat).
    return 960 / 480 * 0.5 + (1440 - 960) / 480 * 1.0


def _roll_03_2() -> np.ndarray:
    from ..midi import Note, notes_to_pianoroll

    notes = [Note(*n) for n in EXERCISE_03_2_NOTES]
    return notes_to_pianoroll(notes, steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=5, n_steps=8)


def _shifts() -> tuple:
    from ..data import normalizing_shift

    return normalizing_shift("E major"), normalizing_shift("Bb minor")


def _segment_counts() -> tuple:
    from ..data import segment_pianoroll

    roll = np.zeros((12 * 16, 4))
    return (
        len(segment_pianoroll(roll, window_steps=64, hop_steps=16)),
        len(segment_pianoroll(roll, window_steps=64, hop_steps=64)),
    )


def _is_valid_segment(roll) -> bool:
    roll = np.asarray(roll)
    return bool(np.all((roll == 0) | (roll == 1)) and roll.sum(axis=-1).max(initial=0) <= 4)


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {
    "03.1": _seconds_at_tick_1440,
    "03.2": _roll_03_2,
    "03.3": _shifts,
    "03.4": _segment_counts,
    "03.5": lambda: _is_valid_segment,
}


@register("03.1")
def check_tick_to_seconds(answer):
    """Seconds at tick 1440: 480 ticks per beat, 120 bpm until tick 960, then 60 bpm. Within 1 ms."""
    ok = abs(as_number(answer) - _seconds_at_tick_1440()) < 1e-3
    return ok, "Add the time of each tempo segment: ticks / ticks_per_beat * seconds_per_beat, with 60 / bpm s per beat."


@register("03.2")
def check_pianoroll_by_hand(answer):
    """The (8, 5) roll of EXERCISE_03_2_NOTES at 4 steps per beat, 120 bpm, pitch_offset 60, built with NumPy."""
    if answer is None:
        raise ValueError("no answer yet: replace None with your array")
    roll = np.asarray(answer, dtype=np.float64)
    expected = _roll_03_2()
    if roll.shape != expected.shape:
        return False, f"Expected shape {expected.shape} (time steps x pitches), got {roll.shape}."
    ok = bool(np.array_equal(roll, expected))
    return ok, "A step lasts 60 / (120 * 4) = 0.125 s; a note fills rows start/0.125 up to (not including) end/0.125."


@register("03.3")
def check_normalizing_shifts(answer):
    """(shift for E major, shift for Bb minor), each in -6..5, that normalisation to C major / A minor applies."""
    # Whole numbers only: a shift of -4.9 semitones is not a transposition (int() would truncate it to -4).
    ok = as_integers(answer, length=2) == _shifts()
    return ok, "Count semitones from the tonic to C (major) or A (minor), choosing the direction with at most 6."


@register("03.4")
def check_segment_counts(answer):
    """(segments with hop 1 bar, with hop 4 bars) of 4-bar windows in a 12-bar 4/4 piece without pickup."""
    ok = as_integers(answer, length=2) == _segment_counts()
    return ok, "A window may start at bar 0, 1, ... as long as its 4 bars fit inside the 12."


@register("03.5")
def check_is_valid_segment(answer):
    """A function roll -> bool: True iff the roll is binary and no step has more than four sounding pitches."""
    if not callable(answer):
        return False, "Answer with a function that takes a (time_steps, n_pitches) array and returns True or False."
    rng = np.random.default_rng(3)
    cases = []
    good = np.zeros((16, 12))
    for step in range(16):
        good[step, rng.choice(12, size=4, replace=False)] = 1
    cases.append((good, True))
    cases.append((np.zeros((16, 12)), True))
    crowded = good.copy()
    crowded[5, :6] = 1
    cases.append((crowded, False))
    soft = good * 0.5
    cases.append((soft, False))
    for roll, expected in cases:
        if bool(answer(roll)) != expected:
            return False, "Check both rules: every value is 0 or 1, and each row (time step) sums to at most 4."
    return True, ""
