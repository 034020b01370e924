"""One training driver for every GAN of the course: configs, checkpoints that resume exactly, a music monitor.

Chapters: 09_training_a_music_gan (taught there; ``python -m musiclib train`` runs it), 08 and 11 reuse it
(chapter 11 trains the timbre GAN with ``make_config(task="timbre")``, ``python -m musiclib train --task timbre``).

A run is described by a **config**, a plain JSON-able dict (:func:`make_config`): which builders make G and D
and with which arguments, the latent size, the loss and its settings, the optimizers, the batch, the epochs, the
seed and the data. :func:`train` trains a :class:`~musiclib.gan.trainer.GAN` on an array and writes into one run
folder:

=================== ===================================================================================
file                what
=================== ===================================================================================
``run.json``        the config plus the musiclib version: marks the folder as a musiclib run
``checkpoint.npz``  weights, optimizer and noise state, epoch and step, and the config: resumes exactly and
                    rebuilds the model alone (:func:`load_run`); written atomically, never from a NaN state
``log.csv``         one row per epoch: losses, seconds, the monitor's music statistics
``samples/``        a fixed latent batch, one PNG per monitored epoch (piano rolls or log-mel patches)
``generator.keras`` the trained generator, loadable in Keras safe mode
=================== ===================================================================================

Exact resume: the data order of epoch ``e`` is a permutation drawn from ``(seed, e)``, so a resumed run sees the
batches an uninterrupted run would have seen, and the checkpoint holds the step inside the epoch. Checkpoints are
written every ``checkpoint_every`` steps and at the end of every epoch; a run killed at any moment (even while
writing) resumes from the last complete checkpoint and ends with the same weights as a run never interrupted.

Several devices or machines: pass ``strategy="mirrored"`` (all GPUs of this machine) or ``"multiworker"`` (the
machines listed in the ``TF_CONFIG`` environment variable); models and optimizers are built in the strategy's
scope and ``batch_size`` is per replica.
"""

from __future__ import annotations

import copy
import csv
import json
import math
import os
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .. import __version__
from .._validation import check_choice, check_finite_array, check_in_range, check_positive_int
from ..data.timbres import TIMBRE_N_LABELS
from . import models as _models
from .losses import expected_parallel_motion
from . import timbre as _timbre
from .trainer import GAN, CheckpointError, NaNGuard, _check_seed, check_labels, sample_latent

__all__ = [
    "BUILDERS",
    "LOSS_PRESETS",
    "CONFIG_PRESETS",
    "TIMBRE_PRESETS",
    "TASKS",
    "STRATEGIES",
    "RunFolderError",
    "make_config",
    "build_gan",
    "parallel_penalty",
    "ParallelPenalty",
    "get_strategy",
    "chorale_training_data",
    "training_data",
    "training_labels",
    "MusicMonitor",
    "train",
    "load_run",
    "generate_rolls",
]

#: Builders a config may name, so a checkpoint can rebuild its networks from their names and arguments.
BUILDERS = {
    "conv_generator": _models.build_conv_generator,
    "conv_discriminator": _models.build_conv_discriminator,
    "mlp_generator": _models.build_mlp_generator,
    "mlp_discriminator": _models.build_mlp_discriminator,
    "timbre_generator": _timbre.build_timbre_generator,
    "timbre_discriminator": _timbre.build_timbre_discriminator,
}

#: Loss recipes: the loss kind of :mod:`musiclib.gan.losses` with the settings its paper recommends.
LOSS_PRESETS = {
    # Gulrajani et al. (2017): λ = 10, 5 critic steps, Adam(1e-4, β1 = 0.5, β2 = 0.9), no batch norm in the critic.
    "wgan-gp": {"loss_kind": "wasserstein", "gp_weight": 10.0, "d_steps": 5, "learning_rate": 1e-4, "beta_1": 0.5, "beta_2": 0.9},
    # Radford et al. (2016), DCGAN: Adam(2e-4, β1 = 0.5).
    "nonsaturating": {"loss_kind": "nonsaturating", "gp_weight": 0.0, "d_steps": 1, "learning_rate": 2e-4, "beta_1": 0.5, "beta_2": 0.999},
    "hinge": {"loss_kind": "hinge", "gp_weight": 0.0, "d_steps": 1, "learning_rate": 2e-4, "beta_1": 0.5, "beta_2": 0.999},
    "least_squares": {"loss_kind": "least_squares", "gp_weight": 0.0, "d_steps": 1, "learning_rate": 2e-4, "beta_1": 0.5, "beta_2": 0.999},
}

