"""Command line: ``python -m musiclib train|generate`` (``make train`` trains the shipped model's config).

Chapter: 09_training_a_music_gan.

Examples::

    python -m musiclib train --config full --loss wgan-gp --out runs/chorale_gan      # about 15-30 min on 2 cores
    python -m musiclib train --config full --out runs/chorale_gan --resume           # after an interruption
    python -m musiclib generate --checkpoint data/pretrained/chorale_gan --n 4 --out generated/
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
    from .gan.training import CONFIG_PRESETS, LOSS_PRESETS, STRATEGIES

    parser = argparse.ArgumentParser(prog="python -m musiclib", description="GAN Music Lab: train a GAN on the Bach chorales and generate music.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{train,generate}")

    train = sub.add_parser(
        "train",
        help="train the chorale GAN",
        description="Train a four-voice GAN on the Bach chorales (music21's corpus). Writes run.json, checkpoint.npz "
        "(resumable), log.csv, samples/*.png and generator.keras into --out.",
    )
    train.add_argument("--config", choices=sorted(CONFIG_PRESETS), default="full",
                       help="model and data sizes: 'full' (the shipped model; 15-30 min on 2 cores) or 'quick' (a minute)")
    train.add_argument("--loss", choices=sorted(LOSS_PRESETS), default="wgan-gp",
                       help="loss recipe: wgan-gp (5 critic steps, gradient penalty 10), nonsaturating, hinge or least_squares")
    train.add_argument("--out", required=True, type=Path, help="run folder (new or empty; an existing run needs --resume)")
    train.add_argument("--epochs", type=_positive_int, default=None, help="override the preset's number of epochs")
    train.add_argument("--seed", type=_nonnegative_int, default=0, help="seed of weights, noise and data order (default 0)")
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
    gen.add_argument("--decode", choices=("argmax", "threshold"), default="argmax",
                     help="how probabilities become notes (see musiclib.voices.decode_voices)")
    return parser


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
    config = training.make_config(args.config, loss=args.loss, epochs=args.epochs, seed=args.seed, **overrides)
    if args.resume and (args.out / "run.json").exists():
        saved = json.loads((args.out / "run.json").read_text())["config"]
        if training._model_part(saved) != training._model_part(config) or saved["data"] != config["data"]:
            print(f"error: {args.out} holds a run of another config; resume it with the options it was started with", file=sys.stderr)
            return 2
    print("loading the chorales ...", flush=True)
    x = training.chorale_training_data(config, progress=not args.no_progress)
    started = time.time()
    try:
        gan = training.train(config, x, args.out, resume=args.resume, strategy=args.strategy, progress=not args.no_progress)
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


def main(argv=None) -> int:
    """Run the command line; return the exit status (0 = success, 2 = bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    if args.command == "train":
        return _train(args)
    return _generate(args)
