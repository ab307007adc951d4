"""Score predicted quotes and speakers against gold spans.

Quotes are matched one-to-one (optimal assignment) either exactly (same
offsets) or leniently (character Jaccard >= 0.5 after trimming marks, spaces
and edge punctuation). Attribution is right when the quote is matched and the
speaker is right: the canonical name by the alias rules when the gold has
speaker ids, else the speaker mention (PolNeAR has no canonical ids).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .gold import GoldDocument, GoldQuote, SpeakerEntry
from .marks import QUOTE_MARKS
from .names import matches_speaker, normalise
from .types import DocumentResult, Quote, RecordError, Span

LENIENT_THRESHOLD = 0.5
_EDGE = set(QUOTE_MARKS) | set(" \t\r\n.,;:!?-\u2014\u2013\u2026")


class PredictionError(ValueError):
    """A prediction file is malformed; the message names the file and line."""


@dataclass
class PRF:
    """Precision, recall and F1 from counts."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.n_pred,
            "gold": self.n_gold,
        }


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` without edge marks, spaces and punctuation."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def char_jaccard(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character-offset Jaccard of two spans after trimming each."""
    a0, a1 = trimmed(text, *a)
    b0, b1 = trimmed(text, *b)
    inter = max(0, min(a1, b1) - max(a0, b0))
    union = (a1 - a0) + (b1 - b0) - inter
    return inter / union if union > 0 else float(a == b)


def _overlaps(a: Optional[Span], b: Optional[Span]) -> bool:
    return a is not None and b is not None and min(a.end, b.end) > max(a.start, b.start)


def match_quotes(
    text: str, gold: Sequence[GoldQuote], pred: Sequence[Quote], lenient: bool
) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) matches."""
    if not gold or not pred:
        return []
    if not lenient:
        by_offsets = {(q.start, q.end): j for j, q in enumerate(pred)}
        return [(i, by_offsets[(g.start, g.end)]) for i, g in enumerate(gold) if (g.start, g.end) in by_offsets]
    scores = np.array([[char_jaccard(text, (g.start, g.end), (p.start, p.end)) for p in pred] for g in gold])
    rows, cols = linear_sum_assignment(-scores)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if scores[i, j] >= LENIENT_THRESHOLD]


class Scorer:
    """Judges whether a predicted quote names the gold quote's speaker."""

    def __init__(self, speakers: Optional[Mapping[str, SpeakerEntry]] = None) -> None:
        self.speakers = dict(speakers or {})

    def canonical(self, gold: GoldQuote) -> bool:
        """Whether this gold quote is scored by canonical name (else by mention)."""
        return bool(gold.speakers)

    def speaker_correct(self, gold: GoldQuote, pred: Quote) -> bool:
        if self.canonical(gold):
            for sid in gold.speakers:
                entry = self.speakers.get(sid)
                if entry is not None and matches_speaker(pred.speaker, entry):
                    return True
                if entry is None and pred.speaker and normalise(pred.speaker) == normalise(sid):
                    return True
            return False
        if gold.mention is None:
            return pred.mention is None
        return _overlaps(gold.mention, pred.mention)

    def gold_speaker_label(self, gold: GoldQuote) -> Optional[str]:
        if gold.speakers:
            entry = self.speakers.get(gold.speakers[0])
            return entry.name if entry else gold.speakers[0]
        return gold.mention.text if gold.mention else None


def _ratio(num: int, den: int) -> Optional[float]:
    return round(num / den, 4) if den else None


def evaluate(
    gold_docs: Sequence[GoldDocument],
    predictions: Mapping[str, DocumentResult],
    speakers: Optional[Mapping[str, SpeakerEntry]] = None,
) -> dict[str, Any]:
    """Score predictions (by doc_id) against gold documents; returns a JSON-ready report."""
    scorer = Scorer(speakers)
    exact, lenient, attribution = PRF(), PRF(), PRF()
    mention_n = mention_exact = mention_overlap = 0
    speaker_n = speaker_ok = 0
    by_kind: dict[str, dict[str, int]] = {}
    per_document: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    missing_docs = [d.doc_id for d in gold_docs if d.doc_id not in predictions]
    for doc in gold_docs:
        pred = list(predictions.get(doc.doc_id, DocumentResult(doc.doc_id)).quotes)
        gold = doc.quotes
        n_exact = len(match_quotes(doc.text, gold, pred, lenient=False))
        matches = match_quotes(doc.text, gold, pred, lenient=True)
        exact.add(PRF(n_exact, len(pred), len(gold)))
        doc_quotes = PRF(len(matches), len(pred), len(gold))
        lenient.add(doc_quotes)
        doc_attr = PRF(0, len(pred), len(gold))
        matched_gold = {i for i, _ in matches}
        matched_pred = {j for _, j in matches}
        for i, g in enumerate(gold):
            kind = by_kind.setdefault(g.kind or "unlabelled", {"gold": 0, "found": 0, "attributed": 0})
            kind["gold"] += 1
            kind["found"] += i in matched_gold
        for i, j in matches:
            g, p = gold[i], pred[j]
            if g.mention is not None:
                mention_n += 1
                mention_exact += p.mention is not None and (p.mention.start, p.mention.end) == (g.mention.start, g.mention.end)
                mention_overlap += _overlaps(g.mention, p.mention)
            ok = scorer.speaker_correct(g, p)
            speaker_n += 1
            speaker_ok += ok
            if ok:
                doc_attr.tp += 1
                by_kind[g.kind or "unlabelled"]["attributed"] += 1
            else:
                errors.append({
                    "type": "wrong_speaker", "doc_id": doc.doc_id, "start": g.start, "end": g.end,
                    "text": g.text, "gold_speaker": scorer.gold_speaker_label(g),
                    "gold_mention": g.mention.text if g.mention else None,
                    "predicted_speaker": p.speaker, "predicted_mention": p.mention.text if p.mention else None,
                })
        for i, g in enumerate(gold):
            if i not in matched_gold:
                errors.append({
                    "type": "missed", "doc_id": doc.doc_id, "start": g.start, "end": g.end, "text": g.text,
                    "gold_speaker": scorer.gold_speaker_label(g),
                })
        for j, p in enumerate(pred):
            if j not in matched_pred:
                errors.append({
                    "type": "spurious", "doc_id": doc.doc_id, "start": p.start, "end": p.end, "text": p.text,
                    "predicted_speaker": p.speaker,
                })
        attribution.add(doc_attr)
        per_document[doc.doc_id] = {"quotes": doc_quotes.to_dict(), "attribution": doc_attr.to_dict()}
    canonical = any(scorer.canonical(q) for d in gold_docs for q in d.quotes)
    order = {"missed": 0, "spurious": 1, "wrong_speaker": 2}
    errors.sort(key=lambda e: (order[e["type"]], e["doc_id"], e["start"]))
    return {
        "documents": len(gold_docs),
        "documents_without_predictions": missing_docs,
        "gold_quotes": lenient.n_gold,
        "predicted_quotes": lenient.n_pred,
        "quotes": {"exact": exact.to_dict(), "lenient": lenient.to_dict()},
        "mention_accuracy": {"exact": _ratio(mention_exact, mention_n), "overlap": _ratio(mention_overlap, mention_n), "n": mention_n},
        "speaker_accuracy": {"value": _ratio(speaker_ok, speaker_n), "n": speaker_n, "level": "canonical" if canonical else "mention"},
        "attribution": attribution.to_dict(),
        "by_kind": {
            k: {"gold": v["gold"], "found_recall": _ratio(v["found"], v["gold"]), "attribution_recall": _ratio(v["attributed"], v["gold"])}
            for k, v in sorted(by_kind.items())
        },
        "per_document": per_document,
        "errors": errors,
    }


def load_predictions(path: str | Path, gold_docs: Sequence[GoldDocument]) -> dict[str, DocumentResult]:
    """Read a JSONL prediction file, checking every record against the gold texts."""
    path = Path(path)
    texts = {d.doc_id: d.text for d in gold_docs}
    results: dict[str, DocumentResult] = {}
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        raise PredictionError(f"{path}: prediction file not found") from None
    except UnicodeDecodeError as exc:
        raise PredictionError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            result = DocumentResult.from_json(line, where)
        except RecordError as exc:
            raise PredictionError(str(exc)) from None
        if result.doc_id not in texts:
            raise PredictionError(f"{where}: unknown doc_id {result.doc_id!r} (not in the gold)")
        if result.doc_id in results:
            raise PredictionError(f"{where}: doc_id {result.doc_id!r} appears twice")
        text = texts[result.doc_id]
        for i, q in enumerate(result.quotes):
            spans = [("quote", Span(q.start, q.end, q.text)), ("mention", q.mention), ("cue", q.cue)]
            for name, span in spans:
                if span is None:
                    continue
                if span.end > len(text):
                    raise PredictionError(
                        f"{where}: quotes[{i}] {name} offsets {span.start}-{span.end} lie past the end of "
                        f"document {result.doc_id!r} ({len(text)} characters)"
                    )
                if text[span.start : span.end] != span.text:
                    raise PredictionError(
                        f"{where}: quotes[{i}] {name} text {span.text!r} does not match the document at "
                        f"{span.start}-{span.end} ({text[span.start:span.end]!r})"
                    )
        results[result.doc_id] = result
    return results


def _pct(value: Optional[float]) -> str:
    return "   -  " if value is None else f"{100 * value:6.1f}"


def format_report(report: Mapping[str, Any], max_errors: int = 20) -> str:
    """A human-readable table of the main figures and the first errors."""
    lines = [f"documents {report['documents']}   gold quotes {report['gold_quotes']}   predicted {report['predicted_quotes']}", ""]
    lines.append(f"{'':34}{'P':>7}{'R':>7}{'F1':>7}")
    for label, prf in (
        ("quotes (exact)", report["quotes"]["exact"]),
        ("quotes (lenient)", report["quotes"]["lenient"]),
        (f"attribution ({report['speaker_accuracy']['level']} speaker)", report["attribution"]),
    ):
        lines.append(f"{label:34}{_pct(prf['precision'])} {_pct(prf['recall'])} {_pct(prf['f1'])}")
    m, s = report["mention_accuracy"], report["speaker_accuracy"]
    lines.append("")
    lines.append(f"speaker-mention accuracy  exact {_pct(m['exact'])}   overlap {_pct(m['overlap'])}   (n={m['n']})")
    lines.append(f"speaker accuracy ({s['level']}) {_pct(s['value'])}   (n={s['n']}, matched quotes)")
    if report["by_kind"]:
        lines.append("")
        lines.append(f"{'by kind':20}{'gold':>6}{'found':>8}{'attrib.':>9}")
        for kind, v in report["by_kind"].items():
            lines.append(f"{kind:20}{v['gold']:6d}{_pct(v['found_recall'])}  {_pct(v['attribution_recall'])}")
    errors = report["errors"]
    if errors and max_errors > 0:
        lines.append("")
        lines.append(f"errors ({len(errors)}; first {min(len(errors), max_errors)}):")
        for e in errors[:max_errors]:
            snippet = e["text"][:60].replace("\n", " ")
            if e["type"] == "wrong_speaker":
                detail = f"gold {e['gold_speaker']!r}, predicted {e['predicted_speaker']!r} via {e['predicted_mention']!r}"
            elif e["type"] == "missed":
                detail = f"gold speaker {e['gold_speaker']!r}"
            else:
                detail = f"predicted speaker {e['predicted_speaker']!r}"
            lines.append(f"  {e['type']:13} {e['doc_id']}@{e['start']}  {snippet!r}  {detail}")
    return "\n".join(lines)


def write_report(report: Mapping[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
