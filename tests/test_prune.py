"""Feed-forward narrowing (training.prune) on a tiny random BERT."""

from __future__ import annotations

import pytest
import torch

from quoteattr.modeling import load_runtime_tagger, load_tagger
from training.config import ConfigError
from training.prune import narrow_ffn, unit_importance
from training.train import train

from .conftest import tiny_model_dir
from .test_training import _config


def _inputs(vocab: int, seed: int = 1) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, vocab, (3, 20), generator=gen)
    mask = torch.ones_like(ids)
    mask[2, 12:] = 0  # padding must not count
    return {"input_ids": ids, "token_type_ids": torch.zeros_like(ids), "attention_mask": mask}


def test_dead_units_rank_last_and_removing_them_changes_nothing(tmp_path, fixture_records):
    model, _, _ = load_tagger(tiny_model_dir(tmp_path, [r["text"] for r in fixture_records]))
    model.eval()
    dead = [3, 10, 17, 40, 63]  # units whose output weights are zero add nothing to the residual stream
    for layer in model.base_model.encoder.layer:
        with torch.no_grad():
            layer.output.dense.weight[:, dead] = 0.0
    batch = _inputs(model.config.vocab_size)
    with torch.inference_mode():
        before = model(**batch).logits
    importance = unit_importance(model, [batch])
    assert len(importance) == 2 and all(score.shape == (64,) for score in importance)
    for score in importance:
        assert set(torch.topk(score, 5, largest=False).indices.tolist()) == set(dead)
    narrow_ffn(model, 64 - len(dead), importance)
    assert model.config.intermediate_size == 59
    for layer in model.base_model.encoder.layer:
        assert layer.intermediate.dense.weight.shape == (59, 32) and layer.output.dense.weight.shape == (32, 59)
    with torch.inference_mode():
        after = model(**batch).logits
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-5)
    assert not model.training


def test_live_units_removed_change_the_output(tmp_path, fixture_records):
    model, _, _ = load_tagger(tiny_model_dir(tmp_path, [r["text"] for r in fixture_records]))
    model.eval()
    batch = _inputs(model.config.vocab_size)
    with torch.inference_mode():
        before = model(**batch).logits
    narrow_ffn(model, 16, unit_importance(model, [batch]))
    with torch.inference_mode():
        assert not torch.allclose(model(**batch).logits, before, atol=1e-4)


def test_size_out_of_range_is_named(tmp_path, fixture_records):
    model, _, _ = load_tagger(tiny_model_dir(tmp_path, [r["text"] for r in fixture_records]))
    importance = unit_importance(model, [_inputs(model.config.vocab_size)])
    with pytest.raises(ConfigError, match="intermediate_size: 65"):
        narrow_ffn(model, 65, importance)
    with pytest.raises(ConfigError, match="no tokens"):
        unit_importance(model, [])


def test_training_with_intermediate_size_saves_a_narrow_model_that_reloads(tmp_path, fixture_jsonl, fixture_records):
    cfg = _config(tmp_path, fixture_jsonl, fixture_records, num_layers=1, intermediate_size=24, epochs=1)
    train(cfg, log=lambda *_: None)
    final = tmp_path / "run" / "model"
    model, _, _ = load_tagger(final)
    assert model.config.intermediate_size == 24
    assert model.base_model.encoder.layer[0].intermediate.dense.out_features == 24
    runtime, _, _ = load_runtime_tagger(final)  # the lean inference encoder reads the narrow shape too
    ids = torch.tensor([[2, 7, 9, 3]])
    with torch.inference_mode():
        expected = model.eval()(input_ids=ids, token_type_ids=torch.zeros_like(ids)).logits
        got = runtime(input_ids=ids, token_type_ids=torch.zeros_like(ids), attention_mask=torch.ones_like(ids)).logits
    torch.testing.assert_close(got.float(), expected.float(), rtol=1e-3, atol=1e-3)
