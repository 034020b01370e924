"""config, validation helpers, play(), explore(), the exercise registry and env_report()."""

import numpy as np
import pytest

import musiclib
from musiclib import _validation as v
from musiclib import config, exercises, widgets


def test_quick_mode_follows_environment(monkeypatch):
    monkeypatch.setenv("MUSICLIB_QUICK", "1")
    assert config.is_quick() and config.budget(full=100, quick=3) == 3
    monkeypatch.setenv("MUSICLIB_QUICK", "0")
    assert not config.is_quick() and config.budget(full=100, quick=3) == 100
    monkeypatch.delenv("MUSICLIB_QUICK")
    assert not config.is_quick()


def test_set_seed_makes_numpy_python_and_keras_repeatable():
    import random

    import keras

    draws = []
    for _ in range(2):
        musiclib.set_seed(7)
        draws.append((random.random(), np.random.rand(), float(keras.random.uniform(()))))
    assert draws[0] == draws[1]
    musiclib.set_seed(8)
    assert (random.random(), np.random.rand()) != draws[0][:2]


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True, None])
def test_set_seed_rejects_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        musiclib.set_seed(seed)


def test_paths_point_into_the_repository():
    assert (config.REPO_DIR / "pyproject.toml").exists()
    assert config.DATA_DIR == config.REPO_DIR / "data" or "MUSICLIB_DATA_DIR" in __import__("os").environ


@pytest.mark.parametrize(
    "check, value, message",
    [
        (v.check_positive_int, 0, "hop_length=0 must be a positive integer"),
        (v.check_positive_int, 2.0, "must be a positive integer"),
        (v.check_positive_int, True, "must be a positive integer"),
        (v.check_nonnegative_int, -1, "must be a non-negative integer"),
        (v.check_positive, 0.0, "must be a finite number > 0"),
        (v.check_positive, float("nan"), "must be a finite number > 0"),
        (v.check_nonnegative, -0.1, "must be a finite number >= 0"),
        # integers beyond 64 bits or beyond float64: np.isfinite raised an unnamed TypeError
        (v.check_positive, 2**70 * 10**300, "hop_length=.* must be a finite number > 0"),
        (v.check_nonnegative, 10**400, "must be a finite number >= 0"),
        (lambda name, x: v.check_in_range(name, x, 0, 1), 10**400, "must be a number in"),
        (lambda name, x: v.check_in_range(name, x, 0, 127, integer=True), 2**70, "must be an integer in"),
        (lambda name, x: v.check_in_range(name, x, 0, 1), 1j, "must be a number in"),
        (v.check_positive_int, np.bool_(True), "must be a positive integer"),
        (v.check_positive, np.bool_(True), "must be a finite number"),
        (lambda name, x: v.check_positive_int(name, x, maximum=2**20), 2**20 + 1, r"must be a positive integer <= 1048576"),
        (lambda name, x: v.check_positive(name, x, maximum=600.0), 601.0, r"must be a finite number > 0 and <= 600"),
        (lambda name, x: v.check_nonnegative_int(name, x, maximum=3), 4, "must be a non-negative integer <= 3"),
        pytest.param(lambda name, x: v.check_positive_int(name, x, maximum=10), 10**5000,
                     "hop_length=<int too large to print> must be a positive integer <= 10", id="int-of-5000-digits"),
        (v.check_bool, 1, "hop_length=1 must be True or False"),
        (v.check_seed, -1, "must be a non-negative integer or None"),
        (v.check_seed, True, "must be a non-negative integer"),
        (lambda name, x: v.check_choice(name, x, ("a", "b")), np.array(["a", "b"]), "is not supported"),
        (lambda name, x: v.check_choice(name, x, (None, 1, 2)), True, "is not supported"),  # True == 1
        (lambda name, x: v.check_choice(name, x, ("a",)), ["a"], "is not supported"),
        (v.check_finite_array, np.array([1 + 2j]), "hop_length must be real-valued"),  # lost its imaginary part
        (v.check_finite_array, [[1.0, 2.0], [3.0]], "hop_length must be an array of numbers"),  # ragged
        (v.check_finite_array, np.array([2**70], dtype=object), "hop_length must be numeric"),
        (v.check_finite_array, [True, False], "hop_length must be numeric"),
        (v.check_finite_array, ["1", "2"], "hop_length must be numeric"),
    ],
)
def test_validation_messages_name_parameter_and_range(check, value, message):
    with pytest.raises(ValueError, match=message):
        check("hop_length", value)


def test_validation_accepts_good_values_and_ranges():
    assert v.check_positive_int("n", np.int64(3)) == 3
    assert v.check_positive_int("n", 2**70) == 2**70  # exact, with no cap asked for
    assert v.check_positive("x", 2**70) == float(2**70)
    assert v.check_positive("x", np.float32(0.5)) == 0.5
    from fractions import Fraction

    assert v.check_in_range("x", Fraction(1, 2), 0, 1) == Fraction(1, 2)
    assert v.check_positive_int("n", 2**20, maximum=2**20) == 2**20
    assert v.check_seed("seed", None) is None and v.check_seed("seed", np.uint8(3)) == 3
    rng = np.random.default_rng(0)
    assert v.check_seed("seed", rng, allow_generator=True) is rng
    assert v.check_choice("norm", None, ("slaney", None)) is None
    assert v.check_bool("flag", np.bool_(False)) is False
    assert v.check_finite_array("x", [], allow_empty=True).shape == (0,)
    assert v.check_in_range("midi", 127, 0, 127, integer=True) == 127
    with pytest.raises(ValueError, match=r"midi=128 must be an integer in \[0, 127\]"):
        v.check_in_range("midi", 128, 0, 127, integer=True)
    with pytest.raises(ValueError, match="mode='x' is not supported; choose one of 'a', 'b'"):
        v.check_choice("mode", "x", ("a", "b"))
    with pytest.raises(ValueError, match="y must contain only finite values"):
        v.check_finite_array("y", [0.0, np.inf])
    with pytest.raises(ValueError, match="y must not be empty"):
        v.check_finite_array("y", [])


