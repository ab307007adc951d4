"""Merge per-document speakers into one corpus-wide speaker index.

Answers "who is quoted, how often, in which articles": names that are the
same after normalisation, or persons whose surnames match (spelling
variants included) with compatible first names, are one entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .names import normalise
from .speakers import same_organisation, same_word
from .types import DocumentResult


@dataclass
class SpeakerIndexEntry:
    """One speaker across a corpus."""

    name: str
    kind: str = "unknown"
    quotes: int = 0
    documents: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "quotes": self.quotes, "documents": self.documents,
                "names": sorted(self.names)}


def _compatible(a: str, b: str, kind: str) -> bool:
    na, nb = normalise(a).split(), normalise(b).split()
    if not na or not nb:
        return False
    if na == nb:
        return True
    if kind == "organisation":
        return same_organisation(a, b)
    if kind != "person" or not same_word(na[-1], nb[-1]):
        return False
    # Same surname: the shorter name's other words must appear in the longer one.
    short, long_ = sorted((na[:-1], nb[:-1]), key=len)
    return all(any(same_word(w, x) for x in long_) for w in short)


def speaker_index(results: Iterable[DocumentResult]) -> list[SpeakerIndexEntry]:
    """Speakers of all documents merged, most quoted first."""
    entries: list[SpeakerIndexEntry] = []
    for result in results:
        kinds = {s.name: s.kind for s in result.speakers}
        for quote in result.quotes:
            if not quote.speaker:
                continue
            kind = kinds.get(quote.speaker, "unknown")
            entry = next((e for e in entries if _compatible(e.name, quote.speaker, kind if kind != "unknown" else e.kind)), None)
            if entry is None:
                entry = SpeakerIndexEntry(quote.speaker, kind)
                entries.append(entry)
            elif len(normalise(quote.speaker).split()) > len(normalise(entry.name).split()):
                entry.name = quote.speaker
            if entry.kind == "unknown":
                entry.kind = kind
            entry.quotes += 1
            entry.names.add(quote.speaker)
            if result.doc_id not in entry.documents:
                entry.documents.append(result.doc_id)
    return sorted(entries, key=lambda e: (-e.quotes, e.name))
