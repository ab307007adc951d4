"""Dev-set metrics of a tagger: exact span F1 per role, token F1, quotes and quote-to-speaker links.

Span F1 is exact character-offset match, the measure of the published
PolNeAR taggers; quote and link figures come from quoteattr's own evaluator
so training reports the same numbers as ``quoteattr evaluate``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from quoteattr.brat import ROLES as BRAT_ROLES
from quoteattr.decoding import decode_document, to_quotes
from quoteattr.evaluation import PRF, evaluate
from quoteattr.gold import GoldDocument
from quoteattr.focus import focus_regions
from quoteattr.marks import find_mark_pairs
from quoteattr.inference import DEFAULT_BATCH_SIZE, run_tagger
from quoteattr.tagging import BRAT_ROLE, IGNORE, LABELS, token_labels, tokenize_documents
from quoteattr.types import DocumentResult


def evaluate_tagger(
    model: Any, tokenizer: Any, docs: Sequence[GoldDocument], settings: Any, batch_size: int = DEFAULT_BATCH_SIZE,
    linker: Any = None, focus: bool = False,
) -> dict[str, Any]:
    """All dev metrics of ``model`` on ``docs`` (a dict of floats, JSON-ready); links are learned when a linker is given.

    ``focus=True`` reads each article only up to its last quotation, as the shipped
    pipeline does: its quote figures are the product's, while its span figures
    miss the attributions after the last quotation by design.
    """
    was_training = model.training
    model.eval()
    tdocs = tokenize_documents([d.text for d in docs], tokenizer)
    pairs = [find_mark_pairs(d.text) for d in docs]  # found once: for focus and for decoding, as the pipeline does
    regions = [focus_regions(d.text, t, p) for d, t, p in zip(docs, tdocs, pairs)] if focus else None
    outs = run_tagger(model, tokenizer, tdocs, settings.max_length, settings.stride, settings.use_casing, batch_size,
                      with_hidden=linker is not None, regions=regions)
    if was_training:
        model.train()
    role_prf = {r: PRF() for r in BRAT_ROLES}
    gold_tokens: list[np.ndarray] = []
    pred_tokens: list[np.ndarray] = []
    predictions = {}
    for doc, tdoc, out, doc_pairs in zip(docs, tdocs, outs, pairs):
        p = out.probs
        spans, linked = decode_document(doc.text, tdoc, p, settings.quote_threshold, linker, out.hidden, doc_pairs)
        predictions[doc.doc_id] = DocumentResult(doc.doc_id, to_quotes(doc.text, linked))
        for role in BRAT_ROLES:
            gold = {(a, b) for label, a, b in doc.role_spans if label == role}
            pred = {(s.start, s.end) for s in spans if s.role == BRAT_ROLE[role]}
            role_prf[role].add(PRF(len(gold & pred), len(pred), len(gold)))
        labels = token_labels(tdoc, doc.role_spans)
        keep = labels != IGNORE
        gold_tokens.append(labels[keep])
        pred_tokens.append(p.argmax(axis=1)[keep])
    y_true, y_pred = np.concatenate(gold_tokens), np.concatenate(pred_tokens)
    _, _, token_f1, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=list(range(1, len(LABELS))), average="micro", zero_division=0
    )
    report = evaluate(docs, predictions)
    metrics: dict[str, Any] = {f"{r.lower()}_f1": round(role_prf[r].f1, 4) for r in BRAT_ROLES}
    metrics.update({f"{r.lower()}_precision": round(role_prf[r].precision, 4) for r in BRAT_ROLES})
    metrics.update({f"{r.lower()}_recall": round(role_prf[r].recall, 4) for r in BRAT_ROLES})
    metrics["token_f1"] = round(float(token_f1), 4)
    metrics["quote_f1"] = report["quotes"]["lenient"]["f1"]
    metrics["quote_exact_f1"] = report["quotes"]["exact"]["f1"]
    metrics["quote_precision"] = report["quotes"]["lenient"]["precision"]
    metrics["quote_recall"] = report["quotes"]["lenient"]["recall"]
    metrics["quote_speaker_f1"] = report["attribution"]["f1"]
    metrics["mention_accuracy_exact"] = report["mention_accuracy"]["exact"]
    metrics["mention_accuracy_overlap"] = report["mention_accuracy"]["overlap"]
    return metrics
