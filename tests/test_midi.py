"""Tests for musiclib.midi: Note records, MIDI round trips, piano rolls and robust reading."""

from __future__ import annotations

import dataclasses
import io
import os
import struct
import tempfile

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from musiclib import midi

from musiclib.midi import (
    DEFAULT_MAX_BYTES,
    MidiError,
    Note,
    note_steps,
    notes_to_pianoroll,
    pianoroll_to_notes,
    read_midi,
    seconds_per_step,
    write_midi,
)

# --------------------------------------------------------------------------- helpers


def _midi_bytes(midi_file: mido.MidiFile) -> bytes:
    buffer = io.BytesIO()
    midi_file.save(file=buffer)
    return buffer.getvalue()


def _rich_file() -> mido.MidiFile:
    """A type-1 file using most features: tempo changes, meta and sysex, running status, two tracks."""
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="conductor", time=0),
            mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0),
            mido.MetaMessage("key_signature", key="A", time=0),
            mido.MetaMessage("set_tempo", tempo=500_000, time=0),
            mido.MetaMessage("set_tempo", tempo=1_000_000, time=960),
            mido.MetaMessage("end_of_track", time=0),
        ]
    )
    melody = mido.MidiTrack(
        [
            mido.Message("program_change", program=40, time=0),
            mido.Message("sysex", data=[1, 2, 3], time=0),
            mido.Message("control_change", control=7, value=100, time=0),
            mido.Message("note_on", note=60, velocity=90, time=0),
            mido.Message("note_on", note=64, velocity=80, time=0),
            mido.Message("pitchwheel", pitch=200, time=240),
            mido.Message("note_on", note=60, velocity=0, time=240),  # velocity-0 note-off
            mido.Message("note_off", note=64, velocity=0, time=0),
            mido.Message("note_on", note=67, velocity=70, time=480),
            mido.Message("note_off", note=67, velocity=0, time=960),
            mido.MetaMessage("end_of_track", time=0),
        ]
    )
    bass = mido.MidiTrack(
        [
            mido.Message("note_on", channel=1, note=36, velocity=100, time=0),
            mido.Message("note_off", channel=1, note=36, velocity=0, time=1920),
            mido.MetaMessage("end_of_track", time=0),
        ]
    )
    return mido.MidiFile(type=1, ticks_per_beat=480, tracks=[conductor, melody, bass])


RICH_BYTES = _midi_bytes(_rich_file())


def _written_bytes() -> bytes:
    """A type-0 file written by write_midi: four notes at 120 bpm, 480 ticks per beat."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "w.mid")
        write_midi([Note(60 + 2 * i, 0.5 * i, 0.5 * i + 0.5) for i in range(4)], path)
        with open(path, "rb") as fh:
            return fh.read()


WRITTEN_BYTES = _written_bytes()


def _chunks(data: bytes) -> list:
    """``[(offset, declared_length)]`` of the chunks after the 14-byte header."""
    out, pos = [], 14
    while pos + 8 <= len(data):
        _, length = struct.unpack(">4sL", data[pos : pos + 8])
        out.append((pos, length))
        pos += 8 + length
    return out


def cut_last_track(data: bytes, drop: int) -> bytes:
    """Cut the last track at the last event boundary at least ``drop`` bytes before its end,
    and set its declared length to match: a file that ends early but exactly between events.

    mido is the oracle for event boundaries (it parses the cut track only at a boundary).
    """
    pos, length = _chunks(data)[-1]
    body = data[pos + 8 : pos + 8 + length]
    for k in range(length - drop, 0, -1):
        candidate = data[: pos + 4] + struct.pack(">L", k) + body[:k]
        try:
            mido.MidiFile(file=io.BytesIO(candidate))
        except Exception:
            continue
        return candidate
    raise AssertionError("no event boundary found")


def zero_tempo(data: bytes, which: int = 0) -> bytes:
    """Set the data of the ``which``-th set_tempo event (FF 51 03 tt tt tt) to 00 00 00."""
    pos = -1
    for _ in range(which + 1):
        pos = data.index(b"\xff\x51\x03", pos + 1)
    return data[: pos + 3] + b"\x00\x00\x00" + data[pos + 6 :]


def set_track_count(data: bytes, count: int) -> bytes:
    """Overwrite the header's 16-bit track count."""
    return data[:10] + struct.pack(">H", count) + data[12:]


@pytest.fixture(scope="module")
def scratch_path():
    """One reusable file path for the fuzz tests (hypothesis forbids function-scoped fixtures)."""
    with tempfile.TemporaryDirectory() as folder:
        yield os.path.join(folder, "fuzz.mid")


