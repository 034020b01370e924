"""musiclib.plots.evaluation: what the chapter-10 plot helpers draw, and their bad-input errors."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from musiclib import plots
from musiclib.plots import evaluation as pe


@pytest.fixture
def features(rng):
    return {
        "real": {"pitch_range": rng.integers(20, 40, 80).astype(float), "tonal_distance": rng.normal(0.8, 0.1, 80)},
        "gan": {"pitch_range": rng.integers(15, 35, 60).astype(float), "tonal_distance": rng.normal(1.3, 0.2, 60)},
    }


def test_helpers_are_re_exported_by_plots():
    for name in ("feature_histograms", "overlap_bars", "transition_matrices"):
        assert getattr(plots, name) is getattr(pe, name) and name in plots.__all__


def test_feature_histograms_draws_one_panel_per_feature_with_one_density_per_system(features):
    axes = pe.feature_histograms(features, names=["tonal_distance", "pitch_range"], bins=20)
    assert [ax.get_title() for ax in axes] == ["tonal_distance", "pitch_range"]
    for ax in axes:
        assert len(ax.patches) == 2  # one step histogram per system
        assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["real", "gan"]
    # Each step histogram is a density: its area is 1.
    xy = axes[0].patches[0].get_xy()
    widths, heights = np.diff(xy[1:-1:2, 0]), xy[1:-1:2, 1][:-1]
    assert np.sum(widths * heights) == pytest.approx(1.0, rel=1e-6)


def test_feature_histograms_integer_features_get_one_bin_per_integer_and_nan_is_left_out():
    feats = {"a": {"n": np.array([1.0, 2.0, 2.0, np.nan])}, "b": {"n": np.array([3.0, 3.0])}}
    fig, grid = plt.subplots(1, 2)
    axes = pe.feature_histograms(feats, axes=grid)
    assert axes == [grid[0]]
    xs = axes[0].patches[0].get_xy()[:, 0]
    assert xs.min() == 0.5 and xs.max() == 3.5  # bins of width 1 centred on 1, 2, 3


def test_feature_histograms_skips_a_system_without_finite_values():
    feats = {"real": {"x": np.array([0.0, 1.0, 2.0])}, "silent": {"x": np.array([np.nan, np.nan])}}
    axes = pe.feature_histograms(feats)
    assert len(axes[0].patches) == 1


@pytest.mark.parametrize("kwargs,match", [
    ({"features": {}}, "features"),
    ({"features": [1, 2]}, "features"),
    ({"features": {"real": {}}}, "features"),
    ({"features": {"real": {"x": np.ones((3, 2))}}}, "1-D"),
    ({"features": {"real": {"x": ["a", "b"]}}}, "numbers"),
    ({"features": {"real": {"x": [1.0, np.inf]}}}, "inf"),
    ({"features": {"real": {"x": [np.nan]}}}, "no finite"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "names": ["y"]}, "no feature 'y'"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "names": "x"}, "names"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "names": []}, "names"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "bins": 0}, "bins"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "bins": 2.5}, "bins"),
    ({"features": {"real": {"x": [1.0, 2.0]}}, "ncols": 0}, "ncols"),
])
def test_feature_histograms_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pe.feature_histograms(**kwargs)


def test_feature_histograms_bad_axes():
    feats = {"real": {"x": [1.0, 2.0], "y": [1.0, 3.0]}}
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="axes"):
        pe.feature_histograms(feats, axes=[ax])
    with pytest.raises(TypeError, match="Axes"):
        pe.feature_histograms(feats, axes=["not", "axes"])


def test_overlap_bars_heights_and_ceiling_band():
    overlaps = {"gan": {"f1": 0.5, "f2": 0.7}, "markov": {"f1": 0.8, "f2": 0.6}, "random": {"f1": 0.1, "f2": 0.2}}
    _, ax = plt.subplots()
    bars = pe.overlap_bars(overlaps, ceiling={"f1": 0.9, "f2": 0.95}, ceiling_sd={"f1": 0.02, "f2": 0.01}, ax=ax)
    assert list(bars) == ["gan", "markov", "random"]
    assert [b.get_height() for b in bars["markov"]] == [0.8, 0.6]
    # Bars of one feature sit side by side around the feature's tick.
    centres = [bars[s][0].get_x() + bars[s][0].get_width() / 2 for s in bars]
    assert centres[0] < centres[1] < centres[2] and np.mean(centres) == pytest.approx(0.0, abs=1e-12)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(0.88) and band.max() == pytest.approx(0.92)
    ceiling_line = ax.lines[1].get_ydata()
    assert list(ceiling_line) == [0.95, 0.95]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["f1", "f2"]


def test_overlap_bars_scalar_ceiling_and_no_ceiling():
    overlaps = {"gan": {"f1": 0.5, "f2": 0.7}}
    _, ax = plt.subplots()
    pe.overlap_bars(overlaps, ceiling=0.9, ax=ax)
    assert len(ax.lines) == 2 and all(list(line.get_ydata()) == [0.9, 0.9] for line in ax.lines)
    _, ax = plt.subplots()
    pe.overlap_bars(overlaps, ax=ax)
    assert not ax.lines and not ax.collections


@pytest.mark.parametrize("kwargs,match", [
    ({"overlaps": {}}, "overlaps"),
    ({"overlaps": {"gan": {"f": 1.2}}}, r"\[0, 1\]"),
    ({"overlaps": {"gan": {"f": np.nan}}}, "overlaps"),
    ({"overlaps": {"gan": {"f": 0.5}, "random": {"g": 0.5}}}, "no value for 'f'"),
    ({"overlaps": {"gan": {"f": 0.5}}, "ceiling": {"g": 0.9}}, "ceiling"),
    ({"overlaps": {"gan": {"f": 0.5}}, "ceiling": 1.5}, "ceiling"),
    ({"overlaps": {"gan": {"f": 0.5}}, "ceiling": [0.9, 0.8]}, "ceiling"),
    ({"overlaps": {"gan": {"f": 0.5}}, "ceiling": 0.9, "ceiling_sd": -0.1}, "ceiling_sd"),
    ({"overlaps": {"gan": {"f": 0.5}}, "ceiling_sd": 0.1}, "ceiling_sd needs ceiling"),
])
def test_overlap_bars_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pe.overlap_bars(**kwargs)


def test_overlap_bars_bad_ax():
    with pytest.raises(TypeError, match="ax"):
        pe.overlap_bars({"gan": {"f": 0.5}}, ax="left")


def test_transition_matrices_share_one_colour_scale_and_label_pitch_classes():
    m1, m2 = np.full((12, 12), 1 / 12), np.eye(12) * 0.5
    images = pe.transition_matrices({"uniform": m1, "half": m2})
    assert [im.get_clim() for im in images] == [(0.0, 0.5), (0.0, 0.5)]
    assert np.array_equal(images[1].get_array(), m2)
    ax = images[0].axes
    assert ax.get_title() == "uniform" and [t.get_text() for t in ax.get_yticklabels()] == list(pe.PITCH_CLASS_NAMES)
    assert pe.transition_matrices({"z": np.zeros((12, 12))})[0].get_clim() == (0.0, 1.0)
    assert pe.transition_matrices({"z": m1}, vmax=2.0)[0].get_clim() == (0.0, 2.0)


@pytest.mark.parametrize("kwargs,match", [
    ({"matrices": {}}, "matrices"),
    ({"matrices": {"a": np.ones((12, 11))}}, r"\(12, 12\)"),
    ({"matrices": {"a": -np.ones((12, 12))}}, "non-negative"),
    ({"matrices": {"a": np.full((12, 12), np.nan)}}, "matrices"),
    ({"matrices": {"a": np.ones((12, 12))}, "cmap": "no_such_map"}, "cmap"),
    ({"matrices": {"a": np.ones((12, 12))}, "vmax": 0.0}, "vmax"),
    ({"matrices": {"a": np.ones((12, 12))}, "vmax": [1.0, 2.0]}, "vmax"),
])
def test_transition_matrices_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pe.transition_matrices(**kwargs)
