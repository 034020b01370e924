"""Exercise checkers for chapter 10_evaluating_generated_music.

10.1, 10.2 and 10.5 ask for a function (a metric, a voice-leading rule, a chord test); the checker runs it on rolls,
voice-pair moves and chords it makes itself and compares with the course's own version
(:func:`musiclib.metrics.sample_features`, :func:`musiclib.metrics.voice_leading`, :func:`musiclib.metrics.chord_rate`).
10.3 asks for the parallels of a printed progression (:data:`PROGRESSION`), 10.4 for a Fréchet distance between two
1-D Gaussians.
"""

from __future__ import annotations

import numpy as np

from . import as_integers, as_number, register

__all__ = ["PROGRESSION", "FRECHET_GAUSSIANS", "progression_roll", "exercise_rolls", "exercise_moves", "exercise_chords"]

#: Exercise 10.3: five chords (soprano, alto, tenor, bass as MIDI pitches), one beat each.
PROGRESSION = ((72, 67, 64, 48), (74, 69, 65, 50), (74, 67, 59, 55), (72, 67, 67, 60), (79, 71, 74, 55))

#: Exercise 10.4: (mean, standard deviation) of two 1-D Gaussians.
FRECHET_GAUSSIANS = ((2.0, 1.0), (5.0, 2.0))