#: Sizes of the chorale GAN: "full" is what the shipped model was trained with, "quick" runs in a minute (CI).
#: Both use the generator's pitch contour and the critic's harmonic intervals (models.ContourLogits,
#: models.HarmonicIntervals), which chapter 10's scorecard asked for. The 32 epochs are where a longer run of the same
#: config scored best on that scorecard (data/pretrained/chorale_gan/README.md has the snapshots).
CONFIG_PRESETS = {
    "full": {"epochs": 32, "batch_size": 64, "limit": None, "g_width": 128, "d_width": 64},
    "quick": {"epochs": 2, "batch_size": 32, "limit": 24, "g_width": 32, "d_width": 16},
}

#: Sizes of the timbre GAN (chapter 11): "full" trained the shipped model in data/pretrained/timbre_gan, "quick" a CI run.
#: "envelope_dct": the generator's source-filter split (timbre.build_timbre_generator), which put the asked pitch right.
#: The 24 epochs stop where, in a longer run of the same config, the pitch of generated notes began to fall while the
#: Fréchet distance went on falling (data/pretrained/timbre_gan/README.md has the runs).
TIMBRE_PRESETS = {
    "full": {"epochs": 24, "batch_size": 64, "n_notes": 4000, "g_width": 256, "d_width": 128, "rank": 8, "envelope_dct": 16},
    "quick": {"epochs": 2, "batch_size": 32, "n_notes": 800, "g_width": 64, "d_width": 32, "rank": 8, "envelope_dct": 16},
}

#: How a config's generator starts, besides its builder's random weights: None (nothing more), or "label_spectra"
#: (a conditional timbre generator starts at its labels' least-squares spectra, timbre.start_at_label_spectra).
GENERATOR_INITS = (None, "label_spectra")

#: What a config trains on: the chorales' four-voice rolls (chapter 09) or the timbres' log-mel patches (chapter 11).
TASKS = ("chorales", "timbre")

STRATEGIES = ("default", "mirrored", "multiworker")

_CONFIG_KEYS = {
    "generator", "discriminator", "latent_dim", "loss", "loss_kind", "gp_weight", "d_steps", "learning_rate",
    "beta_1", "beta_2", "batch_size", "epochs", "seed", "checkpoint_every", "steps_per_execution", "data",
}
#: Keys a config may leave out (runs saved before they existed), with the value that means "as before".
_OPTIONAL_KEYS = {"parallel_weight": 0.0, "parallel_from_epoch": 0}


class RunFolderError(ValueError):
    """The output folder cannot take this run (someone else's files, or a finished run without ``resume``)."""


def make_config(preset="full", *, task="chorales", loss="wgan-gp", epochs=None, seed=0, **overrides) -> dict:
    """A complete, JSON-able config for the chorale GAN or the timbre GAN.

    Chapter: 09_training_a_music_gan (``task="timbre"``: 11_audio_gan_on_features)

    Parameters
    ----------
    preset : {"full", "quick"}
        Sizes from :data:`CONFIG_PRESETS` (chorales) or :data:`TIMBRE_PRESETS` (timbre).
    task : {"chorales", "timbre"}
        ``"chorales"``: the four-voice piano-roll GAN (``data.load_pianorolls``); ``"timbre"``: the log-mel patch GAN
        of instrument notes (``data.load_timbres``, :mod:`musiclib.gan.timbre`).
    loss : str
        A recipe of :data:`LOSS_PRESETS` ("wgan-gp", "nonsaturating", "hinge", "least_squares").
    epochs : int or None
        Overrides the preset's epochs.
    seed : int
        Seeds the weights, the noise and the data order, in [0, 2**32 - 1].
    **overrides
        Any top-level config key (e.g. ``batch_size=32``, ``checkpoint_every=50``, ``learning_rate=5e-5``).

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        If ``preset`` or ``loss`` is unknown or an override names no config key.

    Examples
    --------
    >>> config = make_config("quick", loss="nonsaturating")
    >>> config["loss_kind"], config["d_steps"], config["data"]["voices"]
    ('nonsaturating', 1, 'separate')
    >>> make_config("quick", task="timbre")["data"]["dataset"]
    'timbres'
    """
    check_choice("preset", preset, tuple(CONFIG_PRESETS))
    check_choice("task", task, TASKS)
    check_choice("loss", loss, tuple(LOSS_PRESETS))
    seed = _check_seed("seed", seed)
    unknown = sorted(set(overrides) - _CONFIG_KEYS - set(_OPTIONAL_KEYS))
    if unknown:
        raise ValueError(f"unknown config key(s) {unknown}; allowed: {sorted(_CONFIG_KEYS | set(_OPTIONAL_KEYS))}")
    if task == "timbre":
        return _timbre_config(preset, loss, epochs, seed, overrides)
    sizes = CONFIG_PRESETS[preset]
    config = {
        "generator": {"builder": "conv_generator",
                      "kwargs": {"width": sizes["g_width"], "norm": "layer", "contour": True, "seed": seed}},
        "discriminator": {"builder": "conv_discriminator",
                          "kwargs": {"width": sizes["d_width"], "norm": "layer", "intervals": True, "seed": seed + 1}},
        "latent_dim": 64,
        "loss": loss,
        **LOSS_PRESETS[loss],
        "batch_size": sizes["batch_size"],
        "epochs": sizes["epochs"] if epochs is None else epochs,
        "seed": seed,
        "checkpoint_every": 200,
        "steps_per_execution": 1,
        "data": {
            "dataset": "chorales", "split": "train", "voices": "separate", "steps_per_beat": 4, "bars": 4,
            "hop_bars": 1, "transpose": "normalize", "augment_semitones": 0, "limit": sizes["limit"], "seed": 0,
        },
    }
    config.update(copy.deepcopy(overrides))
    return _check_config(config)


