"""Tests for musiclib.data: the Bach chorales, cleaning report, piano-roll segments, splits and cache.

Parses only a handful of chorales (module-scoped cache folder), so the module stays fast.
"""

from __future__ import annotations

import dataclasses

import io
import re
import shutil
import struct
import zipfile

import numpy as np
import pytest

from musiclib import data, midi, theory
from musiclib.midi import Note

N_PIECES = 8  # the first eight chorales of the corpus listing: both 3/4 and 4/4 pieces


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def loaded(cache):
    return data.load_chorales(limit=N_PIECES, cache_dir=cache, progress=False, return_report=True)


def _tiny_score(path, parts, names=("Soprano", "Alto", "Tenor", "Bass")):
    """Write a small MusicXML score from tinyNotation strings, one per part."""
    from music21 import converter, stream

    score = stream.Score()
    for text, name in zip(parts, names):
        part = converter.parse("tinyNotation: " + text)
        part.partName = name
        score.insert(0, part)
    score.write("musicxml", fp=str(path))
    return str(path)


GOOD = ("4/4 e'4 d' c' d' e'1", "4/4 c'4 b c' b c'1", "4/4 g4 g g g g1", "4/4 c4 G A G C1")


def _cut_last_track_at_event(raw: bytes, keep: float) -> bytes:
    """Cut the last track at an event boundary near ``keep`` of its length and declare the shorter length:
    a file that ends early but exactly between two events (mido is the oracle for the boundaries)."""
    import mido

    pos, chunks = 14, []
    while pos + 8 <= len(raw):
        chunks.append((pos, struct.unpack(">L", raw[pos + 4 : pos + 8])[0]))
        pos += 8 + chunks[-1][1]
    pos, length = chunks[-1]
    body = raw[pos + 8 : pos + 8 + length]
    for k in range(int(length * keep), 0, -1):
        candidate = raw[: pos + 4] + struct.pack(">L", k) + body[:k]
        try:
            mido.MidiFile(file=io.BytesIO(candidate))
        except Exception:
            continue
        return candidate
    raise AssertionError("no event boundary found")


# --------------------------------------------------------------------------- corpus and records


def test_corpus_listing_counts():
    names = data.list_chorales()
    assert len(names) == 371  # music21 10.5.1 (pinned): the Riemenschneider listing
    assert len(set(names)) == 350  # 21 entries name a file already listed
    assert names[0] == "bach/bwv269"


def test_chorale_records(loaded):
    chorales, report = loaded
    assert len(chorales) == report.n_kept > 0
    for chorale in chorales:
        assert re.fullmatch(r"bwv[\w.\-#]+", chorale.id)
        assert re.fullmatch(r"[A-G][b#]? (major|minor)", chorale.key)
        assert chorale.time_signature in data.KEPT_METERS
        assert chorale.tempo == data.DEFAULT_TEMPO
        assert list(chorale.voices) == list(data.VOICES)
        notes = chorale.notes
        assert notes == sorted(notes) and all(isinstance(n, Note) for n in notes)
        assert len(notes) == sum(len(v) for v in chorale.voices.values())
        for voice, (low, high) in data.VOICE_RANGES.items():
            assert all(low <= n.pitch <= high for n in chorale.voices[voice])
        # Voices are ordered top to bottom on average.
        means = [np.mean([n.pitch for n in chorale.voices[v]]) for v in data.VOICES]
        assert means == sorted(means, reverse=True)
        assert 0 <= chorale.pickup_beats < chorale.beats_per_bar


def test_notes_match_music21_independently(loaded):
    """Compare each voice with music21's own tie merging (stripTies) and offsets, converted at the tempo."""
    from music21 import corpus

    chorales, _ = loaded
    for chorale in chorales[:2]:
        score = corpus.parse(chorale.source, forceSource=True)
        sec_per_beat = 60.0 / chorale.tempo
        for voice, part in zip(data.VOICES, score.parts):
            expected = sorted(
                (
                    (p.midi, float(n.offset) * sec_per_beat, float(n.offset + n.quarterLength) * sec_per_beat)
                    for n in part.stripTies().flatten().notes
                    for p in n.pitches
                ),
                key=lambda e: (e[1], e[0]),
            )
            got = [(n.pitch, n.start, n.end) for n in chorale.voices[voice]]
            assert [g[0] for g in got] == [e[0] for e in expected]
            np.testing.assert_allclose([g[1:] for g in got], [e[1:] for e in expected], atol=1e-9)


def test_first_chorale_metadata(loaded):
    chorales, _ = loaded
    first = chorales[0]
    assert (first.id, first.time_signature, first.pickup_beats) == ("bwv269", "3/4", 1.0)
    # The key is Krumhansl-Schmuckler on the duration-weighted pitch-class histogram.
    hist = theory.pitch_class_histogram([n.pitch for n in first.notes], weights=[n.duration for n in first.notes])
    assert first.key == " ".join(theory.estimate_key(hist))


def test_report_counts_and_table(loaded):
    chorales, report = loaded
    assert report.n_found == N_PIECES
    assert report.n_kept + report.n_rejected == report.n_found
    relisted = sum(1 for _, r, d in report.rejected if r == "duplicate" and d == "listed again")
    assert report.n_parsed == report.n_found - report.count("parse failure") - relisted
    assert list(report.kept) == [c.id for c in chorales]
    counts = report.counts()
    assert counts["kept"] == report.n_kept and sum(counts[r] for r in data.REJECTION_REASONS) == report.n_rejected
    table = report.as_table()
    assert table.startswith("| step | pieces |") and f"| kept | {report.n_kept} |" in table
    assert "<table>" in report._repr_html_() and str(report) == table
    with pytest.raises(ValueError, match="reason"):
        report.count("bad reason")


