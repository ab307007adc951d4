"""The benchmarks' corpora, read the way ``quoteattr attribute`` reads them (quoteattr.inputs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Union

from quoteattr.inputs import Article, read_inputs


def read_articles(folder: Union[str, Path]) -> list[Article]:
    """Every .txt article under ``folder`` (a PolNeAR split's text/ included), in a stable
    order; a file the CLI would skip stops the benchmark instead of shrinking its corpus."""
    articles = []
    for item in read_inputs([folder]):
        if not isinstance(item, Article):
            print(f"error: {item.where}: {item.reason}", file=sys.stderr)
            raise SystemExit(2)
        articles.append(item)
    return articles