def _read_bytes(data: bytes, path: str, **kwargs):
    with open(path, "wb") as fh:
        fh.write(data)
    return read_midi(path, **kwargs)


# --------------------------------------------------------------------------- Note


def test_note_fields_and_sorting():
    notes = [Note(64, 1.0, 2.0), Note(60, 1.0, 1.5), Note(72, 0.0, 0.5, 30)]
    assert sorted(notes) == [Note(72, 0.0, 0.5, 30), Note(60, 1.0, 1.5), Note(64, 1.0, 2.0)]
    note = Note(np.int64(61), np.float32(0.25), 1, velocity=np.int32(7))
    assert (type(note.pitch), type(note.start), type(note.end), type(note.velocity)) == (int, float, float, int)
    assert note.duration == pytest.approx(0.75)
    assert dataclasses.astuple(Note(60, 0.0, 1.0)) == (60, 0.0, 1.0, 100)
    with pytest.raises(dataclasses.FrozenInstanceError):
        note.pitch = 3
    assert len({Note(60, 0, 1), Note(60, 0.0, 1.0)}) == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(pitch=-1, start=0, end=1), "pitch"),
        (dict(pitch=128, start=0, end=1), "pitch"),
        (dict(pitch=60.0, start=0, end=1), "pitch"),
        (dict(pitch=True, start=0, end=1), "pitch"),
        (dict(pitch=2**64, start=0, end=1), "pitch"),
        (dict(pitch=60, start=2**1100, end=2**1101), "start"),  # too large for a float: used to raise TypeError
        (dict(pitch=60, start=0, end=2**1100), "end"),
        (dict(pitch=60, start=1j, end=1), "start"),
        (dict(pitch=60, start=0, end=1, velocity=2**64), "velocity"),
        (dict(pitch=60, start=0, end=1, velocity=np.bool_(True)), "velocity"),
        (dict(pitch=60, start=-0.1, end=1), "start"),
        (dict(pitch=60, start=float("nan"), end=1), "start"),
        (dict(pitch=60, start=1, end=1), "end"),
        (dict(pitch=60, start=1, end=0.5), "end"),
        (dict(pitch=60, start=0, end=float("inf")), "end"),
        (dict(pitch=60, start=0, end=1, velocity=0), "velocity"),
        (dict(pitch=60, start=0, end=1, velocity=128), "velocity"),
    ],
)
def test_note_rejects_bad_fields(kwargs, field):
    with pytest.raises(ValueError, match=field):
        Note(**kwargs)


# --------------------------------------------------------------------------- reading


def test_read_rich_file_against_hand_computed_times(tmp_path):
    path = tmp_path / "rich.mid"
    path.write_bytes(RICH_BYTES)
    # 480 ticks per beat; 120 bpm until tick 960 (1.0 s), then 60 bpm (1 s per beat).
    expected = [
        Note(36, 0.0, 1.0 + 960 / 480 * 1.0),  # ends at tick 1920
        Note(60, 0.0, 0.5, 90),
        Note(64, 0.0, 0.5, 80),
        Note(67, 1.0, 3.0, 70),  # ticks 960 .. 1920
    ]
    got = read_midi(path)
    assert [(n.pitch, n.velocity) for n in got] == [(n.pitch, n.velocity) for n in expected]
    np.testing.assert_allclose([(n.start, n.end) for n in got], [(n.start, n.end) for n in expected], atol=1e-12)
    assert read_midi(path, track=0) == []
    assert [n.pitch for n in read_midi(path, track=1)] == [60, 64, 67]
    assert [n.pitch for n in read_midi(path, track=2)] == [36]
    with pytest.raises(MidiError, match="track=3"):
        read_midi(path, track=3)


def test_read_matches_mido_playback_clock(tmp_path):
    """mido's own iteration converts delta ticks to seconds with the tempo map: compare onsets."""
    midi_file = _rich_file()
    clock, onsets = 0.0, []
    for msg in midi_file:
        clock += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            onsets.append((round(clock, 9), msg.note))
    path = tmp_path / "rich.mid"
    path.write_bytes(RICH_BYTES)
    assert sorted(onsets) == [(round(n.start, 9), n.pitch) for n in read_midi(path)]


