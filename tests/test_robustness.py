"""Pipeline invariants on arbitrary and hostile text, and clear errors for broken model folders."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quoteattr.modeling import ModelError, load_runtime_tagger, load_tagger
from quoteattr.pipeline import QuoteAttributor

from .conftest import tiny_model_dir


@pytest.fixture(scope="module")
def attributor(tmp_path_factory):
    # Threshold 0 keeps every quotation-mark pair, so quote and link paths always run.
    directory = tiny_model_dir(tmp_path_factory.mktemp("m"), ["He said \u201cyes\u201d. \"No,\" she said."], quote_threshold=0.0)
    return QuoteAttributor.from_pretrained(directory)


def _check(result, text):
    for q in result.quotes:
        assert 0 <= q.start <= q.end <= len(text) and text[q.start:q.end] == q.text
        for span in (q.mention, q.cue):
            if span is not None:
                assert text[span.start:span.end] == span.text
    for sp in result.speakers:
        for m in sp.mentions:
            assert text[m.start:m.end] == m.text


HOSTILE = [
    "", "   \n\t ", '"""', "\u201c\u201c\u201d\u201d\u2018", 'He said "unbalanced', "line one\r\n\"Quoted,\" he said.\r\n",
    "ctrl \x00\x01\x1b[31m \"x\" \x7f", "Der Minister sagte: \u201eWir sind bereit.\u201c", "\u0627\u0644\u0648\u0632\u064a\u0631 \u00ab\u0646\u0639\u0645\u00bb",
    "\ud800 lone surrogate? no: \ufffd replacement", "a" * 5000 + ' "quoted text here" ' + "b" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs(attributor, text):
    _check(attributor.attribute(text, "d"), text)


def test_two_megabyte_article_keeps_offsets(attributor):
    paragraph = 'The minister said talks would go on. "We are ready to meet again," she told reporters.\n'
    text = paragraph * 23000  # ~2 MB in one article
    assert len(text.encode("utf-8")) > 2_000_000
    result = attributor.attribute(text)
    _check(result, text)
    assert len(result.quotes) == 23000


@given(st.text(alphabet=st.sampled_from(list("abc XYZ.,\n\"'\u201c\u201d\u2018\u2019")), max_size=120))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_invariants_on_arbitrary_text(attributor, text):
    first = attributor.attribute(text, "d")
    _check(first, text)
    assert attributor.attribute(text, "d") == first  # deterministic


@pytest.mark.parametrize("loader", [load_tagger, load_runtime_tagger], ids=["transformers", "runtime"])
def test_broken_model_folders(tmp_path, loader):
    good = tiny_model_dir(tmp_path, ["a b"])
    truncated = tmp_path / "truncated"
    shutil.copytree(good, truncated)
    weights = truncated / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelError, match="weights cannot be loaded"):
        loader(truncated)

    newer = tmp_path / "newer"
    shutil.copytree(good, newer)
    config = json.loads((newer / "config.json").read_text())
    config["quoteattr"]["version"] = "99.0.0"
    (newer / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="newer than this quoteattr"):
        loader(newer)

    labels = tmp_path / "labels"
    shutil.copytree(good, labels)
    config = json.loads((labels / "config.json").read_text())
    config["id2label"] = {str(i): f"L{i}" for i in range(len(config["id2label"]))}
    config["label2id"] = {v: int(k) for k, v in config["id2label"].items()}
    (labels / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="labels .* differ"):
        loader(labels)

    pickled = tmp_path / "pickled"
    shutil.copytree(good, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    with pytest.raises(ModelError, match="pickle weights are refused"):
        loader(pickled)

    garbled = tmp_path / "garbled"
    shutil.copytree(good, garbled)
    (garbled / "config.json").write_text("{not json")
    with pytest.raises(ModelError, match="config.json cannot be read"):
        loader(garbled)
