"""Read articles to attribute: .txt files, folders of them (.txt files only, recursively),
or JSONL of {"id", "text"} records.

Problems with one input (unreadable file, bad JSON line) are reported by name
and line and skipped, so one broken file never stops a large batch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence, Union


@dataclass(frozen=True)
class Article:
    """One article to attribute."""

    doc_id: str
    text: str


@dataclass(frozen=True)
class InputProblem:
    """An input that could not be read, with where and why."""

    where: str
    reason: str


Item = Union[Article, InputProblem]


def _read_txt(path: Path, doc_id: str) -> Item:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return Article(doc_id, fh.read())
    except UnicodeDecodeError as exc:
        return InputProblem(str(path), f"not valid UTF-8 at byte {exc.start}")
    except OSError as exc:
        return InputProblem(str(path), exc.strerror or str(exc))


def _read_jsonl(path: Path) -> Iterator[Item]:
    """Records line by line; each line is decoded on its own, so one line of broken
    UTF-8 is reported (file, line, byte) and the lines after it are still read."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield InputProblem(str(path), exc.strerror or str(exc))
        return
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield InputProblem(where, f"not valid UTF-8 at byte {exc.start} of the line ({exc.reason})")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputProblem(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                yield InputProblem(where, "expected an object with a string 'text'")
                continue
            doc_id = record.get("id", record.get("doc_id", f"{path.stem}:{lineno}"))
            yield Article(str(doc_id), record["text"])


def read_inputs(paths: Sequence[Union[str, Path]]) -> Iterator[Item]:
    """Articles (and problems) from every path, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                yield InputProblem(str(path), "folder holds no .txt files")
            for file in files:
                yield _read_txt(file, file.stem)
        elif path.suffix == ".jsonl":
            yield from _read_jsonl(path)
        elif path.exists():
            yield _read_txt(path, path.stem)
        else:
            yield InputProblem(str(path), "no such file or folder")
