"""Run the tagger over many documents: windows batched across documents, sorted by length.

Shared by the pipeline and by evaluation during training, so both see
exactly the same predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from .tagging import TokenizedDocument, Window, collate, make_windows, merge_window_probs


def length_batches(windows: Sequence[Window], batch_size: int) -> Iterable[list[Window]]:
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    for k in range(0, len(order), batch_size):
        yield [windows[i] for i in order[k : k + batch_size]]


@dataclass
class TaggerOutput:
    """Per-token label probabilities and, when asked for, last-layer hidden states."""

    probs: np.ndarray  # (n_tokens, n_labels)
    hidden: Optional[np.ndarray] = None  # (n_tokens, hidden_size)


def run_tagger(
    model: Any,
    tokenizer: Any,
    docs: Sequence[TokenizedDocument],
    max_length: int,
    stride: int,
    use_casing: bool,
    batch_size: int = 32,
    with_hidden: bool = False,
) -> list[TaggerOutput]:
    """Tag every document; windows of all documents are batched together by length."""
    import torch

    windows: list[Window] = []
    for i, doc in enumerate(docs):
        windows.extend(make_windows(doc, i, tokenizer.cls_token_id, tokenizer.sep_token_id, max_length, stride, use_casing))
    probs_of: dict[int, np.ndarray] = {}
    hidden_of: dict[int, np.ndarray] = {}
    index = {id(w): k for k, w in enumerate(windows)}
    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id or 0
    with torch.inference_mode():
        for batch in length_batches(windows, batch_size):
            arrays = collate(batch, pad)
            output = model(
                **{k: torch.from_numpy(arrays[k]).to(device) for k in ("input_ids", "token_type_ids", "attention_mask")},
                output_hidden_states=with_hidden,
            )
            probs = torch.softmax(output.logits.float(), dim=-1).cpu().numpy()
            hidden = output.hidden_states[-1].float().cpu().numpy() if with_hidden else None
            for r, w in enumerate(batch):
                probs_of[index[id(w)]] = probs[r, : len(w.input_ids)]
                if hidden is not None:
                    hidden_of[index[id(w)]] = hidden[r, : len(w.input_ids)]
    per_doc: list[list[int]] = [[] for _ in docs]
    for k, w in enumerate(windows):
        per_doc[w.doc_index].append(k)
    outputs = []
    for doc, ks in zip(docs, per_doc):
        wins = [windows[k] for k in ks]
        probs = merge_window_probs(len(doc.input_ids), wins, [probs_of[k] for k in ks])
        hidden = merge_window_probs(len(doc.input_ids), wins, [hidden_of[k] for k in ks]) if with_hidden else None
        outputs.append(TaggerOutput(probs, hidden))
    return outputs
