"""Average the weights of models trained from the same start (a "model soup").

    python -m training.average --models runs/a/model runs/b/model --out runs/soup

Two runs from one initialisation that differ only in a setting such as the
learning rate end in the same basin, so their mean is a model of its own that
is often better than either (Wortsman et al., 2022); it costs no training and
nothing at inference. The output folder takes everything but the weights from
the first model (tokenizer, config, linker) and leaves out its int8
calibration, which belongs to other weights: run ``python -m training.calibrate``
on it before using ``--int8``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Optional, Sequence

from quoteattr.modeling import ModelError
from quoteattr.quantize import CALIBRATION_FILE

WEIGHTS = "model.safetensors"


def average_folders(models: Sequence[Path], out_dir: Path, force: bool = False) -> Path:
    """Write ``out_dir`` with the element-wise mean of ``models``' weights; returns its weights file."""
    import torch
    from safetensors.torch import load_file, save_file

    if len(models) < 2:
        raise ModelError("give at least two model folders to average")
    states = []
    for folder in models:
        path = folder / WEIGHTS
        if not path.is_file():
            raise ModelError(f"{folder}: no {WEIGHTS}")
        states.append(load_file(str(path)))
    first = states[0]
    for folder, state in zip(models[1:], states[1:]):
        if state.keys() != first.keys():
            missing = sorted(first.keys() ^ state.keys())[0]
            raise ModelError(f"{folder}: its tensors differ from {models[0]}'s (e.g. {missing}); only models of one shape average")
        for key, tensor in state.items():
            if tensor.shape != first[key].shape:
                raise ModelError(f"{folder}: tensor {key} has shape {tuple(tensor.shape)}, {models[0]} has {tuple(first[key].shape)}")
    if out_dir.exists():
        if not force:
            raise ModelError(f"{out_dir} exists; pass --force to replace it")
        shutil.rmtree(out_dir)
    shutil.copytree(models[0], out_dir, ignore=shutil.ignore_patterns(WEIGHTS, CALIBRATION_FILE))
    mean = {}
    for key, tensor in first.items():
        if tensor.is_floating_point():
            total = sum(state[key].to(torch.float32) for state in states)
            mean[key] = (total / len(states)).to(tensor.dtype).contiguous()
        else:  # integer buffers (position ids) are the same in every run
            mean[key] = tensor.contiguous()
    target = out_dir / WEIGHTS
    save_file(mean, str(target), metadata={"format": "pt"})
    return target


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="quoteattr-average", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", required=True, help="model folders of one shape, trained from the same start")
    parser.add_argument("--out", required=True, help="folder to write (must not exist unless --force)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        target = average_folders([Path(m) for m in args.models], Path(args.out), args.force)
    except (ModelError, OSError) as exc:
        print(f"quoteattr-average: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target}; calibrate it for --int8: python -m training.calibrate --model-dir {args.out} --texts TEXTS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
