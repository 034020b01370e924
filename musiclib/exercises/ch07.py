"""Exercise checkers of chapter 07_gan_theory.

Chapter: 07_gan_theory. Students call ``musiclib.exercises.check("07.k", answer)``.
"""

from __future__ import annotations

import math

import numpy as np

from . import as_number, register

__all__ = ["SOLUTIONS"]


def _optimal_d() -> float:
    from ..gan.theory import optimal_discriminator

    return float(optimal_discriminator(np.array([0.3]), np.array([0.1]))[0])


def _criterion_at_equilibrium() -> float:
    return -math.log(4.0)


def _jsd_disjoint() -> float:
    return math.log(2.0)


def _w1_small_samples() -> float:
    from ..gan.theory import wasserstein1_samples

    return wasserstein1_samples(np.array([0.0, 1.0, 5.0]), np.array([4.0, 2.0, 3.0]))


def _gradient_ratio() -> float:
    from ..gan.theory import generator_logit_gradient

    logit = math.log(0.01 / 0.99)  # D(G(z)) = σ(logit) = 0.01
    return float(generator_logit_gradient(np.array(logit), "nonsaturating") / generator_logit_gradient(np.array(logit), "minimax"))


def _gp_estimate() -> float:
    w1, weight = 2.0, 10.0
    return w1 * (1.0 + w1 / (2.0 * weight))


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {
    "07.1": _optimal_d,
    "07.2": _criterion_at_equilibrium,
    "07.3": _jsd_disjoint,
    "07.4": _w1_small_samples,
    "07.5": _gradient_ratio,
    "07.6": _gp_estimate,
}


@register("07.1")
def check_optimal_d(answer):
    """D*(x) where the data density is 0.3 and the generator density 0.1, within 1e-6."""
    ok = abs(as_number(answer) - _optimal_d()) < 1e-6
    return ok, "D*(x) = p(x) / (p(x) + q(x))."


@register("07.2")
def check_criterion(answer):
    """C(G) when the generator is perfect (q = p), in nats, within 1e-4."""
    ok = abs(as_number(answer) - _criterion_at_equilibrium()) < 1e-4
    return ok, "With q = p, D* = 1/2 everywhere: integrate p log(1/2) + q log(1/2)."


@register("07.3")
def check_jsd_disjoint(answer):
    """JSD (natural log) between two densities with disjoint supports, within 1e-4."""
    ok = abs(as_number(answer) - _jsd_disjoint()) < 1e-4
    return ok, "Where p > 0, m = p/2, so KL(p ‖ m) = ∫ p log 2."


@register("07.4")
def check_w1_samples(answer):
    """W1 between the samples [0, 1, 5] and [4, 2, 3], within 1e-6."""
    ok = abs(as_number(answer) - _w1_small_samples()) < 1e-6
    return ok, "Sort both samples, pair them in order, average the distances."


@register("07.5")
def check_gradient_ratio(answer):
    """How many times larger is the non-saturating logit gradient than the minimax one at D(G(z)) = 0.01? (1e-6)"""
    ok = abs(as_number(answer) - _gradient_ratio()) < 1e-6
    return ok, "The gradients are -(1 - D) and -D with D = D(G(z))."


@register("07.6")
def check_gp_estimate(answer):
    """The one-parameter model's WGAN-GP estimate for W1 = 2 and λ = 10, within 1e-6."""
    ok = abs(as_number(answer) - _gp_estimate()) < 1e-6
    return ok, "Maximise s·W1 - λ(s - 1)² over the slope s, then the estimate is s*·W1."
