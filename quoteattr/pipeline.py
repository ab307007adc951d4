"""``QuoteAttributor``: the one-call API from raw article text to quotes and speakers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Optional, Sequence, Union

from .focus import focus_regions
from .decoding import decode_document, tidy_output, to_quotes
from .inference import DEFAULT_BATCH_SIZE, TaggerOutput, default_batch_size, run_tagger
from .linking import Linker
from .marks import MarkPair, find_mark_pairs
from .modeling import DEFAULT_MODEL_DIR, FAST_MODEL_DIR, TaggerSettings, load_runtime_tagger
from .quantize import load_calibration, quantize_int8
from .speakers import resolve_speakers
from .tagging import TokenizedDocument, tokenize_documents
from .types import DocumentResult

Record = Union[str, Mapping[str, Any]]
DOCS_PER_CHUNK = 64  # documents tagged together in one process: enough to batch windows well, little memory


class Prepared(NamedTuple):
    """A chunk of texts ready for the tagger (see ``QuoteAttributor.prepare``)."""

    docs: list[TokenizedDocument]
    pairs: list[list[MarkPair]]
    regions: Optional[list[list[tuple[int, int]]]]


def build_result(
    doc_id: str, text: str, tdoc: TokenizedDocument, out: TaggerOutput, threshold: float, linker: Optional[Linker],
    mark_pairs: Optional[Sequence[MarkPair]] = None,
) -> DocumentResult:
    """Decode, link and resolve one tagged document (the whole pipeline after the encoder)."""
    spans, linked = tidy_output(text, *decode_document(text, tdoc, out.probs, threshold, linker, out.hidden, mark_pairs))
    speaker_of, speakers = resolve_speakers(text, spans, [q.mention for q in linked if q.mention])
    return DocumentResult(doc_id, to_quotes(text, linked, speaker_of), speakers)


def _records(items: Iterable[Record]) -> Iterator[tuple[str, str]]:
    """``(doc_id, text)`` for each input item; a record without a string text is a ValueError naming it."""
    for index, item in enumerate(items):
        if isinstance(item, str):
            yield str(index), item
            continue
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError(f"record {index}: 'text' must be a string")
        yield str(item.get("id", item.get("doc_id", index))), text


def _chunks(records: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive lists of ``size`` records (the last may be shorter), read lazily."""
    chunk: list[tuple[str, str]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class QuoteAttributor:
    """Tag, detect, link and resolve quotes with a quoteattr model.

    >>> qa = QuoteAttributor.from_pretrained()          # the shipped model
    >>> result = qa.attribute('"We agree," the minister said.')
    """

    def __init__(
        self, model: Any, tokenizer: Any, settings: TaggerSettings, batch_size: int = DEFAULT_BATCH_SIZE, linker: Optional[Linker] = None,
        focus: bool = True,
    ) -> None:
        self.model = model
        self.focus = focus
        self.tokenizer = tokenizer
        self.settings = settings
        self.batch_size = batch_size
        self.linker = linker

    @classmethod
    def from_pretrained(
        cls, path: Optional[Union[str, Path]] = None, batch_size: Optional[int] = None, int8: bool = False, focus: bool = True,
        fast: bool = False,
    ) -> "QuoteAttributor":
        """Load a model folder; with no path, the default model shipped inside the package.

        ``int8=True`` quantises the encoder's linear layers dynamically to int8
        (faster on CPUs; its accuracy change is reported in RESULTS.md); it
        then reads one window per forward pass unless ``batch_size`` says
        otherwise, so that results do not depend on what is batched together.
        ``focus=False`` makes the tagger read the whole article instead of
        stopping after its last quotation (see ``quoteattr.focus``): slower,
        and on PolNeAR dev the same quotes, 99.4% of them with the same speaker.
        ``fast=True`` loads the shipped 5-layer student distilled from the
        default model, in int8: the quickest path (figures in RESULTS.md).
        """
        if fast:
            if path is not None:
                raise ValueError("fast=True selects the shipped fast model; pass either a path or fast=True")
            path, int8 = FAST_MODEL_DIR, True
        model, tokenizer, settings = load_runtime_tagger(path)
        if int8:  # smoothed by the folder's calibration when it has one (see quoteattr.quantize)
            model = quantize_int8(model, load_calibration(path if path is not None else DEFAULT_MODEL_DIR))
        linker = Linker.load(path if path is not None else DEFAULT_MODEL_DIR)
        return cls(model, tokenizer, settings, batch_size or default_batch_size(int8), linker, focus)

    def attribute(self, text: str, doc_id: Optional[str] = None) -> DocumentResult:
        """Quotes of one article; offsets index ``text`` exactly as given."""
        return next(iter(self.attribute_many([{"id": doc_id or "", "text": text}])))

    def attribute_many(
        self, items: Iterable[Record], batch_size: Optional[int] = None, docs_per_chunk: int = DOCS_PER_CHUNK, workers: int = 1,
    ) -> Iterator[DocumentResult]:
        """Stream results for many articles, batching windows across documents.

        ``items`` are strings (doc_id is their index) or ``{"id", "text"}``
        mappings. Documents are processed ``docs_per_chunk`` at a time so a
        large corpus never sits in memory at once. ``workers`` > 1 runs that
        many processes, each with its share of the CPUs' threads and tasks of
        a few documents (see ``quoteattr.parallel``); results still come in
        input order and equal one process's. Where processes are spawned
        rather than forked (macOS, Windows), call it under
        ``if __name__ == "__main__":``.
        """
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        size = batch_size or self.batch_size
        if workers == 1:
            for chunk in _chunks(_records(items), docs_per_chunk):
                yield from self._run(chunk, size)
            return
        from .parallel import DOCS_PER_TASK, attribute_in_workers

        yield from attribute_in_workers(self, _chunks(_records(items), DOCS_PER_TASK), workers, size)

    def prepare(self, texts: Sequence[str]) -> "Prepared":
        """Everything the tagger needs besides the model, per text: tokens, quotation-mark
        pairs and the token ranges read (``None``: all). Public so that benchmarks
        time exactly the pipeline's windows."""
        tdocs = tokenize_documents(list(texts), self.tokenizer)
        pairs = [find_mark_pairs(text) for text in texts]  # found once: for focus and for decoding
        regions = [focus_regions(text, tdoc, p) for text, tdoc, p in zip(texts, tdocs, pairs)] if self.focus else None
        return Prepared(tdocs, pairs, regions)

    def _run(self, chunk: list[tuple[str, str]], batch_size: int) -> Iterator[DocumentResult]:
        s = self.settings
        prep = self.prepare([text for _, text in chunk])
        outs = run_tagger(self.model, self.tokenizer, prep.docs, s.max_length, s.stride, s.use_casing, batch_size,
                          with_hidden=self.linker is not None, regions=prep.regions)
        for (doc_id, text), tdoc, out, p in zip(chunk, prep.docs, outs, prep.pairs):
            yield build_result(doc_id, text, tdoc, out, s.quote_threshold, self.linker, p)
