"""Train a quoteattr tagger: ``python -m training.train --config configs/polnear-minilm.yaml``.

Fixed seed, dev evaluation after every epoch, the best epoch kept, resumable
from the last finished epoch. Everything is written as safetensors + JSON:
no pickle, so checkpoints cannot run code when loaded.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from quoteattr.modeling import ModelError, TaggerSettings, build_tagger, load_tagger, save_tagger
from quoteattr.tagging import LABELS, collate

from .calibrate import calibrate_folder
from .card import write_model_card
from .config import ConfigError, TrainConfig, parse_args
from .data import labelled_windows, load_documents, model_inputs
from .distill import check_layer_map, distillation_loss, freeze_embeddings, role_token_weights, weighted_cross_entropy
from .metrics import evaluate_tagger
from .prune import narrow_ffn, unit_importance

SOURCE_LABELS = (LABELS.index("B-SOURCE"), LABELS.index("I-SOURCE"))

PRUNE_WINDOWS = 256  # training windows the feed-forward units are ranked on (about 50 articles)


def truncate_layers(model: Any, n: int) -> None:
    """Keep the first ``n`` encoder layers (the lower layers carry most of what a tagger needs)."""
    layers = model.base_model.encoder.layer
    if not 0 < n <= len(layers):
        raise ConfigError(f"num_layers: {n} is not between 1 and the backbone's {len(layers)} layers")
    model.base_model.encoder.layer = layers[:n]
    model.config.num_hidden_layers = n


def _seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _device(name: str):
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _optimizer(model, cfg: TrainConfig):
    import torch

    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        (no_decay if param.ndim < 2 or "LayerNorm" in name or "bias" in name else decay).append(param)
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.learning_rate,
    )


def _lr_factor(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def _save_state(directory: Path, model, tokenizer, optimizer, state: dict[str, Any]) -> None:
    """Checkpoint for resuming: model + optimizer tensors in safetensors, counters in JSON."""
    from safetensors.torch import save_file

    save_tagger(model, tokenizer, directory)
    tensors = {}
    for index, param_state in optimizer.state_dict()["state"].items():
        for key, value in param_state.items():
            tensors[f"{index}.{key}"] = value.detach().cpu().reshape(-1) if value.ndim == 0 else value.detach().cpu().contiguous()
    save_file(tensors, str(directory / "optimizer.safetensors"))
    (directory / "trainer_state.json").write_text(json.dumps(state, indent=2), encoding="utf-8")


def _load_optimizer(directory: Path, optimizer) -> None:
    from safetensors.torch import load_file

    tensors = load_file(str(directory / "optimizer.safetensors"))
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value.reshape(()) if key == "step" else value
    full = optimizer.state_dict()
    full["state"] = state
    optimizer.load_state_dict(full)


def train(cfg: TrainConfig, log=print) -> dict[str, Any]:
    """Run training as configured; returns the final metrics record."""
    import torch
    from tqdm.auto import tqdm

    _seed_everything(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    device = _device(cfg.device)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    last_dir, best_dir = out / "last", out / "best"
    state: dict[str, Any] = {"epoch": 0, "step": 0, "best": None, "best_epoch": None, "history": []}
    resuming = cfg.resume and (last_dir / "trainer_state.json").is_file()
    settings = TaggerSettings(use_casing=cfg.use_casing, max_length=cfg.max_length, stride=cfg.stride, quote_threshold=cfg.quote_threshold)
    if resuming:
        model, tokenizer, settings = load_tagger(last_dir)
        state = json.loads((last_dir / "trainer_state.json").read_text(encoding="utf-8"))
        log(f"resuming after epoch {state['epoch']} from {last_dir}")
    elif cfg.init_model:
        model, tokenizer, loaded = load_tagger(cfg.init_model)
        settings = replace(loaded, max_length=cfg.max_length, stride=cfg.stride, quote_threshold=cfg.quote_threshold)
        model.config.quoteattr = asdict(settings)
    else:
        model, tokenizer = build_tagger(cfg.backbone, settings)
    if cfg.num_layers and not resuming:
        truncate_layers(model, cfg.num_layers)
        log(f"encoder truncated to its first {cfg.num_layers} layers")
    if cfg.freeze_embeddings:
        log(f"embeddings frozen ({freeze_embeddings(model):,} parameters)")
    teacher = None
    if cfg.teacher_model:
        teacher, teacher_tokenizer, teacher_settings = load_tagger(cfg.teacher_model)
        if teacher_tokenizer.get_vocab() != tokenizer.get_vocab() or teacher_settings.use_casing != settings.use_casing:
            raise ConfigError(f"teacher_model {cfg.teacher_model}: its tokenizer or casing differs from the student's")
        if cfg.hidden_distill_weight and teacher.config.hidden_size != model.config.hidden_size:
            raise ConfigError(
                f"hidden_distill_weight: the teacher's hidden size {teacher.config.hidden_size} differs from the student's "
                f"{model.config.hidden_size}; set it to 0"
            )
        if cfg.hidden_distill_layers is not None:
            try:
                check_layer_map(cfg.hidden_distill_layers, model.config.num_hidden_layers, teacher.config.num_hidden_layers)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        teacher.to(device).eval()
        for param in teacher.parameters():
            param.requires_grad_(False)
        log(f"distilling from {cfg.teacher_model} (soft labels {cfg.distill_weight}, hidden states {cfg.hidden_distill_weight})")
    train_docs = load_documents(cfg.train_data, cfg.texts_dir, cfg.max_train_docs)
    dev_docs = load_documents(cfg.dev_data, cfg.texts_dir) if cfg.dev_data else []
    log(f"training on {len(train_docs)} documents, evaluating on {len(dev_docs)}; device {device}")
    probe = labelled_windows(train_docs, tokenizer, settings.max_length, settings.stride, settings.use_casing)
    if cfg.intermediate_size and not resuming:
        narrow_ffn(model, cfg.intermediate_size, unit_importance(model, model_inputs(probe[:PRUNE_WINDOWS], tokenizer.pad_token_id or 0)))
        log(f"feed-forward blocks narrowed to their {cfg.intermediate_size} most important units")
    model.to(device)
    steps_per_epoch = math.ceil(len(probe) / cfg.batch_size)
    total_steps = steps_per_epoch * cfg.epochs
    warmup = int(cfg.warmup_ratio * total_steps)
    optimizer = _optimizer(model, cfg)  # frozen parameters are left out
    if resuming:
        _load_optimizer(last_dir, optimizer)
    done = state["step"]  # steps finished before a resume: the schedule continues from there
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s + done, total_steps, warmup))
    pad_id = tokenizer.pad_token_id or 0
    for epoch in range(state["epoch"] + 1, cfg.epochs + 1):
        model.train()
        rng = random.Random(cfg.seed * 1000 + epoch)
        windows = labelled_windows(train_docs, tokenizer, settings.max_length, settings.stride, settings.use_casing, cfg.mark_augmentation, rng)
        rng.shuffle(windows)
        losses: list[float] = []
        started = time.time()
        bar = tqdm(range(0, len(windows), cfg.batch_size), desc=f"epoch {epoch}/{cfg.epochs}", file=sys.stderr, mininterval=5)
        for k in bar:
            batch = {name: torch.from_numpy(v).to(device) for name, v in collate(windows[k : k + cfg.batch_size], pad_id).items()}
            if teacher is None:
                loss = model(**batch).loss
            else:
                s_out = model(**batch, output_hidden_states=True)
                with torch.no_grad():
                    t_out = teacher(**{name: v for name, v in batch.items() if name != "labels"}, output_hidden_states=True)
                weights, gold_loss = None, s_out.loss
                if cfg.source_loss_weight != 1.0:
                    weights = role_token_weights(batch["labels"], t_out.logits, SOURCE_LABELS, cfg.source_loss_weight)
                    gold_loss = weighted_cross_entropy(s_out.logits, batch["labels"], weights)
                kl, mse = distillation_loss(
                    s_out, t_out, batch["attention_mask"], cfg.distill_temperature, cfg.hidden_distill_weight,
                    cfg.hidden_distill_layers, weights,
                )
                loss = (1 - cfg.distill_weight) * gold_loss + cfg.distill_weight * kl + cfg.hidden_distill_weight * mse
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            state["step"] += 1
            losses.append(float(loss.detach()))
            bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}")
        record: dict[str, Any] = {"epoch": epoch, "train_loss": round(float(np.mean(losses)), 5), "train_seconds": round(time.time() - started, 1)}
        if dev_docs:
            started = time.time()
            record.update(evaluate_tagger(model, tokenizer, dev_docs, settings))
            record["dev_seconds"] = round(time.time() - started, 1)
        log(json.dumps(record))
        state["history"].append(record)
        state["epoch"] = epoch
        score = record.get(cfg.select_metric)
        if dev_docs and score is None:
            raise ConfigError(f"select_metric {cfg.select_metric!r} is not a dev metric; choose one of {sorted(record)}")
        if not dev_docs or state["best"] is None or score > state["best"]:
            state["best"], state["best_epoch"] = score, epoch
            save_tagger(model, tokenizer, best_dir)
        _save_state(last_dir, model, tokenizer, optimizer, state)
    final_dir = out / "model"
    best_model, best_tokenizer, _ = load_tagger(best_dir)
    save_tagger(best_model, best_tokenizer, final_dir, fp16=cfg.save_fp16)
    best_record = next((r for r in state["history"] if r["epoch"] == state["best_epoch"]), {})
    metrics = {"config": asdict(cfg), "best_epoch": state["best_epoch"], "dev": best_record, "history": state["history"]}
    (final_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    write_model_card(final_dir, cfg, metrics, len(train_docs), len(dev_docs))
    calibrate_folder(final_dir, [d.text for d in train_docs])  # so --int8 on this folder is smoothed (quoteattr.quantize)
    log(f"best epoch {state['best_epoch']} ({cfg.select_metric}={state['best']}); model saved to {final_dir}")
    return metrics


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        cfg = parse_args(argv)
        train(cfg)
    except (ConfigError, ModelError, ValueError) as exc:
        print(f"quoteattr-train: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
