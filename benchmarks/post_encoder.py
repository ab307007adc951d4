"""Time everything after the encoder (decoding, linking, speaker resolution) on PolNeAR dev.

    python benchmarks/post_encoder.py --dev ../shared/data/polnear/dev [--fast] [--rounds 5]

The tagger runs once (focused reading, as shipped); then ``build_result`` runs
over every article ``--rounds`` times and the best round is printed. The
throughput benchmark measures this share too, but mixed with the encoder's
run-to-run noise; this isolates it, so a change to decoding or resolution
can be timed against the previous commit (run it from a worktree of each).
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
    parser.add_argument("--fast", action="store_true", help="the fast model's tagger output (else the default model's)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from quoteattr.gold import load_gold
    from quoteattr.inference import run_tagger
    from quoteattr.pipeline import QuoteAttributor, build_result

    texts = [d.text for d in load_gold(args.dev)]
    qa = QuoteAttributor.from_pretrained(fast=args.fast)
    s = qa.settings
    prep = qa.prepare(texts)  # the pipeline's own tokens, mark pairs and focus regions
    outs = run_tagger(qa.model, qa.tokenizer, prep.docs, s.max_length, s.stride, s.use_casing, qa.batch_size,
                      with_hidden=qa.linker is not None, regions=prep.regions)
    rounds = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for i, (text, doc, out, doc_pairs) in enumerate(zip(texts, prep.docs, outs, prep.pairs)):
            build_result(str(i), text, doc, out, s.quote_threshold, qa.linker, doc_pairs)
        rounds.append(round(time.perf_counter() - started, 3))
    print(json.dumps({"articles": len(texts), "fast": args.fast, "best_s": min(rounds), "rounds_s": rounds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
