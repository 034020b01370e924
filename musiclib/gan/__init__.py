"""Generative adversarial networks: losses, theory helpers, models, trainer.

Chapters: 07_gan_theory, 08_toy_gans, 09_training_a_music_gan, 11, 12.

============ ================================================== ==========
submodule    what                                               chapters
============ ================================================== ==========
losses       GAN losses on logits, gradient penalty             07-09, 11
theory       optimal discriminator, JSD, 1-D Wasserstein-1      07
models       generator / discriminator builders                 08, 09, 11
trainer      ``keras.Model`` subclass with ``train_step``       08, 09, 11
toy          toy data sets (mixtures), mode counting, plots     08
============ ================================================== ==========

The losses are re-exported here (``gan.discriminator_loss``); the other
submodules load on first use (``musiclib.gan.theory``).
"""

from __future__ import annotations

import importlib

from . import losses
from .losses import LOSS_KINDS, discriminator_loss, generator_loss, gradient_penalty

__all__ = ["LOSS_KINDS", "discriminator_loss", "generator_loss", "gradient_penalty", "losses"]

_SUBMODULES = {"theory", "models", "trainer", "toy"}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
