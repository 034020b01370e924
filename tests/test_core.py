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
    ],
)
def test_validation_messages_name_parameter_and_range(check, value, message):
    with pytest.raises(ValueError, match=message):
        check("hop_length", value)


def test_validation_accepts_good_values_and_ranges():
    assert v.check_positive_int("n", np.int64(3)) == 3
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
