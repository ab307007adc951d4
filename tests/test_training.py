"""Training CLI on a tiny random BERT: train, save, reload, predict, resume; config errors."""

from __future__ import annotations

import json

import pytest

from quoteattr.modeling import ModelError, load_tagger
from quoteattr.pipeline import QuoteAttributor
from training.config import ConfigError, load_config, parse_args
from training.train import main, train

from .conftest import tiny_model_dir


def _config(tmp_path, fixture_jsonl, fixture_records, **extra):
    model_dir = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    values = dict(train_data=str(fixture_jsonl), dev_data=str(fixture_jsonl), output_dir=str(tmp_path / "run"),
                  init_model=str(model_dir), max_length=32, stride=8, epochs=2, batch_size=4, learning_rate=1e-3,
                  warmup_ratio=0.0, threads=1)
    values.update(extra)
    return load_config(None, values)


def test_train_save_reload_predict(tmp_path, fixture_jsonl, fixture_records):
    cfg = _config(tmp_path, fixture_jsonl, fixture_records)
    metrics = train(cfg, log=lambda *_: None)
    final = tmp_path / "run" / "model"
    assert (final / "model.safetensors").is_file() and not list(final.glob("*.bin"))
    assert json.loads((final / "metrics.json").read_text())["best_epoch"] in (1, 2)
    assert "Dev scores" in (final / "README.md").read_text()
    assert (final / "int8_calibration.safetensors").is_file()  # the int8 path comes calibrated
    assert len(metrics["history"]) == 2 and "source_f1" in metrics["history"][0]
    model, tokenizer, settings = load_tagger(final)
    assert settings.use_casing and model.config.type_vocab_size == 4
    result = QuoteAttributor.from_pretrained(final).attribute(fixture_records[0]["text"], "d")
    text = fixture_records[0]["text"]
    for q in result.quotes:
        assert text[q.start:q.end] == q.text and 0.0 <= q.score <= 1.0


def test_num_layers_trains_a_shallower_model_that_reloads(tmp_path, fixture_jsonl, fixture_records):
    cfg = _config(tmp_path, fixture_jsonl, fixture_records, num_layers=1, epochs=1)
    train(cfg, log=lambda *_: None)
    model, _, _ = load_tagger(tmp_path / "run" / "model")
    assert model.config.num_hidden_layers == 1 and len(model.base_model.encoder.layer) == 1
    with pytest.raises(ConfigError, match="num_layers: 9"):
        train(_config(tmp_path, fixture_jsonl, fixture_records, num_layers=9, output_dir=str(tmp_path / "r2")), log=lambda *_: None)


def test_resume_continues_after_last_epoch(tmp_path, fixture_jsonl, fixture_records):
    cfg = _config(tmp_path, fixture_jsonl, fixture_records, epochs=1)
    train(cfg, log=lambda *_: None)
    logs: list[str] = []
    resumed = _config(tmp_path, fixture_jsonl, fixture_records, epochs=2, resume=True)
    metrics = train(resumed, log=logs.append)
    assert any("resuming after epoch 1" in line for line in logs)
    assert [r["epoch"] for r in metrics["history"]] == [1, 2]


def test_unknown_key_is_named(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("train_data: x\noutput_dir: y\nlearning_rat: 0.1\n")
    with pytest.raises(ConfigError, match=r"unknown config key 'learning_rat' \(did you mean 'learning_rate'\?\)"):
        load_config(path, {})


def test_bad_value_and_missing_key(tmp_path):
    with pytest.raises(ConfigError, match="'epochs' must be int"):
        load_config(None, {"train_data": "x", "output_dir": "y", "epochs": "many"})
    with pytest.raises(ConfigError, match="'output_dir' is required"):
        load_config(None, {"train_data": "x"})


def test_flags_override_yaml(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("train_data: x\noutput_dir: y\nepochs: 3\n")
    cfg = parse_args(["--config", str(path), "--epochs", "5", "--use-casing", "false"])
    assert cfg.epochs == 5 and cfg.use_casing is False


def test_cli_reports_errors(tmp_path, capsys):
    assert main(["--train-data", "x"]) == 2
    assert "output_dir" in capsys.readouterr().err


def test_missing_model_folder_is_clear(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_tagger(tmp_path / "nope")


def test_linker_trains_saves_and_is_used(tmp_path, fixture_jsonl, fixture_records):
    from quoteattr.linking import LINKER_FILE, Linker
    from training.config import LinkerConfig
    from training.train_linker import train_linker

    model_dir = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    cfg = load_config(None, {"model_dir": str(model_dir), "train_data": str(fixture_jsonl), "dev_data": str(fixture_jsonl),
                             "epochs": 2, "threads": 1}, LinkerConfig)
    report = train_linker(cfg, log=lambda *_: None)
    assert report["train_examples"] > 0 and len(report["history"]) == 2
    assert (model_dir / LINKER_FILE).is_file()
    assert isinstance(Linker.load(model_dir), Linker)
    qa = QuoteAttributor.from_pretrained(model_dir)
    assert qa.linker is not None
    text = fixture_records[0]["text"]
    for q in qa.attribute(text).quotes:
        assert q.mention is None or text[q.mention.start:q.mention.end] == q.mention.text


def test_linker_config_rejects_unknown_key():
    from training.config import LinkerConfig

    with pytest.raises(ConfigError, match="unknown config key 'epoch'"):
        load_config(None, {"model_dir": "m", "train_data": "t", "epoch": 3}, LinkerConfig)
