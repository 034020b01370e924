"""MIDI files and piano rolls: the symbolic representation of music.

Chapters: 03_symbolic_music_data (taught there); 04, 09-12 use it.

A :class:`Note` is one sounding pitch with an onset and an offset in
seconds. MIDI files store the same thing as *events* (note-on, note-off)
separated by *ticks*; the tempo map turns ticks into seconds. A piano roll is
a binary matrix ``roll[time_step, pitch - pitch_offset]`` on a fixed grid of
``steps_per_beat`` steps per quarter note.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers

import numpy as np

__all__ = ["Note", "MidiError"]


class MidiError(ValueError):
    """A MIDI file could not be read: corrupt, truncated, not MIDI, or too big.

    Subclasses ``ValueError`` so callers that already catch bad input keep
    working; catch ``MidiError`` to handle only file problems.

    Chapter: 03_symbolic_music_data
    """


def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, bool)


@functools.total_ordering
@dataclasses.dataclass(frozen=True)
class Note:
    """One note: a MIDI pitch sounding from ``start`` to ``end`` seconds.

    Notes sort by ``(start, pitch, end, velocity)``, so ``sorted(notes)``
    orders them by onset, then from low to high pitch. Instances are frozen
    (hashable); use ``dataclasses.replace(note, end=...)`` to change a field.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    pitch : int
        MIDI note number in [0, 127] (60 = C4, 69 = A4 = 440 Hz).
    start : float
        Onset in seconds, ``>= 0``.
    end : float
        Offset in seconds, ``> start``.
    velocity : int
        Loudness in [1, 127] (MIDI velocity; 0 would mean note-off).

    Raises
    ------
    ValueError
        If a field is out of range; the message names the field.

    Examples
    --------
    >>> Note(60, 0.0, 0.5)
    Note(pitch=60, start=0.0, end=0.5, velocity=100)
    >>> Note(60, 0.0, 0.5).duration
    0.5
    """

    pitch: int
    start: float
    end: float
    velocity: int = 100

    def __post_init__(self):
        pitch, start, end, velocity = self.pitch, self.start, self.end, self.velocity
        if not _is_int(pitch) or not 0 <= pitch <= 127:
            raise ValueError(f"pitch={pitch!r} must be an integer in [0, 127]")
        if not _is_real(start) or not np.isfinite(start) or start < 0:
            raise ValueError(f"start={start!r} must be a finite number >= 0 (seconds)")
        if not _is_real(end) or not np.isfinite(end) or end <= start:
            raise ValueError(f"end={end!r} must be a finite number > start={start!r} (seconds)")
        if not _is_int(velocity) or not 1 <= velocity <= 127:
            raise ValueError(f"velocity={velocity!r} must be an integer in [1, 127]")
        # Normalise numpy scalars to plain Python numbers (stable repr, hashing, JSON).
        object.__setattr__(self, "pitch", int(pitch))
        object.__setattr__(self, "start", float(start))
        object.__setattr__(self, "end", float(end))
        object.__setattr__(self, "velocity", int(velocity))

    def _sort_key(self):
        return (self.start, self.pitch, self.end, self.velocity)

    def __lt__(self, other):
        if not isinstance(other, Note):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    @property
    def duration(self) -> float:
        """Length in seconds, ``end - start``."""
        return self.end - self.start
