"""Exercise checkers for chapter 12_applications.

12.1 asks for a melody parser, 12.2 for spherical interpolation, 12.3 for a count of crossed steps: the checker runs
the student's function on inputs it makes itself and compares with the course's own version
(:func:`musiclib.applications.melody_to_rolls`, :func:`~musiclib.applications.interpolate_latents`,
:func:`musiclib.metrics.voice_leading`).
"""

from __future__ import annotations

import numpy as np

from . import register

__all__ = ["exercise_melodies", "exercise_rolls"]

#: Melodies (one segment of 16 beats each) the 12.1 checker feeds to the student's parser.
exercise_melodies = (
    "E5 D5 C5 D5 E5 E5 E5:2 D5 D5 D5:2 E5 G5 G5:2",
    "C5:2 B4 A4 G4:2 R:2 A4:0.5 B4:0.5 C5 D5:4 E5:2",
    "F#4:4 Bb4:4 C5:3 R A4:4",
)


def exercise_rolls(seed=0, n=3):
    """Random four-voice rolls ``(n, 32, 64, 4)`` whose voices often cross (each voice anywhere in its range)."""
    from ..baselines import random_rolls

    return random_rolls(n, seed=1212 + seed, time_steps=32)


@register("12.1")
def _check_parse(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function melody_roll(text) -> soprano roll (64, 64) (see the exercise text)."
    from ..applications import melody_to_rolls

    for text in exercise_melodies:
        expected = melody_to_rolls(text)[0]
        got = np.asarray(answer(text), dtype=np.float64)
        if got.shape != expected.shape:
            return False, f"For {text!r} the roll must have shape {expected.shape} (steps, pitch columns), got {got.shape}."
        if not np.array_equal(got, expected):
            wrong = np.flatnonzero((got != expected).any(axis=1))
            return False, (f"For {text!r} steps {wrong[:5].tolist()} differ: a beat is 4 steps, column = MIDI - 28, "
                           "a rest leaves its steps empty, and ':n' gives the length in beats.")
    return True, ""


@register("12.2")
def _check_slerp(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function slerp(z_a, z_b, t) -> vector for one t in [0, 1]."
    from ..applications import interpolate_latents

    rng = np.random.default_rng(1212)
    for _ in range(3):
        a, b = rng.standard_normal(16), rng.standard_normal(16)
        path = interpolate_latents(a, b, 5)
        for t, expected in zip(np.linspace(0, 1, 5), path):
            got = np.asarray(answer(a.copy(), b.copy(), float(t)), dtype=np.float64)
            if got.shape != expected.shape:
                return False, f"slerp must return a vector of shape {expected.shape}, got {got.shape}."
            if not np.allclose(got, expected, rtol=1e-4, atol=1e-5):
                lin = (1 - t) * a + t * b
                if np.allclose(got, lin, rtol=1e-4, atol=1e-5):
                    return False, "That is linear interpolation; slerp weights by sin((1 - t) Ω) and sin(t Ω) over sin Ω."
                return False, f"At t = {t:g} the result differs: Ω is the angle between z_a and z_b (arccos of the cosine)."
    return True, ""


@register("12.3")
def _check_crossings(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function crossed_steps(roll) -> int for one roll (time_steps, 64, 4)."
    from ..metrics import voice_leading

    for seed in range(3):
        rolls = exercise_rolls(seed)
        expected = voice_leading(rolls)["crossing_steps"]
        for roll, exp in zip(rolls, expected):
            got = answer(roll.copy())
            if int(got) != int(exp) or float(got) != int(got):
                return False, (f"Got {got}, expected {int(exp)}: count the steps where, for some pair of neighbouring "
                               "voices (S-A, A-T, T-B) both sounding, the lower voice's pitch is above the upper one's.")
    return True, ""
