"""The shipped chorale GAN (data/pretrained/chorale_gan): loads in Keras safe mode, generates valid music, says how it was made."""

import csv
import json

import keras
import numpy as np
import pytest

from musiclib import config, metrics, voices
from musiclib.gan import training

PRETRAINED = config.DATA_DIR / "pretrained" / "chorale_gan"


def test_shipped_files_and_provenance():
    names = {p.name for p in PRETRAINED.iterdir()}
    assert {"generator.keras", "run.json", "log.csv", "provenance.json", "README.md"} <= names
    total = sum(p.stat().st_size for p in PRETRAINED.rglob("*") if p.is_file())
    assert total < 8 * 2**20, f"{total / 2**20:.1f} MB: ship a compact model"
    provenance = json.loads((PRETRAINED / "provenance.json").read_text())
    assert provenance["command"].startswith("python -m musiclib train --config full")
    assert provenance["config"] == json.loads((PRETRAINED / "run.json").read_text())["config"]
    with open(PRETRAINED / "log.csv", newline="") as f:
        log = list(csv.DictReader(f))
    assert len(log) == provenance["config"]["epochs"] == int(provenance["final"]["epoch"])
    assert all(np.isfinite(float(row["d_loss"])) and np.isfinite(float(row["g_loss"])) for row in log)
    assert provenance["wall_seconds"] == pytest.approx(sum(float(r["seconds"]) for r in log), abs=1.0)
    assert provenance["wall_seconds"] <= 30 * 60, "full training must fit in 30 minutes on 2 cores"
    for key in ("packages", "machine", "python", "musiclib_version", "training_samples"):
        assert provenance[key]


def test_generator_loads_in_safe_mode_and_makes_valid_four_voice_rolls():
    generator = keras.saving.load_model(PRETRAINED / "generator.keras", safe_mode=True, compile=False)
    loaded, run_config = training.load_run(PRETRAINED)
    assert run_config["data"]["voices"] == "separate"
    z = np.random.default_rng(0).normal(size=(8, generator.input_shape[-1])).astype(np.float32)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(generator(z)), keras.ops.convert_to_numpy(loaded(z)))
    probs, rolls = training.generate_rolls(generator, 64, seed=0)
    assert rolls.shape == (64, 64, 64, 4) and voices.is_valid_voice_roll(rolls)
    stats = metrics.music_statistics(rolls)
    # Music, not noise: four voices nearly always, mostly diatonic, few one-step notes (random rolls: >0.8).
    assert stats["voices_sounding"] > 3.0 and stats["in_scale_rate"] > 0.8 and stats["sixteenth_share"] < 0.2
    _, again = training.generate_rolls(generator, 64, seed=0)
    np.testing.assert_array_equal(rolls, again)


def test_make_train_runs_the_shipped_command():
    makefile = (config.REPO_DIR / "Makefile").read_text()
    recipe = makefile.split("\ntrain:", 1)[1].split("\n\n", 1)[0]
    command = json.loads((PRETRAINED / "provenance.json").read_text())["command"]
    assert command.replace("python -m musiclib ", "$(BIN)/python -m musiclib ") in recipe
