"""Tests for musiclib.synth: frequencies by FFT, envelope lengths and levels, rendering contract."""

from dataclasses import dataclass

import numpy as np
import pytest

from musiclib import synth

SR = 22050


def fft_peak_hz(y, sr, near_hz, *, pad_to=1 << 20):
    """Frequency of the strongest spectral peak within a quarter tone of ``near_hz``.

    Independent of musiclib: zero-padded FFT (bins of sr / pad_to Hz) refined by
    parabolic interpolation of the log magnitude around the peak bin.
    """
    mag = np.abs(np.fft.rfft(np.asarray(y, dtype=np.float64), pad_to))
    freqs = np.fft.rfftfreq(pad_to, 1.0 / sr)
    band = np.flatnonzero((freqs > near_hz * 2 ** (-1 / 24)) & (freqs < near_hz * 2 ** (1 / 24)))
    k = band[np.argmax(mag[band])]
    a, b, c = np.log(mag[k - 1 : k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / pad_to


def cents(f, ref):
    return 1200 * np.log2(f / ref)


def midi_hz(m):
    # Closed form, written out here so the tests do not lean on musiclib.theory.
    return 440.0 * 2 ** ((m - 69) / 12)


@dataclass
class FakeNote:
    """Stands in for musiclib.midi.Note: only the attributes the contract names."""

    pitch: int
    start: float
    end: float
    velocity: int = 100


# ---------------------------------------------------------------- sine


@pytest.mark.parametrize("freq", [55.0, 220.0, 261.6255653005986, 440.0, 1234.5, 5000.0])
def test_sine_frequency_by_fft(freq):
    y = synth.sine(freq, 1.0, SR)
    assert abs(fft_peak_hz(y * np.hanning(y.size), SR, freq) - freq) < 0.01


def test_sine_matches_closed_form():
    y = synth.sine(330.0, 0.25, 8000, amplitude=0.8, phase=0.3)
    t = np.arange(2000) / 8000
    np.testing.assert_allclose(y, 0.8 * np.sin(2 * np.pi * 330.0 * t + 0.3), atol=1e-6)
    assert y.dtype == np.float32 and y.shape == (2000,)


@pytest.mark.parametrize("duration, sr, n", [(1.0, 22050, 22050), (0.5, 44100, 22050), (0.01, 8000, 80), (1e-6, 8000, 1)])
def test_sine_length_in_samples(duration, sr, n):
    assert synth.sine(100.0, duration, sr).shape == (n,)


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"freq": 0.0}, "freq"),
        ({"freq": -5.0}, "freq"),
        ({"freq": np.nan}, "freq"),
        ({"duration": 0.0}, "duration"),
        ({"duration": -1.0}, "duration"),
        ({"sr": 0}, "sr"),
        ({"sr": 22050.5}, "sr"),
        ({"amplitude": 1.5}, "amplitude"),
        ({"amplitude": -0.1}, "amplitude"),
        ({"phase": np.inf}, "phase"),
        ({"phase": 2**2000}, "phase"),  # np.isfinite raised an unnamed TypeError
        ({"phase": 1j}, "phase"),
        ({"sr": 10**9}, "sr"),  # 1e9 samples per second: memory
        ({"sr": True}, "sr"),
        ({"duration": 601.0}, "duration"),  # longer than MAX_DURATION (10 minutes)
        ({"duration": 10**400}, "duration"),
        ({"freq": 1e308}, "freq"),  # the phase overflowed to inf: a NaN waveform
        ({"freq": 440 + 1j}, "freq"),
    ],
)
def test_sine_bad_inputs(kwargs, param):
    args = {"freq": 440.0, "duration": 0.1, "sr": SR, **kwargs}
    with pytest.raises(ValueError, match=param):
        synth.sine(args.pop("freq"), args.pop("duration"), args.pop("sr"), **args)


# ---------------------------------------------------------------- adsr


