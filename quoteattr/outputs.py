"""Write results as JSONL (streamed), CSV or a self-contained HTML report.

JSONL is appended and flushed per document so a crash keeps what was done;
CSV and HTML are written to a temporary file and renamed into place, so an
existing file is never left half-written.
"""

from __future__ import annotations

import csv
import html
import io
import os
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

from .corpus import speaker_index
from .types import DocumentResult

FORMATS = ("jsonl", "csv", "html")
CSV_FIELDS = ["doc_id", "start", "end", "text", "speaker", "mention_start", "mention_end", "mention_text",
              "cue_start", "cue_end", "cue_text", "score"]
# Distinguishable background colours, reused in turn when there are more speakers.
PALETTE = ["#ffd8a8", "#b2f2bb", "#a5d8ff", "#ffc9c9", "#d0bfff", "#fff3bf", "#99e9f2", "#eebefa", "#c3fae8", "#ffe8cc",
           "#ffa94d", "#69db7c", "#4dabf7", "#ff8787", "#9775fa", "#ffd43b", "#3bc9db", "#da77f2", "#38d9a9", "#a9e34b"]


def atomic_write(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` through a temporary file and an atomic rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent or Path(".")))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_csv(results: Iterable[DocumentResult]) -> str:
    """One row per quote."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for result in results:
        for q in result.quotes:
            writer.writerow({
                "doc_id": result.doc_id, "start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker or "",
                "mention_start": q.mention.start if q.mention else "", "mention_end": q.mention.end if q.mention else "",
                "mention_text": q.mention.text if q.mention else "", "cue_start": q.cue.start if q.cue else "",
                "cue_end": q.cue.end if q.cue else "", "cue_text": q.cue.text if q.cue else "", "score": f"{q.score:.4f}",
            })
    return buffer.getvalue()


def _highlight(text: str, result: DocumentResult, colour_of: dict[str, str]) -> str:
    """The article as HTML with each quote and its speaker mention in the speaker's colour."""
    marks: list[tuple[int, int, str, str]] = []
    for q in result.quotes:
        colour = colour_of.get(q.speaker or "", "#e9ecef")
        title = html.escape(f"{q.speaker or 'unknown speaker'} (score {q.score:.2f})", quote=True)
        marks.append((q.start, q.end, f'<mark class="quote" style="background:{colour}" title="{title}">', "</mark>"))
        if q.mention:
            marks.append((q.mention.start, q.mention.end,
                          f'<span class="mention" style="border-color:{colour};background:{colour}" title="{title}">', "</span>"))
    unique = {(m[0], m[1]): m for m in reversed(marks)}  # a mention shared by quotes is marked once
    out: list[str] = []
    pos = 0
    stack: list[tuple[int, str]] = []  # (end, closing tag) of open elements
    for start, end, open_tag, close_tag in sorted(unique.values(), key=lambda m: (m[0], -m[1])):
        while stack and stack[-1][0] <= start:
            e, tag = stack.pop()
            out.append(html.escape(text[pos:e]) + tag)
            pos = e
        if stack and end > stack[-1][0]:
            continue  # crosses an open element: skip rather than emit broken HTML
        out.append(html.escape(text[pos:start]) + open_tag)
        pos = start
        stack.append((end, close_tag))
    while stack:
        e, tag = stack.pop()
        out.append(html.escape(text[pos:e]) + tag)
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def to_html(results: Sequence[DocumentResult], texts: dict[str, str], title: str = "quoteattr report") -> str:
    """A self-contained page: a legend of speakers with quote counts, then each article highlighted."""
    index = speaker_index(results)
    colour_of: dict[str, str] = {}
    for i, entry in enumerate(index):
        for name in entry.names:
            colour_of[name] = PALETTE[i % len(PALETTE)]
    unknown = sum(1 for r in results for q in r.quotes if not q.speaker)
    rows = [(PALETTE[i % len(PALETTE)], e.name, e.quotes, len(e.documents)) for i, e in enumerate(index)]
    if unknown:
        rows.append(("#e9ecef", "unknown speaker", unknown, 0))
    legend = "".join(
        f'<li><span class="swatch" style="background:{colour}"></span>{html.escape(name)} '
        f'<span class="count">{n} quote{"s" if n != 1 else ""}{f" in {d} documents" if d > 1 else ""}</span></li>'
        for colour, name, n, d in rows
    )
    articles = []
    for r in results:
        text = texts.get(r.doc_id, "")
        articles.append(
            f'<article><h2>{html.escape(r.doc_id)} <small>{len(r.quotes)} quotes</small></h2>'
            f'<div class="text">{_highlight(text, r, colour_of)}</div></article>'
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: Georgia, 'Times New Roman', serif; margin: 2rem auto; max-width: 60rem; color: #212529; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.1rem; font-family: sans-serif; }} small {{ color: #868e96; font-weight: normal; }}
.legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; font-family: sans-serif; font-size: .9rem; }}
.swatch {{ display: inline-block; width: 1em; height: 1em; margin-right: .35em; vertical-align: -.15em; border: 1px solid #adb5bd; }}
.count {{ color: #868e96; }}
.text {{ white-space: pre-wrap; line-height: 1.55; border-top: 1px solid #dee2e6; padding-top: .5rem; }}
mark.quote {{ padding: 0 .1em; }}
span.mention {{ font-weight: bold; border-bottom: 3px solid; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{sum(len(r.quotes) for r in results)} quotes in {len(results)} documents. Each quote and the mention of its speaker share a colour.</p>
<ul class="legend">{legend}</ul>
{''.join(articles)}
</body></html>
"""
