"""Train the quote-to-speaker linker on a trained tagger:
``python -m training.train_linker --config configs/polnear-linker.yaml``.

The tagger stays frozen: its hidden states are computed once per document,
and only the small pair scorer is trained, which takes minutes on a CPU. The
linker is saved into the tagger's folder (linker.safetensors + linker.json).
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from quoteattr.gold import GoldDocument
from quoteattr.inference import run_tagger
from quoteattr.linking import (
    Candidates, Cues, DocumentIndex, Linker, LinkerSettings, build_scorer, pair_features, pair_inputs,
    source_probability, span_vector,
)
from quoteattr.modeling import ModelError, load_tagger
from quoteattr.tagging import tokenize_document

from .card import append_linker_card
from .config import ConfigError, LinkerConfig, parse_args
from .data import load_documents

Example = tuple[np.ndarray, int]


def link_examples(model: Any, tokenizer: Any, settings: Any, docs: Sequence[GoldDocument], window: int, chunk: int = 32) -> list[Example]:
    """(scorer inputs for all candidates, index of the gold source) per linked span with a reachable source."""
    examples: list[Example] = []
    for k in range(0, len(docs), chunk):
        part = docs[k : k + chunk]
        tdocs = [tokenize_document(d.text, tokenizer) for d in part]
        outs = run_tagger(model, tokenizer, tdocs, settings.max_length, settings.stride, settings.use_casing, with_hidden=True)
        for doc, tdoc, out in zip(part, tdocs, outs):
            index = DocumentIndex(doc.text)
            candidates = Candidates({(a, b) for label, a, b in doc.role_spans if label == "Source"})
            cue_index = Cues(sorted({(a, b) for label, a, b in doc.role_spans if label == "Cue"}))
            starts = sorted(region[0] for region, _ in doc.links)
            for region, source in doc.links:
                if source is None:
                    continue
                cands = candidates.near(index, region, window)
                if source not in cands or len(cands) < 2:
                    continue
                qv = span_vector(tdoc, out.hidden, *region)
                mv = np.stack([span_vector(tdoc, out.hidden, *m) for m in cands])
                fv = np.stack([pair_features(index, region, m, cue_index, starts, source_probability(tdoc, out.probs, *m)) for m in cands])
                examples.append((pair_inputs(qv, mv, fv), cands.index(source)))
    return examples


def _padded(examples: Sequence[Example]) -> tuple[Any, Any, Any]:
    """A batch as (inputs [B, K, D], mask [B, K], targets [B]) padded to the most candidates."""
    import torch

    width = max(len(x) for x, _ in examples)
    dim = examples[0][0].shape[1]
    inputs = np.zeros((len(examples), width, dim), dtype=np.float32)
    mask = np.zeros((len(examples), width), dtype=bool)
    for r, (x, _) in enumerate(examples):
        inputs[r, : len(x)] = x
        mask[r, : len(x)] = True
    targets = torch.tensor([y for _, y in examples])
    return torch.from_numpy(inputs), torch.from_numpy(mask), targets


def _scores(scorer: Any, inputs: Any, mask: Any) -> Any:
    scores = scorer(inputs).squeeze(-1)
    return scores.masked_fill(~mask, float("-inf"))


def _accuracy(scorer: Any, examples: Sequence[Example], batch: int = 256) -> float:
    import torch

    scorer.eval()
    right = 0
    with torch.inference_mode():
        for k in range(0, len(examples), batch):
            inputs, mask, targets = _padded(examples[k : k + batch])
            right += int((_scores(scorer, inputs, mask).argmax(dim=1) == targets).sum())
    scorer.train()
    return right / len(examples) if examples else 0.0


def train_linker(cfg: LinkerConfig, log=print) -> dict[str, Any]:
    """Fit the pair scorer; save it beside the tagger; return dev accuracy per epoch."""
    import torch

    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    model, tokenizer, settings = load_tagger(cfg.model_dir)
    train_docs = load_documents(cfg.train_data, cfg.texts_dir, cfg.max_train_docs)
    dev_docs = load_documents(cfg.dev_data, cfg.texts_dir) if cfg.dev_data else []
    train_ex = link_examples(model, tokenizer, settings, train_docs, cfg.paragraph_window)
    dev_ex = link_examples(model, tokenizer, settings, dev_docs, cfg.paragraph_window)
    if not train_ex:
        raise ConfigError(f"{cfg.train_data}: no linkable spans (need sources among at least two candidate mentions)")
    log(f"linker: {len(train_ex)} training and {len(dev_ex)} dev examples")
    link_settings = LinkerSettings(hidden_size=model.config.hidden_size, inner_size=cfg.inner_size, paragraph_window=cfg.paragraph_window)
    scorer = build_scorer(link_settings)
    optimizer = torch.optim.Adam(scorer.parameters(), lr=cfg.learning_rate)
    rng = random.Random(cfg.seed)
    history = []
    best_state, best_acc = None, -1.0
    for epoch in range(1, cfg.epochs + 1):
        order = list(range(len(train_ex)))
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 32):
            optimizer.zero_grad(set_to_none=True)
            inputs, mask, targets = _padded([train_ex[i] for i in order[start : start + 32]])
            loss = torch.nn.functional.cross_entropy(_scores(scorer, inputs, mask), targets, reduction="sum")
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
        acc = _accuracy(scorer, dev_ex) if dev_ex else _accuracy(scorer, train_ex)
        record = {"epoch": epoch, "loss": round(total / len(train_ex), 5), "dev_link_accuracy" if dev_ex else "train_link_accuracy": round(acc, 4)}
        log(json.dumps(record))
        history.append(record)
        if acc > best_acc:
            best_acc, best_state = acc, {k: v.clone() for k, v in scorer.state_dict().items()}
    scorer.load_state_dict(best_state)
    Linker(scorer, link_settings).save(cfg.model_dir)
    report = {"config": asdict(cfg), "history": history, "best_link_accuracy": round(best_acc, 4),
              "train_examples": len(train_ex), "dev_examples": len(dev_ex)}
    (Path(cfg.model_dir) / "linker_metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    append_linker_card(Path(cfg.model_dir), report)
    log(f"linker saved to {cfg.model_dir} (best link accuracy {best_acc:.4f})")
    return report


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        cfg = parse_args(argv, LinkerConfig, "quoteattr-train-linker")
        train_linker(cfg)
    except (ConfigError, ModelError, ValueError) as exc:
        print(f"quoteattr-train-linker: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
