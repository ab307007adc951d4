"""The transformers-free inference encoder and tokenizer give transformers' outputs exactly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from quoteattr.encoder import BertTagger
from quoteattr.modeling import ModelError, load_runtime_tagger, load_tagger
from quoteattr.tagging import collate, make_windows, tokenize_documents

from .conftest import ROOT, tiny_model_dir

TEXTS = ['"We will win," Maria Lopez said.', "The ministry said talks would go on. \u201cNo,\u201d she said.", ""]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tiny_model_dir(tmp_path_factory.mktemp("enc"), TEXTS)


def _batch(tokenizer, settings, texts):
    docs = tokenize_documents(texts, tokenizer)
    windows = [w for i, d in enumerate(docs) for w in make_windows(d, i, tokenizer.cls_token_id, tokenizer.sep_token_id,
                                                                     settings.max_length, settings.stride, settings.use_casing)]
    arrays = collate(windows, tokenizer.pad_token_id)
    return {k: torch.from_numpy(arrays[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}


def test_runtime_loader_matches_transformers(folder):
    hf_model, hf_tok, settings = load_tagger(folder)
    model, tok, settings2 = load_runtime_tagger(folder)
    assert isinstance(model, BertTagger) and settings2 == settings
    assert (tok.cls_token_id, tok.sep_token_id, tok.pad_token_id, len(tok)) == (
        hf_tok.cls_token_id, hf_tok.sep_token_id, hf_tok.pad_token_id, len(hf_tok))
    for ours, theirs in zip(tokenize_documents(TEXTS, tok), tokenize_documents(TEXTS, hf_tok)):
        assert (ours.input_ids == theirs.input_ids).all() and (ours.offsets == theirs.offsets).all()
        assert (ours.word_starts == theirs.word_starts).all() and (ours.casing == theirs.casing).all()
    batch = _batch(tok, settings, TEXTS)  # windows of different lengths: padding and masks exercised
    assert not batch["attention_mask"].bool().all()
    with torch.inference_mode():
        ours, theirs = model(**batch, output_hidden_states=True), hf_model(**batch, output_hidden_states=True)
    real = batch["attention_mask"].bool()
    assert torch.allclose(ours.logits[real], theirs.logits[real], atol=1e-5)
    assert torch.allclose(ours.hidden_states[-1][real], theirs.hidden_states[-1][real], atol=1e-5)
    unpadded = {k: v[:1, : int(batch["attention_mask"][0].sum())] for k, v in batch.items()}
    with torch.inference_mode():
        assert torch.allclose(model(**unpadded).logits, hf_model(**unpadded).logits, atol=1e-5)


def test_other_architectures_fall_back_to_transformers(folder, tmp_path):
    other = tmp_path / "silu"
    shutil.copytree(folder, other)
    config = json.loads((other / "config.json").read_text())
    config["hidden_act"] = "silu"  # a BERT variant the runtime encoder does not rebuild
    (other / "config.json").write_text(json.dumps(config))
    model, _, _ = load_runtime_tagger(other)
    assert not isinstance(model, BertTagger) and model.config.hidden_act == "silu"


def test_missing_or_broken_tokenizer_is_a_clear_error(folder, tmp_path):
    broken = tmp_path / "tok"
    shutil.copytree(folder, broken)
    (broken / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match="tokenizer.json"):
        load_runtime_tagger(broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match="no tokenizer.json"):
        load_runtime_tagger(broken)


def test_a_truncating_backend_is_not_trusted(folder):
    from quoteattr.tagging import tokenize_document

    _, hf_tok, _ = load_tagger(folder)
    text = " ".join(["said"] * 50)
    full = tokenize_document(text, hf_tok)
    hf_tok.backend_tokenizer.enable_truncation(5)  # left behind by some other caller
    assert np.array_equal(tokenize_document(text, hf_tok).input_ids, full.input_ids)


def test_inference_never_imports_transformers():
    code = ("import sys; from quoteattr.pipeline import QuoteAttributor; qa = QuoteAttributor.from_pretrained(); "
            "qa.attribute('\"Yes,\" she said.'); assert 'transformers' not in sys.modules, 'transformers imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
