"""Typed, immutable result objects and their JSON form.

Every component (tagger, linker, CLI, evaluator) exchanges these objects, and
the JSONL output contract is exactly their ``to_dict`` form, so one definition
keeps the API, the files on disk and the scorer in agreement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


class RecordError(ValueError):
    """A JSON record does not follow the output contract; the message says which field."""


def _require(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(record, Mapping):
        raise RecordError(f"{where}: expected a JSON object, got {type(record).__name__}")
    if key not in record:
        raise RecordError(f"{where}: missing field {key!r}")
    value = record[key]
    # bool is an int subclass; offsets must be real integers.
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise RecordError(f"{where}: field {key!r} must be {names}, got {value!r}")
    return value


@dataclass(frozen=True)
class Span:
    """A character span ``text[start:end]`` of the original document string."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span offsets start={self.start} end={self.end}")

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], where: str = "span") -> "Span":
        start = _require(record, "start", int, where)
        end = _require(record, "end", int, where)
        text = _require(record, "text", str, where)
        if start < 0 or end < start:
            raise RecordError(f"{where}: invalid offsets start={start} end={end}")
        return cls(start, end, text)

    @classmethod
    def from_text(cls, text: str, start: int, end: int) -> "Span":
        """Build a span whose ``text`` is guaranteed to equal ``text[start:end]``."""
        return cls(start, end, text[start:end])


@dataclass(frozen=True)
class Quote:
    """One contiguous direct quotation and who said it.

    ``start``/``end`` cover the characters strictly between the quotation
    marks. ``speaker`` is the canonical speaker name (``None`` when the
    speaker is unknown); ``mention`` is the span naming the speaker at this
    quote, which may be a pronoun or a description.
    """

    start: int
    end: int
    text: str
    speaker: Optional[str] = None
    mention: Optional[Span] = None
    cue: Optional[Span] = None
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "mention": self.mention.to_dict() if self.mention else None,
            "cue": self.cue.to_dict() if self.cue else None,
            "score": float(self.score),
        }

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], where: str = "quote") -> "Quote":
        start = _require(record, "start", int, where)
        end = _require(record, "end", int, where)
        text = _require(record, "text", str, where)
        if start < 0 or end < start:
            raise RecordError(f"{where}: invalid offsets start={start} end={end}")
        speaker = record.get("speaker")
        if isinstance(speaker, list):  # gold files may list several accepted ids
            speaker = speaker[0] if speaker else None
        if speaker is not None and not isinstance(speaker, str):
            raise RecordError(f"{where}: field 'speaker' must be a string or null, got {speaker!r}")
        mention = record.get("mention")
        cue = record.get("cue")
        score = record.get("score", 1.0)
        if isinstance(score, bool) or not isinstance(score, (int, float)):
            raise RecordError(f"{where}: field 'score' must be a number, got {score!r}")
        return cls(
            start=start,
            end=end,
            text=text,
            speaker=speaker,
            mention=Span.from_dict(mention, f"{where}.mention") if mention is not None else None,
            cue=Span.from_dict(cue, f"{where}.cue") if cue is not None else None,
            score=float(score),
        )


@dataclass(frozen=True)
class Speaker:
    """A canonical speaker of one document with every mention that refers to it."""

    name: str
    mentions: tuple[Span, ...] = ()
    kind: str = "unknown"  # "person", "organisation" or "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "mentions": [m.to_dict() for m in self.mentions]}

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], where: str = "speaker") -> "Speaker":
        name = _require(record, "name", str, where)
        mentions = tuple(
            Span.from_dict(m, f"{where}.mentions[{i}]") for i, m in enumerate(record.get("mentions", []))
        )
        return cls(name=name, mentions=mentions, kind=str(record.get("kind", "unknown")))


@dataclass(frozen=True)
class DocumentResult:
    """All quotes found in one document (one line of the JSONL output)."""

    doc_id: str
    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"doc_id": self.doc_id, "quotes": [q.to_dict() for q in self.quotes]}
        if self.speakers:
            record["speakers"] = [s.to_dict() for s in self.speakers]
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: Mapping[str, Any], where: str = "document") -> "DocumentResult":
        doc_id = _require(record, "doc_id", str, where)
        quotes_raw = _require(record, "quotes", (list, tuple), where)
        quotes = tuple(Quote.from_dict(q, f"{where}.quotes[{i}]") for i, q in enumerate(quotes_raw))
        speakers = tuple(
            Speaker.from_dict(s, f"{where}.speakers[{i}]") for i, s in enumerate(record.get("speakers", []))
        )
        return cls(doc_id=doc_id, quotes=quotes, speakers=speakers)

    @classmethod
    def from_json(cls, line: str, where: str = "document") -> "DocumentResult":
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
        return cls.from_dict(record, where)
