"""The Bach chorales dataset: parsing, cleaning, piano-roll segments, splits and a cache.

Chapters: 03_symbolic_music_data (taught there); 04 renders a chorale; 09-12
train and evaluate on :func:`load_pianorolls`.

The chorales come from the corpus that ships inside music21 (no download):
``music21.corpus.chorales.Iterator`` lists 371 harmonisations by J. S. Bach.
The pipeline is

1. **parse** each piece with music21 (about 0.1-0.3 s a piece, so the result is
   cached, see below);
2. **validate and clean** (:class:`DatasetReport`): a piece is rejected, for the
   first reason that applies, in this order -- ``"duplicate"`` (the listing names
   a file twice, or a piece has exactly the notes of an earlier one), ``"parse failure"`` (music21
   raised, or a MIDI file failed :func:`musiclib.midi.read_midi`'s checks), ``"not four voices"`` (no unique Soprano, Alto, Tenor and Bass part),
   ``"meter change"`` (more than one time signature), ``"unusual meter"`` (a time
   signature not in ``meters``), ``"range outlier"`` (a note outside its voice's
   range in :data:`VOICE_RANGES`). A failing piece is counted and skipped; it never
   stops the build;
3. **represent** each kept piece as :class:`Chorale` records of :class:`musiclib.midi.Note`
   in seconds at a fixed tempo, and as piano-roll **segments** for the GANs
   (:func:`load_pianorolls`);
4. **split by piece** into train / validation / test (:func:`split_pieces`), keeping
   all harmonisations of one melody together (:func:`melody_groups`), so no piece
   and no tune leaks from training into evaluation.

Representation choices (also in ``data/README.md``)
---------------------------------------------------
- Time: one beat is a quarter note; the default grid has ``steps_per_beat=4``
  (sixteenth notes). Shorter notes (a few 32nds) still fill one step.
- Tempo: scores have no tempo, so notes are timed at :data:`DEFAULT_TEMPO` = 100 bpm.
- Ties are merged into one note; grace notes (zero length) are dropped; repeats
  are not unfolded (each passage appears once, in score order).
- Pickups: a chorale that starts with an incomplete bar keeps its notes from time
  0; :attr:`Chorale.pickup_beats` says where the first downbeat is, and segments
  start on downbeats.
- Segments: ``bars`` bars of 4/4 (default 4 bars x 16 steps = 64 steps), one
  starting at every ``hop_bars``-th downbeat (default every bar, so neighbouring
  segments overlap by three bars). Only ``meter="4/4"`` pieces make segments by
  default, so every bar has the same length.
- Pitch: :data:`PITCH_OFFSET` = 28 (E1) and :data:`N_PITCHES` = 64 columns, i.e.
  E1..G6: the cleaned corpus spans MIDI 36..81 (C2..A5) in its original keys and
  31..84 after normalisation to C major / A minor, so +-3 semitones of
  augmentation still fit. 64 x 64 segments also halve neatly in a convolutional GAN.
- Keys: estimated with the Krumhansl-Schmuckler algorithm
  (:func:`musiclib.theory.estimate_key`) on the duration-weighted pitch-class
  histogram. ``transpose="normalize"`` shifts major pieces to C major and minor
  pieces to A minor by at most 6 semitones.

Cache
-----
Parsed chorales and built segments are stored as compressed ``.npz`` files (no
pickle; read with ``allow_pickle=False``, see :mod:`musiclib.data.cache`, which the
timbre dataset shares) under ``cache_dir`` (default
:data:`musiclib.config.CACHE_DIR`, ``data/cache/``). The file name carries a hash
of every build parameter plus the versions of music21, numpy and this module's
format, so changing a parameter builds a new file and a stale one is never read.
A file that is unreadable, or readable but not what its parameters imply (a missing
array, another shape or dtype, impossible values), is rebuilt with a warning. music21
parses every piece from source (``forceSource=True``), so its own pickle cache is
neither read nor written. Delete the folder to force a rebuild.

Quick mode (``MUSICLIB_QUICK=1``) builds from the first :data:`QUICK_PIECES` = 24
chorales of the corpus listing unless ``limit`` is given.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import html
import json
import os
import re
import warnings
from pathlib import Path

import numpy as np

from .. import config
from .._validation import check_choice, check_in_range, check_positive_int
from ..midi import _TEMPO_RANGE, Note, _as_roll, note_steps, read_midi
from . import cache as _cache

__all__ = [
    "VOICES",
    "VOICE_NAMES",
    "VOICE_RANGES",
    "VOICE_LAYOUTS",
    "DEFAULT_TEMPO",
    "PITCH_OFFSET",
    "N_PITCHES",
    "QUICK_PIECES",
    "REJECTION_REASONS",
    "KEPT_METERS",
    "SPLITS",
    "Chorale",
    "DatasetReport",
    "list_chorales",
    "load_chorales",
    "normalizing_shift",
    "chorale_pianoroll",
    "segment_pianoroll",
    "chorale_segments",
    "melody_groups",
    "split_pieces",
    "load_pianorolls",
]

#: Voice labels, from top to bottom.
VOICES = ("S", "A", "T", "B")
VOICE_NAMES = {"S": "Soprano", "A": "Alto", "T": "Tenor", "B": "Bass"}
#: Allowed MIDI pitch range (inclusive) of each voice; a note outside rejects the piece
#: as a "range outlier". About a third above the usual choir ranges, so only
#: mislabelled or instrumental parts are caught.
#: Layouts of a piano roll: all voices in one roll, or one channel per voice.
VOICE_LAYOUTS = ("merged", "separate")
VOICE_RANGES = {"S": (57, 84), "A": (50, 79), "T": (43, 74), "B": (33, 67)}
#: Quarter notes per minute at which chorale notes are timed (scores carry no tempo).
DEFAULT_TEMPO = 100.0
#: MIDI pitch of piano-roll column 0 (E1) and the number of columns (E1..G6): covers every
#: note of the cleaned corpus (31..84 after normalisation, 36..81 in the original keys) with
#: room for +-3 (normalised) or +-6 (original keys) semitones of augmentation.
PITCH_OFFSET = 28
N_PITCHES = 64
#: Pieces parsed in quick mode when no ``limit`` is given.
QUICK_PIECES = 24
#: Time signatures :func:`load_chorales` keeps by default (the others are a handful of pieces).
KEPT_METERS = ("3/4", "4/4")
REJECTION_REASONS = ("duplicate", "parse failure", "not four voices", "meter change", "unusual meter", "range outlier")
SPLITS = ("train", "val", "test")
_DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)
_FORMAT_VERSION = "5"  # bump when the cache layout or cleaning rules change
#: Finest grid of the dataset functions (steps per quarter note): 96 holds 32nd-note triplets and
#: keeps a whole chorale's roll small (the longest piece is about 300 beats).
_DATASET_MAX_STEPS_PER_BEAT = 96
#: Largest segment array segment_pianoroll builds by default: 2**28 values = 1 GiB of float32.
_MAX_SEGMENT_VALUES = 2**28


# --------------------------------------------------------------------------- records


@dataclasses.dataclass(frozen=True, eq=False)
class Chorale:
    """One cleaned chorale: metadata and its four voices as notes in seconds.

    Chapter: 03_symbolic_music_data

    Attributes
    ----------
    id : str
        Short id, e.g. ``"bwv269"`` (a file stem for pieces read from files).
    source : str
        music21 corpus name (``"bach/bwv269"``) or file path.
    key : str
        Estimated key, e.g. ``"G major"`` or ``"A minor"`` (tonic spelled as in
        :data:`musiclib.theory.KEY_TONIC_NAMES`).
    time_signature : str
        E.g. ``"4/4"``.
    tempo : float
        Quarter notes per minute at which :attr:`voices` are timed.
    pickup_beats : float
        Length of the opening incomplete bar in quarter notes (0 if none): the first
        downbeat sounds at ``pickup_beats * 60 / tempo`` seconds.
    voices : dict
        ``{"S": [Note, ...], "A": ..., "T": ..., "B": ...}``, each list sorted.
    """

    id: str
    source: str
    key: str
    time_signature: str
    tempo: float
    pickup_beats: float
    voices: dict

    @property
    def notes(self) -> list:
        """All notes of the four voices, sorted by start then pitch (seconds)."""
        return sorted(note for voice in VOICES for note in self.voices[voice])

    @property
    def beats_per_bar(self) -> float:
        """Quarter notes per bar (4 for 4/4, 3 for 3/4, 6 for 3/2)."""
        numerator, denominator = (int(x) for x in self.time_signature.split("/"))
        return numerator * 4.0 / denominator

    @property
    def duration(self) -> float:
        """Time of the last note-off, in seconds."""
        return max((note.end for note in self.notes), default=0.0)

    @property
    def tonic_pitch_class(self) -> int:
        """Pitch class of the key's tonic (C = 0 ... B = 11)."""
        from ..theory import KEY_TONIC_NAMES

        tonic, mode = self.key.split()
        return KEY_TONIC_NAMES[mode].index(tonic)

    @property
    def mode(self) -> str:
        """``"major"`` or ``"minor"``."""
        return self.key.split()[1]

    def transposed(self, semitones: int) -> Chorale:
        """Return a copy with every note (and the key) shifted by ``semitones``.

        Raises
        ------
        ValueError
            If ``semitones`` is not an integer or a pitch would leave 0..127.
        """
        from ..theory import KEY_TONIC_NAMES

        semitones = check_in_range("semitones", semitones, -127, 127, integer=True)
        voices = {
            voice: [dataclasses.replace(note, pitch=note.pitch + semitones) for note in notes]
            for voice, notes in self.voices.items()
        }
        tonic = KEY_TONIC_NAMES[self.mode][(self.tonic_pitch_class + semitones) % 12]
        return dataclasses.replace(self, voices=voices, key=f"{tonic} {self.mode}")

    def __repr__(self) -> str:
        counts = ", ".join(f"{v}={len(self.voices[v])}" for v in VOICES)
        return (
            f"Chorale(id={self.id!r}, key={self.key!r}, time_signature={self.time_signature!r}, "
            f"tempo={self.tempo:g}, notes: {counts}, duration={self.duration:.1f} s)"
        )


