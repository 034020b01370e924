"""Exercise checkers of chapter 05_mfcc_features.

Chapter: 05_mfcc_features. Students call ``musiclib.exercises.check("05.k", answer)``.
"""

from __future__ import annotations

import numpy as np

from . import as_number, register

__all__ = ["SOLUTIONS"]


def _slaney_mel_of_2000() -> float:
    from ..features import hz_to_mel

    return hz_to_mel(2000.0)


def _dct_matrix_8():
    from ..features import dct_matrix

    return dct_matrix(8, 8)


def _c0_of_flat_frame() -> float:
    # orthonormal DCT-II: c0 = sum(x) / sqrt(N) = sqrt(N) * mean(x)
    return float(np.sqrt(40) * -20.0)


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {"05.1": _slaney_mel_of_2000, "05.2": _dct_matrix_8, "05.3": _c0_of_flat_frame}


@register("05.1")
def check_slaney_mel(answer):
    """The Slaney mel value of 2000 Hz (librosa's default scale), as a float."""
    ok = abs(as_number(answer) - _slaney_mel_of_2000()) < 1e-3
    return ok, "Above 1 kHz: m = 15 + 27 * ln(f / 1000) / ln(6.4)."


@register("05.2")
def check_dct_matrix(answer):
    """The 8 x 8 orthonormal DCT-II matrix C (C @ x are the coefficients of x), built by hand."""
    if answer is None:
        raise ValueError("no answer yet: build the matrix with numpy")
    C = np.asarray(answer, dtype=float)
    if C.shape != (8, 8):
        return False, f"Expected shape (8, 8), got {C.shape}."
    ok = bool(np.allclose(C, _dct_matrix_8(), atol=1e-6))
    hint = "Row k is sqrt(2/N) cos(pi k (2n + 1) / (2N)); row 0 is also divided by sqrt(2). Check C @ C.T == I."
    return ok, hint


@register("05.3")
def check_c0(answer):
    """c0 (orthonormal DCT) of a log-mel frame whose 40 bands are all -20 dB."""
    ok = abs(as_number(answer) - _c0_of_flat_frame()) < 1e-3
    return ok, "c0 is the projection on a constant vector of norm 1: sum(x) / sqrt(N)."
