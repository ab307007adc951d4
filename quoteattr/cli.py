"""The ``quoteattr`` command line: evaluate predictions or a model against gold."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

import json

from .baseline import mark_pair_quotes
from .evaluation import PredictionError, evaluate, format_report, load_predictions, write_report
from .gold import GoldError, load_gold, load_speakers
from .inference import DEFAULT_BATCH_SIZE, INT8_BATCH_SIZE
from .modeling import ModelError
from .types import DocumentResult


def _load_attributor(
    model_dir: Optional[str], batch_size: Optional[int] = None, int8: bool = False, full_text: bool = False, fast: bool = False
):
    """Load a model for a command; imports torch only when a model is asked for."""
    from .pipeline import QuoteAttributor

    if fast and model_dir is not None:
        raise CliError("--fast runs the shipped fast model; leave out --model")
    if int8 and model_dir is not None:
        from .quantize import CALIBRATION_FILE

        if not (Path(model_dir) / CALIBRATION_FILE).is_file():
            print(f"quoteattr: note: {model_dir} has no {CALIBRATION_FILE}, so --int8 quantises it uncalibrated (less accurate); "
                  f"python -m training.calibrate --model-dir {model_dir} --texts ARTICLES writes one", file=sys.stderr)
    return QuoteAttributor.from_pretrained(model_dir, batch_size=batch_size, int8=int8, focus=not full_text, fast=fast)


def _predict_with_model(
    model_dir: Optional[str], gold_docs: list, int8: bool = False, full_text: bool = False, fast: bool = False, workers: int = 1
) -> dict[str, DocumentResult]:
    attributor = _load_attributor(model_dir, int8=int8, full_text=full_text, fast=fast)
    results = attributor.attribute_many([{"id": d.doc_id, "text": d.text} for d in gold_docs], workers=workers)
    return {r.doc_id: r for r in results}


def _workers(value: str) -> int:
    """``--workers``: a positive count, or ``auto`` (one per available CPU, at most 8)."""
    if value == "auto":
        from .parallel import auto_workers

        return auto_workers()
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of processes or 'auto', got {value!r}")
    return count


def _cmd_evaluate(args: argparse.Namespace) -> int:
    gold_docs = load_gold(args.gold, args.texts)
    speakers = load_speakers(args.speakers) if args.speakers else None
    if args.predictions:
        predictions = load_predictions(args.predictions, gold_docs)
    elif args.baseline:
        predictions = {d.doc_id: mark_pair_quotes(d.text, d.doc_id) for d in gold_docs}
    else:
        predictions = _predict_with_model(args.model, gold_docs, args.int8, args.full_text, args.fast, args.workers)
    report = evaluate(gold_docs, predictions, speakers)
    print(format_report(report, args.max_errors))
    if args.output:
        write_report(report, args.output)
        print(f"\nfull report written to {args.output}")
    return 0


def _done_ids(path: Path) -> set[str]:
    """doc_ids already written to a JSONL output (for --resume); a torn last line is ignored."""
    done: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                done.add(str(json.loads(line)["doc_id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return done


def _trim_torn_line(path: Path) -> bool:
    """Cut a last line that a killed run left unfinished, so appended records start on a
    line of their own; True when something was cut. Complete lines are never touched."""
    with open(path, "rb+") as fh:
        end = fh.seek(0, os.SEEK_END)
        if end == 0:
            return False
        fh.seek(end - 1)
        if fh.read(1) == b"\n":
            return False
        pos = end  # scan back block by block: the output may be gigabytes
        while pos > 0:
            start = max(0, pos - 65536)
            fh.seek(start)
            newline = fh.read(pos - start).rfind(b"\n")
            if newline >= 0:
                fh.truncate(start + newline + 1)
                return True
            pos = start
        fh.truncate(0)  # a single unfinished line: nothing finished to keep
        return True


def _show(result: DocumentResult) -> None:
    for q in result.quotes:
        snippet = q.text if len(q.text) <= 90 else q.text[:87] + "..."
        print(f"{result.doc_id}\t{q.speaker or '(unknown)'}\t\u201c{snippet}\u201d")


def _cmd_attribute(args: argparse.Namespace) -> int:
    from tqdm.auto import tqdm

    from .inputs import Article, read_inputs
    from .outputs import atomic_write, to_csv, to_html
    out = Path(args.output) if args.output else None
    fmt = args.format or (out.suffix.lstrip(".").lower() if out and out.suffix.lstrip(".").lower() in ("jsonl", "csv", "html") else "jsonl")
    if out is None and fmt == "html":
        raise CliError("--format html needs an output file (-o report.html)")
    if args.resume and fmt != "jsonl":
        raise CliError("--resume works with JSONL output only")
    if out is not None and out.exists() and not (args.force or args.resume):
        raise CliError(f"{out} already exists; use --force to overwrite it or --resume to continue it")
    done: set[str] = set()
    if args.resume and out is not None and out.exists():
        if _trim_torn_line(out):
            print(f"quoteattr: {out}: removed an unfinished last line left by an interrupted run", file=sys.stderr)
        done = _done_ids(out)
    attributor = _load_attributor(args.model, args.batch_size, args.int8, args.full_text, args.fast)
    problems: list[str] = []
    texts: dict[str, str] = {}

    def articles():
        for item in read_inputs(args.paths):
            if isinstance(item, Article):
                if item.doc_id in done:
                    continue
                if fmt == "html":
                    texts[item.doc_id] = item.text
                yield {"id": item.doc_id, "text": item.text}
            else:
                problems.append(f"{item.where}: {item.reason}")
                print(f"quoteattr: skipped {item.where}: {item.reason}", file=sys.stderr)

    results = tqdm(attributor.attribute_many(articles(), workers=args.workers), desc="attributing", unit="doc", file=sys.stderr, disable=None)
    n_docs = n_quotes = 0
    kept: list[DocumentResult] = []
    sink = None
    if fmt == "jsonl":
        sink = open(out, "a" if args.resume else "w", encoding="utf-8") if out is not None else sys.stdout
    interrupted = False
    try:
        for result in results:
            n_docs += 1
            n_quotes += len(result.quotes)
            if args.show:
                _show(result)
            if sink is not None:
                sink.write(result.to_json() + "\n")
                sink.flush()
            else:
                kept.append(result)
    except KeyboardInterrupt:
        if fmt != "jsonl" or out is None:
            raise
        interrupted = True  # every finished document is already in the file: say how to continue
    finally:
        if sink is not None and sink is not sys.stdout:
            sink.close()
    if interrupted:
        print(f"quoteattr: interrupted after {n_docs} documents; {out} holds them, "
              "run the same command with --resume to continue", file=sys.stderr)
        return 130
    if fmt == "csv":
        content = to_csv(kept)
        atomic_write(out, content) if out is not None else sys.stdout.write(content)
    elif fmt == "html":
        atomic_write(out, to_html(kept, texts))
    skipped = f", {len(problems)} inputs skipped" if problems else ""
    resumed = f", {len(done)} already done" if done else ""
    where = f" -> {out}" if out else ""
    print(f"quoteattr: {n_docs} documents, {n_quotes} quotes{resumed}{skipped}{where}", file=sys.stderr)
    return 1 if problems else 0


class CliError(ValueError):
    """A wrong combination of command-line options."""


WORKERS_HELP = ("processes sharing the CPUs, each forked from the loaded model with its share of the threads "
                "(default: auto, one per available CPU, at most 8; 1: a single process). Output is the same either way")


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
    source.add_argument("--fast", action="store_true", help="run the shipped fast model (5-layer distilled student, int8)")
    ev.add_argument("--int8", action="store_true", help="with --model: run the dynamic int8 encoder (faster on CPUs)")
    ev.add_argument("--full-text", action="store_true", help="tag the whole article, not only up to its last quotation (slower; see quoteattr.focus)")
    ev.add_argument("--workers", type=_workers, default="auto", help=WORKERS_HELP)
    ev.add_argument("--output", "-o", help="write the full JSON report here")
    ev.add_argument("--max-errors", type=int, default=20, help="errors listed in the table (default 20)")
    ev.set_defaults(func=_cmd_evaluate)
    at = sub.add_parser("attribute", help="find quotes and speakers in articles")
    at.add_argument("paths", nargs="+", metavar="PATH", help=".txt files, folders of them, or JSONL of {\"id\", \"text\"} records")
    at.add_argument("--output", "-o", help="output file (default: JSONL on standard output)")
    at.add_argument("--format", choices=["jsonl", "csv", "html"], help="output format (default: from the output's extension, else jsonl)")
    at.add_argument("--model", help="quoteattr model folder (default: the shipped model)")
    at.add_argument("--batch-size", type=int, help=f"windows per forward pass (default {DEFAULT_BATCH_SIZE}; {INT8_BATCH_SIZE} with --int8)")
    at.add_argument("--int8", action="store_true", help="dynamic int8 encoder: faster on CPUs, accuracy change in RESULTS.md")
    at.add_argument("--fast", action="store_true", help="the shipped 5-layer distilled student in int8: fastest, accuracy in RESULTS.md")
    at.add_argument("--full-text", action="store_true", help="tag the whole article, not only up to its last quotation (slower; see quoteattr.focus)")
    at.add_argument("--workers", type=_workers, default="auto", help=WORKERS_HELP)
    at.add_argument("--show", action="store_true", help="also print each quote with its speaker")
    at.add_argument("--force", action="store_true", help="overwrite an existing output file")
    at.add_argument("--resume", action="store_true", help="append to an existing JSONL output, skipping documents already in it")
    at.set_defaults(func=_cmd_attribute)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "model", None) == "":
        args.model = None
    try:
        return int(args.func(args))
    except BrokenPipeError:  # output piped into head & co.: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (GoldError, PredictionError, CliError, ModelError) as exc:
        print(f"quoteattr: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