@dataclasses.dataclass(frozen=True)
class DatasetReport:
    """What the cleaning step did: how many pieces were found, parsed, kept, and why others went.

    Every piece found is kept or rejected for exactly one reason, so
    ``n_kept + n_rejected == n_found``; a piece listed twice is rejected as a
    duplicate before parsing, so ``n_parsed == n_found - count("parse failure") - n_relisted``
    where ``n_relisted`` counts those (``"listed again"`` duplicates).

    Chapter: 03_symbolic_music_data

    Attributes
    ----------
    n_found : int
        Pieces the build looked at (entries of the listing, repeats included).
    n_parsed : int
        Pieces music21 parsed successfully.
    kept : tuple of str
        Ids of the kept pieces.
    rejected : tuple of (str, str, str)
        ``(id, reason, detail)`` of each rejected piece; ``reason`` is one of
        :data:`REJECTION_REASONS`.

    Examples
    --------
    >>> report = DatasetReport(n_found=3, n_parsed=2, kept=("a",), rejected=(("b", "unusual meter", "3/2"), ("c", "parse failure", "...")))
    >>> report.counts()["kept"], report.count("unusual meter")
    (1, 1)
    """

    n_found: int
    n_parsed: int
    kept: tuple
    rejected: tuple

    @property
    def n_kept(self) -> int:
        return len(self.kept)

    @property
    def n_rejected(self) -> int:
        return len(self.rejected)

    def count(self, reason: str) -> int:
        """Number of pieces rejected for ``reason``."""
        check_choice("reason", reason, REJECTION_REASONS)
        return sum(1 for _, r, _ in self.rejected if r == reason)

    def counts(self) -> dict:
        """``{"found": ..., "parsed": ..., "kept": ..., "rejected": ..., <reason>: ...}``."""
        out = {"found": self.n_found, "parsed": self.n_parsed, "kept": self.n_kept, "rejected": self.n_rejected}
        out.update({reason: self.count(reason) for reason in REJECTION_REASONS})
        return out

    def rows(self) -> list:
        """Table rows ``(what, count, examples)``."""
        rows = [("found", self.n_found, ""), ("parsed", self.n_parsed, ""), ("kept", self.n_kept, "")]
        for reason in REJECTION_REASONS:
            items = [(pid, detail) for pid, r, detail in self.rejected if r == reason]
            examples = "; ".join(f"{pid}: {detail}" for pid, detail in items[:3])
            if len(items) > 3:
                examples += f"; ... ({len(items) - 3} more)"
            rows.append((f"rejected: {reason}", len(items), examples))
        return rows

    def as_table(self) -> str:
        """The report as a Markdown table (readable as plain text too)."""
        lines = ["| step | pieces | examples |", "|---|---:|---|"]
        lines += [f"| {what} | {n} | {examples.replace('|', '/')} |" for what, n, examples in self.rows()]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_table()

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<tr><td>{html.escape(what)}</td><td style='text-align:right'>{n}</td>"
            f"<td>{html.escape(examples)}</td></tr>"
            for what, n, examples in self.rows()
        )
        return f"<table><tr><th>step</th><th>pieces</th><th>examples</th></tr>{cells}</table>"


