"""Run the tagger over many documents: windows batched across documents, sorted by length.

Shared by the pipeline and by evaluation during training, so both see
exactly the same predictions.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

from .tagging import TokenizedDocument, Window, make_windows, merge_window_probs


def _batches(windows: Sequence[Window], batch_size: int) -> Iterable[list[Window]]:
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    for k in range(0, len(order), batch_size):
        yield [windows[i] for i in order[k : k + batch_size]]


def predict_probs(
    model: Any,
    tokenizer: Any,
    docs: Sequence[TokenizedDocument],
    max_length: int,
    stride: int,
    use_casing: bool,
    batch_size: int = 32,
) -> list[np.ndarray]:
    """Per-token label probabilities for each document."""
    import torch

    windows: list[Window] = []
    for i, doc in enumerate(docs):
        windows.extend(make_windows(doc, i, tokenizer.cls_token_id, tokenizer.sep_token_id, max_length, stride, use_casing))
    outputs: dict[int, np.ndarray] = {}
    index = {id(w): k for k, w in enumerate(windows)}
    device = next(model.parameters()).device
    pad = tokenizer.pad_token_id or 0
    with torch.inference_mode():
        for batch in _batches(windows, batch_size):
            width = max(len(w.input_ids) for w in batch)
            ids = np.full((len(batch), width), pad, dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for r, w in enumerate(batch):
                ids[r, : len(w.input_ids)] = w.input_ids
                types[r, : len(w.input_ids)] = w.token_type_ids
                mask[r, : len(w.input_ids)] = 1
            logits = model(
                input_ids=torch.from_numpy(ids).to(device),
                token_type_ids=torch.from_numpy(types).to(device),
                attention_mask=torch.from_numpy(mask).to(device),
            ).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for r, w in enumerate(batch):
                outputs[index[id(w)]] = probs[r, : len(w.input_ids)]
    per_doc: list[list[int]] = [[] for _ in docs]
    for k, w in enumerate(windows):
        per_doc[w.doc_index].append(k)
    return [
        merge_window_probs(len(doc.input_ids), [windows[k] for k in ks], [outputs[k] for k in ks])
        for doc, ks in zip(docs, per_doc)
    ]