@pytest.mark.parametrize(
    "duration, sr, attack, decay, sustain, release",
    [
        (1.0, 1000, 0.1, 0.2, 0.5, 0.3),
        (0.5, 22050, 0.01, 0.1, 0.7, 0.1),
        (2.0, 8000, 0.0, 0.0, 1.0, 0.0),
        (0.3, 44100, 0.05, 0.05, 0.0, 0.2),
    ],
)
def test_adsr_matches_breakpoints(duration, sr, attack, decay, sustain, release):
    env = synth.adsr(duration, sr, attack=attack, decay=decay, sustain=sustain, release=release)
    n = int(round(duration * sr))
    na, nd, nr = (int(round(x * sr)) for x in (attack, decay, release))
    assert env.shape == (n,) and env.dtype == np.float32
    # Independent piecewise-linear reference: rise over na samples, fall over nd,
    # hold (these cases reach the sustain before the release), then fall to 0
    # over the last nr samples, reaching 0 exactly on the last one.
    assert n - nr >= na + nd
    i = np.arange(n)
    ref = np.interp(i, [0, na, na + nd], [0.0 if na else 1.0, 1.0, sustain])
    if nr:
        ref[n - nr :] = sustain * (1 - np.arange(1, nr + 1) / nr)
    np.testing.assert_allclose(env, ref, atol=1e-6)


def test_adsr_levels_and_segment_lengths():
    sr = 1000
    env = synth.adsr(1.0, sr, attack=0.1, decay=0.2, sustain=0.5, release=0.3)
    assert env[0] == 0.0
    assert env[100] == pytest.approx(1.0)  # attack takes exactly 100 samples
    assert np.all(np.diff(env[:101]) > 0)
    np.testing.assert_allclose(env[300:700], 0.5)  # decay 200 samples, sustain until the release
    assert np.all(np.diff(env[700:]) < 0)
    assert env[-1] == 0.0
    assert np.count_nonzero(env[700:] < 0.5) == 300  # release = last 300 samples


@pytest.mark.parametrize("duration", [0.005, 0.02, 0.05, 0.11, 0.25])
def test_adsr_short_notes_stay_continuous(duration):
    sr = 22050
    attack, decay, sustain, release = 0.03, 0.05, 0.6, 0.04
    env = synth.adsr(duration, sr, attack=attack, decay=decay, sustain=sustain, release=release)
    assert env.shape == (int(round(duration * sr)),)
    assert env[0] == 0.0 and env[-1] == 0.0
    assert env.max() <= 1.0 and env.min() >= 0.0
    # No jump bigger than the steepest designed slope (release from full level).
    steepest = max(1 / (attack * sr), (1 - sustain) / (decay * sr), 1 / min(release * sr, env.size))
    assert np.abs(np.diff(env)).max() <= steepest + 1e-6


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"duration": 0.0}, "duration"),
        ({"sr": -1}, "sr"),
        ({"attack": -0.1}, "attack"),
        ({"decay": np.nan}, "decay"),
        ({"sustain": 1.2}, "sustain"),
        ({"sustain": -0.2}, "sustain"),
        ({"release": -1.0}, "release"),
        ({"attack": 1e308}, "attack"),  # OverflowError: cannot convert float infinity to integer
        ({"release": 601.0}, "release"),
        ({"sr": 192001}, "sr"),
    ],
)
def test_adsr_bad_inputs(kwargs, param):
    args = {"duration": 1.0, "sr": SR, **kwargs}
    with pytest.raises(ValueError, match=param):
        synth.adsr(args.pop("duration"), args.pop("sr"), **args)


# ---------------------------------------------------------------- additive_tone


