"""Generative adversarial networks: losses, theory helpers, models, trainer.

Chapters: 07_gan_theory, 08_toy_gans, 09_training_a_music_gan, 10-12.

============ ================================================== ==========
submodule    what                                               chapters
============ ================================================== ==========
losses       GAN losses on logits, gradient penalty             07-09, 11
theory       optimal discriminator, JSD, 1-D Wasserstein-1      07
models       generator / discriminator builders                 08, 09, 11
trainer      ``keras.Model`` subclass with ``train_step``       08, 09, 11
toy          toy data sets (mixtures), mode counting, plots     08
training     the training driver: configs, run folders, resume  09, 11
naive        the article's naive Keras loop, repaired           09
evaluation   the scorecard: metrics, baselines, ceiling         10
timbre       the timbre GAN: builders, inversion, scores        11
============ ================================================== ==========

The names a training script needs are re-exported here: the losses
(``gan.discriminator_loss``), the model builders (``gan.build_mlp_generator``)
and the trainer with its callbacks (``gan.GAN``, ``gan.NaNGuard``, …). They
cost nothing extra to import: ``losses`` already loads TensorFlow and Keras.
``theory``, ``toy``, ``training``, ``naive``, ``evaluation`` and ``timbre`` load on first use (``musiclib.gan.training``).
"""

from __future__ import annotations

import importlib

from . import losses, models, trainer
from .losses import LOSS_KINDS, discriminator_loss, expected_parallel_motion, generator_loss, gradient_penalty
from .models import (
    DISCRIMINATOR_NORMS,
    GENERATOR_NORMS,
    ContourLogits,
    HarmonicIntervals,
    MetricPosition,
    NoteOnsets,
    HeldNotes,
    TuttiRests,
    ParallelMotion,
    VoiceCascade,
    VoiceSoftmax,
    build_conv_discriminator,
    build_conv_generator,
    build_mlp_discriminator,
    build_mlp_generator,
    count_parameters,
)
from .trainer import (
    GAN,
    CheckpointError,
    CheckpointSkippedWarning,
    CollapseDetector,
    GANCheckpoint,
    ModeCollapseWarning,
    NaNGuard,
    SampleMonitor,
    TrainingDivergedError,
    sample_latent,
)

__all__ = [
    # losses
    "LOSS_KINDS",
    "discriminator_loss",
    "generator_loss",
    "gradient_penalty",
    "expected_parallel_motion",
    # models
    "build_mlp_generator",
    "build_mlp_discriminator",
    "count_parameters",
    "VoiceSoftmax",
    "ContourLogits",
    "HarmonicIntervals",
    "ParallelMotion",
    "MetricPosition",
    "NoteOnsets",
    "HeldNotes",
    "TuttiRests",
    "VoiceCascade",
    "GENERATOR_NORMS",
    "DISCRIMINATOR_NORMS",
    "build_conv_generator",
    "build_conv_discriminator",
    # trainer and callbacks
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
    # submodules
    "losses",
    "models",
    "trainer",
]

_LAZY_SUBMODULES = {"theory", "toy", "training", "naive", "evaluation", "timbre"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES)