# --------------------------------------------------------------------------- parsing


def list_chorales() -> list:
    """Return the music21 corpus names of the Bach chorales, in corpus order.

    Chapter: 03_symbolic_music_data

    Returns
    -------
    list of str
        E.g. ``["bach/bwv269", "bach/bwv347", ...]`` (371 with music21 10.5).
    """
    from music21 import corpus

    return [str(name) for name in corpus.chorales.Iterator(returnType="filename")]


def _piece_id(source: str) -> str:
    """``"bach/bwv153.1"`` -> ``"bwv153.1"``; a file path -> its name without extension."""
    return Path(source).stem if Path(source).is_file() else source.rsplit("/", 1)[-1]


def _is_midi_file(path: Path) -> bool:
    if path.suffix.lower() in (".mid", ".midi", ".smf"):
        return True
    with open(path, "rb") as fh:
        return fh.read(4) == b"MThd"


def _parse_source(source: str):
    """Parse one corpus name or file with music21 (may raise anything music21 raises).

    A MIDI file is first read with :func:`musiclib.midi.read_midi`, which raises
    :class:`musiclib.midi.MidiError` on a truncated, corrupt or oversized file: music21's
    own MIDI reader silently keeps whatever precedes the damage of a truncated file
    (a chorale cut at 90 % loses half its bass and still looks like four voices).

    ``forceSource=True``: music21 would otherwise keep a pickle of every parsed piece in its
    scratch folder and unpickle it on the next parse; the course reads no pickles (see the
    timing in ``data/README.md``: parsing from source costs little, and the result is cached
    as ``.npz`` anyway).
    """
    from music21 import converter, corpus

    path = Path(source)
    if path.is_file():
        if _is_midi_file(path):
            read_midi(path)
        return converter.parse(source, forceSource=True)
    return corpus.parse(source, forceSource=True)


class _Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _pick_voices(score) -> list:
    parts = list(score.parts)
    if len(parts) == 4:
        return parts
    chosen = []
    for voice in VOICES:
        name = VOICE_NAMES[voice].lower()
        matches = [p for p in parts if (p.partName or "").strip().lower().startswith(name)]
        if len(matches) != 1:
            names = [p.partName for p in parts]
            raise _Rejected("not four voices", f"{len(parts)} parts {names}, {len(matches)} named {VOICE_NAMES[voice]}")
        chosen.append(matches[0])
    return chosen


def _part_spans(part) -> list:
    """``[(pitch, start_beats, end_beats)]`` of one part, tied notes merged, grace notes dropped."""
    spans = []
    open_ties = {}  # pitch -> index into spans of the note a tie continues
    for element in part.flatten().notes:
        start = float(element.offset)
        length = float(element.quarterLength)
        if length <= 0:
            continue  # grace note
        members = element.notes if element.isChord else [element]
        for member in members:
            pitch = int(member.pitch.midi)
            tie = member.tie.type if member.tie is not None else (element.tie.type if element.tie is not None else None)
            index = open_ties.pop(pitch, None)
            if index is not None and tie in ("continue", "stop") and abs(spans[index][2] - start) < 1e-9:
                p, s, _ = spans[index]
                spans[index] = (p, s, start + length)
            else:
                index = len(spans)
                spans.append((pitch, start, start + length))
            if tie in ("start", "continue"):
                open_ties[pitch] = index
    return spans


def _extract(score, source: str, meters) -> dict:
    """Validate one parsed score; return its record in beats or raise _Rejected."""
    from ..theory import estimate_key, pitch_class_histogram

    parts = _pick_voices(score)
    signatures = []
    for ts in parts[0].recurse().getElementsByClass("TimeSignature"):
        if ts.ratioString not in signatures:
            signatures.append(ts.ratioString)
    if len(signatures) > 1:
        raise _Rejected("meter change", " -> ".join(signatures))
    if not signatures or signatures[0] not in meters:
        raise _Rejected("unusual meter", signatures[0] if signatures else "no time signature")
    time_signature = signatures[0]
    numerator, denominator = (int(x) for x in time_signature.split("/"))
    bar = numerator * 4.0 / denominator

    voices = {}
    for voice, part in zip(VOICES, parts):
        spans = _part_spans(part)
        if not spans:
            raise _Rejected("not four voices", f"voice {VOICE_NAMES[voice]} has no notes")
        low, high = VOICE_RANGES[voice]
        pitches = [s[0] for s in spans]
        if min(pitches) < low or max(pitches) > high:
            raise _Rejected(
                "range outlier", f"{VOICE_NAMES[voice]} spans {min(pitches)}..{max(pitches)}, allowed {low}..{high}"
            )
        voices[voice] = spans

    measures = parts[0].getElementsByClass("Measure")
    first_length = float(measures[0].duration.quarterLength) if len(measures) else bar
    pickup = first_length if 0 < first_length < bar - 1e-9 else 0.0

    all_spans = [s for spans in voices.values() for s in spans]
    histogram = pitch_class_histogram([s[0] for s in all_spans], weights=[s[2] - s[1] for s in all_spans])
    tonic, mode = estimate_key(histogram)
    return {
        "id": _piece_id(source),
        "source": source,
        "key": f"{tonic} {mode}",
        "time_signature": time_signature,
        "pickup_beats": pickup,
        "voices": voices,
    }


# --------------------------------------------------------------------------- cache (musiclib.data.cache)


def _cache_dir(cache_dir) -> Path:
    return _cache.cache_dir(cache_dir)


def _versions() -> dict:
    from importlib.metadata import version

    return {"music21": version("music21"), "numpy": np.__version__, "format": _FORMAT_VERSION}


def _cache_key(params: dict) -> str:
    return _cache.cache_key(params, _versions())


_save_npz = _cache.save_npz
_load_npz = _cache.load_npz
_check_arrays = _cache.check_arrays


_CHORALE_ARRAYS = {
    "ids": ("U", ("pieces",)),
    "sources": ("U", ("pieces",)),
    "keys": ("U", ("pieces",)),
    "time_signatures": ("U", ("pieces",)),
    "pickup_beats": ("f", ("pieces",)),
    "note_piece": ("i", ("notes",)),
    "note_voice": ("i", ("notes",)),
    "note_pitch": ("i", ("notes",)),
    "note_start_beats": ("f", ("notes",)),
    "note_end_beats": ("f", ("notes",)),
    "n_found": ("iu", ()),
    "n_parsed": ("iu", ()),
    "rejected_ids": ("U", ("rejected",)),
    "rejected_reasons": ("U", ("rejected",)),
    "rejected_details": ("U", ("rejected",)),
}