def _timbre_config(preset, loss, epochs, seed, overrides) -> dict:
    sizes = TIMBRE_PRESETS[preset]
    config = {
        # Conditional on family and pitch (data.timbre_labels, 29 values): training_labels gives them.
        # "init": train() starts the generator at the labels' least-squares spectra (timbre.start_at_label_spectra).
        "generator": {"builder": "timbre_generator", "kwargs": {"width": sizes["g_width"], "rank": sizes["rank"],
                                                                "n_labels": TIMBRE_N_LABELS, "envelope_dct": sizes["envelope_dct"],
                                                                "norm": "layer", "seed": seed},
                      "init": "label_spectra"},
        "discriminator": {"builder": "timbre_discriminator", "kwargs": {"width": sizes["d_width"], "n_labels": TIMBRE_N_LABELS,
                                                                        "norm": "layer", "seed": seed + 1}},
        "latent_dim": 64,
        "loss": loss,
        **LOSS_PRESETS[loss],
        "batch_size": sizes["batch_size"],
        "epochs": sizes["epochs"] if epochs is None else epochs,
        "seed": seed,
        "checkpoint_every": 200,
        "steps_per_execution": 1,
        "data": {"dataset": "timbres", "split": "train", "n_notes": sizes["n_notes"], "seed": 0},
    }
    config.update(copy.deepcopy(overrides))
    return _check_config(config)


def _check_config(config) -> dict:
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict, got {type(config).__name__}")
    missing = sorted(_CONFIG_KEYS - set(config))
    if missing:
        raise ValueError(f"config is missing key(s) {missing}")
    for net in ("generator", "discriminator"):
        spec = config[net]
        if not isinstance(spec, dict) or spec.get("builder") not in BUILDERS or not isinstance(spec.get("kwargs"), dict):
            raise ValueError(f"config[{net!r}] must be {{'builder': one of {sorted(BUILDERS)}, 'kwargs': {{...}}}}, got {spec!r}")
    init = config["generator"].get("init")
    if init not in GENERATOR_INITS:
        raise ValueError(f"config['generator']['init'] must be one of {GENERATOR_INITS} (or absent), got {init!r}")
    if init == "label_spectra" and (config["generator"]["builder"] != "timbre_generator"
                                    or not config["generator"]["kwargs"].get("n_labels")):
        raise ValueError("config['generator']['init'] = 'label_spectra' needs a conditional timbre_generator (n_labels > 0)")
    check_positive_int("latent_dim", config["latent_dim"], maximum=4096)
    check_positive_int("batch_size", config["batch_size"], maximum=65536)
    check_in_range("epochs", config["epochs"], 0, 100_000, integer=True)
    _check_seed("seed", config["seed"])
    check_positive_int("checkpoint_every", config["checkpoint_every"])
    check_positive_int("steps_per_execution", config["steps_per_execution"], maximum=10_000)
    if config["checkpoint_every"] % config["steps_per_execution"]:
        raise ValueError(
            f"checkpoint_every={config['checkpoint_every']} must be a multiple of "
            f"steps_per_execution={config['steps_per_execution']} (state exists only between executions)"
        )
    for key in ("learning_rate", "beta_1", "beta_2"):
        check_in_range(key, config[key], 0.0, 1.0)
    check_in_range("parallel_from_epoch", config.get("parallel_from_epoch", 0), 0, 100_000, integer=True)
    if check_in_range("parallel_weight", config.get("parallel_weight", 0.0), 0.0, 10_000.0) > 0 \
            and config["generator"]["builder"] != "conv_generator":
        raise ValueError("config['parallel_weight'] > 0 needs the chorale generator (builder 'conv_generator'), "
                         f"got {config['generator']['builder']!r}")
    if not isinstance(config["data"], dict):
        raise ValueError(f"config['data'] must be a dict, got {config['data']!r}")
    json.dumps(config)  # must be JSON-able: it travels in every checkpoint
    return config