@pytest.mark.parametrize("freq", [82.40689, 196.0, 440.0, 987.7666])
def test_additive_tone_fundamental_and_partials(freq):
    harmonics = [1.0, 0.5, 0.25, 0.125]
    y = synth.additive_tone(freq, 1.0, SR, harmonics=harmonics, amplitude=0.9, envelope=np.ones(SR))
    w = y * np.hanning(y.size)
    assert abs(fft_peak_hz(w, SR, freq) - freq) < 0.01
    # Relative partial amplitudes as designed (peak magnitudes of a Hann-windowed sine).
    mags = np.abs(np.fft.rfft(w.astype(np.float64), 1 << 20))
    freqs = np.fft.rfftfreq(1 << 20, 1 / SR)
    peaks = [mags[np.argmin(np.abs(freqs - k * freq))] for k in range(1, 5)]
    np.testing.assert_allclose(np.array(peaks) / peaks[0], harmonics, rtol=2e-3)
    # Amplitudes scaled to sum to `amplitude`: peak is reached where all partials align.
    assert np.abs(y).max() <= 0.9 + 1e-6
    assert np.abs(y).max() > 0.5


def test_additive_tone_skips_partials_above_nyquist():
    freq = 5000.0  # partials 1, 2 at 5 and 10 kHz are kept; 3 (15 kHz) would alias to 7050 Hz
    y = synth.additive_tone(freq, 1.0, SR, harmonics=[1.0, 1.0, 1.0], envelope=np.ones(SR)).astype(np.float64)
    mags = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    freqs = np.fft.rfftfreq(y.size, 1 / SR)
    at = lambda f: mags[np.argmin(np.abs(freqs - f))]  # noqa: E731
    assert at(10000.0) > 0.3 * at(5000.0)
    assert at(SR - 3 * freq) < 1e-4 * at(5000.0)
    # Same as the two kept partials, each at half the amplitude.
    t = np.arange(SR) / SR
    np.testing.assert_allclose(y, 0.25 * (np.sin(2 * np.pi * 5000 * t) + np.sin(2 * np.pi * 10000 * t)), atol=1e-5)


def test_additive_tone_default_envelope_has_no_clicks():
    y = synth.additive_tone(440.0, 0.5, SR)
    assert y.dtype == np.float32 and y.shape == (11025,)
    assert y[0] == 0.0 and abs(y[-1]) < 1e-3


def test_additive_tone_envelope_dict_is_adsr():
    spec = {"attack": 0.05, "decay": 0.0, "sustain": 1.0, "release": 0.05}
    y = synth.additive_tone(220.0, 0.5, SR, harmonics=[1.0], amplitude=1.0, envelope=spec)
    raw = synth.additive_tone(220.0, 0.5, SR, harmonics=[1.0], amplitude=1.0, envelope=np.ones(11025))
    np.testing.assert_allclose(y, raw * synth.adsr(0.5, SR, **spec), atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"freq": 0.0}, "freq"),
        ({"freq": 12000.0}, "freq"),  # every partial above Nyquist
        ({"harmonics": []}, "harmonics"),
        ({"harmonics": [0.0, 0.0]}, "harmonics"),
        ({"harmonics": [1.0, -0.5]}, "harmonics"),
        ({"harmonics": [1.0, np.nan]}, "harmonics"),
        ({"amplitude": 2.0}, "amplitude"),
        ({"envelope": np.ones(5)}, "envelope"),
        ({"envelope": np.full(2205, 2.0)}, "envelope"),
        ({"envelope": {"sustain": 3.0}}, "sustain"),
        ({"envelope": {"sustian": 0.5}}, "envelope"),  # a misspelt key was a TypeError from adsr()
        ({"envelope": np.ones(2205) * 1j}, "envelope"),
        ({"harmonics": [1.0, 0.5j]}, "harmonics"),
        ({"harmonics": "abc"}, "harmonics"),
    ],
)
def test_additive_tone_bad_inputs(kwargs, param):
    args = {"freq": 440.0, **kwargs}
    with pytest.raises(ValueError, match=param):
        synth.additive_tone(args.pop("freq"), 0.1, SR, **args)


# ---------------------------------------------------------------- karplus_strong


