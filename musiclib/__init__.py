"""musiclib: the shared library of GAN Music Lab.

Modules by topic, each naming the chapters that teach it:

============ ============================================== ============
module       what                                           chapters
============ ============================================== ============
config       quick mode, seeds, paths                       all
theory       pitch, intervals, scales, chords, keys         01, 02
synth        oscillators, envelopes, note rendering         01-04, 11
midi         Note records, MIDI files, piano rolls          03
data         datasets: Bach chorales, synthesised timbres   03, 09-12
voices       four-voice (SATB) rolls: decoding, notes       09-12
metrics      statistics of generated music, set scores      09, 10, 11
baselines    random and Markov-chain generators             10
features     STFT, mel, MFCC (numpy and TensorFlow)         04, 05, 11
models       small Keras models                             06
gan          losses, models, trainer, evaluation, timbre    07-12
applications harmonisation, continuation, key transfer      12
plots        plot helpers (``ax=None`` in, artist out)       all
widgets      sliders with a static fallback                 01, 02, 04, 05, 11, 12
exercises    checkers for end-of-chapter exercises          all
============ ============================================== ============

Submodules load on first use (``musiclib.features`` imports librosa-free
numpy code; only ``models``, ``gan`` and ``applications`` import TensorFlow).
"""

from __future__ import annotations

import importlib
import os

# TensorFlow's INFO lines (CPU instruction notices) clutter every chapter's output; warnings and errors still show.
# setdefault: a value the user exported wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

from .config import QUICK, is_quick, set_seed
from .display import play
from .environment import env_report

__version__ = "0.1.0"

__all__ = ["QUICK", "is_quick", "set_seed", "play", "env_report", "__version__"]

_SUBMODULES = {
    "config",
    "theory",
    "synth",
    "midi",
    "data",
    "features",
    "voices",
    "metrics",
    "baselines",
    "applications",
    "models",
    "gan",
    "plots",
    "widgets",
    "exercises",
    "display",
    "environment",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
