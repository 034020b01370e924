"""musiclib.gan.evaluation: the classifier check, the scorecard and `python -m musiclib evaluate`."""

import json

import numpy as np
import pytest

from musiclib import baselines, config, metrics
from musiclib.data import VOICE_RANGES, VOICES
from musiclib.gan import evaluation

PRETRAINED = config.DATA_DIR / "pretrained" / "chorale_gan"


@pytest.fixture(scope="module")
def splits():
    from musiclib import data

    # subsets keep the scorecard tests fast; the full splits are what `evaluate` uses
    train, train_pieces = data.load_pianorolls("train", voices="separate", return_pieces=True)
    test = data.load_pianorolls("test", voices="separate")
    step = max(1, len(train) // 400)  # quick mode (CI) loads a 24-piece subset: keep all of it
    return train[::step], test[:100], train_pieces[::step]


def test_classifier_tells_random_rolls_from_bach_but_not_bach_from_bach(splits):
    train, test, pieces = splits
    random = baselines.random_rolls(len(test), seed=0)
    assert evaluation.classifier_accuracy(test, random, seed=0, epochs=15)["accuracy"] >= 0.9
    # Two sets of real windows from different pieces: nothing but the pieces to learn; split by piece, the balanced
    # accuracy stays near 0.5 (small test sets: a wide band).
    names = np.unique(pieces)
    first = np.isin(pieces, names[::2])
    result = evaluation.classifier_accuracy(train[first][:150], train[~first][:150], seed=0, epochs=15,
                                            real_groups=pieces[first][:150], generated_groups=pieces[~first][:150])
    assert 0.25 <= result["accuracy"] <= 0.75


def test_classifier_split_keeps_each_piece_on_one_side(splits):
    train, _, pieces = splits
    with pytest.raises(ValueError, match="real_groups"):
        evaluation.classifier_accuracy(train[:20], train[20:40], real_groups=pieces[:19], epochs=1)
    with pytest.raises(ValueError, match="too few groups"):
        evaluation.classifier_accuracy(train[:20], train[20:40], real_groups=np.zeros(20), epochs=1)


def test_rhythm_only_keeps_every_note_but_not_its_pitch(splits):
    from musiclib import voices

    train, _, _ = splits
    rolls = np.concatenate([train[:40], baselines.random_rolls(10, seed=0)])
    plain = evaluation.rhythm_only(rolls)
    assert plain.shape == rolls.shape and plain.dtype == np.float32 and voices.is_valid_voice_roll(plain)
    before, after = metrics.note_runs(rolls), metrics.note_runs(plain)
    # Same notes (roll, voice, start, length); each voice uses two pitches, the lowest of its range and the next.
    np.testing.assert_array_equal(after[:, [0, 1, 3, 4]], before[:, [0, 1, 3, 4]])
    lowest = np.array([VOICE_RANGES[v][0] for v in VOICES])
    assert np.isin(after[:, 2] - lowest[after[:, 1]], (0, 1)).all()
    # Rests stay rests; two transpositions of one window become the same window.
    np.testing.assert_array_equal(plain.any(axis=2), rolls.any(axis=2))
    up = np.zeros_like(train[:5])
    up[:, :, 2:] = train[:5, :, :-2]
    assert up.sum() == train[:5].sum()  # nothing pushed off the top
    np.testing.assert_array_equal(evaluation.rhythm_only(up), evaluation.rhythm_only(train[:5]))
    with pytest.raises(ValueError, match="binary"):
        evaluation.rhythm_only(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="pitch_offset"):
        evaluation.rhythm_only(rolls[:1], pitch_offset=40)
    # The filling against a plain loop over the notes.
    looped = np.zeros_like(rolls)
    for r, v, pitch, start, length in after:
        looped[r, start:start + length, pitch - 28, v] = 1
    np.testing.assert_array_equal(plain, looped)


def test_beats_only_holds_each_beat_for_the_beat(splits):
    from musiclib import voices

    train, _, _ = splits
    rolls = np.concatenate([train[:20], baselines.random_rolls(5, seed=0)])
    got = evaluation.beats_only(rolls)
    assert got.shape == rolls.shape and got.dtype == np.float32 and voices.is_valid_voice_roll(got)
    for beat in range(16):  # every step of a beat is that beat's first step of the original
        for k in range(4):
            np.testing.assert_array_equal(got[:, 4 * beat + k], rolls[:, 4 * beat])
    assert metrics.on_beat_rate(got).min() == 1.0  # no note starts off the beat any more
    np.testing.assert_array_equal(evaluation.beats_only(got), got)  # a second pass changes nothing
    halves = evaluation.beats_only(rolls, steps_per_beat=8)
    np.testing.assert_array_equal(halves[:, 8:16], np.repeat(rolls[:, 8:9], 8, axis=1))
    with pytest.raises(ValueError, match="steps_per_beat"):
        evaluation.beats_only(rolls, steps_per_beat=5)
    with pytest.raises(ValueError, match="steps_per_beat"):
        evaluation.beats_only(rolls, steps_per_beat=0)
    with pytest.raises(ValueError, match="binary"):
        evaluation.beats_only(np.full((1, 16, 64, 4), 0.5, "float32"))


def test_scorecard_orders_real_above_baselines_and_is_json_ready(splits):
    train, test, _ = splits
    # "generated" = shuffled real bars: between the ceiling and random on the overlap.
    fake = baselines.shuffled_segments(train, 32, seed=1)
    card = evaluation.scorecard(fake, train=train, held_out=test, n=32, seed=0, resamples=2, classifier_epochs=0)
    assert set(card) == {"real", "gan", "markov", "random", "settings"}
    assert card["real"]["overlap_mean"] < 1.0 and card["real"]["overlap_mean_sd"] >= 0
    assert card["random"]["overlap_mean"] < card["gan"]["overlap_mean"]
    # 32 windows against 12 features: the Fréchet estimates carry a bias of order d²/n, so only the wide gap is tested
    assert card["random"]["frechet_distance"] > 5 * max(card["markov"]["frechet_distance"], card["real"]["frechet_distance"])
    assert card["real"]["overlap_fraction_of_ceiling"] == pytest.approx(1.0)
    assert card["gan"]["copy_share"] == 0.0  # four bars from four windows: no window holds 90 % of it
    assert "classifier_accuracy" not in card["gan"]
    json.loads(json.dumps(card, default=float))
    table = evaluation.format_scorecard(card)
    assert all(name in table for name in ("real", "gan", "markov", "random", "tonal_distance", "chords", "on beat",
                                           "together"))
    # The three columns outside the twelve features are the set means of their per-roll measures.
    assert card["gan"]["chord_rate"] == pytest.approx(np.nanmean(metrics.chord_rate(fake)), rel=1e-12)
    assert card["gan"]["on_beat_rate"] == pytest.approx(np.nanmean(metrics.on_beat_rate(fake)), rel=1e-12)
    assert card["random"]["on_beat_rate"] < 0.6 < card["real"]["on_beat_rate"]
    assert card["gan"]["homophony_rate"] == pytest.approx(np.nanmean(metrics.homophony_rate(fake)), rel=1e-12)
    # Independent voices rarely start together; real and shuffled-real windows do at about a fifth of their starts.
    assert card["markov"]["homophony_rate"] < 0.1 < card["real"]["homophony_rate"]


def test_scorecard_flags_copies_and_rejects_bad_input(splits):
    train, test, _ = splits
    copies = train[:30]
    card = evaluation.scorecard(copies, train=train, held_out=test, seed=0, resamples=2, classifier_epochs=0,
                                baselines=False)
    assert card["gan"]["copy_share"] == 1.0 and set(card) == {"real", "gan", "settings"}
    with pytest.raises(ValueError, match="generated.*binary"):
        evaluation.scorecard(np.full((4, 64, 64, 4), 0.3, "float32"), train=train, held_out=test)
    with pytest.raises(ValueError, match="n="):
        evaluation.scorecard(copies, train=train, held_out=test, n=31)
    with pytest.raises(ValueError, match="classifier_epochs"):
        evaluation.scorecard(copies, train=train, held_out=test, classifier_epochs=-1)
    with pytest.raises(ValueError, match="variants.*markov"):
        evaluation.scorecard(copies, train=train, held_out=test, variants={"markov": copies})
    with pytest.raises(ValueError, match=r"variants\['short'\].*n=30"):
        evaluation.scorecard(copies, train=train, held_out=test, variants={"short": copies[:10]})
    with pytest.raises(ValueError, match="non-empty strings"):
        evaluation.scorecard(copies, train=train, held_out=test, variants={1: copies})
    with pytest.raises(ValueError, match="non-empty strings"):
        evaluation.scorecard(copies, train=train, held_out=test, variants={"": copies})
    with pytest.raises(ValueError, match="variants must be a dict"):
        evaluation.scorecard(copies, train=train, held_out=test, variants=[copies])
    with pytest.raises(ValueError, match=r"variants\['half'\] has rolls of shape"):
        evaluation.scorecard(copies, train=train, held_out=test, variants={"half": copies[:, :32]})


def test_scorecard_scores_variants_like_the_gan(splits):
    train, test, _ = splits
    fake = baselines.shuffled_segments(train, 32, seed=1)
    card = evaluation.scorecard(fake, train=train, held_out=test, seed=0, resamples=2, classifier_epochs=0,
                                baselines=False, variants={"copies": train[:40]})
    assert set(card) == {"real", "gan", "copies", "settings"}
    alone = evaluation.scorecard(train[:32], train=train, held_out=test, seed=0, resamples=2, classifier_epochs=0,
                                 baselines=False)
    # A variant's row is the row its rolls get as the main set (the first n of them).
    assert card["copies"] == alone["gan"] and card["copies"]["copy_share"] == 1.0
    table = evaluation.format_scorecard(card, features=False).splitlines()
    assert [line.split()[0] for line in table[2:]] == ["real", "gan", "copies"]


@pytest.mark.slow
def test_evaluate_command_prints_the_scorecard_and_writes_json(tmp_path, capsys, monkeypatch):
    from musiclib.cli import main

    monkeypatch.setenv("MUSICLIB_QUICK", "1")  # the quick subset of the chorales: a smoke test of the command

    out = tmp_path / "card.json"
    assert main(["evaluate", "--checkpoint", str(PRETRAINED), "--n", "16", "--seed", "3", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "overlap" in printed and "classifier" in printed
    card = json.loads(out.read_text())
    assert set(card) == {"real", "gan", "gan_vl", "markov", "random", "settings"}
    assert card["settings"]["n"] == 16 and card["settings"]["seed"] == 3 and card["settings"]["quick"] is True
    assert "gan_vl" in printed and card["settings"]["decoding"]["gan_vl"].startswith("voice-leading")
    # The voice-leading decoding of the same output: no parallels by construction, the rest nearly unchanged.
    assert card["gan_vl"]["parallel_rate"] == 0
    assert abs(card["gan_vl"]["overlap_mean"] - card["gan"]["overlap_mean"]) < 0.1
    for system in ("real", "gan", "gan_vl", "markov", "random"):
        assert 0 <= card[system]["overlap_mean"] <= 1 and 0 <= card[system]["classifier_accuracy"] <= 1
    # the GAN beats uniform random on every set-level measure
    assert card["gan"]["overlap_mean"] > card["random"]["overlap_mean"]
    assert card["gan"]["frechet_distance"] < card["random"]["frechet_distance"]
    assert card["gan"]["kl_mean"] < card["random"]["kl_mean"]


def test_evaluate_command_reports_bad_checkpoints(tmp_path, capsys):
    from musiclib.cli import main

    assert main(["evaluate", "--checkpoint", str(tmp_path / "missing")]) == 2
    assert "error" in capsys.readouterr().err
