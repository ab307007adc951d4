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