def test_play_truncates_and_embeds_wav():
    sr = 8000
    y = np.linspace(-1.0, 1.0, 3 * sr, dtype=np.float32)
    audio = musiclib.play(y, sr, max_seconds=1.0)
    # 16-bit mono WAV: 44-byte header + 2 bytes per sample
    assert len(audio.data) == 44 + 2 * sr
    assert int.from_bytes(audio.data[24:28], "little") == sr  # WAV header: sample rate


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y": np.zeros(0)}, "y must not be empty"),
        ({"y": np.array([0.0, np.nan])}, "finite"),
        ({"y": np.zeros(10), "sr": 0}, "sr=0"),
        ({"y": np.zeros(10), "max_seconds": -1.0}, "max_seconds"),
        ({"y": np.zeros((2, 2, 10))}, "mono"),
    ],
)
def test_play_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        musiclib.play(**kwargs)


def test_explore_static_fallback_calls_function_with_defaults(monkeypatch):
    import ipywidgets as W

    calls = []
    monkeypatch.setenv("MUSICLIB_NO_WIDGETS", "1")
    result = widgets.explore(lambda midi, sr: calls.append((midi, sr)), midi=W.IntSlider(value=60, min=0, max=127), sr=100)
    assert result is None and calls == [(60, 100)]


def test_explore_with_widgets_builds_interactive(monkeypatch):
    import ipywidgets as W

    calls = []
    monkeypatch.delenv("MUSICLIB_NO_WIDGETS", raising=False)
    assert widgets.explore(lambda midi, sr: calls.append((midi, sr)), midi=W.IntSlider(value=60, min=0, max=127), sr=100) is None
    assert calls == [(60, 100)]
    result = widgets.build_explorer(lambda midi, sr: calls.append((midi, sr)), midi=W.IntSlider(value=60, min=0, max=127), sr=100)
    assert isinstance(result, W.interactive)
    assert calls[-1] == (60, 100)
    result.children[0].value = 61
    assert calls[-1] == (61, 100)


def test_exercise_registry_checks_and_reports():
    @exercises.register("99.1")
    def _check(answer):
        return answer == 42, "Think of the answer to everything."

    try:
        assert exercises.check("99.1", 42)
        wrong = exercises.check("99.1", 41)
        assert not wrong and "everything" in repr(wrong)
        assert not exercises.check("99.1", None)
        with pytest.raises(ValueError, match="exercise_id='nope'"):
            exercises.check("nope", 1)
        with pytest.raises(ValueError, match="registered twice"):
            exercises.register("99.1")(_check)
    finally:
        exercises._CHECKERS.pop("99.1")


def test_env_report_lists_key_packages():
    report = musiclib.env_report(devices=True)
    assert report["python"].startswith("3.11")
    assert report["packages"]["numpy"] == np.__version__
    assert report["packages"]["librosa"] is not None
    assert any(d.startswith("CPU") for d in report["devices"])


# ---------------------------------------------------------------- the bad-input grid over the public API
# One parametrised grid over every public function of theory, synth, features, models, display,
# widgets and plots: for each parameter, the wrong values a student (or a typo) produces. Each call
# must raise ValueError or TypeError whose message names the parameter. Sizes use 2**40, which the
# caps refuse at once and which could never be allocated anyway, so a lost cap fails fast.
_HUGE_INT = 2**70  # beyond int64/uint64: np.isfinite cannot take it
_VAST_INT = 10**400  # beyond float64
_BIG = 2**40  # a size that would need terabytes


