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
import io
import math
import numbers
import os
import struct
from pathlib import Path

import numpy as np

from ._validation import check_choice, check_finite_array, check_in_range, check_positive, check_positive_int

__all__ = [
    "Note",
    "MidiError",
    "read_midi",
    "write_midi",
    "notes_to_pianoroll",
    "pianoroll_to_notes",
    "seconds_per_step",
    "note_steps",
    "DEFAULT_MAX_BYTES",
]

#: Largest MIDI file :func:`read_midi` parses by default (4 MiB). Typical
#: songs are 10-200 KiB; mido parses in pure Python (about 1 s per MiB).
DEFAULT_MAX_BYTES = 4 * 2**20

_DEFAULT_TEMPO_US = 500_000  # microseconds per quarter note = 120 bpm, the MIDI default
#: Tempo range (bpm) every function here accepts: MIDI stores tempo as whole microseconds per
#: quarter note, so 60e6 bpm (1 us per beat) is the fastest a file can hold.
_TEMPO_RANGE = (1e-3, 60e6)
#: Finest piano-roll grid: MIDI's finest time division is 32767 ticks per quarter note (15 bits),
#: so a grid finer than one tick holds no more information.
_MAX_STEPS_PER_BEAT = 32767
_MAX_DELTA_TICKS = 0x0FFFFFFF  # the largest delta time a MIDI file can store (4-byte variable-length number)
_MAX_GRID_STEP = 2**62  # step indices stay far inside int64


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


def _is_finite(value) -> bool:
    """``math.isfinite`` that is False (not an OverflowError) for ints too large for a float, e.g. ``2**1100``."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _as_roll(name: str, value, ndim: int, shape_text: str) -> np.ndarray:
    """A finite real (or boolean) array of exactly ``ndim`` dimensions; ValueError naming ``name`` otherwise.

    Boolean arrays are accepted as they are (``roll > 0.5`` is a fine piano roll); complex,
    object and string arrays, NaN and inf are refused, and so are ragged nested lists.
    """
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a {ndim}-D array {shape_text}: {err}") from err
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {shape_text}, got shape {arr.shape}")
    if arr.dtype == bool:
        return arr
    return check_finite_array(name, arr, min_ndim=ndim, allow_empty=True)


def _note_list(notes) -> list:
    """``list(notes)``, checking every item is a Note."""
    if isinstance(notes, (str, bytes, Note)):
        raise TypeError(f"notes must be an iterable of musiclib.midi.Note, got {type(notes).__name__}")
    try:
        notes = list(notes)
    except TypeError as err:
        raise TypeError(f"notes must be an iterable of musiclib.midi.Note, got {type(notes).__name__}") from err
    for i, note in enumerate(notes):
        if not isinstance(note, Note):
            raise ValueError(f"notes[{i}]={note!r} must be a musiclib.midi.Note")
    return notes


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
        # Fast path for plain Python numbers (datasets build ~10^5 notes); same rules as below.
        if (
            type(pitch) is int
            and type(velocity) is int
            and type(start) is float
            and type(end) is float
            and 0 <= pitch <= 127
            and 1 <= velocity <= 127
            and 0.0 <= start < end < math.inf
        ):
            return
        if not _is_int(pitch) or not 0 <= pitch <= 127:
            raise ValueError(f"pitch={pitch!r} must be an integer in [0, 127]")
        if not _is_real(start) or not _is_finite(start) or start < 0:
            raise ValueError(f"start={start!r} must be a finite number >= 0 (seconds)")
        if not _is_real(end) or not _is_finite(end) or end <= start:
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


# --------------------------------------------------------------------------- reading


def _tempo_to_us(tempo: float) -> int:
    """Quarter-note tempo in bpm -> MIDI's integer microseconds per quarter note."""
    return int(round(60_000_000 / tempo))