def test_overlapping_same_pitch_is_retriggered(tmp_path):
    track = mido.MidiTrack(
        [
            mido.Message("note_on", note=60, velocity=100, time=0),
            mido.Message("note_on", note=60, velocity=50, time=480),
            mido.Message("note_off", note=60, time=480),
            mido.Message("note_off", note=60, time=480),  # unmatched: ignored
            mido.Message("note_on", note=62, velocity=100, time=0),  # never switched off
            mido.Message("note_on", note=64, velocity=100, time=240),
            mido.Message("note_off", note=64, time=0),  # zero length: dropped
            mido.Message("control_change", control=1, value=0, time=240),
        ]
    )
    path = tmp_path / "overlap.mid"
    path.write_bytes(_midi_bytes(mido.MidiFile(type=0, ticks_per_beat=480, tracks=[track])))
    assert read_midi(path) == [Note(60, 0.0, 0.5, 100), Note(60, 0.5, 1.0, 50), Note(62, 1.5, 2.0, 100)]


def test_type2_tracks_keep_their_own_tempo(tmp_path):
    tracks = [
        mido.MidiTrack(
            [
                mido.MetaMessage("set_tempo", tempo=1_000_000, time=0),
                mido.Message("note_on", note=60, velocity=100, time=0),
                mido.Message("note_off", note=60, time=480),
            ]
        ),
        mido.MidiTrack([mido.Message("note_on", note=62, velocity=100, time=0), mido.Message("note_off", note=62, time=480)]),
    ]
    path = tmp_path / "type2.mid"
    path.write_bytes(_midi_bytes(mido.MidiFile(type=2, ticks_per_beat=480, tracks=tracks)))
    assert read_midi(path) == [Note(60, 0.0, 1.0), Note(62, 0.0, 0.5)]


def test_read_missing_file_and_bad_parameters(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_midi(tmp_path / "missing.mid")
    with pytest.raises(MidiError, match="not a regular file"):
        read_midi(tmp_path)
    path = tmp_path / "ok.mid"
    path.write_bytes(RICH_BYTES)
    for kwargs, name in [
        (dict(track=-1), "track"),
        (dict(track=True), "track"),
        (dict(track=2**64), "track"),
        (dict(track=1.0), "track"),
        (dict(max_bytes=0), "max_bytes"),
        (dict(max_bytes=True), "max_bytes"),
        (dict(max_seconds=0), "max_seconds"),
        (dict(max_seconds=float("nan")), "max_seconds"),
        (dict(max_seconds=1j), "max_seconds"),
        (dict(max_seconds=2**1100), "max_seconds"),
        (dict(max_notes=0), "max_notes"),
        (dict(max_notes=np.bool_(True)), "max_notes"),
    ]:
        with pytest.raises(ValueError, match=name):
            read_midi(path, **kwargs)
    with pytest.raises(TypeError, match="path"):
        read_midi(None)
    # A huge but valid max_bytes is only a limit: nothing of that size is allocated.
    assert len(read_midi(path, max_bytes=2**64)) == 4


# --------------------------------------------------------------------------- writing and round trips


@st.composite
def tick_note_lists(draw):
    """Notes on the tick grid, no two notes of one pitch overlapping (the lossless case)."""
    ticks_per_beat = draw(st.sampled_from([96, 480, 960]))
    tempo = draw(st.sampled_from([60.0, 100.0, 120.0, 97.3]))
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(0, 127), st.integers(0, 20 * ticks_per_beat), st.integers(1, 4 * ticks_per_beat), st.integers(1, 127)
            ),
            max_size=40,
        )
    )
    kept, last_end = [], {}
    for pitch, start, length, velocity in sorted(raw):
        if start >= last_end.get(pitch, 0):
            kept.append((pitch, start, start + length, velocity))
            last_end[pitch] = start + length
    return ticks_per_beat, tempo, kept


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=tick_note_lists())
def test_write_read_round_trip_to_the_tick(case, scratch_path):
    ticks_per_beat, tempo, ticks = case
    sec_per_tick = round(60e6 / tempo) / (1e6 * ticks_per_beat)
    notes = [Note(p, on * sec_per_tick, off * sec_per_tick, v) for p, on, off, v in ticks]
    write_midi(notes, scratch_path, tempo=tempo, ticks_per_beat=ticks_per_beat, program=52)
    back = read_midi(scratch_path)
    assert back == sorted(back)
    assert sorted((n.pitch, n.velocity) for n in back) == sorted((n.pitch, n.velocity) for n in notes)
    back_ticks = sorted((n.pitch, round(n.start / sec_per_tick), round(n.end / sec_per_tick), n.velocity) for n in back)
    assert back_ticks == sorted(ticks)
    np.testing.assert_allclose(
        [(n.start, n.end) for n in back], [(n.start, n.end) for n in sorted(notes)], rtol=0, atol=1e-9
    )