def get_strategy(strategy=None):
    """The ``tf.distribute`` strategy for a name, or the strategy itself.

    Parameters
    ----------
    strategy : {None, "default", "mirrored", "multiworker"} or tf.distribute.Strategy
        None/"default": this process's default (one device); "mirrored": every GPU of this machine (one CPU
        replica where there is none); "multiworker": the cluster described by the ``TF_CONFIG`` environment
        variable.

    Returns
    -------
    tf.distribute.Strategy
    """
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy
    check_choice("strategy", "default" if strategy is None else strategy, STRATEGIES)
    if strategy in (None, "default"):
        return tf.distribute.get_strategy()
    if strategy == "mirrored":
        return tf.distribute.MirroredStrategy()
    if "TF_CONFIG" not in os.environ:
        raise ValueError("strategy='multiworker' needs the TF_CONFIG environment variable describing the cluster")
    return tf.distribute.MultiWorkerMirroredStrategy()


def build_gan(config, *, strategy=None) -> GAN:
    """Build and compile the GAN a config describes (inside ``strategy``'s scope).

    Chapter: 09_training_a_music_gan

    Returns
    -------
    GAN
        Compiled with two Adam optimizers, the config's loss kind, gradient-penalty weight and critic steps.
    """
    config = _check_config(config)
    strategy = get_strategy(strategy)
    with strategy.scope():
        g_spec, d_spec = config["generator"], config["discriminator"]
        generator = BUILDERS[g_spec["builder"]](config["latent_dim"], **g_spec["kwargs"])
        discriminator = BUILDERS[d_spec["builder"]](**d_spec["kwargs"])
        gan = GAN(generator, discriminator, seed=config["seed"])

        def adam():
            return keras.optimizers.Adam(config["learning_rate"], beta_1=config["beta_1"], beta_2=config["beta_2"])

        gan.compile(
            adam(),
            adam(),
            loss_kind=config["loss_kind"],
            gp_weight=config["gp_weight"],
            d_steps=config["d_steps"],
            generator_penalty=parallel_penalty(config.get("parallel_weight", 0.0), config.get("parallel_from_epoch", 0)),
            steps_per_execution=config["steps_per_execution"],
        )
        # Build the optimizers' slots now, inside the scope, so a checkpoint can be restored before training.
        gan._state_groups()
    return gan


def parallel_penalty(weight, from_epoch=0):
    """The generator penalty ``weight · parallels / pair moves`` over a batch, or None for a weight of 0.

    :func:`musiclib.gan.losses.expected_parallel_motion` gives the expected parallel fifths and octaves and the
    expected voice-pair moves under the generator's own pitch probabilities; their ratio over the batch is the
    parallel rate chapter 10's scorecard reports. Both are taken over each voice's pitch probabilities *given that it
    sounds* (a resting voice drops out): a count per step, or even the ratio over unnormalised probabilities, can be
    lowered by resting voices, and in chapter 10's trials the generator learned to do just that. With the penalty in the loss the rule
    is something the generator is *trained* to keep, so chapter 10 no longer counts the parallel rate as independent
    evidence. In training the chorale generator's output is one-hot (``VoiceSoftmax(straight_through=True)``), so
    the value is the decoded batch's own rate and the gradient reaches the logits through the softmax.

    Parameters
    ----------
    weight : float
        In [0, 10000]; a config's ``parallel_weight``.
    from_epoch : int
        Epochs trained without the penalty first (a config's ``parallel_from_epoch``), in [0, 100000]: from the start,
        an untrained generator lowers its rate fastest by resting its voices (measured in chapter 10), so the
        penalty can wait until the critic has taught it to sing. :func:`train` calls ``set_epoch`` before each epoch.

    Returns
    -------
    ParallelPenalty or None
    """
    weight = check_in_range("parallel_weight", weight, 0.0, 10_000.0)
    from_epoch = check_in_range("parallel_from_epoch", from_epoch, 0, 100_000, integer=True)
    if weight == 0:
        return None
    return ParallelPenalty(weight, from_epoch)


