"""Datasets of the course: the Bach chorales (symbolic) and synthesised instrument notes (audio features).

Chapters: 03_symbolic_music_data (the chorales, taught there; 09-12 train and evaluate on
:func:`load_pianorolls`) and 11_audio_gan_on_features (the timbres, :func:`load_timbres`).

Modules
-------
:mod:`musiclib.data.chorales`
    Parsing, cleaning, piano-roll segments and splits of the chorales in music21's corpus.
:mod:`musiclib.data.timbres`
    Single notes synthesised with :mod:`musiclib.synth`, their log-mel spectrograms, MFCC and synthesis labels.
:mod:`musiclib.data.cache`
    The ``.npz`` cache both share (no pickle; keyed by every build parameter and the versions that matter).

Every public name of the submodules is available here (``from musiclib.data import load_pianorolls``).
"""

from . import cache, chorales, timbres
from .chorales import *  # noqa: F403
from .chorales import __all__ as _chorales_all
from .chorales import (  # noqa: F401  (private helpers tests and other modules use)
    _build_chorales,
    _build_pianorolls,
    _cache_dir,
    _cache_key,
    _check_arrays,
    _load_npz,
    _parse_source,
    _resolve_sources,
    _save_npz,
)
from .timbres import *  # noqa: F403
from .timbres import __all__ as _timbres_all

__all__ = [*_chorales_all, *_timbres_all]
