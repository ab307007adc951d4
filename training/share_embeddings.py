"""Package a student model that shares its teacher's embeddings.

    python -m training.share_embeddings --model runs/polnear-minilm-l4-distilled/model \\
        --base quoteattr/default_model --out quoteattr/default_model/fast

A student trained with ``freeze_embeddings: true`` holds a bit-for-bit copy
of its teacher's embedding block: 12M of its 19M parameters. This writes the
student folder without that copy and records where to read it from
(``quoteattr.embeddings_from`` in config.json, relative to the folder), after
checking the copy really is identical and that the packaged folder loads to
the same tensors.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Optional, Sequence

from quoteattr.modeling import EMBEDDINGS_PREFIX, ModelError
from quoteattr.quantize import CALIBRATION_FILE

COPIED = (
    "tokenizer.json", "tokenizer_config.json", "linker.json", "linker.safetensors", "linker_metrics.json", "metrics.json", "README.md",
    CALIBRATION_FILE,  # the embeddings are bit-identical, so the student's int8 calibration holds for the packaged folder
)


def share_embeddings(model_dir: Path, base_dir: Path, out_dir: Path, force: bool = False) -> int:
    """Write ``out_dir``; returns the number of parameters left out. Raises ModelError if the embeddings differ."""
    import torch
    from safetensors.torch import load_file, save_file

    student = load_file(str(model_dir / "model.safetensors"))
    base = load_file(str(base_dir / "model.safetensors"))
    shared = sorted(k for k in student if k.startswith(EMBEDDINGS_PREFIX))
    if not shared:
        raise ModelError(f"{model_dir}: no {EMBEDDINGS_PREFIX}* tensors to share")
    for key in shared:
        if key not in base or base[key].shape != student[key].shape or not torch.equal(base[key], student[key].to(base[key].dtype)):
            raise ModelError(f"{model_dir}: tensor {key} differs from {base_dir}'s; train the student with freeze_embeddings: true")
    if out_dir.exists():
        if not force:
            raise ModelError(f"{out_dir} exists; pass --force to replace it")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in student.items() if k not in shared}, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    config["quoteattr"]["embeddings_from"] = os.path.relpath(base_dir.resolve(), out_dir.resolve())
    (out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    for name in COPIED:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, out_dir / name)
    _check_round_trip(model_dir, out_dir)
    return sum(student[k].numel() for k in shared)


def _check_round_trip(model_dir: Path, out_dir: Path) -> None:
    import torch

    from quoteattr.modeling import load_runtime_tagger

    original, _, _ = load_runtime_tagger(model_dir)
    packaged, _, _ = load_runtime_tagger(out_dir)
    a, b = original.state_dict(), packaged.state_dict()
    if a.keys() != b.keys() or not all(torch.equal(a[k], b[k]) for k in a):
        raise ModelError(f"{out_dir} does not load to the same tensors as {model_dir}")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="quoteattr-share-embeddings", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="trained student folder (frozen embeddings)")
    parser.add_argument("--base", required=True, help="the teacher folder whose embeddings it shares")
    parser.add_argument("--out", required=True, help="folder to write (must not exist unless --force)")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    try:
        n = share_embeddings(Path(args.model), Path(args.base), Path(args.out), args.force)
    except (ModelError, OSError, KeyError) as exc:
        print(f"quoteattr-share-embeddings: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {n:,} embedding parameters read from {args.base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
