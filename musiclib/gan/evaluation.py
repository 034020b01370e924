"""The chapter-10 scorecard: a generator against held-out Bach, the baselines and the real-vs-real ceiling.

Chapter: 10_evaluating_generated_music (``python -m musiclib evaluate``).

Every system (real training windows, the GAN, the Markov chain, uniform random) gives ``n`` four-voice rolls. Each
is compared with the **held-out test split** (never seen in training):

- per-feature means (:func:`musiclib.metrics.sample_features`) and their distance to the held-out mean;
- Yang & Lerch overlapping area and KL divergence of each feature (:func:`musiclib.metrics.compare_feature`),
  averaged into ``overlap_mean``; the *real* row is the ceiling (two real sets), measured over several resamples
  with its spread, and every other row is also given as a fraction of it;
- a Fréchet distance between the per-sample feature vectors, standardised by the held-out set;
- voice-leading rates (:func:`musiclib.metrics.voice_leading_rates`), the share of beats whose voices form one
  triad or seventh chord (:func:`musiclib.metrics.chord_rate`), the share of notes starting on a beat
  (:func:`musiclib.metrics.on_beat_rate`) and the share of note starts at which all four voices start together
  (:func:`musiclib.metrics.homophony_rate`), the last three not among the twelve features;
- novelty (:func:`musiclib.metrics.nearest_training_overlap` against the training split); for the real row this
  is measured on the held-out windows themselves (a real piece not in the training set);
- a learned check: a small convolutional classifier trained to tell held-out real windows from the system's,
  with its accuracy on windows (of pieces) it did not train on (0.5 = cannot tell them apart).

:func:`evaluate_checkpoint` scores the generator twice: ``gan`` decodes its output with ``"argmax"`` (what it learned)
and ``gan_vl`` decodes the same output with ``"voice-leading"`` (:func:`musiclib.voices.decode_voices`: no parallel
fifths or octaves by construction, so that row's parallel rate is a rule met, not evidence of learning).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from .. import metrics
from .._validation import check_bool, check_in_range, check_positive_int, check_seed
from ..data import PITCH_OFFSET, VOICE_RANGES, VOICES

__all__ = ["SYSTEMS", "FEATURES", "classifier_accuracy", "rhythm_only", "beats_only", "scorecard", "format_scorecard",
           "evaluation_data", "evaluate_checkpoint"]

#: Rows of the scorecard, in print order (``gan_vl``: the GAN under the voice-leading decoding).
SYSTEMS = ("real", "gan", "gan_vl", "markov", "random")
#: Features compared set against set (the four-voice features of :func:`musiclib.metrics.sample_features`).
FEATURES = ("pitch_classes_used", "pitches_used", "pitch_range", "polyphony", "empty_beat_rate",
            "qualified_note_rate", "scale_consistency", "mean_ioi", "mean_interval", "tonal_distance",
            "voices_sounding", "sixteenth_share")
#: Windows sharing at least this share of their sounding cells with one training window count as copies.
COPY_THRESHOLD = 0.9


def classifier_accuracy(real, generated, *, seed: int = 0, epochs: int = 30, test_fraction: float = 0.5,
                        real_groups=None, generated_groups=None) -> dict:
    """Held-out accuracy of a small CNN trained to tell ``real`` from ``generated`` rolls.

    Both sets are split (seeded) into a training part and a test part of ``test_fraction``; the classifier (two
    strided convolutions, global max and average pooling, a logistic output) trains on the training part, balanced by
    class weights, and is scored on the test part. 0.5 means the two sets cannot be told apart by this model; it
    is a lower bound on how distinguishable they are (a bigger model or more data may do better).

    Windows cut from one piece overlap (a one-bar hop shares three bars), so a random split would put bars of the
    same piece on both sides and let the classifier recognise pieces instead of style. Pass the piece of each
    window as ``real_groups`` / ``generated_groups``: whole pieces then go to one side of the split.

    Parameters
    ----------
    real, generated : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls, at least 8 of each.
    seed : int
        Seed of the split, the weights and the batch order.
    epochs : int
        Training epochs (full-batch-size 32).
    test_fraction : float
        Share of each set held out for the accuracy, in [0.1, 0.9] (of the pieces, when grouped).
    real_groups, generated_groups : array_like, optional
        One label per window (e.g. the piece id); windows sharing a label stay on one side of the split.

    Returns
    -------
    dict
        ``accuracy`` (balanced: mean of the per-class accuracies), ``n_train``, ``n_test``.
    """
    import keras

    real = metrics._rolls("real", real, "separate")
    generated = metrics._rolls("generated", generated, "separate")
    if real.shape[1:] != generated.shape[1:]:
        raise ValueError(f"real rolls {real.shape[1:]} and generated rolls {generated.shape[1:]} must have the same shape")
    for name, x in (("real", real), ("generated", generated)):
        if len(x) < 8:
            raise ValueError(f"{name} has {len(x)} rolls; at least 8 are needed to train and test a classifier")
    seed = check_seed("seed", seed, allow_none=False)
    epochs = check_positive_int("epochs", epochs, maximum=1000)
    test_fraction = check_in_range("test_fraction", test_fraction, 0.1, 0.9)
    rng = np.random.default_rng(seed)

    def split(name, x, groups):
        if groups is None:
            groups = np.arange(len(x))
        groups = np.asarray(groups)
        if groups.shape != (len(x),):
            raise ValueError(f"{name} has {groups.shape} labels for {len(x)} windows; one label per window expected")
        labels = rng.permutation(np.unique(groups))
        cut = min(max(int(round(len(labels) * (1 - test_fraction))), 1), len(labels) - 1)
        train_side = np.isin(groups, labels[:cut])
        return x[train_side], x[~train_side]

    real_train, real_test = split("real_groups", real, real_groups)
    gen_train, gen_test = split("generated_groups", generated, generated_groups)
    for name, part in (("real", real_train), ("real", real_test), ("generated", gen_train), ("generated", gen_test)):
        if len(part) == 0:
            raise ValueError(f"{name} has too few groups to split into a training and a test part")
    x_train = np.concatenate([real_train, gen_train])
    y_train = np.concatenate([np.ones(len(real_train)), np.zeros(len(gen_train))]).astype("float32")
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(real.shape[1:])
    x = keras.layers.Conv2D(16, (4, 12), strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(32, (4, 12), strides=2, padding="same", activation="relu")(x)
    # Max pooling keeps a rare event (one odd leap) visible; average pooling keeps how often things happen.
    x = keras.layers.Concatenate()([keras.layers.GlobalMaxPooling2D()(x), keras.layers.GlobalAveragePooling2D()(x)])
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    weights = {1: len(y_train) / (2 * len(real_train)), 0: len(y_train) / (2 * len(gen_train))}
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, shuffle=True, verbose=0, class_weight=weights)
    real_ok = (model.predict(real_test, verbose=0)[:, 0] > 0).mean()
    gen_ok = (model.predict(gen_test, verbose=0)[:, 0] <= 0).mean()
    return {"accuracy": float((real_ok + gen_ok) / 2), "n_train": int(len(x_train)),
            "n_test": int(len(real_test) + len(gen_test))}


def rhythm_only(rolls, *, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """The rolls with their pitches taken away: each voice's notes alternate between the two lowest pitches of its range.

    Onsets, durations and rests stay where they were (a note still starts where the voice's pitch changed, since
    consecutive notes now differ by one semitone); which pitches sounded, and so melody and harmony, is gone. Give
    both sets to :func:`classifier_accuracy` to ask whether rhythm alone tells them apart.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls.
    pitch_offset : int
        MIDI pitch of column 0; each voice's lowest pitch (:data:`musiclib.data.VOICE_RANGES`) and the one above
        it must lie in the roll.

    Returns
    -------
    np.ndarray [shape=rolls.shape, dtype=float32]
        A valid four-voice roll set with the same notes per voice (:func:`musiclib.metrics.note_runs`: same voice,
        start and length).

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :4, 72 - 28, 0] = 1; roll[0, 4:, 76 - 28, 0] = 1      # C5 then E5 in the soprano
    >>> metrics.note_runs(rhythm_only(roll)).tolist()               # two notes again, on S's lowest pitches
    [[0, 0, 57, 0, 4], [0, 0, 58, 4, 4]]
    """
    arr = metrics._rolls("rolls", rolls, "separate")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    lowest = np.array([VOICE_RANGES[v][0] for v in VOICES]) - pitch_offset
    if lowest.min() < 0 or lowest.max() + 1 >= arr.shape[2]:
        raise ValueError(f"pitch_offset={pitch_offset} puts the voices' lowest pitches outside the roll's "
                         f"{arr.shape[2]} pitch columns")
    runs = metrics.note_runs(arr, pitch_offset=pitch_offset)
    out = np.zeros_like(arr)
    # note_runs lists each roll's voices in order and each voice's notes left to right: alternate within a voice.
    first = np.ones(len(runs), dtype=bool)
    first[1:] = (runs[1:, 0] != runs[:-1, 0]) | (runs[1:, 1] != runs[:-1, 1])
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(runs)), 0))
    parity = (np.arange(len(runs)) - group_start) % 2
    # One index per sounding step: each note's (roll, voice, pitch column) repeated over its length.
    length = runs[:, 4]
    note = np.repeat(np.arange(len(runs)), length)
    step = runs[note, 3] + np.arange(len(note)) - np.repeat(np.cumsum(length) - length, length)
    out[runs[note, 0], step, lowest[runs[note, 1]] + parity[note], runs[note, 1]] = 1.0
    return out


def beats_only(rolls, *, steps_per_beat: int = metrics.STEPS_PER_BEAT) -> np.ndarray:
    """The rolls with every rhythm finer than the beat taken away: each beat's first step held for the whole beat.

    What remains is which pitches sound on each beat, beat by beat; note starts off the beat, passing notes and
    rests between beats are gone. The counterpart of :func:`rhythm_only`: give both sets to
    :func:`classifier_accuracy` to ask whether the pitches on the beats alone tell them apart.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls, ``time_steps`` a multiple of ``steps_per_beat``.
    steps_per_beat : int
        Steps per beat, in [1, 96] (4: sixteenth-note steps).

    Returns
    -------
    np.ndarray [shape=rolls.shape, dtype=float32]

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :2, 72 - 28, 0] = 1; roll[0, 2:, 74 - 28, 0] = 1      # C5 for an eighth, then D5
    >>> metrics.note_runs(beats_only(roll)).tolist()                # the C5 on beat 1 held for the beat
    [[0, 0, 72, 0, 4], [0, 0, 74, 4, 4]]
    """
    arr = metrics._rolls("rolls", rolls, "separate")
    steps_per_beat = check_positive_int("steps_per_beat", steps_per_beat, maximum=96)
    metrics._check_whole_units(arr, "steps_per_beat", steps_per_beat)
    return np.repeat(arr[:, ::steps_per_beat], steps_per_beat, axis=1)  # float32, as _rolls gives it


def _feature_matrix(features, names):
    return np.stack([features[k] for k in names], axis=1)


def _mean_of_finite(values) -> float:
    """Mean without the NaN entries; NaN when no entry is finite (a silent set has no pitch range, ...)."""
    values = np.asarray(values, dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def _set_scores(rolls, held_out, held_out_features, train, *, novelty_rolls=None, classifier_epochs, seed,
                held_out_groups=None, groups=None):
    features = metrics.sample_features(rolls)
    row = {"n": int(len(rolls))}
    overlaps, kls = [], []
    for name in FEATURES:
        values = features[name][np.isfinite(features[name])]
        ref = held_out_features[name][np.isfinite(held_out_features[name])]
        row[f"{name}_mean"] = float(values.mean()) if values.size else float("nan")
        row[f"{name}_gap"] = abs(row[f"{name}_mean"] - float(ref.mean()))
        if values.size >= 2:
            cmp = metrics.compare_feature(ref, values)
            row[f"{name}_overlap"], row[f"{name}_kl"] = cmp["overlap"], cmp["kl"]
        else:  # a silent set has no distribution to compare
            row[f"{name}_overlap"], row[f"{name}_kl"] = 0.0, float("nan")
        overlaps.append(row[f"{name}_overlap"])
        kls.append(row[f"{name}_kl"])
    row["overlap_mean"] = float(np.mean(overlaps))
    row["kl_mean"] = _mean_of_finite(kls)
    ref_matrix = _feature_matrix(held_out_features, FEATURES)
    ref_matrix = ref_matrix[np.isfinite(ref_matrix).all(axis=1)]
    mine = _feature_matrix(features, FEATURES)
    mine = mine[np.isfinite(mine).all(axis=1)]
    mu, sd = ref_matrix.mean(axis=0), ref_matrix.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    row["frechet_distance"] = (metrics.frechet_distance((ref_matrix - mu) / sd, (mine - mu) / sd)
                               if len(mine) >= 2 else float("nan"))
    row.update(metrics.voice_leading_rates(rolls))
    row["chord_rate"] = _mean_of_finite(metrics.chord_rate(rolls))
    row["on_beat_rate"] = _mean_of_finite(metrics.on_beat_rate(rolls))
    row["homophony_rate"] = _mean_of_finite(metrics.homophony_rate(rolls))
    overlap = metrics.nearest_training_overlap(rolls if novelty_rolls is None else novelty_rolls, train)
    row["novelty_overlap_mean"] = _mean_of_finite(overlap)
    row["copy_share"] = float(np.mean(overlap >= COPY_THRESHOLD))
    if classifier_epochs:
        row["classifier_accuracy"] = classifier_accuracy(held_out, rolls, seed=seed, epochs=classifier_epochs,
                                                         real_groups=held_out_groups, generated_groups=groups)["accuracy"]
    return row, features


def scorecard(generated, *, train, held_out, n: int | None = None, seed: int = 0, resamples: int = 5,
              classifier_epochs: int = 30, baselines: bool = True, progress: bool = False,
              train_pieces=None, held_out_pieces=None, variants: dict | None = None) -> dict:
    """Score generated rolls against held-out Bach, next to the real-vs-real ceiling and the baselines.

    Parameters
    ----------
    generated : array_like [shape=(n, 64, 64, 4)]
        The model's decoded rolls (binary, four monophonic voices).
    train, held_out : array_like [shape=(m, 64, 64, 4)]
        Training split (the baselines fit on it, novelty searches it, the real row samples it) and held-out split.
    n : int, optional
        Rolls per system (default: ``len(generated)``).
    seed : int
        Seed of the draws from the training split, the baselines and the classifier.
    resamples : int
        Real-vs-real draws measuring the ceiling's spread (``overlap_mean_sd`` of the real row).
    classifier_epochs : int
        Epochs of the real-vs-generated classifier; 0 skips it.
    baselines : bool
        Also score the Markov and random baselines.
    progress : bool
        Print one line per system.
    train_pieces, held_out_pieces : array_like, optional
        Piece id of each window, so the classifier splits by piece (see :func:`classifier_accuracy`).
    variants : dict, optional
        More generated sets scored like ``generated``, as ``{row name: rolls}`` (e.g. ``{"gan_vl": rolls}``, the
        same generator decoded another way); each needs at least ``n`` rolls, of which the first ``n`` are scored.

    Returns
    -------
    dict
        ``{"real": {...}, "gan": {...}, "markov": {...}, "random": {...}, "settings": {...}}`` and a row per variant;
        each system maps metric names to floats (see :data:`FEATURES`: ``<feature>_mean``, ``_gap``, ``_overlap``,
        ``_kl``, and ``overlap_mean``, ``overlap_fraction_of_ceiling``, ``kl_mean``, ``frechet_distance``, the
        voice-leading rates, ``chord_rate``, ``on_beat_rate``, ``homophony_rate``, ``novelty_overlap_mean``,
        ``copy_share``, ``classifier_accuracy``). The real row adds ``overlap_mean_sd`` and
        ``overlap_mean_resamples``.
    """
    from .. import baselines as base

    generated = metrics._rolls("generated", generated, "separate")
    train = metrics._rolls("train", train, "separate")
    held_out = metrics._rolls("held_out", held_out, "separate")
    n = len(generated) if n is None else check_positive_int("n", n, maximum=len(generated))
    seed = check_seed("seed", seed, allow_none=False)
    resamples = check_positive_int("resamples", resamples, maximum=100)
    classifier_epochs = int(classifier_epochs)
    if classifier_epochs < 0:
        raise ValueError(f"classifier_epochs={classifier_epochs} must be 0 (skip) or a positive integer")
    baselines = check_bool("baselines", baselines)
    if variants is not None and not isinstance(variants, Mapping):
        raise ValueError(f"variants must be a dict {{row name: rolls}}, got {type(variants).__name__}")
    variants = {} if variants is None else dict(variants)
    for name in variants:
        if not isinstance(name, str) or not name:
            raise ValueError(f"variants has the row name {name!r}; row names must be non-empty strings")
        if name in ("real", "gan", "markov", "random", "settings"):
            raise ValueError(f"variants has the row name {name!r}; use a new name, not real, gan, markov, random or settings")
        variants[name] = metrics._rolls(f"variants[{name!r}]", variants[name], "separate")
        if variants[name].shape[1:] != generated.shape[1:]:
            raise ValueError(f"variants[{name!r}] has rolls of shape {variants[name].shape[1:]}; "
                             f"generated has {generated.shape[1:]}")
        if len(variants[name]) < n:
            raise ValueError(f"variants[{name!r}] has {len(variants[name])} rolls; n={n} needed")
    if n > len(train):
        raise ValueError(f"n={n} must be at most the {len(train)} training windows (the real row draws from them)")
    rng = np.random.default_rng(seed)
    held_features = metrics.sample_features(held_out)
    started = time.time()
    out = {}

    def log(name):
        if progress:
            print(f"  scored {name:<7} ({time.time() - started:.0f} s)", flush=True)

    picks = [rng.choice(len(train), size=n, replace=False) for _ in range(resamples)]
    draws = [train[p] for p in picks]
    real_row, _ = _set_scores(draws[0], held_out, held_features, train, novelty_rolls=held_out,
                              classifier_epochs=classifier_epochs, seed=seed, held_out_groups=held_out_pieces,
                              groups=None if train_pieces is None else np.asarray(train_pieces)[picks[0]])
    ceiling = [real_row["overlap_mean"]]
    for draw in draws[1:]:
        features = metrics.sample_features(draw)
        ceiling.append(np.mean([metrics.compare_feature(held_features[k][np.isfinite(held_features[k])],
                                                        features[k][np.isfinite(features[k])])["overlap"]
                                for k in FEATURES]))
    real_row["overlap_mean_resamples"] = [float(c) for c in ceiling]
    real_row["overlap_mean"] = float(np.mean(ceiling))
    real_row["overlap_mean_sd"] = float(np.std(ceiling, ddof=1)) if len(ceiling) > 1 else float("nan")
    out["real"] = real_row
    log("real")
    systems = {"gan": generated[:n], **{name: rolls[:n] for name, rolls in variants.items()}}
    if baselines:
        systems["markov"] = base.MarkovBaseline().fit(train).sample(n, seed=seed)
        systems["random"] = base.random_rolls(n, seed=seed)
    for name, rolls in systems.items():
        out[name], _ = _set_scores(rolls, held_out, held_features, train, classifier_epochs=classifier_epochs, seed=seed,
                                   held_out_groups=held_out_pieces)
        log(name)
    for row in out.values():
        row["overlap_fraction_of_ceiling"] = row["overlap_mean"] / real_row["overlap_mean"]
    out["settings"] = {"n": n, "seed": seed, "resamples": resamples, "classifier_epochs": classifier_epochs,
                       "held_out_windows": int(len(held_out)), "training_windows": int(len(train)),
                       "features": list(FEATURES), "copy_threshold": COPY_THRESHOLD,
                       "real_row": "n training windows vs the held-out split; novelty of the held-out windows themselves",
                       "classifier_split": "by piece" if held_out_pieces is not None else "by window",
                       "seconds": round(time.time() - started, 1)}
    return out


#: Columns of the printed table: (key, header, format).
TABLE_COLUMNS = (
    ("overlap_mean", "overlap", "{:.3f}"),
    ("overlap_fraction_of_ceiling", "of ceiling", "{:.2f}"),
    ("kl_mean", "KL", "{:.3f}"),
    ("frechet_distance", "Fréchet", "{:.2f}"),
    ("parallel_rate", "par 5/8", "{:.4f}"),
    ("crossing_rate", "crossing", "{:.3f}"),
    ("spacing_rate", "spacing", "{:.3f}"),
    ("out_of_range_rate", "range", "{:.4f}"),
    ("chord_rate", "chords", "{:.3f}"),
    ("on_beat_rate", "on beat", "{:.3f}"),
    ("homophony_rate", "together", "{:.3f}"),
    ("novelty_overlap_mean", "nearest", "{:.3f}"),
    ("copy_share", "copies", "{:.3f}"),
    ("classifier_accuracy", "classifier", "{:.2f}"),
)


def format_scorecard(card: dict, *, features: bool = True) -> str:
    """The scorecard as a plain-text table (one row per system); with ``features`` a second table of feature means.

    Examples
    --------
    >>> card = {"real": {"overlap_mean": 0.9}, "gan": {"overlap_mean": 0.6}}
    >>> print(format_scorecard(card, features=False).splitlines()[0].split()[:2])
    ['system', 'overlap']
    """
    rows = [name for name in SYSTEMS if name in card] + [k for k in card if k not in SYSTEMS and k != "settings"]
    cols = [c for c in TABLE_COLUMNS if any(c[0] in card[r] for r in rows)]
    head = ["system"] + [h for _, h, _ in cols]
    body = [[r] + [fmt.format(card[r][k]) if isinstance(card[r].get(k), (int, float)) else "-" for k, _, fmt in cols]
            for r in rows]
    if "real" in card and "overlap_mean_sd" in card["real"]:
        body[rows.index("real")][1] += f"±{card['real']['overlap_mean_sd']:.3f}"
    lines = _table(head, body)
    if features:
        names = [f for f in FEATURES if any(f"{f}_mean" in card[r] for r in rows)]
        lines += ["", "feature means (overlap with held-out Bach in brackets)"]
        fbody = [[f] + [f"{card[r][f'{f}_mean']:.3g} ({card[r].get(f'{f}_overlap', float('nan')):.2f})" for r in rows]
                 for f in names]
        lines += _table(["feature"] + rows, fbody)
    return "\n".join(lines)


def _table(head, body):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = lambda row: "  ".join(str(x).ljust(w) for x, w in zip(row, widths))  # noqa: E731
    return [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body]


def evaluation_data(config, *, progress: bool = False):
    """Training and held-out rolls for evaluating a run: the full ``train`` and ``test`` splits of its representation.

    The run's data settings (grid, bars, hop, transposition, split seed) are kept; a ``limit`` or augmentation used
    for training is not, so every run is scored against the same held-out Bach.

    Returns
    -------
    train, held_out : np.ndarray [shape=(m, time_steps, n_pitches, 4)]
    train_pieces, held_out_pieces : np.ndarray [shape=(m,), dtype=str]
        The piece each window was cut from.
    """
    from ..data import load_pianorolls

    spec = dict(config["data"])
    if spec.pop("dataset", "chorales") != "chorales" or spec.get("voices") != "separate":
        raise ValueError("evaluation scores four-voice chorale runs (config data: dataset 'chorales', voices 'separate')")
    for key in ("split", "limit", "augment_semitones"):
        spec.pop(key, None)
    train, train_pieces = load_pianorolls("train", progress=progress, return_pieces=True, **spec)
    held_out, held_out_pieces = load_pianorolls("test", progress=progress, return_pieces=True, **spec)
    return train, held_out, train_pieces, held_out_pieces


def evaluate_checkpoint(path, *, n: int | None = None, seed: int = 0, quick: bool | None = None,
                        progress: bool = False) -> dict:
    """The scorecard of a trained run (what ``python -m musiclib evaluate`` prints).

    Parameters
    ----------
    path : str or Path
        A run folder, its ``checkpoint.npz``, or a ``generator.keras`` with ``run.json`` beside it.
    n : int, optional
        Generated windows per system; default 256 (64 in quick mode).
    seed : int
        Seed of the latent draw, the baselines, the resamples and the classifier.
    quick : bool, optional
        Smaller budgets (64 windows, 3 ceiling resamples); default :func:`musiclib.config.is_quick`. In quick mode
        the chorales are the quick subset (:data:`musiclib.data.QUICK_PIECES` pieces), so the held-out set is small
        and the numbers are a smoke test, not a result.
    progress : bool
        Print what is being done.

    Returns
    -------
    dict
        :func:`scorecard`'s result; ``settings`` adds the checkpoint path and the mode.
    """
    from .. import config as course_config
    from ..voices import decode_voices
    from . import training

    quick = course_config.is_quick() if quick is None else check_bool("quick", quick)
    n = (64 if quick else 256) if n is None else check_positive_int("n", n, maximum=2000)
    seed = check_seed("seed", seed, allow_none=False)
    generator, config = training.load_run(path)
    if progress:
        print("loading the chorales ...", flush=True)
    train, held_out, train_pieces, held_out_pieces = evaluation_data(config)
    probabilities, rolls = training.generate_rolls(generator, n, seed=seed)
    ruled = decode_voices(probabilities, method="voice-leading")
    if progress:
        print(f"generated {n} windows; scoring (held-out windows: {len(held_out)}) ...", flush=True)
    card = scorecard(rolls, train=train, held_out=held_out, seed=seed, resamples=3 if quick else 5,
                     classifier_epochs=30, progress=progress, train_pieces=train_pieces,
                     held_out_pieces=held_out_pieces, variants={"gan_vl": ruled})
    card["settings"].update({"checkpoint": str(path), "quick": quick,
                             "decoding": {"gan": "argmax", "gan_vl": "voice-leading (no parallel fifths or octaves)"}})
    return card
