"""A model folder's fast tokenizer through the ``tokenizers`` library alone.

transformers' tokenizer classes wrap the same Rust tokenizer saved as
``tokenizer.json``; loading it directly gives identical ids and offsets
without importing transformers (seconds on a small machine). Only what
quoteattr uses is exposed: the backend and the special-token ids.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class TokenizerError(ValueError):
    """tokenizer.json or tokenizer_config.json cannot be used; the message says why."""


def backend_of(tokenizer: Any) -> Any:
    """The Rust ``tokenizers.Tokenizer`` behind a quoteattr or transformers fast tokenizer,
    never truncating or padding (a backend left truncating would silently drop text)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise TypeError(f"{type(tokenizer).__name__} is not a fast tokenizer: quoteattr needs character offsets")
    if backend.truncation is not None or backend.padding is not None:
        from tokenizers import Tokenizer

        backend = Tokenizer.from_str(backend.to_str())
        backend.no_truncation()
        backend.no_padding()
    return backend


class FolderTokenizer:
    """The tokenizer of a quoteattr model folder (``tokenizer.json`` + ``tokenizer_config.json``)."""

    is_fast = True

    def __init__(self, backend: Any, cls_token: str = "[CLS]", sep_token: str = "[SEP]", pad_token: str = "[PAD]") -> None:
        backend.no_truncation()
        backend.no_padding()
        self.backend_tokenizer = backend
        tokens = {"cls": cls_token, "sep": sep_token, "pad": pad_token}
        ids = {name: backend.token_to_id(token) for name, token in tokens.items()}
        lacking = [f"{name} token {token!r}" for name, token in tokens.items() if ids[name] is None]
        if lacking:
            raise TokenizerError(f"the vocabulary has no {', '.join(lacking)}")
        self.cls_token_id: int = ids["cls"]
        self.sep_token_id: int = ids["sep"]
        self.pad_token_id: int = ids["pad"]

    def __len__(self) -> int:
        return self.backend_tokenizer.get_vocab_size(with_added_tokens=True)

    @classmethod
    def from_folder(cls, directory: str | Path) -> "FolderTokenizer":
        from tokenizers import Tokenizer

        directory = Path(directory)
        path = directory / "tokenizer.json"
        if not path.is_file():
            raise TokenizerError(f"{directory}: no tokenizer.json (quoteattr needs a fast tokenizer saved with the model)")
        try:
            backend = Tokenizer.from_file(str(path))
        except Exception as exc:  # the Rust loader raises plain Exceptions on malformed files
            raise TokenizerError(f"{path} cannot be read: {exc}") from None
        special: dict[str, Any] = {}
        config_path = directory / "tokenizer_config.json"
        if config_path.is_file():
            try:
                special = json.loads(config_path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise TokenizerError(f"{config_path} cannot be read: {exc}") from None

        def token(name: str, default: str) -> str:
            value = special.get(name, default)
            return value.get("content", default) if isinstance(value, dict) else str(value or default)

        return cls(backend, token("cls_token", "[CLS]"), token("sep_token", "[SEP]"), token("pad_token", "[PAD]"))
