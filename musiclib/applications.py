"""Applications of the chorale GAN: harmonise a melody, continue a fragment, change the key, walk the latent space.

Chapter: 12_applications.

Everything here uses the *unconditional* four-voice generator of chapter 09 (``data/pretrained/chorale_gan``) as
it is, by **latent inpainting** (:func:`inpaint`): a piece is fixed where something is given (the soprano of every
step when harmonising, the first bars of all voices when continuing) and the latent vector ``z`` is optimised so
that the generator's own choice agrees with the given notes there (Adam on ``z``, several restarts per piece, the
best restart kept; Yeh et al., 2017, did the same for image inpainting). The given notes are then written back
exactly: the soprano of a harmonisation *is* the melody; the generator only adds what was missing.

Why inpainting and not a conditional GAN: it needs no new training (the course's CPU budget), it conditions on any
subset of voices and steps with the same code (harmonisation and continuation are one function), and it shows
what the unconditional model has actually learnt. Its limit, measured in chapter 12: the shipped generator's
per-voice softmax is nearly flat (a latent moves log-probabilities by about 0.01), so the objective is sharpened by
a temperature, and the optimised latent reproduces part of a melody, not all of it: the added voices were written
against the generator's own soprano where the two differ. Two rules of four-part writing (no crossed voices, no
parallel fifths or octaves, no spacing wider than an octave between the upper voices) can join the objective as
differentiable expectations (:data:`RULE_WEIGHTS`).

The helpers around it: :func:`parse_melody` reads ``"E4 D4 C4:2 ..."`` (quarter note default, ``:n`` beats,
``R`` a rest), :func:`melody_to_rolls` cuts it into four-bar soprano rolls, :func:`harmonize_melody` harmonises
a typed melody of any length segment by segment, :class:`MarkovHarmonizer` is the baseline (one hidden Markov
model per added voice, fit on the training split), :func:`steer_key` moves latents into an asked key,
:func:`interpolate_latents` walks between two pieces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_choice, check_finite_array, check_in_range, check_positive, check_positive_int
from .data import N_PITCHES, PITCH_OFFSET, VOICE_RANGES, VOICES

__all__ = [
    "SEGMENT_BEATS",
    "MAX_SEGMENTS",
    "RULE_WEIGHTS",
    "parse_melody",
    "melody_to_rolls",
    "melody_key",
    "transpose_voices",
    "InpaintResult",
    "inpaint",
    "harmonize",
    "continue_piece",
    "harmonize_melody",
    "MarkovHarmonizer",
    "estimate_roll_keys",
    "steer_key",
    "interpolate_latents",
]

#: Beats in one segment of the shipped generator: four bars of 4/4.
SEGMENT_BEATS = 16

#: Most four-bar segments :func:`harmonize_melody` and ``python -m musiclib harmonize`` accept (1,024 beats).
MAX_SEGMENTS = 64

#: Rule weights of :func:`inpaint` used by chapter 12 and ``python -m musiclib harmonize`` (``--no-rules``: none).
RULE_WEIGHTS = {"crossing_weight": 10.0, "parallel_weight": 10.0, "spacing_weight": 10.0}

_REST_TOKENS = {"r", "rest", "-"}
_COMPILE_FROM = 20  # optimisation steps from which tracing a tf.function pays for itself
_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?|\d+/\d+)$")


# ---------------------------------------------------------------------------
# Melodies
# ---------------------------------------------------------------------------

def _parse_beats(text, token, position):
    if not _DURATION_RE.match(text):
        raise ValueError(f"melody token {position} {token!r}: the length after ':' must be a positive number of beats "
                         "such as 2, 0.5 or 3/2")
    if "/" in text:
        num, den = text.split("/")
        beats = int(num) / int(den) if int(den) else 0.0
    else:
        beats = float(text)
    if beats <= 0:
        raise ValueError(f"melody token {position} {token!r}: the length must be positive, got {text}")
    return beats


def parse_melody(text: str, *, steps_per_beat: int = 4, voice: str = "S") -> list:
    """Read a melody typed as note names: ``"E4 D4 C4:2 R G4:0.5"``.

    Chapter: 12_applications

    Each token is a note name in scientific pitch notation (:func:`musiclib.theory.note_to_midi`) or ``R`` for a
    rest, optionally followed by ``:beats``; without it the note is a quarter note (one beat). Tokens are
    separated by spaces or commas.

    Parameters
    ----------
    text : str
        The melody.
    steps_per_beat : int
        Grid of the rolls, in [1, 96]: every length must be a whole number of steps (4: sixteenths).
    voice : {"S", "A", "T", "B"}
        Whose range the notes must lie in (:data:`musiclib.data.VOICE_RANGES`).

    Returns
    -------
    list of (int or None, float)
        ``(MIDI pitch, beats)`` per token, None for a rest.

    Raises
    ------
    ValueError
        Naming the token and what is wrong: an unknown note name, a length that is not a positive number or not
        on the grid, a note outside the voice's range; or an empty melody.

    Examples
    --------
    >>> parse_melody("E4 D4 C4:2 R:0.5")
    [(64, 1.0), (62, 1.0), (60, 2.0), (None, 0.5)]
    >>> parse_melody("C3")
    Traceback (most recent call last):
    ...
    ValueError: melody token 1 'C3' is MIDI 48, outside the soprano range A3..C6 (MIDI 57..84)
    """
    from .theory import midi_to_note, note_to_midi

    if not isinstance(text, str):
        raise ValueError(f"melody must be a string of note names such as 'E4 D4 C4:2', got {type(text).__name__}")
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, 96, integer=True)
    voice = check_choice("voice", voice, VOICES)
    low, high = VOICE_RANGES[voice]
    voice_name = {"S": "soprano", "A": "alto", "T": "tenor", "B": "bass"}[voice]
    tokens = [t for t in re.split(r"[\s,]+", text.strip()) if t]
    if not tokens:
        raise ValueError("melody is empty: give note names such as 'E4 D4 C4:2'")
    out = []
    for position, token in enumerate(tokens, start=1):
        name, colon, length = token.partition(":")
        beats = _parse_beats(length, token, position) if colon else 1.0
        steps = beats * steps_per_beat
        if abs(steps - round(steps)) > 1e-9:
            raise ValueError(f"melody token {position} {token!r}: {beats:g} beats is not a whole number of "
                             f"{steps_per_beat}-per-beat steps (shortest note: {1 / steps_per_beat:g} beat)")
        if name.lower() in _REST_TOKENS:
            out.append((None, beats))
            continue
        try:
            midi = note_to_midi(name)
        except ValueError:
            raise ValueError(f"melody token {position} {token!r}: {name!r} is not a note name; use a letter A-G, "
                             "an optional # or b and an octave, e.g. 'F#4' or 'Bb3', or R for a rest") from None
        if not low <= midi <= high:
            raise ValueError(f"melody token {position} {token!r} is MIDI {midi}, outside the {voice_name} range "
                             f"{midi_to_note(low)}..{midi_to_note(high)} (MIDI {low}..{high})")
        out.append((midi, beats))
    return out


def melody_to_rolls(melody, *, steps_per_beat: int = 4, segment_beats: int = SEGMENT_BEATS,
                    pitch_offset: int = PITCH_OFFSET, n_pitches: int = N_PITCHES, max_segments=None) -> np.ndarray:
    """Cut a melody into consecutive soprano rolls of one segment each.

    Chapter: 12_applications

    Parameters
    ----------
    melody : str or list of (int or None, float)
        Text for :func:`parse_melody`, or its output.
    steps_per_beat : int
        Steps per beat of the rolls.
    segment_beats : int
        Beats per segment (16 = the generator's four bars of 4/4), in [1, 1024].
    pitch_offset, n_pitches : int
        Pitch columns of the rolls.
    max_segments : int or None
        If given, in [1, 100000]: a melody longer than this many segments is refused before anything is allocated.

    Returns
    -------
    np.ndarray [shape=(n_segments, segment_beats * steps_per_beat, n_pitches), dtype=float32]
        One-hot soprano rolls (a rest is an all-zero step).

    Raises
    ------
    ValueError
        If the melody does not fill a whole number of segments (the message says how many beats it has and how
        many are missing), if it is longer than ``max_segments`` segments, or as :func:`parse_melody`.

    Examples
    --------
    >>> melody_to_rolls("C5:4 D5:4 E5:4 C5:4").shape
    (1, 64, 64)
    >>> melody_to_rolls("C5:4 D5:4 E5:4")
    Traceback (most recent call last):
    ...
    ValueError: melody lasts 12 beats; it must fill whole segments of 16 beats (4 bars of 4/4): add 4 beats or remove 12
    """
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, 96, integer=True)
    segment_beats = check_in_range("segment_beats", segment_beats, 1, 1024, integer=True)
    if max_segments is not None:
        max_segments = check_in_range("max_segments", max_segments, 1, 100000, integer=True)
    notes = parse_melody(melody, steps_per_beat=steps_per_beat) if isinstance(melody, str) else list(melody)
    total = sum(beats for _, beats in notes)
    if max_segments is not None and total > max_segments * segment_beats:
        raise ValueError(f"melody lasts {total:g} beats; at most {max_segments} segments of {segment_beats} beats "
                         f"({max_segments * segment_beats} beats) are accepted: harmonise a longer melody in parts")
    if total <= 0 or abs(total / segment_beats - round(total / segment_beats)) > 1e-9:
        missing = (-total) % segment_beats
        extra = total % segment_beats
        raise ValueError(f"melody lasts {total:g} beats; it must fill whole segments of {segment_beats} beats "
                         f"({segment_beats // 4} bars of 4/4): add {missing:g} beats or remove {extra:g}")
    n_steps = int(round(total * steps_per_beat))
    roll = np.zeros((n_steps, n_pitches), dtype=np.float32)
    t = 0
    for midi, beats in notes:
        steps = int(round(beats * steps_per_beat))
        if midi is not None:
            if not pitch_offset <= midi < pitch_offset + n_pitches:
                raise ValueError(f"melody note MIDI {midi} is outside the roll's columns "
                                 f"{pitch_offset}..{pitch_offset + n_pitches - 1}")
            roll[t : t + steps, midi - pitch_offset] = 1.0
        t += steps
    seg = segment_beats * steps_per_beat
    return roll.reshape(n_steps // seg, seg, n_pitches)


def melody_key(melody) -> tuple:
    """Key of a melody by :func:`musiclib.theory.estimate_key`, each note weighted by its length.

    Chapter: 12_applications

    Examples
    --------
    >>> melody_key("G4 A4 B4 C5 D5:2 B4:2 G4:4")
    ('G', 'major')
    """
    from .theory import estimate_key, pitch_class_histogram

    notes = parse_melody(melody) if isinstance(melody, str) else list(melody)
    sounding = [(m, b) for m, b in notes if m is not None]
    if not sounding:
        raise ValueError("melody has no notes, only rests: its key is undefined")
    pitches, beats = zip(*sounding)
    return estimate_key(pitch_class_histogram(list(pitches), weights=list(beats)))


def transpose_voices(rolls, semitones: int, *, fold: bool = True, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Shift four-voice rolls by ``semitones``; with ``fold``, notes leaving a voice's range move by octaves into it.

    Chapter: 12_applications

    Folding keeps every note's pitch class (the harmony) and makes the roll valid again: a choir singer does the
    same with a note out of reach.

    Parameters
    ----------
    rolls : array_like [shape=(..., time_steps, n_pitches, 4)]
        Binary four-voice rolls.
    semitones : int
        In [-24, 24].
    fold : bool
        Fold out-of-range notes back by octaves (True) or raise (False).

    Returns
    -------
    np.ndarray, same shape, float32

    Raises
    ------
    ValueError
        If a note would leave the roll's columns (or, without ``fold``, its voice's range).

    Examples
    --------
    >>> roll = np.zeros((4, 64, 4), "float32"); roll[:, 84 - 28, 0] = 1    # soprano C6, the top of its range
    >>> int(transpose_voices(roll, 2)[0, :, 0].argmax()) + 28              # D6 folds down to D5
    74
    """
    arr = check_finite_array("rolls", rolls, min_ndim=3)
    if arr.shape[-1] != len(VOICES):
        raise ValueError(f"rolls has shape {arr.shape}; its last axis must hold the 4 voices S, A, T, B")
    semitones = check_in_range("semitones", semitones, -24, 24, integer=True)
    n_pitches = arr.shape[-2]
    out = np.zeros(arr.shape, dtype=np.float32)
    for v, voice in enumerate(VOICES):
        low, high = VOICE_RANGES[voice]
        idx = np.nonzero(arr[..., v])
        pitches = idx[-1] + pitch_offset + semitones
        if fold:
            pitches = np.where(pitches > high, pitches - 12 * np.ceil((pitches - high) / 12), pitches)
            pitches = np.where(pitches < low, pitches + 12 * np.ceil((low - pitches) / 12), pitches)
        elif pitches.size and (pitches.min() < low or pitches.max() > high):
            raise ValueError(f"semitones={semitones} moves voice {voice} outside its range {low}..{high}")
        cols = pitches.astype(int) - pitch_offset
        if cols.size and (cols.min() < 0 or cols.max() >= n_pitches):
            raise ValueError(f"semitones={semitones} moves voice {voice} outside the roll's pitch columns")
        out[(*idx[:-1], cols, np.full(cols.shape, v))] = 1.0
    return out


# ---------------------------------------------------------------------------
# Latent inpainting
# ---------------------------------------------------------------------------

@dataclass
class InpaintResult:
    """What :func:`inpaint` returns.

    Attributes
    ----------
    rolls : np.ndarray [shape=(n, time_steps, n_pitches, 4)]
        Valid four-voice rolls; the given cells hold exactly the given notes.
    generated : np.ndarray, same shape
        The generator's own decoded output at the chosen latents (before the given notes were written in).
    latents : np.ndarray [shape=(n, latent_dim)]
        The chosen latent per piece.
    agreement : np.ndarray [shape=(n,)]
        Share of the given (voice, step) cells where the generator's own choice equals the given note or rest.
    agreement_start : np.ndarray [shape=(n,)]
        The same for the best latent of the random pool, before optimisation.
    history : list of float
        Mean agreement over all restarts, every ``log_every`` optimisation steps.
    """

    rolls: np.ndarray
    generated: np.ndarray
    latents: np.ndarray
    agreement: np.ndarray
    agreement_start: np.ndarray
    history: list = field(default_factory=list)


def _targets(rolls):
    """Index of the sounding pitch per (roll, step, voice), ``n_pitches`` for a rest."""
    n_pitches = rolls.shape[-2]
    return np.where(rolls.sum(axis=-2) > 0, rolls.argmax(axis=-2), n_pitches)


def _log_probs(probs):
    """Log-probabilities of pitches plus the rest (last column) from a generator's pitch probabilities."""
    import tensorflow as tf

    rest = tf.clip_by_value(1.0 - tf.reduce_sum(probs, axis=-2, keepdims=True), 0.0, 1.0)
    full = tf.concat([probs, rest], axis=-2)  # (n, T, P + 1, 4)
    return tf.math.log(full + 1e-12)


def _own_choice(probs):
    """The generator's decoded choice as target indices (argmax over in-range pitches and the rest)."""
    from .voices import decode_voices

    return _targets(decode_voices(probs))


def inpaint(generator, target, known, *, restarts: int = 8, steps: int = 300, pool: int = 2048,
            learning_rate: float = 0.1, temperature: float = 0.003, crossing_weight: float = 0.0,
            parallel_weight: float = 0.0, spacing_weight: float = 0.0, seed: int = 0,
            log_every: int = 25, progress: bool = False) -> InpaintResult:
    """Fill in the unknown part of four-voice rolls with a generator by optimising its latent vector.

    Chapter: 12_applications

    1. Draw ``pool`` latents, decode them, and start from the ``restarts`` whose own notes agree best with the
       given cells of each piece.
    2. Optimise each start with Adam on the cross-entropy of the given notes (rest included) under the
       generator's per-voice distribution sharpened by ``temperature``: the shipped generator's softmax is nearly
       flat (the best pitch leads the next by about 0.003 in log-probability), so without sharpening the loss
       cannot see which pitch wins.
    3. Keep per piece the restart whose decoded notes agree with most given cells, decode it, and write the given
       cells back exactly.

    Parameters
    ----------
    generator : keras.Model
        ``(batch, latent_dim)`` → ``(batch, time_steps, n_pitches, 4)`` per-voice pitch probabilities (chapter 09).
    target : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary rolls holding the given notes (anything in the unknown cells is ignored).
    known : array_like of bool [shape=(n, time_steps, 4) or (time_steps, 4)]
        True where a voice's note (or rest) at a step is given.
    restarts : int
        Latents optimised per piece, in [1, 256].
    steps : int
        Adam steps, in [0, 10000].
    pool : int
        Random latents screened for the starts, at least ``restarts``, at most 65536.
    learning_rate, temperature : float
        Adam's step size and the sharpening temperature (positive).
    crossing_weight, parallel_weight, spacing_weight : float
        Weights (>= 0) of three rules of four-part writing added to the objective, 0 = pure inpainting: the
        expected share of steps with adjacent voices crossed, the expected number of parallel fifths and octaves
        per step (:func:`musiclib.gan.losses.expected_parallel_motion`'s sum, over the eighth-note moves the generator can make), and the
        expected share of steps with S-A or A-T more than an octave apart, all under the sharpened per-cell
        distributions with the given cells fixed. With a weight above 0 the restart is chosen by agreement minus
        the decoded rates of the rules in use (:func:`musiclib.metrics.voice_leading`). :data:`RULE_WEIGHTS` holds
        the values chapter 12 uses.
    seed : int
        Seed of the pool.
    log_every : int
        Steps between entries of ``history``.
    progress : bool
        Print the agreement while optimising.

    Returns
    -------
    InpaintResult

    Raises
    ------
    ValueError
        If shapes disagree with the generator, ``known`` selects nothing, or a parameter is out of range.

    Examples
    --------
    >>> from musiclib.gan.models import build_conv_generator
    >>> g = build_conv_generator(8, width=16, seed=0)
    >>> x = np.zeros((1, 64, 64, 4), "float32"); x[0, :, 72 - 28, 0] = 1        # a held soprano C5
    >>> known = np.zeros((64, 4), bool); known[:, 0] = True
    >>> res = inpaint(g, x, known, restarts=2, steps=3, pool=8)
    >>> bool((res.rolls[..., 0] == x[..., 0]).all()), res.rolls.shape
    (True, (1, 64, 64, 4))
    """
    import keras
    import tensorflow as tf

    from .gan.trainer import sample_latent

    restarts = check_in_range("restarts", restarts, 1, 256, integer=True)
    steps = check_in_range("steps", steps, 0, 10000, integer=True)
    pool = check_in_range("pool", pool, restarts, 65536, integer=True)
    learning_rate = check_positive("learning_rate", learning_rate)
    temperature = check_positive("temperature", temperature)
    crossing_weight = check_in_range("crossing_weight", crossing_weight, 0.0, 1e6)
    parallel_weight = check_in_range("parallel_weight", parallel_weight, 0.0, 1e6)
    spacing_weight = check_in_range("spacing_weight", spacing_weight, 0.0, 1e6)
    seed = check_in_range("seed", seed, 0, 2**32 - 1, integer=True)
    log_every = check_positive_int("log_every", log_every)
    target = check_finite_array("target", target, min_ndim=4).astype(np.float32)
    out_shape = tuple(generator.output_shape[1:])
    if target.ndim != 4 or target.shape[1:] != out_shape:
        raise ValueError(f"target has shape {target.shape}; the generator makes rolls of shape (n, {', '.join(map(str, out_shape))})")
    if not np.isin(target, (0.0, 1.0)).all() or (target.sum(axis=-2) > 1).any():
        raise ValueError("target must be a binary four-voice roll with at most one pitch per voice and step")
    n, time_steps = target.shape[0], target.shape[1]
    known = np.asarray(known, dtype=bool)
    if known.shape == (time_steps, 4):
        known = np.broadcast_to(known, (n, time_steps, 4))
    if known.shape != (n, time_steps, 4):
        raise ValueError(f"known has shape {known.shape}; expected ({n}, {time_steps}, 4) or ({time_steps}, 4)")
    if not known.any(axis=(1, 2)).all():
        raise ValueError("known must mark at least one (step, voice) cell of every piece as given")
    latent_dim = int(generator.input_shape[-1])
    goal = _targets(target)  # (n, T, 4)

    # 1. screen a random pool for good starts
    z_pool = sample_latent(pool, latent_dim, seed=seed)
    own = np.concatenate([_own_choice(keras.ops.convert_to_numpy(generator(z_pool[i : i + 512], training=False)))
                          for i in range(0, pool, 512)])  # (pool, T, 4)
    n_known = known.sum(axis=(1, 2))
    score = np.stack([((own == goal[i]) & known[i]).sum(axis=(1, 2)) for i in range(n)]) / n_known[:, None]
    order = np.argsort(-score, axis=1, kind="stable")[:, :restarts]  # (n, restarts)
    agreement_start = score[np.arange(n), order[:, 0]]

    # 2. optimise all starts together
    z = tf.Variable(z_pool[order.reshape(-1)])
    goal_r = tf.constant(np.repeat(goal, restarts, axis=0), dtype=tf.int32)
    weight = tf.constant(np.repeat(known, restarts, axis=0).astype(np.float32))
    count = tf.reduce_sum(weight, axis=(1, 2))
    optimizer = keras.optimizers.Adam(learning_rate)
    inv_t = tf.constant(1.0 / temperature, tf.float32)

    n_states = target.shape[2] + 1
    given = tf.one_hot(goal_r, n_states, dtype=tf.float32)  # (N, T, 4, P+1)
    cw = tf.constant(crossing_weight, tf.float32)
    pw = tf.constant(parallel_weight, tf.float32)
    sw = tf.constant(spacing_weight, tf.float32)
    from .gan.losses import _expected_parallels, _pair_masks

    pair_masks = _pair_masks(target.shape[2])

    def train_step():
        with tf.GradientTape() as tape:
            logp = _log_probs(generator(z, training=False))  # (N, T, P+1, 4)
            logits = tf.transpose(logp, (0, 1, 3, 2)) * inv_t  # (N, T, 4, P+1)
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(goal_r, logits)  # (N, T, 4)
            loss = tf.reduce_sum(tf.reduce_sum(ce * weight, axis=(1, 2)) / count)
            if crossing_weight > 0:
                # Expected share of crossed adjacent pairs under the sharpened distributions, given cells fixed.
                q = tf.nn.softmax(logits, axis=-1)
                q = weight[..., None] * given + (1.0 - weight[..., None]) * q
                pitches = q[..., :-1]  # (N, T, 4, P), the rest column dropped
                above = tf.reduce_sum(pitches, axis=-1, keepdims=True) - tf.cumsum(pitches, axis=-1)  # P(pitch > i)
                crossed = tf.reduce_sum(pitches[:, :, :-1] * above[:, :, 1:], axis=-1)  # (N, T, 3)
                loss += cw * tf.reduce_sum(tf.reduce_mean(crossed, axis=(1, 2)))
            if parallel_weight > 0:
                q = tf.nn.softmax(logits, axis=-1)
                q = weight[..., None] * given + (1.0 - weight[..., None]) * q
                pitches = q[..., :-1]
                moves = _expected_parallels(pitches[:, 1:-1:2], pitches[:, 2::2], pair_masks)
                loss += pw * tf.reduce_sum(moves) / time_steps
            if spacing_weight > 0:
                # Expected share of steps with S-A or A-T more than an octave apart: P(lower <= upper - 13).
                q = tf.nn.softmax(logits, axis=-1)
                q = weight[..., None] * given + (1.0 - weight[..., None]) * q
                pitches = q[..., :-1]
                at_most = tf.cumsum(pitches[:, :, 1:3], axis=-1)  # P(lower voice <= b) for A and T
                below = tf.pad(at_most[..., :-13], [[0, 0], [0, 0], [0, 0], [13, 0]])  # P(lower <= a - 13)
                wide = tf.reduce_sum(pitches[:, :, 0:2] * below, axis=-1)  # (N, T, 2): S over A, A over T
                loss += sw * tf.reduce_sum(tf.reduce_mean(wide, axis=(1, 2)))
        optimizer.apply_gradients([(tape.gradient(loss, z), z)])
        return loss

    def agreement_of(zs):
        own = _own_choice(keras.ops.convert_to_numpy(generator(zs, training=False)))
        return ((own == goal_r.numpy()) & weight.numpy().astype(bool)).sum(axis=(1, 2)) / count.numpy()

    if steps >= _COMPILE_FROM:
        train_step = tf.function(train_step)
    history = []
    for i in range(steps):
        if i % log_every == 0:
            history.append(float(agreement_of(z).mean()))
            if progress:
                print(f"step {i}/{steps}: agreement {history[-1]:.3f}", flush=True)
        train_step()
    final_z = z.numpy()
    own = _own_choice(keras.ops.convert_to_numpy(generator(final_z, training=False)))
    known_r = np.repeat(known, restarts, axis=0)
    agree = (((own == goal_r.numpy()) & known_r).sum(axis=(1, 2)) / count.numpy()).reshape(n, restarts)
    history.append(float(agree.mean()))

    # 3. best restart per piece, given cells written back
    select = agree
    if crossing_weight > 0 or parallel_weight > 0 or spacing_weight > 0:
        rates = _rule_rates(np.where(known_r, goal_r.numpy(), own), target.shape[2])
        penalty = sum(rates[name] for name, w in (("crossing", crossing_weight), ("parallel", parallel_weight),
                                                  ("spacing", spacing_weight)) if w > 0)
        select = agree - penalty.reshape(n, restarts)
    best = select.argmax(axis=1)
    chosen = final_z.reshape(n, restarts, latent_dim)[np.arange(n), best]
    probs = keras.ops.convert_to_numpy(generator(chosen, training=False))
    from .voices import decode_voices

    generated = decode_voices(probs)
    rolls = np.where(known[:, :, None, :], target, generated).astype(np.float32)
    return InpaintResult(rolls=rolls, generated=generated, latents=chosen, agreement=agree[np.arange(n), best],
                         agreement_start=agreement_start, history=history)


def _rule_rates(index, n_pitches):
    """Crossing, parallel and spacing rate of each roll (:func:`musiclib.metrics.voice_leading`), from pitch indices."""
    from .metrics import voice_leading

    rolls = np.zeros((*index.shape[:2], n_pitches + 1, 4), dtype=np.float32)
    np.put_along_axis(rolls, index[:, :, None, :], 1.0, axis=2)
    counts = voice_leading(rolls[:, :, :n_pitches])
    sounding = np.maximum(counts["sounding_steps"], 1)
    return {"crossing": counts["crossing_steps"] / sounding, "spacing": counts["spacing_steps"] / sounding,
            "parallel": (counts["parallel_fifths"] + counts["parallel_octaves"]) / np.maximum(counts["pair_moves"], 1)}


def _soprano_target(soprano, time_steps, n_pitches):
    arr = check_finite_array("soprano", soprano, min_ndim=2).astype(np.float32)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 4:
        arr = arr[..., 0]
    if arr.ndim != 3 or arr.shape[1:] != (time_steps, n_pitches):
        raise ValueError(f"soprano has shape {np.shape(soprano)}; expected (n, {time_steps}, {n_pitches}) soprano rolls "
                         f"(or four-voice rolls whose S channel is used): {time_steps // 16} bars of 4/4 in sixteenths")
    if not np.isin(arr, (0.0, 1.0)).all() or (arr.sum(axis=-1) > 1).any():
        raise ValueError("soprano must be binary with at most one sounding pitch per step")
    low, high = VOICE_RANGES["S"]
    cols = np.nonzero(arr)[-1] + PITCH_OFFSET
    if cols.size and (cols.min() < low or cols.max() > high):
        raise ValueError(f"soprano has notes outside the soprano range {low}..{high} (MIDI): "
                         f"lowest {cols.min()}, highest {cols.max()}")
    target = np.zeros((*arr.shape, 4), dtype=np.float32)
    target[..., 0] = arr
    return target


def harmonize(generator, soprano, **options) -> InpaintResult:
    """Add alto, tenor and bass to soprano lines with the generator (latent inpainting, :func:`inpaint`).

    Chapter: 12_applications

    Parameters
    ----------
    generator : keras.Model
        The chapter-09 generator (keys normalised: melodies in C major or A minor suit it best).
    soprano : array_like [shape=(n, time_steps, n_pitches) or (time_steps, n_pitches) or (n, ..., 4)]
        Binary soprano rolls inside the soprano range; from four-voice rolls the S channel is taken.
    **options
        Passed to :func:`inpaint` (``restarts``, ``steps``, ``seed``, ...).

    Returns
    -------
    InpaintResult
        ``rolls[..., 0]`` equals the given soprano exactly.

    Raises
    ------
    ValueError
        If the soprano is not a valid soprano roll of the generator's length and range.

    Examples
    --------
    >>> from musiclib.gan.models import build_conv_generator
    >>> g = build_conv_generator(8, width=16, seed=0)
    >>> s = melody_to_rolls("C5:4 D5:4 E5:4 C5:4")
    >>> res = harmonize(g, s, restarts=2, steps=2, pool=8)
    >>> bool((res.rolls[..., 0] == s).all())
    True
    """
    time_steps, n_pitches = tuple(generator.output_shape[1:3])
    target = _soprano_target(soprano, time_steps, n_pitches)
    known = np.zeros((time_steps, 4), dtype=bool)
    known[:, 0] = True
    return inpaint(generator, target, known, **options)


def continue_piece(generator, rolls, *, bars: int = 1, steps_per_bar: int = 16, **options) -> InpaintResult:
    """Continue four-voice fragments: keep the first ``bars`` of all voices and let the generator write the rest.

    Chapter: 12_applications

    Parameters
    ----------
    generator : keras.Model
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Valid four-voice rolls; only their first ``bars`` bars are used.
    bars : int
        Bars given, in [1, bars per segment - 1].
    steps_per_bar : int
        16 for 4/4 in sixteenths.
    **options
        Passed to :func:`inpaint`.

    Returns
    -------
    InpaintResult
        The first ``bars`` bars are exactly the given ones.

    Raises
    ------
    ValueError
        If ``bars`` leaves nothing to continue or shapes disagree.

    Examples
    --------
    >>> from musiclib.gan.models import build_conv_generator
    >>> g = build_conv_generator(8, width=16, seed=0)
    >>> x = np.zeros((1, 64, 64, 4), "float32"); x[0, :, [44, 40, 32, 20], [0, 1, 2, 3]] = 1
    >>> res = continue_piece(g, x, bars=1, restarts=2, steps=2, pool=8)
    >>> bool((res.rolls[:, :16] == x[:, :16]).all())
    True
    """
    time_steps = int(generator.output_shape[1])
    steps_per_bar = check_positive_int("steps_per_bar", steps_per_bar)
    bars = check_in_range("bars", bars, 1, max(time_steps // steps_per_bar - 1, 1), integer=True)
    arr = check_finite_array("rolls", rolls, min_ndim=4).astype(np.float32)
    known = np.zeros((time_steps, 4), dtype=bool)
    known[: bars * steps_per_bar] = True
    return inpaint(generator, arr, known, **options)


def harmonize_melody(generator, melody, *, transpose: str = "auto", **options) -> dict:
    """Harmonise a typed melody of any length, segment by segment (four bars each).

    Chapter: 12_applications

    The generator knows only C major and A minor (its data were key-normalised). With ``transpose="auto"`` the
    melody's key (:func:`melody_key`) is moved there (the smallest shift that keeps the melody in the soprano
    range; none if no shift does), harmonised, and moved back; added notes that then leave their voice's range
    are folded by an octave (:func:`transpose_voices`). The soprano stays exactly the given melody. Short
    melodies fool the key finder easily (a C-major tune that dwells on E comes out E minor): pass
    ``transpose="none"`` to keep the melody where it is.

    Parameters
    ----------
    generator : keras.Model
    melody : str or list
        As :func:`melody_to_rolls` (whole four-bar segments).
    transpose : {"auto", "none"}
    **options
        Passed to :func:`inpaint`.

    Returns
    -------
    dict
        ``roll`` (all segments joined, ``(n_segments * time_steps, n_pitches, 4)``), ``segments`` (the
        :class:`InpaintResult`), ``key`` (the melody's estimated key), ``shift`` (semitones applied before
        harmonising).

    Raises
    ------
    ValueError
        As :func:`parse_melody` and :func:`melody_to_rolls`; if the melody is longer than :data:`MAX_SEGMENTS`
        segments or holds only rests (nothing to harmonise).
    """
    from .data import normalizing_shift

    transpose = check_choice("transpose", transpose, ("auto", "none"))
    notes = parse_melody(melody) if isinstance(melody, str) else list(melody)
    soprano = melody_to_rolls(notes, max_segments=MAX_SEGMENTS)
    if not any(m is not None for m, _ in notes):
        raise ValueError("melody holds only rests: give at least one note to harmonise")
    key = melody_key(notes)
    shift = 0
    pitches = [m for m, _ in notes if m is not None]
    if transpose == "auto" and pitches:
        low, high = VOICE_RANGES["S"]
        base = normalizing_shift(f"{key[0]} {key[1]}")
        fits = [s for s in (base, base - 12, base + 12) if low <= min(pitches) + s and max(pitches) + s <= high]
        shift = min(fits, key=abs) if fits else 0
    if shift:
        soprano = np.roll(soprano, shift, axis=-1)
    result = harmonize(generator, soprano, **options)
    rolls = result.rolls
    if shift:
        rolls = transpose_voices(rolls, -shift)
        given = np.roll(soprano, -shift, axis=-1)
        rolls[..., 0] = given
    return {"roll": rolls.reshape(-1, *rolls.shape[2:]), "segments": result, "key": key, "shift": shift}


# ---------------------------------------------------------------------------
# Baseline: one hidden Markov model per added voice
# ---------------------------------------------------------------------------

class MarkovHarmonizer:
    """Baseline harmoniser: for each of alto, tenor and bass an HMM whose hidden state is that voice's pitch.

    Chapter: 12_applications

    Fit on four-voice training rolls: transition probabilities ``P(pitch_t | pitch_{t-1})`` per voice (sixteenth
    steps, rest as a state) and emission probabilities ``P(soprano_t | pitch_t)``, both counted with add-one
    smoothing inside the voice's range. :meth:`harmonize` picks the most likely pitch sequence of each voice given
    the soprano (Viterbi). The voices are chosen independently of each other: the honest simple baseline, which
    knows which notes fit under a melody note but not how the added voices move together.

    Examples
    --------
    >>> x = np.zeros((2, 16, 64, 4), "float32"); x[:, :, [44, 40, 35, 20], [0, 1, 2, 3]] = 1
    >>> h = MarkovHarmonizer().fit(x)
    >>> y = h.harmonize(x[..., 0])
    >>> [int(y[0, 0, :, v].argmax()) for v in range(4)]
    [44, 40, 35, 20]
    """

    def __init__(self, smoothing: float = 1.0):
        self.smoothing = check_positive("smoothing", smoothing)
        self.log_transition = None
        self.log_emission = None
        self.log_start = None

    def fit(self, rolls) -> MarkovHarmonizer:
        """Count transitions and emissions in valid four-voice rolls ``(n, time_steps, n_pitches, 4)``."""
        arr = check_finite_array("rolls", rolls, min_ndim=4)
        if arr.ndim != 4 or arr.shape[-1] != 4:
            raise ValueError(f"rolls has shape {arr.shape}; four-voice rolls (n, time_steps, n_pitches, 4) expected")
        n_pitches = arr.shape[2]
        states = n_pitches + 1
        idx = _targets(arr)  # (n, T, 4)
        allowed = self._allowed(n_pitches)
        self.n_pitches = n_pitches
        self.log_transition, self.log_emission, self.log_start = {}, {}, {}
        sop = idx[..., 0].reshape(-1)
        for v in (1, 2, 3):
            trans = np.zeros((states, states))
            np.add.at(trans, (idx[:, :-1, v].reshape(-1), idx[:, 1:, v].reshape(-1)), 1)
            emit = np.zeros((states, states))
            np.add.at(emit, (idx[..., v].reshape(-1), sop), 1)
            start = np.bincount(idx[:, 0, v], minlength=states).astype(float)
            ok = allowed[:, v]
            trans = (trans + self.smoothing) * ok[None, :]
            emit = emit + self.smoothing
            start = (start + self.smoothing) * ok
            with np.errstate(divide="ignore"):
                self.log_transition[v] = np.log(trans / trans.sum(axis=1, keepdims=True))
                self.log_emission[v] = np.log(emit / emit.sum(axis=1, keepdims=True))
                self.log_start[v] = np.log(start / start.sum())
        return self

    @staticmethod
    def _allowed(n_pitches):
        from .voices import voice_pitch_mask

        return np.concatenate([voice_pitch_mask(n_pitches=n_pitches), np.ones((1, 4), dtype=bool)])

    def harmonize(self, soprano) -> np.ndarray:
        """Four-voice rolls whose soprano is ``soprano`` ``(n, time_steps, n_pitches)`` and A, T, B by Viterbi."""
        if self.log_transition is None:
            raise ValueError("call fit(training_rolls) before harmonize")
        arr = check_finite_array("soprano", soprano, min_ndim=2).astype(np.float32)
        if arr.ndim == 2:
            arr = arr[None]
        if arr.ndim != 3 or arr.shape[-1] != self.n_pitches:
            raise ValueError(f"soprano has shape {arr.shape}; expected (n, time_steps, {self.n_pitches})")
        n, time_steps, n_pitches = arr.shape
        sop = np.where(arr.sum(-1) > 0, arr.argmax(-1), n_pitches)
        out = np.zeros((n, time_steps, n_pitches, 4), dtype=np.float32)
        out[..., 0] = arr
        for v in (1, 2, 3):
            lt, le, ls = self.log_transition[v], self.log_emission[v], self.log_start[v]
            for i in range(n):
                path = _viterbi(ls, lt, le[:, sop[i]].T)
                sounding = path < n_pitches
                out[i, np.flatnonzero(sounding), path[sounding], v] = 1.0
        return out


def _viterbi(log_start, log_trans, log_obs):
    """Most likely state path; ``log_obs`` is ``(time_steps, states)``."""
    time_steps, states = log_obs.shape
    score = log_start + log_obs[0]
    back = np.zeros((time_steps, states), dtype=np.int64)
    for t in range(1, time_steps):
        cand = score[:, None] + log_trans  # (from, to)
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + log_obs[t]
    path = np.empty(time_steps, dtype=np.int64)
    path[-1] = int(score.argmax())
    for t in range(time_steps - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


# ---------------------------------------------------------------------------
# Mode transfer and latent walks
# ---------------------------------------------------------------------------

def estimate_roll_keys(rolls, *, pitch_offset: int = PITCH_OFFSET) -> list:
    """Key of each four-voice roll by :func:`musiclib.theory.estimate_key` on its sounding steps' pitch classes.

    Chapter: 12_applications

    Returns
    -------
    list of (str, str) or None
        ``(tonic, mode)`` per roll; None for a silent roll (or one whose histogram is flat).

    Examples
    --------
    >>> roll = np.zeros((1, 12, 64, 4), "float32")
    >>> for t, p in enumerate([60, 64, 67, 72, 67, 64, 60, 62, 65, 71, 67, 60]):
    ...     roll[0, t, p - 28, 0] = 1
    >>> estimate_roll_keys(roll)
    [('C', 'major')]
    """
    from .theory import estimate_key

    arr = check_finite_array("rolls", rolls, min_ndim=4)
    counts = arr.sum(axis=(1, 3))  # (n, n_pitches)
    pcs = (np.arange(arr.shape[2]) + pitch_offset) % 12
    hist = np.stack([counts[:, pcs == c].sum(axis=1) for c in range(12)], axis=1)
    out = []
    for h in hist:
        try:
            out.append(estimate_key(h))
        except ValueError:
            out.append(None)
    return out


def _key_profiles():
    """``(24, 12)`` Krumhansl-Kessler profiles (rows: C..B major, then C..B minor), centred and of unit norm."""
    from .theory import KRUMHANSL_KESSLER_MAJOR, KRUMHANSL_KESSLER_MINOR

    rows = [np.roll(profile, tonic) for profile in (KRUMHANSL_KESSLER_MAJOR, KRUMHANSL_KESSLER_MINOR) for tonic in range(12)]
    prof = np.array(rows, dtype=np.float64)
    prof -= prof.mean(axis=1, keepdims=True)
    return (prof / np.linalg.norm(prof, axis=1, keepdims=True)).astype(np.float32)


def steer_key(generator, latents, key, *, steps: int = 60, learning_rate: float = 0.05, temperature: float = 0.003,
              sharpness: float = 30.0, stay_weight: float = 0.0, pitch_offset: int = PITCH_OFFSET) -> tuple:
    """Move latents so that the generator's output lands in ``key``: key transfer from the same latent.

    Chapter: 12_applications

    The key of a roll is what :func:`musiclib.theory.estimate_key` says: the Krumhansl-Kessler profile that
    correlates best with its pitch-class histogram. Here the histogram is computed from the generator's per-voice
    distributions sharpened by ``temperature`` (as in :func:`inpaint`), so its correlations with the 24 profiles are
    differentiable in ``z``; Adam minimises the cross-entropy of ``sharpness`` × correlations towards the asked key,
    plus ``stay_weight`` × the mean squared distance from the starting latent (to keep the piece recognisable).

    Parameters
    ----------
    generator : keras.Model
    latents : array_like [shape=(n, latent_dim)]
        Starting latents.
    key : str or (str, str)
        ``"A minor"`` or ``("A", "minor")``; the shipped generator only knows C major and A minor.
    steps : int
        Adam steps, in [0, 10000].
    learning_rate, temperature, sharpness : float
        Positive.
    stay_weight : float
        >= 0.

    Returns
    -------
    latents : np.ndarray [shape=(n, latent_dim)]
    rolls : np.ndarray [shape=(n, time_steps, n_pitches, 4)]
        Decoded at the moved latents.

    Raises
    ------
    ValueError
        If the key is not a key name, or a parameter is out of range.
    """
    import keras
    import tensorflow as tf

    from .data import normalizing_shift
    from .theory import note_to_midi
    from .voices import decode_voices

    if isinstance(key, str):
        key = tuple(key.split())
    try:
        tonic, mode = key
        normalizing_shift(f"{tonic} {mode}")
        tonic_pc = note_to_midi(f"{tonic}4") % 12
    except (ValueError, TypeError) as err:
        raise ValueError(f"key={key!r} must be a key such as 'A minor' or ('C', 'major')") from err
    steps = check_in_range("steps", steps, 0, 10000, integer=True)
    learning_rate = check_positive("learning_rate", learning_rate)
    temperature = check_positive("temperature", temperature)
    sharpness = check_positive("sharpness", sharpness)
    stay_weight = check_in_range("stay_weight", stay_weight, 0.0, 1e6)
    start = check_finite_array("latents", latents, min_ndim=2).astype(np.float32)
    if start.ndim != 2 or start.shape[1] != int(generator.input_shape[-1]):
        raise ValueError(f"latents has shape {start.shape}; expected (n, {generator.input_shape[-1]})")
    n_pitches = int(generator.output_shape[2])
    to_pc = np.zeros((n_pitches, 12), np.float32)
    to_pc[np.arange(n_pitches), (np.arange(n_pitches) + pitch_offset) % 12] = 1.0
    to_pc, profiles = tf.constant(to_pc), tf.constant(_key_profiles())
    goal = tf.fill([start.shape[0]], (0 if mode == "major" else 12) + tonic_pc)
    z0 = tf.constant(start)
    z = tf.Variable(start)
    optimizer = keras.optimizers.Adam(learning_rate)

    def train_step():
        with tf.GradientTape() as tape:
            logp = _log_probs(generator(z, training=False))  # (N, T, P+1, 4)
            q = tf.nn.softmax(logp / temperature, axis=2)[:, :, :-1]  # sharpened pitch probabilities
            hist = tf.einsum("ntpv,pc->nc", q, to_pc)
            hist = hist - tf.reduce_mean(hist, axis=1, keepdims=True)
            hist = hist / (tf.norm(hist, axis=1, keepdims=True) + 1e-9)
            corr = tf.matmul(hist, profiles, transpose_b=True)  # (N, 24) Pearson correlations
            loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(goal, sharpness * corr))
            loss += stay_weight * tf.reduce_sum(tf.reduce_mean(tf.square(z - z0), axis=1))
        optimizer.apply_gradients([(tape.gradient(loss, z), z)])

    if steps >= _COMPILE_FROM:
        train_step = tf.function(train_step)
    for _ in range(steps):
        train_step()
    moved = z.numpy()
    return moved, decode_voices(keras.ops.convert_to_numpy(generator(moved, training=False)))


def interpolate_latents(z_a, z_b, n: int = 8, *, method: str = "slerp") -> np.ndarray:
    """Points on the way from latent ``z_a`` to ``z_b``, both ends included.

    Chapter: 12_applications

    ``"slerp"`` (spherical, White 2016) keeps the norm a Gaussian latent typically has; ``"linear"`` passes
    through shorter vectors in the middle.

    Parameters
    ----------
    z_a, z_b : array_like [shape=(latent_dim,)]
    n : int
        Number of points, in [2, 1000].
    method : {"slerp", "linear"}

    Returns
    -------
    np.ndarray [shape=(n, latent_dim), dtype=float32]

    Examples
    --------
    >>> path = interpolate_latents(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 3)
    >>> path.astype(float).round(3).tolist()
    [[1.0, 0.0], [0.707, 0.707], [0.0, 1.0]]
    """
    method = check_choice("method", method, ("slerp", "linear"))
    n = check_in_range("n", n, 2, 1000, integer=True)
    a = check_finite_array("z_a", z_a).astype(np.float64)
    b = check_finite_array("z_b", z_b).astype(np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"z_a and z_b must be vectors of one size, got shapes {a.shape} and {b.shape}")
    t = np.linspace(0.0, 1.0, n)[:, None]
    if method == "linear":
        return ((1 - t) * a + t * b).astype(np.float32)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("slerp needs two non-zero latents; use method='linear'")
    omega = np.arccos(np.clip(a @ b / (na * nb), -1.0, 1.0))
    if omega < 1e-6:
        return ((1 - t) * a + t * b).astype(np.float32)
    return ((np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)).astype(np.float32)