def _check_chorale_arrays(arrays: dict):
    """None if ``arrays`` is a consistent chorales cache (see :func:`_build_chorales`), else what is wrong."""
    problem = _check_arrays(arrays, _CHORALE_ARRAYS)
    if problem is not None:
        return problem
    n_pieces = len(arrays["ids"])
    start, end = arrays["note_start_beats"], arrays["note_end_beats"]
    if np.any((arrays["note_piece"] < 0) | (arrays["note_piece"] >= n_pieces)):
        return "note_piece points outside the pieces"
    if np.any((arrays["note_voice"] < 0) | (arrays["note_voice"] >= len(VOICES))):
        return "note_voice is not a voice index 0..3"
    if np.any((arrays["note_pitch"] < 0) | (arrays["note_pitch"] > 127)):
        return "note_pitch is outside 0..127"
    if not (np.all(np.isfinite(start)) and np.all(np.isfinite(end)) and np.all(start >= 0) and np.all(end > start)):
        return "note times are not finite with 0 <= start < end"
    if not np.all(np.isfinite(arrays["pickup_beats"])) or np.any(arrays["pickup_beats"] < 0):
        return "pickup_beats is not finite and >= 0"
    if not all(re.fullmatch(r"[A-G][b#]? (major|minor)", str(k)) for k in arrays["keys"]):
        return "keys holds a key that is not like 'G major'"
    if not all(re.fullmatch(r"[1-9][0-9]*/[1-9][0-9]*", str(t)) for t in arrays["time_signatures"]):
        return "time_signatures holds something that is not like '4/4'"
    if not set(arrays["rejected_reasons"].tolist()) <= set(REJECTION_REASONS):
        return "rejected_reasons holds an unknown reason"
    n_found, n_parsed = int(arrays["n_found"]), int(arrays["n_parsed"])
    if n_found != n_pieces + len(arrays["rejected_ids"]) or n_parsed > n_found:
        return "n_found / n_parsed do not match the kept and rejected pieces"
    return None


def _check_pianoroll_arrays(arrays: dict, params: dict):
    """None if ``arrays`` holds the segments ``params`` imply (see :func:`_build_pianorolls`), else what is wrong."""
    beats_per_bar = {"4/4": 4, "3/4": 3}[params["meter"]]
    time_steps = params["bars"] * beats_per_bar * params["steps_per_beat"]
    spec = {
        "rolls": ("u", ("segments", time_steps, params["n_pitches"]) + ((len(VOICES),) if params["voices"] == "separate" else ())),
        "piece_ids": ("U", ("segments",)),
        "skipped": ("U", ("skipped",)),
    }
    problem = _check_arrays(arrays, spec)
    if problem is not None:
        return problem
    if arrays["rolls"].dtype != np.uint8:
        return f"rolls has dtype {arrays['rolls'].dtype}"
    if arrays["rolls"].size and arrays["rolls"].max() > 1:
        return "rolls holds values other than 0 and 1"
    return None


def _source_fingerprint(source: str):
    path = Path(source)
    if path.is_file():
        stat = path.stat()
        return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]
    return source


# --------------------------------------------------------------------------- chorales


def _resolve_sources(sources, limit):
    """Return ``(sources or None, limit, fingerprint)``; ``None`` = the corpus listing, read only when building.

    The corpus is fingerprinted by music21's version (in the cache key) rather than
    by its listing, so a cached load never has to import music21 (about 0.5 s).
    """
    if sources is None:
        if limit is None and config.is_quick():
            limit = QUICK_PIECES
        fingerprint = "music21 corpus: Bach chorales"
    else:
        if isinstance(sources, (str, bytes, os.PathLike)):
            raise ValueError("sources must be a list of corpus names or file paths, not a single string")
        if not isinstance(sources, collections.abc.Iterable):
            raise TypeError(f"sources must be a list of corpus names or file paths, got {type(sources).__name__}")
        sources = list(sources)
        for i, source in enumerate(sources):
            if not isinstance(source, (str, os.PathLike)):
                raise TypeError(f"sources[{i}]={source!r} must be a corpus name (str) or a file path")
        sources = [os.fspath(s) for s in sources]
        if not sources:
            raise ValueError("sources must not be empty")
        fingerprint = None
    if limit is not None:
        limit = check_positive_int("limit", limit)
        if sources is not None:
            sources = sources[:limit]
    if fingerprint is None:
        fingerprint = [_source_fingerprint(s) for s in sources]
    return sources, limit, {"sources": fingerprint, "limit": limit}


def _build_chorales(sources, limit, meters, progress) -> dict:
    """Parse and clean; return the cache arrays."""
    from tqdm.auto import tqdm

    if sources is None:
        sources = list_chorales()[:limit]

    note_rows, pieces, rejected = [], [], []
    seen_sources, seen_content, n_parsed = set(), {}, 0
    for source in tqdm(sources, desc="Parsing chorales", unit="piece", disable=not progress):
        try:
            if source in seen_sources:
                raise _Rejected("duplicate", "listed again")
            seen_sources.add(source)
            try:
                record = _extract(_parse_source(source), source, meters)
            except _Rejected:
                n_parsed += 1  # parsed, then rejected by a cleaning rule
                raise
            except Exception as err:  # music21 raises many kinds; a bad piece must not stop the build
                raise _Rejected("parse failure", f"{type(err).__name__}: {err}"[:200]) from err
            n_parsed += 1
            content = json.dumps([record["voices"][v] for v in VOICES])
            if content in seen_content:
                raise _Rejected("duplicate", f"same notes as {seen_content[content]}")
            seen_content[content] = record["id"]
            taken = {p["id"] for p in pieces}
            base_id, copy = record["id"], 1
            while record["id"] in taken:  # two files with one name: keep ids unique
                copy += 1
                record["id"] = f"{base_id}#{copy}"
        except _Rejected as rejection:
            rejected.append((_piece_id(source), rejection.reason, rejection.detail))
            continue
        for voice_index, voice in enumerate(VOICES):
            note_rows += [(len(pieces), voice_index, *span) for span in record["voices"][voice]]
        pieces.append(record)
    rows = np.array(note_rows, dtype=np.float64).reshape(-1, 5)

    def strings(values):
        return np.array(list(values), dtype=str)

    return {
        "ids": strings(p["id"] for p in pieces),
        "sources": strings(p["source"] for p in pieces),
        "keys": strings(p["key"] for p in pieces),
        "time_signatures": strings(p["time_signature"] for p in pieces),
        "pickup_beats": np.array([p["pickup_beats"] for p in pieces], dtype=np.float64),
        "note_piece": rows[:, 0].astype(np.int32),
        "note_voice": rows[:, 1].astype(np.int8),
        "note_pitch": rows[:, 2].astype(np.int16),
        "note_start_beats": rows[:, 3],
        "note_end_beats": rows[:, 4],
        "n_found": np.array(len(sources)),
        "n_parsed": np.array(n_parsed),
        "rejected_ids": strings(r[0] for r in rejected),
        "rejected_reasons": strings(r[1] for r in rejected),
        "rejected_details": strings(r[2] for r in rejected),
    }


