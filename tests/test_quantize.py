"""Calibrated int8: smoothing keeps the float function, cuts int8 error on outlier channels,
and the calibration file round-trips and fails clearly."""

from __future__ import annotations

import pytest
import torch

from quoteattr.encoder import BertTagger, EncoderConfig
from quoteattr.quantize import (
    CALIBRATION_FILE, CalibrationError, SmoothedLinear, input_ranges, load_calibration, quantize_int8, save_calibration,
    smooth_inputs,
)

from .conftest import tiny_model_dir

CONFIG = EncoderConfig(vocab_size=50, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                       max_position_embeddings=64, type_vocab_size=4, num_labels=7)


def _model(seed: int = 0, outliers: bool = False) -> BertTagger:
    torch.manual_seed(seed)
    model = BertTagger(CONFIG).eval()
    if outliers:  # a few huge channels in every LayerNorm output, as trained BERTs have
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith("LayerNorm.weight"):
                    p[:3] = 60.0
    return model


def _batch(seed: int, rows: int = 4, length: int = 24) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, CONFIG.vocab_size, (rows, length), generator=g)
    return {"input_ids": ids, "token_type_ids": torch.randint(0, 4, (rows, length), generator=g), "attention_mask": torch.ones_like(ids)}


def _relative_error(model: torch.nn.Module, reference: torch.nn.Module, batch: dict) -> float:
    with torch.inference_mode():
        out, ref = model(**batch).logits, reference(**batch).logits
    return float((out - ref).norm() / ref.norm())


def test_smoothing_keeps_the_float_function():
    model, reference = _model(outliers=True), _model(outliers=True)
    ranges = input_ranges(model, [_batch(1), _batch(2)])
    assert set(ranges) == {n for n, m in reference.named_modules() if isinstance(m, torch.nn.Linear)}
    smooth_inputs(model, ranges)
    assert isinstance(model.bert.encoder.layer[0].output.dense, SmoothedLinear)
    assert _relative_error(model, reference, _batch(3)) < 1e-5


def test_calibrated_int8_is_closer_to_fp32_on_outlier_channels():
    reference = _model(outliers=True)
    ranges = input_ranges(reference, [_batch(1), _batch(2)])
    plain = quantize_int8(_model(outliers=True))
    calibrated = quantize_int8(_model(outliers=True), ranges)
    batch = _batch(7)
    assert _relative_error(calibrated, reference, batch) < 0.75 * _relative_error(plain, reference, batch)  # 0.59x here


def test_input_ranges_ignore_padded_positions():
    model = _model()
    with torch.no_grad():  # [PAD] (id 0) would stand out in channel 0 of every Linear input after the embeddings
        model.bert.embeddings.word_embeddings.weight[0] = 0.0
        model.bert.embeddings.word_embeddings.weight[0, 0] = 1000.0
    a, b = _batch(1, rows=1, length=20), _batch(2, rows=1, length=12)
    padded = {k: torch.zeros(2, 20, dtype=torch.long) for k in a}
    for k in a:
        padded[k][0] = a[k][0]
        padded[k][1, :12] = b[k][0]
    alone = input_ranges(model, [a, b])
    together = input_ranges(model, [padded])
    for name in alone:
        assert torch.allclose(alone[name], together[name], atol=1e-4), name


def test_calibration_file_round_trip_and_errors(tmp_path):
    assert load_calibration(tmp_path) is None  # no file: plain int8
    model = _model()
    ranges = input_ranges(model, [_batch(1)])
    save_calibration(tmp_path, ranges)
    loaded = load_calibration(tmp_path)
    assert set(loaded) == set(ranges) and all(torch.equal(loaded[k], ranges[k]) for k in ranges)

    wrong = dict(loaded)
    wrong["bert.encoder.layer.0.output.dense"] = torch.ones(5)
    with pytest.raises(CalibrationError, match=r"layer\.0\.output\.dense has shape \(5,\), the layer takes 64"):
        smooth_inputs(_model(), wrong)
    with pytest.raises(CalibrationError, match="lacks"):
        smooth_inputs(_model(), {**loaded, "bert.encoder.layer.9.output.dense": torch.ones(64)})

    (tmp_path / CALIBRATION_FILE).write_bytes(b"not safetensors")
    with pytest.raises(CalibrationError, match=f"{CALIBRATION_FILE}: cannot be read.*training.calibrate"):
        load_calibration(tmp_path)


def test_calibrate_cli_writes_the_file_and_the_int8_path_uses_it(tmp_path, fixture_records, capsys):
    from quoteattr.pipeline import QuoteAttributor
    from training.calibrate import main

    folder = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    texts = tmp_path / "texts"
    texts.mkdir()
    for i, record in enumerate(fixture_records[:3]):
        (texts / f"{i}.txt").write_text(record["text"], encoding="utf-8")
    plain = QuoteAttributor.from_pretrained(folder, int8=True)
    assert not any(isinstance(m, SmoothedLinear) for m in plain.model.modules())
    from quoteattr.cli import main as cli_main

    args = ["attribute", str(texts / "0.txt"), "--model", str(folder), "--int8", "--workers", "1", "-o", str(tmp_path / "o.jsonl")]
    assert cli_main(args) == 0
    assert "uncalibrated" in capsys.readouterr().err  # the user is told, not left guessing

    assert main(["--model-dir", str(folder), "--texts", str(texts)]) == 0
    assert (folder / CALIBRATION_FILE).is_file()
    calibrated = QuoteAttributor.from_pretrained(folder, int8=True)
    smoothed = [m for m in calibrated.model.modules() if isinstance(m, SmoothedLinear)]
    assert len(smoothed) == 2 * 6 + 1  # six Linear layers per transformer layer, and the classifier
    text = fixture_records[0]["text"]
    for q in calibrated.attribute(text).quotes:
        assert text[q.start:q.end] == q.text
    assert cli_main(args + ["--force"]) == 0
    assert "uncalibrated" not in capsys.readouterr().err

    before = (folder / CALIBRATION_FILE).read_bytes()
    assert main(["--model-dir", str(folder), "--texts", str(texts)]) == 2  # never replaced silently
    assert "exists; pass --force true" in capsys.readouterr().err
    assert (folder / CALIBRATION_FILE).read_bytes() == before
    assert main(["--model-dir", str(folder), "--texts", str(tmp_path / "missing"), "--force", "true"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