def test_write_midi_file_content(tmp_path):
    path = tmp_path / "c.mid"
    write_midi([Note(64, 0.5, 1.0, 80), Note(60, 0.0, 0.5)], path, tempo=100, program=52, ticks_per_beat=96)
    midi_file = mido.MidiFile(path)
    assert (midi_file.type, midi_file.ticks_per_beat, len(midi_file.tracks)) == (0, 96, 1)
    msgs = [m for m in midi_file.tracks[0] if not m.is_meta or m.type == "set_tempo"]
    assert msgs[0].tempo == 600_000  # 60e6 / 100 bpm
    assert msgs[1].type == "program_change" and msgs[1].program == 52
    # 100 bpm: a beat is 0.6 s = 96 ticks, so 0.5 s = 80 ticks; note-off of 60 precedes note-on of 64.
    timeline = [(m.type, m.note, m.time) for m in msgs[2:]]
    assert timeline == [("note_on", 60, 0), ("note_off", 60, 80), ("note_on", 64, 0), ("note_off", 64, 80)]


def test_write_lengthens_sub_tick_notes_and_cuts_overlaps(tmp_path):
    path = tmp_path / "x.mid"
    notes = [Note(60, 0.0, 1e-6), Note(62, 0.0, 1.0), Note(62, 0.5, 1.5), Note(64, 0.0, 0.5), Note(64, 0.0, 0.25)]
    write_midi(notes, path, tempo=120, ticks_per_beat=480)
    back = read_midi(path)
    assert back[0].pitch == 60 and back[0].end == pytest.approx(0.5 / 480)  # one tick
    # Overlap: the first 62 is cut where the second starts; same onset: the longest 64 is kept.
    assert [(n.pitch, n.start, n.end) for n in back[1:]] == [(62, 0.0, 0.5), (64, 0.0, 0.5), (62, 0.5, 1.5)]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(tempo=0), "tempo"),
        (dict(tempo=float("nan")), "tempo"),
        (dict(tempo=1 + 1j), "tempo"),
        (dict(tempo=2**1100), "tempo"),
        (dict(tempo=True), "tempo"),
        (dict(program=128), "program"),
        (dict(program=2**64), "program"),
        (dict(program=True), "program"),
        (dict(ticks_per_beat=0), "ticks_per_beat"),
        (dict(ticks_per_beat=40000), "ticks_per_beat"),
        (dict(ticks_per_beat=2**64), "ticks_per_beat"),
        (dict(channel=16), "channel"),
        (dict(channel=np.int64(-1)), "channel"),
    ],
)
def test_write_midi_bad_parameters(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        write_midi([Note(60, 0, 1)], tmp_path / "x.mid", **kwargs)


def test_write_midi_rejects_non_notes(tmp_path):
    with pytest.raises(ValueError, match=r"notes\[1\]"):
        write_midi([Note(60, 0, 1), (60, 0, 1)], tmp_path / "x.mid")
    for bad in (Note(60, 0, 1), "C4", 5):
        with pytest.raises(TypeError, match="notes"):
            write_midi(bad, tmp_path / "x.mid")


def test_write_midi_refuses_a_gap_no_midi_file_can_hold(tmp_path):
    """A delta time holds at most 2**28 - 1 ticks; a longer gap used to be written as an invalid file."""
    path = tmp_path / "x.mid"
    with pytest.raises(ValueError, match="notes.*delta time"):
        write_midi([Note(60, 0.0, 1.0), Note(62, 1e6, 1e6 + 1)], path)  # 1e6 s = 9.6e8 ticks at 480 per beat
    assert not path.exists()
    write_midi([Note(60, 0.0, 1.0), Note(62, 1e6, 1e6 + 1)], path, ticks_per_beat=96)  # 1.9e8 ticks: fits
    back = read_midi(path, max_seconds=2e6)[1]
    assert back.pitch == 62 and back.start == pytest.approx(1e6) and back.end == pytest.approx(1e6 + 1)


# --------------------------------------------------------------------------- piano rolls


def test_seconds_per_step():
    assert seconds_per_step(tempo=120, steps_per_beat=4) == 0.125
    assert seconds_per_step(tempo=100, steps_per_beat=4) == pytest.approx(0.15)
    assert seconds_per_step(tempo=60e6, steps_per_beat=32767) > 0  # the finest grid MIDI can express


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(tempo=0, steps_per_beat=4), "tempo"),
        (dict(tempo=1e308, steps_per_beat=4), "tempo"),  # the step would round to 0 s
        (dict(tempo=1e-300, steps_per_beat=4), "tempo"),
        (dict(tempo=2**1100, steps_per_beat=4), "tempo"),
        (dict(tempo=1j, steps_per_beat=4), "tempo"),
        (dict(tempo=120, steps_per_beat=0), "steps_per_beat"),
        (dict(tempo=120, steps_per_beat=True), "steps_per_beat"),
        (dict(tempo=120, steps_per_beat=10**6), "steps_per_beat"),
        (dict(tempo=120, steps_per_beat=2**64), "steps_per_beat"),
    ],
)
def test_seconds_per_step_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=rf"{name}=.*\[.*\]"):  # names the parameter and the allowed range
        seconds_per_step(**kwargs)