def _chorales_from_arrays(arrays: dict, tempo: float):
    sec_per_beat = 60.0 / tempo
    order = np.lexsort((arrays["note_pitch"], arrays["note_start_beats"], arrays["note_voice"], arrays["note_piece"]))
    piece, voice = arrays["note_piece"][order], arrays["note_voice"][order]
    pitch = arrays["note_pitch"][order]
    start = arrays["note_start_beats"][order] * sec_per_beat
    end = arrays["note_end_beats"][order] * sec_per_beat
    bounds = np.searchsorted(piece, np.arange(len(arrays["ids"]) + 1))
    chorales = []
    for i, piece_id in enumerate(arrays["ids"]):
        voices = {v: [] for v in VOICES}
        for j in range(bounds[i], bounds[i + 1]):
            voices[VOICES[voice[j]]].append(Note(int(pitch[j]), float(start[j]), float(end[j])))
        chorales.append(
            Chorale(
                id=str(piece_id),
                source=str(arrays["sources"][i]),
                key=str(arrays["keys"][i]),
                time_signature=str(arrays["time_signatures"][i]),
                tempo=float(tempo),
                pickup_beats=float(arrays["pickup_beats"][i]),
                voices=voices,
            )
        )
    report = DatasetReport(
        n_found=int(arrays["n_found"]),
        n_parsed=int(arrays["n_parsed"]),
        kept=tuple(str(x) for x in arrays["ids"]),
        rejected=tuple(
            (str(a), str(b), str(c))
            for a, b, c in zip(arrays["rejected_ids"], arrays["rejected_reasons"], arrays["rejected_details"])
        ),
    )
    return chorales, report


def load_chorales(
    sources=None,
    *,
    limit=None,
    tempo: float = DEFAULT_TEMPO,
    meters=KEPT_METERS,
    return_report: bool = False,
    cache_dir=None,
    use_cache: bool = True,
    progress: bool = True,
):
    """Load the cleaned Bach chorales as :class:`Chorale` records (parsed once, then cached).

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    sources : list of str or None
        music21 corpus names (``"bach/bwv269"``) or paths to score files music21 can
        read (MusicXML, ...). ``None`` (default): all chorales of :func:`list_chorales`.
    limit : int or None
        Keep only the first ``limit`` sources (a fast subset: ``limit=2`` parses two
        pieces in about a second). ``None`` means all, except in quick mode
        (:func:`musiclib.config.is_quick`) where the corpus is cut to
        :data:`QUICK_PIECES` = 24.
    tempo : float
        Quarter notes per minute used to turn beats into the notes' seconds, in [0.001, 60e6].
    meters : tuple of str
        Time signatures kept; others are rejected as ``"unusual meter"``.
    return_report : bool
        If True, also return the :class:`DatasetReport`.
    cache_dir : str, os.PathLike or None
        Cache folder; ``None`` = :data:`musiclib.config.CACHE_DIR`.
    use_cache : bool
        If False, parse again and do not read or write the cache.
    progress : bool
        Show a progress bar while parsing.

    Returns
    -------
    chorales : list of Chorale
        The kept pieces, in source order.
    report : DatasetReport
        Only with ``return_report=True``.

    Raises
    ------
    ValueError
        If a parameter is out of range. A piece that fails to parse is reported, not raised.
    TypeError
        If ``sources`` is not a list of strings or paths.

    Examples
    --------
    >>> chorales = load_chorales(limit=2, progress=False)
    >>> chorales[0].id, chorales[0].key, chorales[0].time_signature
    ('bwv269', 'G major', '3/4')
    """
    tempo = check_in_range("tempo", tempo, *_TEMPO_RANGE)
    if isinstance(meters, str) or not meters or not all(isinstance(m, str) and m.count("/") == 1 for m in meters):
        raise ValueError(f"meters={meters!r} must be a non-empty tuple of strings like '4/4'")
    meters = tuple(sorted(set(meters)))
    sources, limit, fingerprint = _resolve_sources(sources, limit)
    params = {"kind": "chorales", **fingerprint, "meters": meters}
    path = _cache_dir(cache_dir) / f"chorales-{_cache_key(params)}.npz" if use_cache else None
    arrays = _load_npz(path, _check_chorale_arrays) if use_cache else None
    if arrays is None:
        arrays = _build_chorales(sources, limit, meters, progress)
        if use_cache:
            _save_npz(path, arrays)
    chorales, report = _chorales_from_arrays(arrays, tempo)
    return (chorales, report) if return_report else chorales


# --------------------------------------------------------------------------- piano rolls


def normalizing_shift(key: str) -> int:
    """Semitones that move ``key`` to C major (major keys) or A minor (minor keys), in [-6, 5].

    Chapter: 03_symbolic_music_data

    Examples
    --------
    >>> normalizing_shift("G major"), normalizing_shift("F# minor"), normalizing_shift("A minor")
    (5, 3, 0)
    """
    from ..theory import KEY_TONIC_NAMES, note_to_midi

    try:
        tonic, mode = key.split()
        tonic_pc = note_to_midi(f"{tonic}4") % 12
        check_choice("mode", mode, tuple(KEY_TONIC_NAMES))
    except (ValueError, AttributeError) as err:
        raise ValueError(f"key={key!r} must look like 'G major' or 'F# minor'") from err
    target = 0 if mode == "major" else 9
    return (target - tonic_pc + 6) % 12 - 6