def test_injected_bad_pieces_are_reported_not_raised(tmp_path):
    good = _tiny_score(tmp_path / "good.musicxml", GOOD)
    corrupt = tmp_path / "corrupt.musicxml"
    corrupt.write_text("<score-partwise><part id='P1'><measure>not music")
    garbage = tmp_path / "garbage.mid"
    garbage.write_bytes(b"MThd\x00\x00\x00\x06 truncated")
    three = _tiny_score(tmp_path / "three.musicxml", GOOD[:3])
    odd_meter = _tiny_score(tmp_path / "odd.musicxml", [t.replace("4/4", "5/4").replace("1", "1~ e4") for t in GOOD])
    high = _tiny_score(tmp_path / "high.musicxml", ("4/4 e'''4 d' c' d' e'1", *GOOD[1:]))
    sources = [good, str(corrupt), str(garbage), three, odd_meter, high, good, "bach/no-such-chorale"]
    chorales, report = data.load_chorales(sources, use_cache=False, progress=False, return_report=True)
    assert [c.id for c in chorales] == ["good"]
    reasons = {pid: reason for pid, reason, _ in report.rejected}
    assert reasons == {
        "corrupt": "parse failure",
        "garbage": "parse failure",
        "three": "not four voices",
        "odd": "unusual meter",
        "high": "range outlier",
        "good": "duplicate",
        "no-such-chorale": "parse failure",
    }
    assert (report.n_found, report.n_kept, report.n_parsed) == (8, 1, 4)
    assert report.count("parse failure") == 3


