"""Gold data: quoteattr's labelled JSONL format, speakers files and PolNeAR as gold.

Both sources become the same ``GoldDocument`` so the evaluator and the
trainer need not know where labels came from. Every loader checks offsets
against the text and reports problems with the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .brat import BratDocument, read_brat_dir
from .marks import find_mark_pairs, outer_pairs
from .types import RecordError, Span


QUOTE_FIELDS = frozenset({"start", "end", "text", "kind", "speaker", "mention", "cue", "score"})
QUOTE_KINDS = (None, "full", "partial")


class GoldError(ValueError):
    """Gold data is malformed; the message names the file and line."""


@dataclass(frozen=True)
class GoldQuote:
    """A labelled direct quote; ``speakers`` lists accepted speaker ids, preferred first."""

    start: int
    end: int
    text: str
    kind: Optional[str] = None
    speakers: tuple[str, ...] = ()
    mention: Optional[Span] = None
    cue: Optional[Span] = None


@dataclass
class GoldDocument:
    """An article's text, its gold quotes and (for training) its role spans."""

    doc_id: str
    text: str
    quotes: list[GoldQuote] = field(default_factory=list)
    # (label, start, end) spans for the tagger: Source, Cue, Content.
    role_spans: list[tuple[str, int, int]] = field(default_factory=list)
    # (content or quote span, source span or None): what the linker learns.
    links: list[tuple[tuple[int, int], Optional[tuple[int, int]]]] = field(default_factory=list)


@dataclass(frozen=True)
class SpeakerEntry:
    """A canonical speaker of a speakers file: name, accepted aliases and kind if stated."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: Optional[str] = None


def read_text_file(path: Path) -> str:
    """Read an article exactly as stored (no newline translation), so offsets hold."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        raise GoldError(f"{path}: text file not found") from None
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: not valid UTF-8 at byte {exc.start}") from None


def _span(record: object, text: str, where: str) -> Optional[Span]:
    if record is None:
        return None
    try:
        span = Span.from_dict(record, where)  # type: ignore[arg-type]
    except RecordError as exc:
        raise GoldError(str(exc)) from None
    if span.end > len(text):
        raise GoldError(f"{where}: offsets {span.start}-{span.end} lie past the end of the text ({len(text)} characters)")
    if text[span.start : span.end] != span.text:
        raise GoldError(
            f"{where}: text {span.text!r} does not match the document at {span.start}-{span.end} "
            f"({text[span.start:span.end]!r})"
        )
    return span


def load_gold_jsonl(path: str | Path, texts_dir: str | Path | None = None) -> list[GoldDocument]:
    """Load quoteattr gold JSONL; each record's text is its ``text`` field or ``DOC_ID.txt`` in ``texts_dir``."""
    path = Path(path)
    texts = Path(texts_dir) if texts_dir is not None else path.parent
    documents: list[GoldDocument] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError:
        raise GoldError(f"{path}: gold file not found") from None
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(record, dict) or not isinstance(record.get("doc_id"), str):
            raise GoldError(f"{where}: expected an object with a string 'doc_id'")
        doc_id = record["doc_id"]
        if doc_id in seen:
            raise GoldError(f"{where}: doc_id {doc_id!r} appears twice")
        seen.add(doc_id)
        text = record.get("text")
        if not isinstance(text, str):
            text = read_text_file(texts / f"{doc_id}.txt")
        doc = GoldDocument(doc_id, text)
        quotes = record.get("quotes", [])
        if not isinstance(quotes, list):
            raise GoldError(f"{where}: 'quotes' must be a list")
        for i, q in enumerate(quotes):
            qwhere = f"{where}: quotes[{i}]"
            if not isinstance(q, dict):
                raise GoldError(f"{qwhere}: expected an object")
            unknown = sorted(set(q) - QUOTE_FIELDS)
            if unknown:
                raise GoldError(f"{qwhere}: unknown field {unknown[0]!r} (known: {', '.join(sorted(QUOTE_FIELDS))})")
            if q.get("kind") not in QUOTE_KINDS:
                raise GoldError(f"{qwhere}: unknown kind {q.get('kind')!r} (use 'full', 'partial' or null)")
            span = _span(q, text, qwhere)
            assert span is not None
            speakers = q.get("speaker")
            if isinstance(speakers, str):
                speakers = [speakers]
            if speakers is not None and not (isinstance(speakers, list) and all(isinstance(s, str) for s in speakers)):
                raise GoldError(f"{qwhere}: 'speaker' must be a string, a list of strings or null")
            mention = _span(q.get("mention"), text, f"{qwhere}.mention")
            cue = _span(q.get("cue"), text, f"{qwhere}.cue")
            doc.quotes.append(GoldQuote(span.start, span.end, span.text, q.get("kind"), tuple(speakers or ()), mention, cue))
            doc.role_spans.append(("Content", span.start, span.end))
            doc.links.append(((span.start, span.end), (mention.start, mention.end) if mention else None))
            if mention:
                doc.role_spans.append(("Source", mention.start, mention.end))
            if cue:
                doc.role_spans.append(("Cue", cue.start, cue.end))
        order = sorted(range(len(doc.quotes)), key=lambda k: (doc.quotes[k].start, doc.quotes[k].end))
        for a, b in zip(order, order[1:]):
            if doc.quotes[b].start < doc.quotes[a].end:
                raise GoldError(
                    f"{where}: quotes[{b}] ({doc.quotes[b].start}-{doc.quotes[b].end}) overlaps "
                    f"quotes[{a}] ({doc.quotes[a].start}-{doc.quotes[a].end})"
                )
        doc.role_spans = sorted(set(doc.role_spans), key=lambda s: (s[1], s[2], s[0]))
        documents.append(doc)
    return documents


