"""Reader for PolNeAR-style brat standoff annotations (Source / Cue / Content).

PolNeAR stores one ``NAME.txt`` per article under ``text/`` and one
``NAME_ANNOTATOR.ann`` per annotation pass under ``attributions/``. Only the
``T`` (text-bound span) and ``E`` (attribution event) records matter here;
surface strings may contain newlines, so continuation lines and ``#`` notes
are skipped rather than parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional

ROLES = ("Source", "Cue", "Content")
_T_RE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t")
_E_RE = re.compile(r"^(E\d+)\t(.*)$")


class BratError(ValueError):
    """A brat file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class BratSpan:
    """A possibly discontinuous text-bound annotation: ``fragments`` are (start, end)."""

    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass(frozen=True)
class Attribution:
    """One attribution relation; ``source`` is ``None`` when the annotator marked none."""

    content: tuple[BratSpan, ...]
    cue: Optional[BratSpan]
    source: Optional[BratSpan]


@dataclass
class BratDocument:
    """An article's text with its Source/Cue/Content spans and attribution relations."""

    doc_id: str
    text: str
    spans: list[BratSpan] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    annotator: str = ""


def parse_ann(text: str, ann: str, path: str = "<ann>") -> tuple[list[BratSpan], list[Attribution]]:
    """Parse one ``.ann`` file's content against its article ``text``."""
    spans: dict[str, BratSpan] = {}
    events: list[tuple[int, str]] = []
    for lineno, line in enumerate(ann.split("\n"), 1):
        m = _T_RE.match(line)
        if m:
            tid, label, frag_text = m.groups()
            fragments = []
            for frag in frag_text.split(";"):
                a, b = (int(x) for x in frag.split())
                if not 0 <= a <= b <= len(text):
                    raise BratError(
                        f"{path}:{lineno}: span {tid} offsets {a}-{b} lie outside the text ({len(text)} characters)"
                    )
                fragments.append((a, b))
            spans[tid] = BratSpan(tid, label, tuple(sorted(fragments)))
            continue
        m = _E_RE.match(line)
        if m:
            events.append((lineno, m.group(2)))
    attributions = []
    for lineno, body in events:
        roles: dict[str, list[BratSpan]] = {}
        for arg in body.split():
            role, _, ref = arg.partition(":")
            if ref not in spans:
                raise BratError(f"{path}:{lineno}: relation refers to unknown span {ref!r}")
            base = role.rstrip("0123456789")  # Content2 is a second Content part
            roles.setdefault(base, []).append(spans[ref])
        content = tuple(sorted(roles.get("Content", []), key=lambda s: s.start))
        if not content:
            continue
        cue = (roles.get("Cue") or [None])[0]
        source = (roles.get("Source") or [None])[0]
        attributions.append(Attribution(content, cue, source))
    role_spans = [s for s in spans.values() if s.label in ROLES]
    role_spans.sort(key=lambda s: (s.start, s.end))
    return role_spans, attributions


def _read_text(path: Path) -> str:
    try:
        # newline="" keeps CRLF as two characters, as brat offsets count them.
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise BratError(f"{path}: not valid UTF-8 at byte {exc.start}") from None


def read_brat_dir(directory: str | Path) -> Iterator[BratDocument]:
    """Yield every article of a PolNeAR split directory (``text/`` + ``attributions/``).

    When several annotators labelled one article, the pass with the most
    attribution relations is used: PolNeAR's guidelines favour recall, and a
    single deterministic pass avoids contradictory labels for one token.
    """
    root = Path(directory)
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise BratError(f"{root}: expected a PolNeAR split with text/ and attributions/ folders")
    anns: dict[str, list[Path]] = {}
    for ann_path in sorted(ann_dir.glob("*.ann")):
        doc_id, _, _annotator = ann_path.stem.rpartition("_")
        anns.setdefault(doc_id, []).append(ann_path)
    for text_path in sorted(text_dir.glob("*.txt")):
        doc_id = text_path.stem
        text = _read_text(text_path)
        best: Optional[BratDocument] = None
        for ann_path in anns.get(doc_id, []):
            spans, attributions = parse_ann(text, ann_path.read_text(encoding="utf-8"), str(ann_path))
            if best is None or len(attributions) > len(best.attributions):
                annotator = ann_path.stem.rpartition("_")[2]
                best = BratDocument(doc_id, text, spans, attributions, annotator)
        yield best if best is not None else BratDocument(doc_id, text)
