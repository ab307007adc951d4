"""Sweep the Source-recovery floor (``quoteattr.decoding.RECOVER_MIN``) on PolNeAR dev and the seeds.

    python benchmarks/recovery_floor.py --dev ../shared/data/polnear/dev --paths fp32,int8,fast --floors 0.1,0.05,0.03

For each path (default model fp32, ``int8``, the ``fast`` student) the tagger
runs once over dev (focused reading, as shipped) and over the seeds; only
decoding is repeated per floor. Prints one JSON line per (path, floor):
dev quote F1, quote-to-speaker-mention F1, Source span F1, exact mentions,
and seeds attribution F1. Recovery gives a Cue without a Source, in a
sentence holding a quote, its likeliest Source word; the floor is the
lowest B-SOURCE probability it may start with.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", required=True, help="PolNeAR dev folder (text/ + attributions/)")
    parser.add_argument("--paths", default="fp32,int8,fast", help="comma-separated: fp32, int8, fast")
    parser.add_argument("--floors", default="0.1,0.05,0.03", help="comma-separated RECOVER_MIN values")
    args = parser.parse_args()

    import quoteattr.decoding as decoding
    import quoteattr.pipeline as pipeline
    import training.metrics as metrics
    from quoteattr.evaluation import evaluate
    from quoteattr.gold import load_gold, load_speakers
    from quoteattr.pipeline import QuoteAttributor

    # The tagger's output does not depend on the floor: run it once per path and input set.
    cache: dict[tuple, object] = {}
    run_tagger = metrics.run_tagger

    def cached(model, tokenizer, docs, *rest, **kw):
        key = (id(model), tuple(len(d.input_ids) for d in docs), kw.get("regions") is not None)
        if key not in cache:
            cache[key] = run_tagger(model, tokenizer, docs, *rest, **kw)
        return cache[key]

    metrics.run_tagger = pipeline.run_tagger = cached
    dev = load_gold(args.dev)
    seeds = load_gold(ROOT / "seeds" / "gold.jsonl")
    speakers = load_speakers(ROOT / "seeds" / "speakers.json")
    original = decoding.RECOVER_MIN
    try:
        for path in args.paths.split(","):
            qa = QuoteAttributor.from_pretrained(int8=path == "int8", fast=path == "fast")
            for floor in (float(f) for f in args.floors.split(",")):
                decoding.RECOVER_MIN = floor
                m = metrics.evaluate_tagger(qa.model, qa.tokenizer, dev, qa.settings, qa.batch_size, linker=qa.linker, focus=True)
                seeds_report = evaluate(seeds, {r.doc_id: r for r in qa.attribute_many({"id": d.doc_id, "text": d.text} for d in seeds)}, speakers)
                row = {"path": path, "floor": floor}
                row.update({k: round(m[k], 4) for k in ("quote_f1", "quote_speaker_f1", "source_f1", "mention_accuracy_exact")})
                row["seeds_attribution_f1"] = seeds_report["attribution"]["f1"]
                print(json.dumps(row), flush=True)
    finally:
        decoding.RECOVER_MIN = original
    return 0


if __name__ == "__main__":
    sys.exit(main())
