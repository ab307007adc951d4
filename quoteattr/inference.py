"""Run the tagger over many documents: windows batched across documents, sorted by length.

Shared by the pipeline and by evaluation during training, so both see
exactly the same predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import numpy as np

from .tagging import LABELS, TokenizedDocument, Window, WindowMerger, collate, make_windows


# Windows per forward pass on CPU. Measured on 2 cores (RESULTS.md): 4-16 windows run
# ~15% faster than 32, as a small batch's activations stay in the per-core cache.
DEFAULT_BATCH_SIZE = 8
# Dynamic int8 quantisation scales each layer's input by its largest value over the
# whole batch, so a window's output would depend on the windows batched with it: the
# same article could get other speakers in another corpus. One window per pass keeps
# int8 output a function of the window alone (measured 2-9% slower than 8, RESULTS.md).
INT8_BATCH_SIZE = 1


def default_batch_size(int8: bool) -> int:
    return INT8_BATCH_SIZE if int8 else DEFAULT_BATCH_SIZE


def length_batches(windows: Sequence[Window], batch_size: int) -> Iterable[list[Window]]:
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    for k in range(0, len(order), batch_size):
        yield [windows[i] for i in order[k : k + batch_size]]


@dataclass
class TaggerOutput:
    """Per-token label probabilities and, when asked for, last-layer hidden states."""

    probs: np.ndarray  # (n_tokens, n_labels)
    hidden: Optional[np.ndarray] = None  # (n_tokens, hidden_size), float16


Regions = Sequence[tuple[int, int]]


def plan_windows(
    tokenizer: Any,
    docs: Sequence[TokenizedDocument],
    max_length: int,
    stride: int,
    use_casing: bool,
    regions: Optional[Sequence[Regions]] = None,
) -> list[Window]:
    """All model inputs for ``docs``: each document whole, or only its ``regions`` (token ranges)."""
    windows: list[Window] = []
    for i, doc in enumerate(docs):
        windows.extend(make_windows(doc, i, tokenizer.cls_token_id, tokenizer.sep_token_id, max_length, stride,
                                    use_casing, regions=None if regions is None else regions[i]))
    return windows


def run_tagger(
    model: Any,
    tokenizer: Any,
    docs: Sequence[TokenizedDocument],
    max_length: int,
    stride: int,
    use_casing: bool,
    batch_size: int = DEFAULT_BATCH_SIZE,
    with_hidden: bool = False,
    regions: Optional[Sequence[Regions]] = None,
) -> list[TaggerOutput]:
    """Tag every document; windows of all documents are batched together by length.

    With ``regions`` (token ranges per document) only those tokens are read;
    every other token is labelled O with probability 1 and has zero hidden state.
    """
    import torch

    windows = plan_windows(tokenizer, docs, max_length, stride, use_casing, regions)
    n_labels = len(LABELS)
    outside = np.zeros(n_labels, dtype=np.float32)
    outside[LABELS.index("O")] = 1.0
    prob_rows = [WindowMerger(len(doc.input_ids), n_labels, fill=outside) for doc in docs]
    hidden_size = model.config.hidden_size
    hidden_rows = [WindowMerger(len(doc.input_ids), hidden_size, np.float16) for doc in docs] if with_hidden else []
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
            # Hidden states are kept in fp16: the linker only averages them over spans.
            hidden = output.hidden_states[-1].to(torch.float16).cpu().numpy() if with_hidden else None
            for r, w in enumerate(batch):
                prob_rows[w.doc_index].add(w, probs[r])
                if hidden is not None:
                    hidden_rows[w.doc_index].add(w, hidden[r])
    return [TaggerOutput(prob_rows[i].rows, hidden_rows[i].rows if with_hidden else None) for i in range(len(docs))]
