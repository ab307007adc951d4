"""Does quote-focused reading change the answers? Focused against whole-article reading.

    python benchmarks/focus_agreement.py ../shared/data/polnear/dev
    python benchmarks/focus_agreement.py articles/ --int8 --show

Runs the pipeline twice over every ``.txt`` file of a folder (or of its
``text/`` subfolder, as in a PolNeAR split): reading each article only up to
its last quotation (the default) and reading all of it (``--full-text``).
Reports the quotes found by one reading only and, for the quotes both find,
how many get the same canonical speaker. No gold is needed, so any corpus
of the user's own can be checked. Record results in RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from articles import read_articles  # benchmarks/articles.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="folder of .txt articles (or a PolNeAR split with text/)")
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantised encoder")
    parser.add_argument("--batch-size", type=int, help="windows per forward pass (default: the pipeline's)")
    parser.add_argument("--show", action="store_true", help="print each quote whose speaker differs")
    args = parser.parse_args()

    from quoteattr.pipeline import QuoteAttributor

    folder = Path(args.folder)
    if (folder / "text").is_dir():
        folder = folder / "text"
    records = [{"id": a.doc_id, "text": a.text} for a in read_articles(folder)]
    figures: dict[str, object] = {"articles": len(records), "int8": args.int8, "batch_size": args.batch_size or "default"}
    results = {}
    for name, focus in (("full_text", False), ("focused", True)):
        options = {"batch_size": args.batch_size} if args.batch_size else {}
        qa = QuoteAttributor.from_pretrained(args.model, int8=args.int8, focus=focus, **options)
        started = time.perf_counter()
        results[name] = {r.doc_id: r for r in qa.attribute_many(records)}
        figures[f"{name}_seconds"] = round(time.perf_counter() - started, 2)
    both = same = only_full = only_focused = 0
    for record in records:
        full = {(q.start, q.end): q for q in results["full_text"][record["id"]].quotes}
        focused = {(q.start, q.end): q for q in results["focused"][record["id"]].quotes}
        only_full += len(full.keys() - focused.keys())
        only_focused += len(focused.keys() - full.keys())
        for key in full.keys() & focused.keys():
            both += 1
            if full[key].speaker == focused[key].speaker:
                same += 1
            elif args.show:
                print(f"{record['id']} {key}: full {full[key].speaker!r} / focused {focused[key].speaker!r}", file=sys.stderr)
    figures.update({
        "quotes_both": both, "quotes_full_text_only": only_full, "quotes_focused_only": only_focused,
        "same_speaker": same, "speaker_agreement": round(same / both, 4) if both else None,
    })
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
