"""Weight averaging of model folders (training.average) on tiny random BERTs."""

from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file, save_file

from quoteattr.modeling import ModelError, load_tagger
from training.average import average_folders, main

from .conftest import tiny_model_dir


def _two_models(tmp_path, texts):
    first = tiny_model_dir(tmp_path / "a", texts)
    second = tiny_model_dir(tmp_path / "b", texts)
    state = load_file(str(second / "model.safetensors"))
    torch.manual_seed(5)
    save_file({k: (v + torch.randn_like(v) if v.is_floating_point() else v).contiguous() for k, v in state.items()},
              str(second / "model.safetensors"), metadata={"format": "pt"})
    return first, second


def test_average_is_the_elementwise_mean_and_loads(tmp_path, fixture_records):
    texts = [r["text"] for r in fixture_records]
    first, second = _two_models(tmp_path, texts)
    (first / "int8_calibration.safetensors").write_bytes(b"belongs to other weights")
    out = tmp_path / "soup"
    average_folders([first, second], out)
    a, b, m = (load_file(str(d / "model.safetensors")) for d in (first, second, out))
    key = next(k for k in a if k.endswith("intermediate.dense.weight"))
    assert not torch.equal(a[key], b[key])
    for k in a:
        if a[k].is_floating_point():
            torch.testing.assert_close(m[k], (a[k] + b[k]) / 2)
    assert not (out / "int8_calibration.safetensors").exists()  # calibration must be redone for new weights
    assert (out / "tokenizer.json").is_file()
    load_tagger(out)
    with pytest.raises(ModelError, match="exists"):
        average_folders([first, second], out)


def test_models_of_different_shapes_are_refused(tmp_path, fixture_records):
    texts = [r["text"] for r in fixture_records]
    first, second = _two_models(tmp_path, texts)
    state = load_file(str(second / "model.safetensors"))
    key = next(k for k in state if k.endswith("intermediate.dense.weight"))
    state[key] = state[key][:10].contiguous()
    save_file(state, str(second / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(ModelError, match="has shape"):
        average_folders([first, second], tmp_path / "soup")
    assert not (tmp_path / "soup").exists()
    assert main(["--models", str(first), "--out", str(tmp_path / "x")]) == 2