def test_notes_to_pianoroll_by_hand():
    notes = [Note(60, 0.0, 0.5), Note(64, 0.25, 0.5), Note(67, 0.5, 0.51)]  # 67 is shorter than a step
    roll = notes_to_pianoroll(notes, steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=8)
    expected = np.zeros((5, 8), dtype=np.float32)
    expected[0:4, 0] = 1
    expected[2:4, 4] = 1
    expected[4, 7] = 1  # at least the onset step
    assert roll.dtype == np.float32
    np.testing.assert_array_equal(roll, expected)
    cut = notes_to_pianoroll(notes, steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=8, n_steps=3)
    np.testing.assert_array_equal(cut, expected[:3])
    assert notes_to_pianoroll([], n_pitches=4).shape == (0, 4)


@settings(max_examples=100, deadline=None)
@given(
    roll=st.integers(1, 40).flatmap(
        lambda n: st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=n, max_size=n)
    ),
    offset=st.integers(0, 122),
)
def test_roll_to_notes_to_roll_is_identity(roll, offset):
    roll = np.array(roll, dtype=np.float32)
    notes = pianoroll_to_notes(roll, steps_per_beat=4, tempo=100, pitch_offset=offset)
    assert all(offset <= n.pitch < offset + 6 for n in notes)
    back = notes_to_pianoroll(notes, steps_per_beat=4, tempo=100, pitch_offset=offset, n_pitches=6, n_steps=len(roll))
    np.testing.assert_array_equal(back, roll)
    # Every note is one maximal run: the number of rising edges.
    rises = np.sum(np.diff(np.vstack([np.zeros((1, 6)), roll]), axis=0) == 1)
    assert len(notes) == rises


@settings(max_examples=100, deadline=None)
@given(
    raw=st.lists(st.tuples(st.integers(48, 59), st.integers(0, 30), st.integers(1, 8)), max_size=25),
    steps_per_beat=st.sampled_from([2, 4, 12]),
)
def test_quantised_notes_to_roll_and_back(raw, steps_per_beat):
    step = seconds_per_step(tempo=90, steps_per_beat=steps_per_beat)
    kept, last_end = [], {}
    for pitch, on, length in sorted(raw):
        if on > last_end.get(pitch, -1):  # strictly after: touching same-pitch notes would merge
            kept.append(Note(pitch, on * step, (on + length) * step))
            last_end[pitch] = on + length
    roll = notes_to_pianoroll(kept, steps_per_beat=steps_per_beat, tempo=90, pitch_offset=48, n_pitches=12)
    back = pianoroll_to_notes(roll, steps_per_beat=steps_per_beat, tempo=90, pitch_offset=48)
    assert [n.pitch for n in back] == [n.pitch for n in sorted(kept)]
    np.testing.assert_allclose([(n.start, n.end) for n in back], [(n.start, n.end) for n in sorted(kept)], atol=1e-9)


def test_note_steps_is_the_roll_rule():
    notes = [Note(60, 0.0, 0.5), Note(61, 0.3, 0.31), Note(62, 0.0625, 0.1875)]  # 0.0625 s = half a step
    steps = note_steps(notes, steps_per_beat=4, tempo=120)
    assert steps.tolist() == [[0, 4], [2, 3], [0, 2]]  # round(0.5) = 0 and round(1.5) = 2 (halves to even)
    roll = notes_to_pianoroll(notes, steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=3)
    for column, (on, off) in enumerate(steps):
        assert np.nonzero(roll[:, column])[0].tolist() == list(range(on, off))
    assert note_steps([], steps_per_beat=4, tempo=120).shape == (0, 2)
    with pytest.raises(ValueError, match="notes"):
        note_steps([(60, 0, 1)])
    with pytest.raises(TypeError, match="notes"):
        note_steps(Note(60, 0, 1))
    # A valid but astronomically late note: a named ValueError, not an OverflowError from int64.
    with pytest.raises(ValueError, match=r"notes\[1\]"):
        note_steps([Note(60, 0.0, 1.0), Note(60, 0.0, 1e300)])
    with pytest.raises(ValueError, match="steps_per_beat"):
        note_steps([Note(60, 0.0, 1.0)], steps_per_beat=2**64)