def progression_roll(chords=PROGRESSION, *, steps_per_chord: int = 4) -> np.ndarray:
    """One four-voice roll ``(1, time_steps, 64, 4)`` holding each chord for ``steps_per_chord`` steps.

    Time steps are rounded up to whole 4/4 bars (16 steps), the rest of the last bar silent.

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> progression_roll().shape
    (1, 32, 64, 4)
    """
    from .._validation import check_positive_int
    from ..data import N_PITCHES, PITCH_OFFSET

    steps_per_chord = check_positive_int("steps_per_chord", steps_per_chord, maximum=64)
    n_steps = -(-len(chords) * steps_per_chord // 16) * 16
    roll = np.zeros((1, n_steps, N_PITCHES, 4), dtype=np.float32)
    for k, chord in enumerate(chords):
        for v, pitch in enumerate(chord):
            if pitch is not None:
                if not PITCH_OFFSET <= pitch < PITCH_OFFSET + N_PITCHES:
                    raise ValueError(f"chords: pitch {pitch} lies outside the roll (MIDI {PITCH_OFFSET} to {PITCH_OFFSET + N_PITCHES - 1})")
                roll[0, k * steps_per_chord:(k + 1) * steps_per_chord, pitch - PITCH_OFFSET, v] = 1
    return roll


def exercise_rolls(seed: int = 0, n: int = 6) -> np.ndarray:
    """Four-voice rolls ``(n, 64, 64, 4)`` with rests: whole silent beats, half-silent beats and lone voices.

    Random eighth-note voices (:func:`musiclib.baselines.random_rolls`) with each voice silenced in random stretches,
    all voices in some beats, and only part of a beat in others, so a per-step count and a per-beat count differ.
    """
    from ..baselines import random_rolls

    rng = np.random.default_rng(1010 + seed)
    rolls = random_rolls(n, seed=1010 + seed)
    for r in range(n):
        for v in range(4):  # each voice rests now and then
            for start in rng.integers(0, 64, size=3):
                rolls[r, start:start + rng.integers(1, 9), :, v] = 0
        for beat in rng.choice(16, size=rng.integers(0, 6), replace=False):  # whole silent beats
            rolls[r, 4 * beat:4 * beat + 4] = 0
        for beat in rng.choice(16, size=3, replace=False):  # beats silent in their first half only
            rolls[r, 4 * beat:4 * beat + 2] = 0
    rolls[0] = 0  # one silent roll: every beat is empty
    return rolls


def exercise_moves(seed: int = 0) -> np.ndarray:
    """Voice-pair moves ``(n, 4)``: upper before, lower before, upper after, lower after (MIDI pitches).

    Random moves plus every kind the rules separate: parallel and contrary fifths and octaves, compound intervals,
    unisons, oblique motion (one voice holds), crossed voices, and fifths or octaves reached from other intervals.
    """
    rng = np.random.default_rng(1020 + seed)
    hand = [
        (67, 60, 69, 62), (79, 60, 81, 62), (67, 60, 74, 55), (72, 60, 74, 62), (72, 48, 74, 50),
        (72, 60, 79, 55), (60, 60, 62, 62), (60, 60, 67, 55), (67, 60, 67, 62), (67, 60, 69, 60),
        (64, 60, 69, 62), (60, 67, 62, 69), (62, 55, 60, 53), (72, 65, 74, 62), (71, 59, 72, 65),
        (70, 63, 72, 65), (61, 54, 64, 57), (60, 48, 62, 50), (60, 53, 59, 52),
    ]
    lower = rng.integers(36, 60, size=(200, 2))
    upper = lower + rng.choice([0, 3, 4, 5, 7, 8, 12, 19, 24, 7, 12], size=(200, 2))
    hold = rng.random(200) < 0.2
    upper[hold, 1] = upper[hold, 0]
    randoms = np.stack([upper[:, 0], lower[:, 0], upper[:, 1], lower[:, 1]], axis=1)
    return np.concatenate([np.array(hand), randoms]).astype(np.int64)


def exercise_chords(seed: int = 0) -> np.ndarray:
    """Beats ``(n, 4)`` of S, A, T, B MIDI pitches, each inside its voice's range, for exercise 10.5.

    Half are chords of every shape of :data:`musiclib.metrics.CHORD_SHAPES` on random roots, in any inversion, some
    with a tone left out or doubled; each is followed by its twin with a foreign pitch class (one that no chord of the
    list holds together with the others) added, or, for a four-tone chord, put in place of one tone.
    """
    from ..data import VOICE_RANGES, VOICES
    from ..metrics import _SET_FITS_A_CHORD, CHORD_SHAPES

    rng = np.random.default_rng(1050 + seed)
    shapes = list(CHORD_SHAPES.values())

    def voiced(classes):
        """One pitch per voice, in its range, with the given pitch classes (cycled over the voices)."""
        chord = []
        for v, voice in enumerate(VOICES):
            low, high = VOICE_RANGES[voice]
            options = [p for p in range(low, high + 1) if p % 12 == classes[v % len(classes)]]
            chord.append(int(rng.choice(options)))
        return chord

    beats = []
    for k in range(120):
        shape = shapes[k % len(shapes)]
        root = int(rng.integers(12))
        tones = [(root + s) % 12 for s in shape]
        if k % 3 == 1:
            tones.pop(int(rng.integers(len(tones))))  # a chord tone left out (another one doubled by the cycle)
        rng.shuffle(tones)  # any inversion: the lowest voice need not hold the root
        beats.append(voiced(tones))
        kept = tones[1:] if len(tones) == 4 else tones  # four voices: room for one foreign tone
        foreign = [c for c in range(12) if not _SET_FITS_A_CHORD[sum(1 << k for k in {*kept, c})]]
        off = kept + [int(rng.choice(foreign))]
        rng.shuffle(off)
        beats.append(voiced(off))
    return np.array(beats, dtype=np.int64)


def _reference_chords(beats) -> list:
    """The course's verdict on each beat, by running it through :func:`musiclib.metrics.chord_rate`."""
    from ..metrics import chord_rate

    roll = np.concatenate([progression_roll((tuple(beat),)) for beat in np.asarray(beats).tolist()])
    return [bool(x == 1.0) for x in chord_rate(roll, min_pitch_classes=1)]


def _reference_parallels(moves) -> list:
    """The course's classification of each move, by running it through :func:`musiclib.metrics.voice_leading`."""
    from ..metrics import voice_leading

    kinds = []
    for ub, lb, ua, la in np.asarray(moves).tolist():
        roll = progression_roll(((ub, None, None, lb), (ua, None, None, la)))
        counts = voice_leading(roll)
        kinds.append("fifth" if counts["parallel_fifths"][0] else "octave" if counts["parallel_octaves"][0] else None)
    return kinds


@register("10.1")
def _check_empty_beat_rate(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function empty_beat_rate(roll) -> float for one roll (time_steps, 64, 4)."
    from ..metrics import sample_features

    for seed in range(3):
        rolls = exercise_rolls(seed)
        expected = sample_features(rolls)["empty_beat_rate"]
        for roll, want in zip(rolls, expected):
            got = float(answer(roll.copy()))
            if not np.isclose(got, want, rtol=1e-9, atol=1e-12):
                return False, (f"Got {got:.4f}, expected {want:.4f}: a beat is 4 steps; it is empty when no voice sounds "
                               "at any of its steps. Divide the empty beats by all beats.")
    return True, ""


@register("10.2")
def _check_parallel_kind(answer):
    if answer is None or not callable(answer):
        return False, ("Answer with your function parallel_kind(upper_before, lower_before, upper_after, lower_after) "
                       "-> 'fifth', 'octave' or None.")
    moves = exercise_moves()
    expected = _reference_parallels(moves)
    for move, want in zip(moves.tolist(), expected):
        got = answer(*move)
        if got != want:
            ub, lb, ua, la = move
            return False, (f"Move {ub}/{lb} -> {ua}/{la}: got {got!r}, expected {want!r}. Both voices must move; the "
                           "interval |upper - lower| counts modulo 12 (7: fifth; 0: octave), before and after, in "
                           "similar or contrary motion; in similar motion a unison before or after is no octave.")
    return True, ""


@register("10.3")
def _check_progression(answer):
    from ..metrics import voice_leading

    try:
        value = as_integers(answer, length=2)
    except ValueError:
        return False, "Answer with a tuple (parallel fifths, parallel octaves), two whole numbers."
    counts = voice_leading(progression_roll())
    expected = (int(counts["parallel_fifths"][0]), int(counts["parallel_octaves"][0]))
    if value == expected:
        return True, ""
    if value == expected[::-1]:
        return False, "Right numbers, wrong order: (fifths, octaves)."
    if sum(value) < sum(expected):
        return False, ("Too few: check all six voice pairs of every chord change, compound intervals (a twelfth is a "
                       "fifth) and contrary motion (a fifth to a twelfth in opposite directions counts too).")
    return False, ("Too many: a voice that holds its note makes no parallel, and voices moving in unison (similar "
                   "motion) are no octave.")


@register("10.4")
def _check_frechet(answer):
    from ..metrics import gaussian_frechet_distance

    (m1, s1), (m2, s2) = FRECHET_GAUSSIANS
    expected = gaussian_frechet_distance([m1], [[s1 ** 2]], [m2], [[s2 ** 2]])
    if isinstance(answer, (str, bytes, bool, np.bool_)):
        return False, "Answer with a number (a float), not a string or a bool."
    value = as_number(answer)
    if np.isclose(value, expected, rtol=1e-6):
        return True, ""
    if np.isclose(value, (m1 - m2) ** 2):
        return False, "That is only the means' part; the spreads differ too: add (sigma_1 - sigma_2)^2."
    if np.isclose(value, (m1 - m2) ** 2 + s1 ** 2 + s2 ** 2):
        return False, "Almost: the trace term subtracts 2 sqrt(sigma_1^2 sigma_2^2) = 2 sigma_1 sigma_2."
    if np.isclose(value, np.sqrt(expected)):
        return False, "The Fréchet distance of FID is the squared 2-Wasserstein distance: do not take the root."
    return False, "In 1-D: d^2 = (mu_1 - mu_2)^2 + sigma_1^2 + sigma_2^2 - 2 sigma_1 sigma_2."


@register("10.5")
def _check_fits_one_chord(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function fits_one_chord(pitches) -> bool for a list of MIDI pitches."
    beats = exercise_chords()
    for beat, want in zip(beats.tolist(), _reference_chords(beats)):
        got = answer(list(beat))
        if got is None or bool(got) != want:
            names = " ".join(f"{p}" for p in beat)
            return False, (f"Pitches {names}: got {got!r}, expected {want}. Reduce to pitch classes (p % 12); try every "
                           "root 0..11 and every shape of metrics.CHORD_SHAPES; the beat fits when one chord contains "
                           "all its pitch classes (the root need not be in the bass, a chord tone may be missing).")
    return True, ""
