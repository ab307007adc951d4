"""Model card (README.md) written beside every trained model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quoteattr import __version__

from .config import TrainConfig


def write_model_card(directory: Path, cfg: TrainConfig, metrics: dict[str, Any], n_train: int, n_dev: int) -> None:
    """Data, settings and dev scores of a trained model, in Markdown."""
    dev = metrics.get("dev", {})
    rows = "\n".join(f"| {k} | {v} |" for k, v in dev.items() if isinstance(v, (int, float)))
    settings = "\n".join(
        f"| {k} | {v} |" for k, v in metrics["config"].items()
        if k not in {"output_dir", "train_data", "dev_data", "texts_dir"}
    )
    text = f"""# quoteattr tagger

Token classifier (BIO over Source, Cue and Content) written by quoteattr {__version__}.
Backbone: `{cfg.backbone if not cfg.init_model else cfg.init_model}`; casing signal as token types: {cfg.use_casing}.

## Data
- trained on `{Path(cfg.train_data).name}` ({n_train} documents)
- evaluated on `{Path(cfg.dev_data).name if cfg.dev_data else '-'}` ({n_dev} documents) after each epoch;
  best epoch {metrics.get('best_epoch')} kept by `{cfg.select_metric}`.
- int8: `int8_calibration.safetensors` holds each Linear layer's input range per
  channel on the training texts; `--int8` smooths by it (quoteattr.quantize).

## Dev scores (best epoch)
| metric | value |
|---|---|
{rows}

## Settings
| key | value |
|---|---|
{settings}
"""
    (directory / "README.md").write_text(text, encoding="utf-8")


def append_linker_card(directory: Path, report: dict[str, Any]) -> None:
    """Add (or replace) the linker section of a model card."""
    card = directory / "README.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else "# quoteattr tagger\n"
    text = text.split("\n## Quote-to-speaker linker", 1)[0].rstrip("\n") + "\n"
    rows = "\n".join(f"| {h['epoch']} | {h.get('dev_link_accuracy', h.get('train_link_accuracy'))} |" for h in report["history"])
    text += f"""
## Quote-to-speaker linker
A pair scorer over the tagger's hidden states and position features, trained on
{report['train_examples']} attribution links (`linker.safetensors`, `linker.json`).
Link accuracy: the gold Source among at least two candidate mentions within
{report['config']['paragraph_window']} paragraphs ({report['dev_examples']} dev links); best kept.

| epoch | link accuracy |
|---|---|
{rows}
"""
    card.write_text(text, encoding="utf-8")
