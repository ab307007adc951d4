"""The ``quoteattr`` command line: evaluate predictions or a model against gold."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional, Sequence

from .baseline import mark_pair_quotes
from .evaluation import PredictionError, evaluate, format_report, load_predictions, write_report
from .gold import GoldError, load_gold, load_speakers
from .types import DocumentResult


def _predict_with_model(model_dir: Optional[str], gold_docs: list) -> dict[str, DocumentResult]:
    from .pipeline import QuoteAttributor  # imports torch: only when a model is asked for

    attributor = QuoteAttributor.from_pretrained(model_dir)
    results = attributor.attribute_many([{"id": d.doc_id, "text": d.text} for d in gold_docs])
    return {r.doc_id: r for r in results}


def _cmd_evaluate(args: argparse.Namespace) -> int:
    gold_docs = load_gold(args.gold, args.texts)
    speakers = load_speakers(args.speakers) if args.speakers else None
    if args.predictions:
        predictions = load_predictions(args.predictions, gold_docs)
    elif args.baseline:
        predictions = {d.doc_id: mark_pair_quotes(d.text, d.doc_id) for d in gold_docs}
    else:
        predictions = _predict_with_model(args.model, gold_docs)
    report = evaluate(gold_docs, predictions, speakers)
    print(format_report(report, args.max_errors))
    if args.output:
        write_report(report, args.output)
        print(f"\nfull report written to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quoteattr", description="Find direct quotes in news text and who said them.")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="score predictions or a model against gold quotes")
    ev.add_argument("--gold", required=True, help="gold JSONL (quoteattr format) or a PolNeAR split directory")
    ev.add_argument("--texts", help="folder of DOC_ID.txt files for gold JSONL (default: the gold file's folder)")
    ev.add_argument("--speakers", help="speakers.json with canonical names and aliases")
    source = ev.add_mutually_exclusive_group(required=True)
    source.add_argument("--predictions", help="JSONL predictions following the output contract")
    source.add_argument("--model", nargs="?", const="", default=None,
                        help="a quoteattr model folder to run (no value: the shipped default model)")
    source.add_argument("--baseline", choices=["marks"], help="score the no-model baseline instead")
    ev.add_argument("--output", "-o", help="write the full JSON report here")
    ev.add_argument("--max-errors", type=int, default=20, help="errors listed in the table (default 20)")
    ev.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "model", None) == "":
        args.model = None
    try:
        return int(args.func(args))
    except (GoldError, PredictionError) as exc:
        print(f"quoteattr: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
