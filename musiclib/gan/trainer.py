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
  exactly where training stopped.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
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
from .losses import LOSS_KINDS, discriminator_loss, generator_loss, gradient_penalty

__all__ = [
    "GAN",
    "SampleMonitor",
    "CollapseDetector",
    "NaNGuard",
    "GANCheckpoint",
    "TrainingDivergedError",
    "ModeCollapseWarning",
    "sample_latent",
    "mean_pairwise_distance",
]


class TrainingDivergedError(RuntimeError):
    """Raised by :class:`NaNGuard` when a training loss becomes NaN or infinite."""


class ModeCollapseWarning(UserWarning):
    """Warned by :class:`CollapseDetector` when generated samples lose their diversity."""


def sample_latent(n, latent_dim, *, seed=0) -> np.ndarray:
    """Draw ``n`` standard-normal latent vectors with NumPy.

    Used for fixed latent batches (monitoring, plots, evaluation). It does
    not touch the training noise of :class:`GAN`, so sampling for a plot
    never changes what training does next.

    Parameters
    ----------
    n : int
        Number of vectors.
    latent_dim : int
        Size of each vector.
    seed : int, keyword-only
        Seed of ``np.random.default_rng``; equal seeds give equal batches.

    Returns
    -------
    np.ndarray [shape=(n, latent_dim), dtype=float32]

    Raises
    ------
    ValueError
        If ``n`` or ``latent_dim`` is not a positive integer or ``seed`` is negative.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> sample_latent(3, 2, seed=0).shape
    (3, 2)
    """
    n = check_positive_int("n", n)
    latent_dim = check_positive_int("latent_dim", latent_dim)
    seed = check_nonnegative_int("seed", seed)
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def mean_pairwise_distance(samples, *, max_samples=512, seed=0) -> float:
    """Mean Euclidean distance between two different samples of a batch.

    A simple diversity score: it falls towards zero when a generator maps
    every latent vector to (nearly) the same output, i.e. mode collapse.

    Parameters
    ----------
    samples : np.ndarray [shape=(n, ...)]
        At least two samples; axes after the first are flattened.
    max_samples : int, keyword-only
        Use a random subset of this many samples (the cost grows as n²).
    seed : int, keyword-only
        Seed of the subset choice.

    Returns
    -------
    float
        Mean of ``‖x_i - x_j‖`` over pairs i ≠ j.

    Raises
    ------
    ValueError
        If there are fewer than two samples or they are not finite.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> mean_pairwise_distance(np.array([[0.0, 0.0], [3.0, 4.0]]))
    5.0
    """
    x = check_finite_array("samples", samples)
    max_samples = check_positive_int("max_samples", max_samples)
    seed = check_nonnegative_int("seed", seed)
    x = x.reshape(len(x), -1).astype(np.float64)
    if len(x) < 2:
        raise ValueError(f"samples must hold at least 2 samples, got {len(x)}")
    if len(x) > max_samples:
        x = x[np.random.default_rng(seed).choice(len(x), size=max(max_samples, 2), replace=False)]
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
    discriminator : keras.Model
        Maps a batch of samples to one logit each (no sigmoid), e.g. from
        :func:`musiclib.gan.models.build_mlp_discriminator`.
    latent_dim : int or None, keyword-only
        Size of the noise vector; read from the generator's input when None.
    seed : int, keyword-only
        Seed of the ``keras.random.SeedGenerator`` that draws the training
        noise (and the gradient-penalty mixing weights). With equal seeds,
        equal initial weights and unshuffled (or equally shuffled) data, two
        runs give the same weights.

    Attributes
    ----------
    generator, discriminator : keras.Model
    latent_dim : int
    seed_generator : keras.random.SeedGenerator
    loss_kind, gp_weight, d_steps
        Set by :meth:`compile`.

    Raises
    ------
    ValueError
        If a network is not a ``keras.Model``, ``latent_dim`` cannot be read
        or is not a positive integer, or ``seed`` is negative.

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
    2. Draw a fresh z, compute ``generator_loss(D(G(z)))`` under a second tape
       and update G only (D's weights receive no update from this step).

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
        if latent_dim is None:
            try:
                latent_dim = generator.input_shape[-1]
            except (AttributeError, ValueError):
                latent_dim = None
            if latent_dim is None:
                raise ValueError("latent_dim=None: the generator's input size is unknown, pass latent_dim")
        self.latent_dim = check_positive_int("latent_dim", latent_dim)
        self.seed = check_nonnegative_int("seed", seed)
        self.generator = generator
        self.discriminator = discriminator
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.loss_kind = "nonsaturating"
        self.gp_weight = 0.0
        self.d_steps = 1
        self.d_optimizer = None
        self.g_optimizer = None
        self._trackers = []

    def compile(self, d_optimizer, g_optimizer, *, loss_kind="nonsaturating", gp_weight=0.0, d_steps=1, **kwargs):
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
            in the WGAN papers (5 there; 1 for the other losses).
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

    @property
    def metrics(self):
        # Listed here so that Keras resets them at the start of every epoch.
        return list(self._trackers)

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def train_step(self, data):
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(d_optimizer, g_optimizer, ...) must be called before fit")
        real = data[0] if isinstance(data, (tuple, list)) else data
        real = tf.cast(real, self.discriminator.compute_dtype)
        batch_size = tf.shape(real)[0]
        d_vars = self.discriminator.trainable_weights
        g_vars = self.generator.trainable_weights

        for _ in range(self.d_steps):
            # G(z) outside the tape: this update must not reach G's weights.
            fake = self.generator(self._noise(batch_size), training=True)
            with tf.GradientTape() as d_tape:
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = discriminator_loss(real_logits, fake_logits, kind=self.loss_kind)
                d_total = d_loss
                if self.gp_weight > 0:
                    gp = gradient_penalty(self.discriminator, real, fake, weight=self.gp_weight, seed=self.seed_generator)
                    d_total = d_loss + gp
            d_grads = d_tape.gradient(d_total, d_vars)
            self.d_optimizer.apply_gradients(zip(d_grads, d_vars))

        with tf.GradientTape() as g_tape:
            fake_logits = self.discriminator(self.generator(self._noise(batch_size), training=True), training=True)
            g_loss = generator_loss(fake_logits, kind=self.loss_kind)
        g_grads = g_tape.gradient(g_loss, g_vars)
        self.g_optimizer.apply_gradients(zip(g_grads, g_vars))

        self.loss_tracker.update_state(d_total + g_loss)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        if self.gp_weight > 0:
            self.gp_tracker.update_state(gp)
        return {m.name: m.result() for m in self._trackers}

    def _infer(self, which, x):
        # A compiled inference call: eager Keras calls cost milliseconds per
        # layer, which dominates when callbacks sample after every epoch.
        fns = self.__dict__.setdefault("_infer_fns", {})
        if which not in fns:
            net = getattr(self, which)
            fns[which] = tf.function(lambda t: net(t, training=False), reduce_retracing=True)
        return fns[which](tf.convert_to_tensor(x))

    def generate(self, n=None, *, latent=None, seed=0, batch_size=4096) -> np.ndarray:
        """Generate samples as a NumPy array (inference mode).

        Parameters
        ----------
        n : int or None
            Number of samples, drawn with :func:`sample_latent` (``seed``).
            Leave None when passing ``latent``.
        latent : np.ndarray [shape=(n, latent_dim)] or None, keyword-only
            Fixed latent vectors to map instead (e.g. the same batch at every epoch).
        seed : int, keyword-only
            Seed of the latent draw when ``latent`` is None.
        batch_size : int, keyword-only
            Samples per generator call (bounds memory).

        Returns
        -------
        np.ndarray [shape=(n, ...) as the generator's output, dtype=float32]

        Raises
        ------
        ValueError
            If neither or both of ``n`` and ``latent`` are given, or ``latent``
            has the wrong width or is not finite.
        """
        if (n is None) == (latent is None):
            raise ValueError("pass exactly one of n (a count) and latent (an array)")
        if latent is None:
            latent = sample_latent(n, self.latent_dim, seed=seed)
        latent = check_finite_array("latent", latent, min_ndim=2).astype(np.float32)
        if latent.shape[-1] != self.latent_dim:
            raise ValueError(f"latent must have shape (n, {self.latent_dim}), got {latent.shape}")
        batch_size = check_positive_int("batch_size", batch_size)
        parts = [keras.ops.convert_to_numpy(self._infer("generator", latent[i : i + batch_size])) for i in range(0, len(latent), batch_size)]
        return np.concatenate(parts).astype(np.float32)

    def discriminate(self, x, *, batch_size=4096) -> np.ndarray:
        """Return the discriminator's logits on samples ``x`` as a flat NumPy array.

        Parameters
        ----------
        x : np.ndarray [shape=(n, ...) as the data]
            Samples (real, generated or a grid of points to map D over).
        batch_size : int, keyword-only
            Samples per discriminator call.

        Returns
        -------
        np.ndarray [shape=(n,), dtype=float32]
            Logits; ``sigmoid(logit)`` is D's probability that x is real for
            the minimax and non-saturating losses.
        """
        x = check_finite_array("x", x).astype(np.float32)
        batch_size = check_positive_int("batch_size", batch_size)
        parts = [keras.ops.convert_to_numpy(self._infer("discriminator", x[i : i + batch_size])) for i in range(0, len(x), batch_size)]
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

    def save_state(self, path, *, epoch) -> Path:
        """Save everything needed to resume training to one ``.npz`` file.

        Stores the generator and discriminator weights, both optimizers'
        state (step counter, moments), the training-noise generator's state
        and ``epoch``. The file is written to a temporary name first and then
        renamed, so an interrupted save never leaves a half-written checkpoint.

        Parameters
        ----------
        path : str or Path
            Destination file (``.npz`` is appended when missing).
        epoch : int, keyword-only
            Number of epochs completed; :meth:`load_state` returns it, to pass
            as ``fit(initial_epoch=...)``.

        Returns
        -------
        Path
            The file written.

        Raises
        ------
        ValueError
            If ``epoch`` is negative or the model is not compiled.
        """
        epoch = check_nonnegative_int("epoch", epoch)
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(...) must be called before save_state (optimizer state is saved too)")
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"epoch": np.array(epoch), "loss_kind": np.array(self.loss_kind)}
        for group, variables in self._state_groups().items():
            for i, var in enumerate(variables):
                arrays[f"{group}/{i}"] = np.asarray(var.numpy())
        fd, tmp = tempfile.mkstemp(suffix=".npz", dir=path.parent)
        os.close(fd)
        try:
            np.savez(tmp, **arrays)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        return path

    def load_state(self, path) -> int:
        """Restore a state saved by :meth:`save_state` and return its epoch.

        The GAN must be built and compiled exactly as the saved one (same
        architectures, optimizer types and loss kind).

        Parameters
        ----------
        path : str or Path
            A file written by :meth:`save_state`.

        Returns
        -------
        int
            Epochs completed when the state was saved; continue with
            ``gan.fit(x, epochs=total, initial_epoch=epoch)``.

        Raises
        ------
        ValueError
            If the model is not compiled, the file is missing, or it does not
            match this GAN (loss kind, number or shapes of variables).
        """
        if self.d_optimizer is None:
            raise ValueError("GAN.compile(...) must be called before load_state")
        path = Path(path)
        if not path.exists() and path.with_name(path.name + ".npz").exists():
            path = path.with_name(path.name + ".npz")
        if not path.is_file():
            raise ValueError(f"path={str(path)!r} is not a checkpoint file")
        with np.load(path) as data:
            saved_kind = str(data["loss_kind"])
            if saved_kind != self.loss_kind:
                raise ValueError(f"checkpoint was trained with loss_kind={saved_kind!r}, this GAN uses {self.loss_kind!r}")
            groups = self._state_groups()
            for group, variables in groups.items():
                n_saved = sum(1 for key in data.files if key.startswith(group + "/"))
                if n_saved != len(variables):
                    raise ValueError(f"checkpoint holds {n_saved} {group} variables, this GAN has {len(variables)}")
                for i, var in enumerate(variables):
                    value = data[f"{group}/{i}"]
                    if tuple(value.shape) != tuple(var.shape):
                        raise ValueError(f"checkpoint {group} variable {i} has shape {value.shape}, expected {tuple(var.shape)}")
            for group, variables in groups.items():
                for i, var in enumerate(variables):
                    var.assign(data[f"{group}/{i}"])
            return int(data["epoch"])


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
        self.latent = check_finite_array("latent", latent, min_ndim=2).astype(np.float32)
        if epochs is None:
            self.epochs = None
        else:
            self.epochs = {check_nonnegative_int("epochs", e) for e in epochs}
        self.grid = None if grid is None else check_finite_array("grid", grid, min_ndim=2).astype(np.float32)
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
        Real samples (at least two).
    n_samples : int, keyword-only
        Size of the fixed latent batch.
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
        Seed of the latent batch.

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
        reference = check_finite_array("reference", reference)
        self.n_samples = check_positive_int("n_samples", n_samples)
        self.threshold = check_positive("threshold", threshold)
        if self.threshold > 1:
            raise ValueError(f"threshold={threshold!r} must be a number in (0, 1]")
        if score_fn is not None and not callable(score_fn):
            raise ValueError(f"score_fn={score_fn!r} must be callable or None")
        self.score_fn = mean_pairwise_distance if score_fn is None else score_fn
        self.warmup_epochs = check_nonnegative_int("warmup_epochs", warmup_epochs)
        self.stop_training = bool(stop_training)
        self.seed = check_nonnegative_int("seed", seed)
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

    Attributes
    ----------
    message : str or None
        What went wrong, or None while training is healthy.

    Chapter: 08_toy_gans
    """

    def __init__(self, *, raise_error=True):
        super().__init__()
        self.raise_error = bool(raise_error)
        self.message = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {}
        for name, value in (logs or {}).items():
            value = np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
            if not np.all(np.isfinite(value)):
                bad[name] = float(value.reshape(-1)[0])
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

    Parameters
    ----------
    path : str or Path
        Checkpoint file (overwritten each time, atomically).
    every : int, keyword-only
        Save after every ``every``-th epoch (and never in between).

    Attributes
    ----------
    last_saved_epoch : int or None

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

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.model.save_state(self.path, epoch=epoch + 1)
            self.last_saved_epoch = epoch + 1