def chorale_pianoroll(
    chorale: Chorale,
    *,
    steps_per_beat: int = 4,
    transpose: int = 0,
    pitch_offset: int = PITCH_OFFSET,
    n_pitches: int = N_PITCHES,
    max_steps: int = 100_000,
    voices: str = "merged",
) -> np.ndarray:
    """The whole chorale as one binary piano roll, shifted by ``transpose`` semitones.

    Chapter: 03_symbolic_music_data

    Each voice stays monophonic on the grid: notes are quantised as in
    :func:`musiclib.midi.notes_to_pianoroll`, and where two notes of one voice land in
    the same step (a pair of 32nd notes on a sixteenth grid) the later note wins. So a
    step never holds more than four sounding pitches.

    Parameters
    ----------
    chorale : Chorale
    steps_per_beat : int
        Time steps per quarter note, in [1, 96].
    transpose : int
        Semitones, in [-24, 24].
    pitch_offset, n_pitches : int
        Pitch of column 0 in [0, 127] and number of columns, ``pitch_offset + n_pitches <= 128``.
    max_steps : int
        Refuse a roll longer than this many steps (default 100 000; the longest chorale
        needs about 1 200 at the default grid), so bad input cannot exhaust memory.

    voices : {"merged", "separate"}
        ``"merged"``: one roll holding every voice; ``"separate"``: one channel per voice
        S, A, T, B (each monophonic: see :mod:`musiclib.voices`).

    Returns
    -------
    np.ndarray [shape=(n_steps, n_pitches) or (n_steps, n_pitches, 4), dtype=float32]
        ``roll[step, pitch - pitch_offset]`` (``[..., voice]`` when separate); step 0 is the chorale's time 0.

    Raises
    ------
    ValueError
        If a (transposed) note falls outside ``[pitch_offset, pitch_offset + n_pitches)``,
        a parameter is out of range, or the roll would exceed ``max_steps``.
    TypeError
        If ``chorale`` is not a :class:`Chorale`.
    """
    if not isinstance(chorale, Chorale):
        raise TypeError(f"chorale must be a musiclib.data.Chorale, got {type(chorale).__name__}")
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, _DATASET_MAX_STEPS_PER_BEAT, integer=True)
    transpose = check_in_range("transpose", transpose, -24, 24, integer=True)
    max_steps = check_positive_int("max_steps", max_steps)
    check_choice("voices", voices, VOICE_LAYOUTS)
    if transpose:
        chorale = chorale.transposed(transpose)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n_pitches = check_in_range("n_pitches", n_pitches, 1, 128 - pitch_offset, integer=True)
    voice_steps = {}
    for voice in VOICES:
        notes = chorale.voices[voice]
        for note in notes:
            if not pitch_offset <= note.pitch < pitch_offset + n_pitches:
                raise ValueError(
                    f"pitch {note.pitch} ({VOICE_NAMES[voice]}) is outside pitch_offset={pitch_offset} .. "
                    f"{pitch_offset + n_pitches - 1} (n_pitches={n_pitches})"
                )
        voice_steps[voice] = note_steps(notes, steps_per_beat=steps_per_beat, tempo=chorale.tempo)
    n_steps = max((int(s[:, 1].max()) for s in voice_steps.values() if len(s)), default=0)
    if n_steps > max_steps:
        raise ValueError(
            f"the chorale needs {n_steps} steps at steps_per_beat={steps_per_beat}, more than max_steps={max_steps}"
        )
    roll = np.zeros((n_steps, n_pitches, len(VOICES)), dtype=np.float32)
    for v, voice in enumerate(VOICES):
        voice_roll = np.full(n_steps, -1)  # the sounding column of this voice at each step, -1 = rest
        for note, (on, off) in zip(chorale.voices[voice], voice_steps[voice]):
            voice_roll[on:off] = note.pitch - pitch_offset  # notes are sorted: a later note overwrites
        sounding = np.nonzero(voice_roll >= 0)[0]
        roll[sounding, voice_roll[sounding], v] = 1.0
    return roll if voices == "separate" else roll.max(axis=-1)


def segment_pianoroll(
    roll, *, window_steps: int, hop_steps: int, start_step: int = 0, max_values: int = _MAX_SEGMENT_VALUES
) -> np.ndarray:
    """Cut fixed-size windows ``roll[s : s + window_steps]`` for ``s = start_step, start_step + hop_steps, ...``.

    Only whole windows are returned (a short tail is dropped).

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    roll : np.ndarray [shape=(n_steps, n_pitches)]
        A finite real (or boolean) piano roll.
    window_steps, hop_steps : int
        Window length and distance between window starts, in steps, each in [1, 2**31].
    start_step : int
        Start of the first window, in [0, 2**31].
    max_values : int
        Refuse to return more than this many values (default 2**28, 1 GiB of float32): a
        hop much shorter than the window copies each step many times.

    Returns
    -------
    np.ndarray [shape=(n_windows, window_steps, n_pitches)]
        Same dtype as ``roll``.

    Raises
    ------
    ValueError
        If ``roll`` is not a finite real 2-D array, a parameter is out of range, or the
        windows would hold more than ``max_values`` values.

    Examples
    --------
    >>> segment_pianoroll(np.zeros((10, 3)), window_steps=4, hop_steps=2).shape
    (4, 4, 3)
    """
    roll = _as_roll("roll", roll, 2, "(n_steps, n_pitches)")
    window_steps = check_in_range("window_steps", window_steps, 1, 2**31, integer=True)
    hop_steps = check_in_range("hop_steps", hop_steps, 1, 2**31, integer=True)
    start_step = check_in_range("start_step", start_step, 0, 2**31, integer=True)
    max_values = check_positive_int("max_values", max_values)
    starts = range(start_step, roll.shape[0] - window_steps + 1, hop_steps)
    n_values = len(starts) * window_steps * roll.shape[1]
    if n_values > max_values:
        raise ValueError(
            f"{len(starts)} windows of window_steps={window_steps} with hop_steps={hop_steps} would hold "
            f"{n_values} values, more than max_values={max_values}: use a larger hop_steps or a shorter roll"
        )
    out = np.zeros((len(starts), window_steps, roll.shape[1]), dtype=roll.dtype)
    for i, s in enumerate(starts):
        out[i] = roll[s : s + window_steps]
    return out


def chorale_segments(
    chorale: Chorale,
    *,
    steps_per_beat: int = 4,
    bars: int = 4,
    hop_bars: int = 1,
    transpose: int = 0,
    pitch_offset: int = PITCH_OFFSET,
    n_pitches: int = N_PITCHES,
    voices: str = "merged",
) -> np.ndarray:
    """Bar-aligned piano-roll segments of one chorale: ``bars`` bars, one starting every ``hop_bars`` bars.

    Segments start on downbeats (after the pickup, see :attr:`Chorale.pickup_beats`).

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    chorale : Chorale
    steps_per_beat : int
        Time steps per quarter note, in [1, 96].
    bars, hop_bars : int
        Bars per segment and bars between segment starts, each in [1, 64].
    transpose, pitch_offset, n_pitches, voices
        As in :func:`chorale_pianoroll`.

    Returns
    -------
    np.ndarray [shape=(n_segments, bars * beats_per_bar * steps_per_beat, n_pitches), dtype=float32]
        With ``voices="separate"`` a last axis of 4 voices (S, A, T, B) is added.

    Raises
    ------
    ValueError
        If a parameter is out of range (see also :func:`chorale_pianoroll`).
    """
    bars = check_in_range("bars", bars, 1, 64, integer=True)
    hop_bars = check_in_range("hop_bars", hop_bars, 1, 64, integer=True)
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, _DATASET_MAX_STEPS_PER_BEAT, integer=True)
    roll = chorale_pianoroll(
        chorale,
        steps_per_beat=steps_per_beat,
        transpose=transpose,
        pitch_offset=pitch_offset,
        n_pitches=n_pitches,
        voices=voices,
    )
    bar_steps = int(round(chorale.beats_per_bar * steps_per_beat))
    # Voices ride along as extra columns, so one windowing serves both layouts.
    segments = segment_pianoroll(
        roll.reshape(len(roll), -1),
        window_steps=bars * bar_steps,
        hop_steps=hop_bars * bar_steps,
        start_step=int(round(chorale.pickup_beats * steps_per_beat)),
    )
    return segments.reshape(segments.shape[:2] + roll.shape[1:])