def test_repeated_notes_merge_in_a_binary_roll():
    """The documented limitation: a roll has no onsets, so back-to-back repeats become one note."""
    repeated = [Note(60, 0.0, 0.5), Note(60, 0.5, 1.0)]
    roll = notes_to_pianoroll(repeated, steps_per_beat=4, tempo=120, pitch_offset=60, n_pitches=1)
    assert pianoroll_to_notes(roll, steps_per_beat=4, tempo=120, pitch_offset=60) == [Note(60, 0.0, 1.0)]


def test_pianoroll_to_notes_accepts_boolean_rolls():
    roll = np.zeros((8, 3), dtype=bool)
    roll[2:6, 1] = True
    assert pianoroll_to_notes(roll, steps_per_beat=4, tempo=120, pitch_offset=60) == [Note(61, 0.25, 0.75)]
    assert pianoroll_to_notes(roll.astype(np.float32)) == pianoroll_to_notes(roll)


def test_pianoroll_to_notes_threshold_and_velocity():
    roll = np.array([[0.2], [0.7], [0.9], [0.4]])
    assert pianoroll_to_notes(roll, tempo=120, steps_per_beat=4, pitch_offset=10, velocity=33) == [
        Note(10, 0.125, 0.375, 33)
    ]
    assert pianoroll_to_notes(roll, tempo=120, steps_per_beat=4, threshold=0.1) == [Note(0, 0.0, 0.5)]
    assert pianoroll_to_notes(np.zeros((0, 4))) == []


def test_out_of_range_pitch_and_roll_size_guard():
    notes = [Note(30, 0, 0.5), Note(60, 0, 0.5)]
    with pytest.raises(ValueError, match="pitch_offset"):
        notes_to_pianoroll(notes, pitch_offset=48, n_pitches=24)
    roll = notes_to_pianoroll(notes, pitch_offset=48, n_pitches=24, out_of_range="drop")
    assert roll.sum() == 4 and roll[:, 12].sum() == 4
    with pytest.raises(ValueError, match="max_steps"):
        notes_to_pianoroll([Note(60, 0.0, 3600.0 * 24)])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(steps_per_beat=0), "steps_per_beat"),
        (dict(steps_per_beat=True), "steps_per_beat"),
        (dict(steps_per_beat=2**64), "steps_per_beat"),
        (dict(tempo=-1), "tempo"),
        (dict(tempo=float("nan")), "tempo"),
        (dict(tempo=1e308), "tempo"),
        (dict(pitch_offset=128), "pitch_offset"),
        (dict(pitch_offset=2**64), "pitch_offset"),
        (dict(pitch_offset=100, n_pitches=29), "n_pitches"),
        (dict(n_pitches=0), "n_pitches"),
        (dict(n_pitches=True), "n_pitches"),
        (dict(n_steps=-1), "n_steps"),
        (dict(n_steps=2**64), "n_steps"),
        (dict(n_steps=10**6), "n_steps"),  # more than max_steps
        (dict(out_of_range="clip"), "out_of_range"),
        (dict(max_steps=0), "max_steps"),
        (dict(steps_per_beat=10**6), "steps_per_beat"),  # would need 2 million steps
    ],
)
def test_notes_to_pianoroll_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        notes_to_pianoroll([Note(60, 0, 1)], **kwargs)


def test_notes_to_pianoroll_bad_notes():
    with pytest.raises(ValueError, match=r"notes\[0\]"):
        notes_to_pianoroll([Note(60, 0.0, 1e300)])
    with pytest.raises(TypeError, match="notes"):
        notes_to_pianoroll(None)