def _grid():
    from musiclib import display, features as F, models, plots, synth, theory, widgets
    from musiclib.midi import Note

    not_int = [2.0, True, "4", None, 1 + 1j, [4], _VAST_INT]
    not_real = [True, "1", None, 1j, [1.0], np.nan, np.inf, _VAST_INT]
    size_bad = [0, -1, *not_int, _BIG]
    pint_bad = [0, -1, *not_int]
    nnint_bad = [-1, *not_int]
    pfloat_bad = [0.0, -1.0, *not_real]
    nnfloat_bad = [-1.0, *not_real]
    unit_bad = [-0.1, 1.5, *not_real]  # a number in [0, 1]
    real_bad = not_real  # any finite real number

    def but_none(values):  # for parameters where None means "the default"
        return [v for v in values if v is not None]

    def but_vast(values):  # for counts that only enter integer arithmetic, where any size is valid
        return [v for v in values if v is not _VAST_INT]

    flag_bad = ["yes", 1, None, np.array([True, False])]
    name_bad = ["nope", None, 5, True, ["x"], np.array(["a", "b"])]
    seed_bad = [-1, 1.5, "a", True, _VAST_INT * -1]
    ax_bad = ["abc", 5, np.zeros(3)]
    color_bad = ["not-a-colour", 5, (1, 2)]
    cmap_bad = ["not-a-cmap", 5, None]
    # arrays: empty, NaN, inf, complex, strings, ragged, objects (integers beyond 64 bits), booleans
    arr_bad = [np.zeros(0), np.array([1.0, np.nan]), np.array([1.0, np.inf]), np.array([1 + 1j, 2j]),
               np.array(["a", "b"]), [[1.0, 2.0], [3.0]], np.array([_HUGE_INT, 1], dtype=object),
               np.array([True, False]), "abc", None]
    arr_bad_nonempty_ok = [a for a in arr_bad if not (isinstance(a, np.ndarray) and a.size == 0)]
    elementwise_bad = [*arr_bad_nonempty_ok, 1 + 2j, "440", None, True, _VAST_INT]

    y = np.zeros(2048, dtype=np.float32)
    M = np.zeros((20, 5))
    hist = theory.pitch_class_histogram([60, 64, 67])
    params = models.init_tiny_net(2, 3, 1)
    xs = np.zeros((4, 2))
    _, cache = models.tiny_net_forward(params, xs)
    rolls = np.zeros((2, 8, 12))
    S_db = np.zeros((5, 4))
    corr = theory.key_correlations(hist)

    g = []  # (id, func, args, kwargs, param, position or None, bad values)

    def add(func, kwargs, param, bads, args=(), pos=None, label=None):
        g.append((f"{func.__module__.split('.')[-1]}.{func.__name__}", func, tuple(args), dict(kwargs), label or param, param, pos, bads))

    # theory
    add(theory.note_to_midi, {}, "name", [None, 60, True, "H4", "C4 ", b"C4", ["C4"]], args=("C4",), pos=0)
    add(theory.midi_to_note, {}, "midi", [-1, 128, *not_int, _HUGE_INT], args=(60,), pos=0)
    add(theory.midi_to_note, {"midi": 60}, "prefer_sharps", flag_bad)
    add(theory.midi_to_hz, {}, "midi", [-1, 128, *elementwise_bad], args=(69,), pos=0)
    add(theory.midi_to_hz, {"midi": 69}, "a4", pfloat_bad)
    add(theory.hz_to_midi, {}, "hz", [0.0, -1.0, *elementwise_bad, np.array([440 + 300j])], args=(440.0,), pos=0)
    add(theory.hz_to_midi, {"hz": 440.0}, "a4", pfloat_bad)
    add(theory.ratio_to_cents, {}, "ratio", [0.0, -1.0, *elementwise_bad], args=(1.5,), pos=0)
    add(theory.cents_to_ratio, {}, "cents", [*elementwise_bad, 1e7], args=(100.0,), pos=0)
    add(theory.interval_name, {}, "semitones", [*not_int, _HUGE_INT, 128, -128], args=(7,), pos=0)
    add(theory.scale, {}, "tonic", ["H4", 116, -1, 60.0, None, True, _HUGE_INT], args=("C4",), pos=0)
    add(theory.scale, {"tonic": "C4"}, "mode", name_bad)
    add(theory.chord, {}, "root", ["X4", 128, 125, 60.0, None, True, _HUGE_INT], args=("C4",), pos=0)
    add(theory.chord, {"root": "C4"}, "quality", name_bad)
    add(theory.chord, {"root": "C4"}, "inversion", [-1, 3, *not_int, _HUGE_INT])
    add(theory.pitch_class_histogram, {}, "midi_pitches", [*arr_bad, [60.5], [128], [[60]], 60], args=([60, 64],), pos=0)
    add(theory.pitch_class_histogram, {"midi_pitches": [60, 64]}, "weights",
        [[1.0], [1.0, -1.0], [0.0, 0.0], [1.0, np.nan], [1 + 1j, 1.0], ["a", "b"], [1e308, 1e308], "ab"])
    for func in (theory.key_correlations, theory.estimate_key):
        add(func, {}, "pitch_class_histogram", [*arr_bad, np.ones(12), np.ones(11), -np.arange(12.0), np.ones(12) * 1j],
            args=(hist,), pos=0)
    add(theory.beats_to_seconds, {"tempo_bpm": 120}, "beats", [-1.0, *elementwise_bad], args=(1.0,), pos=0)
    add(theory.beats_to_seconds, {"beats": 1.0}, "tempo_bpm", pfloat_bad)
    add(theory.beats_to_seconds, {"tempo_bpm": 1e-300}, "beats", [1e300], args=(1.0,), pos=0)
    add(theory.seconds_to_beats, {"tempo_bpm": 120}, "seconds", [-1.0, *elementwise_bad], args=(1.0,), pos=0)
    add(theory.seconds_to_beats, {"seconds": 1.0}, "tempo_bpm", pfloat_bad)
    add(theory.note_duration_seconds, {"tempo_bpm": 120}, "note_value", name_bad, args=("quarter",), pos=0)
    add(theory.note_duration_seconds, {"note_value": "quarter"}, "tempo_bpm", pfloat_bad)
    seq = {"pitches": [60, 62], "beats": [1.0, 1.0], "tempo_bpm": 120}
    add(theory.sequence_to_notes, seq, "pitches", [5, None, "C4", ["H4", 62], [60.5, 62], [True, 62], [60]])
    add(theory.sequence_to_notes, seq, "beats", [5, None, "11", [0.0, 1.0], ["long", 1], [np.nan, 1.0], [True, 1.0]])
    add(theory.sequence_to_notes, seq, "tempo_bpm", pfloat_bad)
    add(theory.sequence_to_notes, seq, "velocity", [-1, 128, *not_int])
    add(theory.sequence_to_notes, seq, "start", nnfloat_bad)

    # synth
    tone = {"freq": 440.0, "duration": 0.01, "sr": 8000}
    for func in (synth.sine, synth.additive_tone, synth.karplus_strong):
        add(func, tone, "freq", pfloat_bad)
        add(func, tone, "duration", [*pfloat_bad, 601.0, 1e9])
        add(func, tone, "sr", [*pint_bad, 10**9, 22050.5])
        add(func, tone, "amplitude", unit_bad)
    add(synth.sine, tone, "phase", [*real_bad])
    add(synth.sine, {**tone, "freq": 1e308}, "freq", [1e308])
    add(synth.adsr, {"duration": 0.1, "sr": 8000}, "duration", [*pfloat_bad, 601.0])
    add(synth.adsr, {"duration": 0.1}, "sr", [*pint_bad, 10**9])
    for param in ("attack", "decay", "release"):
        add(synth.adsr, {"duration": 0.1, "sr": 8000}, param, [*nnfloat_bad, 1e308])
    add(synth.adsr, {"duration": 0.1, "sr": 8000}, "sustain", unit_bad)
    add(synth.additive_tone, tone, "harmonics", [*arr_bad, [0.0, 0.0], [1.0, -1.0], [[1.0]], 1.0])
    add(synth.additive_tone, tone, "envelope", [np.ones(5), np.full(80, 2.0), {"sustain": 3.0}, {"foo": 1.0},
                                                np.ones(80) * 1j, "abc", np.full(80, np.nan)])
    add(synth.additive_tone, {**tone, "freq": 5000.0}, "freq", [5000.0])  # every partial above Nyquist
    add(synth.karplus_strong, tone, "decay", [0.0, 1.0, *unit_bad])
    add(synth.karplus_strong, tone, "seed", [*seed_bad, np.random.RandomState(0)])
    add(synth.karplus_strong, tone, "freq", [1e-9, 4000.0])
    notes = [(60, 0.0, 0.1)]
    add(synth.render_notes, {"sr": 8000}, "notes", [None, 5, "abc", [(60, 0.0)], [60], [("C4", 0.0, 1.0)], [(60, 0.0, 1e9)],
                                                   [(True, 0.0, 1.0)], [(60, 0.0, np.inf)], [(60, 1.0, 0.5)], [(128, 0, 1)],
                                                   [(60, 0, 1, 128)], [(60, -1, 1)], [(_HUGE_INT * 10**300, 0, 1)]],
        args=(notes,), pos=0)
    add(synth.render_notes, {"notes": notes}, "sr", [*pint_bad, 10**9])
    add(synth.render_notes, {"notes": notes, "sr": 8000}, "instrument", name_bad)
    add(synth.render_notes, {"notes": notes, "sr": 8000}, "gain", unit_bad)
    for param in ("attack", "decay", "release"):
        add(synth.render_notes, {"notes": notes, "sr": 8000}, param, [*nnfloat_bad, 1e9])
    add(synth.render_notes, {"notes": notes, "sr": 8000}, "sustain", unit_bad)
    add(synth.render_notes, {"notes": notes, "sr": 8000}, "string_decay", [0.0, 1.0, *unit_bad])
    add(synth.render_notes, {"notes": notes, "sr": 8000, "instrument": "sine"}, "harmonics", [[-1.0], "abc", [1j]])
    add(synth.render_notes, {"notes": notes, "sr": 8000}, "seed", seed_bad)

    # features
    add(F.frame_count, {}, "n_samples", but_vast(pint_bad), args=(1000,), pos=0)
    add(F.frame_count, {"n_samples": 4096}, "n_fft", size_bad)
    add(F.frame_count, {"n_samples": 4096}, "hop_length", pint_bad)
    add(F.frame_count, {"n_samples": 4096}, "center", flag_bad)
    add(F.frame, {"frame_length": 4, "hop_length": 2}, "y", arr_bad, args=(np.zeros(16),), pos=0)
    add(F.frame, {"y": np.zeros(16), "hop_length": 2}, "frame_length", [*pint_bad, 17, _BIG])
    add(F.frame, {"y": np.zeros(16), "frame_length": 4}, "hop_length", but_vast(pint_bad))
    add(F.get_window, {}, "window", ["kaiser", None, 5, np.ones(5), np.ones(16) * 1j, np.full(16, np.nan)], args=("hann", 16), pos=0)
    add(F.get_window, {}, "win_length", size_bad, args=("hann", 16), pos=1)
    add(F.get_window, {"window": "hann", "win_length": 16}, "periodic", flag_bad)
    add(F.get_window, {"window": "hann", "win_length": 16}, "dtype", [np.int64, int, bool, np.complex128, "abc", 5])
    for func in (F.stft, F.power_spectrogram, F.melspectrogram, F.mfcc):
        add(func, {}, "y", [*arr_bad, np.zeros((2, 0)), 5.0], args=(y,), pos=0)
        add(func, {"y": y}, "n_fft", size_bad)
        add(func, {"y": y}, "hop_length", but_none(pint_bad))
        add(func, {"y": y}, "win_length", [*but_none(pint_bad), 4096, _BIG])
        add(func, {"y": y}, "window", ["kaiser", 5, np.ones(5), np.ones(2048) * 1j])
        add(func, {"y": y}, "center", flag_bad)
        add(func, {"y": y}, "pad_mode", name_bad)
    for func in (F.power_spectrogram, F.melspectrogram, F.mfcc):
        add(func, {"y": y}, "power", pfloat_bad)
    add(F.stft, {"y": np.zeros(100), "center": False}, "n_fft", [256])
    add(F.fft_frequencies, {}, "sr", pfloat_bad)
    add(F.fft_frequencies, {}, "n_fft", size_bad)
    for func, param in ((F.hz_to_mel, "frequencies"), (F.mel_to_hz, "mels")):
        add(func, {}, param, [-1.0, *elementwise_bad], args=(100.0,), pos=0)
        add(func, {}, "htk", flag_bad, args=(100.0,))
    add(F.mel_to_hz, {}, "mels", [1e6, 1e300], args=(100.0,), pos=0)
    add(F.mel_frequencies, {}, "n_mels", size_bad)
    add(F.mel_frequencies, {}, "fmin", [*nnfloat_bad, 20000.0])
    add(F.mel_frequencies, {}, "fmax", pfloat_bad)
    add(F.mel_frequencies, {}, "htk", flag_bad)
    for func, base in ((F.mel_filterbank, {}), (F.melspectrogram, {"y": y}), (F.mfcc, {"y": y})):
        add(func, base, "sr", pfloat_bad)
        add(func, base, "n_mels", [*size_bad, 4097])
        add(func, base, "fmin", [*nnfloat_bad, 20000.0])
        add(func, base, "fmax", [*but_none(pfloat_bad), 12000.0])
        add(func, base, "htk", flag_bad)
        add(func, base, "norm", ["area", True, 3, "Slaney", [1]])
    add(F.mel_filterbank, {}, "n_fft", size_bad)
    add(F.mel_filterbank, {}, "norm", [True])
    add(F.mel_filterbank, {}, "dtype", [np.int64, np.complex64, "abc"])
    add(F.power_to_db, {}, "S", [*arr_bad, -np.ones(3), np.ones(3, dtype=complex)], args=(np.ones(3),), pos=0)
    add(F.power_to_db, {"S": np.ones(3)}, "amin", pfloat_bad)
    add(F.power_to_db, {"S": np.ones(3)}, "top_db", but_none(nnfloat_bad))
    add(F.power_to_db, {"S": np.ones(3)}, "ref", [*pfloat_bad, lambda S: -1.0, lambda S: np.nan, lambda S: S,
                                                  lambda S: 1j, lambda S: "a", lambda S: None])
    add(F.power_to_db, {"S": np.ones((2, 3))}, "top_db_axis", [2, -3, (0, 0), (), "a", 1.0, True, [5]])
    add(F.db_to_power, {}, "S_db", [*arr_bad, np.array([1e4])], args=(np.zeros(3),), pos=0)
    add(F.db_to_power, {"S_db": np.zeros(3)}, "ref", pfloat_bad)
    add(F.dct_matrix, {"n_in": 4}, "n_out", [5, *pint_bad], args=(), pos=None)
    add(F.dct_matrix, {"n_out": 2}, "n_in", [*pint_bad, _BIG])
    add(F.dct_matrix, {"n_out": 2, "n_in": 4}, "dtype", [np.int64, "abc"])
    add(F.dct, {}, "x", arr_bad, args=(np.ones(4),), pos=0)
    add(F.dct, {"x": np.ones(4)}, "n_coefficients", [5, *but_none(pint_bad)])
    add(F.dct, {"x": np.ones(4)}, "axis", [1, -2, *not_int])
    add(F.idct, {}, "c", arr_bad, args=(np.ones(4),), pos=0)
    add(F.idct, {"c": np.ones(4)}, "n", [3, 0, *but_none(not_int), _BIG])
    add(F.idct, {"c": np.ones(4)}, "axis", [1, -2, *not_int])
    add(F.mfcc, {"y": y}, "n_mfcc", [0, -1, 129, *not_int])
    add(F.mfcc, {"y": y}, "lifter", nnfloat_bad)
    add(F.mfcc, {"y": y}, "top_db", but_none(nnfloat_bad))
    add(F.delta, {}, "data", arr_bad, args=(np.ones((3, 20)),), pos=0)
    add(F.delta, {"data": np.ones((3, 20))}, "width", [4, 1, 21, *pint_bad, _BIG + 1])
    add(F.delta, {"data": np.ones((3, 20)), "mode": "nearest"}, "width", [_BIG + 1])
    add(F.delta, {"data": np.ones((3, 20))}, "order", [0, 9, *pint_bad])
    add(F.delta, {"data": np.ones((3, 20))}, "axis", [2, -3, *not_int])
    add(F.delta, {"data": np.ones((3, 20))}, "mode", name_bad)
    add(F.mfcc_to_mel, {}, "M", [*arr_bad, np.zeros(20), np.full((2, 2), 1e5)], args=(M,), pos=0)
    add(F.mfcc_to_mel, {"M": M}, "n_mels", [10, *pint_bad, _BIG])
    add(F.mfcc_to_mel, {"M": M}, "lifter", nnfloat_bad)
    add(F.mfcc_to_mel, {"M": M}, "ref", pfloat_bad)
    add(F.mfcc_to_audio, {}, "M", [np.zeros(20), np.array([[np.nan]])], args=(M,), pos=0)
    add(F.mfcc_to_audio, {"M": M}, "seed", [*seed_bad, None])
    add(F.mfcc_to_audio, {"M": M}, "n_iter", pint_bad)
    add(F.mfcc_to_audio, {"M": M}, "length", [*but_none(pint_bad), _BIG])
    add(F.mfcc_to_audio, {"M": M}, "n_fft", size_bad)
    add(F.mfcc_to_audio, {"M": M}, "power", pfloat_bad)

    # display, widgets
    add(display.play, {}, "y", [*arr_bad, np.zeros((3, 10)), np.zeros((2, 2, 10))], args=(np.zeros(100),), pos=0)
    add(display.play, {"y": np.zeros(100)}, "sr", [*pint_bad, 2**40])
    add(display.play, {"y": np.zeros(100)}, "max_seconds", pfloat_bad)
    add(display.play, {"y": np.zeros(100)}, "normalize", flag_bad)
    for func in (widgets.explore, widgets.build_explorer):
        add(func, {}, "func", [5, "f", None], args=(print,), pos=0)  # was "'int' object is not callable"

    # models
    add(models.activation, {}, "x", arr_bad, args=(np.zeros(3),), pos=0)
    add(models.activation, {"x": np.zeros(3)}, "name", name_bad)
    for param in ("n_inputs", "n_hidden", "n_outputs"):
        add(models.init_tiny_net, {"n_inputs": 2, "n_hidden": 3, "n_outputs": 1}, param, [*pint_bad, _BIG])
    add(models.init_tiny_net, {"n_inputs": 2, "n_hidden": 3}, "seed", [*seed_bad, None])
    add(models.tiny_net_forward, {"x": xs}, "params", [None, {"W1": 1}, {**params, "W1": np.ones((2, 4))},
                                                        {**params, "b2": np.array([1j])}, {**params, "W2": np.full((3, 1), np.nan)}],
        args=(params,), pos=0)
    add(models.tiny_net_forward, {"params": params}, "x", [*arr_bad, np.zeros((3, 3)), np.zeros(2)])
    add(models.tiny_net_forward, {"params": params, "x": xs}, "hidden_activation", name_bad)
    add(models.tiny_net_backward, {"params": params, "d_logits": np.zeros((4, 1))}, "cache",
        [None, {}, {**cache, "h": np.zeros((4, 7))}, {**cache, "x": np.full((4, 2), np.nan)}])
    add(models.tiny_net_backward, {"params": params, "cache": cache}, "d_logits", [*arr_bad, np.zeros((4, 2)), np.zeros(4)])
    for func in (models.tiny_net_loss_and_gradients, models.tiny_net_gradients_tf):
        add(func, {"params": params, "x": xs}, "y", [*arr_bad, [0, 1, 2, 0], [0, 1], np.zeros((4, 2)), 0.5])
    add(models.train_tiny_net, {"y": [0, 1, 1, 0]}, "x", [*arr_bad, np.zeros(4), np.zeros((4, 2, 1))], args=(xs,), pos=0)
    add(models.train_tiny_net, {"x": xs, "y": [0, 1, 1, 0]}, "steps", [*pint_bad, _BIG])
    add(models.train_tiny_net, {"x": xs, "y": [0, 1, 1, 0]}, "learning_rate", pfloat_bad)
    add(models.train_tiny_net, {"x": xs, "y": [0, 1, 1, 0]}, "seed", seed_bad)
    add(models.chord_chroma, {}, "midi_pitches", [*arr_bad, [60, 130], [[60, 64]]], args=([60, 64],), pos=0)
    add(models.chord_chroma, {"midi_pitches": [60]}, "n_harmonics", [*pint_bad, _BIG])
    add(models.chord_chroma, {"midi_pitches": [60]}, "rolloff", nnfloat_bad)
    add(models.chord_dataset, {}, "n_examples", [*pint_bad, _BIG], args=(4,), pos=0)
    add(models.chord_dataset, {"n_examples": 4}, "qualities", ["maj", ("maj",), ("maj", "major"), ("maj", "maj"), 5,
                                                                (["maj"], "min"), None])
    add(models.chord_dataset, {"n_examples": 4}, "noise", [*nnfloat_bad, 1e300])
    add(models.chord_dataset, {"n_examples": 4}, "n_harmonics", [*pint_bad, _BIG])
    add(models.chord_dataset, {"n_examples": 4}, "extra_note_prob", unit_bad)
    add(models.chord_dataset, {"n_examples": 4}, "seed", [*seed_bad, None])
    add(models.build_mlp, {}, "input_dim", [*pint_bad, _BIG], args=(3,), pos=0)
    add(models.build_mlp, {"input_dim": 3}, "hidden", [5, (4, 0), (4, -1), (True,), ("64",), (2.0,), (_BIG,)])
    add(models.build_mlp, {"input_dim": 3}, "output_dim", [*pint_bad, _BIG])
    add(models.build_mlp, {"input_dim": 3}, "activation", ["nope", 5, None])
    add(models.build_mlp, {"input_dim": 3}, "output_activation", ["nope", 5])
    add(models.build_mlp, {"input_dim": 3}, "dropout", [1.0, *unit_bad])
    add(models.build_mlp, {"input_dim": 3}, "l2", nnfloat_bad)
    add(models.build_mlp, {"input_dim": 3}, "seed", seed_bad)
    add(models.build_mlp, {"input_dim": 3}, "name", [5, None, ""])
    add(models.build_mlp_classifier, {"input_dim": 3}, "n_classes", [1, *pint_bad], args=(), pos=None)
    add(models.build_mlp_classifier, {"input_dim": 3, "n_classes": 2}, "learning_rate", pfloat_bad)

    # plots
    wave = np.zeros(800)
    add(plots.waveform, {"sr": 8000}, "y", [*arr_bad, np.zeros((2, 10))], args=(wave,), pos=0)
    add(plots.waveform, {"y": wave}, "sr", pint_bad)
    add(plots.waveform, {"y": wave, "sr": 8000}, "ax", ax_bad)
    add(plots.waveform, {"y": wave, "sr": 8000}, "start", [-1.0, 1.0, *not_real])
    add(plots.waveform, {"y": wave, "sr": 8000}, "duration", but_none(pfloat_bad))
    add(plots.waveform, {"y": wave, "sr": 8000, "nonsense_property": 1}, "line_kwargs", [None], label="nonsense_property")
    add(plots.spectrum, {"sr": 8000}, "y", arr_bad, args=(wave,), pos=0)
    add(plots.spectrum, {"y": wave}, "sr", pint_bad)
    add(plots.spectrum, {"y": wave, "sr": 8000}, "ax", ax_bad)
    add(plots.spectrum, {"y": wave, "sr": 8000}, "fmax", [*but_none(nnfloat_bad), 5000.0])
    add(plots.spectrum, {"y": wave, "sr": 8000}, "fmin", [*nnfloat_bad, 5000.0])
    add(plots.spectrum, {"y": wave, "sr": 8000}, "floor_db", real_bad)
    add(plots.spectrum, {"y": wave, "sr": 8000}, "db", flag_bad)
    add(plots.spectrum, {"y": wave, "sr": 8000}, "log_freq", flag_bad)
    add(plots.keyboard, {}, "highlight", [5, "C4", [128], [True], [60.5], ["H4"], [None]], args=([60],), pos=0)
    add(plots.keyboard, {"highlight": [60]}, "low", [-1, 128, *not_int])
    add(plots.keyboard, {"highlight": [60]}, "high", [-1, 128, 40, *not_int])
    add(plots.keyboard, {"highlight": [60]}, "color", color_bad)
    add(plots.keyboard, {"highlight": [60]}, "labels", name_bad)
    add(plots.keyboard, {"highlight": [60]}, "prefer_sharps", flag_bad)
    add(plots.keyboard, {"highlight": [60]}, "ax", ax_bad)
    add(plots.midi_vs_frequency, {}, "low", [-1, 128, 200, *not_int])
    add(plots.midi_vs_frequency, {}, "a4", pfloat_bad)
    add(plots.midi_vs_frequency, {}, "mark", [5, [128], [60.5], ["C4"], None])
    add(plots.midi_vs_frequency, {}, "log_freq", flag_bad)
    add(plots.midi_vs_frequency, {}, "ax", ax_bad)
    add(plots.pitch_class_bars, {}, "values", [*arr_bad, np.ones(11)], args=(np.ones(12),), pos=0)
    add(plots.pitch_class_bars, {"values": np.ones(12)}, "width", [0.0, -0.5, 2.0, *not_real])
    add(plots.pitch_class_bars, {"values": np.ones(12)}, "offset", real_bad)
    add(plots.pitch_class_bars, {"values": np.ones(12)}, "color", color_bad)
    add(plots.pitch_class_bars, {"values": np.ones(12)}, "prefer_sharps", flag_bad)
    add(plots.pitch_class_bars, {"values": np.ones(12)}, "ax", ax_bad)
    add(plots.key_correlation_map, {}, "correlations", [*arr_bad, np.ones((12, 2)), corr * 5], args=(corr,), pos=0)
    add(plots.key_correlation_map, {"correlations": corr}, "cmap", cmap_bad)
    add(plots.key_correlation_map, {"correlations": corr}, "ax", ax_bad)
    add(plots.pianoroll, {}, "roll", [*arr_bad, np.zeros(5), np.zeros((2, 2, 2)), [], np.zeros((4, 200))], args=(np.zeros((8, 12)),), pos=0)
    roll_base = {"roll": np.zeros((8, 12))}
    add(plots.pianoroll, roll_base, "pitch_offset", [-1, 120, *not_int])
    add(plots.pianoroll, roll_base, "steps_per_beat", pint_bad)
    add(plots.pianoroll, roll_base, "beats_per_bar", pint_bad)
    add(plots.pianoroll, roll_base, "first_downbeat", nnfloat_bad)
    add(plots.pianoroll, roll_base, "crop", flag_bad)
    add(plots.pianoroll, roll_base, "cmap", cmap_bad)
    add(plots.pianoroll, roll_base, "ax", ax_bad)
    add(plots.pianoroll, {"roll": [Note(60, 0.0, 0.5)]}, "tempo", pfloat_bad)
    add(plots.pianoroll_segments, {}, "rolls", [*arr_bad, np.zeros((8, 12))], args=(rolls,), pos=0)
    add(plots.pianoroll_segments, {"rolls": rolls}, "ncols", but_vast(pint_bad))
    add(plots.pianoroll_segments, {"rolls": rolls}, "titles", [["a"], "ab", 5])
    add(plots.pianoroll_segments, {"rolls": rolls}, "fig", ["abc", 5])
    add(plots.pianoroll_segments, {"rolls": rolls}, "pitch_offset", [-1, 120, *not_int])
    add(plots.pianoroll_segments, {"rolls": rolls}, "steps_per_beat", pint_bad)
    for func in (plots.voice_ranges, plots.key_counts, plots.duration_counts):
        add(func, {}, "chorales", [[], None, 5, "abc", [5], [None]], args=([],), pos=0)
    add(plots.sampled_signal, {"sr": 10, "duration": 1.0}, "func", [5, "f", None], args=(np.sin,), pos=0)
    add(plots.sampled_signal, {"sr": 10, "duration": 1.0}, "func", [lambda t: t * 1j, lambda t: np.full(3, np.nan),
                                                                    lambda t: "a", lambda t: np.ones(3)], args=(np.sin,), pos=0,
        label="func\\(t\\)")
    add(plots.sampled_signal, {"func": np.sin, "duration": 1.0}, "sr", [*pfloat_bad, 1e9])
    add(plots.sampled_signal, {"func": np.sin, "sr": 10}, "duration", [*pfloat_bad, 1e9])
    add(plots.sampled_signal, {"func": np.sin, "sr": 10, "duration": 1.0}, "oversample", [*pint_bad, _BIG])
    add(plots.sampled_signal, {"func": np.sin, "sr": 10, "duration": 1.0}, "ax", ax_bad)
    add(plots.window_responses, {}, "windows", [[], ["kaiser"], None, 5, [5]], args=(["hann"],), pos=0)
    add(plots.window_responses, {"windows": ["hann"]}, "n_fft", [*pint_bad, _BIG])
    add(plots.window_responses, {"windows": ["hann"]}, "zero_pad", [*pint_bad, _BIG])
    add(plots.window_responses, {"windows": ["hann"]}, "floor_db", [0.0, 10.0, *not_real])
    add(plots.window_responses, {"windows": ["hann"]}, "ax", ax_bad)
    spec = {"S_db": S_db, "sr": 8000, "hop_length": 64}
    add(plots.spectrogram, {"sr": 8000, "hop_length": 64}, "S_db", [*arr_bad, np.zeros(5), np.zeros((2, 2, 2))],
        args=(S_db,), pos=0)
    add(plots.spectrogram, spec, "sr", pfloat_bad)
    add(plots.spectrogram, spec, "hop_length", pint_bad)
    add(plots.spectrogram, spec, "y_axis", name_bad)
    add(plots.spectrogram, {**spec, "y_axis": "mel"}, "fmax", [*but_none(pfloat_bad), 9000.0])
    add(plots.spectrogram, {**spec, "y_axis": "mel"}, "fmin", [*nnfloat_bad, 5000.0])
    add(plots.spectrogram, spec, "cmap", cmap_bad)
    add(plots.spectrogram, spec, "vmin", ["a", np.nan, np.inf, 1j])
    add(plots.spectrogram, {**spec, "vmax": 0.0}, "vmin", [1.0])
    add(plots.spectrogram, spec, "colorbar", flag_bad)
    add(plots.spectrogram, spec, "ax", ax_bad)
    add(plots.mel_scales, {}, "fmax", pfloat_bad)
    add(plots.mel_scales, {}, "ax", ax_bad)
    fb = F.mel_filterbank(sr=8000, n_fft=256, n_mels=10)
    add(plots.mel_filterbank, {"sr": 8000}, "weights", [*arr_bad, np.zeros(5), -fb], args=(fb,), pos=0)
    add(plots.mel_filterbank, {"weights": fb}, "sr", pfloat_bad)
    add(plots.mel_filterbank, {"weights": fb, "sr": 8000}, "every", but_vast(pint_bad))
    add(plots.mel_filterbank, {"weights": fb, "sr": 8000}, "ax", ax_bad)
    add(plots.dct_basis, {}, "n_mels", [*pint_bad, _BIG])
    add(plots.dct_basis, {}, "n_basis", [0, 41, *not_int])
    add(plots.dct_basis, {}, "ax", ax_bad)
    add(plots.mfcc_image, {"sr": 8000, "hop_length": 64}, "M", [*arr_bad, np.zeros(5)], args=(M,), pos=0)
    add(plots.mfcc_image, {"M": M, "hop_length": 64}, "sr", pfloat_bad)
    add(plots.mfcc_image, {"M": M, "sr": 8000}, "hop_length", pint_bad)
    add(plots.mfcc_image, {"M": M, "sr": 8000, "hop_length": 64}, "colorbar", flag_bad)
    add(plots.mfcc_image, {"M": M, "sr": 8000, "hop_length": 64}, "ax", ax_bad)
    add(plots.loss_curves, {}, "history", [5, None, "abc", [[1.0, 2.0], [3.0]], {"loss": [np.nan]}, {"loss": []},
                                           {"loss": ["a"]}, {"loss": [1j]}], args=([1.0, 0.5],), pos=0,
        label="history|loss")
    add(plots.loss_curves, {"history": {"loss": [1.0]}}, "keys", ["loss", ["val_loss"], 5, [None]])
    add(plots.loss_curves, {"history": [1.0]}, "logy", flag_bad)
    add(plots.loss_curves, {"history": [1.0]}, "ax", ax_bad)
    grid_x = np.linspace(0.0, 1.0, 3)
    add(plots.function_curves, {"curves": {"a": grid_x}}, "x", [*arr_bad, np.zeros((3, 1))], args=(grid_x,), pos=0)
    add(plots.function_curves, {"x": grid_x}, "curves", [{}, None, [1.0], {"a": np.ones(4)}, {"a": np.ones(3) * 1j},
                                                         {"a": ["p", "q", "r"]}])
    add(plots.function_curves, {"x": grid_x, "curves": {"a": grid_x}}, "styles", [5, {"a": 5}, {"a": {"nonsense": 1}}])
    add(plots.function_curves, {"x": grid_x, "curves": {"a": grid_x}}, "ax", ax_bad)
    add(plots.density_curves, {"x": grid_x, "densities": {"p": grid_x}}, "bins", [*pint_bad, _BIG])
    add(plots.density_curves, {"x": grid_x, "densities": {"p": grid_x}}, "samples", [5, [1.0], {"s": [np.nan]}, {"s": []}])
    add(plots.density_curves, {"x": grid_x, "densities": {"p": grid_x}}, "ax", ax_bad)
    cm = {"y_true": [0, 1], "y_pred": [1, 1], "labels": ["a", "b"]}
    add(plots.confusion_matrix, cm, "y_true", [[0, 2], [0.0, 1.0], [True, False], [], [0], ["a", "b"], [[0, 1], [1]]])
    add(plots.confusion_matrix, cm, "labels", ["ab", 5, None, []])
    add(plots.confusion_matrix, cm, "ax", ax_bad)
    return g


def _grid_cases():
    cases = []
    for ident, func, args, kwargs, label, param, pos, bads in _grid():
        for i, bad in enumerate(bads):
            cases.append(pytest.param(func, args, kwargs, param, pos, bad, label, id=f"{ident}-{param}-{i}"))
    return cases


def _call_with(func, args, kwargs, param, pos, value):
    args, kwargs = list(args), dict(kwargs)
    if pos is not None:
        args[pos] = value
    elif param != "line_kwargs":
        kwargs[param] = value
    return func(*args, **kwargs)


@pytest.mark.parametrize("func, args, kwargs, param, pos, bad, label", _grid_cases())
def test_public_api_refuses_bad_input_naming_the_parameter(func, args, kwargs, param, pos, bad, label):
    with pytest.raises((ValueError, TypeError), match=label):
        _call_with(func, args, kwargs, param, pos, bad)