class _TempoMap:
    """Piecewise-linear tick -> seconds map built from ``set_tempo`` events.

    ``changes`` is a list of ``(tick, microseconds_per_beat)``; before the first
    change the MIDI default (120 bpm) holds; at equal ticks the last change wins.
    """

    def __init__(self, changes, ticks_per_beat: int):
        points = {0: _DEFAULT_TEMPO_US}
        for tick, tempo in sorted(changes, key=lambda c: c[0]):  # stable: file order kept at equal ticks
            points[int(tick)] = int(tempo)
        self.ticks = np.array(sorted(points), dtype=np.float64)
        self.sec_per_tick = np.array([points[t] for t in sorted(points)], dtype=np.float64) / (1e6 * ticks_per_beat)
        self.seconds = np.concatenate([[0.0], np.cumsum(np.diff(self.ticks) * self.sec_per_tick[:-1])])

    def __call__(self, ticks) -> np.ndarray:
        ticks = np.asarray(ticks, dtype=np.float64)
        i = np.searchsorted(self.ticks, ticks, side="right") - 1
        return self.seconds[i] + (ticks - self.ticks[i]) * self.sec_per_tick[i]


def _parse_midi_bytes(data: bytes):
    """Parse bytes with mido; turn every failure into MidiError."""
    import mido

    if len(data) < 14 or data[:4] != b"MThd":
        raise MidiError(f"not a MIDI file: it must start with b'MThd' (got {data[:4]!r}, {len(data)} bytes)")
    (n_tracks,) = struct.unpack(">H", data[10:12])
    if n_tracks >= 0x8000:
        # mido reads the count as a signed 16-bit number: it would read no track at all and return nothing.
        raise MidiError(
            f"corrupt MIDI header: it declares {n_tracks} tracks (high bit set); at most 32767 are supported"
        )
    buffer = io.BytesIO(data)
    try:
        midi_file = mido.MidiFile(file=buffer)
    except EOFError as err:
        raise MidiError("truncated MIDI file: the data ended inside a chunk or message") from err
    except Exception as err:  # mido raises OSError, ValueError, KeyError, IndexError, struct.error ... on bad bytes
        raise MidiError(f"corrupt MIDI file: {type(err).__name__}: {err}") from err
    if midi_file.ticks_per_beat <= 0:
        # Negative division = SMPTE frames; zero is invalid.
        raise MidiError(
            f"unsupported time division {midi_file.ticks_per_beat}: only ticks per quarter note (> 0) are supported"
        )
    if midi_file.type not in (0, 1, 2):
        raise MidiError(f"unknown MIDI file type {midi_file.type} (must be 0, 1 or 2)")
    if data[buffer.tell() : buffer.tell() + 4] == b"MTrk":
        raise MidiError(f"corrupt MIDI header: it declares {n_tracks} track(s), but more track chunks follow")
    for index, trk in enumerate(midi_file.tracks):
        # A track chunk must end with an end-of-track event. Without one, the file (or the track's
        # declared length) was cut exactly between two events, and mido would return a silent prefix.
        if not len(trk) or trk[-1].type != "end_of_track":
            raise MidiError(
                f"truncated MIDI file: track {index} does not end with an end-of-track event "
                "(the data or the track's declared length was cut between two events)"
            )
    return midi_file


def _track_events(track):
    """Yield ``(absolute_tick, message)`` for one mido track."""
    tick = 0
    for msg in track:
        tick += msg.time
        yield tick, msg


def _track_notes(track, tempo_map, *, max_seconds, max_notes, n_so_far):
    """Pair note-on/note-off events of one track into Notes (see read_midi Notes)."""
    sounding = {}  # (channel, pitch) -> (onset_tick, velocity)
    spans = []  # (pitch, onset_tick, offset_tick, velocity)
    last_tick = 0
    for tick, msg in _track_events(track):
        last_tick = tick
        if msg.type not in ("note_on", "note_off"):
            continue
        key = (msg.channel, msg.note)
        is_on = msg.type == "note_on" and msg.velocity > 0
        if key in sounding:  # a note-off, or a re-trigger, ends the sounding note
            onset, vel = sounding.pop(key)
            spans.append((msg.note, onset, tick, vel))
        if is_on:
            sounding[key] = (tick, msg.velocity)
        if n_so_far + len(spans) > max_notes:
            raise MidiError(f"too many notes: more than max_notes={max_notes}")
    for (_, pitch), (onset, vel) in sounding.items():  # never switched off: end at the end of the track
        spans.append((pitch, onset, last_tick, vel))
    if not spans:
        return []
    arr = np.array([(s[1], s[2]) for s in spans], dtype=np.float64)
    seconds = tempo_map(arr.ravel()).reshape(arr.shape)
    if seconds.max() > max_seconds:
        raise MidiError(
            f"notes reach {seconds.max():.4g} s, beyond max_seconds={max_seconds:g}: "
            "a piano roll of this file would be gigantic"
        )
    notes = []
    for (pitch, _, _, vel), (start, end) in zip(spans, seconds):
        if end > start:  # zero-length notes (on and off at the same tick) carry no sound
            notes.append(Note(int(pitch), float(start), float(end), int(vel)))
    return notes