@pytest.mark.parametrize(
    "roll, kwargs, name",
    [
        (np.zeros(4), {}, "roll"),
        (np.zeros((2, 2, 2)), {}, "roll"),
        (np.full((2, 2), np.nan), {}, "roll"),
        (np.full((2, 2), -np.inf), {}, "roll"),
        (np.ones((2, 2)) * (1 + 1j), {}, "roll"),  # complex: used to compare the real parts silently
        (np.array([[1, None]], dtype=object), {}, "roll"),
        (np.array([["a", "b"]]), {}, "roll"),
        ([[1, 0], [1]], {}, "roll"),  # ragged
        (np.zeros((2, 10)), dict(pitch_offset=120), "pitch_offset"),
        (np.zeros((2, 2)), dict(pitch_offset=2**64), "pitch_offset"),
        (np.zeros((2, 2)), dict(velocity=0), "velocity"),
        (np.zeros((2, 2)), dict(velocity=2**64), "velocity"),
        (np.zeros((2, 2)), dict(velocity=True), "velocity"),
        (np.zeros((2, 2)), dict(threshold=1.0), "threshold"),
        (np.zeros((2, 2)), dict(threshold=float("nan")), "threshold"),
        (np.zeros((2, 2)), dict(steps_per_beat=1.5), "steps_per_beat"),
        (np.zeros((2, 2)), dict(steps_per_beat=10**6), "steps_per_beat"),
        (np.zeros((2, 2)), dict(tempo=1e-300), "tempo"),  # notes at 1e301 s
    ],
)
def test_pianoroll_to_notes_bad_parameters(roll, kwargs, name):
    with pytest.raises(ValueError, match=name):
        pianoroll_to_notes(roll, **kwargs)


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "data, match",
    [
        (b"", "not a MIDI file"),
        (b"hello, this is a text file\n" * 3, "not a MIDI file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), "not a MIDI file"),
        (RICH_BYTES[:40], "truncated"),
        (RICH_BYTES[:22], "truncated"),
        (RICH_BYTES[:14] + b"MTrx" + RICH_BYTES[18:], "corrupt"),
        (RICH_BYTES[:12] + b"\x00\x00" + RICH_BYTES[14:], "time division"),  # ticks_per_beat = 0
        (RICH_BYTES[:12] + b"\xe7\x28" + RICH_BYTES[14:], "time division"),  # SMPTE
        # mido reads the track count as signed: 0x8003 became -32765 tracks, and the file read as [].
        (set_track_count(RICH_BYTES, 0x8003), "high bit"),
        (set_track_count(WRITTEN_BYTES, 0xFFFF), "high bit"),
        # Fewer tracks declared than stored: the last track's notes were silently dropped.
        (set_track_count(RICH_BYTES, 2), "more track chunks follow"),
        # FF 51 03 00 00 00: a tempo of 0 us per beat made every note 0 s long (read as []) ...
        (zero_tempo(WRITTEN_BYTES), "tempo"),
        # ... or, later in the file, dropped the notes after it.
        (zero_tempo(RICH_BYTES, which=1), "tempo"),
        # Cut exactly between two events, with the track's declared length matching: read as a prefix.
        (cut_last_track(WRITTEN_BYTES, 1), "end-of-track"),
        (cut_last_track(WRITTEN_BYTES, 8), "end-of-track"),
        (cut_last_track(RICH_BYTES, 5), "end-of-track"),
        # The declared length cut short inside a file that continues: the rest used to be ignored.
        (cut_last_track(RICH_BYTES, 5) + RICH_BYTES[len(cut_last_track(RICH_BYTES, 5)) :], "end-of-track"),
    ],
    ids=[
        "empty",
        "text",
        "wav",
        "cut-40",
        "cut-22",
        "chunk-name",
        "division-0",
        "smpte",
        "tracks-0x8003",
        "tracks-0xffff",
        "tracks-undercounted",
        "tempo-0-written",
        "tempo-0-later",
        "cut-at-event-written-1",
        "cut-at-event-written-8",
        "cut-at-event-rich",
        "short-declared-length",
    ],
)
def test_bad_files_raise_midi_error(tmp_path, data, match):
    with pytest.raises(MidiError, match=match):
        _read_bytes(data, str(tmp_path / "bad.mid"))


def test_damaged_files_are_not_read_as_something_else(tmp_path):
    """What the damaged files above used to read as: nothing, or a plausible prefix (so no error was noticed)."""
    path = str(tmp_path / "x.mid")
    assert len(_read_bytes(WRITTEN_BYTES, path)) == 4 and len(_read_bytes(RICH_BYTES, path)) == 4
    # The byte surgery touched only what it says: undoing it reads the original notes again.
    assert _read_bytes(set_track_count(set_track_count(RICH_BYTES, 0x8003), 3), path) == _read_bytes(RICH_BYTES, path)
    cut = cut_last_track(WRITTEN_BYTES, 1)
    assert len(cut) < len(WRITTEN_BYTES) and mido.MidiFile(file=io.BytesIO(cut)).tracks[0][-1].type == "note_off"
    for data in (set_track_count(RICH_BYTES, 0x8003), zero_tempo(WRITTEN_BYTES), cut_last_track(WRITTEN_BYTES, 8)):
        with pytest.raises(MidiError):
            _read_bytes(data, path)


