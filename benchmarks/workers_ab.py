"""One process against worker processes, alternating, on the same corpus: the paired speed-up.

    python benchmarks/workers_ab.py --polnear ../shared/data/polnear/dev --paths fast int8 fp32 --pairs 3

Each pair times ``attribute_many(texts, workers=1)`` and then ``workers=N``
back to back, so a host whose speed drifts affects both alike; the median
of the per-pair ratios is the figure to quote. Also checks that both give
identical results.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles import read_articles  # noqa: E402  (benchmarks/articles.py)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", help="a PolNeAR split folder (default: the seeds repeated 20 times)")
    parser.add_argument("--paths", nargs="+", choices=["fast", "int8", "fp32"], default=["fast"], help="inference paths to compare")
    parser.add_argument("--workers", type=int, default=2, help="worker processes against one process (default 2)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs per path (default 3)")
    args = parser.parse_args()

    from quoteattr.pipeline import QuoteAttributor

    texts = [a.text for a in read_articles(Path(args.polnear, "text"))] if args.polnear else \
        [a.text for a in read_articles(ROOT / "seeds")] * 20
    for path in args.paths:
        qa = QuoteAttributor.from_pretrained(fast=True) if path == "fast" else QuoteAttributor.from_pretrained(int8=path == "int8")
        qa.attribute(texts[0])  # warm-up
        rates: dict[int, list[float]] = {1: [], args.workers: []}
        outputs: dict[int, list[str]] = {}
        for _ in range(args.pairs):
            for workers in rates:
                started = time.perf_counter()
                outputs[workers] = [r.to_json() for r in qa.attribute_many(texts, workers=workers)]
                rates[workers].append(len(texts) / (time.perf_counter() - started))
        ratios = [b / a for a, b in zip(rates[1], rates[args.workers])]
        print(json.dumps({
            "path": path, "articles": len(texts), "workers": args.workers,
            "one_process_articles_per_s": [round(r, 2) for r in rates[1]],
            "workers_articles_per_s": [round(r, 2) for r in rates[args.workers]],
            "paired_gain_median": round(statistics.median(ratios), 3),
            "identical_results": outputs[1] == outputs[args.workers],
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