class ParallelPenalty:
    """:func:`parallel_penalty`'s callable: ``penalty(fake)``; off (0) before epoch ``from_epoch`` (0-based)."""

    def __init__(self, weight, from_epoch=0):
        self.weight, self.from_epoch = float(weight), int(from_epoch)
        # A variable, not a Python number: the traced train step reads it at every call.
        self.active = tf.Variable(1.0 if self.from_epoch == 0 else 0.0, trainable=False, name="parallel_penalty_active")

    def set_epoch(self, epoch):
        """Switch the penalty on from (0-based) epoch ``from_epoch``."""
        self.active.assign(1.0 if epoch >= self.from_epoch else 0.0)

    def __call__(self, fake):
        # Each voice's pitch probabilities given that it sounds: lowering a parallel's pitch must not pay off by
        # handing the probability to the rest (measured in chapter 10: without this the voices fell silent).
        sounding = tf.reduce_sum(fake, axis=-2, keepdims=True)
        fake = fake / tf.maximum(sounding, 1e-6)
        parallels, moves = expected_parallel_motion(fake)
        # A batch without moves has no rate: 0, not a division by zero.
        return self.active * self.weight * tf.reduce_sum(parallels) / tf.maximum(tf.reduce_sum(moves), 1.0)


def chorale_training_data(config, *, progress=False) -> np.ndarray:
    """The chorale rolls a config trains on (:func:`musiclib.data.load_pianorolls` with its data settings)."""
    from ..data import load_pianorolls

    spec = dict(_check_config(config)["data"])
    if spec.pop("dataset", None) != "chorales":
        raise ValueError(f"config['data'] must describe dataset 'chorales', got {config['data']!r}")
    split = spec.pop("split", "train")
    return load_pianorolls(split, progress=progress, **spec)


def training_data(config, *, progress=False) -> np.ndarray:
    """The array a config trains on: chorale rolls (:func:`chorale_training_data`) or timbre patches.

    For ``config["data"]["dataset"] == "timbres"``: :func:`musiclib.data.load_timbres` with the config's data
    settings, as GAN patches ``(n, 32, 128)`` in [-1, 1] (:meth:`musiclib.data.Timbres.patches`).

    Chapter: 09_training_a_music_gan, 11_audio_gan_on_features

    Raises
    ------
    ValueError
        If the config names another dataset.
    """
    spec = dict(_check_config(config)["data"])
    dataset = spec.pop("dataset", None)
    if dataset == "chorales":
        return chorale_training_data(config, progress=progress)
    if dataset == "timbres":
        from ..data import load_timbres

        return load_timbres(spec.pop("split", "train"), progress=progress, **spec).patches()
    raise ValueError(f"config['data']['dataset'] must be 'chorales' or 'timbres', got {dataset!r}")


class MusicMonitor(keras.callbacks.Callback):
    """Render a fixed latent batch after each epoch: decoded four-voice rolls, music statistics, a PNG.

    The statistics (:func:`musiclib.metrics.music_statistics`) land in the epoch's logs, so ``History`` and the
    run's ``log.csv`` hold them next to the losses.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    latent : np.ndarray [shape=(n, latent_dim)]
        The fixed noise, e.g. ``sample_latent(64, latent_dim, seed=1)``.
    every : int
        Save a PNG every ``every`` epochs (statistics are computed every epoch).
    out_dir : str, Path or None
        Folder for ``epoch_NNNN.png``; None saves no pictures.
    n_plotted : int
        Samples drawn in each PNG.
    """

    def __init__(self, latent, *, every=1, out_dir=None, n_plotted=4):
        super().__init__()
        self.latent = check_finite_array("latent", latent, min_ndim=2).astype(np.float32)
        self.every = check_positive_int("every", every)
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.n_plotted = check_positive_int("n_plotted", n_plotted, maximum=16)
        self.history = []
        self.last_rolls = None

    def on_epoch_end(self, epoch, logs=None):
        from ..metrics import music_statistics
        from ..voices import decode_voices

        rolls = decode_voices(self.model.generate(latent=self.latent))
        self.last_rolls = rolls
        stats = music_statistics(rolls)
        self.history.append({"epoch": epoch + 1, **stats})
        if logs is not None:
            logs.update(stats)
        if self.out_dir is not None and (epoch + 1) % self.every == 0:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _save_roll_png(rolls[: self.n_plotted], self.out_dir / f"epoch_{epoch + 1:04d}.png", title=f"epoch {epoch + 1}")


def _save_roll_png(rolls, path, *, title=None):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..plots.voices import voice_pianoroll

    fig, axes = plt.subplots(1, len(rolls), figsize=(3.2 * len(rolls), 3.0), squeeze=False, sharey=True)
    for ax, roll in zip(axes[0], rolls):
        voice_pianoroll(roll, ax=ax)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


# --------------------------------------------------------------------------- run folder, checkpoints


def _check_run_folder(out_dir: Path, resume: bool) -> bool:
    """Return True when there is a checkpoint to resume from; refuse folders that are not ours."""
    if not out_dir.exists():
        return False
    if not out_dir.is_dir():
        raise RunFolderError(f"out_dir={str(out_dir)!r} exists and is not a folder")
    entries = [p.name for p in out_dir.iterdir()]
    if not entries:
        return False
    if "run.json" not in entries:
        raise RunFolderError(
            f"out_dir={str(out_dir)!r} holds files that are not a musiclib run ({', '.join(sorted(entries)[:5])}); "
            "choose an empty or new folder"
        )
    if not resume:
        raise RunFolderError(f"out_dir={str(out_dir)!r} already holds a run: pass resume=True (--resume) to continue it, or choose a new folder")
    return (out_dir / "checkpoint.npz").exists()


