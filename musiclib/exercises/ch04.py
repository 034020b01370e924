"""Exercise checkers of chapter 04_audio_signals.

Chapter: 04_audio_signals. Students call ``musiclib.exercises.check("04.k", answer)``.
"""

from __future__ import annotations

from . import as_integer, as_number, register

__all__ = ["SOLUTIONS"]


def _alias_frequency() -> float:
    # a 15 kHz tone sampled at 22.05 kHz folds back about the Nyquist frequency 11.025 kHz
    return 22050.0 - 15000.0


def _frame_count() -> int:
    from ..features import frame_count

    return frame_count(3 * 22050, n_fft=2048, hop_length=512, center=True)


def _bin_of_440() -> int:
    return int(round(440.0 * 2048 / 22050))


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {"04.1": _alias_frequency, "04.2": _frame_count, "04.3": _bin_of_440}


@register("04.1")
def check_alias_frequency(answer):
    """A 15 000 Hz sine sampled at 22 050 Hz: which frequency in Hz do the samples show?"""
    value = as_number(answer)
    ok = abs(value - _alias_frequency()) < 1.0
    return ok, "Fold the frequency back about Nyquist: |f - k * sr| for the k that lands in [0, sr/2]."


@register("04.2")
def check_frame_count(answer):
    """How many frames does stft give for 3 s at 22 050 Hz with n_fft=2048, hop_length=512, center=True?"""
    ok = as_integer(answer) == _frame_count()
    return ok, "Centring pads n_fft // 2 on both sides; count the hops that fit: 1 + (padded - n_fft) // hop."


@register("04.3")
def check_bin_of_440(answer):
    """Which rfft bin (integer index) is closest to 440 Hz for sr=22050 and n_fft=2048?"""
    ok = as_integer(answer) == _bin_of_440()
    return ok, "Bin k sits at k * sr / n_fft Hz; solve for k and round."
