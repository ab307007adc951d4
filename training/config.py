"""Typed training configuration read from YAML, with command-line overrides.

Every field is declared here with its type and help text; a YAML key or flag
that is not a field is an error naming it (with the closest field), so a
misspelt setting can never be silently ignored.
"""

from __future__ import annotations

import argparse
import difflib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Optional, Sequence, get_type_hints

import yaml


class ConfigError(ValueError):
    """A configuration file or flag is invalid; the message names the key."""


@dataclass
class TrainConfig:
    """Settings of one training run."""

    train_data: str = field(metadata={"help": "PolNeAR split folder (text/ + attributions/) or quoteattr gold JSONL to train on"})
    output_dir: str = field(metadata={"help": "folder for checkpoints, metrics and the final model (git-ignored)"})
    dev_data: Optional[str] = field(default=None, metadata={"help": "held-out folder or JSONL evaluated after each epoch"})
    texts_dir: Optional[str] = field(default=None, metadata={"help": "folder of DOC_ID.txt for JSONL data without a text field"})
    backbone: str = field(default="minilm", metadata={"help": "installed backbone name (minilm) or a local model folder"})
    init_model: Optional[str] = field(default=None, metadata={"help": "fine-tune an existing quoteattr model folder instead of a fresh backbone"})
    num_layers: Optional[int] = field(default=None, metadata={"help": "keep only the first N encoder layers before training (a smaller, faster tagger)"})
    intermediate_size: Optional[int] = field(default=None, metadata={"help": "keep only the N most important feed-forward units of every layer before training (training.prune)"})
    teacher_model: Optional[str] = field(default=None, metadata={"help": "quoteattr model folder whose outputs the student learns to match (distillation)"})
    distill_weight: float = field(default=0.5, metadata={"help": "with teacher_model: weight of the soft-label loss; gold labels get 1 minus it"})
    hidden_distill_weight: float = field(default=1.0, metadata={"help": "with teacher_model: weight of the last-hidden-state MSE (keeps the teacher's linker usable)"})
    hidden_distill_layers: Optional[list[int]] = field(default=None, metadata={"help": "with teacher_model: the teacher layer (1-based) each student layer's output matches, e.g. 1,2,3,4,6; default the last layers only"})
    source_loss_weight: float = field(default=1.0, metadata={"help": "with teacher_model: weight of tokens the gold or the teacher labels Source, in both label losses (1 = unweighted)"})
    distill_temperature: float = field(default=2.0, metadata={"help": "with teacher_model: softmax temperature of the soft labels"})
    freeze_embeddings: bool = field(default=False, metadata={"help": "do not train the embedding block (a student can then share the teacher's)"})
    use_casing: bool = field(default=True, metadata={"help": "feed each token's capitalisation as its token type (uncased backbones)"})
    max_length: int = field(default=256, metadata={"help": "tokens per window, [CLS] and [SEP] included"})
    stride: int = field(default=64, metadata={"help": "tokens shared by consecutive windows"})
    epochs: int = field(default=3, metadata={"help": "passes over the training data"})
    batch_size: int = field(default=16, metadata={"help": "windows per optimisation step"})
    learning_rate: float = field(default=2e-4, metadata={"help": "peak AdamW learning rate (MiniLM needs a high one)"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    warmup_ratio: float = field(default=0.06, metadata={"help": "fraction of steps with linear warm-up"})
    mark_augmentation: float = field(default=0.5, metadata={"help": "probability of restyling a document's quotation marks each epoch"})
    max_train_docs: Optional[int] = field(default=None, metadata={"help": "use only the first N training documents (quick experiments)"})
    quote_threshold: float = field(default=0.5, metadata={"help": "Content probability above which a quotation-mark pair is a quote"})
    seed: int = field(default=13, metadata={"help": "random seed for initialisation, shuffling and augmentation"})
    threads: Optional[int] = field(default=None, metadata={"help": "torch CPU threads (default: torch's choice)"})
    device: str = field(default="auto", metadata={"help": "cpu, cuda or auto"})
    resume: bool = field(default=False, metadata={"help": "continue from output_dir/last if it exists"})
    select_metric: str = field(default="quote_speaker_f1", metadata={"help": "dev metric that picks the best checkpoint"})
    save_fp16: bool = field(default=True, metadata={"help": "store the final model's weights in fp16"})


@dataclass
class LinkerConfig:
    """Settings of training the quote-to-speaker linker on top of a trained tagger."""

    model_dir: str = field(metadata={"help": "trained quoteattr tagger folder; the linker is saved into it"})
    train_data: str = field(metadata={"help": "PolNeAR split folder or quoteattr gold JSONL with mentions"})
    dev_data: Optional[str] = field(default=None, metadata={"help": "held-out data for the dev link accuracy"})
    texts_dir: Optional[str] = field(default=None, metadata={"help": "folder of DOC_ID.txt for JSONL data without a text field"})
    max_train_docs: Optional[int] = field(default=None, metadata={"help": "use only the first N training documents"})
    paragraph_window: int = field(default=2, metadata={"help": "candidate mentions come from this many paragraphs before and after"})
    inner_size: int = field(default=128, metadata={"help": "hidden units of the pair scorer"})
    epochs: int = field(default=8, metadata={"help": "passes over the training pairs"})
    learning_rate: float = field(default=1e-3, metadata={"help": "Adam learning rate of the pair scorer"})
    seed: int = field(default=13, metadata={"help": "random seed"})
    threads: Optional[int] = field(default=None, metadata={"help": "torch CPU threads"})


@dataclass
class CalibrateConfig:
    """Calibrate a model folder's int8 path: record each layer's input ranges on real text."""

    model_dir: str = field(metadata={"help": "quoteattr model folder; int8_calibration.safetensors is written into it"})
    texts: str = field(metadata={"help": "text to calibrate on: a .txt file, a folder of them (searched recursively, e.g. a PolNeAR split) or JSONL of {id, text}"})
    max_windows: int = field(default=512, metadata={"help": "read at most this many model windows (about 100 news articles)"})
    force: bool = field(default=False, metadata={"help": "replace the folder's existing calibration file"})
    threads: Optional[int] = field(default=None, metadata={"help": "torch CPU threads"})


def _field_types(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _coerce(key: str, value: Any, hint: Any) -> Any:
    base = [t for t in getattr(hint, "__args__", (hint,)) if t is not type(None)][0]
    if value is None:
        if type(None) in getattr(hint, "__args__", ()):
            return None
        raise ConfigError(f"config key {key!r} cannot be empty")
    if getattr(base, "__origin__", None) is list:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise ConfigError(f"config key {key!r} must be a list (YAML list or comma-separated), got {value!r}")
        return [_coerce(key, item.strip() if isinstance(item, str) else item, base.__args__[0]) for item in items]
    if base is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0", "yes", "no"}:
            return value.lower() in {"true", "1", "yes"}
        raise ConfigError(f"config key {key!r} must be true or false, got {value!r}")
    try:
        if base is int and isinstance(value, float) and not value.is_integer():
            raise ValueError
        return base(value)
    except (TypeError, ValueError):
        raise ConfigError(f"config key {key!r} must be {base.__name__}, got {value!r}") from None


def _check_keys(cls: type, keys: Sequence[str], where: str) -> None:
    names = [f.name for f in fields(cls)]
    for key in keys:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown config key {key!r}{hint}")


def load_config(path: Optional[str | Path], overrides: dict[str, Any], cls: type = TrainConfig) -> Any:
    """Merge a YAML file and overrides (overrides win) into a validated ``cls`` instance."""
    values: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({exc})") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of config keys")
        _check_keys(cls, list(loaded), str(path))
        values.update(loaded)
    _check_keys(cls, list(overrides), "command line")
    values.update({k: v for k, v in overrides.items() if v is not None})
    hints = _field_types(cls)
    for f in fields(cls):
        if f.name not in values and f.default is MISSING:
            raise ConfigError(f"config key {f.name!r} is required ({f.metadata['help']})")
    return cls(**{k: _coerce(k, v, hints[k]) for k, v in values.items()})


def build_arg_parser(cls: type = TrainConfig, prog: str = "quoteattr-train") -> argparse.ArgumentParser:
    """``--config FILE`` plus one ``--KEY`` flag per config field."""
    parser = argparse.ArgumentParser(prog=prog, description=(cls.__doc__ or "").strip())
    parser.add_argument("--config", help="YAML file of config keys")
    for f in fields(cls):
        parser.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=None, help=f.metadata["help"])
    return parser


def parse_args(argv: Optional[Sequence[str]] = None, cls: type = TrainConfig, prog: str = "quoteattr-train") -> Any:
    args = vars(build_arg_parser(cls, prog).parse_args(argv))
    path = args.pop("config")
    return load_config(path, args, cls)