def _epoch_order(n, seed, epoch):
    return np.random.default_rng([seed, epoch, 0x5EED]).permutation(n)


def training_labels(config, *, progress=False):
    """The labels a conditional config trains with (one row per sample of :func:`training_data`), or None.

    A config is conditional when its generator's kwargs give ``n_labels`` > 0; so far only the timbre GAN is:
    its labels are :meth:`musiclib.data.Timbres.labels` (family and pitch one-hot) of the same notes.

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> training_labels(make_config("quick")) is None
    True
    """
    config = _check_config(config)
    if not config["generator"]["kwargs"].get("n_labels"):
        return None
    spec = dict(config["data"])
    if spec.pop("dataset", None) != "timbres":
        raise ValueError(f"a conditional config needs the 'timbres' dataset, got {config['data']!r}")
    from ..data import load_timbres

    return load_timbres(spec.pop("split", "train"), progress=progress, **spec).labels()


def train(config, x, out_dir, *, resume=False, strategy=None, callbacks=(), progress=True, monitor=True, verbose=True,
          labels=None):
    """Train the GAN of ``config`` on ``x``, writing checkpoints, a CSV log, sample pictures and the generator.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    config : dict
        From :func:`make_config` (or a checkpoint's ``run.json``).
    x : np.ndarray [shape=(n, ...) as the discriminator's input]
        Real, finite training samples; at least one batch.
    out_dir : str or Path
        The run folder (created if missing). A folder holding other files is refused; a folder holding a run is
        continued only with ``resume=True``.
    resume : bool
        Continue from ``out_dir/checkpoint.npz`` when there is one (else start afresh).
    strategy : see :func:`get_strategy`
    callbacks : sequence of keras.callbacks.Callback
        Extra callbacks (e.g. :class:`~musiclib.gan.trainer.NaNGuard`, which :func:`train` always adds).
    progress : bool
        Show a progress bar over all steps.
    monitor : bool
        Add a :class:`MusicMonitor` (four-voice data) or a :class:`musiclib.gan.timbre.TimbreMonitor` (timbre data).
    verbose : bool
        Print what is trained and where checkpoints go.
    labels : np.ndarray [shape=(n, n_labels)] or None
        One label row per sample, for a conditional config (:func:`training_labels`); None otherwise. A config whose
        generator has ``"init": "label_spectra"`` (the timbre presets) starts it at the least-squares spectra of these
        labels (:func:`musiclib.gan.timbre.start_at_label_spectra`); a resumed run takes its weights from the checkpoint.

    Returns
    -------
    GAN
        The trained GAN (``gan.history_rows`` holds the CSV rows of this call).

    Raises
    ------
    RunFolderError
        If ``out_dir`` cannot take the run (nothing is written then).
    CheckpointError
        If the checkpoint to resume is damaged or belongs to another model (nothing is written then).
    TrainingDivergedError
        If a loss becomes NaN or infinite (the last good checkpoint stays).
    ValueError
        If ``x`` is not a finite real array of at least one batch shaped like the data the model expects.
    """
    config = _check_config(copy.deepcopy(config))
    out_dir = Path(out_dir)
    x = check_finite_array("x", x, min_ndim=2)
    if np.iscomplexobj(x) or x.dtype.kind not in "fiub":
        raise ValueError(f"x must hold real numbers, got dtype {x.dtype}")
    x = x.astype(np.float32, copy=False)
    has_checkpoint = _check_run_folder(out_dir, resume)
    strategy = get_strategy(strategy)
    gan = build_gan(config, strategy=strategy)
    labels = check_labels(labels, len(x), gan.n_labels, what="this config's GAN", hint="from training_labels(config)")
    expected = tuple((gan.discriminator.input_shape[0] if gan.n_labels else gan.discriminator.input_shape)[1:])
    if tuple(x.shape[1:]) != expected:
        raise ValueError(f"x has samples of shape {x.shape[1:]}, the discriminator expects {expected}")
    if config["generator"].get("init") == "label_spectra" and not has_checkpoint:
        _timbre.start_at_label_spectra(gan.generator, x, labels)
    global_batch = config["batch_size"] * strategy.num_replicas_in_sync
    steps_per_epoch = len(x) // global_batch
    if steps_per_epoch == 0:
        raise ValueError(f"x has {len(x)} samples, fewer than one batch of {global_batch}")
    start_epoch, start_step = 0, 0
    checkpoint = out_dir / "checkpoint.npz"
    if has_checkpoint:
        start_epoch, extra = gan.load_state(checkpoint, return_extra=True)
        saved = json.loads(str(extra.get("config", "null")))
        if saved is not None and _model_part(saved) != _model_part(config):
            raise CheckpointError(f"checkpoint {checkpoint} was trained with another model or loss; start a new folder")
        start_step = int(extra.get("step_in_epoch", 0))
        if start_step >= steps_per_epoch:
            start_epoch, start_step = start_epoch + 1, 0
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "run.json").write_text(json.dumps({"musiclib_version": __version__, "config": config}, indent=2) + "\n")
    total_steps = config["epochs"] * steps_per_epoch
    done_steps = start_epoch * steps_per_epoch + start_step
    if verbose:
        g, d = gan.generator.count_params(), gan.discriminator.count_params()
        where = f"resuming at epoch {start_epoch + 1}, step {start_step}" if has_checkpoint else "starting"
        print(
            f"training {config['generator']['builder']} ({g:,} weights) against {config['discriminator']['builder']} "
            f"({d:,} weights), loss {config['loss']}, on {len(x):,} samples of shape {x.shape[1:]}: "
            f"{config['epochs']} epochs x {steps_per_epoch} steps of {global_batch} ({strategy.num_replicas_in_sync} "
            f"replica(s)); {where}; checkpoints every {config['checkpoint_every']} steps in {out_dir}"
        )
    log_path = out_dir / "log.csv"
    _truncate_log(log_path, start_epoch)
    monitor_cb = None
    if monitor and x.ndim == 4 and x.shape[-1] == 4:
        monitor_cb = MusicMonitor(sample_latent(64, config["latent_dim"], seed=config["seed"] + 1), out_dir=out_dir / "samples", every=max(1, config["epochs"] // 10))
    elif monitor and config["data"].get("dataset") == "timbres":
        pick = np.random.default_rng(config["seed"]).permutation(len(x))
        reference = x[pick[:1000]]
        # A conditional generator is asked for the labels of (other) training notes, so both sets share a mix.
        monitor_labels = None if labels is None else labels[pick[-256:]] if len(x) >= 256 else labels[pick[np.arange(256) % len(x)]]
        monitor_cb = _timbre.TimbreMonitor(sample_latent(256, config["latent_dim"], seed=config["seed"] + 1), reference,
                                           out_dir=out_dir / "samples", every=max(1, config["epochs"] // 10),
                                           labels=monitor_labels)
    saver = _StepCheckpoint(gan, checkpoint, config, steps_per_epoch)
    bar = _ProgressBar(total_steps, done_steps) if progress else None
    gan.history_rows = []
    try:
        for epoch in range(start_epoch, config["epochs"]):
            order = _epoch_order(len(x), config["seed"], epoch)[: steps_per_epoch * global_batch]
            first = start_step if epoch == start_epoch else 0
            epoch_x = x[order[first * global_batch :]]
            epoch_y = None if labels is None else labels[order[first * global_batch :]]
            saver.begin_epoch(epoch, first)
            if hasattr(gan.generator_penalty, "set_epoch"):
                gan.generator_penalty.set_epoch(epoch)
            started = time.perf_counter()
            cbs = [NaNGuard(), *callbacks, saver] + ([monitor_cb] if monitor_cb else []) + ([bar] if bar else [])
            history = gan.fit(epoch_x, epoch_y, batch_size=global_batch, epochs=epoch + 1, initial_epoch=epoch, shuffle=False, verbose=0, callbacks=cbs)
            row = {"epoch": epoch + 1, "step": (epoch + 1) * steps_per_epoch, "seconds": round(time.perf_counter() - started, 3)}
            row.update({k: float(v[-1]) for k, v in history.history.items()})
            saver.save(epoch + 1, 0)
            _append_log(log_path, row)
            gan.history_rows.append(row)
    finally:
        if bar is not None:
            bar.close()
    gan.generator.save(out_dir / "generator.keras")
    if verbose:
        print(f"done: {out_dir / 'generator.keras'}, log {log_path}")
    return gan


def _model_part(config):
    keys = ("generator", "discriminator", "latent_dim", "loss_kind", "gp_weight", "d_steps")
    # parallel_weight came later: a run folder written before it trained without the penalty.
    return json.dumps({**{k: config[k] for k in keys}, **{k: config.get(k, v) for k, v in _OPTIONAL_KEYS.items()}},
                      sort_keys=True)


class _StepCheckpoint(keras.callbacks.Callback):
    """Save the full state every ``checkpoint_every`` steps (and when asked at epoch ends)."""

    def __init__(self, gan, path, config, steps_per_epoch):
        super().__init__()
        self.gan, self.path, self.config = gan, path, config
        self.every = config["checkpoint_every"]
        self.steps_per_epoch = steps_per_epoch

    def begin_epoch(self, epoch, first_step):
        self.epoch, self.first_step = epoch, first_step

    def on_train_batch_end(self, batch, logs=None):
        step_in_epoch = self.first_step + batch + 1
        global_step = self.epoch * self.steps_per_epoch + step_in_epoch
        if global_step % self.every == 0 and step_in_epoch < self.steps_per_epoch:
            self.save(self.epoch, step_in_epoch, logs)

    def save(self, epoch, step_in_epoch, logs=None):
        if logs and any(not math.isfinite(float(v)) for v in logs.values()):
            return  # NaNGuard stops the run; the last good checkpoint stays
        self.gan.save_state(
            self.path, epoch=epoch, extra={"step_in_epoch": step_in_epoch, "config": json.dumps(self.config)}
        )


class _ProgressBar(keras.callbacks.Callback):
    def __init__(self, total, initial):
        super().__init__()
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, initial=initial, unit="step", desc="training", leave=True)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(1)
        if logs:
            self.bar.set_postfix({k: f"{float(v):.3g}" for k, v in logs.items() if k in ("d_loss", "g_loss")}, refresh=False)

    def close(self):
        self.bar.close()


def _truncate_log(path: Path, start_epoch: int):
    """Drop rows of epochs that will be trained again (a run killed after logging but before checkpointing)."""
    if not path.exists():
        return
    with path.open(newline="") as f:
        rows = [row for row in csv.DictReader(f) if int(row["epoch"]) <= start_epoch]
    _write_log(path, rows)


def _write_log(path: Path, rows):
    fields = []
    for row in rows:
        fields += [k for k in row if k not in fields]
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


def _append_log(path: Path, row):
    rows = []
    if path.exists():
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
    _write_log(path, rows + [row])


# --------------------------------------------------------------------------- loading and generating


def load_run(path, *, strategy=None):
    """Rebuild a trained generator and its config from a run folder, a checkpoint or a ``.keras`` file alone.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    path : str or Path
        A run folder (its ``generator.keras``, else its ``checkpoint.npz``), a ``checkpoint.npz`` (the networks
        are rebuilt from the config inside it) or a ``generator.keras`` with a ``run.json`` beside it.

    Returns
    -------
    generator : keras.Model
    config : dict

    Raises
    ------
    ValueError
        If ``path`` does not exist or holds none of these.
    CheckpointError
        If a checkpoint is damaged.
    """
    path = Path(path)
    if path.is_dir():
        candidates = [path / "generator.keras", path / "checkpoint.npz"]
        found = next((p for p in candidates if p.exists()), None)
        if found is None:
            raise ValueError(f"path={str(path)!r} holds neither generator.keras nor checkpoint.npz")
        path = found
    if not path.is_file():
        raise ValueError(f"path={str(path)!r} does not exist")
    if path.suffix == ".keras":
        run_file = path.with_name("run.json")
        if not run_file.exists():
            raise ValueError(f"{path} needs the run.json written beside it by training (it holds the config)")
        config = json.loads(run_file.read_text())["config"]
        generator = keras.saving.load_model(path, safe_mode=True, compile=False)
        return generator, config
    if path.suffix == ".npz":
        from .trainer import _read_npz

        arrays = _read_npz(path)
        if "extra/config" not in arrays:
            raise CheckpointError(f"damaged checkpoint {path}: it holds no config, so the model cannot be rebuilt")
        config = json.loads(str(arrays["extra/config"]))
        gan = build_gan(config, strategy=strategy)
        gan.load_state(path)
        return gan.generator, config
    raise ValueError(f"path={str(path)!r} must be a run folder, a .npz checkpoint or a .keras generator")


def generate_rolls(generator, n, *, seed=0, latent_dim=None, method="argmax"):
    """Generate ``n`` decoded four-voice rolls from a generator (see :func:`musiclib.voices.decode_voices`).

    Chapter: 09_training_a_music_gan

    Returns
    -------
    probabilities : np.ndarray [shape=(n, time_steps, n_pitches, 4)]
    rolls : np.ndarray, same shape, valid four-voice rolls
    """
    from ..voices import decode_voices

    latent_dim = generator.input_shape[-1] if latent_dim is None else latent_dim
    n = check_positive_int("n", n, maximum=100_000)
    z = sample_latent(n, latent_dim, seed=seed)
    probs = np.concatenate([keras.ops.convert_to_numpy(generator(z[i : i + 256], training=False)) for i in range(0, n, 256)])
    return probs, decode_voices(probs, method=method)
