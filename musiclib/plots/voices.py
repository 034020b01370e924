"""Four-voice (SATB) piano rolls: one colour per voice.

Chapters: 09_training_a_music_gan, 10, 12.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite_array
from ._axes import axes_or_new

__all__ = ["VOICE_COLORS", "voice_pianoroll"]

#: Soprano, alto, tenor, bass.
VOICE_COLORS = ("#d62728", "#2ca02c", "#1f77b4", "#9467bd")


def voice_pianoroll(roll, ax=None, *, pitch_offset=None, steps_per_beat: int = 4, beats_per_bar: int = 4, title=None):
    """Draw a four-voice roll: each voice's notes in its colour, pitch as note names, a beat and bar grid.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    roll : np.ndarray [shape=(time_steps, n_pitches, 4)]
        Values in [0, 1]: a decoded roll, or a generator's probabilities (drawn fainter where less likely).
    ax : matplotlib Axes or None
    pitch_offset : int or None
        MIDI pitch of column 0 (None: :data:`musiclib.data.PITCH_OFFSET`).
    steps_per_beat, beats_per_bar : int
        For the grid.
    title : str or None

    Returns
    -------
    matplotlib.image.AxesImage
        An RGBA image of shape ``(shown pitches, time_steps, 4)``.

    Raises
    ------
    ValueError
        If ``roll`` is not a finite ``(time_steps, n_pitches, 4)`` array with values in [0, 1], or a grid size is
        not a positive integer.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> roll = np.zeros((16, 64, 4)); roll[:, 44, 0] = roll[:, 37, 1] = roll[:, 32, 2] = roll[:, 20, 3] = 1
    >>> image = voice_pianoroll(roll)
    """
    from matplotlib.colors import to_rgb

    from .._validation import check_in_range
    from ..data import PITCH_OFFSET
    from ..theory import midi_to_note

    arr = check_finite_array("roll", roll, min_ndim=3)
    if arr.ndim != 3 or arr.shape[-1] != 4:
        raise ValueError(f"roll has shape {arr.shape}; one four-voice roll (time_steps, n_pitches, 4) expected")
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"roll values must lie in [0, 1], got [{arr.min():.3g}, {arr.max():.3g}]")
    pitch_offset = PITCH_OFFSET if pitch_offset is None else check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, 96, integer=True)
    beats_per_bar = check_in_range("beats_per_bar", beats_per_bar, 1, 64, integer=True)
    ax = axes_or_new(ax, (8, 3.5))
    n_steps, n_pitches, _ = arr.shape
    sounding = np.flatnonzero(arr.max(axis=(0, 2)) > 0)
    low, high = (sounding.min() - 2, sounding.max() + 2) if len(sounding) else (0, n_pitches - 1)
    low, high = max(low, 0), min(high, n_pitches - 1)
    image = np.ones((high - low + 1, n_steps, 4))
    image[..., 3] = 0.0
    for v in range(4):
        alpha = arr[:, low : high + 1, v].T
        colour = np.array(to_rgb(VOICE_COLORS[v]))
        stronger = alpha > image[..., 3]
        image[stronger, :3] = colour
        image[stronger, 3] = alpha[stronger]
    artist = ax.imshow(image, origin="lower", aspect="auto", interpolation="nearest",
                       extent=(0, n_steps / steps_per_beat, low - 0.5, high + 0.5))
    for beat in range(0, n_steps // steps_per_beat + 1):
        ax.axvline(beat, color="0.85" if beat % beats_per_bar else "0.55", linewidth=0.6, zorder=0)
    c_rows = [p for p in range(low, high + 1) if (p + pitch_offset) % 12 == 0]
    ax.set_yticks(c_rows, [midi_to_note(p + pitch_offset) for p in c_rows])
    ax.set_xlabel("beat")
    ax.set_ylabel("pitch")
    if title:
        ax.set_title(title)
    return artist