def melody_groups(chorales) -> dict:
    """Group chorales that harmonise the same melody: ``{id: group}``.

    Bach harmonised many hymn tunes more than once. Two chorales share a group when
    their soprano lines have the same sequence of intervals (so transposed
    harmonisations match); the group is named after the first such chorale. Passing
    these groups to :func:`split_pieces` keeps every harmonisation of a tune in one
    split, so a model is never tested on a tune it was trained on.

    Chapter: 03_symbolic_music_data

    Returns
    -------
    dict
        Chorale id -> group name (an id).

    Raises
    ------
    TypeError
        If ``chorales`` is not an iterable of :class:`Chorale`.
    """
    if isinstance(chorales, (str, bytes, Chorale)) or not isinstance(chorales, collections.abc.Iterable):
        raise TypeError(f"chorales must be an iterable of musiclib.data.Chorale, got {type(chorales).__name__}")
    first = {}
    groups = {}
    for i, chorale in enumerate(chorales):
        if not isinstance(chorale, Chorale):
            raise TypeError(f"chorales[{i}] must be a musiclib.data.Chorale, got {type(chorale).__name__}")
        soprano = [note.pitch for note in chorale.voices["S"]]
        signature = tuple(np.diff(soprano).tolist())
        groups[chorale.id] = first.setdefault(signature, chorale.id)
    return groups


def _check_fractions(fractions) -> np.ndarray:
    """Three real numbers >= 0 summing to 1, as float64; ValueError naming ``fractions`` otherwise."""
    message = f"fractions={fractions!r:.80} must be three numbers >= 0 that sum to 1"
    try:
        arr = np.asarray(fractions)
    except (ValueError, TypeError) as err:
        raise ValueError(message) from err
    if arr.dtype.kind not in "iuf" or arr.shape != (3,):  # refuses bool, complex, str, object and None
        raise ValueError(message)
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or not np.isclose(arr.sum(), 1.0):
        raise ValueError(message)
    return arr


def split_pieces(ids, *, seed: int = 0, fractions=_DEFAULT_FRACTIONS, groups=None) -> dict:
    """Split piece ids into ``{"train": [...], "val": [...], "test": [...]}``, deterministically.

    The groups (each piece its own group unless ``groups`` says otherwise) are sorted,
    shuffled with ``numpy.random.default_rng(seed)`` and dealt out: to validation until
    it holds ``round(fractions[1] * n)`` pieces, then to test likewise, the rest to
    train. With 3 or more groups every split with a non-zero fraction gets at least
    one piece. Split by piece (and by group), never by segment, so overlapping
    segments of one chorale cannot sit on both sides.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    ids : iterable of str
        Unique piece ids.
    seed : int
        Seed of the shuffle (>= 0).
    fractions : tuple of 3 floats
        Train / val / test shares, >= 0, summing to 1.
    groups : dict or None
        Optional id -> group label (e.g. :func:`melody_groups`); a group never straddles splits.

    Returns
    -------
    dict
        ``{"train": [...], "val": [...], "test": [...]}``, each a sorted list of ids.

    Raises
    ------
    ValueError
        If ids repeat, ``seed`` is not an integer in [0, 2**63 - 1], ``fractions`` is not
        three real non-negative numbers summing to 1, or ``groups`` misses an id.
    TypeError
        If ``ids`` is a single string (or bytes) or not iterable, or ``groups`` is not a mapping.

    Examples
    --------
    >>> parts = split_pieces([f"p{i}" for i in range(10)], seed=1)
    >>> [len(parts[s]) for s in ("train", "val", "test")]
    [8, 1, 1]
    """
    if isinstance(ids, (str, bytes)) or not isinstance(ids, collections.abc.Iterable):
        # A string is iterable, but splitting its characters is never what was meant.
        raise TypeError(f"ids must be an iterable of piece ids (e.g. a list of str), got {type(ids).__name__}")
    ids = sorted(str(i) for i in ids)
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")
    seed = check_in_range("seed", seed, 0, 2**63 - 1, integer=True)
    fractions = _check_fractions(fractions)
    if groups is not None and not isinstance(groups, collections.abc.Mapping):
        raise TypeError(f"groups must be a dict: id -> group label (see melody_groups), got {type(groups).__name__}")
    if groups is None:
        groups = {i: i for i in ids}
    missing = [i for i in ids if i not in groups]
    if missing:
        raise ValueError(f"groups has no entry for {missing[:3]}")
    members = {}
    for i in ids:
        members.setdefault(str(groups[i]), []).append(i)
    labels = sorted(members)
    n = len(ids)
    wanted = [int(round(f * n)) for f in fractions[1:]]
    if len(labels) >= 3:
        wanted = [max(w, int(f > 0)) for w, f in zip(wanted, fractions[1:])]
    out = {"train": [], "val": [], "test": []}
    for index in np.random.default_rng(seed).permutation(len(labels)):
        group = members[labels[index]]
        if len(out["val"]) < wanted[0]:
            out["val"] += group
        elif len(out["test"]) < wanted[1]:
            out["test"] += group
        else:
            out["train"] += group
    return {name: sorted(split) for name, split in out.items()}