@pytest.mark.parametrize("midi", [24, 36, 40, 45, 52, 57, 60, 64, 69, 76, 84, 91, 100])
def test_karplus_strong_pitch_within_one_cent(midi):
    freq = midi_hz(midi)
    y = synth.karplus_strong(freq, 1.0, SR, seed=1)
    # The fractional-delay all-pass tunes the loop; without it MIDI 100 would be
    # off by up to half a sample of period (about 90 cents).
    assert abs(cents(fft_peak_hz(y, SR, freq), freq)) < 1.0


def test_karplus_strong_is_reproducible_and_seed_dependent():
    a = synth.karplus_strong(220.0, 0.5, SR, seed=7)
    b = synth.karplus_strong(220.0, 0.5, SR, seed=7)
    c = synth.karplus_strong(220.0, 0.5, SR, seed=8)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_karplus_strong_level_decay_and_end():
    y = synth.karplus_strong(196.0, 2.0, SR, decay=0.996, amplitude=0.7, seed=0)
    assert y.dtype == np.float32 and y.shape == (2 * SR,)
    assert np.abs(y).max() == pytest.approx(0.7, rel=1e-6)
    assert y[-1] == 0.0
    rms = lambda s: np.sqrt(np.mean(s.astype(np.float64) ** 2))  # noqa: E731
    assert rms(y[-SR // 10 :]) < 0.2 * rms(y[: SR // 10])
    # A smaller loop gain dies faster.
    z = synth.karplus_strong(196.0, 2.0, SR, decay=0.98, amplitude=0.7, seed=0)
    assert rms(z[SR // 2 : SR]) < rms(y[SR // 2 : SR])


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"freq": 0.0}, "freq"),
        ({"freq": SR / 2}, "freq"),
        ({"decay": 1.0}, "decay"),
        ({"decay": 0.0}, "decay"),
        ({"decay": 1.5}, "decay"),
        ({"amplitude": -1.0}, "amplitude"),
        ({"duration": 0.0}, "duration"),
        ({"freq": 1e-9}, "freq"),  # a delay line of sr / freq = 2e13 samples
        ({"seed": -1}, "seed"),  # numpy's own error did not name seed
        ({"seed": "abc"}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_karplus_strong_bad_inputs(kwargs, param):
    args = {"freq": 220.0, "duration": 0.1, **kwargs}
    with pytest.raises(ValueError, match=param):
        synth.karplus_strong(args.pop("freq"), args.pop("duration"), SR, **args)


# ---------------------------------------------------------------- render_notes


def test_render_notes_sine_matches_closed_form():
    gain, release = 0.5, 0.1
    y = synth.render_notes([(69, 0.0, 1.0, 127)], SR, instrument="sine", gain=gain, release=release)
    n = SR + int(round(release * SR))
    assert y.shape == (n,)
    t = np.arange(n) / SR
    ref = gain * synth.adsr(n / SR, SR, attack=0.01, decay=0.1, sustain=0.7, release=release) * np.sin(2 * np.pi * 440 * t)
    np.testing.assert_allclose(y, ref, atol=1e-5)


@pytest.mark.parametrize("instrument", synth.INSTRUMENTS)
def test_render_notes_contract(instrument):
    notes = [FakeNote(60, 0.0, 0.5, 100), FakeNote(64, 0.5, 1.0, 80), FakeNote(67, 0.25, 1.25, 127)]
    tuples = [(n.pitch, n.start, n.end, n.velocity) for n in notes]
    y = synth.render_notes(notes, SR, instrument=instrument, release=0.2)
    assert y.dtype == np.float32
    assert y.shape == (int(round(1.25 * SR)) + int(round(0.2 * SR)),)
    assert np.abs(y).max() <= 1.0 and np.abs(y).max() > 0.05
    np.testing.assert_array_equal(y, synth.render_notes(tuples, SR, instrument=instrument, release=0.2))
    # 3-tuples mean velocity 100.
    np.testing.assert_array_equal(
        synth.render_notes([(60, 0.0, 0.5)], SR, instrument=instrument),
        synth.render_notes([(60, 0.0, 0.5, 100)], SR, instrument=instrument),
    )


@pytest.mark.parametrize("instrument", synth.INSTRUMENTS)
@pytest.mark.parametrize("midi", [48, 69, 81])
def test_render_notes_single_note_pitch_edges_and_continuity(instrument, midi):
    start, end = 0.2, 0.9
    y = synth.render_notes([(midi, start, end, 127)], SR, instrument=instrument, gain=0.8)
    i0, i1 = int(round(start * SR)), y.size
    assert np.all(y[:i0] == 0)
    note = y[i0:i1].astype(np.float64)
    # Edges start and end at (near) zero: no click.
    assert abs(note[0]) < 1e-3 and abs(note[-1]) < 1e-3
    # Continuity: no sample step much larger than the tone's own steepest slope
    # (a sine of peak A changes by at most A * 2 pi f / sr per sample; partial k adds k).
    freq = midi_hz(midi)
    slope = 0.8 * 2 * np.pi * freq / SR * (6 if instrument == "additive" else 1)
    if instrument != "karplus":  # a plucked string starts with broadband noise
        assert np.abs(np.diff(note)).max() <= slope * 1.05
    assert abs(cents(fft_peak_hz(note, SR, freq), freq)) < 2.0


@pytest.mark.parametrize("instrument", ["additive", "sine"])
@pytest.mark.parametrize("attack, release", [(0.0, 0.0), (0.0, 0.1), (0.01, 0.0), (0.001, 0.0005)])
def test_render_notes_hard_edges_still_fade(instrument, attack, release):
    """attack=0 / release=0 would start or stop at full level: the 2 ms minimum fade keeps edges at zero."""
    start, end, gain, midi = 0.2, 0.7123, 0.8, 69
    y = synth.render_notes([(midi, start, end, 127)], SR, instrument=instrument, gain=gain, attack=attack,
                           decay=0.0, sustain=1.0, release=release)
    i0 = int(round(start * SR))
    note = y[i0:].astype(np.float64)
    assert note[0] == 0.0 and abs(note[-1]) < 1e-9
    # Largest step: the tone's own slope plus the fade's (gain / fade length), far below the
    # jump of up to `gain` that an unfaded edge would make.
    n_fade = int(round(0.002 * SR))
    slope = gain * 2 * np.pi * midi_hz(midi) / SR * (6 if instrument == "additive" else 1)
    assert np.abs(np.diff(note)).max() <= slope + 1.05 * gain / (n_fade - 1)
    # Before the end the envelope is that of a normal release (the fade only touches the last 2 ms).
    middle = slice(i0, i0 + int(0.3 * SR))
    ref = synth.render_notes([(midi, start, end, 127)], SR, instrument=instrument, gain=gain, attack=attack,
                             decay=0.0, sustain=1.0, release=0.1)
    np.testing.assert_allclose(y[middle], ref[middle], atol=1e-6)


def test_render_notes_velocity_scales_linearly():
    loud = synth.render_notes([(60, 0.0, 0.5, 127)], SR, instrument="sine")
    soft = synth.render_notes([(60, 0.0, 0.5, 64)], SR, instrument="sine")
    np.testing.assert_allclose(soft, loud * 64 / 127, atol=1e-6)
    silent = synth.render_notes([(60, 0.0, 0.5, 0)], SR)
    assert np.all(silent == 0)


def test_render_notes_normalises_only_when_clipping():
    chord = [(p, 0.0, 1.0, 127) for p in (48, 52, 55, 60, 64, 67, 72)]
    loud = synth.render_notes(chord, SR, instrument="sine", gain=0.9)
    assert np.abs(loud).max() == pytest.approx(1.0, abs=1e-6)
    quiet = synth.render_notes(chord[:1], SR, instrument="sine", gain=0.2)
    assert 0.19 < np.abs(quiet).max() <= 0.2 + 1e-6


def test_render_notes_karplus_is_reproducible():
    notes = [(60, 0.0, 0.3), (62, 0.3, 0.6)]
    a = synth.render_notes(notes, SR, instrument="karplus", seed=3)
    b = synth.render_notes(notes, SR, instrument="karplus", seed=3)
    c = synth.render_notes(notes, SR, instrument="karplus", seed=4)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_render_notes_empty_is_short_silence():
    y = synth.render_notes([], SR, release=0.1)
    assert y.dtype == np.float32 and y.shape == (2205,) and np.all(y == 0)
    assert synth.render_notes(iter([]), SR, release=0.0).shape == (1,)


def test_render_notes_up_to_max_duration():
    """A rendering may last exactly MAX_DURATION (last end + release); sr and durations at their caps are valid."""
    y = synth.render_notes([(20, 599.0, 599.9)], 100, instrument="sine", release=0.1)
    assert y.shape == (int(synth.MAX_DURATION * 100),)
    assert synth.sine(440.0, 0.001, synth.MAX_SR).shape == (192,)
    assert synth.adsr(synth.MAX_DURATION, 10, attack=synth.MAX_DURATION).shape == (6000,)


def test_render_notes_skips_notes_above_nyquist_with_warning():
    with pytest.warns(UserWarning, match="Nyquist"):
        y = synth.render_notes([(60, 0.0, 0.5), (127, 0.0, 0.5)], 8000, instrument="sine")
    ref = synth.render_notes([(60, 0.0, 0.5)], 8000, instrument="sine")
    np.testing.assert_array_equal(y, ref)


@pytest.mark.parametrize(
    "notes, kwargs, param",
    [
        ([(-1, 0.0, 1.0)], {}, "pitch"),
        ([(128, 0.0, 1.0)], {}, "pitch"),
        ([(60, -0.1, 1.0)], {}, "start"),
        ([(60, 1.0, 1.0)], {}, "end"),
        ([(60, 1.0, 0.5)], {}, "end"),
        ([(60, 0.0, np.inf)], {}, "end"),
        ([(60, 0.0, 1.0, 128)], {}, "velocity"),
        ([(60, 0.0, 1.0, -1)], {}, "velocity"),
        ([(60, 0.0)], {}, "notes"),
        ([60], {}, "notes"),
        ([("C4", 0.0, 1.0)], {}, "pitch"),
        (None, {}, "notes"),
        ([(60, 0.0, 1.0)], {"instrument": "piano"}, "instrument"),
        ([(60, 0.0, 1.0)], {"gain": 1.5}, "gain"),
        ([(60, 0.0, 1.0)], {"sr": 0}, "sr"),
        ([(60, 0.0, 1.0)], {"release": -0.1}, "release"),
        ([(60, 0.0, 1.0)], {"sustain": 2.0}, "sustain"),
        ([(60, 0.0, 1.0)], {"string_decay": 1.0}, "string_decay"),
        (5, {}, "notes"),  # TypeError: 'int' object is not iterable
        ([(60, 0.0, 1e9)], {}, "end"),  # 1e9 s of audio
        ([(60, 0.0, 599.99)], {"release": 0.1}, "release"),  # more than MAX_DURATION in all
        ([(60, 0.0, 1.0)], {"release": 1e9}, "release"),
        ([(2**70 * 10**300, 0.0, 1.0)], {}, "pitch"),
        ([(60, 0.0, 1.0)], {"seed": -1}, "seed"),
        ([(60, 0.0, 1.0)], {"sr": 10**9}, "sr"),
        ([(60, 0.0, 1.0)], {"instrument": "sine", "harmonics": [-1.0]}, "harmonics"),  # was never looked at
        ([], {"harmonics": "abc"}, "harmonics"),
    ],
)
def test_render_notes_bad_inputs(notes, kwargs, param):
    with pytest.raises(ValueError, match=param):
        synth.render_notes(notes, **kwargs)
