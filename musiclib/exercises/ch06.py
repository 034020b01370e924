"""Exercise checkers of chapter 06_neural_networks.

Chapter: 06_neural_networks. Students call ``musiclib.exercises.check("06.k", answer)``.
"""

from __future__ import annotations

import numpy as np

from . import as_number, register

__all__ = ["SOLUTIONS"]


def _sigmoid_slope_at_zero() -> float:
    from ..models import activation

    return float(activation(np.array(0.0), "sigmoid")[1])


def _mlp_parameter_count() -> int:
    # 12 -> 32 -> 2: weights plus biases of each Dense layer.
    return 12 * 32 + 32 + 32 * 2 + 2


def _tiny_net_bias_gradient() -> float:
    from ..models import init_tiny_net, tiny_net_loss_and_gradients

    _, grads = tiny_net_loss_and_gradients(init_tiny_net(2, 3, 1, seed=0), np.array([[1.0, -1.0]]), np.array([1]))
    return float(grads["b2"][0])


def _a_minor_chroma() -> np.ndarray:
    from .. import theory
    from ..models import chord_chroma

    return chord_chroma(theory.chord("A3", "min"), n_harmonics=1)


#: Reference answers (callables, so nothing is computed at import time); used by the tests.
SOLUTIONS = {
    "06.1": _sigmoid_slope_at_zero,
    "06.2": _mlp_parameter_count,
    "06.3": _tiny_net_bias_gradient,
    "06.4": _a_minor_chroma,
}


@register("06.1")
def check_sigmoid_slope(answer):
    """The derivative of the sigmoid at x = 0, within 1e-6."""
    ok = abs(as_number(answer) - _sigmoid_slope_at_zero()) < 1e-6
    return ok, "σ'(x) = σ(x)(1 - σ(x)); what is σ(0)?"


@register("06.2")
def check_parameter_count(answer):
    """Trainable parameters of build_mlp(12, hidden=(32,), output_dim=2)."""
    ok = as_number(answer) == _mlp_parameter_count()
    return ok, "Each Dense layer with n inputs and m units has n·m weights and m biases."


@register("06.3")
def check_bias_gradient(answer):
    """∂L/∂b2 of the tiny net init_tiny_net(2, 3, 1, seed=0) at x = [[1, -1]], y = [1], within 1e-8."""
    ok = abs(as_number(answer) - _tiny_net_bias_gradient()) < 1e-8
    return ok, "For binary cross-entropy on a logit z, ∂L/∂z = σ(z) - y, and ∂z/∂b2 = 1."


@register("06.4")
def check_a_minor_chroma(answer):
    """The chroma (12 values summing to 1) of an A minor triad in root position, without overtones."""
    if answer is None:
        raise ValueError("no answer yet: replace None with a length-12 array")
    chroma = np.asarray(answer, dtype=float)
    if chroma.shape != (12,):
        return False, f"Expected 12 values (one per pitch class, C = 0), got shape {chroma.shape}."
    ok = bool(np.allclose(chroma, _a_minor_chroma(), atol=1e-6))
    return ok, "A minor is A C E: pitch classes 9, 0 and 4; use models.chord_chroma(..., n_harmonics=1)."
