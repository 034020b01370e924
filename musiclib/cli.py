"""Command line: ``python -m musiclib train|generate|evaluate|harmonize`` (``make train`` trains the shipped model's config).

Chapter: 09_training_a_music_gan (``--task timbre``: 11_audio_gan_on_features).

Examples::

    python -m musiclib train --config full --loss wgan-gp --out runs/chorale_gan      # about 15-30 min on 2 cores
    python -m musiclib train --config full --out runs/chorale_gan --resume           # after an interruption
    python -m musiclib generate --checkpoint data/pretrained/chorale_gan --n 4 --out generated/
    python -m musiclib evaluate --checkpoint data/pretrained/chorale_gan --json scorecard.json   # chapter 10
    python -m musiclib harmonize --checkpoint data/pretrained/chorale_gan --melody "E4 D4 C4 D4 E4 E4 E4:2 D4 D4 D4:2 E4 G4 G4:2" --out harmony/   # chapter 12
    python -m musiclib train --task timbre --config full --out runs/timbre_gan       # chapter 11, about 4 min
    python -m musiclib generate --checkpoint data/pretrained/timbre_gan --n 4 --out timbres/
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    from .gan.training import CONFIG_PRESETS, LOSS_PRESETS, STRATEGIES, TASKS
    from .voices import DECODE_METHODS

    parser = argparse.ArgumentParser(prog="python -m musiclib", description="GAN Music Lab: train a GAN on the Bach chorales and generate music.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,generate,evaluate,harmonize}")

    train = sub.add_parser(
        "train",
        help="train the chorale GAN",
        description="Train a four-voice GAN on the Bach chorales (music21's corpus). Writes run.json, checkpoint.npz "
        "(resumable), log.csv, samples/*.png and generator.keras into --out.",
    )
    train.add_argument("--task", choices=TASKS, default="chorales",
                       help="what to train: 'chorales' (four-voice piano rolls, chapter 09) or 'timbre' (log-mel patches "
                       "of synthesised instrument notes, chapter 11; full: about 4 min on 2 cores)")
    train.add_argument("--config", choices=sorted(CONFIG_PRESETS), default="full",
                       help="model and data sizes: 'full' (the shipped model; 15-30 min on 2 cores) or 'quick' (a minute)")
    train.add_argument("--loss", choices=sorted(LOSS_PRESETS), default="wgan-gp",
                       help="loss recipe: wgan-gp (5 critic steps, gradient penalty 10), nonsaturating, hinge or least_squares")
    train.add_argument("--out", required=True, type=Path, help="run folder (new or empty; an existing run needs --resume)")
    train.add_argument("--epochs", type=_positive_int, default=None, help="override the preset's number of epochs")
    train.add_argument("--seed", type=_nonnegative_int, default=0, help="seed of weights, noise and data order (default 0)")
    train.add_argument("--parallel-weight", type=float, default=None,
                       help="chorales: weight of the parallel fifths/octaves penalty in the generator's loss "
                       "(musiclib.gan.losses.expected_parallel_motion; default 0, none; chapter 10 tries 100)")
    train.add_argument("--parallel-from-epoch", type=_nonnegative_int, default=None,
                       help="epochs trained without that penalty first (default 0; chapter 10 waits 16)")
    train.add_argument("--resume", action="store_true", help="continue the run in --out from its last complete checkpoint")
    train.add_argument("--checkpoint-every", type=_positive_int, default=None, help="steps between checkpoints (default 200)")
    train.add_argument("--strategy", choices=STRATEGIES, default="default",
                       help="tf.distribute strategy: default (one device), mirrored (all GPUs here), multiworker (TF_CONFIG)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    gen = sub.add_parser(
        "generate",
        help="generate chorale fragments from a trained model",
        description="For each sample write NNN.mid (four tracks S, A, T, B), NNN.wav and NNN.png, plus index.json.",
    )
    gen.add_argument("--checkpoint", required=True, type=Path,
                     help="a run folder, its checkpoint.npz, or a generator.keras with run.json beside it")
    gen.add_argument("--n", type=_positive_int, default=4, help="number of samples (default 4, at most 1000)")
    gen.add_argument("--out", required=True, type=Path, help="output folder (created)")
    gen.add_argument("--seed", type=_nonnegative_int, default=0, help="seed of the latent draw (default 0)")
    gen.add_argument("--renderer", choices=("synth", "fluidsynth"), default="synth",
                     help="audio: musiclib.synth (default, no install) or FluidSynth with a General MIDI SoundFont")
    gen.add_argument("--soundfont", type=Path, default=None, help="SoundFont for --renderer fluidsynth")
    gen.add_argument("--decode", choices=DECODE_METHODS, default="argmax",
                     help="how probabilities become notes: argmax (default), threshold, voice-leading (argmax without "
                     "parallel fifths and octaves) or harmony (voice-leading, and every beat of three or more pitch "
                     "classes one triad or seventh chord); see musiclib.voices.decode_voices")
    ev = sub.add_parser(
        "evaluate",
        help="score a trained chorale GAN against held-out Bach and the baselines",
        description="Generate --n windows, score them against the held-out test split next to the real-vs-real "
        "ceiling and the Markov and random baselines, print the scorecard (chapter 10). Row gan decodes the generator's output "
        "by argmax, row gan_vl the same output by the voice-leading decoding (no parallel fifths or octaves by "
        "construction). MUSICLIB_QUICK=1 uses "
        "smaller budgets (n 64, 3 ceiling resamples, the quick subset of the chorales; about a minute).",
    )
    ev.add_argument("--checkpoint", required=True, type=Path,
                    help="a run folder, its checkpoint.npz, or a generator.keras with run.json beside it")
    ev.add_argument("--n", type=_positive_int, default=None, help="windows per system (default 256; 64 in quick mode; at most 2000)")
    ev.add_argument("--seed", type=_nonnegative_int, default=0, help="seed of the latent draw, baselines and classifier (default 0)")
    ev.add_argument("--json", type=Path, default=None, help="also write the numbers to this JSON file (keys: real, gan, gan_vl, markov, random, settings)")
    _add_harmonize_parser(sub)
    return parser


def _add_harmonize_parser(sub):
    """The ``harmonize`` subcommand (chapter 12_applications)."""
    har = sub.add_parser(
        "harmonize",
        help="add alto, tenor and bass to a melody (chapter 12)",
        description="Harmonise a soprano melody with a trained chorale generator by latent inpainting "
        "(musiclib.applications.harmonize_melody): each note name is a quarter note unless a length in beats follows, "
        "e.g. E4:2 for a half note, R for a rest; the melody must fill whole 4-bar segments of 16 beats and is "
        "harmonised segment by segment. Writes harmony.mid (tracks S, A, T, B), harmony.wav, harmony.png and "
        "harmony.json into --out.",
    )
    har.add_argument("--checkpoint", required=True, type=Path,
                     help="a run folder, its checkpoint.npz, or a generator.keras with run.json beside it")
    har.add_argument("--melody", required=True,
                     help='the soprano, e.g. "E4 D4 C4 D4 E4 E4 E4:2 ..." (16 beats per segment, at most 64 segments, '
                     'at least one note)')
    har.add_argument("--out", required=True, type=Path, help="output folder (created; must not be an existing file)")
    har.add_argument("--seed", type=_nonnegative_int, default=0, help="seed of the latent pool (default 0)")
    har.add_argument("--restarts", type=_positive_int, default=8, help="latents optimised per segment (default 8, at most 256)")
    har.add_argument("--steps", type=_positive_int, default=200, help="optimisation steps (default 200)")
    har.add_argument("--pool", type=_positive_int, default=2048,
                     help="random latents screened for the starts (default 2048, at least --restarts, at most 65536)")
    har.add_argument("--no-rules", action="store_true",
                     help="pure inpainting: no voice-crossing and parallel-fifth/octave penalties in the objective")
    har.add_argument("--transpose", choices=("auto", "none"), default="auto",
                     help="auto (default): move the melody's key to C major / A minor, the generator's keys, and back")


def _evaluate(args) -> int:
    from .gan import evaluation

    if args.n is not None and args.n > 2000:
        print(f"error: --n {args.n} must be at most 2000", file=sys.stderr)
        return 2
    try:
        card = evaluation.evaluate_checkpoint(args.checkpoint, n=args.n, seed=args.seed, progress=True)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print()
    print(evaluation.format_scorecard(card))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(card, indent=2, default=float) + "\n")
        print(f"\nwrote {args.json}")
    return 0


def _positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be a positive integer")
    return value


def _nonnegative_int(text):
    value = int(text)
    if value < 0 or value >= 2**32:
        raise argparse.ArgumentTypeError(f"{text} must be an integer in [0, 2**32 - 1]")
    return value


def _train(args) -> int:
    from . import __version__
    from .gan import training

    overrides = {} if args.checkpoint_every is None else {"checkpoint_every": args.checkpoint_every}
    if args.parallel_weight is not None:
        overrides["parallel_weight"] = args.parallel_weight
    if args.parallel_from_epoch is not None:
        overrides["parallel_from_epoch"] = args.parallel_from_epoch
    try:
        config = training.make_config(args.config, task=args.task, loss=args.loss, epochs=args.epochs, seed=args.seed,
                                      **overrides)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.resume and (args.out / "run.json").exists():
        saved = json.loads((args.out / "run.json").read_text())["config"]
        if training._model_part(saved) != training._model_part(config) or saved["data"] != config["data"]:
            print(f"error: {args.out} holds a run of another config; resume it with the options it was started with", file=sys.stderr)
            return 2
    print("loading the chorales ..." if args.task == "chorales" else "synthesising the notes ...", flush=True)
    x = training.training_data(config, progress=not args.no_progress)
    labels = training.training_labels(config)
    started = time.time()
    try:
        gan = training.train(config, x, args.out, resume=args.resume, strategy=args.strategy, progress=not args.no_progress,
                             labels=labels)
    except (training.RunFolderError, training.CheckpointError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    rows = gan.history_rows
    provenance = {
        "command": "python -m musiclib " + " ".join(args.argv),
        "config": config,
        "musiclib_version": __version__,
        "python": platform.python_version(),
        "packages": _package_versions(),
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpu_count": _cpu_count()},
        "wall_seconds_this_call": round(time.time() - started, 1),
        "wall_seconds": round(_logged_seconds(args.out / "log.csv"), 1),
        "training_samples": int(len(x)),
        "final": rows[-1] if rows else None,
    }
    (args.out / "provenance.json").write_text(json.dumps(provenance, indent=2, default=float) + "\n")
    if rows:
        last = rows[-1]
        print("final epoch: " + ", ".join(f"{k}={v:.4g}" for k, v in last.items() if isinstance(v, float)))
    return 0


def _logged_seconds(log_path):
    """Training time of the whole run (all calls, resumed ones included), summed from the per-epoch log."""
    import csv

    if not log_path.exists():
        return 0.0
    with log_path.open(newline="") as f:
        return sum(float(row["seconds"]) for row in csv.DictReader(f))


def _cpu_count():
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _package_versions():
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("tensorflow-cpu", "tensorflow", "keras", "numpy", "music21"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def _generate(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import soundfile

    from .data import DEFAULT_TEMPO
    from .gan import training
    from .midi import write_midi
    from .plots.voices import voice_pianoroll
    from .voices import VOICE_PROGRAMS, find_soundfont, render_midi_fluidsynth, render_voices, voice_notes

    if args.n > 1000:
        print(f"error: --n {args.n} must be at most 1000", file=sys.stderr)
        return 2
    if args.renderer == "fluidsynth":
        import shutil

        if shutil.which("fluidsynth") is None or find_soundfont(args.soundfont) is None:
            from .voices import FLUIDSYNTH_HELP

            print(f"error: --renderer fluidsynth needs FluidSynth and a SoundFont: {FLUIDSYNTH_HELP}", file=sys.stderr)
            return 2
    try:
        generator, config = training.load_run(args.checkpoint)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if config["data"].get("dataset") == "timbres":
        return _generate_timbres(args, generator)
    _, rolls = training.generate_rolls(generator, args.n, seed=args.seed, method=args.decode)
    args.out.mkdir(parents=True, exist_ok=True)
    sr = 22050
    steps_per_beat = config["data"]["steps_per_beat"]
    index = []
    for i, roll in enumerate(rolls):
        stem = args.out / f"{i:03d}"
        notes = voice_notes(roll, steps_per_beat=steps_per_beat, tempo=DEFAULT_TEMPO)
        write_midi(notes, stem.with_suffix(".mid"), tempo=DEFAULT_TEMPO, program=VOICE_PROGRAMS)
        if args.renderer == "fluidsynth":
            render_midi_fluidsynth(stem.with_suffix(".mid"), stem.with_suffix(".wav"), sr=sr, soundfont=args.soundfont)
        else:
            soundfile.write(stem.with_suffix(".wav"), render_voices(notes, sr), sr, subtype="PCM_16")
        fig, ax = plt.subplots(figsize=(8, 3.5))
        voice_pianoroll(roll, ax=ax, steps_per_beat=steps_per_beat, title=f"sample {i} (seed {args.seed})")
        fig.tight_layout()
        fig.savefig(stem.with_suffix(".png"), dpi=90)
        plt.close(fig)
        index.append({"sample": i, "midi": f"{i:03d}.mid", "wav": f"{i:03d}.wav", "png": f"{i:03d}.png",
                      "notes": {v: len(n) for v, n in notes.items()}})
    (args.out / "index.json").write_text(json.dumps({"checkpoint": str(args.checkpoint), "seed": args.seed,
                                                     "decode": args.decode, "renderer": args.renderer,
                                                     "tempo_bpm": DEFAULT_TEMPO, "samples": index}, indent=2) + "\n")
    print(f"wrote {len(index)} samples (.mid, .wav, .png) and index.json to {args.out}")
    return 0


def _generate_timbres(args, generator) -> int:
    """``generate`` for a timbre model: NNN.wav (Griffin-Lim, 16 kHz), NNN.png (the log-mel patch), index.json."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import soundfile

    import numpy as np

    from .data import TIMBRE_FAMILIES, TIMBRE_SR, decode_patches, timbre_labels
    from .gan.timbre import generate_patches, log_mel_to_audio, measure_pitch, random_timbre_labels
    from .gan.trainer import label_width

    family = pitch = labels = None
    if label_width(generator):  # conditional: ask for a seeded random family and pitch per note
        family, pitch = random_timbre_labels(args.n, seed=args.seed)
        labels = timbre_labels(family, pitch)
    log_mel = decode_patches(generate_patches(generator, args.n, seed=args.seed, labels=labels))
    audio = log_mel_to_audio(log_mel, seed=args.seed)
    pitches = measure_pitch(audio)
    args.out.mkdir(parents=True, exist_ok=True)
    index = []
    for i, (db, y, measured) in enumerate(zip(log_mel, audio, pitches)):
        stem = args.out / f"{i:03d}"
        soundfile.write(stem.with_suffix(".wav"), y, TIMBRE_SR, subtype="PCM_16")
        fig, ax = plt.subplots(figsize=(4, 3.5))
        ax.imshow(db, origin="lower", aspect="auto", cmap="magma")
        ax.set_xlabel("frame (16 ms)")
        ax.set_ylabel("mel band")
        ax.set_title(f"timbre {i} (seed {args.seed})")
        fig.tight_layout()
        fig.savefig(stem.with_suffix(".png"), dpi=90)
        plt.close(fig)
        index.append({"sample": i, "wav": f"{i:03d}.wav", "png": f"{i:03d}.png",
                      "measured_pitch_midi": None if not np.isfinite(measured) else round(float(measured), 2)})
        if labels is not None:
            index[-1].update({"family": TIMBRE_FAMILIES[int(family[i])], "asked_pitch_midi": int(pitch[i])})
    (args.out / "index.json").write_text(json.dumps({"checkpoint": str(args.checkpoint), "seed": args.seed,
                                                     "sr": TIMBRE_SR, "samples": index}, indent=2) + "\n")
    print(f"wrote {len(index)} timbres (.wav, .png) and index.json to {args.out}")
    return 0


