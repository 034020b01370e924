"""GAN losses on logits: minimax, non-saturating, Wasserstein, hinge, least squares; gradient penalty.

Chapters: 07_gan_theory (derivations), 08_toy_gans (comparison), 09 and 11 (training).

Every loss takes raw discriminator outputs (*logits*, before any sigmoid) and
returns the scalar that the network **minimises**. Write ``r`` for the logits
of a batch of real examples, ``f`` for the logits of generated ("fake")
examples, ``D = sigmoid`` and ``E`` for the mean over every element (the batch
and any further axes, e.g. one logit per patch):

================ ===================================== =====================
kind             discriminator / critic minimises       generator minimises
================ ===================================== =====================
minimax          -E[log D(r)] - E[log(1 - D(f))]        E[log(1 - D(f))]
nonsaturating    -E[log D(r)] - E[log(1 - D(f))]        -E[log D(f)]
wasserstein      E[f] - E[r]                            -E[f]
hinge            E[max(0, 1 - r)] + E[max(0, 1 + f)]    -E[f]
least_squares    ½E[(r - 1)²] + ½E[f²]                  ½E[(f - 1)²]
================ ===================================== =====================

The logarithms are computed with softplus, ``log D(x) = -softplus(-x)`` and
``log(1 - D(x)) = -softplus(x)``, which stay finite for any float logit;
``log(sigmoid(x))`` is ``log(0) = -inf`` from about x = -88 in float32
(TensorFlow on CPU flushes the tiny sigmoid to 0), and inaccurate before.
"""

from __future__ import annotations

import numbers

import numpy as np
import tensorflow as tf

from .._validation import check_choice, check_nonnegative, check_nonnegative_int

__all__ = ["LOSS_KINDS", "discriminator_loss", "generator_loss", "gradient_penalty"]

#: The loss kinds understood by :func:`discriminator_loss` and :func:`generator_loss`.
LOSS_KINDS = ("minimax", "nonsaturating", "wasserstein", "hinge", "least_squares")

# Inside the square root of the gradient norm: d sqrt(s)/ds = 1/(2 sqrt(s)) is
# infinite at s = 0, so a critic with zero input gradient would give NaN.
_NORM_EPS = 1e-12

#: Largest seed accepted across ``musiclib.gan`` (seeds are 32-bit, as NumPy's
#: legacy seeds; larger integers do not fit TensorFlow's seed tensors).
MAX_SEED = 2**32 - 1


def _check_seed(name, value) -> int:
    """Return ``int(value)``; raise ``ValueError`` unless it is an integer in [0, MAX_SEED]."""
    value = check_nonnegative_int(name, value)
    if value > MAX_SEED:
        raise ValueError(f"{name}={value!r} must be an integer in [0, {MAX_SEED}]")
    return value


