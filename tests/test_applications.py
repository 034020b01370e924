"""musiclib.applications and ``python -m musiclib harmonize``: melodies, inpainting, baseline, mode transfer, walks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musiclib import applications as ap
from musiclib import metrics
from musiclib.data import PITCH_OFFSET, VOICE_RANGES
from musiclib.gan.models import build_conv_generator
from musiclib.voices import is_valid_voice_roll

ROOT = Path(__file__).resolve().parents[1]
PRETRAINED = ROOT / "data" / "pretrained" / "chorale_gan"
MELODY = "E5 D5 C5 D5 E5 E5 E5:2 D5 D5 D5:2 E5 G5 G5:2"  # 16 beats: one segment


@pytest.fixture(scope="module")
def pretrained():
    from musiclib.gan import training

    return training.load_run(PRETRAINED)[0]


@pytest.fixture(scope="module")
def tiny_generator():
    return build_conv_generator(8, width=16, seed=0)


def soprano_line(seed=0, n=2):
    """Random stepwise soprano lines in eighths, inside the soprano range, some rests."""
    rng = np.random.default_rng(seed)
    rolls = np.zeros((n, 64, 64), np.float32)
    for i in range(n):
        pitch = 72
        for t in range(0, 64, 2):
            pitch = int(np.clip(pitch + rng.integers(-2, 3), 60, 81))
            if rng.random() > 0.1:
                rolls[i, t : t + 2, pitch - PITCH_OFFSET] = 1
    return rolls


# ----- melodies --------------------------------------------------------------------------------------------------

def test_parse_melody_lengths_rests_and_separators():
    assert ap.parse_melody("E4 D4,C4:2  R:0.5 G4:3/2") == [(64, 1.0), (62, 1.0), (60, 2.0), (None, 0.5), (67, 1.5)]
    assert ap.parse_melody("F#4 Bb4 rest") == [(66, 1.0), (70, 1.0), (None, 1.0)]


@pytest.mark.parametrize("text, words", [
    ("E4 H4 C4", ["token 2", "'H4'", "not a note name"]),
    ("E4 C3", ["token 2", "MIDI 48", "soprano range", "57..84"]),
    ("E4 C7", ["MIDI 96", "soprano range"]),
    ("E4:0", ["token 1", "positive"]),
    ("E4:x", ["token 1", "beats"]),
    ("E4:0.3", ["not a whole number"]),
    ("   ", ["empty"]),
])
def test_parse_melody_errors_name_the_problem(text, words):
    with pytest.raises(ValueError) as err:
        ap.parse_melody(text)
    for word in words:
        assert word in str(err.value)


def test_parse_melody_rejects_non_strings():
    with pytest.raises(ValueError, match="string"):
        ap.parse_melody(["E4"])


def test_melody_to_rolls_segments_and_wrong_length():
    rolls = ap.melody_to_rolls(MELODY + " " + MELODY)
    assert rolls.shape == (2, 64, 64)
    assert (rolls.sum(axis=-1) == 1).all()  # no rests in this melody, one pitch per step
    assert int(rolls[0, 0].argmax()) + PITCH_OFFSET == 76 and int(rolls[0, 24].argmax()) + PITCH_OFFSET == 76
    assert (rolls[0] == rolls[1]).all()
    with pytest.raises(ValueError, match=r"lasts 15 beats.*add 1 beats"):
        ap.melody_to_rolls("C5:15")
    with pytest.raises(ValueError, match="lasts 17 beats"):
        ap.melody_to_rolls("C5:16 D5")


def test_melody_key_and_transpose_folds_into_range():
    assert ap.melody_key("A4 C5 E5 A5:2 G#5:2 A5:4 E5:4 A4:4") == ("A", "minor")
    roll = np.zeros((1, 4, 64, 4), np.float32)
    for v, p in enumerate((84, 79, 74, 67)):  # every voice at the top of its range
        roll[0, :, p - PITCH_OFFSET, v] = 1
    up = ap.transpose_voices(roll, 3)
    assert is_valid_voice_roll(up)
    assert [int(up[0, 0, :, v].argmax()) + PITCH_OFFSET for v in range(4)] == [75, 70, 65, 58]  # an octave down
    with pytest.raises(ValueError, match="outside its range"):
        ap.transpose_voices(roll, 3, fold=False)
    assert (ap.transpose_voices(ap.transpose_voices(roll, -2), 2) == roll).all()


# ----- inpainting: conditioning respected, valid output ---------------------------------------------------------

def test_harmonize_returns_the_given_soprano_and_valid_voices(tiny_generator):
    soprano = soprano_line()
    res = ap.harmonize(tiny_generator, soprano, restarts=2, steps=3, pool=16, seed=1)
    assert res.rolls.shape == (2, 64, 64, 4)
    assert (res.rolls[..., 0] == soprano).all()
    assert is_valid_voice_roll(res.rolls)
    assert res.latents.shape == (2, 8)
    assert ((0 <= res.agreement) & (res.agreement <= 1)).all()
    # same seed, same result
    again = ap.harmonize(tiny_generator, soprano, restarts=2, steps=3, pool=16, seed=1)
    assert (again.rolls == res.rolls).all()


def test_inpaint_agreement_is_what_it_says(tiny_generator):
    x = np.zeros((1, 64, 64, 4), np.float32)
    x[0, :, 72 - PITCH_OFFSET, 0] = 1
    known = np.zeros((64, 4), bool)
    known[:, 0] = True
    res = ap.inpaint(tiny_generator, x, known, restarts=1, steps=0, pool=4, seed=0)
    own_s = res.generated[0, :, 72 - PITCH_OFFSET, 0]
    assert res.agreement[0] == pytest.approx(own_s.mean())
    assert res.agreement[0] == pytest.approx(res.agreement_start[0])


def test_inpaint_optimisation_raises_agreement_on_the_pretrained_generator(pretrained):
    generator = pretrained
    soprano = ap.melody_to_rolls(MELODY)
    res = ap.harmonize(generator, soprano, restarts=2, steps=40, pool=64, seed=0)
    assert (res.rolls[..., 0] == soprano).all() and is_valid_voice_roll(res.rolls)
    assert res.agreement[0] > res.agreement_start[0]
    assert res.history[-1] > res.history[0]


def test_rule_penalties_run_and_keep_the_conditioning(tiny_generator):
    soprano = soprano_line(3, n=1)
    res = ap.harmonize(tiny_generator, soprano, restarts=2, steps=2, pool=8, **ap.RULE_WEIGHTS)
    assert (res.rolls[..., 0] == soprano).all() and is_valid_voice_roll(res.rolls)


def test_continue_piece_keeps_the_first_bar(tiny_generator):
    from musiclib.baselines import random_rolls

    x = random_rolls(2, seed=0)
    res = ap.continue_piece(tiny_generator, x, bars=1, restarts=2, steps=2, pool=8)
    assert (res.rolls[:, :16] == x[:, :16]).all()
    assert is_valid_voice_roll(res.rolls)
    with pytest.raises(ValueError, match="bars"):
        ap.continue_piece(tiny_generator, x, bars=4)


@pytest.mark.parametrize("kwargs, word", [
    ({"restarts": 0}, "restarts"), ({"steps": -1}, "steps"), ({"pool": 1, "restarts": 2}, "pool"),
    ({"temperature": 0}, "temperature"), ({"crossing_weight": -1}, "crossing_weight"),
    ({"parallel_weight": -1}, "parallel_weight"), ({"spacing_weight": -1}, "spacing_weight"),
])
def test_inpaint_parameter_errors(tiny_generator, kwargs, word):
    with pytest.raises(ValueError, match=word):
        ap.harmonize(tiny_generator, soprano_line(n=1), **kwargs)


def test_harmonize_shape_and_range_errors(tiny_generator):
    with pytest.raises(ValueError, match="soprano has shape"):
        ap.harmonize(tiny_generator, np.zeros((1, 32, 64), np.float32))
    low = np.zeros((1, 64, 64), np.float32)
    low[0, :, 40 - PITCH_OFFSET] = 1
    with pytest.raises(ValueError, match="soprano range"):
        ap.harmonize(tiny_generator, low)
    x = np.zeros((1, 64, 64, 4), np.float32)
    with pytest.raises(ValueError, match="known"):
        ap.inpaint(tiny_generator, x, np.zeros((64, 4), bool))


def test_harmonize_melody_transposes_and_restores_the_melody(tiny_generator):
    melody = "G4 A4 B4 C5 D5:2 B4:2 G4:4 D5:2 A4:2"  # G major, 16 beats
    out = ap.harmonize_melody(tiny_generator, melody, restarts=1, steps=1, pool=4)
    assert out["key"] == ("G", "major") and out["shift"] == 5
    assert out["roll"].shape == (64, 64, 4)
    assert (out["roll"][..., 0] == ap.melody_to_rolls(melody)[0]).all()
    assert is_valid_voice_roll(out["roll"])


# ----- baseline -------------------------------------------------------------------------------------------------

def test_markov_harmonizer_is_shaped_like_the_model_and_valid():
    from musiclib.baselines import random_rolls

    train = random_rolls(20, seed=1)
    h = ap.MarkovHarmonizer().fit(train)
    soprano = soprano_line(n=3)
    out = h.harmonize(soprano)
    assert out.shape == (3, 64, 64, 4) and out.dtype == np.float32
    assert (out[..., 0] == soprano).all()
    assert is_valid_voice_roll(out)
    with pytest.raises(ValueError, match="fit"):
        ap.MarkovHarmonizer().harmonize(soprano)


def test_viterbi_matches_brute_force():
    rng = np.random.default_rng(0)
    s, t = 3, 4
    ls, lt, lo = (np.log(rng.dirichlet(np.ones(s), size=k)) for k in (1, s, t))
    ls = ls[0]
    best, best_path = -np.inf, None
    for path in np.ndindex(*(s,) * t):
        score = ls[path[0]] + lo[0, path[0]] + sum(lt[path[i - 1], path[i]] + lo[i, path[i]] for i in range(1, t))
        if score > best:
            best, best_path = score, path
    assert tuple(ap._viterbi(ls, lt, lo)) == best_path


# ----- keys and latent walks ------------------------------------------------------------------------------------

def test_estimate_roll_keys_major_minor_and_silence():
    roll = np.zeros((3, 8, 64, 4), np.float32)
    for t, p in enumerate([57, 60, 64, 69, 68, 69, 64, 57]):  # A minor with its leading tone
        roll[0, t, p - PITCH_OFFSET, 1] = 1
    for t, p in enumerate([60, 64, 67, 72, 71, 72, 67, 60]):
        roll[1, t, p - PITCH_OFFSET, 1] = 1
    assert ap.estimate_roll_keys(roll) == [("A", "minor"), ("C", "major"), None]


def test_key_profiles_give_estimate_key_correlations():
    from musiclib.theory import key_correlations

    hist = np.random.default_rng(0).random(12)
    corr = hist - hist.mean()
    corr = ap._key_profiles() @ (corr / np.linalg.norm(corr))
    np.testing.assert_allclose(corr.reshape(2, 12), key_correlations(hist), atol=1e-6)


def test_steer_key_shapes_and_errors(tiny_generator):
    z = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    moved, rolls = ap.steer_key(tiny_generator, z, "A minor", steps=2)
    assert moved.shape == (3, 8) and rolls.shape == (3, 64, 64, 4) and is_valid_voice_roll(rolls)
    same, _ = ap.steer_key(tiny_generator, z, ("C", "major"), steps=0)
    np.testing.assert_array_equal(same, z)
    for bad in ("H minor", "A dorian", ("A",)):
        with pytest.raises(ValueError, match="key="):
            ap.steer_key(tiny_generator, z, bad, steps=1)
    with pytest.raises(ValueError, match="latents"):
        ap.steer_key(tiny_generator, z[:, :4], "A minor", steps=1)


def test_steer_key_reaches_a_minor_on_the_pretrained_generator(pretrained):
    from musiclib.gan import training
    from musiclib.gan.trainer import sample_latent

    generator = pretrained
    z = sample_latent(8, 64, seed=3)
    _, rolls = ap.steer_key(generator, z, "A minor", steps=40)
    before = ap.estimate_roll_keys(training.generate_rolls(generator, 8, seed=3)[1])
    after = ap.estimate_roll_keys(rolls)
    assert sum(k == ("A", "minor") for k in after) > sum(k == ("A", "minor") for k in before)


def test_interpolate_latents_ends_norms_and_errors():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(64), rng.standard_normal(64)
    path = ap.interpolate_latents(a, b, 5)
    np.testing.assert_allclose(path[0], a, rtol=1e-5)
    np.testing.assert_allclose(path[-1], b, rtol=1e-5)
    lin = ap.interpolate_latents(a, b, 5, method="linear")
    assert np.linalg.norm(lin[2]) < np.linalg.norm(path[2])  # slerp keeps the norm up in the middle
    with pytest.raises(ValueError, match="method"):
        ap.interpolate_latents(a, b, method="cubic")
    with pytest.raises(ValueError, match="n="):
        ap.interpolate_latents(a, b, 1)


# ----- command line ---------------------------------------------------------------------------------------------

def test_cli_harmonize_writes_midi_wav_png(tmp_path):
    from musiclib.cli import main
    from musiclib.midi import read_midi

    out = tmp_path / "h"
    rc = main(["harmonize", "--checkpoint", str(PRETRAINED), "--melody", MELODY + " " + MELODY, "--out", str(out),
               "--restarts", "2", "--steps", "3", "--pool", "16"])
    assert rc == 0
    assert {p.name for p in out.iterdir()} == {"harmony.mid", "harmony.wav", "harmony.png", "harmony.json"}
    info = json.loads((out / "harmony.json").read_text())
    assert info["segments"] == 2 and info["key"] == " ".join(ap.melody_key(MELODY))
    notes = read_midi(out / "harmony.mid")
    assert len(notes) >= 4


@pytest.mark.parametrize("melody, word", [("E5 X5", "not a note name"), ("C2:16", "soprano range"), ("C5:15", "16 beats")])
def test_cli_harmonize_bad_melody_exits_2_with_a_clear_message(tmp_path, capsys, melody, word):
    from musiclib.cli import main

    rc = main(["harmonize", "--checkpoint", str(PRETRAINED), "--melody", melody, "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert rc == 2
    assert word in err and "--melody" in err
    assert not (tmp_path / "x").exists()


def test_cli_harmonize_rejects_bad_budgets(tmp_path, capsys):
    from musiclib.cli import main

    rc = main(["harmonize", "--checkpoint", str(PRETRAINED), "--melody", MELODY, "--out", str(tmp_path / "x"),
               "--restarts", "8", "--pool", "4"])
    assert rc == 2 and "--pool" in capsys.readouterr().err


@pytest.mark.parametrize("melody, words", [
    ("C5:1025", ["--melody", "at most 64 segments", "1024 beats"]),
    ("C5:100000000000", ["--melody", "at most 64 segments"]),  # refused before a roll of 4e11 steps is allocated
    ("R:16", ["--melody", "only rests"]),
    ("R:8 R:8 R:16", ["--melody", "only rests"]),
])
def test_cli_harmonize_too_long_or_silent_melody_exits_2_before_loading(tmp_path, capsys, melody, words):
    from musiclib.cli import main

    rc = main(["harmonize", "--checkpoint", str(tmp_path / "no_such_model"), "--melody", melody,
               "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert rc == 2
    for word in words:
        assert word in err
    assert "no_such_model" not in err  # the melody is judged before the checkpoint is even looked at
    assert not (tmp_path / "x").exists()


def test_harmonize_melody_refuses_silent_and_too_long_melodies(tiny_generator):
    with pytest.raises(ValueError, match="only rests"):
        ap.harmonize_melody(tiny_generator, "R:16", restarts=1, steps=1, pool=4)
    with pytest.raises(ValueError, match=f"at most {ap.MAX_SEGMENTS} segments"):
        ap.harmonize_melody(tiny_generator, f"C5:{16 * (ap.MAX_SEGMENTS + 1)}", restarts=1, steps=1, pool=4)
    with pytest.raises(ValueError, match="at most 2 segments"):
        ap.melody_to_rolls("C5:100000000000", max_segments=2)
    assert ap.melody_to_rolls("C5:32", max_segments=2).shape == (2, 64, 64)


def test_cli_harmonize_out_is_an_existing_file_exits_2(tmp_path, capsys):
    from musiclib.cli import main

    out = tmp_path / "taken.txt"
    out.write_text("not a folder")
    rc = main(["harmonize", "--checkpoint", str(tmp_path / "no_such_model"), "--melody", MELODY, "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "--out" in err and "existing file" in err
    assert out.read_text() == "not a folder"


def test_cli_harmonize_unreadable_checkpoint_exits_2(tmp_path, capsys):
    from musiclib.cli import main

    run = tmp_path / "run"
    run.mkdir()
    (run / "generator.keras").write_bytes(b"not a model")
    (run / "run.json").mkdir()  # reading it raises IsADirectoryError, an OSError
    rc = main(["harmonize", "--checkpoint", str(run), "--melody", MELODY, "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("error: --checkpoint")
    assert not (tmp_path / "x").exists()
    rc = main(["harmonize", "--checkpoint", str(tmp_path / "missing"), "--melody", MELODY, "--out", str(tmp_path / "x")])
    assert rc == 2 and "does not exist" in capsys.readouterr().err
