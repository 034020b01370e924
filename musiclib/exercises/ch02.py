"""Exercise checkers of chapter 02_scales_chords_keys_rhythm.

Chapter: 02_scales_chords_keys_rhythm. Students call ``musiclib.exercises.check("02.k", answer)``.
"""

from __future__ import annotations

from . import as_integer, as_number, register

__all__ = ["SOLUTIONS", "MYSTERY_MELODY"]

#: Melody of exercise 02.6 as (note name, beats) pairs: which key is it in?
MYSTERY_MELODY = (
    ("E4", 1), ("G4", 1), ("B4", 1), ("E5", 1), ("D#5", 0.5), ("E5", 0.5), ("F#5", 1), ("B4", 2),
    ("C5", 1), ("B4", 0.5), ("A4", 0.5), ("G4", 1), ("F#4", 1), ("E4", 1), ("D#4", 1), ("E4", 2),
)


def _midi_list(answer) -> list:
    if answer is None or isinstance(answer, str):
        raise ValueError("answer with a list of MIDI numbers")
    # Note names or whole MIDI numbers: 63.6 is not a key (rounding it to 64 would accept a wrong answer).
    return [_note_midi(x) if isinstance(x, str) else as_integer(x) for x in answer]


def _note_midi(name: str) -> int:
    from ..theory import note_to_midi

    return note_to_midi(name)


def _interval_c4_a4() -> str:
    from ..theory import interval_name, note_to_midi

    return interval_name(note_to_midi("A4") - note_to_midi("C4"))


def _third_cents_difference() -> float:
    from ..theory import JUST_RATIOS, ratio_to_cents

    return 400.0 - ratio_to_cents(JUST_RATIOS[4])


def _e_harmonic_minor() -> list:
    from ..theory import scale

    return scale("E4", "harmonic_minor")


def _g7_first_inversion() -> list:
    from ..theory import chord

    return chord("G3", "7", inversion=1)


def _three_bars_seconds() -> float:
    from ..theory import beats_to_seconds

    return beats_to_seconds(3 * 4, 72)


def _mystery_key() -> tuple:
    from ..theory import estimate_key, note_to_midi, pitch_class_histogram

    pitches = [note_to_midi(name) for name, _ in MYSTERY_MELODY]
    return estimate_key(pitch_class_histogram(pitches, weights=[b for _, b in MYSTERY_MELODY]))


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {
    "02.1": _interval_c4_a4,
    "02.2": _third_cents_difference,
    "02.3": _e_harmonic_minor,
    "02.4": _g7_first_inversion,
    "02.5": _three_bars_seconds,
    "02.6": _mystery_key,
}


@register("02.1")
def check_interval_name(answer):
    """The name of the interval from C4 up to A4 (as musiclib.theory.interval_name spells it)."""
    ok = isinstance(answer, str) and answer.strip().lower() == _interval_c4_a4()
    return ok, "Count the semitones from C4 to A4, then look the number up in theory.INTERVAL_NAMES."


@register("02.2")
def check_third_cents(answer):
    """How many cents wider is the 12-TET major third (400 cents) than the just third 5/4? Within 0.05."""
    ok = abs(as_number(answer) - _third_cents_difference()) < 0.05
    return ok, "The just third is 1200 * log2(5/4) cents; subtract it from 400."


@register("02.3")
def check_e_harmonic_minor(answer):
    """MIDI numbers of the E harmonic minor scale from E4 up to E5 (8 numbers, ascending)."""
    ok = _midi_list(answer) == _e_harmonic_minor()
    return ok, "Steps of harmonic minor: W H W W H (W+H) H, where W = 2 and H = 1 semitone."


@register("02.4")
def check_g7_inversion(answer):
    """MIDI numbers (ascending) of a G dominant seventh chord on G3 in first inversion."""
    ok = _midi_list(answer) == _g7_first_inversion()
    return ok, "G7 is G B D F; in first inversion the third (B) is the lowest note and G moves up an octave."


@register("02.5")
def check_three_bars(answer):
    """How many seconds do three bars of 4/4 last at 72 beats per minute? Within 0.01 s."""
    ok = abs(as_number(answer) - _three_bars_seconds()) < 0.01
    return ok, "Three bars of 4/4 hold 12 beats; one beat lasts 60 / tempo seconds."


@register("02.6")
def check_mystery_key(answer):
    """The key of MYSTERY_MELODY as a (tonic, mode) tuple, e.g. ("G", "major"); enharmonic tonics count."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2 or not all(isinstance(a, str) for a in answer):
        raise ValueError('answer with a tuple like ("G", "major")')
    tonic, mode = _mystery_key()
    ok = _note_midi(f"{answer[0].strip()}4") % 12 == _note_midi(f"{tonic}4") % 12 and answer[1].strip().lower() == mode
    return ok, "Build the duration-weighted pitch-class histogram and pass it to theory.estimate_key."