def _check_bool(name, value) -> bool:
    """Return ``bool(value)``; raise ``ValueError`` unless it is True or False (not 0/1 or a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={value!r} must be True or False")
    return bool(value)


def _to_float_tensor(name, value):
    """Return ``value`` as a floating tf tensor with at least one (batch) axis.

    NumPy / list input must be real and finite. Tensors are checked for their
    dtype only: a value check would cost a device sync on every training step,
    and a NaN that appears during training is :class:`~musiclib.gan.trainer.NaNGuard`'s job.
    """
    if isinstance(value, (tf.Tensor, tf.Variable)):
        tensor = tf.convert_to_tensor(value)
        if not (tensor.dtype.is_floating or tensor.dtype.is_integer):
            raise ValueError(f"{name} must be a real numeric array or tensor, got dtype {tensor.dtype.name}")
    else:
        arr = np.asarray(value)
        if not np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.complexfloating):
            raise ValueError(f"{name} must be a real numeric array or tensor, got dtype {arr.dtype}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
        tensor = tf.convert_to_tensor(arr)
    if not tensor.dtype.is_floating:
        tensor = tf.cast(tensor, tf.float32)
    if tensor.shape.rank is not None:
        if tensor.shape.rank == 0:
            raise ValueError(f"{name} must have a batch axis, got a scalar")
        if tensor.shape.num_elements() == 0:
            raise ValueError(f"{name} must not be empty, got shape {tuple(tensor.shape)}")
    return tensor


def _check_same_shape(name_a, a, name_b, b, *, ignore_batch):
    """Raise ValueError when the static shapes of ``a`` and ``b`` cannot agree."""
    shape_a, shape_b = a.shape, b.shape
    if shape_a.rank is None or shape_b.rank is None:
        return
    if ignore_batch:
        ok = shape_a.rank == shape_b.rank and shape_a[1:].is_compatible_with(shape_b[1:])
        what = "the same shape apart from the batch axis"
    else:
        ok = shape_a.is_compatible_with(shape_b)
        what = "the same shape"
    if not ok:
        raise ValueError(
            f"{name_a} and {name_b} must have {what}, got {tuple(shape_a)} and {tuple(shape_b)}"
        )


def discriminator_loss(real_logits, fake_logits, kind: str = "nonsaturating"):
    """Loss the discriminator (or Wasserstein critic) minimises, from logits.

    With ``r = real_logits``, ``f = fake_logits``, ``D = sigmoid`` and ``E`` the
    mean over all elements:

    - ``"minimax"`` and ``"nonsaturating"`` (the same discriminator loss, binary
      cross-entropy with label 1 for real and 0 for fake):
      ``-E[log D(r)] - E[log(1 - D(f))] = E[softplus(-r)] + E[softplus(f)]``.
    - ``"wasserstein"``: ``E[f] - E[r]``, the negated Kantorovich–Rubinstein
      estimate of the Wasserstein-1 distance. It is only a distance estimate if
      the critic is (close to) 1-Lipschitz: add :func:`gradient_penalty` or clip
      the weights.
    - ``"hinge"``: ``E[max(0, 1 - r)] + E[max(0, 1 + f)]``.
    - ``"least_squares"`` (LSGAN with targets a=0, b=1): ``½E[(r - 1)²] + ½E[f²]``,
      on the raw outputs (no sigmoid).

    Chapter: 07_gan_theory

    Parameters
    ----------
    real_logits : tf.Tensor or np.ndarray [shape=(batch, ...)]
        Discriminator outputs on real examples, before any sigmoid.
    fake_logits : tf.Tensor or np.ndarray [shape=(batch_fake, ...)]
        Discriminator outputs on generated examples. The batch sizes may
        differ; the other axes must match ``real_logits``.
    kind : str
        One of :data:`LOSS_KINDS`.

    Returns
    -------
    tf.Tensor [shape=()]
        The scalar loss, in the floating dtype of the inputs (float32 for
        integer input).

    Raises
    ------
    ValueError
        If ``kind`` is unknown, an input is a scalar, empty, not real-valued
        (complex, bool, strings) or, for NumPy input, not finite, or the shapes of ``real_logits`` and ``fake_logits`` differ outside the
        batch axis.

    See Also
    --------
    generator_loss, gradient_penalty

    Examples
    --------
    >>> import numpy as np
    >>> loss = discriminator_loss(np.array([3.0, 2.0]), np.array([-3.0, -1.0]), kind="hinge")
    >>> float(loss)
    0.0
    """
    check_choice("kind", kind, LOSS_KINDS)
    r = _to_float_tensor("real_logits", real_logits)
    f = _to_float_tensor("fake_logits", fake_logits)
    if r.dtype != f.dtype:
        raise ValueError(f"real_logits and fake_logits must have the same dtype, got {r.dtype.name} and {f.dtype.name}")
    _check_same_shape("real_logits", r, "fake_logits", f, ignore_batch=True)
    mean = tf.reduce_mean
    if kind in ("minimax", "nonsaturating"):
        return mean(tf.math.softplus(-r)) + mean(tf.math.softplus(f))
    if kind == "wasserstein":
        return mean(f) - mean(r)
    if kind == "hinge":
        return mean(tf.nn.relu(1.0 - r)) + mean(tf.nn.relu(1.0 + f))
    return 0.5 * mean(tf.square(r - 1.0)) + 0.5 * mean(tf.square(f))


def generator_loss(fake_logits, kind: str = "nonsaturating"):
    """Loss the generator minimises, from the discriminator's logits on generated examples.

    With ``f = fake_logits``, ``D = sigmoid`` and ``E`` the mean over all elements:

    - ``"minimax"``: ``E[log(1 - D(f))] = -E[softplus(f)]``, the generator's side
      of the original minimax game. Its gradient with respect to ``f`` is
      ``-sigmoid(f)``, which vanishes when the discriminator confidently
      rejects the fakes (``D(f) → 0``, early in training): it *saturates*.
    - ``"nonsaturating"``: ``-E[log D(f)] = E[softplus(-f)]``, the heuristic of
      Goodfellow et al. (2014). Same fixed point, but gradient
      ``-(1 - sigmoid(f))``, close to -1 exactly when ``D(f) → 0``.
    - ``"wasserstein"`` and ``"hinge"``: ``-E[f]``.
    - ``"least_squares"``: ``½E[(f - 1)²]`` on the raw outputs.

    Chapter: 07_gan_theory

    Parameters
    ----------
    fake_logits : tf.Tensor or np.ndarray [shape=(batch, ...)]
        Discriminator outputs on generated examples, before any sigmoid.
    kind : str
        One of :data:`LOSS_KINDS`.

    Returns
    -------
    tf.Tensor [shape=()]
        The scalar loss.

    Raises
    ------
    ValueError
        If ``kind`` is unknown or ``fake_logits`` is a scalar, empty, not
        real-valued or, for NumPy input, not finite.

    See Also
    --------
    discriminator_loss

    Examples
    --------
    >>> import numpy as np
    >>> round(float(generator_loss(np.zeros(4), kind="nonsaturating")), 4)  # log 2
    0.6931
    """
    check_choice("kind", kind, LOSS_KINDS)
    f = _to_float_tensor("fake_logits", fake_logits)
    mean = tf.reduce_mean
    if kind == "minimax":
        return -mean(tf.math.softplus(f))
    if kind == "nonsaturating":
        return mean(tf.math.softplus(-f))
    if kind in ("wasserstein", "hinge"):
        return -mean(f)
    return 0.5 * mean(tf.square(f - 1.0))


def gradient_penalty(critic, real, fake, weight: float = 10.0, *, seed=None, training: bool = True):
    """WGAN-GP gradient penalty ``weight · E[(‖∇ critic(x̂)‖₂ - 1)²]``.

    The points ``x̂ = α·real + (1 - α)·fake`` lie on straight lines between
    real and generated examples, with one ``α ~ Uniform(0, 1)`` per example
    (broadcast over the other axes). The norm is taken over all non-batch
    axes, as ``sqrt(Σ g² + 1e-12)``: the epsilon keeps the gradient of the norm
    finite when the critic's input gradient is zero. Pushing that norm
    towards 1 is a soft version of the 1-Lipschitz constraint the Wasserstein
    critic needs (Gulrajani et al., 2017).

    Works eagerly and inside ``tf.function``; the result is differentiable with
    respect to the critic's weights (second-order gradients), so compute it
    inside the critic's outer ``tf.GradientTape``.

    Chapter: 07_gan_theory

    Parameters
    ----------
    critic : callable
        Maps a batch shaped like ``real`` to one score per example (shape
        ``(batch,)`` or ``(batch, 1)``), e.g. a ``keras.Model``. Scores must
        not mix examples (no batch normalisation), or the per-example
        gradients are wrong.
    real, fake : tf.Tensor or np.ndarray [shape=(batch, ...)]
        Real and generated examples, same shape.
    weight : float
        Penalty weight λ ≥ 0 (10 in the WGAN-GP paper).
    seed : None, int or keras.random.SeedGenerator
        Source of the α draws. None uses TensorFlow's global generator
        (seeded by ``musiclib.set_seed``); an int in [0, 2**32 - 1] gives
        the same α on every call (for tests); a ``SeedGenerator`` gives fresh, reproducible α
        on every call (use this in a training loop).
    training : bool, keyword-only
        Passed as ``training=`` when ``critic`` is a Keras layer or model.

    Returns
    -------
    tf.Tensor [shape=()]
        The penalty.

    Raises
    ------
    ValueError
        If ``critic`` is not callable, ``weight`` is negative or not finite,
        ``seed`` is not None/an int in [0, 2**32 - 1]/a SeedGenerator,
        ``training`` is not a bool, or ``real`` and ``fake`` differ in shape,
        are scalars, empty, not real-valued or (NumPy input) not finite.

    See Also
    --------
    discriminator_loss : ``kind="wasserstein"`` is the critic loss this penalty completes.

    Examples
    --------
    >>> import numpy as np, tensorflow as tf
    >>> w = tf.constant([[3.0], [4.0]])
    >>> linear = lambda x: tf.matmul(x, w)  # gradient norm ‖w‖ = 5 everywhere
    >>> x = np.ones((8, 2), dtype="float32")
    >>> round(float(gradient_penalty(linear, x, -x, weight=10.0, seed=0)), 3)
    160.0
    """
    import keras

    if not callable(critic):
        raise ValueError(f"critic must be callable (a keras.Model or function), got {type(critic).__name__}")
    weight = check_nonnegative("weight", weight)
    if seed is not None and not isinstance(seed, keras.random.SeedGenerator):
        if not isinstance(seed, (numbers.Integral, np.integer)):
            raise ValueError(f"seed={seed!r} must be None, a non-negative integer or a keras.random.SeedGenerator")
        seed = _check_seed("seed", seed)
    training = _check_bool("training", training)
    real = _to_float_tensor("real", real)
    fake = _to_float_tensor("fake", fake)
    if real.dtype != fake.dtype:
        raise ValueError(f"real and fake must have the same dtype, got {real.dtype.name} and {fake.dtype.name}")
    _check_same_shape("real", real, "fake", fake, ignore_batch=False)

    rank = real.shape.rank if real.shape.rank is not None else tf.rank(real)
    alpha_shape = tf.concat([tf.shape(real)[:1], tf.ones([rank - 1], dtype=tf.int32)], axis=0)
    if seed is None:
        alpha = tf.random.uniform(alpha_shape, dtype=real.dtype)
    else:
        alpha = tf.cast(keras.random.uniform(alpha_shape, seed=seed), real.dtype)
    x_hat = alpha * real + (1.0 - alpha) * fake

    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        if isinstance(critic, keras.layers.Layer):
            scores = critic(x_hat, training=training)
        else:
            scores = critic(x_hat)
    # Summing scores over the batch gives each example's own input gradient,
    # because example i's score depends only on x_hat[i].
    grads = tape.gradient(scores, x_hat, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    axes = tf.range(1, tf.rank(grads))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + _NORM_EPS)
    return tf.cast(weight, norms.dtype) * tf.reduce_mean(tf.square(norms - 1.0))
