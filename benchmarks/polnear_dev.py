"""All PolNeAR dev metrics of a model: exact span F1 per role, quotes, quote-to-speaker links.

    python benchmarks/polnear_dev.py --dev ../shared/data/polnear/dev            # shipped model
    python benchmarks/polnear_dev.py --dev ../shared/data/polnear/dev --model runs/x/model --int8

Uses the same code as the training loop's dev evaluation (training.metrics),
with the model folder's learned linker when it has one. Two readings are
reported: ``full_text`` (every paragraph tagged: the Source/Cue/Content span
figures comparable with published PolNeAR taggers) and ``quote_focused``
(each article up to its last quotation, as the shipped pipeline reads: the
product's quote and quote-speaker figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", required=True, help="PolNeAR dev folder (text/ + attributions/)")
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantised encoder")
    parser.add_argument("--no-linker", action="store_true", help="use the nearest-mention rule instead of the learned linker")
    parser.add_argument("--json", help="also write the metrics here")
    args = parser.parse_args()

    from quoteattr.gold import load_gold
    from quoteattr.pipeline import QuoteAttributor
    from training.metrics import evaluate_tagger

    qa = QuoteAttributor.from_pretrained(args.model, int8=args.int8)
    docs = load_gold(args.dev)
    started = time.perf_counter()
    linker = None if args.no_linker else qa.linker
    full = evaluate_tagger(qa.model, qa.tokenizer, docs, qa.settings, qa.batch_size, linker=linker)
    full["seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    focused = evaluate_tagger(qa.model, qa.tokenizer, docs, qa.settings, qa.batch_size, linker=linker, focus=True)
    focused["seconds"] = round(time.perf_counter() - started, 1)
    metrics = {
        "full_text": full, "quote_focused": focused,
        "linker": "nearest-mention rule" if (args.no_linker or qa.linker is None) else "learned", "int8": args.int8,
    }
    print(json.dumps(metrics, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
