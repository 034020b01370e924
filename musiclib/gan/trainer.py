"""The GAN training loop as an idiomatic Keras 3 model, plus its callbacks.

Chapters: 08_toy_gans (introduced), 09_training_a_music_gan and 11 (reused).

:class:`GAN` is a ``keras.Model`` that holds a generator and a discriminator
and overrides ``train_step``, as in keras.io's GAN examples: ``gan.fit(x)``
then runs one discriminator update (or ``d_steps`` critic updates) and one
generator update per batch, each with its own ``tf.GradientTape`` and
optimizer. The old Keras 2 recipe (compile D, set ``D.trainable = False``,
compile a stacked model) stops D from training at all in Keras 3 (the only
sign is a warning that the model has no trainable weights), which is why the
course never uses it.

Callbacks for ``fit(callbacks=[...])``:

- :class:`SampleMonitor` keeps generated samples from a fixed latent batch
  (and the discriminator's output on a fixed grid) at chosen epochs, to plot
  how G and D evolve.
- :class:`CollapseDetector` measures sample diversity against the real data
  after each epoch and records (and warns about) mode collapse.
- :class:`NaNGuard` stops training with a clear :class:`TrainingDivergedError`
  as soon as a loss becomes NaN or infinite. ``keras.callbacks.TerminateOnNaN``
  stops too, with a terse "Invalid loss" line (it watches ``loss`` only, which
  :class:`GAN` logs as the sum of both losses); use either.
- :class:`GANCheckpoint` saves weights, optimizer state, noise state and the
  epoch, so that :meth:`GAN.load_state` + ``fit(initial_epoch=...)`` resumes
  exactly where training stopped. It never writes a diverged (NaN/inf) state
  over a good checkpoint, and every write is atomic.

Size limits (a typo such as ``gan.generate(10**8)`` raises a ``ValueError``
instead of exhausting memory): :data:`MAX_ARRAY_VALUES` values per generated
or latent array, :data:`MAX_PAIRWISE_SAMPLES` samples in
:func:`mean_pairwise_distance`, :data:`MAX_D_STEPS` critic steps, seeds in
[0, 2**32 - 1].
"""

from __future__ import annotations

import math
import os
import pickle
import struct
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .._validation import (
    check_choice,
    check_finite_array,
    check_nonnegative,
    check_nonnegative_int,
    check_positive,
    check_positive_int,
)
from .losses import LOSS_KINDS, _check_bool, _check_seed, discriminator_loss, generator_loss, gradient_penalty
from .models import _check_size

__all__ = [
    "GAN",
    "SampleMonitor",
    "CollapseDetector",
    "NaNGuard",
    "GANCheckpoint",
    "TrainingDivergedError",
    "CheckpointError",
    "ModeCollapseWarning",
    "CheckpointSkippedWarning",
    "sample_latent",
    "mean_pairwise_distance",
]

#: Most values in one array that :func:`sample_latent` or :meth:`GAN.generate`
#: makes: 2**27 float32 values are 512 MiB (the latent draw is float64 first,
#: 1 GiB). ``n`` may be at most ``MAX_ARRAY_VALUES // values_per_sample``,
#: e.g. 16,777,216 samples of an 8-dimensional latent vector, or 24,966
#: piano rolls of 64 × 84.
MAX_ARRAY_VALUES = 2**27

#: Most samples :func:`mean_pairwise_distance` compares: its n × n distance
#: matrix (and two temporaries of that size) in float64 is 128 MiB at 4096.
MAX_PAIRWISE_SAMPLES = 4096

#: Most critic updates per generator update (``GAN.compile(d_steps=...)``): the
#: loop is unrolled into the traced train step, so its size grows with d_steps.
#: The WGAN papers use 5.
MAX_D_STEPS = 100

#: Most samples a :class:`CollapseDetector` generates after every epoch.
MAX_COLLAPSE_SAMPLES = 2**16

#: Largest epoch number a checkpoint stores (it is saved as int64).
MAX_EPOCH = 2**63 - 1


class TrainingDivergedError(RuntimeError):
    """Raised when training diverged: by :class:`NaNGuard` when a training loss
    becomes NaN or infinite, and by :meth:`GAN.save_state` when asked to save
    NaN/inf weights."""


class CheckpointError(ValueError):
    """A checkpoint file that cannot be loaded into this GAN.

    Raised by :meth:`GAN.load_state`. The message names the file and what is
    wrong: ``"damaged checkpoint <path>: ..."`` for a truncated or unreadable
    file, a missing entry, NaN/inf weights or a negative epoch; otherwise it
    says how the checkpoint differs from this GAN (loss kind, variables).
    """


class ModeCollapseWarning(UserWarning):
    """Warned by :class:`CollapseDetector` when generated samples lose their diversity."""


class CheckpointSkippedWarning(UserWarning):
    """Warned by :class:`GANCheckpoint` when it does not save a diverged (NaN/inf) state."""


def _check_real_array(name, value, **kwargs) -> np.ndarray:
    """:func:`check_finite_array` that also rejects complex arrays (their imaginary part would be dropped)."""
    arr = np.asarray(value)
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(f"{name} must be real-valued, got dtype {arr.dtype}")
    return check_finite_array(name, arr, **kwargs)


def label_width(network) -> int:
    """How many label values a network takes: 0 when it has one input (unconditional), else its second input's width.

    A conditional network of this course takes two inputs, ``[z, labels]`` (a generator) or ``[x, labels]`` (a critic).
    """
    inputs = getattr(network, "inputs", None) or []
    return int(inputs[1].shape[-1]) if len(inputs) == 2 else 0


