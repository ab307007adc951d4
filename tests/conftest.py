"""Shared fixtures: tiny offline tokenizers, tiny random models and fixture documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Sentences with (speaker, cue, quote) parts; offsets are computed, never typed.
_ARTICLES = [
    [("Maria Lopez", "said", "We will rebuild the bridge before winter."), (None, None, "The mayor visited the site on Monday."),
     ("she", "added", "Nobody should wait that long.")],
    [("The ministry", "said", "Talks will continue next week."), ("Ahmed Khan", "told", "It is a difficult moment for everyone."),
     (None, None, "Prices rose again in March.")],
    [("Officials", "said", "The storm caused serious damage."), ("John Smith", "said", "We are ready to help."),
     ("he", "stressed", "Help is on the way.")],
    [("The company", "announced", "Profits doubled this year."), (None, None, "Shares fell after the report."),
     ("Chen Wei", "said", "We expected a better result.")],
]


def build_article(parts: list) -> dict:
    """One gold record with text, quotes, mentions and cues at computed offsets."""
    text, quotes = "", []
    for speaker, cue, sentence in parts:
        if speaker is None:
            text += sentence + "\n"
            continue
        q_start = len(text) + 1
        text += f'"{sentence}" '
        q_end = q_start + len(sentence)
        m_start = len(text)
        text += speaker
        m_end = len(text)
        text += " "
        c_start = len(text)
        text += cue
        c_end = len(text)
        text += ".\n"
        quotes.append({
            "start": q_start, "end": q_end, "text": text[q_start:q_end], "kind": "full", "speaker": [speaker],
            "mention": {"start": m_start, "end": m_end, "text": speaker},
            "cue": {"start": c_start, "end": c_end, "text": cue},
        })
    return {"text": text, "quotes": quotes}


@pytest.fixture
def fixture_records() -> list[dict]:
    records = []
    for i, parts in enumerate(_ARTICLES):
        record = build_article(parts)
        record["doc_id"] = f"doc{i}"
        records.append(record)
    return records


@pytest.fixture
def fixture_jsonl(tmp_path: Path, fixture_records: list[dict]) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in fixture_records), encoding="utf-8")
    return path


def tiny_tokenizer(texts: list[str]):
    """A BERT WordPiece fast tokenizer whose vocabulary covers ``texts`` (no download)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    chars = sorted({c for t in texts for c in t.lower() if not c.isspace()})
    vocab_list = specials + words + [c for c in chars if c not in words] + [f"##{c}" for c in chars]
    vocab = {tok: i for i, tok in enumerate(dict.fromkeys(vocab_list))}
    backend = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    backend.normalizer = normalizers.BertNormalizer(lowercase=True)
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"
    )


def tiny_model_dir(tmp_path: Path, texts: list[str], use_casing: bool = True, quote_threshold: float = 0.5) -> Path:
    """A randomly initialised 2-layer BERT tagger saved as a quoteattr model folder."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    from quoteattr.modeling import TaggerSettings, label_config, prepare_tagger, save_tagger

    torch.manual_seed(0)
    tokenizer = tiny_tokenizer(texts)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, **label_config())
    model = BertForTokenClassification(config)
    model, tokenizer = prepare_tagger(model, tokenizer, TaggerSettings(use_casing=use_casing, max_length=32, stride=8, quote_threshold=quote_threshold))
    directory = tmp_path / "tiny-model"
    save_tagger(model, tokenizer, directory)
    return directory