def read_midi(
    path,
    *,
    track=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = 3600.0,
    max_notes: int = 500_000,
) -> list:
    """Read the notes of a standard MIDI file, in seconds.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    path : str or os.PathLike
        The ``.mid`` file.
    track : int or None
        Index of the one track to read; ``None`` (default) merges all tracks.
    max_bytes : int
        Refuse files larger than this many bytes (default :data:`DEFAULT_MAX_BYTES`, 4 MiB)
        before parsing, so a huge file cannot hang the reader.
    max_seconds : float
        Refuse files whose notes reach beyond this time in seconds (default one hour):
        their piano roll would be gigantic.
    max_notes : int
        Refuse files with more notes than this.

    Returns
    -------
    list of Note
        Sorted by start, then pitch (``sorted(notes)``).

    Raises
    ------
    MidiError
        If the file is not MIDI, truncated (also exactly between two events: every track must
        end with an end-of-track event), corrupt (e.g. a header track count with the high bit
        set or smaller than the number of track chunks, a tempo of 0), uses SMPTE time
        division, is larger than ``max_bytes``, or its notes exceed ``max_seconds`` /
        ``max_notes``; or if ``track`` is out of range for this file. The message says what
        was wrong. No other exception escapes for bad file *content*.
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If a parameter is out of range.
    TypeError
        If ``path`` is not a str or path.

    Notes
    -----
    - Tempo: ``set_tempo`` events of *all* tracks form one tempo map (type 0 and 1 files;
      most type-1 files keep them in track 0); before the first one the MIDI default,
      120 bpm, holds. In a type-2 file each track keeps its own tempo map.
    - A ``note_on`` with velocity 0 is a note-off (running-status files use it everywhere).
    - Overlapping notes of the same pitch on the same channel: a new ``note_on`` of a
      sounding pitch ends the sounding note there (a key cannot be struck twice at once);
      a note-off then ends the new note, and unmatched note-offs are ignored.
      So ``on@0, on@1, off@2, off@3`` reads as two notes ``[0, 1)`` and ``[1, 2)``.
    - Notes never switched off end at the last event of their track; zero-length notes
      are dropped. Channels (drums included) and programs are merged; velocity is kept.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "c.mid")
    >>> write_midi([Note(60, 0.0, 0.5)], path)
    >>> read_midi(path)
    [Note(pitch=60, start=0.0, end=0.5, velocity=100)]
    """
    max_bytes = check_positive_int("max_bytes", max_bytes)
    max_seconds = check_positive("max_seconds", max_seconds)
    max_notes = check_positive_int("max_notes", max_notes)
    if track is not None:
        track = check_in_range("track", track, 0, 2**16, integer=True)
    try:
        path = Path(os.fspath(path))
    except TypeError as err:
        raise TypeError(f"path={path!r} must be a str or os.PathLike") from err
    if not path.exists():
        raise FileNotFoundError(f"path={str(path)!r} does not exist")
    if not path.is_file():
        raise MidiError(f"path={str(path)!r} is not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise MidiError(f"file is {size} bytes, larger than max_bytes={max_bytes}")
    with open(path, "rb") as fh:
        data = fh.read(size + 1)  # size <= max_bytes; never allocate max_bytes itself (it may be huge)
    if len(data) > size:
        raise MidiError(f"the file grew while it was read (from {size} bytes); read it again once it is written")

    midi_file = _parse_midi_bytes(data)
    tracks = midi_file.tracks
    if track is not None and track >= len(tracks):
        raise MidiError(f"track={track} is out of range: the file has {len(tracks)} track(s)")
    tpb = midi_file.ticks_per_beat

    def tempo_changes(indices):
        changes = []
        for index in indices:
            for tick, msg in _track_events(tracks[index]):
                if msg.type == "set_tempo":
                    if msg.tempo <= 0:  # FF 51 03 00 00 00: every later note would last 0 s
                        raise MidiError(
                            f"corrupt tempo: a set_tempo event of {msg.tempo} microseconds per beat "
                            f"at tick {tick} of track {index} (must be > 0)"
                        )
                    changes.append((tick, msg.tempo))
        return changes

    shared_map = None if midi_file.type == 2 else _TempoMap(tempo_changes(range(len(tracks))), tpb)
    selected = range(len(tracks)) if track is None else [track]
    notes = []
    for index in selected:
        tempo_map = shared_map or _TempoMap(tempo_changes([index]), tpb)
        notes += _track_notes(
            tracks[index], tempo_map, max_seconds=max_seconds, max_notes=max_notes, n_so_far=len(notes)
        )
    return sorted(notes)


# --------------------------------------------------------------------------- writing


def write_midi(
    notes,
    path,
    *,
    tempo: float = 120.0,
    program: int = 0,
    ticks_per_beat: int = 480,
    channel: int = 0,
) -> None:
    """Write notes to a standard MIDI file: one track (type 0), or one track per voice (type 1).

    Times in seconds become ticks at ``tempo``: ``tick = round(seconds / seconds_per_tick)``
    with ``seconds_per_tick = us_per_beat / (1e6 * ticks_per_beat)`` and
    ``us_per_beat = round(6e7 / tempo)`` (MIDI stores tempo as integer microseconds per
    quarter note). Notes on the tick grid therefore read back exactly, to the tick.

    A dict ``{"S": notes, "A": notes, ...}`` writes a type-1 file with one named track per entry, each on
    its own channel (0, 1, 2, ...; the drum channel 9 is skipped), so a player or DAW shows and voices them
    separately (chapter 09 writes the four generated voices this way).

    Chapter: 03_symbolic_music_data (one track), 09_training_a_music_gan (one track per voice)

    Parameters
    ----------
    notes : iterable of Note, or dict of str to iterable of Note
        Notes in seconds (any order); a dict of 1 to 16 named tracks.
    path : str or os.PathLike
        Output file, overwritten.
    tempo : float
        Quarter notes per minute (bpm), in (0, 60e6]; only sets the tick grid, the
        notes keep their times in seconds.
    program : int or dict of str to int
        General MIDI instrument in [0, 127] (0 = acoustic grand piano, 52 = choir aahs); a dict
        gives each track its own (same keys as ``notes``).
    ticks_per_beat : int
        Ticks per quarter note in [1, 32767] (480 is common).
    channel : int
        MIDI channel in [0, 15] (9 is the drum channel in General MIDI); single track only.

    Raises
    ------
    ValueError
        If a parameter is out of range, ``notes`` holds something that is not a Note, or two
        consecutive events lie further apart than a MIDI delta time can hold (2**28 - 1 ticks).
    TypeError
        If ``notes`` is not an iterable of notes (e.g. a single Note or a string).

    Notes
    -----
    A note shorter than one tick is lengthened to one tick, so no note is lost. At
    equal ticks note-offs are written before note-ons, so back-to-back notes of one
    pitch stay separate. Overlapping notes of one pitch are written cut at the later
    onset (a key cannot sound twice), which is also how :func:`read_midi` reads
    overlaps; of notes of one pitch starting on the same tick only the longest is written.

    Examples
    --------
    >>> import tempfile, os
    >>> write_midi([Note(60, 0.0, 0.5), Note(64, 0.5, 1.0)], os.path.join(tempfile.mkdtemp(), "x.mid"))
    """
    import mido

    tempo = check_in_range("tempo", tempo, *_TEMPO_RANGE)
    ticks_per_beat = check_in_range("ticks_per_beat", ticks_per_beat, 1, 32767, integer=True)
    channel = check_in_range("channel", channel, 0, 15, integer=True)
    if isinstance(notes, dict):
        if not notes or len(notes) > 16 or not all(isinstance(name, str) for name in notes):
            raise ValueError("notes as a dict must map 1 to 16 track names (str) to lists of notes")
        tracks = {name: _note_list(part) for name, part in notes.items()}
        if isinstance(program, dict):
            if set(program) != set(tracks):
                raise ValueError(f"program as a dict must name the same tracks as notes: {sorted(tracks)}")
            programs = {name: check_in_range("program", program[name], 0, 127, integer=True) for name in tracks}
        else:
            programs = dict.fromkeys(tracks, check_in_range("program", program, 0, 127, integer=True))
    else:
        tracks = {None: _note_list(notes)}
        programs = {None: check_in_range("program", program, 0, 127, integer=True)}
    us_per_beat = min(_tempo_to_us(tempo), 0xFFFFFF)  # three bytes in the file
    sec_per_tick = us_per_beat / (1e6 * ticks_per_beat)

    midi_file = mido.MidiFile(type=0 if None in tracks else 1, ticks_per_beat=ticks_per_beat)
    # Channels: one per track, skipping the General MIDI drum channel 9.
    channels = [c for c in range(16) if c != 9] if len(tracks) > 1 else [channel]
    for index, (name, part) in enumerate(tracks.items()):
        track = mido.MidiTrack()
        if name is not None:
            track.append(mido.MetaMessage("track_name", name=name, time=0))
        if index == 0:
            track.append(mido.MetaMessage("set_tempo", tempo=us_per_beat, time=0))
        ch = channels[index]
        track.append(mido.Message("program_change", channel=ch, program=programs[name], time=0))
        _append_note_events(track, part, channel=ch, sec_per_tick=sec_per_tick, tempo=tempo, ticks_per_beat=ticks_per_beat)
        track.append(mido.MetaMessage("end_of_track", time=0))
        midi_file.tracks.append(track)
    midi_file.save(os.fspath(path))


def _append_note_events(track, notes, *, channel, sec_per_tick, tempo, ticks_per_beat):
    """Append note-on/off messages of ``notes`` to a mido track (delta times in ticks)."""
    import mido

    spans = sorted(
        (note.pitch, int(round(note.start / sec_per_tick)), int(round(note.end / sec_per_tick)), note.velocity)
        for note in notes
    )
    events = []  # (tick, order, pitch, message): order 0 = note-off before 1 = note-on at the same tick
    for i, (pitch, on, off, velocity) in enumerate(spans):
        off = max(off, on + 1)
        following = spans[i + 1] if i + 1 < len(spans) else None
        if following is not None and following[0] == pitch and following[1] < off:
            if following[1] == on:
                continue  # same pitch, same onset: only the longest (sorted last) is written
            off = following[1]  # a key cannot sound twice: cut at the next onset
        events.append((on, 1, pitch, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity)))
        events.append((off, 0, pitch, mido.Message("note_off", channel=channel, note=pitch, velocity=0)))
    events.sort(key=lambda e: e[:3])
    now = 0
    for tick, _, _, msg in events:
        if tick - now > _MAX_DELTA_TICKS:
            raise ValueError(
                f"notes: a gap of {tick - now} ticks before {tick * sec_per_tick:.6g} s is longer than a MIDI "
                f"delta time can hold ({_MAX_DELTA_TICKS} ticks); lower ticks_per_beat={ticks_per_beat} "
                f"or tempo={tempo:g}, or move the notes"
            )
        track.append(msg.copy(time=tick - now))
        now = tick