def test_damaged_midi_files_in_a_build_are_counted_and_skipped(tmp_path):
    """A real four-voice chorale as MIDI, then damaged copies of it: each is a parse failure, none stops the build."""
    from music21 import corpus

    good = tmp_path / "chorale.mid"
    corpus.parse("bach/bwv269", forceSource=True).write("midi", fp=str(good))
    raw = good.read_bytes()
    tempo_at = raw.index(b"\xff\x51\x03")
    damaged = {
        # music21's own reader keeps the first 90 % of this file as four (shortened) voices.
        "cut90": raw[: int(len(raw) * 0.9)],
        "cut50": raw[: len(raw) // 2],
        "no_tracks": raw[:14] + b"MTrx" + raw[18:],
        "zero_division": raw[:12] + b"\x00\x00" + raw[14:],
        "noise": b"MThd" + bytes(range(256)) * 4,
        # The bass track cut in half exactly between two events, its declared length to match: it used to be
        # kept as a chorale with half its bass.
        "bass_cut_at_event": _cut_last_track_at_event(raw, 0.5),
        # A track count with the high bit set (mido reads it as negative: no tracks at all).
        "tracks_high_bit": raw[:10] + bytes([raw[10] | 0x80, raw[11]]) + raw[12:],
        # FF 51 03 00 00 00: a tempo of 0 microseconds per beat.
        "tempo_zero": raw[: tempo_at + 3] + b"\x00\x00\x00" + raw[tempo_at + 6 :],
    }
    sources = [str(good)]
    for name, content in damaged.items():
        (tmp_path / f"{name}.mid").write_bytes(content)
        sources.append(str(tmp_path / f"{name}.mid"))
    chorales, report = data.load_chorales(sources, use_cache=False, progress=False, return_report=True)
    assert [c.id for c in chorales] == ["chorale"]
    assert [len(chorales[0].voices[v]) > 20 for v in data.VOICES] == [True] * 4
    assert report.count("parse failure") == len(damaged) and report.n_kept == 1
    assert (report.n_found, report.n_parsed) == (len(sources), 1)
    details = {pid: detail for pid, _, detail in report.rejected}
    assert set(details) == set(damaged)
    assert all(detail.startswith("MidiError") for detail in details.values())
    assert "truncated" in details["cut90"]
    assert "end-of-track" in details["bass_cut_at_event"]
    assert "high bit" in details["tracks_high_bit"] and "tempo" in details["tempo_zero"]
    # The cut really is a prefix that looks like music: mido reads it, with fewer bass notes than the original.
    import mido

    cut, whole = (mido.MidiFile(file=io.BytesIO(b)).tracks[-1] for b in (damaged["bass_cut_at_event"], raw))
    n_on = [sum(m.type == "note_on" and m.velocity > 0 for m in t) for t in (cut, whole)]
    assert 0 < n_on[0] < 0.75 * n_on[1]


# --------------------------------------------------------------------------- cache


def test_second_load_uses_cache_without_parsing(loaded, cache, monkeypatch):
    def no_parsing(source):
        raise AssertionError(f"parsed {source} although the cache holds it")

    monkeypatch.setattr(data.chorales, "_parse_source", no_parsing)
    chorales, report = data.load_chorales(limit=N_PIECES, cache_dir=cache, progress=False, return_report=True)
    first, first_report = loaded
    assert report == first_report
    assert [c.notes for c in chorales] == [c.notes for c in first]
    # Another tempo re-times the same cached notes.
    slow = data.load_chorales(limit=N_PIECES, tempo=50.0, cache_dir=cache, progress=False)
    assert slow[0].notes[3].start == pytest.approx(2 * first[0].notes[3].start)


def test_cache_is_invalidated_by_parameters(loaded, cache, monkeypatch):
    calls = []
    real_parse = data._parse_source
    monkeypatch.setattr(data.chorales, "_parse_source", lambda source: calls.append(source) or real_parse(source))
    files_before = set(cache.glob("chorales-*.npz"))
    data.load_chorales(limit=2, cache_dir=cache, progress=False)
    assert len(calls) == 2
    data.load_chorales(limit=2, meters=("4/4",), cache_dir=cache, progress=False)
    assert len(calls) == 4
    data.load_chorales(limit=2, meters=("4/4",), cache_dir=cache, progress=False)
    assert len(calls) == 4  # now cached
    assert len(set(cache.glob("chorales-*.npz")) - files_before) == 2
    # A damaged cache file is rebuilt, not trusted.
    newest = max(cache.glob("chorales-*.npz"), key=lambda p: p.stat().st_mtime_ns)
    newest.write_bytes(b"not a zip file")
    with pytest.warns(UserWarning, match="unreadable.*rebuilding"):
        data.load_chorales(limit=2, meters=("4/4",), cache_dir=cache, progress=False)
    assert len(calls) == 6 and zipfile.is_zipfile(newest)


def _rewrite_npz(path, change):
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays = change(arrays)
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def _without(name):
    return lambda arrays: {k: v for k, v in arrays.items() if k != name}


def _replace(name, value):
    return lambda arrays: {**arrays, name: value(arrays[name])}


@pytest.fixture
def warm_cache(loaded, cache, tmp_path):
    """A fresh cache folder holding only the module's parsed chorales (so nothing is parsed again)."""
    for path in cache.glob("chorales-*.npz"):
        with np.load(path, allow_pickle=False) as archive:
            if int(archive["n_found"]) == N_PIECES:  # the file `loaded` wrote, not other tests' subsets
                shutil.copy(path, tmp_path / path.name)
    assert len(list(tmp_path.glob("chorales-*.npz"))) == 1
    return tmp_path


@pytest.mark.parametrize(
    "change, problem",
    [
        (_replace("rolls", lambda r: r[:, :32]), "rolls has shape"),  # readable, wrong time axis
        (_replace("rolls", lambda r: r[:, :, :40]), "rolls has shape"),
        (_replace("rolls", lambda r: r.astype(np.float64)), "rolls has dtype"),
        (_replace("rolls", lambda r: r * 3), "0 and 1"),
        (_replace("piece_ids", lambda p: p[:-1]), "piece_ids has shape"),
        (_replace("piece_ids", lambda p: np.arange(len(p))), "piece_ids has dtype"),
        (_without("rolls"), "missing.*rolls"),  # used to raise KeyError on every load, forever
        (_without("skipped"), "missing.*skipped"),
    ],
)
def test_inconsistent_pianoroll_cache_is_rebuilt(warm_cache, change, problem):
    kwargs = dict(limit=N_PIECES, cache_dir=warm_cache, progress=False, return_pieces=True)
    good, pieces = data.load_pianorolls("train", **kwargs)
    (path,) = warm_cache.glob("pianorolls-train-*.npz")
    _rewrite_npz(path, change)
    with pytest.warns(UserWarning, match=f"{problem}.*rebuilding"):
        again, again_pieces = data.load_pianorolls("train", **kwargs)
    np.testing.assert_array_equal(again, good)
    np.testing.assert_array_equal(again_pieces, pieces)
    # The rebuilt file is written back: the next load is quiet and served from the cache.
    with np.load(path, allow_pickle=False) as archive:
        assert archive["rolls"].shape == good.shape and archive["rolls"].dtype == np.uint8


@pytest.mark.parametrize(
    "change, problem",
    [
        (_without("note_pitch"), "missing.*note_pitch"),
        (_replace("note_pitch", lambda p: p.astype(np.float64)), "note_pitch has dtype"),
        (_replace("note_pitch", lambda p: p[:-1]), "note_pitch has shape"),
        (_replace("note_pitch", lambda p: p + 200), "note_pitch"),
        (_replace("note_piece", lambda p: p + 5), "note_piece"),
        (_replace("note_end_beats", lambda e: e - 100), "note times"),
        (_replace("keys", lambda k: np.array(["H major"] * len(k))), "keys"),
        (_replace("ids", lambda i: i[:-1]), "has shape"),
        (_replace("n_found", lambda n: n + 1), "n_found"),
    ],
)
def test_inconsistent_chorale_cache_is_rebuilt(loaded, warm_cache, monkeypatch, change, problem):
    (path,) = warm_cache.glob("chorales-*.npz")
    with np.load(path, allow_pickle=False) as archive:
        pristine = {name: archive[name] for name in archive.files}
    builds = []  # the rebuild returns the pristine arrays, so nothing is parsed again
    monkeypatch.setattr(data.chorales, "_build_chorales", lambda *args: builds.append(args) or pristine)
    _rewrite_npz(path, change)
    with pytest.warns(UserWarning, match=f"{problem}.*rebuilding"):
        again, report = data.load_chorales(limit=N_PIECES, cache_dir=warm_cache, progress=False, return_report=True)
    assert len(builds) == 1  # rebuilt, not trusted
    assert [c.notes for c in again] == [c.notes for c in loaded[0]] and report == loaded[1]
    data.load_chorales(limit=N_PIECES, cache_dir=warm_cache, progress=False)  # the repaired file is used
    assert len(builds) == 1


def test_parsing_reads_and_writes_no_pickle(monkeypatch, tmp_path):
    """music21 keeps a pickle of each parsed piece and unpickles it next time, unless forceSource=True."""
    from music21 import converter, freezeThaw

    def refuse(*args, **kwargs):
        raise AssertionError("music21 used its pickle cache")

    monkeypatch.setattr(converter, "thaw", refuse)
    monkeypatch.setattr(freezeThaw.StreamFreezer, "write", refuse)
    monkeypatch.setattr(freezeThaw.StreamThawer, "open", refuse)
    assert len(data._parse_source("bach/bwv269").parts) == 4
    assert len(data._parse_source(_tiny_score(tmp_path / "t.musicxml", GOOD)).parts) == 4


def test_cache_files_are_pickle_free_npz(loaded, cache):
    for path in cache.glob("*.npz"):
        with np.load(path, allow_pickle=False) as archive:
            assert all(archive[name].dtype != object for name in archive.files)


def test_use_cache_false_writes_nothing(tmp_path):
    data.load_chorales(limit=1, cache_dir=tmp_path, use_cache=False, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_quick_mode_limits_the_corpus(monkeypatch):
    monkeypatch.setenv("MUSICLIB_QUICK", "1")
    assert data._resolve_sources(None, None)[1] == data.QUICK_PIECES
    assert data._resolve_sources(None, 3)[1] == 3
    monkeypatch.setenv("MUSICLIB_QUICK", "0")
    assert data._resolve_sources(None, None)[1] is None


# --------------------------------------------------------------------------- piano rolls


def test_normalizing_shift():
    cases = {"C major": 0, "A minor": 0, "G major": 5, "F major": -5, "F# major": -6, "B minor": -2, "Eb major": -3, "C minor": -3}
    for key, shift in cases.items():
        assert data.normalizing_shift(key) == shift
    for key in ("H major", "C dorian", 3):
        with pytest.raises(ValueError, match="key"):
            data.normalizing_shift(key)


def test_transposition_shifts_the_roll(loaded):
    chorale = loaded[0][1]
    base = data.chorale_pianoroll(chorale)
    for k in (-3, 2, 5):
        shifted = data.chorale_pianoroll(chorale, transpose=k)
        np.testing.assert_array_equal(shifted, np.roll(base, k, axis=1))
        assert base[:, -5:].sum() == 0 and base[:, :5].sum() == 0  # so np.roll wrapped nothing
    normal = chorale.transposed(data.normalizing_shift(chorale.key))
    assert normal.key in ("C major", "A minor")
    hist = theory.pitch_class_histogram([n.pitch for n in normal.notes], weights=[n.duration for n in normal.notes])
    assert " ".join(theory.estimate_key(hist)) == normal.key


def test_voices_stay_monophonic_on_the_grid(loaded):
    """Two 32nd notes of one voice share a sixteenth step: the later one wins, so <= 4 pitches per step."""
    beat = 60.0 / data.DEFAULT_TEMPO
    voices = {v: [Note(60 - 5 * i, 0.0, 4 * beat)] for i, v in enumerate(data.VOICES)}
    voices["S"] = [Note(72, 0.0, beat), Note(74, beat, 1.125 * beat), Note(76, 1.125 * beat, 1.25 * beat), Note(77, 1.25 * beat, 4 * beat)]
    chorale = data.Chorale("t", "t", "C major", "4/4", data.DEFAULT_TEMPO, 0.0, voices)
    roll = data.chorale_pianoroll(chorale, steps_per_beat=4)
    plain = midi.notes_to_pianoroll(chorale.notes, steps_per_beat=4, tempo=data.DEFAULT_TEMPO, pitch_offset=data.PITCH_OFFSET, n_pitches=data.N_PITCHES)
    assert plain.sum(axis=1).max() == 5  # the plain roll has both 32nd notes in step 4
    assert roll.sum(axis=1).max() == 4
    soprano = roll[:, 72 - data.PITCH_OFFSET :].argmax(axis=1) + 72
    assert soprano.tolist() == [72] * 4 + [76] + [77] * 11  # 74 lost its only step to 76
    np.testing.assert_array_equal(np.delete(roll, 4, axis=0), np.delete(plain, 4, axis=0))
    # On the real chorales the two rolls differ at most where a voice has sub-step notes.
    for c in loaded[0]:
        a = data.chorale_pianoroll(c)
        b = midi.notes_to_pianoroll(c.notes, tempo=c.tempo, pitch_offset=data.PITCH_OFFSET, n_pitches=data.N_PITCHES)
        assert a.sum(axis=1).max() <= 4 and np.mean(a != b) < 1e-3


def test_segments_are_bar_aligned(loaded):
    chorale = next(c for c in loaded[0] if c.time_signature == "4/4" and c.pickup_beats > 0)
    roll = data.chorale_pianoroll(chorale, steps_per_beat=4)
    segments = data.chorale_segments(chorale, steps_per_beat=4, bars=2, hop_bars=1)
    first = int(chorale.pickup_beats * 4)
    assert segments.shape[1:] == (32, data.N_PITCHES)
    assert len(segments) == (len(roll) - first - 32) // 16 + 1
    for i, segment in enumerate(segments):
        np.testing.assert_array_equal(segment, roll[first + 16 * i : first + 16 * i + 32])


def test_segment_pianoroll_by_hand():
    roll = np.arange(20).reshape(10, 2)
    out = data.segment_pianoroll(roll, window_steps=4, hop_steps=3, start_step=1)
    np.testing.assert_array_equal(out[:, 0, 0], [2, 8])  # windows start at steps 1 and 4; 7 would overrun
    assert data.segment_pianoroll(roll, window_steps=11, hop_steps=1).shape == (0, 11, 2)
    assert data.segment_pianoroll(roll > 9, window_steps=4, hop_steps=4).dtype == bool  # boolean rolls work


@pytest.mark.parametrize(
    "roll, kwargs, name",
    [
        (np.zeros((10, 2)), dict(window_steps=0, hop_steps=1), "window_steps"),
        (np.zeros((10, 2)), dict(window_steps=2, hop_steps=0), "hop_steps"),
        (np.zeros((10, 2)), dict(window_steps=True, hop_steps=1), "window_steps"),
        (np.zeros((10, 2)), dict(window_steps=2, hop_steps=2**64), "hop_steps"),
        (np.zeros((10, 2)), dict(window_steps=2**64, hop_steps=1), "window_steps"),
        (np.zeros((10, 2)), dict(window_steps=2, hop_steps=1, start_step=2**64), "start_step"),
        (np.zeros((10, 2)), dict(window_steps=2, hop_steps=1, start_step=-1), "start_step"),
        (np.zeros((10, 2)), dict(window_steps=2, hop_steps=1, max_values=0), "max_values"),
        (np.full((10, 2), np.nan), dict(window_steps=2, hop_steps=1), "roll"),  # used to be cut into NaN segments
        (np.full((10, 2), np.inf), dict(window_steps=2, hop_steps=1), "roll"),
        (np.ones((10, 2)) * 1j, dict(window_steps=2, hop_steps=1), "roll"),
        (np.array([["a", "b"]] * 10), dict(window_steps=2, hop_steps=1), "roll"),
        (np.zeros(10), dict(window_steps=2, hop_steps=1), "roll"),
        ([[0, 1], [1]], dict(window_steps=1, hop_steps=1), "roll"),
        # 2 000 windows of 2 000 steps x 64 pitches = 2.6e8 values: refused, not allocated (1 GiB).
        (np.zeros((4000, 64), np.float32), dict(window_steps=2000, hop_steps=1, max_values=10**8), "max_values"),
    ],
)
def test_segment_pianoroll_bad_input(roll, kwargs, name):
    with pytest.raises(ValueError, match=name):
        data.segment_pianoroll(roll, **kwargs)


def test_chorale_pianoroll_bad_input(loaded):
    chorale = loaded[0][0]
    for kwargs, name in [
        (dict(steps_per_beat=10**6), "steps_per_beat"),  # 6e7 steps: used to try to allocate gigabytes
        (dict(steps_per_beat=0), "steps_per_beat"),
        (dict(steps_per_beat=True), "steps_per_beat"),
        (dict(transpose=2**64), "transpose"),
        (dict(pitch_offset=2**64), "pitch_offset"),
        (dict(max_steps=100), "max_steps"),
    ]:
        with pytest.raises(ValueError, match=name):
            data.chorale_pianoroll(chorale, **kwargs)
    with pytest.raises(TypeError, match="chorale"):
        data.chorale_pianoroll(chorale.notes)
    for kwargs, name in [
        (dict(bars=2**64), "bars"),
        (dict(hop_bars=0), "hop_bars"),
        (dict(steps_per_beat=97), "steps_per_beat"),
    ]:
        with pytest.raises(ValueError, match=name):
            data.chorale_segments(chorale, **kwargs)
    with pytest.raises(ValueError, match="semitones"):
        chorale.transposed(2**64)
    with pytest.raises(TypeError, match="chorales"):
        data.melody_groups("bwv269")
    with pytest.raises(TypeError, match=r"chorales\[1\]"):
        data.melody_groups([chorale, "bwv269"])


@pytest.fixture(scope="module")
def splits(loaded, cache):
    return {
        split: data.load_pianorolls(split, limit=N_PIECES, cache_dir=cache, progress=False, return_pieces=True)
        for split in data.SPLITS
    }


def test_pianoroll_shapes_dtypes_values(splits):
    for rolls, pieces in splits.values():
        assert rolls.dtype == np.float32 and rolls.shape[1:] == (64, data.N_PITCHES)
        assert len(pieces) == len(rolls) > 0
        assert set(np.unique(rolls)) <= {0.0, 1.0}
        # Four voices: at most four notes sound at once, and the roll is not empty.
        assert rolls.sum(axis=2).max() <= 4 and rolls.mean() > 0.02


def test_separate_voices_are_monophonic_in_range_and_merge_to_the_merged_rolls(splits, cache):
    from musiclib import voices

    for split, (merged, pieces) in splits.items():
        separate, separate_pieces = data.load_pianorolls(
            split, limit=N_PIECES, cache_dir=cache, progress=False, return_pieces=True, voices="separate"
        )
        assert separate.dtype == np.float32 and separate.shape == merged.shape + (4,)
        np.testing.assert_array_equal(separate_pieces, pieces)
        np.testing.assert_array_equal(separate.max(axis=-1), merged)
        assert separate.sum(axis=2).max() == 1  # monophonic voices
        # Every voice sings: each channel holds notes, and the soprano sits above the bass on average.
        pitch = np.arange(data.N_PITCHES)[None, None, :, None]
        mean_pitch = (separate * pitch).sum(axis=(0, 1, 2)) / separate.sum(axis=(0, 1, 2))
        assert (separate.sum(axis=(0, 1, 2)) > 0).all() and list(mean_pitch) == sorted(mean_pitch, reverse=True)


def test_separate_voices_in_the_original_keys_stay_in_their_ranges(cache):
    from musiclib import voices

    rolls = data.load_pianorolls("train", limit=N_PIECES, cache_dir=cache, progress=False, voices="separate", transpose="none")
    assert voices.is_valid_voice_roll(rolls)  # the cleaning rule: every note inside VOICE_RANGES


def test_separate_voices_hold_each_voices_own_notes(loaded):
    chorale = next(c for c in loaded[0] if c.time_signature == "4/4")
    roll = data.chorale_pianoroll(chorale, voices="separate")
    for v, voice in enumerate(data.VOICES):
        alone = dataclasses.replace(chorale, voices={w: (chorale.voices[w] if w == voice else []) for w in data.VOICES})
        only = data.chorale_pianoroll(alone)
        np.testing.assert_array_equal(roll[: len(only), :, v], only)
        assert not roll[len(only):, :, v].any()
    segments = data.chorale_segments(chorale, voices="separate", bars=2, hop_bars=1)
    np.testing.assert_array_equal(segments.max(axis=-1), data.chorale_segments(chorale, bars=2, hop_bars=1))


def test_splits_never_share_a_piece(loaded, splits):
    chorales = [c for c in loaded[0] if c.time_signature == "4/4"]
    owners = {split: set(pieces) for split, (_, pieces) in splits.items()}
    assert not owners["train"] & owners["val"] and not owners["train"] & owners["test"] and not owners["val"] & owners["test"]
    assert set().union(*owners.values()) == {c.id for c in chorales}
    # Same seed, same split (from the cache or rebuilt).
    again, pieces = data.load_pianorolls("val", limit=N_PIECES, cache_dir=None, use_cache=False, progress=False, return_pieces=True)
    np.testing.assert_array_equal(again, splits["val"][0])
    np.testing.assert_array_equal(pieces, splits["val"][1])


def test_normalised_segments_and_augmentation(loaded, cache, splits):
    rolls, pieces = splits["train"]
    by_id = {c.id: c for c in loaded[0]}
    piece = pieces[0]
    chorale = by_id[piece]
    expected = data.chorale_segments(chorale, transpose=data.normalizing_shift(chorale.key))
    np.testing.assert_array_equal(rolls[pieces == piece], expected)
    augmented, aug_pieces = data.load_pianorolls(
        "train", limit=N_PIECES, augment_semitones=1, cache_dir=cache, progress=False, return_pieces=True
    )
    assert len(augmented) == 3 * len(rolls)
    mine = augmented[aug_pieces == piece]
    n = len(expected)
    np.testing.assert_array_equal(mine[n : 2 * n], expected)  # shifts -1, 0, +1 in order
    np.testing.assert_array_equal(mine[:n], np.roll(expected, -1, axis=2))
    np.testing.assert_array_equal(mine[2 * n :], np.roll(expected, 1, axis=2))
    val = data.load_pianorolls("val", limit=N_PIECES, augment_semitones=1, cache_dir=cache, progress=False)
    np.testing.assert_array_equal(val, splits["val"][0])  # never augmented


def test_original_keys_and_other_grid(loaded, cache):
    rolls, pieces = data.load_pianorolls(
        "train", limit=N_PIECES, transpose="none", steps_per_beat=2, bars=2, hop_bars=2, cache_dir=cache,
        progress=False, return_pieces=True,
    )
    assert rolls.shape[1:] == (16, data.N_PITCHES)
    chorale = {c.id: c for c in loaded[0]}[pieces[0]]
    np.testing.assert_array_equal(
        rolls[pieces == pieces[0]], data.chorale_segments(chorale, steps_per_beat=2, bars=2, hop_bars=2)
    )


def test_three_four_segments_and_empty_split_shapes(cache):
    # bwv269 is in 3/4: 4 bars x 3 beats x 4 steps = 48 steps; alone, it all goes to training.
    kwargs = dict(sources=["bach/bwv269"], meter="3/4", cache_dir=cache, progress=False)
    train = data.load_pianorolls("train", **kwargs)
    assert train.shape[0] > 0 and train.shape[1:] == (48, data.N_PITCHES)
    assert data.load_pianorolls("test", **kwargs).shape == (0, 48, data.N_PITCHES)
    assert data.load_pianorolls("test", **{**kwargs, "meter": "4/4"}).shape == (0, 64, data.N_PITCHES)


def test_split_follows_the_seed(loaded, cache):
    """Each seed gives exactly the split_pieces split (with melody groups): a build or cache key that ignored
    the seed would hand back the seed-0 pieces."""
    chorales = [c for c in loaded[0] if c.time_signature == "4/4"]
    groups = data.melody_groups(chorales)
    expected = {seed: data.split_pieces([c.id for c in chorales], seed=seed, groups=groups) for seed in range(4)}
    assert len({tuple(e["val"] + e["test"]) for e in expected.values()}) > 1  # the seeds do differ here
    for seed in range(4):  # seed 0 first, so a cache key without the seed would serve its file
        for split in data.SPLITS:
            _, pieces = data.load_pianorolls(
                split, seed=seed, limit=N_PIECES, cache_dir=cache, progress=False, return_pieces=True
            )
            assert sorted(set(pieces)) == expected[seed][split], (seed, split)


def test_harmonisations_of_one_melody_share_a_split(tmp_path):
    """Five tunes, each harmonised twice (same soprano, another alto): a split that ignored the melody groups
    would put the lone validation piece's twin in training, whatever the seed."""
    sopranos = ["e'4 d' c' d' e'1", "c'4 d' e' f' g'1", "g'4 f' e' d' c'1", "e'4 e' f' g' g'1", "d'4 e' c' d' b1"]
    altos = ["c'4 b c' b c'1", "a4 g a b a1"]
    sources, tune = [], {}
    for i, soprano in enumerate(sopranos):
        for j, alto in enumerate(altos):
            parts = (f"4/4 {soprano}", f"4/4 {alto}", GOOD[2], GOOD[3])
            sources.append(_tiny_score(tmp_path / f"tune{i}_{j}.musicxml", parts))
            tune[f"tune{i}_{j}"] = i
    chorales = data.load_chorales(sources, cache_dir=tmp_path, progress=False)
    assert len(chorales) == 10 and len(set(data.melody_groups(chorales).values())) == 5
    for seed in range(3):
        home = {}
        for split in data.SPLITS:
            _, pieces = data.load_pianorolls(
                split, seed=seed, sources=sources, bars=1, cache_dir=tmp_path, progress=False, return_pieces=True
            )
            home.update({piece: split for piece in pieces})
        assert set(home) == set(tune)  # every piece gives segments
        for i in range(len(sopranos)):
            assert home[f"tune{i}_0"] == home[f"tune{i}_1"], (seed, i)
        assert {"train", "val", "test"} == set(home.values())


@pytest.mark.parametrize(
    "name, value",
    [
        ("seed", 1),
        ("steps_per_beat", 2),
        ("bars", 2),
        ("hop_bars", 2),
        ("transpose", "none"),
        ("augment_semitones", 1),
        ("pitch_offset", 26),
        ("n_pitches", 60),
        ("fractions", (0.4, 0.3, 0.3)),
        ("voices", "separate"),
    ],
)
def test_every_build_parameter_is_in_the_cache_key(warm_cache, tmp_path_factory, name, value):
    """A warm cache must never answer for other parameters: compare with a build in a cache that has no segments."""
    kwargs = dict(limit=N_PIECES, progress=False, return_pieces=True)
    base, _ = data.load_pianorolls("train", cache_dir=warm_cache, **kwargs)
    got, got_pieces = data.load_pianorolls("train", cache_dir=warm_cache, **{name: value}, **kwargs)
    fresh = tmp_path_factory.mktemp("fresh")
    (chorales_file,) = warm_cache.glob("chorales-*.npz")
    shutil.copy(chorales_file, fresh / chorales_file.name)
    expected, expected_pieces = data.load_pianorolls("train", cache_dir=fresh, **{name: value}, **kwargs)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got_pieces, expected_pieces)
    assert got.shape != base.shape or not np.array_equal(got, base)  # the parameter matters here
    assert len(list(warm_cache.glob("pianorolls-train-*.npz"))) == 2


def test_pianoroll_cache_skips_building(splits, cache, monkeypatch):
    monkeypatch.setattr(data.chorales, "_build_pianorolls", lambda *a, **k: pytest.fail("rebuilt a cached split"))
    np.testing.assert_array_equal(
        data.load_pianorolls("test", limit=N_PIECES, cache_dir=cache, progress=False), splits["test"][0]
    )


# --------------------------------------------------------------------------- splits


def test_split_pieces_properties():
    ids = [f"p{i:03d}" for i in range(100)]
    parts = data.split_pieces(ids, seed=3)
    assert [len(parts[s]) for s in data.SPLITS] == [80, 10, 10]
    assert sorted(sum(parts.values(), [])) == ids
    assert data.split_pieces(list(reversed(ids)), seed=3) == parts  # order of the input does not matter
    assert data.split_pieces(ids, seed=4) != parts
    small = data.split_pieces(["a", "b", "c"], seed=0)
    assert all(len(small[s]) == 1 for s in data.SPLITS)
    groups = {i: ("g" if i < "p010" else i) for i in ids}  # ten pieces share a melody
    grouped = data.split_pieces(ids, seed=3, groups=groups)
    homes = [s for s in data.SPLITS if set(grouped[s]) & {f"p{i:03d}" for i in range(10)}]
    assert len(homes) == 1 and set(grouped[homes[0]]) >= {f"p{i:03d}" for i in range(10)}


def test_melody_groups(loaded):
    chorales = loaded[0]
    twin = chorales[0].transposed(2)
    twin = type(twin)(**{**twin.__dict__, "id": "twin"})
    groups = data.melody_groups([*chorales, twin])
    assert groups["twin"] == chorales[0].id
    assert len(set(groups[c.id] for c in chorales)) == len(chorales)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(ids=["a", "a"]), "unique"),
        (dict(ids=["a"], seed=-1), "seed"),
        (dict(ids=["a"], fractions=(0.5, 0.5)), "fractions"),
        (dict(ids=["a"], fractions=(0.9, 0.2, -0.1)), "fractions"),
        (dict(ids=["a", "b"], groups={"a": 1}), "groups"),
        (dict(ids=["a"], seed=2**64), "seed"),
        (dict(ids=["a"], seed=True), "seed"),
        (dict(ids=["a"], seed=1.0), "seed"),
        (dict(ids=["a"], fractions=(0.8j, 0.1, 0.1)), "fractions"),
        (dict(ids=["a"], fractions=(np.nan, 0.5, 0.5)), "fractions"),
        (dict(ids=["a"], fractions=(True, False, False)), "fractions"),
        (dict(ids=["a"], fractions="abc"), "fractions"),
        (dict(ids=["a"], fractions=None), "fractions"),
        (dict(ids=["a"], fractions=[[0.8, 0.1, 0.1]]), "fractions"),
    ],
)
def test_split_pieces_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        data.split_pieces(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(ids="abc"),  # used to be split into the pieces "a", "b" and "c"
        dict(ids=b"abc"),
        dict(ids=None),
        dict(ids=5),
        dict(ids=["a", "b"], groups=["a", "b"]),
    ],
)
def test_split_pieces_wrong_types(kwargs):
    name = "groups" if "groups" in kwargs else "ids"
    with pytest.raises(TypeError, match=name):
        data.split_pieces(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(split="training"), "split"),
        (dict(seed=-1), "seed"),
        (dict(steps_per_beat=0), "steps_per_beat"),
        (dict(bars=0), "bars"),
        (dict(hop_bars=0), "hop_bars"),
        (dict(transpose="C"), "transpose"),
        (dict(augment_semitones=7), "augment_semitones"),
        (dict(meter="3/2"), "meter"),
        (dict(pitch_offset=100, n_pitches=40), "n_pitches"),
        (dict(fractions=(1.0, 0.5, 0.0)), "fractions"),
        (dict(limit=0), "limit"),
        (dict(limit=True), "limit"),
        (dict(sources="bach/bwv269"), "sources"),
        (dict(seed=2**64), "seed"),
        (dict(seed=True), "seed"),
        (dict(steps_per_beat=10**6), "steps_per_beat"),
        (dict(steps_per_beat=2**64), "steps_per_beat"),
        (dict(bars=True), "bars"),
        (dict(hop_bars=2**64), "hop_bars"),
        (dict(augment_semitones=np.float64(1.0)), "augment_semitones"),
        (dict(pitch_offset=2**64), "pitch_offset"),
        (dict(fractions=(0.8j, 0.1, 0.1)), "fractions"),
        (dict(fractions=(np.nan, 0.5, 0.5)), "fractions"),
        (dict(voices="satb"), "voices"),
        (dict(voices=4), "voices"),
    ],
)
def test_load_pianorolls_bad_parameters(kwargs, name, tmp_path):
    with pytest.raises(ValueError, match=name):
        data.load_pianorolls(**{"cache_dir": tmp_path, "progress": False, **kwargs})


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(tempo=0), "tempo"),
        (dict(tempo=float("nan")), "tempo"),
        (dict(tempo=1e308), "tempo"),  # notes would be 1e-306 s long
        (dict(tempo=2**1100), "tempo"),
        (dict(tempo=True), "tempo"),
        (dict(tempo=1j), "tempo"),
        (dict(meters="4/4"), "meters"),
        (dict(meters=()), "meters"),
        (dict(meters=[4]), "meters"),
        (dict(sources=[]), "sources"),
        (dict(limit=0), "limit"),
        (dict(limit=2.0), "limit"),
    ],
)
def test_load_chorales_bad_parameters(kwargs, name, tmp_path):
    with pytest.raises(ValueError, match=name):
        data.load_chorales(**{"cache_dir": tmp_path, "progress": False, **kwargs})


