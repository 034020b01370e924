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


@register("01.5")
def check_odd_harmonics_tone(answer):
    """One second at 22 050 Hz of A3 made of harmonics 1, 3, 5, 7 only (amplitudes 1/k), hollow like a clarinet."""
    if answer is None:
        raise ValueError("no answer yet: replace None with your waveform")
    y = np.asarray(answer, dtype=np.float64)
    if y.shape != (22050,):
        return False, f"Expected 22050 samples (1 s at 22 050 Hz), got shape {y.shape}."
    mag = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    if not np.all(np.isfinite(mag)) or mag.max() == 0:
        return False, "The waveform is silent or not finite."
    # 1-Hz bins: harmonic k of 220 Hz sits in bin 220 * k.
    level = {k: mag[220 * k - 2 : 220 * k + 3].max() for k in range(1, 9)}
    odd_ok = all(level[k] > 0.05 * level[1] for k in (3, 5, 7))
    even_ok = all(level[k] < 0.01 * level[1] for k in (2, 4, 6, 8))
    ratio_ok = abs(level[3] / level[1] - 1 / 3) < 0.05
    ok = odd_ok and even_ok and ratio_ok
    return ok, "Use synth.additive_tone at A3 with harmonics [1, 0, 1/3, 0, 1/5, 0, 1/7]: zeros silence the even partials."