def check_labels(labels, n, n_labels, *, what="this GAN", hint=None):
    """Validate the labels of ``n`` samples for a network conditioned on ``n_labels`` values (0: unconditional).

    Returns them as float32 ``(n, n_labels)``, or None when ``n_labels`` is 0. Raises ``ValueError`` when labels are
    missing for a conditional network, given to an unconditional one, not real and finite, or of another shape;
    ``what`` names the network in the message and ``hint`` says where labels come from.
    """
    if not n_labels:
        if labels is not None:
            raise ValueError(f"labels given, but {what} is unconditional")
        return None
    if labels is None:
        raise ValueError(f"labels=None: {what} is conditional; pass labels of shape ({n}, {n_labels})"
                         + (f", {hint}" if hint else ""))
    labels = _check_real_array("labels", labels, min_ndim=2).astype(np.float32)
    if labels.shape != (n, n_labels):
        raise ValueError(f"labels must have shape ({n}, {n_labels}), got {labels.shape}")
    return labels


def _check_count(name, n, values_per_sample, what) -> int:
    """Return ``n`` if ``n`` samples of ``values_per_sample`` values fit in :data:`MAX_ARRAY_VALUES`."""
    n = check_positive_int(name, n)
    high = max(1, MAX_ARRAY_VALUES // values_per_sample)
    if n > high:
        raise ValueError(
            f"{name}={n!r} must be an integer in [1, {high}]: at most 2**27 values (512 MiB of float32) "
            f"per array, and each sample has {values_per_sample} {what}"
        )
    return n


def _non_finite_logs(logs) -> dict:
    """Name -> first value of every logged value that is NaN or infinite."""
    bad = {}
    for name, value in (logs or {}).items():
        try:
            value = np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
        except (TypeError, ValueError):
            continue  # not a number (e.g. a string a callback put there)
        if not np.all(np.isfinite(value)):
            bad[name] = float(value.reshape(-1)[0])
    return bad


def sample_latent(n, latent_dim, *, seed=0) -> np.ndarray:
    """Draw ``n`` standard-normal latent vectors with NumPy.

    Used for fixed latent batches (monitoring, plots, evaluation). It does
    not touch the training noise of :class:`GAN`, so sampling for a plot
    never changes what training does next.

    Parameters
    ----------
    n : int
        Number of vectors, at most ``MAX_ARRAY_VALUES // latent_dim``
        (16,777,216 for ``latent_dim=8``).
    latent_dim : int
        Size of each vector, in [1, 2**20].
    seed : int, keyword-only
        Seed of ``np.random.default_rng``, in [0, 2**32 - 1]; equal seeds
        give equal batches.

    Returns
    -------
    np.ndarray [shape=(n, latent_dim), dtype=float32]

    Raises
    ------
    ValueError
        If ``n`` or ``latent_dim`` is not a positive integer or too large,
        or ``seed`` is outside [0, 2**32 - 1].

    Chapter: 08_toy_gans

    Examples
    --------
    >>> sample_latent(3, 2, seed=0).shape
    (3, 2)
    """
    latent_dim = _check_size("latent_dim", latent_dim)
    n = _check_count("n", n, latent_dim, "latent values")
    seed = _check_seed("seed", seed)
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def mean_pairwise_distance(samples, *, max_samples=512, seed=0) -> float:
    """Mean Euclidean distance between two different samples of a batch.

    A simple diversity score: it falls towards zero when a generator maps
    every latent vector to (nearly) the same output, i.e. mode collapse.

    Parameters
    ----------
    samples : np.ndarray [shape=(n, ...)]
        At least two real, finite samples; axes after the first are flattened.
    max_samples : int, keyword-only
        Use a random subset of this many samples (the cost grows as n²),
        in [2, :data:`MAX_PAIRWISE_SAMPLES`] = [2, 4096].
    seed : int, keyword-only
        Seed of the subset choice, in [0, 2**32 - 1].

    Returns
    -------
    float
        Mean of ``‖x_i - x_j‖`` over pairs i ≠ j.

    Raises
    ------
    ValueError
        If there are fewer than two samples, they are not finite or not real,
        or ``max_samples`` or ``seed`` is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> mean_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0]]))
    5.0
    """
    x = _check_real_array("samples", samples)
    max_samples = check_positive_int("max_samples", max_samples)
    if not 2 <= max_samples <= MAX_PAIRWISE_SAMPLES:
        raise ValueError(f"max_samples={max_samples} must be an integer in [2, {MAX_PAIRWISE_SAMPLES}]")
    seed = _check_seed("seed", seed)
    if len(x) < 2:
        raise ValueError(f"samples must hold at least 2 samples, got {len(x)}")
    if len(x) > max_samples:
        x = x[np.random.default_rng(seed).choice(len(x), size=max_samples, replace=False)]
    x = x.reshape(len(x), -1).astype(np.float64)
    sq = np.sum(x**2, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * x @ x.T, 0.0)
    n = len(x)
    return float(np.sqrt(d2).sum() / (n * (n - 1)))


class GAN(keras.Model):
    """A generator and a discriminator trained against each other with ``fit``.

    Parameters
    ----------
    generator : keras.Model
        Maps ``(batch, latent_dim)`` noise to samples shaped like the data.
        A **conditional** GAN's generator takes two inputs, ``[z, labels]``
        (e.g. :func:`musiclib.gan.timbre.build_timbre_generator` with
        ``n_labels``); then ``fit(x, labels)``, ``generate(..., labels=)`` and
        ``discriminate(..., labels=)`` need one label row per sample.
    discriminator : keras.Model
        Maps a batch of samples to one logit each (no sigmoid), e.g. from
        :func:`musiclib.gan.models.build_mlp_discriminator`; for a conditional
        GAN ``[x, labels]`` to one logit each, with labels as wide as the
        generator's.
    latent_dim : int or None, keyword-only
        Size of the noise vector; read from the generator's input when None
        (and, when given, it must match that input).
    seed : int, keyword-only
        Seed, in [0, 2**32 - 1], of the ``keras.random.SeedGenerator`` that draws the training
        noise (and the gradient-penalty mixing weights). With equal seeds,
        equal initial weights and unshuffled (or equally shuffled) data, two
        runs give the same weights.

    Attributes
    ----------
    generator, discriminator : keras.Model
    latent_dim : int
    n_labels : int
        Width of the labels of a conditional GAN; 0 when unconditional.
    seed_generator : keras.random.SeedGenerator
    loss_kind, gp_weight, d_steps
        Set by :meth:`compile`.

    Raises
    ------
    ValueError
        If a network is not a ``keras.Model``, ``latent_dim`` cannot be read,
        is not a positive integer or differs from the generator's input
        size, or ``seed`` is outside [0, 2**32 - 1].

    See Also
    --------
    musiclib.gan.losses : the five loss kinds and the gradient penalty.

    Notes
    -----
    One call of ``train_step`` (one batch of real data ``x``):

    1. ``d_steps`` times: draw z, compute ``discriminator_loss(D(x), D(G(z)))``
       (plus ``gradient_penalty`` when ``gp_weight > 0``) under one tape and
       update D only. Every critic step reuses the same real batch ``x`` with
       fresh noise, as keras.io's WGAN-GP example does; the WGAN papers draw
       a new real batch for each critic step.
    2. Draw a fresh z, compute ``generator_loss(D(G(z)))`` (plus
       ``generator_penalty(G(z))`` when one is given) under a second tape
       and update G only (D's weights receive no update from this step).

    A conditional GAN does the same with ``G([z, y])`` and ``D([x, y])``, the
    fakes asked for the real batch's labels ``y`` (so both halves of D's batch
    share one mix of labels) and the gradient penalty's mixed samples judged
    against those labels too.

    The loss metrics ``d_loss`` (adversarial part only), ``g_loss``, with a
    penalty ``gp``, and ``loss`` (their sum, which ``keras.callbacks.TerminateOnNaN``
    watches) are ``keras.metrics.Mean`` trackers, averaged over the epoch and
    returned by :attr:`metrics`.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> gan = GAN(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1), seed=0)
    >>> gan.compile(keras.optimizers.Adam(1e-3), keras.optimizers.Adam(1e-3), loss_kind="hinge")
    >>> history = gan.fit(np.zeros((64, 2), "float32"), batch_size=32, epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'loss']
    """

    def __init__(self, generator, discriminator, *, latent_dim=None, seed=0, **kwargs):
        super().__init__(**kwargs)
        for name, net in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(net, keras.Model):
                raise ValueError(f"{name}={type(net).__name__} must be a keras.Model")
        # A conditional GAN's networks take two inputs: G([z, labels]) and D([x, labels]).
        g_inputs = getattr(generator, "inputs", None) or []
        d_inputs = getattr(discriminator, "inputs", None) or []
        self.n_labels, d_labels = label_width(generator), label_width(discriminator)
        if len(g_inputs) > 2 or len(d_inputs) > 2 or self.n_labels != d_labels:
            raise ValueError(
                f"generator and discriminator must both be unconditional (one input) or both conditional on labels of "
                f"one width (two inputs: [z, labels], [x, labels]); got {len(g_inputs)} and {len(d_inputs)} input(s), "
                f"label widths {self.n_labels} and {d_labels}"
            )
        try:
            input_dim = g_inputs[0].shape[-1] if g_inputs else generator.input_shape[-1]
        except (AttributeError, ValueError, TypeError):
            input_dim = None
        if latent_dim is None:
            if input_dim is None:
                raise ValueError("latent_dim=None: the generator's input size is unknown, pass latent_dim")
            latent_dim = input_dim
        self.latent_dim = _check_size("latent_dim", latent_dim)
        if input_dim is not None and input_dim != self.latent_dim:
            raise ValueError(f"latent_dim={latent_dim!r} must match the generator's input size {input_dim}")
        self.seed = _check_seed("seed", seed)
        self.generator = generator
        self.discriminator = discriminator
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.loss_kind = "nonsaturating"
        self.gp_weight = 0.0
        self.d_steps = 1
        self.generator_penalty = None
        self.d_optimizer = None
        self.g_optimizer = None
        self._trackers = []
        # The GAN has no weights of its own, and G and D are built networks; saying so spares Keras a symbolic
        # build through `call` (which a GAN does not have) when fit runs under a tf.distribute strategy.
        self.built = True

    def compile(self, d_optimizer, g_optimizer, *, loss_kind="nonsaturating", gp_weight=0.0, d_steps=1,
                generator_penalty=None, **kwargs):
        """Choose the optimizers, the loss kind and the critic schedule.

        Parameters
        ----------
        d_optimizer, g_optimizer : keras.optimizers.Optimizer
            Two distinct optimizer instances (each keeps state for one network).
        loss_kind : str, keyword-only
            One of ``musiclib.gan.LOSS_KINDS``: "minimax", "nonsaturating",
            "wasserstein", "hinge", "least_squares".
        gp_weight : float, keyword-only
            Weight λ of the gradient penalty added to the discriminator loss;
            0 turns it off, 10 is WGAN-GP with ``loss_kind="wasserstein"``.
        d_steps : int, keyword-only
            Discriminator (critic) updates per generator update, ``n_critic``
            in the WGAN papers (5 there; 1 for the other losses), in
            [1, :data:`MAX_D_STEPS`] = [1, 100].
        generator_penalty : callable or None, keyword-only
            ``penalty(fake) -> scalar tensor`` added to the generator's loss (already weighted), e.g. a rule of
            four-part writing (:func:`musiclib.gan.training.build_gan` makes one from the config's
            ``parallel_weight``). Logged as ``penalty``; the critic never sees it. None: the plain GAN.
        **kwargs
            Passed to ``keras.Model.compile`` (e.g. ``steps_per_execution``).

        Raises
        ------
        ValueError
            If an optimizer is missing or both are the same object, or a
            setting is outside its range.
        """
        for name, opt in (("d_optimizer", d_optimizer), ("g_optimizer", g_optimizer)):
            if not isinstance(opt, keras.optimizers.Optimizer):
                raise ValueError(f"{name}={type(opt).__name__} must be a keras.optimizers.Optimizer instance")
        if d_optimizer is g_optimizer:
            raise ValueError("d_optimizer and g_optimizer must be two different optimizer instances")
        self.loss_kind = check_choice("loss_kind", loss_kind, LOSS_KINDS)
        self.gp_weight = check_nonnegative("gp_weight", gp_weight)
        self.d_steps = check_positive_int("d_steps", d_steps)
        if generator_penalty is not None and not callable(generator_penalty):
            raise ValueError(f"generator_penalty={generator_penalty!r} must be a callable (fake -> scalar) or None")
        self.generator_penalty = generator_penalty
        if self.d_steps > MAX_D_STEPS:
            raise ValueError(f"d_steps={d_steps!r} must be an integer in [1, {MAX_D_STEPS}]")
        super().compile(**kwargs)
        # keras.Model.compile defaults to an RMSprop over *all* weights, which fit
        # would build (slot variables for G and D) and never use.
        self.optimizer = None
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # "loss" (the sum) exists for keras.callbacks.TerminateOnNaN, which only
        # watches logs["loss"]: it turns NaN when either network's loss does.
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self._trackers = [self.loss_tracker, self.d_loss_tracker, self.g_loss_tracker]
        if self.gp_weight > 0:
            self.gp_tracker = keras.metrics.Mean(name="gp")
            self._trackers.append(self.gp_tracker)
        if self.generator_penalty is not None:
            self.penalty_tracker = keras.metrics.Mean(name="penalty")
            self._trackers.append(self.penalty_tracker)

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of every epoch.
        return list(self._trackers)

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def train_step(self, data):
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(d_optimizer, g_optimizer, ...) must be called before fit")
        real, labels, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        if sample_weight is not None or (labels is not None and not self.n_labels):
            # Dropping them silently would train an unconditional model on data meant to condition it.
            raise ValueError(
                "GAN.fit got labels (or sample weights) with the data: this GAN is unconditional and would ignore "
                "them; pass the samples alone, fit(x), or build conditional networks (two inputs)"
            )
        if self.n_labels and labels is None:
            raise ValueError("this GAN is conditional: fit(x, labels) needs one label row per sample")
        real = tf.cast(real, self.discriminator.compute_dtype)
        batch_size = tf.shape(real)[0]
        d_vars = self.discriminator.trainable_weights
        g_vars = self.generator.trainable_weights
        # Under a tf.distribute strategy each replica sees its share of the batch and the optimizers sum the
        # replicas' gradients, so each replica's mean loss is divided by their number (1 without a strategy).
        replicas = tf.distribute.get_strategy().num_replicas_in_sync

        if self.n_labels:
            # The fakes are asked for the real batch's labels, so both halves of D's batch carry the same ones.
            labels = tf.cast(labels, self.discriminator.compute_dtype)
            both_labels = tf.concat([labels, labels], axis=0)
            generate = lambda z: self.generator([z, labels], training=True)  # noqa: E731
            discriminate = lambda x, pair=labels, training=True: self.discriminator([x, pair], training=training)  # noqa: E731
        else:
            both_labels = None
            generate = lambda z: self.generator(z, training=True)  # noqa: E731
            discriminate = lambda x, pair=None, training=True: self.discriminator(x, training=training)  # noqa: E731

        for _ in range(self.d_steps):
            # G(z) outside the tape: this update must not reach G's weights.
            fake = generate(self._noise(batch_size))
            with tf.GradientTape() as d_tape:
                # One discriminator pass over real and fake together (every layer of our discriminators is
                # per-sample, so this equals two passes, at about half the per-call overhead).
                logits = discriminate(tf.concat([real, tf.cast(fake, real.dtype)], axis=0), both_labels)
                real_logits, fake_logits = logits[:batch_size], logits[batch_size:]
                d_loss = discriminator_loss(real_logits, fake_logits, kind=self.loss_kind)
                d_total = d_loss
                if self.gp_weight > 0:
                    gp = gradient_penalty(discriminate, real, fake, weight=self.gp_weight, seed=self.seed_generator)
                    d_total = d_loss + gp
                d_scaled = d_total / replicas
            d_grads = d_tape.gradient(d_scaled, d_vars)
            self.d_optimizer.apply_gradients(zip(d_grads, d_vars))

        with tf.GradientTape() as g_tape:
            fake = generate(self._noise(batch_size))
            fake_logits = discriminate(fake)
            g_loss = generator_loss(fake_logits, kind=self.loss_kind)
            g_total = g_loss
            if self.generator_penalty is not None:
                penalty = tf.cast(self.generator_penalty(fake), g_loss.dtype)
                g_total = g_loss + penalty
            g_scaled = g_total / replicas
        g_grads = g_tape.gradient(g_scaled, g_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))

        self.loss_tracker.update_state(d_total + g_total)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        if self.gp_weight > 0:
            self.gp_tracker.update_state(gp)
        if self.generator_penalty is not None:
            self.penalty_tracker.update_state(penalty)
        return {m.name: m.result() for m in self._trackers}

    def _infer(self, which, x, labels=None):
        # A compiled inference call: eager Keras calls cost milliseconds per
        # layer, which dominates when callbacks sample after every epoch.
        fns = self.__dict__.setdefault("_infer_fns", {})
        if which not in fns:
            net = getattr(self, which)
            if self.n_labels:
                fns[which] = tf.function(lambda t, y: net([t, y], training=False), reduce_retracing=True)
            else:
                fns[which] = tf.function(lambda t: net(t, training=False), reduce_retracing=True)
        if self.n_labels:
            return fns[which](tf.convert_to_tensor(x), tf.convert_to_tensor(labels))
        return fns[which](tf.convert_to_tensor(x))

    def _check_labels(self, labels, n):
        """The labels of ``n`` samples as float32 for a conditional GAN; None for an unconditional one."""
        return check_labels(labels, n, self.n_labels, what="this GAN")

    def generate(self, n=None, *, latent=None, seed=0, batch_size=4096, labels=None) -> np.ndarray:
        """Generate samples as a NumPy array (inference mode).

        Parameters
        ----------
        n : int or None
            Number of samples, drawn with :func:`sample_latent` (``seed``).
            Leave None when passing ``latent``. At most
            ``MAX_ARRAY_VALUES // max(latent_dim, values per sample)``
            (2**27 values, 512 MiB of float32, in the result), e.g.
            16,777,216 two-dimensional toy samples from an 8-D latent space.
        latent : np.ndarray [shape=(n, latent_dim)] or None, keyword-only
            Fixed real, finite latent vectors to map instead (e.g. the same
            batch at every epoch); the same limit on ``n`` applies.
        seed : int, keyword-only
            Seed of the latent draw when ``latent`` is None, in [0, 2**32 - 1].
        batch_size : int, keyword-only
            Samples per generator call (bounds memory).
        labels : np.ndarray [shape=(n, n_labels)] or None, keyword-only
            What a conditional GAN is asked for, one row per sample (required then; refused by an unconditional one).

        Returns
        -------
        np.ndarray [shape=(n, ...) as the generator's output, dtype=float32]

        Raises
        ------
        ValueError
            If neither or both of ``n`` and ``latent`` are given, ``n`` is
            not a positive integer or too large, or ``latent`` has the wrong
            shape, too many rows, or is not real and finite.
        """
        if (n is None) == (latent is None):
            raise ValueError("pass exactly one of n (a count) and latent (an array)")
        per_sample = max(self.latent_dim, self._values_per_sample())
        batch_size = check_positive_int("batch_size", batch_size)
        if latent is None:
            n = _check_count("n", n, per_sample, "latent or output values")
            latent = sample_latent(n, self.latent_dim, seed=seed)
        latent = np.asarray(latent)
        if latent.ndim != 2 or latent.shape[-1] != self.latent_dim:
            raise ValueError(f"latent must have shape (n, {self.latent_dim}), got {latent.shape}")
        if len(latent):  # (empty: the check below says so)
            _check_count("latent", len(latent), per_sample, "latent or output values")
        latent = _check_real_array("latent", latent, min_ndim=2).astype(np.float32)
        labels = self._check_labels(labels, len(latent))
        parts = [keras.ops.convert_to_numpy(self._infer("generator", latent[i : i + batch_size],
                                                        None if labels is None else labels[i : i + batch_size]))
                 for i in range(0, len(latent), batch_size)]
        return np.concatenate(parts).astype(np.float32)

    def _values_per_sample(self) -> int:
        """Values in one generated sample (1 when the generator's output shape is unknown)."""
        try:
            shape = self.generator.output_shape
        except (AttributeError, ValueError, TypeError):
            return 1
        if not isinstance(shape, tuple) or any(not isinstance(d, int) for d in shape[1:]):
            return 1
        return max(1, math.prod(shape[1:]))

    def discriminate(self, x, *, batch_size=4096, labels=None) -> np.ndarray:
        """Return the discriminator's logits on samples ``x`` as a flat NumPy array.

        Parameters
        ----------
        x : np.ndarray [shape=(n, ...) as the data]
            Real, finite samples (real data, generated or a grid of points to
            map D over).
        batch_size : int, keyword-only
            Samples per discriminator call.
        labels : np.ndarray [shape=(n, n_labels)] or None, keyword-only
            The labels each sample is judged against (a conditional GAN only).

        Returns
        -------
        np.ndarray [shape=(n,), dtype=float32]
            Logits; ``sigmoid(logit)`` is D's probability that x is real for
            the minimax and non-saturating losses.

        Raises
        ------
        ValueError
            If ``x`` is empty, not real and finite, or not shaped like the
            discriminator's input, or ``batch_size`` is not a positive integer.
        """
        x = _check_real_array("x", x)
        try:
            shape = self.discriminator.input_shape
            expected = tuple((shape[0] if self.n_labels else shape)[1:])
        except (AttributeError, ValueError, TypeError):
            expected = None
        if expected is not None and all(isinstance(d, int) for d in expected) and tuple(x.shape[1:]) != expected:
            raise ValueError(f"x must have shape (n, {', '.join(map(str, expected))}) like the discriminator's input, got {x.shape}")
        x = x.astype(np.float32)
        batch_size = check_positive_int("batch_size", batch_size)
        labels = self._check_labels(labels, len(x))
        parts = [keras.ops.convert_to_numpy(self._infer("discriminator", x[i : i + batch_size],
                                                        None if labels is None else labels[i : i + batch_size]))
                 for i in range(0, len(x), batch_size)]
        return np.concatenate(parts).reshape(len(x)).astype(np.float32)

    # ---- checkpoint / resume ---------------------------------------------------------

    def _state_groups(self):
        for opt, net in ((self.d_optimizer, self.discriminator), (self.g_optimizer, self.generator)):
            if opt is not None and not opt.built:
                opt.build(net.trainable_variables)
        groups = {
            "generator": self.generator.weights,
            "discriminator": self.discriminator.weights,
            "noise": [self.seed_generator.state],
        }
        if self.d_optimizer is not None:
            groups["d_optimizer"] = self.d_optimizer.variables
            groups["g_optimizer"] = self.g_optimizer.variables
        return groups

    def save_state(self, path, *, epoch, extra=None) -> Path:
        """Save everything needed to resume training to one ``.npz`` file.

        Stores the generator and discriminator weights, both optimizers'
        state (step counter, learning rate, moments), the training-noise
        generator's state and ``epoch``.

        The write is atomic: the arrays go to a temporary file in the same
        folder (``.<name>.<random>.tmp``), which is flushed to disk
        (``fsync``) and then renamed over ``path`` with ``os.replace``. A
        save that fails or is killed part-way therefore leaves the previous
        checkpoint intact; the temporary file of a killed save is removed by
        the next save to the same ``path`` (one writer per path) and never
        read by :meth:`load_state`.

        Parameters
        ----------
        path : str or Path
            Destination file (``.npz`` is appended when missing).
        epoch : int, keyword-only
            Number of epochs completed, in [0, 2**63 - 1]; :meth:`load_state`
            returns it, to pass as ``fit(initial_epoch=...)``.
        extra : dict or None, keyword-only
            Small values saved alongside (``str``, ``int``, ``float`` or arrays), e.g.
            the step inside the epoch and the run's JSON config; read back with
            ``load_state(path, return_extra=True)``.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        ValueError
            If ``epoch`` is out of range or the model is not compiled.
        TrainingDivergedError
            If a weight or optimizer value is NaN or infinite: a diverged
            state is never written, and an existing file at ``path`` stays as it was.
        """
        epoch = check_nonnegative_int("epoch", epoch)
        if epoch > MAX_EPOCH:
            raise ValueError(f"epoch={epoch} must be an integer in [0, {MAX_EPOCH}]")
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(...) must be called before save_state (optimizer state is saved too)")
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        arrays = {"epoch": np.array(epoch, dtype=np.int64), "loss_kind": np.array(self.loss_kind)}
        if extra is not None:
            if not isinstance(extra, dict) or not all(isinstance(k, str) and "/" not in k for k in extra):
                raise ValueError("extra must be a dict with string keys without '/'")
            for key, value in extra.items():
                value = np.asarray(value)
                if value.dtype.kind not in "biufU":
                    raise ValueError(f"extra[{key!r}] must be a string, a number or an array of them, got dtype {value.dtype}")
                arrays[f"extra/{key}"] = value
        for group, variables in self._state_groups().items():
            for i, var in enumerate(variables):
                value = np.asarray(var.numpy())
                if np.issubdtype(value.dtype, np.inexact) and not np.all(np.isfinite(value)):
                    raise TrainingDivergedError(
                        f"not saving {path}: {group} variable {i} ({var.path}) holds NaN or inf values, "
                        "so training has diverged"
                    )
                arrays[f"{group}/{i}"] = value
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphan_temp_files(path)
        _atomic_savez(path, arrays)
        return path

    def load_state(self, path, *, return_extra=False):
        """Restore a state saved by :meth:`save_state` and return its epoch.

        The GAN must be built and compiled as the saved one (same
        architectures, optimizer types and loss kind). Everything is checked
        before anything is assigned, so a rejected file leaves the GAN as it was.

        Learning rates are **not** restored: each optimizer keeps the learning
        rate it was compiled with, so compiling with a new rate to fine-tune
        from a checkpoint works. The step counters and moments are restored
        (a learning-rate *schedule* therefore continues where it stopped).
        For an exact resume, compile with the same learning rates as the
        saved run, as the same training script does.

        Parameters
        ----------
        path : str or Path
            A file written by :meth:`save_state` (``.npz`` may be left out).

        return_extra : bool, keyword-only
            Also return the ``extra`` dict given to :meth:`save_state`.

        Returns
        -------
        int
            Epochs completed when the state was saved; continue with
            ``gan.fit(x, epochs=total, initial_epoch=epoch)``.
        dict
            Only with ``return_extra=True``: the saved extras (NumPy scalars or arrays).

        Raises
        ------
        ValueError
            If the model is not compiled or the file is missing.
        CheckpointError
            (a ``ValueError``) If the file is damaged: not a readable ``.npz``
            archive (e.g. truncated), an entry missing, NaN/inf weights, a
            negative or non-integer epoch; or if it does not match this GAN
            (loss kind, number or shapes of variables).
        """
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(...) must be called before load_state")
        path = Path(path)
        if not path.exists() and path.with_name(path.name + ".npz").exists():
            path = path.with_name(path.name + ".npz")
        if not path.is_file():
            raise ValueError(f"path={str(path)!r} is not a checkpoint file")
        data = _read_npz(path)

        def damaged(what):
            return CheckpointError(f"damaged checkpoint {path}: {what}")

        for key in ("epoch", "loss_kind"):
            if key not in data:
                raise damaged(f"the {key!r} entry is missing")
        epoch = data["epoch"]
        if epoch.shape != () or not np.issubdtype(epoch.dtype, np.integer):
            raise damaged(f"epoch must be one integer, got dtype {epoch.dtype} and shape {epoch.shape}")
        epoch = int(epoch)
        if epoch < 0:
            raise damaged(f"epoch={epoch} is negative")
        saved_kind = data["loss_kind"]
        if saved_kind.shape != () or saved_kind.dtype.kind != "U":
            raise damaged(f"loss_kind must be one string, got dtype {saved_kind.dtype} and shape {saved_kind.shape}")
        saved_kind = str(saved_kind)
        if saved_kind != self.loss_kind:
            raise CheckpointError(f"checkpoint {path} was trained with loss_kind={saved_kind!r}, this GAN uses {self.loss_kind!r}")

        plan = []
        for group, variables in self._state_groups().items():
            n_saved = sum(1 for key in data if key.startswith(group + "/"))
            if n_saved != len(variables):
                raise CheckpointError(
                    f"checkpoint {path} holds {n_saved} {group} variables, this GAN has {len(variables)}: "
                    "build and compile it as the saved one (or the file is damaged)"
                )
            is_optimizer = group.endswith("_optimizer")
            for i, var in enumerate(variables):
                key = f"{group}/{i}"
                if key not in data:
                    raise damaged(f"the {key!r} entry is missing")
                value = data[key]
                if tuple(value.shape) != tuple(var.shape):
                    raise CheckpointError(f"checkpoint {path}: {group} variable {i} has shape {value.shape}, expected {tuple(var.shape)}")
                if not np.issubdtype(value.dtype, np.number) or np.issubdtype(value.dtype, np.complexfloating):
                    raise damaged(f"{group} variable {i} has dtype {value.dtype}, expected real numbers")
                if is_optimizer and var.name == "learning_rate":
                    continue  # keep the learning rate the user compiled with (see above)
                if np.issubdtype(value.dtype, np.inexact) and not np.all(np.isfinite(value)):
                    raise damaged(f"{group} variable {i} ({var.path}) holds NaN or inf values (saved from a diverged run?)")
                plan.append((var, value))
        for var, value in plan:
            var.assign(value)
        if return_extra:
            extra = {key.split("/", 1)[1]: value for key, value in data.items() if key.startswith("extra/")}
            return epoch, {k: (v.item() if v.shape == () else v) for k, v in extra.items()}
        return epoch


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def _remove_orphan_temp_files(path: Path) -> None:
    """Delete temporary files that a killed :func:`_atomic_savez` to ``path`` left behind."""
    prefix = _temp_prefix(path)
    for entry in path.parent.iterdir():
        if entry.name.startswith(prefix) and entry.name.endswith(".tmp") and entry.is_file():
            _discard(entry)