@pytest.mark.parametrize(
    "sources, name", [([None], r"sources\[0\]"), (["bach/bwv269", 3], r"sources\[1\]"), (5, "sources")]
)
def test_load_chorales_wrong_source_types(sources, name, tmp_path):
    with pytest.raises(TypeError, match=name):
        data.load_chorales(sources, cache_dir=tmp_path, progress=False)


# --------------------------------------------------------------------------- plots and exercises of chapter 03


def test_symbolic_plots_draw_the_data(loaded):
    from musiclib import plots

    chorales = loaded[0]
    boxes = plots.voice_ranges(chorales)
    soprano = [n.pitch for c in chorales for n in c.voices["S"]]
    assert len(boxes["boxes"]) == 4 and boxes["whiskers"][1].get_ydata()[1] == max(soprano)
    bars = plots.key_counts(chorales)
    assert sum(b.get_height() for b in bars) == len(chorales)
    durations = plots.duration_counts(chorales, max_bars=50)
    assert sum(b.get_height() for b in durations) == sum(len(c.notes) for c in chorales)
    chorale = chorales[1]
    image = plots.pianoroll(chorale.notes, tempo=chorale.tempo, first_downbeat=chorale.pickup_beats)
    full = midi.notes_to_pianoroll(chorale.notes, tempo=chorale.tempo, pitch_offset=0, n_pitches=128)
    assert image.get_array().sum() == full.sum()
    rolls = np.zeros((3, 16, 12))
    rolls[1, :4, 2] = 1
    images = plots.pianoroll_segments(rolls, pitch_offset=60, ncols=2)
    assert len(images) == 3 and images[1].get_array().T[:4, 2].tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="roll"):
        plots.pianoroll(np.zeros(5))
    with pytest.raises(ValueError, match="rolls"):
        plots.pianoroll_segments(np.zeros((4, 4)))


def test_chapter_03_exercises():
    from musiclib.exercises import ch03, check

    for exercise_id, solution in ch03.SOLUTIONS.items():
        assert check(exercise_id, solution()), exercise_id
        assert not check(exercise_id, None), exercise_id
    assert ch03.SOLUTIONS["03.1"]() == 2.0
    assert ch03.SOLUTIONS["03.3"]() == (-4, -1)
    assert ch03.SOLUTIONS["03.4"]() == (9, 3)
    assert not check("03.2", np.zeros((8, 5)))
    assert not check("03.3", (4, 1))
    assert not check("03.4", (12, 3))
    assert not check("03.5", lambda roll: True)
    assert not check("03.5", lambda roll: bool(np.asarray(roll).sum(axis=1).max() <= 4))  # misses the binary rule
