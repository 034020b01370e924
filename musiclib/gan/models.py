"""Generator and discriminator builders, sized for a 2-core CPU.

Chapters: 08_toy_gans (MLP builders); later chapters add convolutional
builders for piano rolls under the same naming scheme
(``build_<architecture>_generator`` / ``build_<architecture>_discriminator``).

Every builder returns a plain ``keras.Model``; the MLP builders are
:func:`musiclib.models.build_mlp` (chapter 06) with GAN-friendly defaults. Discriminators end in a linear
unit and output **logits** (no sigmoid): the losses in
:mod:`musiclib.gan.losses` apply the sigmoid themselves through ``softplus``,
which stays finite where ``log(sigmoid(x))`` would underflow, and the
Wasserstein critic needs an unbounded output anyway.
"""

from __future__ import annotations

import math

import keras

from .._validation import check_choice, check_nonnegative_int, check_positive_int
from ..models import build_mlp

__all__ = ["build_mlp_generator", "build_mlp_discriminator", "count_parameters"]

_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "silu")


def _check_hidden(hidden) -> tuple:
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise ValueError(f"hidden={hidden!r} must be a sequence of positive integers") from None
    if not sizes:
        raise ValueError(f"hidden={hidden!r} must hold at least one layer size")
    for size in sizes:
        check_positive_int("hidden", size)
    return tuple(int(s) for s in sizes)


def build_mlp_generator(latent_dim, output_dim, *, hidden=(64, 64), activation="relu", seed=None, name="mlp_generator"):
    """Build a fully connected generator ``G: R^latent_dim -> R^output_dim``.

    Dense layers with ``activation`` between them and a linear output, so
    samples can land anywhere on the real line (toy data are not bounded).

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector z (input shape ``(batch, latent_dim)``).
    output_dim : int
        Size of one generated sample (output shape ``(batch, output_dim)``).
    hidden : sequence of int, keyword-only
        Units of each hidden layer. The default (64, 64) has about 4.5 k
        weights for 2-D data: fast on a CPU.
    activation : str, keyword-only
        Hidden activation, one of "relu", "leaky_relu", "tanh", "elu", "gelu", "silu".
    seed : int or None, keyword-only
        Seed of the weight initialisers; equal seeds build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, latent_dim)`` float32 noise to ``(batch, output_dim)`` samples.

    Raises
    ------
    ValueError
        If a size is not a positive integer or ``activation`` is unknown.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> g = build_mlp_generator(2, 1, hidden=(16,), seed=0)
    >>> g.output_shape
    (None, 1)
    """
    latent_dim = check_positive_int("latent_dim", latent_dim)
    output_dim = check_positive_int("output_dim", output_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = check_nonnegative_int("seed", seed)
    return build_mlp(latent_dim, hidden=hidden, output_dim=output_dim, activation=activation, seed=seed, name=name)


def build_mlp_discriminator(input_dim, *, hidden=(64, 64), activation="leaky_relu", seed=None, name="mlp_discriminator"):
    """Build a fully connected discriminator (or critic) ``D: R^input_dim -> R``.

    The output is one **logit** per sample, with no sigmoid: D's probability
    that x is real is ``sigmoid(logit)`` for the minimax and non-saturating
    losses, while the Wasserstein, hinge and least-squares losses use the raw
    value. Leaky ReLU by default, so D's gradient never vanishes on a dead
    unit (the generator learns only through that gradient).

    Parameters
    ----------
    input_dim : int
        Size of one sample (input shape ``(batch, input_dim)``).
    hidden : sequence of int, keyword-only
        Units of each hidden layer.
    activation : str, keyword-only
        Hidden activation, one of "relu", "leaky_relu", "tanh", "elu", "gelu", "silu".
    seed : int or None, keyword-only
        Seed of the weight initialisers; equal seeds build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, input_dim)`` samples to ``(batch, 1)`` logits.

    Raises
    ------
    ValueError
        If a size is not a positive integer or ``activation`` is unknown.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> d = build_mlp_discriminator(2, hidden=(16,), seed=0)
    >>> d.output_shape
    (None, 1)
    """
    input_dim = check_positive_int("input_dim", input_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = check_nonnegative_int("seed", seed)
    return build_mlp(input_dim, hidden=hidden, output_dim=1, activation=activation, seed=seed, name=name)


def count_parameters(model) -> int:
    """Return the number of trainable weights (scalars) of a Keras model.

    Parameters
    ----------
    model : keras.Model
        A built model.

    Returns
    -------
    int
        Sum of the sizes of ``model.trainable_weights``.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> count_parameters(build_mlp_discriminator(2, hidden=(4,)))  # 2*4+4 + 4*1+1
    17
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={type(model).__name__} must be a keras.Model")
    return int(sum(math.prod(w.shape) for w in model.trainable_weights))