def test_size_and_length_limits(tmp_path):
    path = str(tmp_path / "x.mid")
    with pytest.raises(MidiError, match="max_bytes"):
        _read_bytes(RICH_BYTES, path, max_bytes=len(RICH_BYTES) - 1)
    assert len(_read_bytes(RICH_BYTES, path, max_bytes=len(RICH_BYTES))) == 4
    assert DEFAULT_MAX_BYTES == 4 * 2**20
    with pytest.raises(MidiError, match="max_seconds"):
        _read_bytes(RICH_BYTES, path, max_seconds=2.0)  # the last note ends at 3 s
    with pytest.raises(MidiError, match="max_notes"):
        _read_bytes(RICH_BYTES, path, max_notes=3)
    # A single delta time of 2**28 - 1 ticks puts a note about 3 days in: refused, not rolled out.
    far = mido.MidiTrack(
        [mido.Message("note_on", note=60, velocity=90, time=2**28 - 1), mido.Message("note_off", note=60, time=1)]
    )
    with pytest.raises(MidiError, match="gigantic"):
        _read_bytes(_midi_bytes(mido.MidiFile(type=0, tracks=[far])), path)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for kind, position, value in ops:
        if not buf:
            break
        i = position % len(buf)
        if kind == "flip":
            buf[i] ^= 1 << (value % 8)
        elif kind == "set":
            buf[i] = value
        elif kind == "insert":
            buf.insert(i, value)
        elif kind == "delete":
            del buf[i]
        elif kind == "truncate":
            del buf[i:]
    return bytes(buf)


_op = st.tuples(
    st.sampled_from(["flip", "set", "insert", "delete", "truncate"]), st.integers(0, 10**6), st.integers(0, 255)
)
_fuzz_input = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda tail: RICH_BYTES[:14] + tail),  # a valid header, garbage after it
    st.integers(0, len(RICH_BYTES)).map(lambda n: RICH_BYTES[:n]),  # truncated anywhere
    st.lists(_op, min_size=1, max_size=6).map(lambda ops: _mutate(RICH_BYTES, ops)),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_fuzz_input)
def test_fuzz_read_midi_only_raises_midi_error(data, scratch_path):
    """1,000 random and mutated files: read_midi returns sorted, valid Notes or raises MidiError."""
    try:
        notes = _read_bytes(data, scratch_path, max_seconds=600.0)
    except MidiError as err:
        assert str(err)
        event(f"MidiError: {str(err).split(':')[0]}")
        return
    event("read fine")
    assert notes == sorted(notes)
    assert all(isinstance(n, Note) and n.end <= 600.0 for n in notes)


def test_write_midi_one_track_per_voice(tmp_path):
    import mido

    parts = {
        "S": [Note(72, 0.0, 0.5), Note(74, 0.5, 1.0)],
        "A": [Note(67, 0.0, 1.0)],
        "T": [Note(64, 0.0, 1.0)],
        "B": [Note(48, 0.0, 1.0, velocity=60)],
    }
    path = tmp_path / "satb.mid"
    midi.write_midi(parts, path, tempo=120, program={"S": 52, "A": 52, "T": 52, "B": 32})
    file = mido.MidiFile(path)
    assert file.type == 1 and len(file.tracks) == 4
    for (name, notes), track, channel in zip(parts.items(), file.tracks, (0, 1, 2, 3)):
        assert track.name == name
        ons = [m for m in track if m.type == "note_on" and m.velocity > 0]
        assert [m.note for m in ons] == [n.pitch for n in notes] and {m.channel for m in ons} == {channel}
        assert [m.program for m in track if m.type == "program_change"] == [32 if name == "B" else 52]
    back = midi.read_midi(path)
    assert sorted((n.pitch, n.start, n.end, n.velocity) for n in back) == sorted(
        (n.pitch, n.start, n.end, n.velocity) for part in parts.values() for n in part
    )


@pytest.mark.parametrize(("notes", "kwargs", "match"), [
    ({}, {}, "1 to 16"),
    ({1: []}, {}, "track names"),
    ({"S": [], "A": []}, {"program": {"S": 1}}, "same tracks"),
    ({"S": []}, {"program": {"S": 300}}, "program"),
])
def test_write_midi_tracks_bad_input(tmp_path, notes, kwargs, match):
    with pytest.raises(ValueError, match=match):
        midi.write_midi(notes, tmp_path / "x.mid", **kwargs)
