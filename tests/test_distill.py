"""Distilling a smaller student, packaging it with shared embeddings, and per-channel int8."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import load_file

from quoteattr.modeling import EMBEDDINGS_PREFIX, ModelError, load_runtime_tagger, load_tagger
from quoteattr.pipeline import QuoteAttributor
from training.config import load_config
from training.distill import distillation_loss
from training.share_embeddings import main as share_main, share_embeddings
from training.train import train

from .conftest import tiny_model_dir


def _outputs(logits, hidden):
    return SimpleNamespace(logits=logits, hidden_states=(hidden,))


def test_distillation_loss_is_zero_for_identical_outputs_and_ignores_padding():
    torch.manual_seed(0)
    logits, hidden = torch.randn(2, 5, 7), torch.randn(2, 5, 4)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
    kl, mse = distillation_loss(_outputs(logits, hidden), _outputs(logits.clone(), hidden.clone()), mask, 2.0, 1.0)
    assert float(kl) == pytest.approx(0.0, abs=1e-6) and float(mse) == 0.0
    other_logits, other_hidden = logits.clone(), hidden.clone()
    other_logits[0, 3:] += 5.0  # padded positions only
    other_hidden[0, 3:] -= 3.0
    kl, mse = distillation_loss(_outputs(logits, hidden), _outputs(other_logits, other_hidden), mask, 2.0, 1.0)
    assert float(kl) == pytest.approx(0.0, abs=1e-6) and float(mse) == 0.0
    other_logits[1, 0, 2] += 5.0  # one label (a shift of every logit would leave softmax unchanged)
    other_hidden[1, 0] += 1.0
    kl, mse = distillation_loss(_outputs(logits, hidden), _outputs(other_logits, other_hidden), mask, 2.0, 1.0)
    assert float(kl) > 0.01 and float(mse) > 0.0


def _train_student(tmp_path, fixture_jsonl, fixture_records, **extra):
    teacher = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    values = dict(train_data=str(fixture_jsonl), output_dir=str(tmp_path / "student-run"), init_model=str(teacher),
                  teacher_model=str(teacher), num_layers=1, freeze_embeddings=True, max_length=32, stride=8, epochs=1,
                  batch_size=4, learning_rate=1e-3, warmup_ratio=0.0, threads=1, save_fp16=False)
    values.update(extra)
    train(load_config(None, values), log=lambda *_: None)
    return teacher, tmp_path / "student-run" / "model"


def test_student_keeps_the_teachers_embeddings_and_packages_without_them(tmp_path, fixture_jsonl, fixture_records):
    teacher_dir, student_dir = _train_student(tmp_path, fixture_jsonl, fixture_records)
    teacher, student = load_file(str(teacher_dir / "model.safetensors")), load_file(str(student_dir / "model.safetensors"))
    embeddings = [k for k in teacher if k.startswith(EMBEDDINGS_PREFIX)]
    assert embeddings and all(torch.equal(teacher[k], student[k]) for k in embeddings)
    layer = "bert.encoder.layer.0.intermediate.dense.weight"
    assert not torch.equal(teacher[layer], student[layer])  # the rest did train
    assert "bert.encoder.layer.1.intermediate.dense.weight" not in student

    out = tmp_path / "packaged"
    assert share_embeddings(student_dir, teacher_dir, out) == sum(teacher[k].numel() for k in embeddings)
    assert not any(k.startswith(EMBEDDINGS_PREFIX) for k in load_file(str(out / "model.safetensors")))
    assert json.loads((out / "config.json").read_text())["quoteattr"]["embeddings_from"] == "../tiny-model"
    a, b = load_tagger(student_dir)[0].state_dict(), load_tagger(out)[0].state_dict()  # the transformers loader too
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    text = fixture_records[0]["text"]
    assert QuoteAttributor.from_pretrained(out).attribute(text) == QuoteAttributor.from_pretrained(student_dir).attribute(text)
    assert (out / "int8_calibration.safetensors").read_bytes() == (student_dir / "int8_calibration.safetensors").read_bytes()
    assert QuoteAttributor.from_pretrained(out, int8=True).attribute(text) == QuoteAttributor.from_pretrained(student_dir, int8=True).attribute(text)

    # Never overwrite a folder unasked; --force replaces it.
    assert share_main(["--model", str(student_dir), "--base", str(teacher_dir), "--out", str(out)]) == 2
    assert share_main(["--model", str(student_dir), "--base", str(teacher_dir), "--out", str(out), "--force"]) == 0


def test_packaging_refuses_a_student_whose_embeddings_trained(tmp_path, fixture_jsonl, fixture_records):
    teacher_dir, student_dir = _train_student(tmp_path, fixture_jsonl, fixture_records, freeze_embeddings=False)
    with pytest.raises(ModelError, match="freeze_embeddings"):
        share_embeddings(student_dir, teacher_dir, tmp_path / "packaged")
    assert not (tmp_path / "packaged").exists()


def test_a_folder_whose_embedding_source_is_missing_says_so(tmp_path, fixture_jsonl, fixture_records):
    teacher_dir, student_dir = _train_student(tmp_path, fixture_jsonl, fixture_records)
    out = tmp_path / "packaged"
    share_embeddings(student_dir, teacher_dir, out)
    (teacher_dir / "model.safetensors").unlink()
    with pytest.raises(ModelError, match="shares the embeddings of .*keep the two folders together"):
        load_runtime_tagger(out)


def test_int8_weights_have_one_scale_per_output_channel(tmp_path, fixture_records):
    folder = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    qa = QuoteAttributor.from_pretrained(folder, int8=True)
    weight = qa.model.bert.encoder.layer[0].intermediate.dense.weight()
    assert weight.dtype == torch.qint8 and weight.qscheme() == torch.per_channel_affine
    assert weight.q_per_channel_scales().shape == (weight.shape[0],)


def test_fast_selects_the_shipped_student_and_refuses_a_path_too(tmp_path, fixture_records):
    folder = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    with pytest.raises(ValueError, match="either a path or fast"):
        QuoteAttributor.from_pretrained(folder, fast=True)
    from quoteattr.cli import main

    (tmp_path / "a.txt").write_text(fixture_records[0]["text"], encoding="utf-8")
    assert main(["attribute", str(tmp_path / "a.txt"), "--model", str(folder), "--fast", "-o", str(tmp_path / "o.jsonl")]) == 2
    assert not (tmp_path / "o.jsonl").exists()


def test_layer_map_matches_each_student_layer_to_its_teacher_layer():
    torch.manual_seed(1)
    mask = torch.ones(1, 4, dtype=torch.long)
    logits = torch.randn(1, 4, 7)
    teacher = [torch.randn(1, 4, 3) for _ in range(4)]  # embeddings + 3 layers
    student = [teacher[0], teacher[1], teacher[3]]  # 2 layers: the first, then the teacher's last
    s_out = SimpleNamespace(logits=logits, hidden_states=tuple(student))
    t_out = SimpleNamespace(logits=logits, hidden_states=tuple(teacher))
    _, mse = distillation_loss(s_out, t_out, mask, 2.0, 1.0, [1, 3])
    assert float(mse) == 0.0
    _, mse = distillation_loss(s_out, t_out, mask, 2.0, 1.0, [1, 2])  # layer 2 of the student is not layer 2 of the teacher
    assert float(mse) == pytest.approx(float(((teacher[3] - teacher[2]) ** 2).mean()) / 2)
    s_out = SimpleNamespace(logits=logits, hidden_states=(teacher[0], teacher[2], teacher[3]))
    _, mse = distillation_loss(s_out, t_out, mask, 2.0, 1.0)  # no map: the last layers only
    assert float(mse) == 0.0


def test_hidden_distill_layers_from_yaml_or_flag_and_checked_against_the_models(tmp_path, fixture_jsonl, fixture_records):
    from training.config import ConfigError, parse_args

    base = ["--train-data", "x", "--output-dir", "y"]
    assert parse_args(base + ["--hidden-distill-layers", "1, 2,4"]).hidden_distill_layers == [1, 2, 4]
    cfg = tmp_path / "c.yaml"
    cfg.write_text("train_data: x\noutput_dir: y\nhidden_distill_layers: [2, 3]\n")
    assert parse_args(["--config", str(cfg)]).hidden_distill_layers == [2, 3]
    with pytest.raises(ConfigError, match="hidden_distill_layers.*int"):
        parse_args(base + ["--hidden-distill-layers", "1,two"])
    with pytest.raises(ConfigError, match="has 2 entries; the student has 1"):
        _train_student(tmp_path, fixture_jsonl, fixture_records, hidden_distill_layers=[1, 2])
    with pytest.raises(ConfigError, match="teacher layer 9 does not exist"):
        _train_student(tmp_path, fixture_jsonl, fixture_records, hidden_distill_layers=[9])



def test_source_tokens_weigh_more_in_both_label_losses():
    from training.distill import role_token_weights, weighted_cross_entropy

    labels = torch.tensor([[0, 3, 4, -100]])
    teacher_logits = torch.zeros(1, 4, 7)
    teacher_logits[0, 0, 3] = 5.0  # the teacher reads token 0 as a Source the gold misses
    weights = role_token_weights(labels, teacher_logits, (3, 4), 2.0)
    assert weights.tolist() == [[2.0, 2.0, 2.0, 1.0]]
    teacher_logits[0, 0, 3] = 0.0
    weights = role_token_weights(labels, teacher_logits, (3, 4), 3.0)
    assert weights.tolist() == [[1.0, 3.0, 3.0, 1.0]]

    logits = torch.randn(1, 4, 7)
    unweighted = torch.nn.functional.cross_entropy(logits[0, :3], labels[0, :3])
    assert float(weighted_cross_entropy(logits, labels, torch.ones(1, 4))) == pytest.approx(float(unweighted))
    per_token = torch.nn.functional.cross_entropy(logits[0, :3], labels[0, :3], reduction="none")
    expected = (per_token[0] + 3 * per_token[1] + 3 * per_token[2]) / 7  # the ignored token weighs nothing
    assert float(weighted_cross_entropy(logits, labels, weights)) == pytest.approx(float(expected))

    mask = torch.tensor([[1, 1, 1, 0]])
    student = _outputs(logits, torch.zeros(1, 4, 2))
    teacher = _outputs(torch.randn(1, 4, 7), torch.zeros(1, 4, 2))
    plain, _ = distillation_loss(student, teacher, mask, 1.0, 0.0)
    same, _ = distillation_loss(student, teacher, mask, 1.0, 0.0, token_weights=torch.ones(1, 4))
    heavy, _ = distillation_loss(student, teacher, mask, 1.0, 0.0, token_weights=torch.tensor([[1.0, 1.0, 1.0, 50.0]]))
    assert float(same) == pytest.approx(float(plain)) and float(heavy) == pytest.approx(float(plain))  # padding ignored
    tilted, _ = distillation_loss(student, teacher, mask, 1.0, 0.0, token_weights=torch.tensor([[9.0, 1.0, 1.0, 1.0]]))
    assert float(tilted) != pytest.approx(float(plain))


def test_each_distillation_option_changes_what_the_student_learns(tmp_path, fixture_jsonl, fixture_records):
    def weights(name, **extra):
        (tmp_path / name).mkdir()
        return load_file(str(_train_student(tmp_path / name, fixture_jsonl, fixture_records, **extra)[1] / "model.safetensors"))

    plain = weights("plain")
    same = weights("again")
    assert all(torch.equal(plain[k], same[k]) for k in plain)  # training is repeatable, so a difference below is the option's
    for name, extra in [("last", {"hidden_distill_layers": [2]}), ("first", {"hidden_distill_layers": [1]}),
                        ("source", {"source_loss_weight": 2.0})]:
        other = weights(name, **extra)
        differs = any(not torch.equal(plain[k], other[k]) for k in plain)
        assert differs == (name != "last"), name  # [2] is the default map of a 1-layer student (the teacher's last layer)
