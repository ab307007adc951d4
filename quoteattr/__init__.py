"""quoteattr: find direct quotations in English news text and who said each one."""

from __future__ import annotations

__version__ = "0.1.0"

from .types import DocumentResult, Quote, Span, Speaker  # noqa: E402

__all__ = ["DocumentResult", "Quote", "Span", "Speaker", "QuoteAttributor", "__version__"]


def __getattr__(name: str):
    # The model stack imports torch; load it only when it is asked for.
    if name == "QuoteAttributor":
        from .pipeline import QuoteAttributor

        return QuoteAttributor
    raise AttributeError(f"module 'quoteattr' has no attribute {name!r}")
