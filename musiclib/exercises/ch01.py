"""Exercise checkers of chapter 01_pitch_and_frequency.

Chapter: 01_pitch_and_frequency. Students call ``musiclib.exercises.check("01.k", answer)``.
"""

from __future__ import annotations

import numpy as np

from . import as_number, register

__all__ = ["SOLUTIONS"]


def _note(answer) -> int:
    from ..theory import note_to_midi

    if not isinstance(answer, str):
        raise ValueError("answer with a note name such as 'C#4'")
    return note_to_midi(answer)


def _hz_of_e5() -> float:
    from ..theory import midi_to_hz, note_to_midi

    return midi_to_hz(note_to_midi("E5"))


def _midi_of_1000_hz() -> int:
    from ..theory import hz_to_midi

    return int(round(hz_to_midi(1000.0)))


def _fifth_above_f_sharp_3() -> str:
    from ..theory import midi_to_note, note_to_midi

    return midi_to_note(note_to_midi("F#3") + 7)


def _cents_450_over_a4() -> float:
    from ..theory import ratio_to_cents

    return ratio_to_cents(450.0 / 440.0)


def _odd_harmonics_tone() -> np.ndarray:
    from ..synth import additive_tone
    from ..theory import midi_to_hz, note_to_midi

    return additive_tone(midi_to_hz(note_to_midi("A3")), 1.0, 22050, harmonics=[1, 0, 1 / 3, 0, 1 / 5, 0, 1 / 7])


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {
    "01.1": _hz_of_e5,
    "01.2": _midi_of_1000_hz,
    "01.3": _fifth_above_f_sharp_3,
    "01.4": _cents_450_over_a4,
    "01.5": _odd_harmonics_tone,
}


@register("01.1")
def check_hz_of_e5(answer):
    """The 12-TET frequency of E5 in Hz (A4 = 440 Hz), within 0.1 Hz."""
    ok = abs(as_number(answer) - _hz_of_e5()) < 0.1
    return ok, "Find E5's MIDI number first, then use f = 440 * 2 ** ((m - 69) / 12)."


@register("01.2")
def check_midi_of_1000_hz(answer):
    """The MIDI number of the key closest to 1000 Hz (an integer)."""
    value = as_number(answer)
    ok = value == _midi_of_1000_hz()
    return ok, "Invert the formula: m = 69 + 12 * log2(f / 440), then round to the nearest key."


@register("01.3")
def check_fifth_above(answer):
    """The note 7 semitones (a perfect fifth) above F#3, as a name; either spelling counts."""
    ok = _note(answer) == _note(_fifth_above_f_sharp_3())
    return ok, "Add 7 to the MIDI number of F#3 and name the result; mind the octave change at C."


@register("01.4")
def check_cents(answer):
    """How many cents is 450 Hz above A4 = 440 Hz? Within 0.5 cent."""
    ok = abs(as_number(answer) - _cents_450_over_a4()) < 0.5
    return ok, "Cents measure ratios: 1200 * log2(f2 / f1)."


#: Exercise 01.5: the partials k of A3 = 220 Hz that must sound, with their amplitudes relative to the fundamental.
ODD_PARTIALS = {1: 1.0, 3: 1 / 3, 5: 1 / 5, 7: 1 / 7}


def _partial_levels(y, f0=220.0, sr=22050):
    """Peak magnitude near every harmonic k·f0 below Nyquist, and the energy share away from ODD_PARTIALS.

    One second at 22 050 Hz gives 1-Hz bins, so harmonic k sits in bin k·f0. A periodic Hann window keeps
    each partial's leakage (and that of a gentle fade-in/out envelope) within a few bins.
    """
    n = y.size
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    mag = np.abs(np.fft.rfft(y * window))
    hz_per_bin = sr / n
    levels = {}
    for k in range(1, int((sr / 2) // f0) + 1):
        centre = int(round(k * f0 / hz_per_bin))
        levels[k] = mag[max(centre - 2, 0) : centre + 3].max()
    near = np.zeros(mag.size, dtype=bool)
    for k in ODD_PARTIALS:
        centre = int(round(k * f0 / hz_per_bin))
        near[max(centre - 8, 0) : centre + 9] = True
    power = mag**2
    return levels, float(power[~near].sum() / power.sum())


@register("01.5")
def check_odd_harmonics_tone(answer):
    """One second at 22 050 Hz of A3 made of harmonics 1, 3, 5, 7 only (amplitudes 1/k), hollow like a clarinet.

    The whole spectrum is checked, whatever the loudness, phases or fade-in/out: the four partials at
    220, 660, 1100 and 1540 Hz with amplitudes 1, 1/3, 1/5, 1/7 of the fundamental (within 3 %), every other
    harmonic up to Nyquist below 1 % of the fundamental, and less than 0.1 % of the energy anywhere else.
    """
    if answer is None:
        raise ValueError("no answer yet: replace None with your waveform")
    y = np.asarray(answer, dtype=np.float64)
    if y.shape != (22050,):
        return False, f"Expected 22050 samples (1 s at 22 050 Hz), got shape {y.shape}."
    if not np.all(np.isfinite(y)) or not np.any(y):
        return False, "The waveform is silent or not finite."
    levels, stray = _partial_levels(y)
    loudest = max(levels, key=levels.get)
    if loudest != 1:
        return False, f"The strongest partial is at {220 * loudest} Hz: the fundamental of A3 is 220 Hz and should be the loudest."
    relative = {k: level / levels[1] for k, level in levels.items()}
    for k, amplitude in ODD_PARTIALS.items():
        if abs(relative[k] / amplitude - 1) > 0.03:
            return False, f"Harmonic {k} ({220 * k} Hz) has {relative[k]:.3f} of the fundamental's amplitude, not 1/{k}."
    extra = [k for k in relative if k not in ODD_PARTIALS and relative[k] > 0.01]
    if extra:
        return False, f"Harmonic(s) {extra} should be silent: only 1, 3, 5 and 7 sound (zeros for the others)."
    if stray > 1e-3:
        return False, f"{100 * stray:.1f} % of the energy lies away from the four partials: no noise or other tones."
    return True, ""
