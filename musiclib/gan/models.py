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

from .._validation import check_choice, check_positive_int
from ..models import build_mlp
from .losses import _check_seed

__all__ = ["build_mlp_generator", "build_mlp_discriminator", "count_parameters"]

_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "silu")

#: Largest layer size (input, hidden or output units) the MLP builders accept.
#: Chapter 09's largest input, a 64-step × 84-pitch × 4-voice roll, has 21,504.
MAX_UNITS = 2**20

#: Largest number of weights the MLP builders accept: 50 M float32 weights are
#: 200 MB (600 MB with Adam's two moments). The course's CPU-sized networks
#: have at most a few million; a typo such as ``hidden=(10**6, 10**6)`` would
#: otherwise try to allocate terabytes.
MAX_PARAMETERS = 50_000_000


def _check_size(name, value) -> int:
    value = check_positive_int(name, value)
    if value > MAX_UNITS:
        raise ValueError(f"{name}={value!r} must be an integer in [1, {MAX_UNITS}]")
    return value


def _check_hidden(hidden) -> tuple:
    if isinstance(hidden, (str, bytes)):
        raise ValueError(f"hidden={hidden!r} must be a sequence of positive integers")
    try:
        sizes = tuple(hidden)
    except TypeError:
        raise ValueError(f"hidden={hidden!r} must be a sequence of positive integers") from None
    if not sizes:
        raise ValueError(f"hidden={hidden!r} must hold at least one layer size")
    return tuple(_check_size("hidden", size) for size in sizes)


def _check_parameter_count(input_dim, hidden, output_dim, what) -> None:
    sizes = (input_dim, *hidden, output_dim)
    n = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n > MAX_PARAMETERS:
        raise ValueError(
            f"hidden={hidden!r} with {what} gives {n:,} weights; at most {MAX_PARAMETERS:,} are allowed "
            "(networks for a 2-core CPU have a few million)"
        )


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
        Seed of the weight initialisers, in [0, 2**32 - 1]; equal seeds
        build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, latent_dim)`` float32 noise to ``(batch, output_dim)`` samples.

    Raises
    ------
    ValueError
        If a size is not an integer in [1, :data:`MAX_UNITS`], the network
        would have more than :data:`MAX_PARAMETERS` weights, ``activation``
        is unknown or ``seed`` is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> g = build_mlp_generator(2, 1, hidden=(16,), seed=0)
    >>> g.output_shape
    (None, 1)
    """
    latent_dim = _check_size("latent_dim", latent_dim)
    output_dim = _check_size("output_dim", output_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = _check_seed("seed", seed)
    _check_parameter_count(latent_dim, hidden, output_dim, f"latent_dim={latent_dim} and output_dim={output_dim}")
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
        Seed of the weight initialisers, in [0, 2**32 - 1]; equal seeds
        build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, input_dim)`` samples to ``(batch, 1)`` logits.

    Raises
    ------
    ValueError
        If a size is not an integer in [1, :data:`MAX_UNITS`], the network
        would have more than :data:`MAX_PARAMETERS` weights, ``activation``
        is unknown or ``seed`` is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> d = build_mlp_discriminator(2, hidden=(16,), seed=0)
    >>> d.output_shape
    (None, 1)
    """
    input_dim = _check_size("input_dim", input_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = _check_seed("seed", seed)
    _check_parameter_count(input_dim, hidden, 1, f"input_dim={input_dim}")
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
