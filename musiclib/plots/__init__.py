"""Plot helpers: each takes ``ax=None``, draws into it and returns what it drew.

Chapters: all. Grouped by topic in submodules and re-exported here, so a
notebook writes ``plots.waveform(y, sr)`` or ``plots.pianoroll(roll)``.

========== ==================================================== ========
submodule  what                                                 chapters
========== ==================================================== ========
theory     waveforms, spectra, keyboards, pitch and scale plots 01, 02
symbolic   piano rolls and corpus statistics                    03, 09
spectral   spectrograms, filterbanks, MFCCs                     04, 05
training   loss curves, densities, confusion matrices           06, 07
voices     four-voice (SATB) piano rolls, one colour per voice  09
evaluation feature histograms, overlap bars, transition maps    10
========== ==================================================== ========
"""

from . import evaluation, spectral, symbolic, theory, training, voices
from .evaluation import *  # noqa: F401,F403
from .spectral import *  # noqa: F401,F403
from .symbolic import *  # noqa: F401,F403
from .theory import *  # noqa: F401,F403
from .training import *  # noqa: F401,F403
from .voices import *  # noqa: F401,F403

__all__ = [*theory.__all__, *symbolic.__all__, *spectral.__all__, *training.__all__, *voices.__all__, *evaluation.__all__]
