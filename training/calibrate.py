"""Calibrate the int8 path of a model folder:
``python -m training.calibrate --model-dir DIR --texts ../shared/data/polnear/train``.

Runs the fp32 model over real text and stores the largest |input| of each
input channel of every Linear layer as ``int8_calibration.safetensors`` in
the folder; ``--int8`` and ``--fast`` then smooth those channels before
quantising (see ``quoteattr.quantize``). Training calls this on its own
training texts, so a retrained folder comes calibrated.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence

import torch

from quoteattr.inference import plan_windows
from quoteattr.inputs import Article, read_inputs
from quoteattr.modeling import ModelError, load_runtime_tagger
from quoteattr.quantize import CALIBRATION_FILE, CalibrationError, input_ranges, save_calibration
from quoteattr.tagging import tokenize_documents

from .config import CalibrateConfig, ConfigError, parse_args
from .data import model_inputs


def calibrate_folder(model_dir: str | Path, texts: Sequence[str], max_windows: int = 512) -> Path:
    """Write the calibration file of ``model_dir`` from ``texts``; returns its path."""
    if max_windows < 1:
        raise ConfigError(f"max_windows must be at least 1, got {max_windows}")
    model, tokenizer, settings = load_runtime_tagger(model_dir)
    texts = [t for t in texts if t.strip()]
    windows: list = []
    for k in range(0, len(texts), 32):  # tokenize only as many articles as the windows need
        docs = tokenize_documents(texts[k : k + 32], tokenizer)
        windows += plan_windows(tokenizer, docs, settings.max_length, settings.stride, settings.use_casing)
        if len(windows) >= max_windows:
            break
    windows = windows[:max_windows]
    if not windows:
        raise CalibrationError("no text to calibrate on: every given text is empty")
    return save_calibration(model_dir, input_ranges(model, model_inputs(windows, tokenizer.pad_token_id or 0)))


def _read_texts(path: str) -> list[str]:
    """Every article under ``path``; an unreadable one is an error naming it."""
    texts = []
    for item in read_inputs([path]):
        if not isinstance(item, Article):
            raise ConfigError(f"{item.where}: {item.reason}")
        texts.append(item.text)
    return texts


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        cfg = parse_args(argv, CalibrateConfig, "quoteattr-calibrate")
        target = Path(cfg.model_dir) / CALIBRATION_FILE
        if target.exists() and not cfg.force:
            raise ConfigError(f"{target} exists; pass --force true to replace it")
        if cfg.threads:
            torch.set_num_threads(cfg.threads)
        path = calibrate_folder(cfg.model_dir, _read_texts(cfg.texts), cfg.max_windows)
    except (ConfigError, ModelError, CalibrationError) as exc:
        print(f"quoteattr-calibrate: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
