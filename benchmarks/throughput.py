"""Throughput of the whole pipeline against the bare encoder on the same windows.

    python benchmarks/throughput.py                       # seeds repeated
    python benchmarks/throughput.py --polnear ../shared/data/polnear/dev
    python benchmarks/throughput.py --generated 200 --int8
    python benchmarks/throughput.py --long-kb 1000           # one 1 MB article
    python benchmarks/throughput.py --polnear ../shared/data/polnear/dev --fast --workers 2

Reports model load time, articles/s, tokens/s, peak memory, and the bare
encoder's forward pass over the identical windows: the floor this design
can reach. Record results in RESULTS.md with the command and the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles import read_articles  # noqa: E402  (benchmarks/articles.py)

KEYS = ("input_ids", "token_type_ids", "attention_mask")


def encode_batches(encoder, batches: list) -> int:
    """The bare encoder over one task's batches (numpy arrays; run in a worker when --workers > 1)."""
    import torch

    with torch.inference_mode():
        for batch in batches:
            encoder(**{k: torch.from_numpy(v) for k, v in batch.items()})
    return len(batches)


def encoder_tasks(qa, texts: list[str], docs_per_task: int) -> tuple[list[list[dict]], int, int, int]:
    """The pipeline's own windows, chunked as the pipeline chunks documents: per task, its batches.

    Returns the tasks, the windows, the tokens the encoder reads and the corpus's tokens.
    """
    from quoteattr.inference import length_batches, plan_windows
    from quoteattr.tagging import collate

    s, tok = qa.settings, qa.tokenizer
    tasks, n_windows, n_read, n_tokens = [], 0, 0, 0
    for k in range(0, len(texts), docs_per_task):
        prep = qa.prepare(texts[k : k + docs_per_task])
        n_tokens += sum(len(d.input_ids) for d in prep.docs)
        windows = plan_windows(tok, prep.docs, s.max_length, s.stride, s.use_casing, prep.regions)
        n_windows += len(windows)
        n_read += sum(len(w.input_ids) - 2 for w in windows)
        tasks.append([{key: v for key, v in collate(batch, tok.pad_token_id or 0).items() if key in KEYS}
                      for batch in length_batches(windows, qa.batch_size)])
    return tasks, n_windows, n_read, n_tokens


def corpus(args) -> list[str]:
    if args.long_kb:
        seeds = "\n\n".join(a.text for a in read_articles(ROOT / "seeds"))
        text = seeds
        while len(text.encode("utf-8")) < args.long_kb * 1000:
            text += "\n\n" + seeds
        return [text]
    if args.polnear:
        texts = [a.text for a in read_articles(Path(args.polnear, "text"))]
    elif args.generated:
        rng = random.Random(0)
        words = "the minister said that talks would continue next week while officials warned of delays".split()
        texts = []
        for _ in range(args.generated):
            paragraphs = []
            for _ in range(12):
                sentence = " ".join(rng.choice(words) for _ in range(25))
                paragraphs.append(f'"{sentence.capitalize()}," Jane Doe said. ' + " ".join(rng.choice(words) for _ in range(30)) + ".")
            texts.append("\n\n".join(paragraphs))
    else:
        texts = [a.text for a in read_articles(ROOT / "seeds")] * args.repeat
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--polnear", help="a PolNeAR split folder: benchmark on its texts")
    parser.add_argument("--generated", type=int, help="benchmark on N generated long articles")
    parser.add_argument("--long-kb", type=int, help="benchmark on one article of about this many kB (the seeds concatenated)")
    parser.add_argument("--repeat", type=int, default=20, help="times the five seeds are repeated (default 20)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds; the fastest of each is reported (default 5)")
    parser.add_argument("--batch-size", type=int, help="windows per forward pass (default: the pipeline's, 8; 1 with --int8)")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    parser.add_argument("--int8", action="store_true", help="dynamic int8 quantised encoder")
    parser.add_argument("--fast", action="store_true", help="the shipped fast model (5-layer distilled student, int8)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes, each with its share of the CPUs (default 1: one process); "
                             "the bare encoder is then timed in as many workers over the same tasks")
    parser.add_argument("--full-text", action="store_true", help="tag the whole article, not only up to its last quotation")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()

    # Start-up as a user sees it: importing torch and quoteattr, then loading the model.
    started = time.perf_counter()
    import torch

    from quoteattr.pipeline import DOCS_PER_CHUNK, QuoteAttributor
    import_s = time.perf_counter() - started

    from quoteattr.parallel import DOCS_PER_TASK, available_cpus, ordered_map, threads_per_worker

    if args.threads:
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    qa = QuoteAttributor.from_pretrained(args.model, batch_size=args.batch_size, int8=args.int8, focus=not args.full_text,
                                         fast=args.fast)
    load_s = time.perf_counter() - started
    texts = corpus(args)

    qa.attribute(texts[0])  # warm-up
    docs_per_task = DOCS_PER_TASK if args.workers > 1 else DOCS_PER_CHUNK  # as QuoteAttributor.attribute_many chunks them
    tasks, n_windows, n_read, n_tokens = encoder_tasks(qa, texts, docs_per_task)
    encoder = qa.model.base_model

    # Shared machines are noisy: alternate the two measurements and keep each one's fastest round.
    pipeline_times, encoder_times = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        n_quotes = sum(len(r.quotes) for r in qa.attribute_many(texts, workers=args.workers))
        pipeline_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        if args.workers > 1:
            sum(ordered_map(encode_batches, encoder, tasks, args.workers))
        else:
            for task in tasks:
                encode_batches(encoder, task)
        encoder_times.append(time.perf_counter() - started)
    pipeline_s, encoder_s = min(pipeline_times), min(encoder_times)

    figures = {
        "machine": f"{platform.machine()}, {available_cpus()} CPUs, {platform.processor() or platform.platform()}",
        "articles": len(texts), "tokens": n_tokens, "windows": n_windows, "quotes": n_quotes,
        "workers": args.workers, "threads_per_process": torch.get_num_threads() if args.workers == 1 else threads_per_worker(args.workers),
        "int8": args.int8 or args.fast, "fast": args.fast,
        "focus": qa.focus, "batch_size": qa.batch_size, "tokens_read": n_read,
        "import_s": round(import_s, 3), "model_load_s": round(load_s, 3), "startup_s": round(import_s + load_s, 3),
        "pipeline_s": round(pipeline_s, 3), "pipeline_articles_per_s": round(len(texts) / pipeline_s, 2),
        "pipeline_tokens_per_s": round(n_tokens / pipeline_s, 1),
        "encoder_s": round(encoder_s, 3), "encoder_articles_per_s": round(len(texts) / encoder_s, 2),
        "pipeline_over_encoder": round(pipeline_s / encoder_s, 3),
        # Each round times the pipeline and then the encoder back to back; the median of
        # these paired ratios is less sensitive to the machine's load drifting between rounds.
        "pipeline_over_encoder_paired_median": round(statistics.median(p / e for p, e in zip(pipeline_times, encoder_times)), 3),
        "rounds": args.rounds,
        "pipeline_rounds_s": [round(t, 2) for t in pipeline_times], "encoder_rounds_s": [round(t, 2) for t in encoder_times],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # The largest worker's peak; forked workers share the model's pages with the parent,
        # so parent + workers x this overstates the memory really used.
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1) if args.workers > 1 else None,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