# --------------------------------------------------------------------------- piano rolls


def seconds_per_step(*, tempo: float, steps_per_beat: int) -> float:
    """Length of one piano-roll time step in seconds: ``60 / (tempo * steps_per_beat)``.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    tempo : float
        Quarter notes per minute (bpm), in [0.001, 60e6] (MIDI's tempo range).
    steps_per_beat : int
        Grid steps per quarter note, in [1, 32767] (MIDI's finest time division: a finer
        grid than one tick holds no more information).

    Raises
    ------
    ValueError
        If a parameter is out of range; the message names it.

    Examples
    --------
    >>> seconds_per_step(tempo=120, steps_per_beat=4)
    0.125
    """
    tempo = check_in_range("tempo", tempo, *_TEMPO_RANGE)
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, _MAX_STEPS_PER_BEAT, integer=True)
    return 60.0 / (tempo * steps_per_beat)


def note_steps(notes, *, steps_per_beat: int = 4, tempo: float = 120.0) -> np.ndarray:
    """Quantise notes to grid steps: ``[on, off)`` with ``on = round(start / step)``.

    ``off = max(round(end / step), on + 1)``, so a note shorter than a step still
    fills its onset step. This is the rule :func:`notes_to_pianoroll` uses
    (Python's ``round``: halves go to the even step).

    Chapter: 03_symbolic_music_data

    Returns
    -------
    np.ndarray [shape=(n_notes, 2), dtype=int64]
        Onset step and offset step (exclusive) of each note, in input order.

    Raises
    ------
    ValueError
        If a parameter is out of range (see :func:`seconds_per_step`), an item is not a
        Note, or a note lies beyond step 2**62.
    TypeError
        If ``notes`` is not an iterable of notes.

    Examples
    --------
    >>> note_steps([Note(60, 0.0, 0.5), Note(62, 0.5, 0.51)], steps_per_beat=4, tempo=120).tolist()
    [[0, 4], [4, 5]]
    """
    step = seconds_per_step(tempo=tempo, steps_per_beat=steps_per_beat)
    out = np.zeros((0, 2), dtype=np.int64)
    notes = _note_list(notes)
    if notes:
        on = [int(round(note.start / step)) for note in notes]
        off = [max(int(round(note.end / step)), o + 1) for note, o in zip(notes, on)]
        last = int(np.argmax(off))
        if off[last] > _MAX_GRID_STEP:
            raise ValueError(
                f"notes[{last}] ends at {notes[last].end:.6g} s = grid step {off[last]:.3g}, beyond the largest "
                f"step index 2**62 (steps_per_beat={steps_per_beat}, tempo={tempo:g})"
            )
        out = np.array([on, off], dtype=np.int64).T
    return out