def _discard(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _write_npz(file, arrays) -> None:
    np.savez(file, **arrays)


def _atomic_savez(path: Path, arrays) -> None:
    """Write ``arrays`` as an ``.npz`` to ``path`` atomically: temp file, fsync, ``os.replace``."""
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        _discard(tmp)
        raise
    # Make the rename itself durable (POSIX; not possible on Windows).
    if hasattr(os, "O_DIRECTORY"):
        try:
            dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


# What reading a damaged archive raises: zipfile (BadZipFile, NotImplementedError
# for a garbled compression field, struct.error), zlib, numpy's format parser
# (ValueError, EOFError) and the OS.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError, KeyError, RuntimeError, pickle.UnpicklingError)


def _read_npz(path: Path) -> dict:
    """All arrays of an ``.npz`` file; :class:`CheckpointError` when it cannot be read.

    Every entry's CRC-32 (stored by the zip format) is verified first: NumPy
    reads exactly the bytes an array needs and would not notice a flipped byte.
    """
    try:
        archive = np.load(path, allow_pickle=False)
    except _READ_ERRORS as exc:
        raise CheckpointError(f"damaged checkpoint {path}: not a readable .npz archive ({type(exc).__name__}: {exc})") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise CheckpointError(f"damaged checkpoint {path}: not an .npz archive (it holds a single array)")
    try:
        with archive:
            bad = archive.zip.testzip()
            if bad is not None:
                raise CheckpointError(f"damaged checkpoint {path}: entry {bad!r} fails its CRC-32 check")
            return {key: archive[key] for key in archive.files}
    except _READ_ERRORS as exc:
        if isinstance(exc, CheckpointError):
            raise
        raise CheckpointError(f"damaged checkpoint {path}: an entry cannot be read ({type(exc).__name__}: {exc})") from exc


class SampleMonitor(keras.callbacks.Callback):
    """Record generated samples from a fixed latent batch at chosen epochs.

    Parameters
    ----------
    latent : np.ndarray [shape=(n, latent_dim)]
        The fixed latent batch (e.g. from :func:`sample_latent`): the same z
        at every snapshot, so the plots show how G moves the same points.
    epochs : iterable of int or None, keyword-only
        Epoch numbers to record (1 = after the first epoch; 0 = before
        training starts). None records every epoch and epoch 0.
    grid : np.ndarray [shape=(m, data_dim)] or None, keyword-only
        Points at which to record the discriminator's logits as well (for
        1-D data: an evenly spaced axis).

    Raises
    ------
    ValueError
        If ``latent`` or ``grid`` is not a real, finite 2-D array, or
        ``epochs`` is not None or an iterable of non-negative integers.

    Attributes
    ----------
    samples : dict[int, np.ndarray]
        Epoch -> generated samples, shape ``(n, ...)``.
    logits : dict[int, np.ndarray]
        Epoch -> discriminator logits on ``grid``, shape ``(m,)`` (empty without a grid).

    Chapter: 08_toy_gans
    """

    def __init__(self, latent, *, epochs=None, grid=None):
        super().__init__()
        self.latent = _check_real_array("latent", latent, min_ndim=2).astype(np.float32)
        if epochs is None:
            self.epochs = None
        else:
            if isinstance(epochs, (str, bytes)) or not hasattr(epochs, "__iter__"):
                raise ValueError(f"epochs={epochs!r} must be an iterable of non-negative integers or None")
            self.epochs = {check_nonnegative_int("epochs", e) for e in epochs}
        self.grid = None if grid is None else _check_real_array("grid", grid, min_ndim=2).astype(np.float32)
        self.samples = {}
        self.logits = {}

    def _wants(self, epoch):
        return self.epochs is None or epoch in self.epochs

    def _record(self, epoch):
        self.samples[epoch] = self.model.generate(latent=self.latent)
        if self.grid is not None:
            self.logits[epoch] = self.model.discriminate(self.grid)

    def on_train_begin(self, logs=None):
        if self._wants(0) and 0 not in self.samples:
            self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        if self._wants(epoch + 1):
            self._record(epoch + 1)


class CollapseDetector(keras.callbacks.Callback):
    """Detect mode collapse: generated samples far less diverse than the real ones.

    After every epoch it generates from a fixed latent batch, scores the
    samples with ``score_fn`` and divides by the score of the real
    ``reference`` data. A ratio below ``threshold`` counts as collapse: the
    epoch is recorded, a :class:`ModeCollapseWarning` is issued (once per
    ``fit``) and, with ``stop_training=True``, training stops.

    Parameters
    ----------
    reference : np.ndarray [shape=(n_real, ...)]
        Real samples (at least two; real and finite).
    n_samples : int, keyword-only
        Size of the fixed latent batch, in [2, :data:`MAX_COLLAPSE_SAMPLES`]
        = [2, 65536]; the default score uses a random 512 of them.
    threshold : float, keyword-only
        Collapse when ``score(fake) / score(real) < threshold``, in (0, 1].
        With the default score, 0.25 flags a ring of 8 modes squeezed onto
        one mode (ratio ≈ 0.01) but not onto two opposite ones (ratio ≈ 0.8):
        pass a mode-counting ``score_fn`` to catch partial collapse.
    score_fn : callable or None, keyword-only
        ``samples -> float``, higher = more diverse. Default:
        :func:`mean_pairwise_distance`.
    warmup_epochs : int, keyword-only
        Record but never flag the first ``warmup_epochs`` epochs: an untrained
        generator maps all noise near one point, which is not collapse yet.
    stop_training : bool, keyword-only
        Stop ``fit`` at the first collapsed epoch.
    seed : int, keyword-only
        Seed of the latent batch, in [0, 2**32 - 1].

    Raises
    ------
    ValueError
        If a setting is outside its range, ``stop_training`` is not a bool,
        ``reference`` is not a real, finite array or its score is not positive.

    Attributes
    ----------
    ratios : dict[int, float]
        Epoch (1-based) -> diversity ratio.
    collapsed_epochs : list of int
        Epochs whose ratio fell below the threshold.

    Chapter: 08_toy_gans
    """

    def __init__(self, reference, *, n_samples=512, threshold=0.25, score_fn=None, warmup_epochs=0, stop_training=False, seed=0):
        super().__init__()
        reference = _check_real_array("reference", reference)
        self.n_samples = check_positive_int("n_samples", n_samples)
        if not 2 <= self.n_samples <= MAX_COLLAPSE_SAMPLES:
            raise ValueError(f"n_samples={n_samples!r} must be an integer in [2, {MAX_COLLAPSE_SAMPLES}]")
        self.threshold = check_positive("threshold", threshold)
        if self.threshold > 1:
            raise ValueError(f"threshold={threshold!r} must be a number in (0, 1]")
        if score_fn is not None and not callable(score_fn):
            raise ValueError(f"score_fn={score_fn!r} must be callable or None")
        self.score_fn = mean_pairwise_distance if score_fn is None else score_fn
        self.warmup_epochs = check_nonnegative_int("warmup_epochs", warmup_epochs)
        self.stop_training = _check_bool("stop_training", stop_training)
        self.seed = _check_seed("seed", seed)
        self.reference_score = float(self.score_fn(reference))
        if not math.isfinite(self.reference_score) or self.reference_score <= 0:
            raise ValueError(f"reference must have a positive diversity score, got {self.reference_score}")
        self.ratios = {}
        self.collapsed_epochs = []
        self._latent = None
        self._warned = False

    @property
    def collapsed(self) -> bool:
        """True when some epoch so far fell below the threshold."""
        return bool(self.collapsed_epochs)

    @property
    def first_collapse_epoch(self):
        """The first collapsed epoch, or None."""
        return self.collapsed_epochs[0] if self.collapsed_epochs else None

    def on_train_begin(self, logs=None):
        self._warned = False
        if self._latent is None:
            self._latent = sample_latent(self.n_samples, self.model.latent_dim, seed=self.seed)

    def on_epoch_end(self, epoch, logs=None):
        fake = self.model.generate(latent=self._latent)
        if not np.all(np.isfinite(fake)):
            return  # NaNGuard / TerminateOnNaN report divergence; it is not collapse.
        ratio = float(self.score_fn(fake)) / self.reference_score
        self.ratios[epoch + 1] = ratio
        if ratio < self.threshold and epoch + 1 > self.warmup_epochs:
            self.collapsed_epochs.append(epoch + 1)
            if not self._warned:
                warnings.warn(
                    f"mode collapse at epoch {epoch + 1}: generated diversity is {ratio:.3f} of the real data's "
                    f"(threshold {self.threshold})",
                    ModeCollapseWarning,
                    stacklevel=2,
                )
                self._warned = True
            if self.stop_training:
                self.model.stop_training = True


class NaNGuard(keras.callbacks.Callback):
    """Stop training with a clear error as soon as a logged loss is NaN or infinite.

    Parameters
    ----------
    raise_error : bool, keyword-only
        True: raise :class:`TrainingDivergedError` (``fit`` ends with that
        message). False: set ``model.stop_training`` and keep the message in
        :attr:`message`, like ``keras.callbacks.TerminateOnNaN`` but saying
        which loss and when.

    Raises
    ------
    ValueError
        If ``raise_error`` is not True or False.

    Attributes
    ----------
    message : str or None
        What went wrong, or None while training is healthy.

    Chapter: 08_toy_gans
    """

    def __init__(self, *, raise_error=True):
        super().__init__()
        self.raise_error = _check_bool("raise_error", raise_error)
        self.message = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = _non_finite_logs(logs)
        if not bad:
            return
        found = ", ".join(f"{k}={v}" for k, v in bad.items())
        self.message = (
            f"GAN training diverged in epoch {self._epoch + 1}, batch {batch + 1}: {found}. "
            "Check the training data for NaN/inf values, then try lower learning rates, "
            "a gradient penalty or a bounded loss."
        )
        self.model.stop_training = True
        if self.raise_error:
            raise TrainingDivergedError(self.message)


class GANCheckpoint(keras.callbacks.Callback):
    """Save a resumable :meth:`GAN.save_state` checkpoint every few epochs.

    A diverged state is never saved: when the epoch's logged losses or the
    weights hold NaN or inf values (e.g. after ``NaNGuard(raise_error=False)``
    stopped training), the save is skipped with a
    :class:`CheckpointSkippedWarning` and the last good checkpoint stays.

    Parameters
    ----------
    path : str or Path
        Checkpoint file (overwritten each time, atomically).
    every : int, keyword-only
        Save after every ``every``-th epoch (and never in between).

    Raises
    ------
    ValueError
        If ``every`` is not a positive integer.

    Attributes
    ----------
    last_saved_epoch : int or None
    skipped_epochs : list of int
        Epochs whose save was skipped because the state had diverged.

    Chapter: 08_toy_gans

    Examples
    --------
    Resume later with the same code that built and compiled the GAN::

        epoch = gan.load_state(path)
        gan.fit(x, epochs=total, initial_epoch=epoch, callbacks=[GANCheckpoint(path)])
    """

    def __init__(self, path, *, every=1):
        super().__init__()
        self.path = Path(path)
        self.every = check_positive_int("every", every)
        self.last_saved_epoch = None
        self.skipped_epochs = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every != 0:
            return
        bad = _non_finite_logs(logs)
        if bad:
            found = ", ".join(f"{k}={v}" for k, v in bad.items())
            reason = f"not saving {self.path}: the logged losses are not finite ({found}), so training has diverged"
        else:
            try:
                self.model.save_state(self.path, epoch=epoch + 1)
            except TrainingDivergedError as exc:
                reason = str(exc)
            else:
                self.last_saved_epoch = epoch + 1
                return
        self.skipped_epochs.append(epoch + 1)
        kept = (
            f"the checkpoint of epoch {self.last_saved_epoch} is kept"
            if self.last_saved_epoch is not None
            else "an existing file there is left as it was"
        )
        warnings.warn(
            f"GANCheckpoint skipped epoch {epoch + 1}: {reason}; {kept}",
            CheckpointSkippedWarning,
            stacklevel=2,
        )
