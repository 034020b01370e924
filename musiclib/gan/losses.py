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

__all__ = ["LOSS_KINDS", "discriminator_loss", "generator_loss", "gradient_penalty", "expected_parallel_motion"]

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


def _pair_masks(n_pitches, pitch_offset=None):
    """Per voice pair (u, l): the column ranges of both voices and ``(2, P_u, P_l)`` float32 interval masks.

    Mask 0: ``|a - b|`` is a fifth or compound fifth; mask 1: a (compound) octave, not a unison (music21's rules,
    as :func:`musiclib.metrics.voice_leading` counts them).
    """
    from ..data import PITCH_OFFSET, VOICE_RANGES, VOICES

    pitch_offset = PITCH_OFFSET if pitch_offset is None else pitch_offset
    spans = []
    for v in VOICES:
        low, high = VOICE_RANGES[v]
        spans.append((max(low - pitch_offset, 0), min(high - pitch_offset, n_pitches - 1) + 1))
    out = []
    for i in range(4):
        for j in range(i + 1, 4):
            (a0, a1), (b0, b1) = spans[i], spans[j]
            d = np.abs(np.arange(a0, a1)[:, None] - np.arange(b0, b1)[None, :])
            masks = np.stack([d % 12 == 7, (d % 12 == 0) & (d > 0)]).astype(np.float32)
            out.append((i, j, (a0, a1), (b0, b1), masks))
    return out


def _expected_parallels(before, after, pair_masks, *, with_moves=False):
    """Expected parallel fifths plus octaves per piece for the transitions ``before[:, k] → after[:, k]``.

    ``before``, ``after``: ``(N, K, 4, P)`` pitch probabilities per cell (a rest takes the rest), voices
    independent. For a voice pair (u, l) and an interval class M, a parallel needs M at both steps and both voices
    moving: ``[a≠c][b≠d] = 1 - [a=c] - [b=d] + [a=c][b=d]`` turns the expectation into four products of matrix
    products, all differentiable. Only columns inside each voice's range are used (the generator puts nothing
    elsewhere). One case :func:`musiclib.metrics.voice_leading` also counts is left out: unison to octave (or back)
    in contrary motion. With ``with_moves`` also the expected voice-pair moves (both voices sound at both steps, at
    least one changes pitch: the metric's denominator), as a second ``(N,)`` tensor.
    """
    total, moves = 0.0, 0.0
    for i, j, (a0, a1), (b0, b1), masks in pair_masks:
        u0, u1 = before[:, :, i, a0:a1], after[:, :, i, a0:a1]  # (N, K, Pu)
        l0, l1 = before[:, :, j, b0:b1], after[:, :, j, b0:b1]  # (N, K, Pl)
        uu, ll = u0 * u1, l0 * l1
        for m in masks:
            g0, g1 = tf.einsum("nkb,ab->nka", l0, m), tf.einsum("nkb,ab->nka", l1, m)  # P(interval in M | upper a)
            h0, h1 = tf.einsum("nka,ab->nkb", u0, m), tf.einsum("nka,ab->nkb", u1, m)
            term1 = tf.reduce_sum(u0 * g0, axis=-1) * tf.reduce_sum(u1 * g1, axis=-1)
            term2 = tf.reduce_sum(uu * g0 * g1, axis=-1)
            term3 = tf.reduce_sum(ll * h0 * h1, axis=-1)
            term4 = tf.reduce_sum(uu * tf.einsum("nkb,ab->nka", ll, m), axis=-1)
            total += tf.reduce_sum(term1 - term2 - term3 + term4, axis=1)
        if with_moves:
            sound = (tf.reduce_sum(u0, -1) * tf.reduce_sum(u1, -1) * tf.reduce_sum(l0, -1) * tf.reduce_sum(l1, -1))
            held = tf.reduce_sum(uu, -1) * tf.reduce_sum(ll, -1)  # both sound, neither changes
            moves += tf.reduce_sum(sound - held, axis=1)
    return (total, moves) if with_moves else total