def notes_to_pianoroll(
    notes,
    *,
    steps_per_beat: int = 4,
    tempo: float = 120.0,
    pitch_offset: int = 0,
    n_pitches: int = 128,
    n_steps=None,
    out_of_range: str = "error",
    max_steps: int = 100_000,
) -> np.ndarray:
    """Quantise notes onto a binary piano roll ``roll[step, pitch - pitch_offset]``.

    A step lasts ``60 / (tempo * steps_per_beat)`` seconds (:func:`seconds_per_step`);
    a note fills steps ``round(start / step)`` up to, not including,
    ``round(end / step)``, and at least its onset step.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    notes : iterable of Note
        Notes in seconds.
    steps_per_beat : int
        Time steps per quarter note (4 = sixteenth-note grid), in [1, 32767].
    tempo : float
        Quarter notes per minute (bpm) used to turn seconds into beats, in [0.001, 60e6].
    pitch_offset : int
        MIDI pitch of column 0, in [0, 127].
    n_pitches : int
        Number of pitch columns; ``pitch_offset + n_pitches <= 128``.
    n_steps : int or None
        Number of time steps; ``None`` = up to the last note-off. Notes past ``n_steps``
        are cut off.
    out_of_range : {"error", "drop"}
        What to do with a note outside ``[pitch_offset, pitch_offset + n_pitches)``.
    max_steps : int
        Refuse to build a roll longer than this many steps (default 100 000, i.e. about
        3.5 hours at 120 bpm and 4 steps per beat), so bad input cannot exhaust memory.

    Returns
    -------
    np.ndarray [shape=(n_steps, n_pitches), dtype=float32]
        1.0 where a pitch sounds, else 0.0.

    Raises
    ------
    ValueError
        If a parameter is out of range, a note is out of the pitch range with
        ``out_of_range="error"``, or the roll would exceed ``max_steps``.

    Notes
    -----
    A binary roll keeps no onsets: two back-to-back notes of one pitch become one
    long run and read back (:func:`pianoroll_to_notes`) as a single note.

    Examples
    --------
    >>> roll = notes_to_pianoroll([Note(60, 0.0, 0.5)], steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=12)
    >>> roll.shape, roll[:, 0].tolist()
    ((4, 12), [1.0, 1.0, 1.0, 1.0])
    """
    seconds_per_step(tempo=tempo, steps_per_beat=steps_per_beat)  # validates both
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n_pitches = check_in_range("n_pitches", n_pitches, 1, 128 - pitch_offset, integer=True)
    max_steps = check_positive_int("max_steps", max_steps)
    if n_steps is not None:
        n_steps = check_in_range("n_steps", n_steps, 0, max_steps, integer=True)
    check_choice("out_of_range", out_of_range, ("error", "drop"))
    notes = _note_list(notes)
    steps = note_steps(notes, steps_per_beat=steps_per_beat, tempo=tempo)
    spans = []
    for i, (note, (on, off)) in enumerate(zip(notes, steps)):
        if not pitch_offset <= note.pitch < pitch_offset + n_pitches:
            if out_of_range == "drop":
                continue
            raise ValueError(
                f"notes[{i}] has pitch {note.pitch}, outside pitch_offset={pitch_offset} .. "
                f"{pitch_offset + n_pitches - 1} (n_pitches={n_pitches}); widen the range or pass out_of_range='drop'"
            )
        spans.append((note.pitch - pitch_offset, int(on), int(off)))
    needed = max((s[2] for s in spans), default=0)
    if n_steps is None:
        if needed > max_steps:
            raise ValueError(f"the notes need {needed} steps, more than max_steps={max_steps}")
        n_steps = needed
    roll = np.zeros((n_steps, n_pitches), dtype=np.float32)
    for column, on, off in spans:
        roll[on:off, column] = 1.0
    return roll


