"""The shipped chorale GAN (data/pretrained/chorale_gan): loads in Keras safe mode, generates valid music, says how it
was made, is today's full preset; the first design and the parallel-penalty run beside it still load and differ only
where their READMEs say."""

import csv
import json

import keras
import numpy as np
import pytest

from musiclib import config, metrics, voices
from musiclib.gan import training

PRETRAINED = config.DATA_DIR / "pretrained" / "chorale_gan"


def _saved_config(folder):
    return json.loads((folder / "run.json").read_text())["config"]


def _read_log(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_shipped_files_and_provenance():
    names = {p.name for p in PRETRAINED.iterdir()}
    assert {"generator.keras", "run.json", "log.csv", "provenance.json", "README.md", "evaluation.json",
            "longer_run_log.csv", "first_design", "parallel_penalty"} <= names
    total = sum(p.stat().st_size for p in PRETRAINED.rglob("*") if p.is_file())
    assert total < 8 * 2**20, f"{total / 2**20:.1f} MB: ship a compact model"
    provenance = json.loads((PRETRAINED / "provenance.json").read_text())
    assert provenance["command"].startswith("python -m musiclib train --config full")
    assert provenance["config"] == _saved_config(PRETRAINED)
    # The shipped model is what today's full preset trains (the command's seed is 0 by default).
    assert provenance["config"] == training.make_config("full", loss="wgan-gp")
    log = _read_log(PRETRAINED / "log.csv")
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


def test_first_design_differs_only_where_its_readme_says():
    shipped, first = _saved_config(PRETRAINED), _saved_config(PRETRAINED / "first_design")
    # first_design/README.md: no pitch contour in the generator, no harmonic intervals in the critic, 40 epochs
    differences = {f"{part}.{key}" for part in ("generator", "discriminator")
                   for key in shipped[part]["kwargs"].keys() | first[part]["kwargs"].keys()
                   if shipped[part]["kwargs"].get(key) != first[part]["kwargs"].get(key)}
    differences |= {key for key in shipped.keys() - {"generator", "discriminator"} if shipped[key] != first.get(key)}
    assert differences == {"generator.contour", "discriminator.intervals", "epochs"}
    assert shipped["generator"]["kwargs"]["contour"] and shipped["discriminator"]["kwargs"]["intervals"]
    assert first["epochs"] == 40 and "contour" not in first["generator"]["kwargs"]
    generator, _ = training.load_run(PRETRAINED / "first_design")
    assert "contour" not in [layer.name for layer in generator.layers]
    assert training.build_gan(first).generator.count_params() == generator.count_params()
    _, rolls = training.generate_rolls(generator, 4, seed=0)
    assert voices.is_valid_voice_roll(rolls)


def test_shipped_log_is_the_start_of_the_longer_run():
    # Bit for bit but the wall time: the runs are seeded (README: the longer run chose the epochs).
    log, longer = _read_log(PRETRAINED / "log.csv"), _read_log(PRETRAINED / "longer_run_log.csv")
    assert len(longer) > len(log)
    assert all({k: v for k, v in a.items() if k != "seconds"} == {k: v for k, v in b.items() if k != "seconds"}
               for a, b in zip(log, longer))


def test_parallel_penalty_run_differs_only_by_the_penalty_and_starts_as_the_shipped_run():
    folder = PRETRAINED / "parallel_penalty"
    shipped, penalised = _saved_config(PRETRAINED), _saved_config(folder)
    assert {k for k in shipped.keys() | penalised.keys() if shipped.get(k) != penalised.get(k)} == {
        "parallel_weight", "parallel_from_epoch"}
    assert penalised["parallel_weight"] == 100 and penalised["parallel_from_epoch"] == 16
    provenance = json.loads((folder / "provenance.json").read_text())
    assert provenance["config"] == penalised and "--parallel-weight 100 --parallel-from-epoch 16" in provenance["command"]
    # The penalty is off for 16 epochs: those equal the shipped run's but the wall time; then it is on.
    log, shipped_log = _read_log(folder / "log.csv"), _read_log(PRETRAINED / "log.csv")
    assert len(log) == penalised["epochs"] == len(shipped_log)
    same = [k for k in shipped_log[0] if k != "seconds"]
    assert all({k: a[k] for k in same} == {k: b[k] for k in same} for a, b in zip(log[:16], shipped_log[:16]))
    assert all(float(r["penalty"]) == 0 for r in log[:16]) and all(float(r["penalty"]) > 0 for r in log[16:])
    assert log[16]["d_loss"] != shipped_log[16]["d_loss"]
    card = json.loads((folder / "evaluation.json").read_text())
    assert card["settings"]["n"] == 256 and not card["settings"]["quick"]
    generator, _ = training.load_run(folder)
    _, rolls = training.generate_rolls(generator, 4, seed=0)
    assert voices.is_valid_voice_roll(rolls)