def _harmonize(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import soundfile

    from . import applications
    from .data import DEFAULT_TEMPO
    from .gan import training
    from .midi import write_midi
    from .plots.voices import voice_pianoroll
    from .voices import VOICE_PROGRAMS, render_voices, voice_notes

    try:
        notes = applications.parse_melody(args.melody)
        applications.melody_to_rolls(notes, max_segments=applications.MAX_SEGMENTS)  # the cap is checked first
        if not any(midi is not None for midi, _ in notes):
            raise ValueError("the melody holds only rests: give at least one note to harmonise")
    except ValueError as err:
        print(f"error: --melody: {err}", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is an existing file; give a folder (it is created if missing)", file=sys.stderr)
        return 2
    if args.restarts > 256 or not args.restarts <= args.pool <= 65536 or args.steps > 10000:
        print(f"error: --restarts {args.restarts} must be at most 256, --pool {args.pool} between --restarts and 65536, "
              f"--steps {args.steps} at most 10000", file=sys.stderr)
        return 2
    try:
        generator, config = training.load_run(args.checkpoint)
    except (ValueError, OSError) as err:
        print(f"error: --checkpoint {args.checkpoint}: {err}", file=sys.stderr)
        return 2
    if config.get("data", {}).get("dataset", "chorales") != "chorales":
        print(f"error: {args.checkpoint} is not a chorale model; harmonize needs a four-voice chorale generator", file=sys.stderr)
        return 2
    rules = {} if args.no_rules else applications.RULE_WEIGHTS
    out = applications.harmonize_melody(generator, notes, transpose=args.transpose, restarts=args.restarts,
                                        steps=args.steps, pool=args.pool, seed=args.seed, **rules)
    roll = out["roll"]
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        print(f"error: --out {args.out}: {err}", file=sys.stderr)
        return 2
    sr = 22050
    steps_per_beat = config["data"]["steps_per_beat"]
    voices_notes = voice_notes(roll, steps_per_beat=steps_per_beat, tempo=DEFAULT_TEMPO)
    stem = args.out / "harmony"
    write_midi(voices_notes, stem.with_suffix(".mid"), tempo=DEFAULT_TEMPO, program=VOICE_PROGRAMS)
    soundfile.write(stem.with_suffix(".wav"), render_voices(voices_notes, sr), sr, subtype="PCM_16")
    fig, ax = plt.subplots(figsize=(max(8, 2 * len(roll) / 16), 3.5))
    voice_pianoroll(roll, ax=ax, steps_per_beat=steps_per_beat, title=f"harmonisation (seed {args.seed})")
    fig.tight_layout()
    fig.savefig(stem.with_suffix(".png"), dpi=90)
    plt.close(fig)
    seg = out["segments"]
    info = {"checkpoint": str(args.checkpoint), "melody": args.melody, "seed": args.seed, "restarts": args.restarts,
            "steps": args.steps, "pool": args.pool, "rules": dict(rules), "key": " ".join(out["key"]), "shift_semitones": out["shift"],
            "segments": len(seg.rolls), "soprano_agreement": [round(float(a), 4) for a in seg.agreement],
            "tempo_bpm": DEFAULT_TEMPO, "notes": {v: len(n) for v, n in voices_notes.items()}}
    (args.out / "harmony.json").write_text(json.dumps(info, indent=2) + "\n")
    print(f"harmonised {len(seg.rolls)} segment(s) in {' '.join(out['key'])}; wrote harmony.mid, harmony.wav, "
          f"harmony.png and harmony.json to {args.out}")
    return 0


def main(argv=None) -> int:
    """Run the command line; return the exit status (0 = success, 2 = bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    if args.command == "train":
        return _train(args)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "harmonize":
        return _harmonize(args)
    return _generate(args)