def pianoroll_to_notes(
    roll,
    *,
    steps_per_beat: int = 4,
    tempo: float = 120.0,
    pitch_offset: int = 0,
    velocity: int = 100,
    threshold: float = 0.5,
) -> list:
    """Turn a piano roll back into notes: each run of active steps in a column is one note.

    Inverse of :func:`notes_to_pianoroll` on quantised notes whose same-pitch notes
    do not touch (a binary roll cannot mark where a repeated note starts again).

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    roll : np.ndarray [shape=(n_steps, n_pitches)]
        Values > ``threshold`` count as sounding (so a generator's probabilities work too);
        a boolean roll works as it is. Must be real and finite.
    steps_per_beat, tempo, pitch_offset
        As in :func:`notes_to_pianoroll`.
    velocity : int
        Velocity in [1, 127] given to every note (a binary roll has no loudness).
    threshold : float
        Activation threshold in [0, 1).

    Returns
    -------
    list of Note
        Sorted by start, then pitch.

    Raises
    ------
    ValueError
        If ``roll`` is not a finite real 2-D array, ``pitch_offset + n_pitches > 128``, or a
        parameter is out of range.

    Examples
    --------
    >>> roll = np.zeros((8, 3)); roll[0:4, 0] = 1; roll[4:8, 2] = 1
    >>> pianoroll_to_notes(roll, steps_per_beat=4, tempo=120, pitch_offset=60)
    [Note(pitch=60, start=0.0, end=0.5, velocity=100), Note(pitch=62, start=0.5, end=1.0, velocity=100)]
    """
    step = seconds_per_step(tempo=tempo, steps_per_beat=steps_per_beat)
    roll = _as_roll("roll", roll, 2, "(n_steps, n_pitches)")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    if pitch_offset + roll.shape[1] > 128:
        raise ValueError(
            f"pitch_offset={pitch_offset} + n_pitches={roll.shape[1]} must be <= 128 (MIDI pitches 0..127)"
        )
    velocity = check_in_range("velocity", velocity, 1, 127, integer=True)
    threshold = check_in_range("threshold", threshold, 0.0, np.nextafter(1.0, 0.0))
    active = roll > threshold
    # Pad with silence on both ends so every run has a rising and a falling edge.
    padded = np.zeros((active.shape[0] + 2, active.shape[1]), dtype=np.int8)
    padded[1:-1] = active
    edges = np.diff(padded, axis=0)
    on_steps, on_cols = np.nonzero(edges == 1)
    off_steps, off_cols = np.nonzero(edges == -1)
    on_order = np.lexsort((on_steps, on_cols))
    off_order = np.lexsort((off_steps, off_cols))
    notes = [
        Note(int(pitch_offset + col), on * step, off * step, velocity)
        for col, on, off in zip(on_cols[on_order], on_steps[on_order], off_steps[off_order])
    ]
    return sorted(notes)
