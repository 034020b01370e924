"""Exercise checkers for chapter 08_toy_gans.

The exercise data come from :func:`exercise_samples`, so the notebook and the
checker look at the same numbers without the notebook printing the answer.
"""

from __future__ import annotations

import numpy as np

from . import as_number, register

__all__ = ["exercise_samples", "RING_STD"]

#: σ of the ring used in the chapter-08 exercises.
RING_STD = 0.1


def exercise_samples():
    """Samples of a partly collapsed "generator" on the ring of 8 Gaussians (σ = 0.1).

    Returns
    -------
    np.ndarray [shape=(600, 2), dtype=float32]
        Most samples sit on a few modes, some on others only sparsely, some
        between modes.

    Chapter: 08_toy_gans
    """
    from ..gan.toy import ring_centers

    rng = np.random.default_rng(808)
    centers = ring_centers(8, radius=2.0)
    per_mode = np.array([250, 180, 0, 40, 6, 0, 0, 14])
    parts = [centers[k] + 0.8 * RING_STD * rng.standard_normal((m, 2)) for k, m in enumerate(per_mode) if m]
    # Stray samples half-way between modes 0 and 1: low quality.
    mid = 0.5 * (centers[0] + centers[1])
    parts.append(mid + 0.05 * rng.standard_normal((110, 2)))
    x = np.concatenate(parts)
    return x[rng.permutation(len(x))].astype(np.float32)


def _expected():
    from ..gan.toy import evaluate_samples, ring_centers

    return evaluate_samples(exercise_samples(), ring_centers(8, radius=2.0), RING_STD, k=3.0, min_count=10)


@register("08.1")
def _check_modes_covered(answer):
    if answer is None:
        return False, "Count the modes with at least 10 samples within 3σ of their centre (musiclib.gan.toy has a helper)."
    expected = _expected()["modes_covered"]
    if as_number(answer) == expected:
        return True, ""
    return False, "Not quite: a mode counts only with at least 10 samples within 3σ = 0.3 of its centre."


@register("08.2")
def _check_high_quality(answer):
    if answer is None:
        return False, "Compute the fraction of samples within 3σ of some centre (a number between 0 and 1)."
    value = as_number(answer)
    expected = _expected()["high_quality"]
    if abs(value - expected) < 5e-3:
        return True, ""
    if abs(value - 100 * expected) < 0.5:
        return False, "Give a fraction between 0 and 1, not a percentage."
    return False, "Not quite: count every sample within 3σ of any centre, then divide by the number of samples."


@register("08.3")
def _check_saturating(answer):
    if answer is None:
        return False, "Answer with the loss kind(s), e.g. {'hinge'}."
    kinds = {answer} if isinstance(answer, str) else set(answer)
    if kinds == {"minimax"}:
        return True, ""
    if "least_squares" in kinds:
        return False, "d/df ½(f - 1)² = f - 1 grows as f → -∞: least squares does not saturate there."
    return False, "Differentiate each generator loss with respect to the fake logit f and let f → -∞."


@register("08.4")
def _check_gradient_ratio(answer):
    if answer is None:
        return False, "Compute the ratio of the two gradients at f = -6 (a positive number)."
    f = -6.0
    sig = 1.0 / (1.0 + np.exp(-f))
    expected = (1.0 - sig) / sig  # |d nonsaturating / df| over |d minimax / df| = e^{-f}
    value = as_number(answer)
    if abs(value - expected) <= 1e-3 * expected:
        return True, ""
    if abs(value - 1.0 / expected) <= 1e-3 / expected:
        return False, "That is the inverse ratio: divide the non-saturating gradient by the minimax one."
    return False, "The minimax gradient is -sigmoid(f), the non-saturating one -(1 - sigmoid(f))."