def load_speakers(path: str | Path) -> dict[str, SpeakerEntry]:
    """Load a speakers file: ``{id: {"name", "aliases", "kind"?}}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError(f"{path}: speakers file not found") from None
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{path}: expected an object mapping speaker ids to entries")
    entries = {}
    for sid, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise GoldError(f"{path}: speaker {sid!r} needs a string 'name'")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise GoldError(f"{path}: speaker {sid!r}: 'aliases' must be a list of strings")
        kind = entry.get("kind") or entry.get("type")
        entries[sid] = SpeakerEntry(sid, entry["name"], tuple(aliases), kind if isinstance(kind, str) else None)
    return entries


def _covered(fragments: Iterable[tuple[int, int]], start: int, end: int) -> int:
    return sum(max(0, min(end, b) - max(start, a)) for a, b in fragments)


def direct_quotes(doc: BratDocument) -> list[GoldQuote]:
    """PolNeAR direct quotes: quoted text lying (mostly) inside an attribution's Content.

    The speaker of such a quote is its attribution's Source span; PolNeAR has
    no canonical speaker ids, so speakers are scored at mention level.
    """
    quotes: list[GoldQuote] = []
    pairs = outer_pairs(find_mark_pairs(doc.text))
    for pair in pairs:
        length = pair.end - pair.start
        best, best_cover = None, 0
        for attribution in doc.attributions:
            frags = [f for span in attribution.content for f in span.fragments]
            cover = _covered(frags, pair.start, pair.end)
            if cover > best_cover:
                best, best_cover = attribution, cover
        if best is None or best_cover * 2 < length:
            continue
        mention = None
        if best.source is not None:
            mention = Span.from_text(doc.text, best.source.start, best.source.end)
        cue = Span.from_text(doc.text, best.cue.start, best.cue.end) if best.cue is not None else None
        quotes.append(GoldQuote(pair.start, pair.end, doc.text[pair.start : pair.end], None, (), mention, cue))
    return quotes


def brat_to_gold(doc: BratDocument) -> GoldDocument:
    """Convert one PolNeAR article into a GoldDocument with quotes and role spans."""
    roles = [(s.label, a, b) for s in doc.spans for a, b in s.fragments if b > a]
    quotes = direct_quotes(doc)
    links: dict[tuple[int, int], Optional[tuple[int, int]]] = {}
    for attribution in doc.attributions:
        source = (attribution.source.start, attribution.source.end) if attribution.source else None
        for span in attribution.content:
            for fragment in span.fragments:
                links.setdefault(fragment, source)
    for q in quotes:
        links.setdefault((q.start, q.end), (q.mention.start, q.mention.end) if q.mention else None)
    return GoldDocument(doc.doc_id, doc.text, quotes, roles, sorted(links.items(), key=lambda kv: kv[0]))


def load_polnear_gold(directory: str | Path) -> list[GoldDocument]:
    """Every article of a PolNeAR split as gold documents."""
    return [brat_to_gold(doc) for doc in read_brat_dir(directory)]


def load_gold(path: str | Path, texts_dir: str | Path | None = None) -> list[GoldDocument]:
    """Gold from a quoteattr JSONL file or a PolNeAR split directory."""
    path = Path(path)
    if path.is_dir():
        return load_polnear_gold(path)
    return load_gold_jsonl(path, texts_dir)