def load_pianorolls(
    split: str = "train",
    *,
    seed: int = 0,
    steps_per_beat: int = 4,
    bars: int = 4,
    hop_bars: int = 1,
    transpose: str = "normalize",
    augment_semitones: int = 0,
    meter: str = "4/4",
    pitch_offset: int = PITCH_OFFSET,
    n_pitches: int = N_PITCHES,
    fractions=_DEFAULT_FRACTIONS,
    sources=None,
    limit=None,
    return_pieces: bool = False,
    cache_dir=None,
    use_cache: bool = True,
    progress: bool = True,
    voices: str = "merged",
):
    """Fixed-size binary piano-roll segments of the chorales of one split, ready for a GAN.

    Pieces in ``meter`` are split by piece, harmonisations of one melody kept together
    (:func:`split_pieces` with :func:`melody_groups`), optionally
    transposed, turned into rolls (:func:`chorale_pianoroll`) and cut into
    bar-aligned segments (:func:`chorale_segments`). Built once and cached.

    Chapter: 03_symbolic_music_data (used in 09-12)

    Parameters
    ----------
    split : {"train", "val", "test"}
    seed : int
        Seed of the piece split, in [0, 2**63 - 1].
    steps_per_beat : int
        Time steps per quarter note (4 = sixteenth-note grid), in [1, 96].
    bars : int
        Bars per segment, in [1, 64]; ``time_steps = bars * 4 * steps_per_beat`` in 4/4 (64 by default).
    hop_bars : int
        Bars between segment starts, in [1, 64] (1 = overlapping segments, ``bars`` = disjoint).
    transpose : {"normalize", "none"}
        ``"normalize"``: shift each piece to C major / A minor (:func:`normalizing_shift`);
        ``"none"``: keep the original keys.
    augment_semitones : int
        Training split only: also add every segment shifted by ``-k..+k`` semitones
        (``2k + 1`` copies), in [0, 6]. Validation and test are never augmented.
    meter : {"4/4", "3/4"}
        Only pieces in this time signature (one of :data:`KEPT_METERS`) are used, so all
        bars have one length.
    pitch_offset, n_pitches : int
        Pitch range of the columns (default E1..G6, see module docstring). A piece
        that would leave it (after transposition and augmentation) is skipped with a
        warning; with the defaults no piece is.
    fractions : tuple of 3 floats
        Train / val / test shares of the pieces.
    sources, limit, cache_dir, use_cache, progress
        As in :func:`load_chorales` (quick mode: 24 pieces unless ``limit``).
    return_pieces : bool
        If True, also return the id of the piece each segment comes from.
    voices : {"merged", "separate"}
        ``"merged"``: one roll per segment; ``"separate"``: one monophonic channel per voice S, A, T, B
        (the four-voice rolls of chapters 09-12, see :mod:`musiclib.voices`). Cached separately.

    Returns
    -------
    rolls : np.ndarray [shape=(n_segments, time_steps, n_pitches) or (..., 4), dtype=float32]
        Values are exactly 0.0 or 1.0; ``rolls[i, t, p]`` = pitch ``pitch_offset + p``
        sounds at step ``t`` (``rolls[i, t, p, v]``: sung by voice ``VOICES[v]``, when separate).
    piece_ids : np.ndarray [shape=(n_segments,), dtype=str]
        Only with ``return_pieces=True``.

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> x = load_pianorolls("train", limit=6, progress=False)
    >>> x.shape[1:], x.dtype
    ((64, 64), dtype('float32'))
    """
    check_choice("split", split, SPLITS)
    seed = check_in_range("seed", seed, 0, 2**63 - 1, integer=True)
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, _DATASET_MAX_STEPS_PER_BEAT, integer=True)
    bars = check_in_range("bars", bars, 1, 64, integer=True)
    hop_bars = check_in_range("hop_bars", hop_bars, 1, 64, integer=True)
    check_choice("transpose", transpose, ("normalize", "none"))
    augment_semitones = check_in_range("augment_semitones", augment_semitones, 0, 6, integer=True)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n_pitches = check_in_range("n_pitches", n_pitches, 1, 128 - pitch_offset, integer=True)
    check_choice("meter", meter, KEPT_METERS)
    check_choice("voices", voices, VOICE_LAYOUTS)
    fractions = tuple(float(f) for f in _check_fractions(fractions))

    sources, limit, fingerprint = _resolve_sources(sources, limit)
    params = {
        "kind": "pianorolls",
        **fingerprint,
        "split": split,
        "seed": seed,
        "steps_per_beat": steps_per_beat,
        "bars": bars,
        "hop_bars": hop_bars,
        "transpose": transpose,
        "augment_semitones": augment_semitones,
        "meter": meter,
        "pitch_offset": pitch_offset,
        "n_pitches": n_pitches,
        "fractions": fractions,
        "voices": voices,
    }
    path = _cache_dir(cache_dir) / f"pianorolls-{split}-{_cache_key(params)}.npz" if use_cache else None
    arrays = _load_npz(path, lambda a: _check_pianoroll_arrays(a, params)) if use_cache else None
    if arrays is None:
        arrays = _build_pianorolls(sources, limit, params, cache_dir=cache_dir, use_cache=use_cache, progress=progress)
        if use_cache:
            _save_npz(path, arrays)
    if len(arrays["skipped"]):
        warnings.warn(
            f"{len(arrays['skipped'])} piece(s) left the pitch range {pitch_offset}..{pitch_offset + n_pitches - 1} "
            f"and were skipped: {', '.join(arrays['skipped'][:5])}",
            stacklevel=2,
        )
    rolls = arrays["rolls"].astype(np.float32)
    return (rolls, arrays["piece_ids"]) if return_pieces else rolls


def _build_pianorolls(sources, limit, params, *, cache_dir, use_cache, progress) -> dict:
    chorales = load_chorales(sources, limit=limit, cache_dir=cache_dir, use_cache=use_cache, progress=progress)
    by_id = {c.id: c for c in chorales if c.time_signature == params["meter"]}
    groups = melody_groups(by_id.values())
    chosen = split_pieces(by_id, seed=params["seed"], fractions=params["fractions"], groups=groups)[params["split"]]
    k = params["augment_semitones"] if params["split"] == "train" else 0
    beats_per_bar = {"4/4": 4, "3/4": 3}[params["meter"]]
    time_steps = params["bars"] * beats_per_bar * params["steps_per_beat"]
    low, high = params["pitch_offset"], params["pitch_offset"] + params["n_pitches"] - 1
    blocks, owners, skipped = [], [], []
    for piece_id in chosen:
        chorale = by_id[piece_id]
        base = normalizing_shift(chorale.key) if params["transpose"] == "normalize" else 0
        pitches = [n.pitch + base for n in chorale.notes]
        if min(pitches) - k < low or max(pitches) + k > high:
            skipped.append(piece_id)
            continue
        for shift in range(base - k, base + k + 1):
            segments = chorale_segments(
                chorale,
                steps_per_beat=params["steps_per_beat"],
                bars=params["bars"],
                hop_bars=params["hop_bars"],
                transpose=shift,
                pitch_offset=params["pitch_offset"],
                n_pitches=params["n_pitches"],
                voices=params["voices"],
            )
            blocks.append(segments.astype(np.uint8))
            owners += [piece_id] * len(segments)
    empty_shape = (0, time_steps, params["n_pitches"]) + ((len(VOICES),) if params["voices"] == "separate" else ())
    rolls = np.concatenate(blocks) if blocks else np.zeros(empty_shape, dtype=np.uint8)
    return {
        "rolls": rolls,
        "piece_ids": np.array(owners, dtype=str),
        "skipped": np.array(skipped, dtype=str),
    }