def expected_parallel_motion(probs, *, hold=2, pitch_offset=None):
    """Expected parallel fifths and octaves, and expected voice-pair moves, per roll; differentiable.

    A generator's output gives each voice, at each step, a probability per pitch (the rest takes what is left).
    Treating the cells as independent draws, the expected number of parallel fifths and octaves between any two
    voices has a closed form (four products of matrix products per voice pair and interval, see Notes), and so has
    the expected number of voice-pair moves, the denominator of :func:`musiclib.metrics.voice_leading_rates`'
    parallel rate. Their ratio can stand in a loss: chapter 10 adds it to the chorale generator's loss
    (``parallel_weight`` in :func:`musiclib.gan.training.make_config`). On one-hot rolls whose voices change only
    at the ``hold`` boundaries both are exact counts.

    Parameters
    ----------
    probs : tf.Tensor or array_like [shape=(n, time_steps, n_pitches, 4)]
        Pitch probabilities per voice (the generator's output, :class:`musiclib.gan.models.VoiceSoftmax`); each
        cell's column sums to at most 1.
    hold : int, keyword-only
        Steps each chosen note lasts (2: the chorale generator picks a note per eighth and holds it for two
        sixteenth steps). Only the moves from step ``hold·k + hold - 1`` to ``hold·(k + 1)`` are counted: inside a
        held note no voice moves. In [1, time_steps // 2].
    pitch_offset : int or None, keyword-only
        MIDI number of pitch column 0 (None: :data:`musiclib.data.PITCH_OFFSET`).

    Returns
    -------
    parallels, pair_moves : tf.Tensor [shape=(n,)]
        Expected parallel fifths plus octaves, and expected voice-pair moves (both voices sound before and after,
        at least one changes pitch), summed over the six voice pairs and the transitions.

    Raises
    ------
    ValueError
        If ``probs`` is not 4-D with 4 voices or ``hold`` leaves no transition.

    Notes
    -----
    For voices u above l and an interval class M (fifths; octaves without unisons), a parallel needs M at both
    steps and both voices moving, ``[a≠c][b≠d] = 1 - [a=c] - [b=d] + [a=c][b=d]``, which turns the expectation over
    the pitches ``a → c`` (upper) and ``b → d`` (lower) into four sums of products. A pair moves when both voices
    sound at both steps, minus the cases where neither changes: ``s_u s_u' s_l s_l' - (Σ u·u')(Σ l·l')``. Not
    counted, unlike :func:`musiclib.metrics.voice_leading`: a unison moving to an octave (or back) in contrary motion.

    Examples
    --------
    >>> x = np.zeros((1, 4, 64, 4), "float32")
    >>> x[0, :2, [44, 32, 25, 13], [0, 1, 2, 3]] = 1   # S A T B: C5 C4 F3 F2
    >>> x[0, 2:, [46, 34, 27, 15], [0, 1, 2, 3]] = 1   # all up a tone: D5 D4 G3 G2
    >>> parallels, moves = expected_parallel_motion(x)
    >>> float(parallels[0]), float(moves[0])           # S-A, S-T, S-B, A-T, A-B, T-B: all parallel
    (6.0, 6.0)
    """
    probs = tf.convert_to_tensor(probs, dtype=tf.float32)
    if probs.shape.rank != 4 or probs.shape[-1] != 4:
        raise ValueError(f"probs must have shape (n, time_steps, n_pitches, 4), got {tuple(probs.shape)}")
    time_steps = probs.shape[1]
    hold = check_nonnegative_int("hold", hold)
    if hold < 1 or time_steps is None or time_steps // hold < 2:
        raise ValueError(f"hold={hold!r} must be an integer in [1, time_steps // 2] = [1, {(time_steps or 0) // 2}]")
    q = tf.transpose(probs, (0, 1, 3, 2))  # (n, T, 4, P)
    k = time_steps // hold - 1
    before, after = q[:, hold - 1 : -1 : hold][:, :k], q[:, hold::hold][:, :k]
    return _expected_parallels(before, after, _pair_masks(probs.shape[2], pitch_offset), with_moves=True)
